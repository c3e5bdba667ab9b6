#!/usr/bin/env bash
# CPU added per SSE event of an OpenAI-format stream to an OpenAI-format client, beside nginx in the same run:
#
#   bench/stream-cpu.sh [A.jar [B.jar]] [ROUNDS]        (default: target/caravan.jar, 3 rounds)
#
# Two streaming simulators pace their chunks 5 ms apart from the first: "short" sends 10 content chunks, "long" 110,
# each of 10 characters, both behind the same OpenAI-compatible route template (OPENAI_BASE_URL → short, model
# openai/gpt-5; MISTRAL_BASE_URL → long, model mistral/mistral-large), and behind nginx (one server each). Per round
# and target, bench/StreamProbe.java runs STREAMS streams (default 400, CONCURRENCY 20 at a time) of each length, and
# the CPU time of the target's processes (/proc/PID/stat) is read around each run. A stream's fixed costs (the
# request, its accounting, the role, finish and usage chunks) are the same at both lengths, so
#
#   CPU per event = (CPU of the long run − CPU of the short run) / (STREAMS × 100)
#
# is what each further event costs: reading it from the provider, handing it to the client's thread, writing and
# flushing it. Prints one line per measurement and the medians. Logs and raw outputs: bench/out/stream-cpu/.
# STREAM_CPU_JFR=1 records the gateways with JFR (profile settings) during the measured rounds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JARS=(); ROUNDS=3
for arg in "$@"; do
  if [[ "$arg" == *.jar ]]; then JARS+=("$(realpath "$arg")"); else ROUNDS=$arg; fi
