#!/usr/bin/env bash
# Caravan's startup: wall time from launching the JVM to the first answered chat completion (the provider
# simulator upstream, embedded stores), for three ways of running the same build, side by side in one run:
#
#   jar        java -cp caravan.jar -Dloader.path=caravan-simulator.jar PropertiesLauncher   (Spring Boot's nested jar)
#   extracted  java -cp extracted/caravan.jar:caravan-simulator.jar dev.caravan.CaravanApplication
#              (java -Djarmode=tools -jar caravan.jar extract: plain jars, no nested-jar class loading)
#   aot        extracted, plus a JDK 25 AOT cache (-XX:AOTCache, JEP 483/514) trained by one run that served requests
#
#   bench/startup.sh [RUNS]        # default 3 runs of each, interleaved; needs target/caravan.jar (mvn package)
#
# Each run starts in an empty working directory of its own (a fresh embedded database, so Flyway's migrations are
# part of the figure, as on a first start), on a free port. The readiness poll sends a request every 20 ms: that is
# the measurement's resolution. Prints a Markdown table; bin/caravan run uses the aot way (see README).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS=${1:-3}
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
JAR="$ROOT/target/caravan.jar"
SIM="$ROOT/target/caravan-simulator.jar"
KEY=startup-bench-key
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

[ -f "$JAR" ] && [ -f "$SIM" ] || { echo "startup.sh: build first (mvn -DskipTests package)" >&2; exit 2; }
"$JAVA" -Djarmode=tools -jar "$JAR" extract --destination "$WORK/extracted" >/dev/null
CP="$WORK/extracted/caravan.jar:$SIM"
AOT="$WORK/caravan.aot"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

chat() { # port, stream
  curl -s -o /dev/null -w '%{http_code}' --max-time 10 "http://127.0.0.1:$1/v1/chat/completions" \
    -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
    -d "{\"model\":\"openai/gpt-5-mini\",\"stream\":$2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}" \
    2>/dev/null || true
}

# launch WAY PORT DIR: starts the gateway the WAY says, in DIR, on PORT; echoes its pid
launch() {
  local way=$1 port=$2 dir=$3
  local -a cmd
  case "$way" in
    jar) cmd=("$JAVA" -cp "$JAR" -Dloader.path="$SIM" org.springframework.boot.loader.launch.PropertiesLauncher) ;;
    extracted) cmd=("$JAVA" -cp "$CP" dev.caravan.CaravanApplication) ;;
    aot) cmd=("$JAVA" -XX:AOTCache="$AOT" -cp "$CP" dev.caravan.CaravanApplication) ;;
    train) cmd=("$JAVA" -XX:AOTCacheOutput="$AOT" -cp "$CP" dev.caravan.CaravanApplication) ;;
  esac
  (cd "$dir" && AI_GATEWAY_API_KEY=$KEY exec "${cmd[@]}" --server.port="$port" >"$dir/log" 2>&1) &
  echo $!
}

# wait_ready PORT PID: polls until a chat completion is answered 200; fails if the process dies or 120 s pass
wait_ready() {
  local deadline=$(( $(date +%s) + 120 ))
  until [ "$(chat "$1" false)" = 200 ]; do
    kill -0 "$2" 2>/dev/null || return 1
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.02
  done
}

stop() { # pid: SIGTERM (graceful: an AOT training run writes its cache at exit), then waits until it is gone
  # (launch ran it from a command substitution, so it is not this shell's child to `wait` for)
  kill -TERM "$1" 2>/dev/null || true
  local deadline=$(( $(date +%s) + 180 ))
  while kill -0 "$1" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.1; done
}

echo "training the AOT cache (one run serving requests, then a graceful stop)..." >&2
dir="$WORK/train"; mkdir -p "$dir"; port=$(free_port)
train_start=$(date +%s%N)
pid=$(launch train "$port" "$dir"); PIDS+=("$pid")
wait_ready "$port" "$pid" || { echo "startup.sh: the training run did not start; its log:" >&2; tail -20 "$dir/log" >&2; exit 1; }
for _ in $(seq 20); do chat "$port" false >/dev/null; chat "$port" true >/dev/null; done
curl -s -o /dev/null "http://127.0.0.1:$port/v1/models" -H "Authorization: Bearer $KEY" || true
curl -s -o /dev/null "http://127.0.0.1:$port/v1/messages" -H "x-api-key: $KEY" -H 'anthropic-version: 2023-06-01' \
  -H 'Content-Type: application/json' \
  -d '{"model":"anthropic/claude-haiku-4.5","max_tokens":50,"messages":[{"role":"user","content":"hi"}]}' || true
stop "$pid"
train_ms=$(( ($(date +%s%N) - train_start) / 1000000 ))
[ -f "$AOT" ] || { echo "startup.sh: no AOT cache was written; the training log:" >&2; tail -20 "$dir/log" >&2; exit 1; }
aot_mb=$(( $(stat -c %s "$AOT") / 1048576 ))

declare -A TIMES STARTED
for run in $(seq "$RUNS"); do
  for way in jar extracted aot; do
    dir="$WORK/$way-$run"; mkdir -p "$dir"; port=$(free_port)
    start=$(date +%s%N)
    pid=$(launch "$way" "$port" "$dir"); PIDS+=("$pid")
    if ! wait_ready "$port" "$pid"; then
      echo "startup.sh: $way run $run did not serve; its log:" >&2; tail -20 "$dir/log" >&2; exit 1
    fi
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    started=$(grep -o 'Started CaravanApplication in [0-9.]* seconds' "$dir/log" | grep -o '[0-9.]*' | head -1 || true)
    stop "$pid"
    TIMES[$way]="${TIMES[$way]:-} $ms"
    STARTED[$way]="${STARTED[$way]:-} ${started:-?}"
    echo "  run $run $way: first chat served after $ms ms (Spring: started in ${started:-?} s)" >&2
  done
done

stats() { # numbers -> "median | min | max"
  tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ a[NR] = $1 } END {
    m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%d | %d | %d", m, a[1], a[NR] }'
}

echo
echo "bench/startup.sh $RUNS — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "JDK: $("$JAVA" -version 2>&1 | head -1); AOT cache: $aot_mb MB, trained in $train_ms ms (start, 40 requests, stop)"
echo
echo "| way | first chat served, median ms | min | max | Spring's 'Started … in' (s), each run |"
echo "|---|---|---|---|---|"
for way in jar extracted aot; do
  echo "| $way | $(echo "${TIMES[$way]}" | stats) |${STARTED[$way]} |"
done
