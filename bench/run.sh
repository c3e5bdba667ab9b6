#!/usr/bin/env bash
# Caravan's benchmark harness: the provider simulator alone ("direct"), nginx in front of it (the floor for any
# proxy) and Caravan in front of it, measured side by side on this machine. See bench/README.md.
#
#   bench/run.sh            full run (about 7-9 minutes), writes bench/RESULTS.md, logs in bench/out/full/
#   bench/run.sh --smoke    the same harness in about a minute, writes bench/out/smoke/SMOKE-RESULTS.md
#   options: --no-build (use target/caravan.jar as it is), --jfr (profile Caravan A with JFR; that run's report goes
#   to bench/out/<mode>/RESULTS-jfr.md, not RESULTS.md)
#
# Exit status: 0 when every phase ran and Caravan served no errors; 3 when Caravan served errors (results are still
# written); 124 when the run hit its overall deadline; anything else: the harness itself failed.
set -euo pipefail

MODE=full
BUILD=auto
JFR=0
for arg in "$@"; do
  case "$arg" in
    --smoke) MODE=smoke ;;
    --no-build) BUILD=no ;;
    --build) BUILD=yes ;;
    --jfr) JFR=1 ;;
    --build-decided=*) BUILD="${arg#*=}" ;;   # internal: the parent already decided
    -h|--help)
      sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *) echo "bench: unknown option $arg (try --help)" >&2; exit 2 ;;
  esac
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/target/caravan.jar"
if [ "$BUILD" = auto ]; then
  BUILD=yes
  # smoke mode reuses a jar that is newer than every source (CI has just built it); the full run always rebuilds
  if [ "$MODE" = smoke ] && [ -f "$JAR" ] && [ -z "$(find "$ROOT/src" "$ROOT/pom.xml" -newer "$JAR" -print -quit)" ]; then
    BUILD=no
  fi
fi

# Everything is bounded: the whole run by one deadline (the script re-executes itself under timeout, which sends
# TERM; the trap below then stops every process the run started), and each command inside it by its own timeout.
# smoke: about 75 s on an idle machine; the margin is for a busy one, where Caravan alone took 40-100 s to start
if [ "$MODE" = smoke ]; then DEADLINE=180; else DEADLINE=1200; fi
[ "$BUILD" = yes ] && DEADLINE=$((DEADLINE + 600))
if [ -z "${CARAVAN_BENCH_CHILD:-}" ]; then
  export CARAVAN_BENCH_CHILD=1
  export CARAVAN_BENCH_COMMAND="bench/run.sh${*:+ $*}"
  exec timeout --foreground -k 20 "$DEADLINE" bash "$0" "$@" --build-decided="$BUILD"
fi

cd "$ROOT"
BENCH="$ROOT/bench"
START_EPOCH=$(date +%s)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------------------------------------------------------
# parameters per mode
if [ "$MODE" = smoke ]; then
  OUT="$BENCH/out/smoke"; REPORT="$OUT/SMOKE-RESULTS.md"
  # one-time warm-up per target before anything is measured: 32 connections in windows of WARM_STEP s until, twice in
  # a row, CPU per request changed by at most 10 % and (JVMs) the JIT compiled fewer than JIT_QUIET methods in the
  # window; at least WARM_MIN s, at most WARM_MAX_* s
  WARM_STEP=1; WARM_MIN=1; WARM_MAX_OTHER=1; WARM_MAX_CARAVAN=3; JIT_QUIET=25
  WARM=0; RUN=1                               # wrk: warm-up and measured run per point (s)
  LAT_WARM=0.5; LAT_RUN=1                     # open-loop latency: warm-up and measured time per rate (s)
  PROBE_CONC=50; PROBE_TOTAL=50; PROBE_WARMUP=50   # time to first token: in flight, in all, warm-up streams
  # the Messages rows, shortened to keep the smoke run short: Caravan's warm-up and wrk at 32 connections only
  MSG_CONCURRENCIES=(32); MSG_PROBE_WARMUP=20; MSG_WARM_MAX_CARAVAN=1
  CARAVAN_START_S=80
else
  OUT="$BENCH/out/full"; REPORT="$BENCH/RESULTS.md"
  # the JIT takes Caravan's CPU per request from ~5 ms to ~0.25 ms over a minute or more of load on 2 busy CPUs
  WARM_STEP=5; WARM_MIN=10; WARM_MAX_OTHER=30; WARM_MAX_CARAVAN=150
  JIT_QUIET=25
  WARM=3; RUN=10
  LAT_WARM=2; LAT_RUN=10
  PROBE_CONC=50; PROBE_TOTAL=500; PROBE_WARMUP=1000
  MSG_CONCURRENCIES=(32 256); MSG_PROBE_WARMUP=$PROBE_WARMUP; MSG_WARM_MAX_CARAVAN=$WARM_MAX_CARAVAN   # as Chat's
  CARAVAN_START_S=240
fi
CONCURRENCIES=(32 256)
RATES=(500 2000)
OPEN_STREAMS=2000          # concurrent streams held ~10 s each (full mode)
OPEN_RAMP_MS=2000          # the 2,000 streams start spread over this long
BIG_BYTES=50000000         # content characters of the long stream (full mode); the wire carries a little more
BIG_CHUNKS=4000            # ... in this many SSE events
BIG_CHUNK_DELAY_MS=2       # ... one every 2 ms: the stream lasts about 8 s, long enough to sample the heap
KEY="bench-$RANDOM$RANDOM"
MODEL_FAST="openai/gpt-5"            # Caravan → OPENAI_BASE_URL
MODEL_SECOND="mistral/mistral-large" # Caravan → MISTRAL_BASE_URL, the same OpenAI-compatible route template
MODEL_MESSAGES="anthropic/claude-sonnet-4.6"   # Caravan → ANTHROPIC_BASE_URL: /v1/messages passed through

