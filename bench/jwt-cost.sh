#!/usr/bin/env bash
# What a request costs the gateway's CPU with each kind of credential, side by side in one run:
#
#   bench/jwt-cost.sh [ROUNDS] [RATE]
#
# One gateway (target/caravan.jar, this tree's routes/) in front of the zero-latency simulator, and a local identity
# provider (bench/BenchIdp.java: an RS256 key set on a local port, tokens signed with it) configured as a trusted
# issuer. Four sides, each driven by bench/OpenLoad.java (open loop, RATE requests/s, default 400, 10 s,
# 8 connections, non-streamed chat completions):
#   env    the environment's gateway key (AI_GATEWAY_API_KEY): a hash and a set lookup, the baseline
#   issued a key issued through the admin API (cached after its first use)
#   jwt    one identity-provider token reused by every request, as clients reuse theirs (verified once, then cached)
#   fresh  a token never seen before on every request: RSA verification, claims, project mapping each time
# ROUNDS (default 5) rounds, the sides' order rotated each round so all see the same background load. The CPU is the
# gateway process's user+system time (/proc/PID/stat) over each run divided by the requests it answered, so it is
# everything the gateway does per request (HTTP, routing, the simulator call, accounting), and the differences
# between the sides are what the credential costs. Prints one line per run and the medians; logs: bench/out/jwt/.
set -euo pipefail
ROUNDS=${1:-5}; RATE=${2:-400}
DURATION=10
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/bench/out/jwt"; rm -rf "$OUT"; mkdir -p "$OUT"
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
KEY=jwt-bench-key; ADMIN=jwt-bench-admin-key
JAR="$ROOT/target/caravan.jar"; SIM_JAR="$ROOT/target/caravan-simulator.jar"
CLK_TCK=$(getconf CLK_TCK)
PIDS=()
WORK=$(mktemp -d)
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

port() { local p; while :; do p=$((20000 + RANDOM % 12000)); (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }; done; }
ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
SIM=$(port); GW=$(port); IDP=$(port)

# the identity provider: its tokens, for the warm-up and each round, signed before anything is measured
(cd "$WORK" && unzip -q "$JAR" 'BOOT-INF/lib/*')
# a copy of the routes: an edit in the checkout while this runs must not be reloaded into the measured gateway
cp -r "$ROOT/routes" "$WORK/routes"
"$JAVA_HOME/bin/javac" -nowarn -cp "$WORK/BOOT-INF/lib/*" -d "$WORK/out" "$ROOT/bench/BenchIdp.java"
"$JAVA" -cp "$WORK/out:$WORK/BOOT-INF/lib/*" BenchIdp "$IDP" "$WORK" bench-project $((RATE * DURATION)) \
  $((ROUNDS + 1)) >"$OUT/idp.log" 2>&1 & PIDS+=($!)

"$JAVA" -Xmx512m -cp "$JAR" -Dloader.path="$SIM_JAR" -Dloader.main=dev.caravan.simulator.ProviderSimulator \
  org.springframework.boot.loader.launch.PropertiesLauncher --port "$SIM" --first-chunk-delay-ms 0 \
  --chunk-delay-ms 0 --chunks 4 >"$OUT/sim.log" 2>&1 & PIDS+=($!)
ISSUER=--caravan.auth.oidc.issuers[0]
(cd "$ROOT" && exec env -u OPENAI_API_KEY -u MISTRAL_API_KEY -u ANTHROPIC_API_KEY -u GOOGLE_API_KEY \
  OPENAI_BASE_URL="http://127.0.0.1:$SIM/v1" MISTRAL_BASE_URL="http://127.0.0.1:$SIM/v1" ANTHROPIC_BASE_URL="http://127.0.0.1:$SIM" \
  GOOGLE_BASE_URL="http://127.0.0.1:$SIM" AI_GATEWAY_API_KEY=$KEY CARAVAN_ADMIN_KEY=$ADMIN "$JAVA" -Xmx1g -jar "$JAR" \
  --server.port="$GW" --caravan.simulator.enabled=false --caravan.routes.directory="$WORK/routes" \
  --spring.datasource.url="jdbc:h2:mem:jwt;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH" \
  "$ISSUER.name=bench" "$ISSUER.issuer=https://bench-idp.invalid" "$ISSUER.jwks-uri=http://127.0.0.1:$IDP/jwks" \
  "$ISSUER.audiences[0]=caravan" "$ISSUER.project-claim=azp" \
  >"$OUT/caravan.log" 2>&1) & PIDS+=($!)
