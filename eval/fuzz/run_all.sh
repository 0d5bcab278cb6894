#!/usr/bin/env bash
# Runs every fuzz target in turn until 1M executions or MAX_SECONDS (default 1800) each,
# cheapest first; prints one summary line per target (also appended to eval/work/fuzz/summary.txt).
#   eval/fuzz/run_all.sh [MAX_SECONDS] [RUNS] [TARGET...]
set -uo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-1800}
runs=${2:-1000000}
shift 2 2>/dev/null || shift $#
targets=${*:-"gzip model run qrels lines model-fixcrc vectors collection topics index"}
mkdir -p eval/work/fuzz
for t in $targets; do
    start=$(date +%s)
    eval/fuzz/run.sh "$t" "$seconds" "$runs" 2>/dev/null
    rc=$?
    log=eval/work/fuzz/$t.log
    execs=$(grep -o "stat::number_of_executed_units: *[0-9]*" "$log" | grep -o "[0-9]*$")
    rate=$(grep -o "stat::average_exec_per_sec: *[0-9]*" "$log" | grep -o "[0-9]*$")
    rss=$(grep -o "stat::peak_rss_mb: *[0-9]*" "$log" | grep -o "[0-9]*$")
    line="$(date -u +%FT%TZ) $t execs=${execs:-?} exec/s=${rate:-?} seconds=$(( $(date +%s) - start )) peak_rss_mb=${rss:-?} corpus=$(ls eval/work/fuzz/corpus/$t | wc -l) result=$([ $rc -eq 0 ] && echo clean || echo "FINDING(exit $rc)")"
    echo "$line" | tee -a eval/work/fuzz/summary.txt
done
