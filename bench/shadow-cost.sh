#!/usr/bin/env bash
# What shadow traffic (routes/chains/shadow.yaml) adds to the primary's latency, side by side in one run:
#
#   bench/shadow-cost.sh [ROUNDS] [RATE]
#
# One gateway (target/caravan.jar, this tree's routes/) in front of the zero-latency simulator, measured in turn with
# bench/OpenLoad.java (open loop, RATE requests/s, default 100, 10 s, 8 connections, non-streamed) on the plain
# primary model (openai/gpt-5-mini) and on chain/shadow-eval, which serves the same model and mirrors every request
# to anthropic/claude-haiku-4.5 on the same simulator. ROUNDS (default 4) rounds, plain first in odd rounds and
# chain first in even ones, so both see the same background load. The chain's figure includes all it costs the
# gateway: its extra chain hop, the copy, and the shadow requests' own work on the same two cores. Prints one line
# per measurement, the medians of p50 and the shadow records the gateway wrote. Logs: bench/out/shadow/.
set -euo pipefail
ROUNDS=${1:-4}; RATE=${2:-100}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/bench/out/shadow"; mkdir -p "$OUT"
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
KEY=shadow-bench-key
JAR="$ROOT/target/caravan.jar"; SIM_JAR="$ROOT/target/caravan-simulator.jar"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM

port() { local p; while :; do p=$((20000 + RANDOM % 12000)); (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }; done; }
SIM=$(port); GW=$(port)
"$JAVA" -Xmx512m -cp "$JAR" -Dloader.path="$SIM_JAR" -Dloader.main=dev.caravan.simulator.ProviderSimulator \
  org.springframework.boot.loader.launch.PropertiesLauncher --port "$SIM" --first-chunk-delay-ms 0 \
  --chunk-delay-ms 0 --chunks 4 >"$OUT/sim.log" 2>&1 & PIDS+=($!)
(cd "$ROOT" && exec env -u OPENAI_API_KEY -u MISTRAL_API_KEY -u ANTHROPIC_API_KEY -u GOOGLE_API_KEY \
  OPENAI_BASE_URL="http://127.0.0.1:$SIM/v1" MISTRAL_BASE_URL="http://127.0.0.1:$SIM/v1" ANTHROPIC_BASE_URL="http://127.0.0.1:$SIM" \
  GOOGLE_BASE_URL="http://127.0.0.1:$SIM" AI_GATEWAY_API_KEY=$KEY "$JAVA" -Xmx1g -jar "$JAR" \
  --server.port="$GW" --caravan.simulator.enabled=false --caravan.routes.directory="$ROOT/routes" \
  --spring.datasource.url="jdbc:h2:mem:shadow;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH" \
  >"$OUT/caravan.log" 2>&1) & PIDS+=($!)
for _ in $(seq 1 240); do
  curl -sf -o /dev/null -H "Authorization: Bearer $KEY" "http://127.0.0.1:$GW/v1/models" && break
  sleep 0.5
done
curl -sf -o /dev/null -H "Authorization: Bearer $KEY" "http://127.0.0.1:$GW/v1/models" \
  || { tail -20 "$OUT/caravan.log" >&2; echo "shadow-cost: the gateway did not start" >&2; exit 1; }

load() {   # load MODEL SECONDS: prints the OPENLOAD line
  "$JAVA" "$ROOT/bench/OpenLoad.java" --url "http://127.0.0.1:$GW/v1/chat/completions" --key "$KEY" \
    --model "$1" --rate "$RATE" --duration-s "$2" --warmup-s 2 --connections 8 2>>"$OUT/openload.err"
}
# warm both paths (JIT, connection pools) before anything is measured
load openai/gpt-5-mini 10 >/dev/null; load chain/shadow-eval 10 >/dev/null

declare -a PLAIN CHAIN
for r in $(seq 1 "$ROUNDS"); do
  order=(plain chain); [ $((r % 2)) = 0 ] && order=(chain plain)
  for side in "${order[@]}"; do
    model=openai/gpt-5-mini; [ "$side" = chain ] && model=chain/shadow-eval
    line=$(load "$model" 10)
    echo "round $r $side: $line"
    p50=$(sed -n 's/.*p50_us=\([0-9]*\).*/\1/p' <<<"$line")
    if [ "$side" = plain ]; then PLAIN+=("$p50"); else CHAIN+=("$p50"); fi
  done
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
mp=$(median "${PLAIN[@]}"); mc=$(median "${CHAIN[@]}")
echo "median p50_us: plain=$mp chain=$mc added=$(awk -v a="$mc" -v b="$mp" 'BEGIN { print a - b }')"
sleep 2   # the last shadow copies and the usage writer's batch
curl -s -H "Authorization: Bearer $KEY" \
  "http://127.0.0.1:$GW/v1/report?start_date=$(date -u +%F)&end_date=$(date -u +%F)&group_by=traffic"; echo
grep -c 'shadow pool full' "$OUT/caravan.log" || true
