#!/usr/bin/env bash
# A local Switchboard cluster on this machine's loopback.
#
#   scripts/cluster.sh start N   # a Redis of its own (unless REDIS_URL is set) and N nodes on
#                                # ports 4001..4000+N; waits until every node is ready, then prints
#                                # one line per node: node <i> pid <pid> url http://127.0.0.1:<port>
#   scripts/cluster.sh stop      # stops what start started (by PID: SIGTERM, then SIGKILL); idempotent
#   scripts/cluster.sh status    # what runs, from the state in .cluster/
#
# The nodes inherit this script's environment, so any SWITCHBOARD_* variable configures every node
# (e.g. SWITCHBOARD_MEETINGS_AUTO_CREATE=true scripts/cluster.sh start 2). Per node the script sets
# PORT, SWITCHBOARD_HOST=127.0.0.1, SWITCHBOARD_CLUSTER_HOST=127.0.0.1 and REDIS_URL (its own Redis
# unless REDIS_URL is set), and SWITCHBOARD_CLUSTER_NAME (a name unique to this run unless set, so
# another cluster on this machine is never joined). State (PIDs, the Redis port) and logs
# (.cluster/node-<i>.log, .cluster/redis.log) are in .cluster/.
#
# Other variables: JAVA_OPTS (JVM options of every node), SB_CLUSTER_TIMEOUT_S (how long start waits
# for readiness, default 120), SB_TARGET (the Maven build folder name, default target: the jar is
# modules/server/$SB_TARGET/switchboard.jar, built like scripts/run.sh when missing or stale).
set -euo pipefail
cd "$(dirname "$0")/.."

STATE=.cluster
TARGET="${SB_TARGET:-target}"
JAR="modules/server/$TARGET/switchboard.jar"
FIRST_PORT=4001
TIMEOUT_S="${SB_CLUSTER_TIMEOUT_S:-120}"

say() { echo "cluster: $*" >&2; }
die() { say "$*"; exit 1; }

usage() {
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# ---- processes ---------------------------------------------------------------------------------

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# Whether PID $1 still runs the program we started (a PID may be reused after a reboot).
ours() {
  local pid="$1" what="$2" cmd
  alive "$pid" || return 1
  cmd="$(ps -p "$pid" -o command= 2>/dev/null || true)"
  [[ "$cmd" == *"$what"* ]]
}

# Stops PID $1 (running $2) with SIGTERM, waits up to $3 seconds, then SIGKILL.
stop_pid() {
  local pid="$1" what="$2" wait_s="$3" i
  ours "$pid" "$what" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < wait_s * 10; i++)); do
    alive "$pid" || return 0
    sleep 0.1
  done
  say "pid $pid did not exit within ${wait_s}s of SIGTERM: SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    alive "$pid" || return 0
    sleep 0.1
  done
}

