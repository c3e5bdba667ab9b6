# What the side-by-side bench scripts share (bench/ab.sh, bench/stream-cpu.sh): the JDK, stopping every process
# they started on any exit, free ports, CPU ticks, and waiting for a gateway. Sourced, never run.
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
CLK_TCK=$(getconf CLK_TCK)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM
ulimit -n 65536 2>/dev/null || true

# a free port on loopback
port() { local p; while :; do p=$((20000 + RANDOM % 12000)); (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }; done; }
# user+system CPU ticks of the given processes, summed
ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$p/stat"))); done; echo $t; }
# await_gateway NAME PORT KEY LOG: waits up to 2 minutes for /v1/models, else shows the log's tail and exits
await_gateway() {
  for _ in $(seq 1 240); do
    curl -sf -o /dev/null -H "Authorization: Bearer $3" "http://127.0.0.1:$2/v1/models" && return
    sleep 0.5
  done
  tail -20 "$4" >&2; echo "bench: gateway $1 did not start" >&2; exit 1
}