# a profiled run's figures are skewed by the profiler: its report stays beside the recording
[ "$JFR" = 1 ] && REPORT="$OUT/RESULTS-jfr.md"
mkdir -p "$OUT"
rm -f "$OUT"/*.log "$OUT"/*.txt "$OUT"/*.tsv "$OUT"/*.jfr "$OUT"/*.md 2>/dev/null || true
TMP="$(mktemp -d /tmp/caravan-bench.XXXXXX)"
PIDS=()
FG=""
NOTES=()
declare -A R=()
CARAVAN_ERRORS=0

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
note() { NOTES+=("$*"); log "NOTE: $*"; }

alive() { [ -r "/proc/$1/stat" ] && ! awk '{ sub(/.*\) /, ""); exit ($1 == "Z" ? 0 : 1) }' "/proc/$1/stat" 2>/dev/null; }

cleanup() {
  local rc=$? pid i any
  trap - EXIT INT TERM
  [ -n "$FG" ] && PIDS+=("$FG")
  if [ "${#PIDS[@]}" -gt 0 ]; then
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for i in $(seq 1 50); do
      any=0
      for pid in "${PIDS[@]}"; do if alive "$pid"; then any=1; fi; done
      [ "$any" = 0 ] && break
      sleep 0.2
    done
    for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
  fi
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated (deadline reached?)"; exit 124' TERM

# run SECONDS COMMAND...: a bounded command, run in the background and waited for so that the deadline's TERM
# interrupts the wait at once (a foreground command would hold the trap back until it ended); output redirections
# on the call apply to the command.
run() {
  local secs=$1 rc=0
  shift
  timeout "$secs" "$@" &
  FG=$!
  wait "$FG" || rc=$?
  FG=""
  return "$rc"
}

# ---------------------------------------------------------------------------------------------------------------
# tools
java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | awk -F'= ' '/java.specification.version/ { split($2, v, "."); print v[1] }'
}
find_jdk() {   # the same search as bin/caravan
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    if [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] && [ "$(java_major "$candidate")" -ge 21 ]; then
      echo "$candidate"
      return 0
    fi
  done
  echo "bench: needs a JDK 21 or newer; set JAVA_HOME to one" >&2
  return 1
}
JAVA_HOME="$(find_jdk)"
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
JCMD="$JAVA_HOME/bin/jcmd"
JSTAT="$JAVA_HOME/bin/jstat"

NGINX_BIN="$(command -v nginx || true)"
[ -z "$NGINX_BIN" ] && [ -x /usr/sbin/nginx ] && NGINX_BIN=/usr/sbin/nginx
apt_install() {
  local sudo=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo -n"
  log "installing $*"
  export DEBIAN_FRONTEND=noninteractive
  if ! run 300 $sudo apt-get install -y -q "$@" >"$TMP/apt.log" 2>&1; then
    run 300 $sudo apt-get update -q >>"$TMP/apt.log" 2>&1 || true
    run 300 $sudo apt-get install -y -q "$@" >>"$TMP/apt.log" 2>&1 || {
      tail -5 "$TMP/apt.log" >&2
      return 1
    }
  fi
}
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v curl >/dev/null 2>&1 || missing+=(curl)
[ -z "$NGINX_BIN" ] && missing+=(nginx-light)
if [ "${#missing[@]}" -gt 0 ]; then
  apt_install "${missing[@]}" || apt_install wrk curl || true
  NGINX_BIN="$(command -v nginx || true)"
  [ -z "$NGINX_BIN" ] && [ -x /usr/sbin/nginx ] && NGINX_BIN=/usr/sbin/nginx
fi
command -v wrk >/dev/null 2>&1 || { echo "bench: wrk is required and could not be installed" >&2; exit 1; }
command -v curl >/dev/null 2>&1 || { echo "bench: curl is required and could not be installed" >&2; exit 1; }
if [ -z "$NGINX_BIN" ]; then
  if [ "$MODE" = smoke ]; then note "nginx could not be installed: the nginx column is skipped"; else
    note "nginx could not be installed: the nginx column and the targets relative to nginx are not measured"; fi
fi
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
CLK_TCK=$(getconf CLK_TCK)

# ---------------------------------------------------------------------------------------------------------------
# build
if [ "$BUILD" = yes ]; then
  log "building Caravan"
  if ! run 290 mvn -q -B -o -DskipTests package >"$OUT/build.log" 2>&1; then
    log "offline build failed; trying online"
    run 290 mvn -q -B -DskipTests package >>"$OUT/build.log" 2>&1 \
      || { tail -30 "$OUT/build.log" >&2; echo "bench: build failed" >&2; exit 1; }
  fi
fi
[ -f "$JAR" ] || { echo "bench: $JAR is missing (run without --no-build)" >&2; exit 1; }
# Every process runs a private copy of the jar: a build started meanwhile (other work in the same tree) cannot swap
# it mid-run, and nothing aimed at target/caravan.jar by name touches the processes of this run.
RUN_JAR="$TMP/gateway-under-bench.jar"
cp "$JAR" "$RUN_JAR"
# the provider simulator is not in the gateway's jar: it runs from the gateway's libraries plus its own jar
SIM_JAR="$TMP/simulator-under-bench.jar"
cp "${JAR%.jar}-simulator.jar" "$SIM_JAR"
# the load generators run from classes compiled once (each file also runs on its own: java bench/StreamProbe.java);
# C1 only, so that the short client runs are compiled code almost at once
CLIENT_JAVA=("$JAVA" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx512m -cp "$TMP/classes")

# ---------------------------------------------------------------------------------------------------------------
# helpers: ports, processes, /proc
USED_PORTS=" "
pick_port() {   # pick_port VAR: a free loopback port, outside the ephemeral range, not handed out before
  local p _
  for _ in $(seq 1 500); do
    p=$(( 20000 + RANDOM % 12000 ))
    case "$USED_PORTS" in *" $p "*) continue ;; esac
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      USED_PORTS+="$p "
      printf -v "$1" '%s' "$p"
      return 0
    fi
  done
  echo "bench: no free port found" >&2
  return 1
}
cpu_ticks() {   # utime+stime of the given processes, in clock ticks
  local t=0 pid v
  for pid in "$@"; do
    v=$(awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat" 2>/dev/null || echo 0)
    t=$((t + v))
  done
  echo "$t"
}
rss_kb() {   # VmRSS of the given processes, summed, in kB
  local t=0 pid v
  for pid in "$@"; do
    v=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
    t=$((t + ${v:-0}))
  done
  echo "$t"
}
jit_compiled() {   # methods the JIT has compiled so far in JVM $1 (jstat -compiler)
  local n
  n=$(timeout 15 "$JSTAT" -compiler "$1" 2>/dev/null | awk 'NR == 2 { print $1 }')
  [[ "$n" =~ ^[0-9]+$ ]] && echo "$n" || echo 0
}
hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
kv() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1" | head -1; }   # kv "LINE k=v ..." k
calc() { awk "BEGIN { printf \"%.${2:-0}f\", $1 }" 2>/dev/null || echo n/a; }   # calc EXPR [decimals]
wait_http() {   # wait_http URL SECONDS PID [curl args...]: until URL answers 200, or the process dies
  local url=$1 secs=$2 pid=$3 deadline code
  shift 3
  deadline=$(( $(date +%s) + secs ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    alive "$pid" || return 1
    code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$@" "$url" 2>/dev/null || true)
    [ "$code" = 200 ] && return 0
    sleep 0.5
  done
  return 1
}

# ---------------------------------------------------------------------------------------------------------------
# simulators
SIM_MAIN=(-cp "$RUN_JAR" -Dloader.path="$SIM_JAR" -Dloader.main=dev.caravan.simulator.ProviderSimulator
  org.springframework.boot.loader.launch.PropertiesLauncher)
STREAM_TEXT="Caravan streams this answer back one small piece at a time, the way a real model would, so the \
benchmark can time the first token and the end of every stream through each proxy under test."
start_sim() {   # start_sim NAME PORT ARGS...: the simulator jar on the Caravan jar (PropertiesLauncher + loader.main)
  local name=$1 port=$2
  shift 2
  "$JAVA" -Xmx2g "${SIM_MAIN[@]}" --port "$port" "$@" >"$OUT/sim-$name.log" 2>&1 &
  PIDS+=($!)
  eval "SIM_${name}_PID=$!"
}
pick_port SIM_FAST_PORT; pick_port SIM_STREAM_PORT
log "starting simulators (zero-latency :$SIM_FAST_PORT, streaming :$SIM_STREAM_PORT)"
start_sim FAST "$SIM_FAST_PORT" --first-chunk-delay-ms 0 --chunk-delay-ms 0 --chunks 4
# streams paced, non-streamed answers at once: Caravan has one base URL per provider, so this one simulator is the
# Anthropic upstream of both Messages phases (a whole answer would otherwise wait as long as the stream takes)
start_sim STREAM "$SIM_STREAM_PORT" --first-chunk-delay-ms 50 --chunk-delay-ms 10 --chunks 20 --text "$STREAM_TEXT" \
  --pace-whole-answers false
if [ "$MODE" = full ]; then
  pick_port SIM_HOLD_PORT; pick_port SIM_BIG_PORT
  log "starting simulators (10-second streams :$SIM_HOLD_PORT, 50 MB stream :$SIM_BIG_PORT)"
  # 21 content pieces 500 ms apart after a 50 ms first chunk: each stream lasts about 10 s
  start_sim HOLD "$SIM_HOLD_PORT" --first-chunk-delay-ms 50 --chunk-delay-ms 500 --chunks 21 --text "$STREAM_TEXT"
  # the 50 MB text does not fit in one command-line argument (Linux caps one at 128 kB): use a java @argfile
  {
    printf -- '-Xmx2g -cp "%s" -Dloader.path="%s" -Dloader.main=dev.caravan.simulator.ProviderSimulator ' \
      "$RUN_JAR" "$SIM_JAR"
    printf -- 'org.springframework.boot.loader.launch.PropertiesLauncher --port %s --first-chunk-delay-ms 0 ' \
      "$SIM_BIG_PORT"
    printf -- '--chunk-delay-ms %s --chunks %s --text ' "$BIG_CHUNK_DELAY_MS" "$BIG_CHUNKS"
    head -c "$BIG_BYTES" /dev/zero | tr '\0' 'x'
    printf '\n'
  } >"$TMP/big-sim.args"
  "$JAVA" "@$TMP/big-sim.args" >"$OUT/sim-BIG.log" 2>&1 &
  PIDS+=($!)
  SIM_BIG_PID=$!
fi

# ---------------------------------------------------------------------------------------------------------------
# nginx
NGINX_PID=""
if [ -n "$NGINX_BIN" ]; then
  pick_port NGINX_FAST_PORT; pick_port NGINX_STREAM_PORT
  mkdir -p "$TMP/nginx"
  sed -e "s#@PREFIX@#$TMP/nginx#g" -e "s#@SIM_FAST_PORT@#$SIM_FAST_PORT#g" \
      -e "s#@SIM_STREAM_PORT@#$SIM_STREAM_PORT#g" -e "s#@NGINX_FAST_PORT@#$NGINX_FAST_PORT#g" \
      -e "s#@NGINX_STREAM_PORT@#$NGINX_STREAM_PORT#g" "$BENCH/nginx.conf.template" >"$TMP/nginx/nginx.conf"
  chmod 755 "$TMP" "$TMP/nginx"
  log "starting nginx (:$NGINX_FAST_PORT → zero-latency, :$NGINX_STREAM_PORT → streaming)"
  "$NGINX_BIN" -e "$TMP/nginx/error.log" -p "$TMP/nginx/" -c "$TMP/nginx/nginx.conf" -g 'daemon off;' \
    >"$OUT/nginx.log" 2>&1 &
  NGINX_PID=$!
  PIDS+=("$NGINX_PID")
fi
nginx_pids() { echo "$NGINX_PID" $(pgrep -P "$NGINX_PID" 2>/dev/null || true); }

# ---------------------------------------------------------------------------------------------------------------
# Caravan: instance A serves the non-streamed and time-to-first-token phases (OpenAI → zero-latency simulator,
# Mistral → streaming simulator); in the full run instance B serves the 2,000 open streams (OpenAI → 10-second
# simulator) and the 50 MB stream (Mistral → 50 MB simulator). Both start at once and run side by side; B is idle
# while A is measured.
# Caravan's heap is the one camel-k/deployment.yaml gives it: 70 % of a 1 GiB container (-XX:MaxRAMPercentage=70).
# With a larger heap, G1 lets garbage pile up before collecting and the resident memory shows that, not what the
# gateway needs; in a 1 GiB container a process past 1 GiB is killed.
CARAVAN_HEAP=-Xmx717m
# every client of the benchmark connects from loopback, one address: the per-address connection cap (256 by default,
# against slow-header attacks) is raised above the open-stream phase's connections.
# each Caravan keeps its usage records in an H2 file of its own (the default ./data/caravan would be locked by the
# first one), as a single instance does by default: usage writing is part of what is measured
start_caravan() {   # start_caravan NAME PORT OPENAI_SIM_PORT MISTRAL_SIM_PORT ANTHROPIC_SIM_PORT [JVM flags...]
  local name=$1 port=$2 openai=$3 mistral=$4 anthropic=$5
  shift 5
  env -u OPENAI_API_KEY -u ANTHROPIC_API_KEY -u GOOGLE_API_KEY -u GEMINI_API_KEY -u MISTRAL_API_KEY \
    OPENAI_BASE_URL="http://127.0.0.1:$openai/v1" MISTRAL_BASE_URL="http://127.0.0.1:$mistral/v1" \
    ANTHROPIC_BASE_URL="http://127.0.0.1:$anthropic" GOOGLE_BASE_URL="http://127.0.0.1:$openai" \
    AI_GATEWAY_API_KEY="$KEY" \
    "$JAVA" $CARAVAN_HEAP "$@" -jar "$RUN_JAR" --server.port="$port" \
    --spring.datasource.url="jdbc:h2:file:$TMP/caravan-$name;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH" \
    --caravan.usage.spool.directory="$TMP/usage-spool-$name" \
    --caravan.usage.journal.directory="$TMP/usage-journal-$name" \
    --caravan.server.max-connections-per-address=$((OPEN_STREAMS + 1000)) >"$OUT/caravan-$name.log" 2>&1 &
  PIDS+=($!)
  eval "CARAVAN_${name}_PID=$!"
  eval "CARAVAN_${name}_T0=$(date +%s)"
}
CARAVAN_A_FLAGS=()
if [ "$JFR" = 1 ]; then
  CARAVAN_A_FLAGS+=("-XX:StartFlightRecording=name=bench,settings=profile,filename=$OUT/caravan-A.jfr")
fi
pick_port CARAVAN_A_PORT
log "starting Caravan A (:$CARAVAN_A_PORT)"
start_caravan A "$CARAVAN_A_PORT" "$SIM_FAST_PORT" "$SIM_STREAM_PORT" "$SIM_STREAM_PORT" "${CARAVAN_A_FLAGS[@]}"
if [ "$MODE" = full ]; then
  pick_port CARAVAN_B_PORT
  log "starting Caravan B (:$CARAVAN_B_PORT)"
  # B logs its collections: phase 6 reads the live heap from the full GCs it asks for
  start_caravan B "$CARAVAN_B_PORT" "$SIM_HOLD_PORT" "$SIM_BIG_PORT" "$SIM_HOLD_PORT" \
    "-Xlog:gc:file=$OUT/caravan-B-gc.log"
fi
# everything starts at once; the load generators compile meanwhile; then each server must answer
log "compiling the load generators"
run 120 "$JAVA_HOME/bin/javac" -d "$TMP/classes" "$BENCH/OpenLoad.java" "$BENCH/StreamProbe.java"
for name in FAST STREAM ${SIM_HOLD_PORT:+HOLD} ${SIM_BIG_PORT:+BIG}; do
  port_var="SIM_${name}_PORT"; pid_var="SIM_${name}_PID"
  wait_http "http://127.0.0.1:${!port_var}/health" 60 "${!pid_var}" \
    || { tail -20 "$OUT/sim-$name.log" >&2; echo "bench: simulator $name did not start" >&2; exit 1; }
done
if [ -n "$NGINX_PID" ]; then
  if ! wait_http "http://127.0.0.1:$NGINX_FAST_PORT/health" 20 "$NGINX_PID"; then
    cat "$TMP/nginx/error.log" "$OUT/nginx.log" >&2 || true
    if [ "$MODE" = smoke ]; then note "nginx did not start: the nginx column is skipped"; NGINX_PID=""
    else echo "bench: nginx did not start" >&2; exit 1; fi
  fi
fi
PING='{"model":"'"$MODEL_FAST"'","messages":[{"role":"user","content":"ping"}]}'
wait_caravan() {   # wait_caravan NAME PORT PID
  local t0_var="CARAVAN_$1_T0"
  if ! wait_http "http://127.0.0.1:$2/v1/models" "$CARAVAN_START_S" "$3" -H "Authorization: Bearer $KEY"; then
    tail -40 "$OUT/caravan-$1.log" >&2
    echo "bench: Caravan $1 did not start within $CARAVAN_START_S s" >&2
    exit 1
  fi
  R[caravan.$1.start_s]=$(( $(date +%s) - ${!t0_var} ))
  log "Caravan $1 is up"
}
wait_caravan A "$CARAVAN_A_PORT" "$CARAVAN_A_PID"
[ "$MODE" = full ] && wait_caravan B "$CARAVAN_B_PORT" "$CARAVAN_B_PID"
code=$(curl -s -o "$TMP/ping.json" -w '%{http_code}' -m 30 -H "Authorization: Bearer $KEY" \
  -H 'Content-Type: application/json' -d "$PING" "http://127.0.0.1:$CARAVAN_A_PORT/v1/chat/completions" || true)
if [ "$code" != 200 ]; then
  cat "$TMP/ping.json" >&2 || true
  echo "bench: Caravan answered $code to a chat completion" >&2
  exit 1
fi
PING_MESSAGES='{"model":"'"$MODEL_MESSAGES"'","max_tokens":16,"messages":[{"role":"user","content":"ping"}]}'
code=$(curl -s -o "$TMP/ping.json" -w '%{http_code}' -m 30 -H "x-api-key: $KEY" -H 'anthropic-version: 2023-06-01' \
  -H 'Content-Type: application/json' -d "$PING_MESSAGES" "http://127.0.0.1:$CARAVAN_A_PORT/v1/messages" || true)
if [ "$code" != 200 ]; then
  cat "$TMP/ping.json" >&2 || true
  echo "bench: Caravan answered $code to a Messages request" >&2
  exit 1
fi

# targets: URL for non-streamed requests, URL + model for streams, the processes whose CPU and memory are counted
TARGETS=(direct)
[ -n "$NGINX_PID" ] && TARGETS+=(nginx)
TARGETS+=(caravan)
declare -A URL=(
  [direct]="http://127.0.0.1:$SIM_FAST_PORT/v1/chat/completions"
  [nginx]="http://127.0.0.1:${NGINX_FAST_PORT:-0}/v1/chat/completions"
  [caravan]="http://127.0.0.1:$CARAVAN_A_PORT/v1/chat/completions"
)
declare -A STREAM_URL=(
  [direct]="http://127.0.0.1:$SIM_STREAM_PORT/v1/chat/completions"
  [nginx]="http://127.0.0.1:${NGINX_STREAM_PORT:-0}/v1/chat/completions"
  [caravan]="http://127.0.0.1:$CARAVAN_A_PORT/v1/chat/completions"
)
declare -A STREAM_MODEL=([direct]="$MODEL_FAST" [nginx]="$MODEL_FAST" [caravan]="$MODEL_SECOND")
# Messages (Anthropic pass-through): every target ends at the streaming simulator's /v1/messages, which answers
# non-streamed requests at once and paces streams as for Chat Completions
declare -A MSG_URL=(
  [direct]="http://127.0.0.1:$SIM_STREAM_PORT/v1/messages"
  [nginx]="http://127.0.0.1:${NGINX_STREAM_PORT:-0}/v1/messages"
  [caravan]="http://127.0.0.1:$CARAVAN_A_PORT/v1/messages"
)
target_pids() {   # target_pids TARGET [API]: the processes whose CPU and memory count (API: chat, or msg)
  case "$1" in
    direct) if [ "${2:-chat}" = msg ]; then echo "$SIM_STREAM_PID"; else echo "$SIM_FAST_PID"; fi ;;
    nginx) nginx_pids ;;
    caravan) echo "$CARAVAN_A_PID" ;;
  esac
}
count_errors() {   # count_errors TARGET N: errors Caravan served count against the exit status
  if [ "$1" = caravan ] && [ "${2:-0}" != 0 ]; then CARAVAN_ERRORS=$((CARAVAN_ERRORS + $2)); fi
  return 0
}

# ---------------------------------------------------------------------------------------------------------------
# phase 1: non-streamed throughput and CPU per request (wrk, closed loop); the same for Messages after phase 4
# (API chat: bench/post.lua to /v1/chat/completions, metrics warm.* and tput.*; API msg: bench/post-messages.lua to
# /v1/messages, metrics msg.warm.* and msg.tput.*, files *-msg-*)
run_wrk() {   # run_wrk URL CONNECTIONS SECONDS OUTFILE [API]
  local lua=post.lua model=$MODEL_FAST
  [ "${5:-chat}" = msg ] && { lua=post-messages.lua; model=$MODEL_MESSAGES; }
  BENCH_KEY="$KEY" BENCH_MODEL="$model" run $(( $3 + 30 )) \
    wrk -t2 -c"$2" -d"$3s" --timeout 5s -s "$BENCH/$lua" "$1" >"$4" 2>&1
}
warm_up() {   # warm_up TARGET URL API: 32 connections until the target's CPU per request settles
  local t=$1 url=$2 api=$3 m="" tag=$1 max spent=0 prev="" cur="" steady=0 pids jvm before after jit jit_before req
  [ "$api" = msg ] && { m="msg."; tag="msg-$t"; }
  # nginx has nothing to compile: it gets the minimum; the JVMs run until they settle
  max=$WARM_MAX_OTHER; [ "$t" = caravan ] && max=$WARM_MAX_CARAVAN; [ "$t" = nginx ] && max=$WARM_MIN
  [ "$t" = caravan ] && [ "$api" = msg ] && max=$MSG_WARM_MAX_CARAVAN
  log "phase 1${m:+ (Messages)}: warming up $t until its CPU per request settles (${WARM_MIN}-${max} s)"
  pids=$(target_pids "$t" "$api")
  jvm=""; [ "$t" = direct ] && jvm=$pids; [ "$t" = caravan ] && jvm=$CARAVAN_A_PID
  : >"$OUT/warmup-$tag.txt"
  while [ "$spent" -lt "$max" ]; do
    before=$(cpu_ticks $pids)
    jit_before=$( [ -n "$jvm" ] && jit_compiled "$jvm" || echo 0)
    run_wrk "$url" 32 "$WARM_STEP" "$OUT/wrk-warmup-$tag.txt" "$api" \
      || { note "warm-up of $t${m:+ (Messages)} failed (see wrk-warmup-$tag.txt)"; break; }
    after=$(cpu_ticks $pids)
    jit=$(( $( [ -n "$jvm" ] && jit_compiled "$jvm" || echo 0) - jit_before ))
    spent=$((spent + WARM_STEP))
    req=$(kv "$(grep '^WRKRESULT' "$OUT/wrk-warmup-$tag.txt" || true)" requests)
    [[ "$req" =~ ^[0-9]+$ ]] && [ "$req" -gt 0 ] || continue
    cur=$(calc "($after - $before) * 1000000 / $CLK_TCK / $req" 1)
    echo "after ${spent} s: $req requests, $cur µs CPU per request, $jit methods JIT-compiled" >>"$OUT/warmup-$tag.txt"
    if [ -n "$prev" ] && [ "$jit" -lt "$JIT_QUIET" ] \
        && awk "BEGIN { d = $cur - $prev; if (d < 0) d = -d; exit !(d <= 0.1 * $prev) }"; then
      steady=$((steady + 1))
    else
      steady=0
    fi
    prev=$cur
    if [ "$spent" -ge "$WARM_MIN" ] && [ "$steady" -ge 2 ]; then break; fi
  done
  R[${m}warm.$t.s]=$spent
  R[${m}warm.$t.cpu_us]=${cur:-n/a}
  if [ "$MODE" = full ] && [ -n "$jvm" ] && [ "$steady" -lt 2 ]; then
    note "$t${m:+ (Messages)} had not settled after $spent s of warm-up (see warmup-$tag.txt): its figures may still include JIT compilation"
  fi
  return 0
}
measure_wrk() {   # measure_wrk TARGET URL CONNECTIONS API: one measured wrk run (after its own warm-up)
  local t=$1 url=$2 c=$3 api=$4 m="" tag=$1 pids before after line req dur errs
  [ "$api" = msg ] && { m="msg."; tag="msg-$t"; }
  log "phase 1${m:+ (Messages)}: $t, $c connections (${WARM} s warm-up + ${RUN} s)"
  [ "$WARM" -gt 0 ] && { run_wrk "$url" "$c" "$WARM" "$OUT/wrk-$tag-c$c-warm.txt" "$api" || true; }
  pids=$(target_pids "$t" "$api")
  before=$(cpu_ticks $pids)
  if ! run_wrk "$url" "$c" "$RUN" "$OUT/wrk-$tag-c$c.txt" "$api"; then
    note "wrk against $t${m:+ (Messages)} at c=$c failed (see wrk-$tag-c$c.txt)"
    return 0
  fi
  after=$(cpu_ticks $pids)
  line=$(grep '^WRKRESULT' "$OUT/wrk-$tag-c$c.txt" || true)
  [ -z "$line" ] && { note "wrk against $t${m:+ (Messages)} at c=$c printed no result"; return 0; }
  req=$(kv "$line" requests); dur=$(kv "$line" duration_us)
  errs=$(( $(kv "$line" connect) + $(kv "$line" read) + $(kv "$line" write) + $(kv "$line" status) \
    + $(kv "$line" timeout) ))
  R[${m}tput.$t.c$c.rps]=$(calc "$req / ($dur / 1000000)")
  R[${m}tput.$t.c$c.requests]=$req
  R[${m}tput.$t.c$c.errors]=$errs
  R[${m}tput.$t.c$c.p50_ms]=$(calc "$(kv "$line" p50_us) / 1000" 2)
  R[${m}tput.$t.c$c.p99_ms]=$(calc "$(kv "$line" p99_us) / 1000" 2)
  R[${m}tput.$t.c$c.cpu_us]=$( [ "$req" -gt 0 ] && calc "($after - $before) * 1000000 / $CLK_TCK / $req" 1 || echo n/a)
  count_errors "$t" "$errs"
  [ "$errs" != 0 ] && note "$t${m:+ (Messages)} served $errs errors at c=$c (wrk: $line)"
  return 0
}
for t in "${TARGETS[@]}"; do warm_up "$t" "${URL[$t]}" chat; done
for c in "${CONCURRENCIES[@]}"; do
  for t in "${TARGETS[@]}"; do measure_wrk "$t" "${URL[$t]}" "$c" chat; done
done

# ---------------------------------------------------------------------------------------------------------------
# phase 2: latency at fixed request rates (open loop, bench/OpenLoad.java)
for rate in "${RATES[@]}"; do
  for t in "${TARGETS[@]}"; do
    log "phase 2: $t at $rate requests/s (${LAT_WARM} s warm-up + ${LAT_RUN} s)"
    pids=$(target_pids "$t")
    before=$(cpu_ticks $pids)
    if ! run 60 "${CLIENT_JAVA[@]}" OpenLoad --url "${URL[$t]}" --key "$KEY" --model "$MODEL_FAST" \
        --rate "$rate" --duration-s "$LAT_RUN" --warmup-s "$LAT_WARM" --drain-s 10 \
        >"$OUT/openload-$t-r$rate.txt" 2>&1; then
      note "open-loop run against $t at $rate/s failed (see openload-$t-r$rate.txt)"
      continue
    fi
    after=$(cpu_ticks $pids)
    line=$(grep '^OPENLOAD' "$OUT/openload-$t-r$rate.txt" || true)
    [ -z "$line" ] && { note "open-loop run against $t at $rate/s printed no result"; continue; }
    for k in p50 p90 p99 p999 max; do
      R[lat.$t.r$rate.${k}_ms]=$(calc "$(kv "$line" ${k}_us) / 1000" 2)
    done
    R[lat.$t.r$rate.errors]=$(kv "$line" errors)
    R[lat.$t.r$rate.late]=$(kv "$line" late_sends)
    sent_all=$(calc "$rate * ($LAT_WARM + $LAT_RUN)")
    R[lat.$t.r$rate.cpu_us]=$(calc "($after - $before) * 1000000 / $CLK_TCK / $sent_all" 1)
    count_errors "$t" "$(kv "$line" errors)"
  done
done
# section 3: resident memory once phases 1-2 are over
for t in "${TARGETS[@]}"; do
  R[rss.$t.mb]=$(calc "$(rss_kb $(target_pids "$t")) / 1024" 1)
done

# ---------------------------------------------------------------------------------------------------------------
# phase 4: streams, time to first token (bench/StreamProbe.java; simulator: first chunk after 50 ms, then 10 ms)
probe() {   # probe URL MODEL CONCURRENCY TOTAL WARMUP RAMP_MS TIMEOUT_S LABEL OUTFILE [StreamProbe options...]
  local extra=("${@:10}")
  run $(( $7 + 30 )) "${CLIENT_JAVA[@]}" StreamProbe --url "$1" --key "$KEY" --model "$2" --concurrency "$3" \
    --total "$4" --warmup "$5" --ramp-ms "$6" --timeout-s "$7" --label "$8" "${extra[@]}" >"$9" 2>&1
}
probe_ttft() {   # probe_ttft TARGET URL MODEL WARMUP API: time to first token, metrics ttft.* (API msg: msg.ttft.*)
  local t=$1 api=$5 m="" tag=$1 line
  local opts=()
  [ "$api" = msg ] && { m="msg."; tag="msg-$t"; opts=(--format messages); }
  log "phase 4${m:+ (Messages)}: time to first token, $t ($PROBE_TOTAL streams, $PROBE_CONC at a time)"
  if ! probe "$2" "$3" "$PROBE_CONC" "$PROBE_TOTAL" "$4" 0 60 "$tag" "$OUT/probe-$tag.txt" "${opts[@]}"; then
    note "stream probe against $t${m:+ (Messages)} failed (see probe-$tag.txt)"
    return 0
  fi
  line=$(grep '^STREAMPROBE' "$OUT/probe-$tag.txt" || true)
  [ -z "$line" ] && { note "stream probe against $t${m:+ (Messages)} printed no result"; return 0; }
  R[${m}ttft.$t.p50_ms]=$(calc "$(kv "$line" ttft_p50_us) / 1000" 2)
  R[${m}ttft.$t.p90_ms]=$(calc "$(kv "$line" ttft_p90_us) / 1000" 2)
  R[${m}ttft.$t.p99_ms]=$(calc "$(kv "$line" ttft_p99_us) / 1000" 2)
  R[${m}ttft.$t.done_p50_ms]=$(kv "$line" done_p50_ms)
  R[${m}ttft.$t.done_p99_ms]=$(kv "$line" done_p99_ms)
  R[${m}ttft.$t.errors]=$(kv "$line" errors)
  count_errors "$t" "$(kv "$line" errors)"
  [ "$(kv "$line" errors)" != 0 ] \
    && note "$t: $(kv "$line" errors) failed streams in the time-to-first-token phase${m:+ (Messages)}"
  return 0
}
for t in "${TARGETS[@]}"; do probe_ttft "$t" "${STREAM_URL[$t]}" "${STREAM_MODEL[$t]}" "$PROBE_WARMUP" chat; done

# ---------------------------------------------------------------------------------------------------------------
# Messages, Anthropic to Anthropic (a byte pass-through in Caravan): phases 1 and 4 again with POST /v1/messages,
# after Chat Completions' so that its figures are taken as before; direct is the streaming simulator's own
# /v1/messages, Caravan A's ANTHROPIC_BASE_URL the same simulator
for t in "${TARGETS[@]}"; do warm_up "$t" "${MSG_URL[$t]}" msg; done
for c in "${MSG_CONCURRENCIES[@]}"; do
  for t in "${TARGETS[@]}"; do measure_wrk "$t" "${MSG_URL[$t]}" "$c" msg; done
done
for t in "${TARGETS[@]}"; do probe_ttft "$t" "${MSG_URL[$t]}" "$MODEL_MESSAGES" "$MSG_PROBE_WARMUP" msg; done

# live heap of Caravan B, from its GC log (-Xlog:gc): what a full collection requested with `jcmd GC.run` leaves,
# i.e. the live heap at that instant, without the garbage that a later reading would include
live_heap_mb() {   # live_heap_mb: full GC in Caravan B now; prints the heap it left, in MB
  local before
  before=$(grep -c 'Pause Full' "$OUT/caravan-B-gc.log" 2>/dev/null || true)
  run 30 "$JCMD" "$CARAVAN_B_PID" GC.run >/dev/null 2>&1 || true
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    [ "$(grep -c 'Pause Full' "$OUT/caravan-B-gc.log" 2>/dev/null || true)" -gt "${before:-0}" ] && break
    sleep 0.1
  done
  grep 'Pause Full' "$OUT/caravan-B-gc.log" 2>/dev/null | tail -1 | sed -n 's/.*M->\([0-9]*\)M(.*/\1/p'
}
# ---------------------------------------------------------------------------------------------------------------
# phase 5 (full): 2,000 concurrent streams of ~10 s: direct (after 200 warm-up streams in the same client), then
# through Caravan B twice: the first round meets a cold JVM, the second a warm one; both must be error-free
if [ "$MODE" = full ]; then
  declare -A OPEN_URL=([direct]="http://127.0.0.1:$SIM_HOLD_PORT/v1/chat/completions"
    [caravan_cold]="http://127.0.0.1:$CARAVAN_B_PORT/v1/chat/completions"
    [caravan]="http://127.0.0.1:$CARAVAN_B_PORT/v1/chat/completions")
  declare -A OPEN_WARMUP=([direct]=200 [caravan_cold]=0 [caravan]=0)
  sampler_pid=""
  for t in direct caravan_cold caravan; do
    log "phase 5: $OPEN_STREAMS concurrent 10-second streams, $t"
    if [ "$t" = caravan_cold ]; then
      R[open.caravan.heap_before_mb]=$(live_heap_mb)
      R[open.caravan.rss_before_mb]=$(calc "$(rss_kb "$CARAVAN_B_PID") / 1024" 1)
      ( for _ in $(seq 1 600); do rss_kb "$CARAVAN_B_PID"; sleep 0.25; done ) >"$OUT/open-caravan-rss.txt" &
      sampler_pid=$!
      PIDS+=("$sampler_pid")
    fi
    [ "$t" != direct ] && before=$(cpu_ticks "$CARAVAN_B_PID")
    probe "${OPEN_URL[$t]}" "$MODEL_FAST" "$OPEN_STREAMS" "$OPEN_STREAMS" "${OPEN_WARMUP[$t]}" "$OPEN_RAMP_MS" 80 \
      "open-$t" "$OUT/open-$t.txt" || note "the $OPEN_STREAMS-stream probe against $t failed (see open-$t.txt)"
    [ "$t" != direct ] && R[open.$t.cpu_s]=$(calc "($(cpu_ticks "$CARAVAN_B_PID") - $before) / $CLK_TCK" 2)
    line=$(grep '^STREAMPROBE' "$OUT/open-$t.txt" || true)
    if [ -z "$line" ]; then
      note "the $OPEN_STREAMS-stream probe against $t printed no result"
      [ "$t" != direct ] && CARAVAN_ERRORS=$((CARAVAN_ERRORS + OPEN_STREAMS))
      continue
    fi
    for k in ttft_p50 ttft_p90 ttft_p99 ttft_max; do
      R[open.$t.${k}_ms]=$(calc "$(kv "$line" ${k}_us) / 1000" 2)
    done
    for k in ok errors done_p50_ms done_max_ms wall_ms; do R[open.$t.$k]=$(kv "$line" $k); done
    [ "$t" != direct ] && count_errors caravan "$(kv "$line" errors)"
    if [ "$(kv "$line" errors)" != 0 ]; then
      note "$t: $(kv "$line" errors) of $OPEN_STREAMS open streams failed; first errors: $(grep -m3 'streamprobe' \
        "$OUT/open-$t.txt" | tr '\n' ' ' | cut -c1-400)"
    fi
  done
  if [ -n "$sampler_pid" ]; then
    kill "$sampler_pid" 2>/dev/null || true
    wait "$sampler_pid" 2>/dev/null || true
  fi
  R[open.caravan.rss_peak_mb]=$(calc "$(sort -n "$OUT/open-caravan-rss.txt" | tail -1) / 1024" 1)
  R[open.caravan.hwm_mb]=$(calc "$(hwm_kb "$CARAVAN_B_PID") / 1024" 1)
  R[open.caravan.heap_after_mb]=$(live_heap_mb)