done
[ ${#JARS[@]} -eq 0 ] && JARS=("$ROOT/target/caravan.jar")
STREAMS=${STREAMS:-400}; CONCURRENCY=${CONCURRENCY:-20}
OUT="$ROOT/bench/out/stream-cpu"; rm -rf "$OUT"; mkdir -p "$OUT"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
KEY=stream-cpu-key
NGINX_BIN="$(command -v nginx || true)"; [ -z "$NGINX_BIN" ] && [ -x /usr/sbin/nginx ] && NGINX_BIN=/usr/sbin/nginx
[ -n "$NGINX_BIN" ] || { echo "stream-cpu: nginx is missing (apt-get install nginx-light, or run bin/caravan bench once)" >&2; exit 1; }

SIM_SHORT=$(port); SIM_LONG=$(port)
SIM_JAR=$(realpath "${STREAM_CPU_SIM_JAR:-$ROOT/target/caravan-simulator.jar}")
sim() { "$JAVA" -Xmx1g -cp "${JARS[0]}" -Dloader.path="$SIM_JAR" -Dloader.main=dev.caravan.simulator.ProviderSimulator \
  org.springframework.boot.loader.launch.PropertiesLauncher --port "$1" --record false "${@:2}" >"$OUT/sim-$1.log" 2>&1 & PIDS+=($!); }
# 10 characters a chunk: about what a provider sends per token or two
sim "$SIM_SHORT" --first-chunk-delay-ms 0 --chunk-delay-ms 5 --chunks 10 --text "$(printf 'abcdefghi %.0s' $(seq 1 10))"
sim "$SIM_LONG" --first-chunk-delay-ms 0 --chunk-delay-ms 5 --chunks 110 --text "$(printf 'abcdefghi %.0s' $(seq 1 110))"

# nginx: one server in front of each simulator (the template's "fast" and "stream" upstreams)
NGINX_SHORT=$(port); NGINX_LONG=$(port)
mkdir -p "$OUT/nginx"
sed -e "s#@PREFIX@#$OUT/nginx#g" -e "s#@SIM_FAST_PORT@#$SIM_SHORT#g" -e "s#@SIM_STREAM_PORT@#$SIM_LONG#g" \
  -e "s#@NGINX_FAST_PORT@#$NGINX_SHORT#g" -e "s#@NGINX_STREAM_PORT@#$NGINX_LONG#g" \
  "$ROOT/bench/nginx.conf.template" >"$OUT/nginx/nginx.conf"
"$NGINX_BIN" -e "$OUT/nginx/error.log" -p "$OUT/nginx/" -c "$OUT/nginx/nginx.conf" -g 'daemon off;' \
  >"$OUT/nginx.log" 2>&1 &
NGINX_PID=$!; PIDS+=($NGINX_PID)

declare -A PORT PID
TARGETS=(nginx)
for i in "${!JARS[@]}"; do
  g=$([ "$i" = 0 ] && echo A || echo B); TARGETS+=("$g")
  PORT[$g]=$(port)
  flags=(); [ "${STREAM_CPU_JFR:-0}" = 1 ] && flags+=(-XX:FlightRecorderOptions:stackdepth=256)
  # a copy of the routes: an edit in the checkout must not be hot-reloaded into a measurement
  mkdir -p "$OUT/routes-$g"; cp -r "$ROOT/routes/." "$OUT/routes-$g/"
  (cd "$OUT" && env -u OPENAI_API_KEY -u MISTRAL_API_KEY -u ANTHROPIC_API_KEY -u GOOGLE_API_KEY \
    OPENAI_BASE_URL="http://127.0.0.1:$SIM_SHORT/v1" MISTRAL_BASE_URL="http://127.0.0.1:$SIM_LONG/v1" \
    ANTHROPIC_BASE_URL="http://127.0.0.1:$SIM_SHORT" GOOGLE_BASE_URL="http://127.0.0.1:$SIM_SHORT" \
    AI_GATEWAY_API_KEY=$KEY "$JAVA" -Xmx1g "${flags[@]}" -jar "${JARS[$i]}" --server.port="${PORT[$g]}" \
    --caravan.simulator.enabled=false --caravan.routes.directory="$OUT/routes-$g" \
    --spring.datasource.url="jdbc:h2:mem:streamcpu$g;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH" \
    >"$OUT/caravan-$g.log" 2>&1) &
  PID[$g]=$!; PIDS+=($!)
done
for g in "${TARGETS[@]:1}"; do
  await_gateway "$g" "${PORT[$g]}" "$KEY" "$OUT/caravan-$g.log"
  PID[$g]=$(pgrep -P "${PID[$g]}" java || echo "${PID[$g]}"); PIDS+=("${PID[$g]}")
done
pids() { if [ "$1" = nginx ]; then echo "$NGINX_PID" $(pgrep -P "$NGINX_PID" || true); else echo "${PID[$1]}"; fi; }
url() {   # url TARGET short|long
  if [ "$1" = nginx ]; then echo "http://127.0.0.1:$([ "$2" = short ] && echo $NGINX_SHORT || echo $NGINX_LONG)/v1/chat/completions"
  else echo "http://127.0.0.1:${PORT[$1]}/v1/chat/completions"; fi
}
model() { [ "$2" = short ] && echo openai/gpt-5 || echo mistral/mistral-large; }

mkdir -p "$OUT/classes"
"$JAVA_HOME/bin/javac" -d "$OUT/classes" "$ROOT/bench/StreamProbe.java" 2>/dev/null
probe() {   # probe TARGET short|long TOTAL WARMUP: the STREAMPROBE line
  "$JAVA" -XX:TieredStopAtLevel=1 -cp "$OUT/classes" StreamProbe --url "$(url "$1" "$2")" --key $KEY \
    --model "$(model "$1" "$2")" --concurrency "$CONCURRENCY" --total "$3" --warmup "$4" --ramp-ms 0 --timeout-s 120 \
    --label "$1-$2" | tee -a "$OUT/probe.txt" | grep STREAMPROBE
}
cpu_run() {   # cpu_run TARGET short|long: CPU ticks of TARGET over one measured run, after checking it had no errors
  local before after line
  before=$(ticks $(pids "$1"))
  line=$(probe "$1" "$2" "$STREAMS" 0)
  after=$(ticks $(pids "$1"))
  grep -q " errors=0 " <<<"$line " || { echo "stream-cpu: $1 $2 had failed streams: $line" >&2; exit 1; }
  echo $((after - before))
}

echo "targets: ${TARGETS[*]} (${JARS[*]}); $STREAMS streams of 10 and of 110 content events, $CONCURRENCY at a time"
echo "warming up"
for g in "${TARGETS[@]}"; do probe "$g" long 1000 100 >/dev/null; probe "$g" short 1000 0 >/dev/null; done
if [ "${STREAM_CPU_JFR:-0}" = 1 ]; then
  for g in "${TARGETS[@]:1}"; do "$JAVA_HOME/bin/jcmd" "${PID[$g]}" JFR.start name=sc settings=profile >/dev/null; done
fi
for r in $(seq 1 "$ROUNDS"); do
  for g in "${TARGETS[@]}"; do
    short=$(cpu_run "$g" short); long=$(cpu_run "$g" long)
    awk -v g="$g" -v r="$r" -v s="$short" -v l="$long" -v t="$CLK_TCK" -v n="$STREAMS" 'BEGIN {
      printf "round %d %s cpu_short_s=%.2f cpu_long_s=%.2f cpu_per_event_us=%.1f cpu_per_stream_us=%.0f\n",
        r, g, s / t, l / t, (l - s) * 1e6 / t / (n * 100), s * 1e6 / t / n }' | tee -a "$OUT/results.txt"
  done
done
if [ "${STREAM_CPU_JFR:-0}" = 1 ]; then
  for g in "${TARGETS[@]:1}"; do "$JAVA_HOME/bin/jcmd" "${PID[$g]}" JFR.stop name=sc filename="$OUT/$g.jfr" >/dev/null || true; done
fi
echo "medians:"
for g in "${TARGETS[@]}"; do
  grep " $g cpu" "$OUT/results.txt" | sed -n 's/.*cpu_per_event_us=\([0-9.]*\) cpu_per_stream_us=\([0-9]*\).*/\1 \2/p' \
    | sort -n | awk -v g="$g" '{ e[NR] = $1; s[NR] = $2 } END {
      n = asort(s); m = int((NR + 1) / 2); printf "  %s cpu_per_event_us=%.1f cpu_per_short_stream_us=%d (%d rounds)\n", g, e[m], s[m], NR }'
done
