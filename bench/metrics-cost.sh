#!/usr/bin/env bash
# The CPU Caravan's per-request metrics cost, measured in isolation (bench/MetricsCost.java) on the classes and
# libraries of a built jar:
#
#   bench/metrics-cost.sh [JAR] [THREADS] [CALLS]      # default target/caravan.jar, 1 thread, 2,000,000 calls
#
# CPU time is the calling threads' own (ThreadMXBean), so a busy machine slows the run but moves the figure less
# than it moves wall-clock or whole-process figures; compare with bench/ab.sh's CPU per request for the whole path.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR=$(realpath "${1:-$ROOT/target/caravan.jar}"); THREADS=${2:-1}; CALLS=${3:-2000000}
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && unzip -q "$JAR" 'BOOT-INF/*')
"$JAVA_HOME/bin/javac" -nowarn -cp "$WORK/BOOT-INF/classes:$WORK/BOOT-INF/lib/*" -d "$WORK/out" "$ROOT/bench/MetricsCost.java"
"$JAVA_HOME/bin/java" -Xmx512m -cp "$WORK/out:$WORK/BOOT-INF/classes:$WORK/BOOT-INF/lib/*" MetricsCost "$THREADS" "$CALLS"
