#!/usr/bin/env bash
# A/B comparison of two Caravan jars on this machine, interleaved so that both see the same background load:
#
#   bench/ab.sh A.jar B.jar [ROUNDS]
#
# Starts the zero-latency and the streaming simulator (this tree's target/caravan-simulator.jar on A.jar, or
# AB_SIM_JAR) and both gateways side by side, warms each up at 32 connections, then for ROUNDS rounds (default 4)
# measures A and B in turn: wrk 10 s at 32 connections (requests/s, CPU per request from /proc/PID/stat) and, with
# AB_PROBE=1, time to first token (bench/StreamProbe.java, 300 streams, 50 at a time). Prints one line per measurement and a per-jar median at the end. Logs: bench/out/ab/.
# AB_WRK=0 leaves wrk out of the measured rounds (with AB_PROBE=1: time to first token only).
# AB_ROUTES_A / AB_ROUTES_B: each jar's route directory when they differ (default: this tree's routes/).
# AB_ARGS_A / AB_ARGS_B: extra settings for one gateway only, e.g. AB_ARGS_B=--caravan.usage.journal.enabled=false
# to measure one feature with the same jar on both sides.
# Set AB_JFR=1 to record both gateways with JFR (profile settings) during the measured rounds (bench/out/ab/{A,B}.jfr).
set -euo pipefail

A_JAR=$(realpath "$1"); B_JAR=$(realpath "$2"); ROUNDS=${3:-4}
# bench/run.sh installs wrk when it is missing; this script only says so
if [ "${AB_WRK:-1}" = 1 ] && ! command -v wrk >/dev/null 2>&1; then
  echo "ab: wrk is missing: install it (apt-get install wrk) or run bin/caravan bench once, which does" >&2
  exit 1
fi
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/bench/out/ab"; mkdir -p "$OUT"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
KEY=ab-key

SIM_FAST=$(port); SIM_STREAM=$(port)
SIM_JAR=$(realpath "${AB_SIM_JAR:-$ROOT/target/caravan-simulator.jar}")
sim() { "$JAVA" -Xmx1g -cp "$A_JAR" -Dloader.path="$SIM_JAR" -Dloader.main=dev.caravan.simulator.ProviderSimulator \
  org.springframework.boot.loader.launch.PropertiesLauncher --port "$1" "${@:2}" >"$OUT/sim-$1.log" 2>&1 & PIDS+=($!); }
sim "$SIM_FAST" --first-chunk-delay-ms 0 --chunk-delay-ms 0 --chunks 4
sim "$SIM_STREAM" --first-chunk-delay-ms 50 --chunk-delay-ms 10 --chunks 20

declare -A PORT PID
for g in A B; do
  jar=$A_JAR; routes=${AB_ROUTES_A:-$ROOT/routes}; extra=${AB_ARGS_A:-}
  [ "$g" = B ] && jar=$B_JAR && routes=${AB_ROUTES_B:-$ROOT/routes} && extra=${AB_ARGS_B:-}
  PORT[$g]=$(port)
  flags=(); [ "${AB_JFR:-0}" = 1 ] && flags+=(-XX:FlightRecorderOptions:stackdepth=256)
  (cd "$ROOT" && env -u OPENAI_API_KEY -u MISTRAL_API_KEY -u ANTHROPIC_API_KEY -u GOOGLE_API_KEY \
    OPENAI_BASE_URL="http://127.0.0.1:$SIM_FAST/v1" MISTRAL_BASE_URL="http://127.0.0.1:$SIM_STREAM/v1" \
    ANTHROPIC_BASE_URL="http://127.0.0.1:$SIM_FAST" GOOGLE_BASE_URL="http://127.0.0.1:$SIM_FAST" \
    AI_GATEWAY_API_KEY=$KEY "$JAVA" -Xmx1g "${flags[@]}" -jar "$jar" --server.port="${PORT[$g]}" \
    --caravan.simulator.enabled=false --caravan.routes.directory="$routes" --spring.datasource.url="jdbc:h2:mem:ab$g;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH" $extra >"$OUT/caravan-$g.log" 2>&1) &
  PID[$g]=$!; PIDS+=($!)
done
for g in A B; do await_gateway "$g" "${PORT[$g]}" "$KEY" "$OUT/caravan-$g.log"; done
# the java process is the child of the subshell
for g in A B; do PID[$g]=$(pgrep -P "${PID[$g]}" java || echo "${PID[$g]}"); PIDS+=("${PID[$g]}"); done
echo "A=$A_JAR (pid ${PID[A]}) B=$B_JAR (pid ${PID[B]})"

export BENCH_KEY=$KEY BENCH_MODEL=openai/gpt-5
wrk_cpu() {   # wrk_cpu G SECONDS: prints "rps cpu_us"
  local g=$1 s=$2 before after line req
  before=$(ticks "${PID[$g]}")
  line=$(wrk -t2 -c32 -d"${s}s" --timeout 5s -s "$ROOT/bench/post.lua" "http://127.0.0.1:${PORT[$g]}/v1/chat/completions" \
    | grep WRKRESULT)
  after=$(ticks "${PID[$g]}")
  req=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$line")
  awk -v r="$req" -v s="$s" -v d=$((after - before)) -v t="$CLK_TCK" \
    'BEGIN { printf "%.0f %.1f\n", r / s, d * 1e6 / t / r }'
}
mkdir -p "$OUT/classes"
"$JAVA_HOME/bin/javac" -d "$OUT/classes" "$ROOT/bench/StreamProbe.java" 2>/dev/null
probe() {
  "$JAVA" -XX:TieredStopAtLevel=1 -cp "$OUT/classes" StreamProbe --url "http://127.0.0.1:${PORT[$1]}/v1/chat/completions" \
    --key $KEY --model mistral/mistral-large --concurrency 50 --total 300 --warmup "$2" --ramp-ms 0 --timeout-s 60 \
    --label "$1" | grep STREAMPROBE | sed -n 's/.*ttft_p50_us=\([0-9]*\).*ttft_p99_us=\([0-9]*\).*/\1 \2/p'
}

echo "warming up (${AB_WARM:-6} x 15 s each, alternating)"
for i in $(seq 1 "${AB_WARM:-6}"); do
  for g in A B; do echo "  warm $g: $(wrk_cpu $g 15)"; done
done
if [ "${AB_PROBE:-0}" = 1 ]; then for g in A B; do probe $g 1000 >/dev/null; done; fi
if [ "${AB_JFR:-0}" = 1 ]; then
  for g in A B; do "$JAVA_HOME/bin/jcmd" "${PID[$g]}" JFR.start name=ab settings=profile >/dev/null; done
fi

for i in $(seq 1 "$ROUNDS"); do
  for g in A B; do
    if [ "${AB_WRK:-1}" = 1 ]; then
      read -r rps cpu < <(wrk_cpu $g 10)
      echo "round $i $g rps=$rps cpu_us=$cpu requests=$((rps * 10))" | tee -a "$OUT/results.txt"
    fi
    if [ "${AB_PROBE:-0}" = 1 ]; then
      read -r p50 p99 < <(probe $g 100)
      echo "round $i $g ttft_p50_us=$p50 ttft_p99_us=$p99" | tee -a "$OUT/results.txt"
    fi
  done
done
if [ "${AB_JFR:-0}" = 1 ]; then
  for g in A B; do "$JAVA_HOME/bin/jcmd" "${PID[$g]}" JFR.stop name=ab filename="$OUT/$g.jfr" >/dev/null || true; done
fi
