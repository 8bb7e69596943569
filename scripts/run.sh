#!/usr/bin/env bash
# Starts one Switchboard node with the embedded defaults (everything in memory) on $PORT
# (default 4000). Builds the server jar first when it is missing or older than the sources.
# Any SWITCHBOARD_* variable in the environment configures the node (see README).
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=modules/server/target/switchboard.jar
needs_build() {
  [ ! -f "$JAR" ] && return 0
  [ -n "$(find modules pom.xml -newer "$JAR" \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -not -path '*/target*' -print -quit)" ]
}
if needs_build; then
  echo "switchboard: building $JAR ..." >&2
  ./mvnw -q -B package -DskipTests -pl modules/server -am
fi

export PORT="${PORT:-4000}"
# deploy/jvm.options: the flags every node runs with (the JIT compiler below the event loops).
exec java @deploy/jvm.options ${JAVA_OPTS:-} -jar "$JAR" "$@"
