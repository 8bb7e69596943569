#!/usr/bin/env bash
# Memory per idle Socket.IO connection (Engine.IO over WebSocket, joined to "/", answering pings).
#
# Starts the server jar on a free loopback port, measures its RSS (VmRSS) and heap used after a
# full GC (jcmd GC.run, then GC.heap_info) with no connections, then opens idle connections
# from a separate client JVM (io.switchboard.bench.IdleConnections) in steps (5000, 10000), and
# prints bytes per connection: RSS delta, heap delta, and the marginal cost between the last two
# steps. Optionally diffs the class histograms (top heap consumers per connection) and the
# native memory tracking summaries. Stops everything it started, by PID.
#
#   scripts/measure-idle-memory.sh
#
# Environment (all optional):
#   SB_TARGET           build folder name (default target; -Dsb.target=... for parallel builds)
#   SERVER_JAR          server jar (default modules/server/$SB_TARGET/switchboard.jar; named so
#                       because the server refuses unknown SWITCHBOARD_* variables)
#   BENCH_JAR           client jar (default modules/bench/$SB_TARGET/benchmarks.jar)
#   STEPS               connection totals to measure at (default "5000 10000")
#   SERVER_JAVA_OPTS    server JVM options (default -Xmx512m)
#   CLIENT_JAVA_OPTS    client JVM options (default -Xmx512m)
#   CLIENT_EVENT_LOOPS  client event loops (default: number of CPUs, at least 2)
#   PORT                server port (default: a free port picked between 20000 and 29999)
#   SETTLE_SECONDS      wait after each step before measuring (default 5)
#   STEP_TIMEOUT        seconds allowed to open one step's connections (default 180)
#   MAX_SECONDS         hard limit for the server and client processes (default 900)
#   HISTO=0             skip the class-histogram diff
#   NMT=1               run the server with -XX:NativeMemoryTracking=summary and diff it
#   HEAP_DUMP=1         write a heap dump (live objects) at the last step into OUT_DIR
#   OUT_DIR             where logs and histograms go (default: a new temp folder)
#   MVN_ARGS            extra arguments for the build when a jar is missing (e.g. -o)
set -euo pipefail
# Paths given by the caller are relative to the caller's folder; defaults to the repository.
for var in SERVER_JAR BENCH_JAR OUT_DIR; do
  if [ -n "${!var:-}" ] && [[ "${!var}" != /* ]]; then
    printf -v "$var" '%s/%s' "$PWD" "${!var}"
  fi
done
cd "$(dirname "$0")/.."

SB_TARGET="${SB_TARGET:-target}"
SERVER_JAR="${SERVER_JAR:-modules/server/$SB_TARGET/switchboard.jar}"
BENCH_JAR="${BENCH_JAR:-modules/bench/$SB_TARGET/benchmarks.jar}"
STEPS="${STEPS:-5000 10000}"
SERVER_JAVA_OPTS="${SERVER_JAVA_OPTS:--Xmx512m}"
CLIENT_JAVA_OPTS="${CLIENT_JAVA_OPTS:--Xmx512m}"
CLIENT_EVENT_LOOPS="${CLIENT_EVENT_LOOPS:-$(( $(nproc) < 2 ? 2 : $(nproc) ))}"
SETTLE_SECONDS="${SETTLE_SECONDS:-5}"
STEP_TIMEOUT="${STEP_TIMEOUT:-180}"
MAX_SECONDS="${MAX_SECONDS:-900}"
HISTO="${HISTO:-1}"
NMT="${NMT:-0}"
HEAP_DUMP="${HEAP_DUMP:-0}"

die() { echo "measure-idle-memory: $*" >&2; exit 1; }
log() { echo "# $*" >&2; }

for tool in java jcmd awk timeout; do
  command -v "$tool" >/dev/null || die "$tool is required"
done

# ---- limits -------------------------------------------------------------------------------------
max_step=0
for s in $STEPS; do
  [[ "$s" =~ ^[0-9]+$ ]] || die "STEPS must be numbers: '$s'"
  (( s > max_step )) && max_step=$s
done
need_fds=$(( max_step + 512 ))
soft=$(ulimit -Sn); hard=$(ulimit -Hn)
if [ "$soft" != unlimited ] && (( soft < need_fds )); then
  if [ "$hard" = unlimited ] || (( hard >= need_fds )); then
    ulimit -n "$need_fds" || die "cannot raise the open-file limit to $need_fds"
  else
    die "open-file limit too low: soft $soft, hard $hard; each process needs $need_fds for $max_step connections"
  fi
fi
read -r port_lo port_hi < /proc/sys/net/ipv4/ip_local_port_range || true
if [ -n "${port_lo:-}" ] && (( port_hi - port_lo < max_step + 1000 )); then
  die "ephemeral port range $port_lo-$port_hi is too small for $max_step connections"
fi

# ---- build --------------------------------------------------------------------------------------
if [ ! -f "$SERVER_JAR" ] || [ ! -f "$BENCH_JAR" ]; then
  log "building $SERVER_JAR and $BENCH_JAR (sb.target=$SB_TARGET) ..."
  # shellcheck disable=SC2086
  ./mvnw -q -B package -DskipTests -Dsb.target="$SB_TARGET" -pl modules/server,modules/bench -am ${MVN_ARGS:-}
fi
[ -f "$SERVER_JAR" ] || die "no server jar at $SERVER_JAR"
[ -f "$BENCH_JAR" ] || die "no client jar at $BENCH_JAR"

OUT_DIR="${OUT_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/idle-memory.XXXXXX")}"
mkdir -p "$OUT_DIR"

# ---- processes ----------------------------------------------------------------------------------
SERVER_WRAPPER=""; SERVER_PID=""; CLIENT_WRAPPER=""; CTL_OPEN=0

child_of() {  # the process timeout(1) started
  local kids
  for _ in $(seq 1 50); do
    kids=$(cat "/proc/$1/task/$1/children" 2>/dev/null || true)
    if [ -n "$kids" ]; then echo "${kids%% *}"; return 0; fi
    sleep 0.1
  done
  return 1
}

stop_pid() {  # pid, seconds to wait after TERM before KILL
  local pid=$1 wait_s=$2
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 $(( wait_s * 10 ))); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  set +e
  if (( CTL_OPEN )); then
    echo quit >&3 2>/dev/null
    exec 3>&-
    CTL_OPEN=0
  fi
  if [ -n "$CLIENT_WRAPPER" ]; then
    for _ in $(seq 1 30); do kill -0 "$CLIENT_WRAPPER" 2>/dev/null || break; sleep 0.1; done
    stop_pid "$CLIENT_WRAPPER" 5
  fi
  [ -n "$SERVER_WRAPPER" ] && stop_pid "$SERVER_WRAPPER" 15
  rm -f "$OUT_DIR/ctl"
  log "logs: $OUT_DIR"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() {
  if command -v ss >/dev/null; then
    [ -z "$(ss -Htan "( sport = :$1 )" 2>/dev/null)" ]
  else
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}
if [ -z "${PORT:-}" ]; then
  for _ in $(seq 1 50); do
    candidate=$(( 20000 + RANDOM % 10000 ))
    if port_free "$candidate"; then PORT=$candidate; break; fi
  done
  [ -n "${PORT:-}" ] || die "no free port found"
fi

nmt_opt=""
(( NMT )) && nmt_opt="-XX:NativeMemoryTracking=summary"
log "server: java $SERVER_JAVA_OPTS $nmt_opt -jar $SERVER_JAR on 127.0.0.1:$PORT"
# shellcheck disable=SC2086
SWITCHBOARD_HOST=127.0.0.1 PORT="$PORT" timeout --kill-after=10 "$MAX_SECONDS" \
  java $SERVER_JAVA_OPTS $nmt_opt -jar "$SERVER_JAR" >"$OUT_DIR/server.log" 2>&1 &
SERVER_WRAPPER=$!
SERVER_PID=$(child_of "$SERVER_WRAPPER") || die "server did not start (see $OUT_DIR/server.log)"

for i in $(seq 1 300); do
  kill -0 "$SERVER_PID" 2>/dev/null || die "server exited (see $OUT_DIR/server.log)"
  if (exec 9<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then break; fi
  (( i == 300 )) && die "server not listening on $PORT after 30 s"
  sleep 0.1
done

# ---- measuring ----------------------------------------------------------------------------------
heap_used_kb() {  # used heap after the last GC, summed over the generations jcmd GC.heap_info lists
  jcmd "$SERVER_PID" GC.heap_info | awk '
    /Metaspace|class space/ { next }
    match($0, /total [0-9]+K, used [0-9]+K/) {
      split(substr($0, RSTART, RLENGTH), f, /[ ,K]+/); total += f[2]; used += f[4]
    }
    END { print used, total }'
}

declare -a M_CONNS M_EST M_RSS M_HEAP M_COMMIT M_THREADS
measure() {  # connections
  local conns=$1 est heap commit rss threads
  jcmd "$SERVER_PID" GC.run >/dev/null
  sleep 1
  jcmd "$SERVER_PID" GC.run >/dev/null
  sleep 1
  read -r heap commit < <(heap_used_kb)
  rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status")
  threads=$(awk '/^Threads:/ { print $2 }' "/proc/$SERVER_PID/status")
  if command -v ss >/dev/null; then
    est=$(ss -Htn state established "( sport = :$PORT )" | wc -l)
  else
    est="?"
  fi
  M_CONNS+=("$conns"); M_EST+=("$est"); M_RSS+=("$rss"); M_HEAP+=("$heap"); M_COMMIT+=("$commit")
  M_THREADS+=("$threads")
  log "measured at $conns connections: established=$est rss=${rss}K heap_used=${heap}K heap_committed=${commit}K threads=$threads"
}

histogram() { jcmd "$SERVER_PID" GC.class_histogram > "$OUT_DIR/histo-$1.txt"; }
nmt() { (( NMT )) && jcmd "$SERVER_PID" VM.native_memory summary > "$OUT_DIR/nmt-$1.txt" || true; }

jcmd "$SERVER_PID" VM.flags > "$OUT_DIR/server-flags.txt" 2>&1 || true
sleep "$SETTLE_SECONDS"
measure 0
(( HISTO )) && histogram 0
(( NMT )) && jcmd "$SERVER_PID" VM.native_memory baseline >/dev/null
nmt 0

mkfifo "$OUT_DIR/ctl"
log "client: java $CLIENT_JAVA_OPTS -cp $BENCH_JAR io.switchboard.bench.IdleConnections (event loops $CLIENT_EVENT_LOOPS)"
# shellcheck disable=SC2086
timeout --kill-after=10 "$MAX_SECONDS" java $CLIENT_JAVA_OPTS -cp "$BENCH_JAR" io.switchboard.bench.IdleConnections \
  --url "http://127.0.0.1:$PORT" --event-loops "$CLIENT_EVENT_LOOPS" --max-seconds "$MAX_SECONDS" \
  <"$OUT_DIR/ctl" >"$OUT_DIR/client.log" 2>"$OUT_DIR/client.err" &
CLIENT_WRAPPER=$!
exec 3>"$OUT_DIR/ctl"
CTL_OPEN=1

for step in $STEPS; do
  echo "$step" >&3
  started=$SECONDS
  until grep -q "^READY $step " "$OUT_DIR/client.log"; do
    grep -q '^ERROR' "$OUT_DIR/client.log" && die "client: $(grep '^ERROR' "$OUT_DIR/client.log" | head -1)"
    kill -0 "$CLIENT_WRAPPER" 2>/dev/null || die "client exited (see $OUT_DIR/client.err)"
    kill -0 "$SERVER_PID" 2>/dev/null || die "server exited (see $OUT_DIR/server.log)"
    (( SECONDS - started > STEP_TIMEOUT )) && die "$step connections not open after $STEP_TIMEOUT s"
    sleep 0.5
  done
  log "client: $(grep "^READY $step " "$OUT_DIR/client.log")"
  sleep "$SETTLE_SECONDS"
  measure "$step"
done
(( HISTO )) && histogram "$max_step"
(( HEAP_DUMP )) && jcmd "$SERVER_PID" GC.heap_dump "$(cd "$OUT_DIR" && pwd)/heap-$max_step.hprof" >/dev/null
nmt "$max_step"
(( NMT )) && jcmd "$SERVER_PID" VM.native_memory summary.diff > "$OUT_DIR/nmt-diff.txt" || true
echo status >&3
sleep 1
client_status=$(grep '^STATUS' "$OUT_DIR/client.log" | tail -1 || true)

# ---- report -------------------------------------------------------------------------------------
echo
echo "Switchboard idle-connection memory ($(java -version 2>&1 | head -1))"
echo "server: $SERVER_JAVA_OPTS $nmt_opt; $(grep -oE -- '-XX:((Initial|Max)HeapSize=[0-9]+|\+Use[A-Za-z0-9]*GC)' "$OUT_DIR/server-flags.txt" | tr '\n' ' ')"
echo "client: $client_status"
echo
printf '%12s %12s %12s %14s %16s %8s\n' connections established rss_kb heap_used_kb heap_commit_kb threads
for i in "${!M_CONNS[@]}"; do
  printf '%12s %12s %12s %14s %16s %8s\n' "${M_CONNS[$i]}" "${M_EST[$i]}" "${M_RSS[$i]}" "${M_HEAP[$i]}" \
    "${M_COMMIT[$i]}" "${M_THREADS[$i]}"
done
echo
# rss - heap_committed approximates the native part (sockets, NIO, malloc, thread stacks, code).
printf '%-28s %12s %14s %18s\n' "bytes per connection" "rss" "heap_after_gc" "rss-heap_committed"
per_conn() {  # from-index to-index label
  local a=$1 b=$2 dc
  dc=$(( M_CONNS[b] - M_CONNS[a] ))
  (( dc > 0 )) || return 0
  printf '%-28s %12d %14d %18d\n' "$3" $(( (M_RSS[b] - M_RSS[a]) * 1024 / dc )) \
    $(( (M_HEAP[b] - M_HEAP[a]) * 1024 / dc )) \
    $(( ((M_RSS[b] - M_COMMIT[b]) - (M_RSS[a] - M_COMMIT[a])) * 1024 / dc ))
}
last=$(( ${#M_CONNS[@]} - 1 ))
for i in $(seq 1 "$last"); do
  per_conn 0 "$i" "0 -> ${M_CONNS[$i]}"
done
(( last >= 2 )) && per_conn $(( last - 1 )) "$last" "${M_CONNS[$((last - 1))]} -> ${M_CONNS[$last]} (marginal)"
echo "(rss follows the committed heap; for the native part alone run with"
echo " SERVER_JAVA_OPTS='-Xms512m -Xmx512m -XX:+AlwaysPreTouch', where rss-heap_committed is exact)"

if (( HISTO )); then
  echo
  echo "top heap growth by class, 0 -> $max_step connections (live objects, per connection):"
  awk -v n="$max_step" '
    FNR == 1 { file++ }
    $1 ~ /^[0-9]+:$/ { inst[file, $4] = $2; bytes[file, $4] = $3; names[$4] = 1 }
    END {
      for (c in names) {
        db = bytes[2, c] - bytes[1, c]; di = inst[2, c] - inst[1, c]
        if (db > 0) printf "%12.1f %10.2f  %s\n", db / n, di / n, c
      }
    }' "$OUT_DIR/histo-0.txt" "$OUT_DIR/histo-$max_step.txt" | sort -rn | head -25 |
    awk 'BEGIN { printf "%12s %10s  %s\n", "bytes/conn", "objs/conn", "class" } { print }'
fi
if (( NMT )); then
  echo
  echo "native memory tracking, committed KB change 0 -> $max_step connections:"
  grep -E '^-|^ *- ' "$OUT_DIR/nmt-diff.txt" | grep -E 'committed=' | sed -n '1,30p'
fi
