#!/usr/bin/env bash
# Caravan's soak: one gateway (the deployment's heap, Native Memory Tracking on) in front of two provider simulators,
# under a mixed streamed / non-streamed load for a long time; samples resident memory, heap and native memory every
# minute and writes bench/SOAK.md. See bench/README.md ("Soak").
#
#   bench/soak.sh                    30 minutes, 50 clients, about 150 requests/s, half of them streamed
#   options: --minutes N, --workers N, --rate R, --stream-share S, --no-build, --out FILE (default bench/SOAK.md),
#            --b-flags "JVM FLAGS": a second gateway B with these flags beside A, each under its own copy of the load
#
# Exit status: 0 when the gateway served no errors and every answered request is in the usage records; 3 otherwise
# (the report is still written); anything else: the harness failed.
set -euo pipefail

MINUTES=30 WORKERS=50 RATE=150 STREAM_SHARE=0.5 BUILD=yes B_FLAGS=
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPORT="$ROOT/bench/SOAK.md"
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) MINUTES=$2; shift ;;
    --workers) WORKERS=$2; shift ;;
    --rate) RATE=$2; shift ;;
    --stream-share) STREAM_SHARE=$2; shift ;;
    --b-flags) B_FLAGS=$2; shift ;;
    --no-build) BUILD=no ;;
    --out) REPORT=$2; shift ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "soak: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
COMMAND="bench/soak.sh --minutes $MINUTES --workers $WORKERS --rate $RATE --stream-share $STREAM_SHARE${B_FLAGS:+ --b-flags \"$B_FLAGS\"}"

cd "$ROOT"
# what is measured is what is built now: later commits or edits in the tree do not change the report's commit
COMMIT="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src routes pom.xml || echo ' (with uncommitted changes)')"
for jdk in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do
  if [ -n "$jdk" ] && [ -x "$jdk/bin/jcmd" ] && "$jdk/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
    JAVA_HOME=$jdk; break
  fi
done
JAVA="$JAVA_HOME/bin/java" JCMD="$JAVA_HOME/bin/jcmd"
[ -x "$JCMD" ] || { echo "soak: needs a JDK 21+ with jcmd (set JAVA_HOME)" >&2; exit 1; }
command -v curl >/dev/null || { echo "soak: needs curl" >&2; exit 1; }

OUT="$ROOT/bench/out/soak"
mkdir -p "$OUT"
TMP=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT INT TERM
log() { echo "[soak $(date -u +%H:%M:%S)] $*"; }

if [ "$BUILD" = yes ]; then
  log "building Caravan"
  JAVA_HOME=$JAVA_HOME mvn -q -B -DskipTests package >"$OUT/build.log" 2>&1 \
    || { tail -30 "$OUT/build.log" >&2; echo "soak: build failed" >&2; exit 1; }
fi
cp target/caravan.jar "$TMP/gateway.jar"
cp target/caravan-simulator.jar "$TMP/simulator.jar"
"$JAVA_HOME/bin/javac" -d "$TMP/classes" bench/SoakLoad.java

