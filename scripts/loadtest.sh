#!/usr/bin/env bash
# Load tests on this machine's loopback: starts Redis and N nodes of Switchboard (or of the
# socket.io reference in bench/reference), runs one scenario of the load-test tool against them,
# and stops everything it started (by PID). Every step is bounded in time.
#
#   scripts/loadtest.sh [options] <scenario> [tool options]   # one scenario on a fresh stack
#   scripts/loadtest.sh [options] smoke                       # short end-to-end check, both stacks
#   scripts/loadtest.sh [options] compare [--quick]           # the benchmark of BENCHMARKS.md
#
# Scenarios: connect, meeting, relay, ramp, churn (java -jar <tool jar> <scenario> --help). The tool
# gets --url (every node, round-robin), --pid (the nodes, for memory and CPU), --redis (the Redis it started,
# for commands and CPU per message or join), --label <target>-<n>n and
# --json/--png in the output folder; the tool options given here come after and win.
#
# Options:
#   --target switchboard|reference   which server (default switchboard)
#   --nodes N                        nodes, each with its own port from BASE_PORT (default 2; compare: "1 2")
#   --standalone                     Switchboard only: one node without Redis (everything in memory)
#   --launcher own|cluster           Switchboard only: start nodes here (default) or with scripts/cluster.sh
#                                    (ports 4001.., its .cluster/ state; needs SERVER_JAR under modules/server/<t>/)
#   --out DIR                        where reports, plots and logs go (default bench/results/<time>-<what>)
#   --max-seconds S                  hard limit for the whole script (default 900; compare 5400)
#
# Environment (all optional):
#   SERVER_JAR          the Switchboard jar (default modules/server/target/switchboard.jar; built if missing)
#   LOADTEST_JAR        the tool (default modules/loadtest/target/switchboard-loadtest.jar; built if missing)
#   SB_TARGET           Maven build folder used when a jar must be built (default target)
#   NODE_JAVA_OPTS      JVM options of the Switchboard nodes (default -Xms512m -Xmx512m -XX:+AlwaysPreTouch:
#                       a fixed, touched heap, so that RSS minus the heap is the native memory)
#   NODE_JVM_ARGFILE    java argument file the nodes start with, before NODE_JAVA_OPTS (default
#                       deploy/jvm.options, as the image and scripts/run.sh; empty: none)
#   LOADTEST_JAVA_OPTS  JVM options of the tool (default -Xms1g -Xmx1g -Xmn512m: a fixed heap and young
#                       generation, so that after the collection the tool makes before each measured phase
#                       its eden outlasts the phase, and its own pauses stay out of the latencies)
#   LOADTEST_SHORT_OPTS added for connect, meeting and churn, whose measured phases last seconds (default
#                       -XX:TieredStopAtLevel=1: the quick JIT compiler only. The tool is a new JVM every
#                       run; with C2 its compiling took more than a core of the 2 during a 2 s join phase.
#                       relay and ramp keep C2: their phases outlast the compiling, and at 20000 msgs/s
#                       and more the tool's cost per message decides what it can drive)
#   REF_NODE_OPTS       options of the reference's node processes (default --expose-gc)
#   BASE_PORT           first node port (default 4101: nodes on BASE_PORT..BASE_PORT+N-1)
#   READY_TIMEOUT       seconds a node may take to become ready (default 120)
#   SWITCHBOARD_*       passed to every Switchboard node (SWITCHBOARD_MEETINGS_AUTO_CREATE defaults to true
#                       here: the meeting scenarios join meetings nobody created)
#   compare only:
#   COMPARE_RELAY_RATE        the fixed relay rate (default 2000 msgs/s)
#   COMPARE_WARMUP_PASSES     meeting + relay runs after the cold ones, before the measured ones (default 3;
#                             --quick 1); Switchboard runs more while its JIT compiler is still busy
#                             (see COMPARE_WARMUP_SETTLED_PCT), and the reference as many as it did
#   COMPARE_WARMUP_SETTLED_PCT  the compiler counts as settled once its threads take less than this share
#                             of the nodes' CPU for a pass's connections and joins (default 10)
#   COMPARE_WARMUP_MAX_PASSES at most this many warm-up passes (default 16)
#   COMPARE_MAX_CONNECTIONS   the last connect step of one node (default 19000)
#   COMPARE_MEETING_RUNS      measured meeting runs (default 3): the summary shows the first one's plot and
#                             numbers, and the median join p99 of all (labels <stack>-<n>n, -rep2, -rep3, ...)
#   COMPARE_RELAY_RUNS        measured fixed-rate relay runs (default 3), shown the same way (median p99)
set -euo pipefail
for var in SERVER_JAR LOADTEST_JAR; do
  if [ -n "${!var:-}" ] && [[ "${!var}" != /* ]]; then
    printf -v "$var" '%s/%s' "$PWD" "${!var}"
  fi
done
CALLER_PWD="$PWD"
cd "$(dirname "$0")/.."
ROOT="$PWD"

SB_TARGET="${SB_TARGET:-target}"
SERVER_JAR="${SERVER_JAR:-$ROOT/modules/server/target/switchboard.jar}"
LOADTEST_JAR="${LOADTEST_JAR:-$ROOT/modules/loadtest/target/switchboard-loadtest.jar}"
NODE_JAVA_OPTS="${NODE_JAVA_OPTS:--Xms512m -Xmx512m -XX:+AlwaysPreTouch}"
NODE_JVM_ARGFILE="${NODE_JVM_ARGFILE-$ROOT/deploy/jvm.options}"
NODE_JAVA_ARGS="${NODE_JVM_ARGFILE:+@$NODE_JVM_ARGFILE }$NODE_JAVA_OPTS"
LOADTEST_JAVA_OPTS="${LOADTEST_JAVA_OPTS:--Xms1g -Xmx1g -Xmn512m}"
LOADTEST_SHORT_OPTS="${LOADTEST_SHORT_OPTS--XX:TieredStopAtLevel=1}"
REF_NODE_OPTS="${REF_NODE_OPTS:---expose-gc}"
BASE_PORT="${BASE_PORT:-4101}"
READY_TIMEOUT="${READY_TIMEOUT:-120}"
export SWITCHBOARD_MEETINGS_AUTO_CREATE="${SWITCHBOARD_MEETINGS_AUTO_CREATE:-true}"

TARGET=switchboard
NODES=""
STANDALONE=0
LAUNCHER=own
OUT=""
MAX_SECONDS=""

say() { echo "loadtest.sh: $*" >&2; }
die() { say "$*"; exit 2; }
usage() { sed -n '2,/^set -e/{/^set -e/d;p}' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --target) TARGET="${2:-}"; shift 2 ;;
    --nodes) NODES="${2:-}"; shift 2 ;;
    --standalone) STANDALONE=1; shift ;;
    --launcher) LAUNCHER="${2:-}"; shift 2 ;;
    --out) OUT="${2:-}"; [[ "$OUT" != /* ]] && OUT="$CALLER_PWD/$OUT"; shift 2 ;;
    --max-seconds) MAX_SECONDS="${2:-}"; shift 2 ;;
    -h|--help) usage ;;
    --*) die "unknown option $1 (options go before the scenario)" ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || usage
COMMAND="$1"
shift
case "$TARGET" in switchboard|reference) ;; *) die "--target is switchboard or reference" ;; esac
case "$LAUNCHER" in own|cluster) ;; *) die "--launcher is own or cluster" ;; esac
[[ "$BASE_PORT" =~ ^[0-9]+$ ]] || die "BASE_PORT must be a number"
if [ "$COMMAND" = compare ]; then
  NODES="${NODES:-1 2}"
  MAX_SECONDS="${MAX_SECONDS:-5400}"
else
  NODES="${NODES:-2}"
  MAX_SECONDS="${MAX_SECONDS:-900}"
fi
for n in $NODES; do
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le 16 ] || die "--nodes takes node counts from 1 to 16"
done
[[ "$MAX_SECONDS" =~ ^[0-9]+$ ]] || die "--max-seconds must be a number"
DEADLINE=$((SECONDS + MAX_SECONDS))

for tool in java curl timeout; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is required"
done

# One process may hold at most `ulimit -Hn` files; each connection is one, on both sides.
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ]; then ulimit -n "$hard" 2>/dev/null || true; fi

# ---- builds -------------------------------------------------------------------------------------

build_jars() {
  local need=()
  [ -f "$LOADTEST_JAR" ] || need+=(modules/loadtest)
  [ -f "$SERVER_JAR" ] || need+=(modules/server)
  if [ ${#need[@]} -gt 0 ]; then
    say "building ${need[*]} (sb.target=$SB_TARGET) ..."
    ./mvnw -q -B package -DskipTests -Dsb.target="$SB_TARGET" -pl "$(IFS=,; echo "${need[*]}")" -am >&2
  fi
  [ -f "$LOADTEST_JAR" ] || die "no tool jar at $LOADTEST_JAR (set LOADTEST_JAR, or SB_TARGET for the build)"
  [ -f "$SERVER_JAR" ] || die "no server jar at $SERVER_JAR (set SERVER_JAR, or SB_TARGET for the build)"
}

reference_ready() {
  command -v node >/dev/null 2>&1 || die "node is required for the reference (Node.js 18 or later)"
  if [ ! -d bench/reference/node_modules/socket.io ]; then
    command -v npm >/dev/null 2>&1 || die "npm is required to install the reference's packages"
    say "installing the reference's packages (npm ci in bench/reference) ..."
    (cd bench/reference && npm ci --no-audit --no-fund >&2)
  fi
}

# ---- processes ----------------------------------------------------------------------------------

# What this script started: "pid:what" (what: the text the command line must contain).
STARTED=()
STATE=""
CLUSTER_SH_STARTED=0

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
ours() {
  local pid="$1" what="$2" cmd
  alive "$pid" || return 1
  cmd="$(ps -p "$pid" -o command= 2>/dev/null || true)"
  [[ "$cmd" == *"$what"* ]]
}
stop_pid() {  # pid what seconds
  local pid="$1" what="$2" wait_s="$3" i
  ours "$pid" "$what" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < wait_s * 10; i++)); do
    alive "$pid" || return 0
    sleep 0.1
  done
  say "pid $pid did not exit within ${wait_s}s of SIGTERM: SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
}

stop_stack() {
  local entry pid what pids=()
  if [ "$CLUSTER_SH_STARTED" = 1 ]; then
    SB_TARGET="$CLUSTER_SB_TARGET" scripts/cluster.sh stop >&2 || true
    CLUSTER_SH_STARTED=0
  fi
  # Nodes first (all at once: Switchboard drains on SIGTERM), Redis last.
  for entry in "${STARTED[@]+"${STARTED[@]}"}"; do
    pid="${entry%%:*}"; what="${entry#*:}"
    [ "$what" = redis-server ] && continue
    ours "$pid" "$what" && kill -TERM "$pid" 2>/dev/null || true
    pids+=("$entry")
  done
  for entry in "${pids[@]+"${pids[@]}"}"; do
    stop_pid "${entry%%:*}" "${entry#*:}" 40
  done
  for entry in "${STARTED[@]+"${STARTED[@]}"}"; do
    pid="${entry%%:*}"; what="${entry#*:}"
    [ "$what" = redis-server ] && stop_pid "$pid" "$what" 10
  done
  STARTED=()
}

WATCHDOG=""
TOOL_PID=""
cleanup() {
  local rc=$?
  set +e
  [ -n "$TOOL_PID" ] && stop_pid "$TOOL_PID" "java" 15
  stop_stack
  [ -n "$WATCHDOG" ] && kill "$WATCHDOG" 2>/dev/null
  exit "$rc"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM
# The hard limit: the watchdog signals this script, whose trap stops everything.
(
  trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
  sleep "$MAX_SECONDS" &
  sleeper=$!
  wait "$sleeper"
  echo "loadtest.sh: --max-seconds $MAX_SECONDS reached: stopping" >&2
  kill -TERM $$
) 2>/dev/null &
WATCHDOG=$!

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local p i
  for ((i = 0; i < 50; i++)); do
    p=$((20000 + RANDOM % 30000))
    port_in_use "$p" || { echo "$p"; return 0; }
  done
  return 1
}
redis_answers() {
  local line
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
  printf 'PING\r\n' >&3
  IFS= read -r -t 1 line <&3 || line=""
  exec 3<&- 3>&-
  [[ "$line" == "+PONG"* ]]
}
ready() { [ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$1/health/ready" 2>/dev/null)" = 200 ]; }

await_ready() {  # port pid log
  local deadline=$((SECONDS + READY_TIMEOUT))
  while [ "$SECONDS" -lt "$deadline" ]; do
    alive "$2" || { tail -n 30 "$3" >&2; die "the node on port $1 (pid $2) exited before it was ready"; }
    ready "$1" && return 0
    sleep 0.25
  done
  tail -n 30 "$3" >&2
  die "the node on port $1 (pid $2) was not ready within ${READY_TIMEOUT}s"
}

URLS=""
PIDS=""
REDIS_PORT=""

start_redis() {
  command -v redis-server >/dev/null 2>&1 || die "redis-server is required"
  REDIS_PORT="$(free_port)" || die "no free port for Redis"
  mkdir -p "$STATE/redis"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$STATE/redis" \
    >"$STATE/redis.log" 2>&1 &
  STARTED+=("$!:redis-server")
  local i
  for ((i = 0; i < 100; i++)); do
    redis_answers "$REDIS_PORT" && return 0
    sleep 0.1
  done
  die "Redis on port $REDIS_PORT does not answer (see $STATE/redis.log)"
}

# Starts the stack: target, node count. Sets URLS and PIDS.
start_stack() {
  local target="$1" n="$2" i port pid cluster
  URLS=""; PIDS=""; REDIS_PORT=""
  for ((i = 0; i < n; i++)); do
    port=$((BASE_PORT + i))
    port_in_use "$port" && die "port $port is taken (nodes use BASE_PORT..BASE_PORT+N-1; set BASE_PORT)"
  done
  if [ "$target" = switchboard ] && [ "$LAUNCHER" = cluster ]; then
    start_with_cluster_sh "$n"
    return
  fi
  if [ "$target" = switchboard ] && [ "$STANDALONE" = 1 ]; then
    [ "$n" = 1 ] || die "--standalone runs one node"
    port=$BASE_PORT
    # shellcheck disable=SC2086
    env -u REDIS_URL PORT="$port" SWITCHBOARD_HOST=127.0.0.1 java $NODE_JAVA_ARGS -jar "$SERVER_JAR" \
      >"$STATE/node-1.log" 2>&1 &
    pid=$!
    STARTED+=("$pid:$(basename "$SERVER_JAR")")
    await_ready "$port" "$pid" "$STATE/node-1.log"
    URLS="http://127.0.0.1:$port"; PIDS="$pid"
    say "switchboard standalone: pid $pid on $URLS"
    return
  fi
  start_redis
  cluster="lt-$(date +%s)-$$-$RANDOM"
  for ((i = 1; i <= n; i++)); do
    port=$((BASE_PORT + i - 1))
    if [ "$target" = switchboard ]; then
      # The same environment scripts/cluster.sh gives its nodes.
      # shellcheck disable=SC2086
      PORT="$port" REDIS_URL="redis://127.0.0.1:$REDIS_PORT" SWITCHBOARD_HOST=127.0.0.1 \
        SWITCHBOARD_CLUSTER_HOST=127.0.0.1 SWITCHBOARD_CLUSTER_NAME="$cluster" \
        java $NODE_JAVA_ARGS -jar "$SERVER_JAR" >"$STATE/node-$i.log" 2>&1 &
      pid=$!
      STARTED+=("$pid:$(basename "$SERVER_JAR")")
    else
      # shellcheck disable=SC2086
      PORT="$port" HOST=127.0.0.1 REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
        node $REF_NODE_OPTS bench/reference/server.js >"$STATE/node-$i.log" 2>&1 &
      pid=$!
      STARTED+=("$pid:bench/reference/server.js")
    fi
    # The first node alone (the others join its cluster), then the others together.
    [ "$i" = 1 ] && await_ready "$port" "$pid" "$STATE/node-$i.log"
    URLS="${URLS:+$URLS,}http://127.0.0.1:$port"
    PIDS="${PIDS:+$PIDS,}$pid"
  done
  for ((i = 2; i <= n; i++)); do
    await_ready $((BASE_PORT + i - 1)) "$(echo "$PIDS" | cut -d, -f"$i")" "$STATE/node-$i.log"
  done
  say "$target: $n node(s) ready: $URLS (pids $PIDS; redis pid ${STARTED[0]%%:*} port $REDIS_PORT; logs $STATE)"
}

start_with_cluster_sh() {
  local n="$1" line
  CLUSTER_SB_TARGET="$(basename "$(dirname "$SERVER_JAR")")"
  [ "$SERVER_JAR" = "$ROOT/modules/server/$CLUSTER_SB_TARGET/switchboard.jar" ] \
    || die "--launcher cluster needs SERVER_JAR under modules/server/<folder>/switchboard.jar"
  [ "$BASE_PORT" = 4001 ] || say "note: scripts/cluster.sh always uses ports 4001.."
  CLUSTER_SH_STARTED=1
  while IFS= read -r line; do
    if [[ "$line" =~ ^node\ [0-9]+\ pid\ ([0-9]+)\ url\ (.*)$ ]]; then
      PIDS="${PIDS:+$PIDS,}${BASH_REMATCH[1]}"
      URLS="${URLS:+$URLS,}${BASH_REMATCH[2]}"
    fi
  done < <(SB_TARGET="$CLUSTER_SB_TARGET" JAVA_OPTS="$NODE_JAVA_OPTS" SB_CLUSTER_TIMEOUT_S="$READY_TIMEOUT" \
    timeout $((READY_TIMEOUT + 60)) scripts/cluster.sh start "$n")
  [ -n "$URLS" ] || die "scripts/cluster.sh start $n failed"
  say "switchboard (scripts/cluster.sh): $URLS (pids $PIDS)"
}

# Runs the tool once: scenario label [tool options]. Returns its exit code.
run_tool() {
  local scenario="$1" label="$2" left rc jvm_opts="$LOADTEST_JAVA_OPTS"
  shift 2
  case "$scenario" in
    connect|meeting|churn) jvm_opts="$jvm_opts $LOADTEST_SHORT_OPTS" ;;
  esac
  left=$((DEADLINE - SECONDS - 30))
  [ "$left" -gt 30 ] || { say "no time left for $scenario ($label)"; return 3; }
  say "run: $scenario [$label] $* (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  # shellcheck disable=SC2086
  timeout --kill-after=15 "$left" java $jvm_opts -jar "$LOADTEST_JAR" "$scenario" \
    --url "$URLS" --pid "$PIDS" ${REDIS_PORT:+--redis "127.0.0.1:$REDIS_PORT"} --label "$label" \
    --json "$OUT/$label-$scenario.json" --png "$OUT/$label-$scenario.png" --deadline $((left - 10)) "$@" \
    > >(tee "$OUT/$label-$scenario.txt") &
  TOOL_PID=$!
  set +e
  wait "$TOOL_PID"
  rc=$?
  set -e
  TOOL_PID=""
  return "$rc"
}

new_out() {
  [ -n "$OUT" ] || OUT="$ROOT/bench/results/$(date +%Y%m%d-%H%M%S)-$1"
  mkdir -p "$OUT"
  STATE="$OUT/logs"
  mkdir -p "$STATE"
}

machine_info() {
  {
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "cpus: $(nproc)"
    echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
    echo "kernel: $(uname -sr)"
    echo "java: $(java -version 2>&1 | head -1)"
    command -v node >/dev/null && echo "node: $(node --version)"
    echo "redis: $(redis-server --version 2>/dev/null | head -1)"
    echo "open files per process: $(ulimit -n)"
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "server jar: $SERVER_JAR ($(date -u -r "$SERVER_JAR" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || echo ?))"
    echo "NODE_JVM_ARGFILE: ${NODE_JVM_ARGFILE:-(none)}"
    echo "NODE_JAVA_OPTS: $NODE_JAVA_OPTS"
    echo "LOADTEST_JAVA_OPTS: $LOADTEST_JAVA_OPTS"
    echo "LOADTEST_SHORT_OPTS (connect, meeting, churn): $LOADTEST_SHORT_OPTS"
    echo "REF_NODE_OPTS: $REF_NODE_OPTS"
    env | grep '^SWITCHBOARD_' | sort || true
  } >"$OUT/machine.txt"
}

# ---- commands -----------------------------------------------------------------------------------

single() {
  local scenario="$1" n rc=0
  shift
  build_jars
  [ "$TARGET" = reference ] && reference_ready
  new_out "$TARGET-$scenario"
  machine_info
  for n in $NODES; do
    start_stack "$TARGET" "$n"
    run_tool "$scenario" "$TARGET-${n}n" "$@" || rc=$?
    stop_stack
  done
  say "results in $OUT"
  return "$rc"
}

# The JIT compiler threads' share (integer %) of the server CPU a meeting report ($1, the table)
# gives for connections and joins together; 100 when it gives none (not JVMs, or no --pid).
compiler_share() {
  awk '/server CPU per (connection|join)/ && $NF == "us" { cpu += $(NF - 1) }
       /of which JIT compiler threads/ && $NF == "us" { jit += $(NF - 1); known = 1 }
       END { if (!known || cpu <= 0) print 100; else printf "%d\n", 100 * jit / cpu }' "$1" 2>/dev/null || echo 100
}

smoke() {
  local target failed=0 t0
  build_jars
  reference_ready
  new_out smoke
  machine_info
  for target in switchboard reference; do
    t0=$SECONDS
    start_stack "$target" 2
    run_tool meeting "$target-2n" -m 20 -s 3 -r 200 --warmup-meetings 2 --settle 1 --quiet >/dev/null || { failed=1; say "FAIL: meeting on $target"; }
    run_tool relay "$target-2n" -p 20 -r 200 -d 3 --warmup 1 --drain 2 --quiet >/dev/null || { failed=1; say "FAIL: relay on $target"; }
    run_tool ramp "$target-2n" -p 20 --start 200 --step 200 --max-rate 400 -d 2 --warmup 0 --drain 1 --quiet >/dev/null \
      || { failed=1; say "FAIL: ramp on $target"; }
    run_tool churn "$target-2n" -m 10 -s 3 -d 3 -r 10 --settle 2 --quiet >/dev/null || { failed=1; say "FAIL: churn on $target"; }
    run_tool connect "$target-2n" -c 200 -d 2 --settle 1 --quiet >/dev/null || { failed=1; say "FAIL: connect on $target"; }
    stop_stack
    say "$target done in $((SECONDS - t0)) s"
  done
  if [ "$failed" = 0 ]; then say "smoke: PASS (reports in $OUT)"; else say "smoke: FAIL (reports in $OUT)"; fi
  return "$failed"
}

# The benchmark: both stacks back to back at each node count, the same scenarios, then the summary
# table and side-by-side plots (40-55 minutes). --quick: shorter runs, one warm-up pass (about 20).
compare() {
  local quick=0 n w r target conn_steps relay_rate relay_d ramp_args meeting_args churn_args warm_passes meeting_runs
  local relay_runs max_passes settled_pct passes_used share
  while [ $# -gt 0 ]; do
    case "$1" in
      --quick) quick=1; shift ;;
      *) die "compare takes --quick only (tune with COMPARE_* variables, see --help)" ;;
    esac
  done
  build_jars
  reference_ready
  new_out compare
  machine_info
  relay_rate="${COMPARE_RELAY_RATE:-2000}"
  warm_passes="${COMPARE_WARMUP_PASSES:-3}"
  [ "$quick" = 1 ] && warm_passes="${COMPARE_WARMUP_PASSES:-1}"
  max_passes="${COMPARE_WARMUP_MAX_PASSES:-16}"
  [ "$max_passes" -lt "$warm_passes" ] && max_passes="$warm_passes"
  settled_pct="${COMPARE_WARMUP_SETTLED_PCT:-10}"
  meeting_runs="${COMPARE_MEETING_RUNS:-3}"
  relay_runs="${COMPARE_RELAY_RUNS:-3}"
  if [ "$quick" = 1 ]; then
    relay_d=10
    ramp_args="-p 500 --start 2000 --step 2000 --max-rate 40000 -d 4 --drain 2 --warmup 2"
    meeting_args="-m 250 -s 4 -r 1000"
    churn_args="-m 50 -s 4 -d 8 -r 40"
  else
    relay_d=20
    ramp_args="-p 1000 --start 2000 --step 1000 --max-rate 60000 -d 8 --drain 3 --warmup 3"
    meeting_args="-m 500 -s 4 -r 1000"
    churn_args="-m 100 -s 4 -d 20 -r 50"
  fi
  # One warm-up pass: target, node count, pass number.
  warm_pass() {
    # shellcheck disable=SC2086
    run_tool meeting "$1-${2}n-warmup$3" $meeting_args --quiet || true
    run_tool relay "$1-${2}n-warmup$3" -p 500 -r "$relay_rate" -d 5 --warmup 2 --quiet || true
  }
  for n in $NODES; do
    passes_used="$warm_passes"
    for target in switchboard reference; do
      start_stack "$target" "$n"
      # Memory first, on fresh processes; one node also shows the most connections it holds here.
      if [ "$n" = 1 ]; then conn_steps="5000,10000,${COMPARE_MAX_CONNECTIONS:-19000}"; else conn_steps="5000,10000"; fi
      [ "$quick" = 1 ] && [ "$n" = 1 ] && conn_steps="5000,10000"
      run_tool connect "$target-${n}n" --steps "$conn_steps" --gc --settle 5 -d 5 --connect-rate 2000 --quiet || true
      # The first meeting and relay runs on the fresh processes are the cold start: the JVM (and
      # V8) compile as they go. They are reported as <stack>-<n>n-cold; then the same runs again
      # (warm-up, reported as <stack>-<n>n-warmup<k>) while the compilers do most of their work,
      # for both stacks alike; the measured runs follow.
      # shellcheck disable=SC2086
      run_tool meeting "$target-${n}n-cold" $meeting_args --quiet || true
      run_tool relay "$target-${n}n-cold" -p 500 -r "$relay_rate" -d "$relay_d" --warmup 5 --quiet || true
      # Switchboard's nodes warm up until their JIT compiler has settled: at least warm_passes
      # passes, then more while the compiler threads took COMPARE_WARMUP_SETTLED_PCT (10) % or more
      # of the nodes' CPU for the connections and joins of the pass's meeting run, at most
      # COMPARE_WARMUP_MAX_PASSES (16). The reference then gets exactly as many passes.
      if [ "$target" = switchboard ]; then
        w=0
        while :; do
          w=$((w + 1))
          warm_pass "$target" "$n" "$w"
          share="$(compiler_share "$OUT/$target-${n}n-warmup$w-meeting.txt")"
          say "warm-up pass $w: the JIT compiler took ${share}% of the nodes' CPU for connections and joins"
          [ "$w" -ge "$warm_passes" ] && [ "$share" -lt "$settled_pct" ] && break
          [ "$w" -ge "$max_passes" ] && break
        done
        passes_used="$w"
      else
        for ((w = 1; w <= passes_used; w++)); do
          warm_pass "$target" "$n" "$w"
        done
      fi
      # One meeting run's join p99 is a few dozen joins out of 2000: it is repeated, and the summary
      # also shows the median.
      # shellcheck disable=SC2086
      run_tool meeting "$target-${n}n" $meeting_args --quiet || true
      for ((r = 2; r <= meeting_runs; r++)); do
        # shellcheck disable=SC2086
        run_tool meeting "$target-${n}n-rep$r" $meeting_args --quiet || true
      done
      # So is the relay's p99: a single collection or a hypervisor hiccup inside one run moves it.
      run_tool relay "$target-${n}n" -p 500 -r "$relay_rate" -d "$relay_d" --warmup 5 --quiet || true
      for ((r = 2; r <= relay_runs; r++)); do
        run_tool relay "$target-${n}n-rep$r" -p 500 -r "$relay_rate" -d "$relay_d" --warmup 5 --quiet || true
      done
      # shellcheck disable=SC2086
      run_tool ramp "$target-${n}n" $ramp_args --quiet || true
      # shellcheck disable=SC2086
      run_tool churn "$target-${n}n" $churn_args --quiet || true
      stop_stack
    done
    for s in ramp relay meeting churn; do
      if [ -f "$OUT/switchboard-${n}n-$s.json" ] && [ -f "$OUT/reference-${n}n-$s.json" ]; then
        java -jar "$LOADTEST_JAR" plot -o "$OUT/compare-${n}n-$s.png" \
          "$OUT/switchboard-${n}n-$s.json" "$OUT/reference-${n}n-$s.json" >&2 || true
      fi
    done
  done
  java -jar "$LOADTEST_JAR" summary "$OUT" >"$OUT/summary.md" || true
  cat "$OUT/summary.md"
  say "results in $OUT"
}

case "$COMMAND" in
  smoke) smoke "$@" ;;
  compare) compare "$@" ;;
  connect|meeting|relay|ramp|churn) single "$COMMAND" "$@" ;;
  *) die "unknown scenario '$COMMAND' (connect, meeting, relay, ramp, churn, smoke, compare)" ;;
esac