fi

# ---------------------------------------------------------------------------------------------------------------
# phase 6 (full): one 50 MB stream through Caravan B, with the live heap sampled before, during and after
if [ "$MODE" = full ]; then
  log "phase 6: one ${BIG_BYTES}-character stream through Caravan B"
  R[big.heap_before_mb]=$(live_heap_mb)
  young_before=$(grep -c 'Pause Young' "$OUT/caravan-B-gc.log" 2>/dev/null || true)
  timeout 60 "$JSTAT" -gc "$CARAVAN_B_PID" 200 >"$OUT/big-jstat.txt" 2>&1 &
  jstat_pid=$!
  PIDS+=("$jstat_pid")
  timeout 150 "${CLIENT_JAVA[@]}" StreamProbe --url "http://127.0.0.1:$CARAVAN_B_PORT/v1/chat/completions" \
    --key "$KEY" --model "$MODEL_SECOND" --concurrency 1 --total 1 --timeout-s 120 --label big >"$OUT/big.txt" 2>&1 &
  probe_pid=$!
  PIDS+=("$probe_pid")
  big_t0=$(date +%s%N)
  mids=()
  sleep 1.5
  while alive "$probe_pid" && [ "${#mids[@]}" -lt 8 ]; do
    mb=$(live_heap_mb)
    at=$(calc "($(date +%s%N) - $big_t0) / 1000000000" 1)
    if alive "$probe_pid" && [[ "$mb" =~ ^[0-9]+$ ]]; then
      mids+=("$mb MB at $at s")
      if [ "$mb" -gt "${mid_max:-0}" ]; then mid_max=$mb; fi
    fi
    sleep 1
  done
  if [ "${#mids[@]}" -eq 0 ]; then note "the 50 MB stream ended before any mid-stream heap sample"; fi
  R[big.heap_mid_max_mb]=${mid_max:-n/a}
  R[big.heap_mid]=$(IFS=';'; echo "${mids[*]:-none}" | sed 's/;/, /g')
  wait "$probe_pid" || note "the 50 MB stream probe failed (see big.txt)"
  R[big.heap_after_mb]=$(live_heap_mb)
  kill "$jstat_pid" 2>/dev/null || true
  wait "$jstat_pid" 2>/dev/null || true
  # jstat -gc columns by name: peak heap in use including garbage (survivors + eden + old)
  peak_all=$(awk 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    col["OU"] && $col["OU"] ~ /^[0-9.]+$/ {
      all = $col["S0U"] + $col["S1U"] + $col["EU"] + $col["OU"]; if (all > a) a = all }
    END { printf "%.0f\n", a }' "$OUT/big-jstat.txt")
  R[big.heap_peak_mb]=$(calc "$peak_all / 1024" 1)
  R[big.young_gcs]=$(( $(grep -c 'Pause Young' "$OUT/caravan-B-gc.log" 2>/dev/null || true) - ${young_before:-0} ))
  line=$(grep '^STREAMPROBE' "$OUT/big.txt" || true)
  if [ -n "$line" ]; then
    R[big.bytes_mb]=$(calc "$(kv "$line" bytes) / 1000000" 1)
    R[big.content_mb]=$(calc "$(kv "$line" content_chars) / 1000000" 1)
    R[big.seconds]=$(calc "$(kv "$line" done_max_ms) / 1000" 1)
    R[big.errors]=$(kv "$line" errors)
    count_errors caravan "$(kv "$line" errors)"
  else
    note "the 50 MB stream probe printed no result"
  fi
fi

if [ "$JFR" = 1 ]; then
  run 60 "$JCMD" "$CARAVAN_A_PID" JFR.dump name=bench filename="$OUT/caravan-A.jfr" >/dev/null 2>&1 || true
  run 120 "$JAVA_HOME/bin/jfr" view --width 200 hot-methods "$OUT/caravan-A.jfr" >"$OUT/jfr-hot-methods.txt" 2>&1 || true
  log "JFR recording: $OUT/caravan-A.jfr (hot methods in $OUT/jfr-hot-methods.txt)"
fi

# ---------------------------------------------------------------------------------------------------------------
# report
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
ELAPSED=$(( $(date +%s) - START_EPOCH ))
for k in "${!R[@]}"; do printf '%s\t%s\n' "$k" "${R[$k]}"; done | sort >"$OUT/metrics.tsv"

g() { echo "${R[$1]:-n/a}"; }
isnum() { [[ "$1" =~ ^-?[0-9]+(\.[0-9]+)?$ ]]; }
ratio() {   # ratio A B → "A/B×" or n/a
  if isnum "$1" && isnum "$2" && awk "BEGIN { exit !($2 > 0) }"; then calc "$1 / $2" 2 | sed 's/$/×/'; else echo n/a; fi
}
diffv() {   # diffv A B [decimals] → A - B
  if isnum "$1" && isnum "$2"; then calc "$1 - $2" "${3:-2}"; else echo n/a; fi
}
verdict() {   # verdict CONDITION-EXPR (awk) → met / missed / not measured
  local suffix=""
  [ "$MODE" = smoke ] && suffix=" (smoke run: not meaningful)"
  if [ "$1" = skip ]; then echo "not measured"; elif awk "BEGIN { exit !($1) }"; then echo "**met**$suffix"
  else echo "**missed**$suffix"; fi
}
cell() { local v; v=$(g "$1"); echo "$v"; }
row3() {   # row3 LABEL KEY-PATTERN(with %t): a row with direct, nginx, caravan and both ratios
  local label=$1 pat=$2 d n c
  d=$(g "${pat//%t/direct}"); n=$(g "${pat//%t/nginx}"); c=$(g "${pat//%t/caravan}")
  echo "| $label | $d | $n | $c | $(ratio "$c" "$d") | $(ratio "$c" "$n") |"
}

CPU_MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
MEM_GB=$(awk '/^MemTotal/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)
JDK_VERSION=$("$JAVA" -version 2>&1 | sed -n '2p')
NGINX_VERSION=$([ -n "$NGINX_BIN" ] && "$NGINX_BIN" -v 2>&1 | sed 's/.*version: //' || echo "not installed")
WRK_VERSION=$(wrk -v 2>&1 | head -1 | awk '{ print $2 }' || true)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "not a git checkout")
DIRTY=$( [ "$COMMIT" != "not a git checkout" ] && [ -n "$(git -C "$ROOT" status --porcelain -- src pom.xml routes 2>/dev/null)" ] \
  && echo " (with uncommitted changes under src/, routes/ or pom.xml)" || true)

# targets from the issue
c32n=$(g tput.nginx.c32.cpu_us); c32c=$(g tput.caravan.c32.cpu_us)
if isnum "$c32n" && isnum "$c32c"; then T_CPU=$(verdict "$c32c <= 5 * $c32n"); else T_CPU=$(verdict skip); fi
add50=$(diffv "$(g lat.caravan.r500.p50_ms)" "$(g lat.direct.r500.p50_ms)")
add99=$(diffv "$(g lat.caravan.r500.p99_ms)" "$(g lat.direct.r500.p99_ms)")
if isnum "$add50"; then T_P50=$(verdict "$add50 < 1"); else T_P50=$(verdict skip); fi
if isnum "$add99"; then T_P99=$(verdict "$add99 < 5"); else T_P99=$(verdict skip); fi
addttft=$(diffv "$(g ttft.caravan.p50_ms)" "$(g ttft.direct.p50_ms)")
if isnum "$addttft"; then T_TTFT=$(verdict "$addttft <= 2"); else T_TTFT=$(verdict skip); fi
if [ "$MODE" = full ]; then
  oe=$(g open.caravan.errors); ook=$(g open.caravan.ok); orss=$(g open.caravan.rss_peak_mb)
  oce=$(g open.caravan_cold.errors); ocok=$(g open.caravan_cold.ok)
  if isnum "$oe" && isnum "$ook" && isnum "$oce" && isnum "$ocok" && isnum "$orss"; then
    T_OPEN=$(verdict "$oe + $oce == 0 && $ook + $ocok == 2 * $OPEN_STREAMS && $orss < 1024")
  else T_OPEN="**missed** (the phase did not complete)"; fi
  hb=$(g big.heap_before_mb); hm=$(g big.heap_mid_max_mb); ha=$(g big.heap_after_mb); bb=$(g big.bytes_mb)
  if isnum "$hb" && isnum "$ha" && isnum "$bb"; then
    midok=1; isnum "$hm" && midok="($hm - $hb) < 16"
    T_BIG=$(verdict "$bb >= 50 && ($ha - $hb) < 16 && $midok")
  else T_BIG="**missed** (the phase did not complete)"; fi
else
  T_OPEN="not run (smoke)"; T_BIG="not run (smoke)"
fi

{
  if [ "$MODE" = full ]; then echo "# Caravan benchmark results"; else echo "# Caravan benchmark: smoke run"; fi
  echo
  echo "Generated by \`bench/run.sh\`; do not edit by hand (see bench/README.md for what each figure means)."
  [ "$MODE" = smoke ] && echo "Smoke mode: runs of $RUN s, far too short for the figures to mean anything; it checks the harness and that Caravan serves without errors."
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| date | $(date -u '+%Y-%m-%d %H:%M:%S UTC') |"
  echo "| command | \`$CARAVAN_BENCH_COMMAND\` (mode: $MODE, build: $BUILD) |"
  echo "| machine | $(nproc) CPUs, $CPU_MODEL, $MEM_GB GiB memory, Linux $(uname -r) |"
  echo "| load average (1/5/15 min) | at start $LOAD_START, at end $LOAD_END |"
  echo "| JDK | $JDK_VERSION ($JAVA_HOME) |"
  echo "| Caravan | commit $COMMIT$DIRTY; \`java $CARAVAN_HEAP -jar target/caravan.jar\`, default GC, virtual threads on$([ "$JFR" = 1 ] && echo ', JFR profiling on (instance A)') |"
  echo "| nginx | $NGINX_VERSION, 1 worker, upstream keepalive, proxy_buffering off |"
  echo "| load generators | wrk $WRK_VERSION (-t2), bench/OpenLoad.java (open loop), bench/StreamProbe.java |"
  echo "| wall time | ${ELAPSED} s |"
  echo
  echo "Everything runs on this one machine over loopback: the load generator, the proxy under test and the simulator"
  echo "share its $(nproc) CPUs, so absolute figures move by tens of percent between runs; ratios within one run hold better."
  echo "*direct* is the provider simulator alone (zero latency for sections 1-3; first chunk after 50 ms, then a chunk every"
  echo "10 ms, 20 chunks, for section 4), *nginx* and *caravan* sit in front of the same simulator."
  echo "The **Messages** rows are Anthropic's \`POST /v1/messages\` for \`$MODEL_MESSAGES\`, which Caravan passes through byte for"
  echo "byte to an Anthropic-format provider: here the streaming simulator's own \`/v1/messages\` (which answers non-streamed"
  echo "requests at once), also *direct*; nginx proxies to it as well. They are measured after the Chat Completions rows."
  echo
  echo "## Targets"
  echo
  echo "| target | figure | verdict |"
  echo "|---|---|---|"
  echo "| CPU per non-streamed request ≤ 5× nginx (32 connections) | caravan $c32c µs vs nginx $c32n µs = $(ratio "$c32c" "$c32n") | $T_CPU |"
  echo "| added p50 latency at 500 req/s < 1 ms over direct | +$add50 ms | $T_P50 |"
  echo "| added p99 latency at 500 req/s < 5 ms over direct | +$add99 ms | $T_P99 |"
  echo "| time to first token within 2 ms of direct at p50 | +$addttft ms | $T_TTFT |"
  if [ "$MODE" = full ]; then
    echo "| $OPEN_STREAMS concurrent streams: zero errors, RSS < 1 GB | two rounds: $(g open.caravan_cold.ok) + $(g open.caravan.ok) ok, $(g open.caravan_cold.errors) + $(g open.caravan.errors) errors; peak RSS $(g open.caravan.rss_peak_mb) MB | $T_OPEN |"
    echo "| (harness check) 50 MB stream: live heap grows < 16 MB | before $(g big.heap_before_mb) MB, mid-stream at most $(g big.heap_mid_max_mb) MB, after $(g big.heap_after_mb) MB | $T_BIG |"
  else
    echo "| $OPEN_STREAMS concurrent streams: zero errors, RSS < 1 GB | - | $T_OPEN |"
    echo "| (harness check) 50 MB stream: heap does not grow | - | $T_BIG |"
  fi
  echo
  echo "## 1. Non-streamed throughput (wrk -t2, closed loop, ${RUN} s after ${WARM} s warm-up)"
  echo
  echo "CPU per request: user+system time of the serving process(es) over the run (/proc/PID/stat) divided by the"
  echo "requests served; for *direct* it is the simulator's own, for *nginx* master + worker, for *caravan* the JVM."
  echo "Before anything was measured each target served 32 connections in ${WARM_STEP}-s windows until, twice in a row, its CPU per"
  echo "request moved by at most 10 % and the JIT compiled fewer than $JIT_QUIET methods in the window (at most ${WARM_MAX_OTHER} s, Caravan ${WARM_MAX_CARAVAN} s; nginx, which compiles nothing, ${WARM_MIN} s): direct $(g warm.direct.s) s (last window $(g warm.direct.cpu_us) µs),"
  echo "nginx $(g warm.nginx.s) s ($(g warm.nginx.cpu_us) µs), caravan $(g warm.caravan.s) s ($(g warm.caravan.cpu_us) µs)."
  echo "Messages (bench/post-messages.lua, the key in \`x-api-key\`), warmed up the same way: direct $(g msg.warm.direct.s) s ($(g msg.warm.direct.cpu_us) µs),"
  echo "nginx $(g msg.warm.nginx.s) s ($(g msg.warm.nginx.cpu_us) µs), caravan $(g msg.warm.caravan.s) s ($(g msg.warm.caravan.cpu_us) µs)."
  echo
  echo "| measure | direct | nginx | caravan | caravan/direct | caravan/nginx |"
  echo "|---|---|---|---|---|---|"
  for c in "${CONCURRENCIES[@]}"; do
    row3 "requests/s, $c connections" "tput.%t.c$c.rps"
    row3 "CPU per request (µs), $c connections" "tput.%t.c$c.cpu_us"
    row3 "latency p50 (ms), $c connections" "tput.%t.c$c.p50_ms"
    row3 "latency p99 (ms), $c connections" "tput.%t.c$c.p99_ms"
    row3 "errors, $c connections" "tput.%t.c$c.errors"
  done
  for c in "${MSG_CONCURRENCIES[@]}"; do
    row3 "Messages: requests/s, $c connections" "msg.tput.%t.c$c.rps"
    row3 "Messages: CPU per request (µs), $c connections" "msg.tput.%t.c$c.cpu_us"
    row3 "Messages: latency p50 (ms), $c connections" "msg.tput.%t.c$c.p50_ms"
    row3 "Messages: latency p99 (ms), $c connections" "msg.tput.%t.c$c.p99_ms"
    row3 "Messages: errors, $c connections" "msg.tput.%t.c$c.errors"
  done
  echo
  echo "## 2. Latency at fixed request rates (bench/OpenLoad.java, open loop, ${LAT_RUN} s after ${LAT_WARM} s warm-up)"
  echo
  echo "Requests are sent on a fixed schedule whatever the answers do; latency runs from each request's scheduled time to"
  echo "the last byte of its answer (no coordinated omission). CPU per request here is at that rate, not at saturation."
  echo
  echo "| measure | direct | nginx | caravan | caravan/direct | caravan/nginx |"
  echo "|---|---|---|---|---|---|"
  for rate in "${RATES[@]}"; do
    for k in p50 p90 p99 p999 max; do row3 "$k (ms) at $rate req/s" "lat.%t.r$rate.${k}_ms"; done
    row3 "CPU per request (µs) at $rate req/s" "lat.%t.r$rate.cpu_us"
    row3 "errors at $rate req/s" "lat.%t.r$rate.errors"
    row3 "sends > 1 ms late (client-side) at $rate req/s" "lat.%t.r$rate.late"
  done
  echo
  echo "Added latency over direct (caravan − direct), ms:"
  echo
  echo "| rate | p50 | p99 | p99.9 |"
  echo "|---|---|---|---|"
  for rate in "${RATES[@]}"; do
    echo "| $rate req/s | $(diffv "$(g lat.caravan.r$rate.p50_ms)" "$(g lat.direct.r$rate.p50_ms)") | $(diffv "$(g lat.caravan.r$rate.p99_ms)" "$(g lat.direct.r$rate.p99_ms)") | $(diffv "$(g lat.caravan.r$rate.p999_ms)" "$(g lat.direct.r$rate.p999_ms)") |"
  done
  echo
  echo "## 3. Memory after sections 1-2"
  echo
  echo "| measure | direct | nginx | caravan | caravan/direct | caravan/nginx |"
  echo "|---|---|---|---|---|---|"
  row3 "resident memory, VmRSS (MB)" "rss.%t.mb"
  echo
  echo "## 4. Streams: time to first token ($PROBE_TOTAL streams, $PROBE_CONC at a time, after $PROBE_WARMUP warm-up streams)"
  echo
  echo "Time to first token: from sending the request to the first \`data:\` line with non-empty content. The simulator"
  echo "sends its first chunk after 50 ms, so direct sits just above 50 ms; what matters is the difference."
  echo
  echo "| measure | direct | nginx | caravan | caravan/direct | caravan/nginx |"
  echo "|---|---|---|---|---|---|"
  row3 "time to first token p50 (ms)" "ttft.%t.p50_ms"
  row3 "time to first token p90 (ms)" "ttft.%t.p90_ms"
  row3 "time to first token p99 (ms)" "ttft.%t.p99_ms"
  row3 "whole stream p50 (ms)" "ttft.%t.done_p50_ms"
  row3 "whole stream p99 (ms)" "ttft.%t.done_p99_ms"
  row3 "failed streams" "ttft.%t.errors"
  row3 "Messages: time to first token p50 (ms)" "msg.ttft.%t.p50_ms"
  row3 "Messages: time to first token p90 (ms)" "msg.ttft.%t.p90_ms"
  row3 "Messages: time to first token p99 (ms)" "msg.ttft.%t.p99_ms"
  row3 "Messages: whole stream p50 (ms)" "msg.ttft.%t.done_p50_ms"
  row3 "Messages: whole stream p99 (ms)" "msg.ttft.%t.done_p99_ms"
  row3 "Messages: failed streams" "msg.ttft.%t.errors"
  echo
  echo "Added time to first token over direct: p50 +$addttft ms, p99 +$(diffv "$(g ttft.caravan.p99_ms)" "$(g ttft.direct.p99_ms)") ms (nginx: p50 +$(diffv "$(g ttft.nginx.p50_ms)" "$(g ttft.direct.p50_ms)") ms)."
  echo "Messages: p50 +$(diffv "$(g msg.ttft.caravan.p50_ms)" "$(g msg.ttft.direct.p50_ms)") ms, p99 +$(diffv "$(g msg.ttft.caravan.p99_ms)" "$(g msg.ttft.direct.p99_ms)") ms (nginx: p50 +$(diffv "$(g msg.ttft.nginx.p50_ms)" "$(g msg.ttft.direct.p50_ms)") ms); for Messages the first token is the first \`content_block_delta\` with non-empty text (StreamProbe \`--format messages\`) and a stream must end in \`message_stop\`, after $MSG_PROBE_WARMUP warm-up streams."
  echo
  if [ "$MODE" = full ]; then
    echo "## 5. $OPEN_STREAMS concurrent streams held ~10 s each (Caravan instance B)"
    echo
    echo "All $OPEN_STREAMS streams open within ${OPEN_RAMP_MS} ms and stay open about 10 s (21 pieces 500 ms apart); nginx is not in"
    echo "this test. *direct* runs after 200 warm-up streams in the same client. Caravan B runs it twice: the first round meets"
    echo "a JVM that has served nothing yet (cold), the second the same JVM warmed by the first; the ratio is for the second."
    echo
    echo "| measure | direct | caravan, 1st round (cold) | caravan, 2nd round | caravan 2nd/direct |"
    echo "|---|---|---|---|---|"
    for k in ok errors ttft_p50_ms ttft_p90_ms ttft_p99_ms ttft_max_ms done_p50_ms done_max_ms wall_ms cpu_s; do
      echo "| $k | $(g open.direct.$k) | $(g open.caravan_cold.$k) | $(g open.caravan.$k) | $(ratio "$(g open.caravan.$k)" "$(g open.direct.$k)") |"
    done
    echo
    echo "ttft: time to first token; done: time to the end of a stream; wall: the whole round; cpu_s: Caravan's CPU time in the round."
    echo "Caravan B resident memory: $(g open.caravan.rss_before_mb) MB before, peak $(g open.caravan.rss_peak_mb) MB over both rounds (sampled every 250 ms; VmHWM since start: $(g open.caravan.hwm_mb) MB). Live heap (after a full GC): $(g open.caravan.heap_before_mb) MB before the first round, $(g open.caravan.heap_after_mb) MB after the second."
    echo
    echo "## 6. One 50 MB stream through Caravan (instance B)"
    echo
    echo "The simulator sends ${BIG_BYTES} characters of content in ${BIG_CHUNKS} events, one every ${BIG_CHUNK_DELAY_MS} ms. The live heap is what a"
    echo "full collection (\`jcmd GC.run\`) leaves, read from Caravan B's GC log: before the stream, about every second while it"
    echo "runs, and after. A gateway that buffered the response would hold tens of MB more mid-stream than before."
    echo
    echo "| measure | value |"
    echo "|---|---|"
    echo "| bytes received by the client (MB) | $(g big.bytes_mb) |"
    echo "| content characters received (M) | $(g big.content_mb) |"
    echo "| stream duration (s) | $(g big.seconds) |"
    echo "| errors | $(g big.errors) |"
    echo "| live heap before the stream (MB) | $(g big.heap_before_mb) |"
    echo "| live heap mid-stream (samples) | $(g big.heap_mid) |"
    echo "| live heap mid-stream, highest (MB) | $(g big.heap_mid_max_mb) |"
    echo "| live heap after the stream (MB) | $(g big.heap_after_mb) |"
    echo "| peak heap in use including garbage, jstat -gc every 200 ms (MB) | $(g big.heap_peak_mb) |"
    echo "| young collections during the stream | $(g big.young_gcs) |"
    echo
  fi
  echo "## Setup"
  echo
  echo "- Simulators: \`dev.caravan.simulator.ProviderSimulator\` from \`target/caravan-simulator.jar\` on the Caravan jar (\`java -cp target/caravan.jar -Dloader.path=target/caravan-simulator.jar -Dloader.main=... PropertiesLauncher\`), one JVM each: zero-latency; streaming (50 ms, then 10 ms × 20)$([ "$MODE" = full ] && echo '; 10-second streams (50 ms, then 500 ms × 21); 50 MB stream (text passed through a java @argfile)')."
  echo "- Caravan A: OPENAI_BASE_URL → zero-latency simulator (model $MODEL_FAST), MISTRAL_BASE_URL → streaming simulator (model $MODEL_SECOND, same OpenAI-compatible route template), ANTHROPIC_BASE_URL → streaming simulator (model $MODEL_MESSAGES, the Messages rows; that simulator runs with \`--pace-whole-answers false\`, so its non-streamed answers are zero-latency). Serves sections 1-4."
  [ "$MODE" = full ] && echo "- Caravan B (started alongside A, idle until section 5; adds \`-Xlog:gc\` to a file): OPENAI_BASE_URL → 10-second simulator, MISTRAL_BASE_URL → 50 MB simulator. Serves sections 5-6."
  echo "- Caravan start-up to first answer: A $(g caravan.A.start_s) s$([ "$MODE" = full ] && echo ", B $(g caravan.B.start_s) s (both started at once)")."
  echo "- Raw outputs (wrk, OpenLoad, StreamProbe, jstat, logs): \`bench/out/$MODE/\`; every figure above is in \`bench/out/$MODE/metrics.tsv\`."
  echo
  echo "## Notes"
  echo
  if [ "${#NOTES[@]}" -eq 0 ]; then echo "- none: every phase ran."; else for n in "${NOTES[@]}"; do echo "- $n"; done; fi
  echo "- Caravan errors counted against the exit status: $CARAVAN_ERRORS."
} >"$REPORT"
log "wrote $REPORT (${ELAPSED} s)"

if [ "$CARAVAN_ERRORS" -gt 0 ]; then
  log "Caravan served $CARAVAN_ERRORS errors"
  exit 3
fi
exit 0