free_port() {
  local p
  while :; do
    p=$(( 20000 + RANDOM % 12000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}
wait_http() {   # wait_http URL PID: until URL answers 200 (300 s at most: start-up on a busy machine), or the process dies
  local deadline=$(( $(date +%s) + 300 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    kill -0 "$2" 2>/dev/null || return 1
    [ "$(curl -s -o /dev/null -m 5 -w '%{http_code}' -H "Authorization: Bearer $KEY" "$1" || true)" = 200 ] && return 0
    sleep 0.5
  done
  return 1
}

SIM_FAST=$(free_port) SIM_STREAM=$(free_port)
KEY="soak-$RANDOM$RANDOM"
SIM=(-cp "$TMP/gateway.jar" -Dloader.path="$TMP/simulator.jar" -Dloader.main=dev.caravan.simulator.ProviderSimulator
  org.springframework.boot.loader.launch.PropertiesLauncher)
"$JAVA" -Xmx1g "${SIM[@]}" --port "$SIM_FAST" --first-chunk-delay-ms 0 --chunk-delay-ms 0 --chunks 4 \
  >"$OUT/sim-fast.log" 2>&1 &
PIDS+=($!); SIM_FAST_PID=$!
"$JAVA" -Xmx1g "${SIM[@]}" --port "$SIM_STREAM" --first-chunk-delay-ms 50 --chunk-delay-ms 10 --chunks 20 \
  >"$OUT/sim-stream.log" 2>&1 &
PIDS+=($!)
# the deployment's heap (camel-k/deployment.yaml: 70 % of a 1 GiB container), default GC, NMT's summary level;
# gateway B (with --b-flags) is the same plus those JVM flags, under its own copy of the same load
HEAP=-Xmx717m
NAMES=(A); [ -n "$B_FLAGS" ] && NAMES+=(B)
declare -A GW PORT FLAGS=([A]="" [B]="$B_FLAGS") LOAD ANSWERED ERRORS RECORDED RESULT
for n in "${NAMES[@]}"; do
  PORT[$n]=$(free_port)
  # shellcheck disable=SC2086
  env -u OPENAI_API_KEY -u ANTHROPIC_API_KEY -u GOOGLE_API_KEY -u GEMINI_API_KEY -u MISTRAL_API_KEY \
    OPENAI_BASE_URL="http://127.0.0.1:$SIM_FAST/v1" MISTRAL_BASE_URL="http://127.0.0.1:$SIM_STREAM/v1" \
    ANTHROPIC_BASE_URL="http://127.0.0.1:$SIM_FAST" GOOGLE_BASE_URL="http://127.0.0.1:$SIM_FAST" \
    AI_GATEWAY_API_KEY="$KEY" \
    "$JAVA" $HEAP -XX:NativeMemoryTracking=summary ${FLAGS[$n]} -jar "$TMP/gateway.jar" --server.port="${PORT[$n]}" \
    --spring.datasource.url="jdbc:h2:file:$TMP/caravan-$n;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH" \
    --caravan.usage.spool.directory="$TMP/usage-spool-$n" --caravan.usage.journal.directory="$TMP/usage-journal-$n" \
    --caravan.routes.directory="$TMP/no-routes" `# the routes packaged in the jar, so edits in the tree during the run change nothing` \
    >"$OUT/caravan-$n.log" 2>&1 &
  PIDS+=($!); GW[$n]=$!
  log "gateway $n :${PORT[$n]} (pid $!)${FLAGS[$n]:+ with ${FLAGS[$n]}}"
done
log "simulators :$SIM_FAST (fast) :$SIM_STREAM (streaming)"
for n in "${NAMES[@]}"; do
  wait_http "http://127.0.0.1:${PORT[$n]}/v1/models" "${GW[$n]}" || { tail -30 "$OUT/caravan-$n.log" >&2; exit 1; }
done
for p in "$SIM_FAST" "$SIM_STREAM"; do
  [ "$(curl -s -o /dev/null -m 60 --retry 60 --retry-connrefused --retry-delay 1 -w "%{http_code}" "http://127.0.0.1:$p/health")" = 200 ] \
    || { echo "soak: a simulator did not start" >&2; exit 1; }
done

# one sample of a gateway: minute, phase, RSS, heap committed/used, NMT committed (total and its malloc part),
# threads, and the fast simulator's RSS (a JVM under the same request rate, for reference)
rss_mb() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
threads() { awk '/^Threads:/ { print $2 }' "/proc/$1/status"; }
nmt_mb() {   # nmt_mb FILE CATEGORY: committed MB of one category ("Total" for the total) in a summary
  awk -v c="$2" '
    c == "Total" && /^Total:/ { match($0, /committed=[0-9]+KB/); print int(substr($0, RSTART + 10, RLENGTH - 12) / 1024); exit }
    c != "Total" && $0 ~ ("^-[ ]+" c " [(]") { match($0, /committed=[0-9]+KB/); print int(substr($0, RSTART + 10, RLENGTH - 12) / 1024); exit }
  ' "$1"
}
malloc_mb() {   # malloc_mb FILE: what the JVM holds from malloc now (NMT's total malloc line), in MB
  awk '/^ *malloc: [0-9]+KB/ { sub(/KB.*/, "", $2); print int($2 / 1024); exit }' "$1"
}
CATEGORIES=("Java Heap" "Class" "Thread" "Code" "GC" "Compiler" "Internal" "Other" "Symbol" "Native Memory Tracking" "Arena Chunk" "Metaspace")
for n in "${NAMES[@]}"; do
  printf 'minute\tphase\trss_mb\theap_committed_mb\theap_used_mb\tnmt_committed_mb\tnmt_malloc_mb\tthreads\tsimulator_rss_mb\n' \
    >"$OUT/samples-$n.tsv"
done
T0=$(date +%s)
sample() {   # sample PHASE: every gateway
  local phase=$1 minute heap n pid nmt
  minute=$(awk -v s=$(( $(date +%s) - T0 )) 'BEGIN { printf "%.1f", s / 60 }')
  for n in "${NAMES[@]}"; do
    pid=${GW[$n]} nmt="$OUT/nmt-$n-$phase.txt"
    heap=$("$JCMD" "$pid" GC.heap_info 2>/dev/null | awk '/heap/ && /committed/ {
        match($0, /committed [0-9]+K/); c = substr($0, RSTART + 10, RLENGTH - 11)
        match($0, /used [0-9]+K/); u = substr($0, RSTART + 5, RLENGTH - 6)
        printf "%d\t%d", c / 1024, u / 1024; exit }')
    "$JCMD" "$pid" VM.native_memory summary >"$nmt" 2>/dev/null || true
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$minute" "$phase" "$(rss_mb "$pid")" "${heap:-n/a	n/a}" \
      "$(nmt_mb "$nmt" Total)" "$(malloc_mb "$nmt")" "$(threads "$pid")" "$(rss_mb "$SIM_FAST_PID")" >>"$OUT/samples-$n.tsv"
  done
}
nmt_baseline() { local n; for n in "${NAMES[@]}"; do "$JCMD" "${GW[$n]}" VM.native_memory baseline >/dev/null || true; done; }

sample start
nmt_baseline
log "load: $WORKERS clients, ~$RATE requests/s, $STREAM_SHARE streamed, $MINUTES minutes, for each of ${NAMES[*]}"
for n in "${NAMES[@]}"; do
  "$JAVA" -cp "$TMP/classes" SoakLoad --url "http://127.0.0.1:${PORT[$n]}/v1/chat/completions" --key "$KEY" \
    --workers "$WORKERS" --rate "$RATE" --duration-s $((MINUTES * 60)) --stream-share "$STREAM_SHARE" \
    --model openai/gpt-5 --stream-model mistral/mistral-large >"$OUT/load-$n.log" 2>"$OUT/load-errors-$n.log" &
  PIDS+=($!); LOAD[$n]=$!
done
STEADY_AT=$(( MINUTES >= 10 ? 5 : 1 ))
for minute in $(seq 1 "$MINUTES"); do
  while [ $(( $(date +%s) - T0 )) -lt $((minute * 60)) ]; do
    for n in "${NAMES[@]}"; do
      kill -0 "${GW[$n]}" 2>/dev/null || { echo "soak: gateway $n died" >&2; tail -30 "$OUT/caravan-$n.log" >&2; exit 1; }
    done
    sleep 1
  done
  if [ "$minute" = "$STEADY_AT" ]; then
    sample steady
    nmt_baseline
  elif [ "$minute" = "$MINUTES" ]; then
    sample end
  else
    sample load
  fi
done
# every answered request must be in the usage records (written behind the response, in batches)
recorded() {   # recorded PORT: requests in the usage records since the run began (0 when the report fails)
  { curl -s -m 60 -H "Authorization: Bearer $KEY" \
      "http://127.0.0.1:$1/v1/report?start_date=$(date -u -d @"$T0" +%F)&end_date=$(date -u +%F)&group_by=model" \
      || true; } | { grep -o '"request_count":[0-9]*' || true; } | awk -F: '{ s += $2 } END { print s + 0 }'
}
for n in "${NAMES[@]}"; do
  wait "${LOAD[$n]}" || true
  "$JCMD" "${GW[$n]}" VM.native_memory summary.diff >"$OUT/nmt-$n-diff-steady-to-end.txt" 2>/dev/null || true
  RESULT[$n]=$(grep '^SOAKLOAD ' "$OUT/load-$n.log" | tail -1)
  ANSWERED[$n]=$(sed -n 's/.* answered=\([0-9]*\).*/\1/p' <<<"${RESULT[$n]}")
  ERRORS[$n]=$(sed -n 's/.* errors=\([0-9]*\).*/\1/p' <<<"${RESULT[$n]}")
  log "$n: ${RESULT[$n]}"
  RECORDED[$n]=0
  for _ in $(seq 1 60); do
    RECORDED[$n]=$(recorded "${PORT[$n]}")
    [ "${RECORDED[$n]}" -ge "${ANSWERED[$n]:-0}" ] && break
    sleep 1
  done
done

# after the load: idle for a minute, then a full GC, then glibc's free lists handed back (System.trim_native_heap):
# what stays is what the process holds, what goes was garbage or freed malloc memory kept by the allocator
IDLE_UNTIL=$(( $(date +%s) + 60 ))
while [ "$(date +%s)" -lt "$IDLE_UNTIL" ]; do sleep 1; done
sample idle
for n in "${NAMES[@]}"; do "$JCMD" "${GW[$n]}" GC.run >/dev/null || true; done
sample after-gc
for n in "${NAMES[@]}"; do "$JCMD" "${GW[$n]}" System.trim_native_heap >"$OUT/trim-$n.txt" 2>&1 || true; done
sample after-trim

# ---------------------------------------------------------------------------------------------------------------
# report
col() { awk -F'\t' -v p="$2" -v c="$3" '$2 == p { v = $c } END { print v }' "$OUT/samples-$1.tsv"; }   # col NAME PHASE COLUMN
STATUS=0
{
  echo "# Caravan soak"
  echo
  echo "Produced by \`$COMMAND\` on $(date -u +%F) at commit $COMMIT,"
  echo "$(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end (other work on the machine shares the CPUs)."
  echo
  echo "Gateway A: \`java $HEAP -XX:NativeMemoryTracking=summary -jar target/caravan.jar\`, default GC, embedded H2 usage"
  echo "store, usage journal on.$([ -n "$B_FLAGS" ] && echo " Gateway B, side by side in the same run: the same plus \`$B_FLAGS\`.")"
  echo "Both sit in front of the same two provider simulators: non-streamed requests to \`openai/gpt-5\` (zero latency),"
  echo "streamed ones to \`mistral/mistral-large\` (first chunk after 50 ms, then 20 chunks 10 ms apart)."
  echo "\`bench/SoakLoad.java\` per gateway: $WORKERS clients, about $RATE requests/s together, a share of $STREAM_SHARE streamed."
  echo
  echo "## Requests"
  echo
  echo "| gateway | answered | errors | in the usage records | lost |"
  echo "|---|---:|---:|---:|---:|"
  for n in "${NAMES[@]}"; do
    a=${ANSWERED[$n]:-0} r=${RECORDED[$n]:-0}
    echo "| $n | $a | ${ERRORS[$n]:-?} | $r | $(( a > r ? a - r : 0 )) |"
  done
  echo
  echo "## Memory over time (MB)"
  echo
  echo "RSS is the gateway's \`VmRSS\`; heap as \`jcmd GC.heap_info\` reports it; NMT is the total committed memory Native"
  echo "Memory Tracking accounts for (heap included), and of it what the JVM holds from malloc; glibc's own free lists"
  echo "and arenas are not in NMT. The last column is the zero-latency simulator's RSS (a JVM serving the same requests)."
  for n in "${NAMES[@]}"; do
    echo
    echo "Gateway $n$([ "$n" = B ] && echo " (\`$B_FLAGS\`)"):"
    echo
    echo "| minute | phase | RSS | heap committed | heap used | NMT committed | of it malloc | threads | simulator RSS |"
    echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|"
    awk -F'\t' 'NR > 1 && ($2 != "load" || int($1) % 5 == 0) {
        printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }' "$OUT/samples-$n.tsv"
  done
  echo
  echo "## Native memory by category (committed MB, NMT summary)"
  for n in "${NAMES[@]}"; do
    echo
    echo "Gateway $n; NMT's malloc peak over the run: $(awk '/^ *malloc: / { sub(/.*peak=/, ""); sub(/KB.*/, ""); print int($0 / 1024) " MB"; exit }' "$OUT/nmt-$n-end.txt")."
    echo
    echo "| category | start | steady | end | after GC |"
    echo "|---|---:|---:|---:|---:|"
    for c in "Total" "${CATEGORIES[@]}"; do
      echo "| $c | $(nmt_mb "$OUT/nmt-$n-start.txt" "$c") | $(nmt_mb "$OUT/nmt-$n-steady.txt" "$c") | $(nmt_mb "$OUT/nmt-$n-end.txt" "$c") | $(nmt_mb "$OUT/nmt-$n-after-gc.txt" "$c") |"
    done
  done
  echo
  for n in "${NAMES[@]}"; do
    echo "RSS of $n: start $(col $n start 3), steady $(col $n steady 3), end $(col $n end 3), idle $(col $n idle 3),"
    echo "after a full GC $(col $n after-gc 3), after \`System.trim_native_heap\` $(col $n after-trim 3)."
  done
  echo
  echo "Every sample is in \`bench/out/soak/samples-*.tsv\`; NMT summaries and the steady-to-end diffs in \`bench/out/soak/\`."
} >"$REPORT"
log "report: $REPORT"
for n in "${NAMES[@]}"; do
  [ "${ERRORS[$n]:-1}" = 0 ] && [ "${RECORDED[$n]:-0}" -ge "${ANSWERED[$n]:-1}" ] || STATUS=3
done
exit "$STATUS"