# ---- probes (curl, or bash's /dev/tcp) ---------------------------------------------------------

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# The HTTP status of GET http://127.0.0.1:$1$2, or 000 when nothing answers.
http_status() {
  local port="$1" path="$2" line
  if command -v curl >/dev/null 2>&1; then
    curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$port$path" 2>/dev/null || echo 000
    return
  fi
  if ! { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
    echo 000
    return
  fi
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$path" "$port" >&3
  if IFS= read -r -t 2 line <&3; then
    line="${line#HTTP/* }"
    echo "${line:0:3}"
  else
    echo 000
  fi
  exec 3<&- 3>&-
}

redis_answers() {
  local port="$1" line
  { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 1
  printf 'PING\r\n' >&3
  IFS= read -r -t 1 line <&3 || line=""
  exec 3<&- 3>&-
  [[ "$line" == "+PONG"* ]]
}

free_port() {
  local p i
  for ((i = 0; i < 50; i++)); do
    p=$((20000 + RANDOM % 30000))
    [ "$p" -eq 6379 ] && continue
    port_in_use "$p" || { echo "$p"; return 0; }
  done
  return 1
}

tail_log() {
  echo "---- last lines of $1 ----" >&2
  tail -n "${2:-30}" "$1" >&2 2>/dev/null || true
}

# ---- build -------------------------------------------------------------------------------------

needs_build() {
  [ ! -f "$JAR" ] && return 0
  [ -n "$(find modules pom.xml -newer "$JAR" \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -not -path '*/target*' -print -quit)" ]
}

build() {
  if needs_build; then
    say "building $JAR ..."
    ./mvnw -q -B package -DskipTests -pl modules/server -am -Dsb.target="$TARGET" >&2
  fi
}

# ---- start / stop ------------------------------------------------------------------------------

running_pids() {
  local f
  for f in "$STATE"/node-*.pid "$STATE"/redis.pid; do
    [ -f "$f" ] || continue
    alive "$(cat "$f")" && echo "$(cat "$f")"
  done
  return 0
}

start() {
  local n="${1:-}"
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le 20 ] || die "start needs a node count from 1 to 20 (got '${n}')"
  if [ -n "$(running_pids)" ]; then
    die "a cluster started from here is still running (pids $(running_pids | tr '\n' ' ')); run scripts/cluster.sh stop first"
  fi
  command -v java >/dev/null 2>&1 || die "java not found on PATH (Java 17 or later)"
  local i port
  for ((i = 1; i <= n; i++)); do
    port=$((FIRST_PORT + i - 1))
    port_in_use "$port" && die "port $port is already in use (nodes take ports $FIRST_PORT..$((FIRST_PORT + n - 1)))"
  done
  build
  [ -f "$JAR" ] || die "no $JAR after the build"

  rm -rf "$STATE"
  mkdir -p "$STATE"
  # If anything below fails, stop what was started.
  STARTED=0
  trap 'if [ "$STARTED" != 1 ]; then say "start failed: stopping what was started"; stop_all; fi' EXIT

  if [ -z "${REDIS_URL:-}" ]; then
    command -v redis-server >/dev/null 2>&1 || die "redis-server not found on PATH (install it, or set REDIS_URL)"
    local rport
    rport="$(free_port)" || die "no free port for Redis"
    mkdir -p "$STATE/redis"
    nohup redis-server --port "$rport" --bind 127.0.0.1 --save "" --appendonly no --dir "$STATE/redis" \
      >"$STATE/redis.log" 2>&1 &
    echo $! >"$STATE/redis.pid"
    echo "$rport" >"$STATE/redis.port"
    for ((i = 0; i < 100; i++)); do
      redis_answers "$rport" && break
      alive "$(cat "$STATE/redis.pid")" || { tail_log "$STATE/redis.log"; die "redis-server exited"; }
      sleep 0.1
    done
    redis_answers "$rport" || { tail_log "$STATE/redis.log"; die "Redis on port $rport does not answer"; }
    export REDIS_URL="redis://127.0.0.1:$rport"
    say "redis-server pid $(cat "$STATE/redis.pid") on $REDIS_URL"
  else
    say "using REDIS_URL from the environment"
  fi
  export SWITCHBOARD_CLUSTER_NAME="${SWITCHBOARD_CLUSTER_NAME:-sb-local-$(date +%s)-$$-$RANDOM}"
  export SWITCHBOARD_CLUSTER_HOST="${SWITCHBOARD_CLUSTER_HOST:-127.0.0.1}"
  export SWITCHBOARD_HOST="${SWITCHBOARD_HOST:-127.0.0.1}"
  echo "$SWITCHBOARD_CLUSTER_NAME" >"$STATE/cluster-name"
  say "cluster $SWITCHBOARD_CLUSTER_NAME"

  # The first node alone, then the others together: they join the first (no split start).
  start_node 1
  await_ready 1
  for ((i = 2; i <= n; i++)); do
    start_node "$i"
  done
  for ((i = 2; i <= n; i++)); do
    await_ready "$i"
  done
  STARTED=1
  for ((i = 1; i <= n; i++)); do
    echo "node $i pid $(cat "$STATE/node-$i.pid") url http://127.0.0.1:$((FIRST_PORT + i - 1))"
  done
}

start_node() {
  local i="$1"
  # shellcheck disable=SC2086
  PORT=$((FIRST_PORT + i - 1)) nohup java @deploy/jvm.options ${JAVA_OPTS:-} -jar "$JAR" >"$STATE/node-$i.log" 2>&1 &
  echo $! >"$STATE/node-$i.pid"
}

await_ready() {
  local i="$1" port=$((FIRST_PORT + $1 - 1)) pid deadline status=000
  pid="$(cat "$STATE/node-$i.pid")"
  deadline=$((SECONDS + TIMEOUT_S))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if ! alive "$pid"; then
      tail_log "$STATE/node-$i.log" 40
      die "node $i (pid $pid) exited before it was ready"
    fi
    status="$(http_status "$port" /health/ready)"
    [ "$status" = "200" ] && return 0
    sleep 0.25
  done
  tail_log "$STATE/node-$i.log" 40
  die "node $i (pid $pid, port $port) not ready within ${TIMEOUT_S}s (last /health/ready: $status)"
}

# Stops every node (all at once: each drains), then Redis.
stop_all() {
  local f pid drain_s
  drain_s=$(( (${SWITCHBOARD_DRAIN_TIMEOUT_MS:-20000} + 999) / 1000 + 15 ))
  local pids=()
  for f in "$STATE"/node-*.pid; do
    [ -f "$f" ] || continue
    pid="$(cat "$f")"
    if ours "$pid" "switchboard.jar"; then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  for pid in "${pids[@]+"${pids[@]}"}"; do
    stop_pid "$pid" "switchboard.jar" "$drain_s"
    say "node pid $pid stopped"
  done
  rm -f "$STATE"/node-*.pid
  if [ -f "$STATE/redis.pid" ]; then
    pid="$(cat "$STATE/redis.pid")"
    if ours "$pid" "redis-server"; then
      stop_pid "$pid" "redis-server" 10
      say "redis-server pid $pid stopped"
    fi
    rm -f "$STATE/redis.pid" "$STATE/redis.port"
  fi
}

stop() {
  if [ -z "$(running_pids)" ]; then
    rm -f "$STATE"/node-*.pid "$STATE/redis.pid" "$STATE/redis.port"
    say "nothing running"
    return 0
  fi
  stop_all
}

status() {
  local f i pid any=""
  for f in "$STATE"/node-*.pid; do
    [ -f "$f" ] || continue
    i="${f##*/node-}"
    i="${i%.pid}"
    pid="$(cat "$f")"
    if ours "$pid" "switchboard.jar"; then
      echo "node $i pid $pid url http://127.0.0.1:$((FIRST_PORT + i - 1)) ready $(http_status $((FIRST_PORT + i - 1)) /health/ready)"
      any=1
    fi
  done
  if [ -f "$STATE/redis.pid" ] && ours "$(cat "$STATE/redis.pid")" "redis-server"; then
    echo "redis pid $(cat "$STATE/redis.pid") url redis://127.0.0.1:$(cat "$STATE/redis.port")"
    any=1
  fi
  [ -n "$any" ] || say "nothing running"
}

case "${1:-}" in
  start) start "${2:-}" ;;
  stop) stop ;;
  status) status ;;
  *) usage ;;
esac