GW_PID=${PIDS[-1]}
for _ in $(seq 1 240); do
  curl -sf -o /dev/null -H "Authorization: Bearer $KEY" "http://127.0.0.1:$GW/v1/models" && break
  sleep 0.5
done
curl -sf -o /dev/null -H "Authorization: Bearer $KEY" "http://127.0.0.1:$GW/v1/models" \
  || { tail -20 "$OUT/caravan.log" >&2; echo "jwt-cost: the gateway did not start" >&2; exit 1; }
# the subshell exec'd into the gateway's JVM: its CPU is what counts
GW_JAVA=$GW_PID

admin() { curl -sf -H "Authorization: Bearer $ADMIN" -H "Content-Type: application/json" -d "$2" "http://127.0.0.1:$GW$1"; }
PROJECT=$(admin /v1/admin/projects '{"name":"bench-project"}' | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
ISSUED=$(admin /v1/admin/keys "{\"name\":\"bench\",\"projectId\":\"$PROJECT\"}" | sed -n 's/.*"secret":"\([^"]*\)".*/\1/p')
[ -n "$ISSUED" ] || { echo "jwt-cost: could not issue a key" >&2; exit 1; }
for _ in $(seq 1 600); do grep -q READY "$OUT/idp.log" && break; sleep 0.5; done
grep -q READY "$OUT/idp.log" || { cat "$OUT/idp.log" >&2; echo "jwt-cost: the identity provider did not start" >&2; exit 1; }

credential() {   # credential SIDE ROUND: the OpenLoad options naming what SIDE sends in ROUND
  case "$1" in
    env) echo "--key $KEY" ;;
    issued) echo "--key $ISSUED" ;;
    jwt) echo "--keys-file $WORK/token-reused.txt" ;;
    fresh) echo "--keys-file $WORK/tokens-fresh-$2.txt" ;;
  esac
}
load() {   # load SIDE ROUND [SECONDS]: prints the OPENLOAD line and the gateway's CPU µs per answered request
  local before after line ok
  before=$(ticks "$GW_JAVA")
  # shellcheck disable=SC2046
  line=$("$JAVA" "$ROOT/bench/OpenLoad.java" --url "http://127.0.0.1:$GW/v1/chat/completions" \
    $(credential "$1" "$2") --model openai/gpt-5-mini --rate "$RATE" --duration-s "${3:-$DURATION}" --warmup-s 0 \
    --connections 8 2>>"$OUT/openload.err")
  after=$(ticks "$GW_JAVA")
  ok=$(sed -n 's/.* ok=\([0-9]*\).*/\1/p' <<<"$line")
  echo "$line cpu_us_per_request=$(awk -v t=$((after - before)) -v n="$ok" -v hz="$CLK_TCK" \
    'BEGIN { printf "%.0f", n ? t * 1e6 / hz / n : -1 }')"
}
# warm every path (JIT, pools, the key set fetched once) with the tokens of round 0, twice: one pass leaves the
# first measured round visibly slower
for _ in 1 2; do for side in env issued jwt fresh; do load "$side" 0 >/dev/null; done; done

SIDES=(env issued jwt fresh)
declare -A CPU
for r in $(seq 1 "$ROUNDS"); do
  for k in 0 1 2 3; do
    side=${SIDES[$(((k + r) % 4))]}
    line=$(load "$side" "$r")
    echo "round $r $side: $line"
    errors=$(sed -n 's/.* errors=\([0-9]*\).*/\1/p' <<<"$line")
    [ "$errors" = 0 ] || { echo "jwt-cost: $side had errors; see $OUT" >&2; exit 1; }
    CPU[$side]+="$(sed -n 's/.*cpu_us_per_request=\([0-9-]*\).*/\1/p' <<<"$line") "
  done
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
base=$(median ${CPU[env]})
for side in "${SIDES[@]}"; do
  m=$(median ${CPU[$side]})
  echo "median cpu_us_per_request $side=$m (vs env: $(awk -v a="$m" -v b="$base" 'BEGIN { printf "%+.0f", a - b }'))"
done
