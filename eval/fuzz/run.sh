#!/usr/bin/env bash
# Runs one libFuzzer target of desm for a bounded time (and/or number of executions).
#   eval/fuzz/run.sh TARGET SECONDS [MAX_RUNS]
#   eval/fuzz/run.sh list
# Targets: gzip lines topics qrels run collection vectors model model-fixcrc index.
# Builds .build-fuzz/debug/desm-fuzz (Swift -sanitize=fuzzer,address, -DFUZZING; debug so
# that overflow and bounds checks stay on) if needed, starts from the seed corpus in
# eval/fuzz/seeds/TARGET, keeps the grown corpus, log and any crash inputs under
# eval/work/fuzz/ (not committed). Exits non-zero when libFuzzer found a crash, a leak, a
# timeout (10 s per input) or an allocation over 2 GB.
set -euo pipefail
cd "$(dirname "$0")/../.."
targets="gzip lines topics qrels run collection vectors model model-fixcrc index"
if [ "${1:-}" = "list" ]; then echo "$targets"; exit 0; fi
target=${1:?usage: eval/fuzz/run.sh TARGET SECONDS [MAX_RUNS]}
seconds=${2:?usage: eval/fuzz/run.sh TARGET SECONDS [MAX_RUNS]}
runs=${3:--1}
case " $targets " in *" $target "*) ;; *) echo "unknown target $target (one of: $targets)" >&2; exit 2;; esac

bin=.build-fuzz/debug/desm-fuzz
if [ ! -x "$bin" ] || [ -n "$(find Sources -name '*.swift' -newer "$bin" | head -1)" ]; then
    swift build --product desm-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING \
        --scratch-path .build-fuzz >&2
fi
seeds=eval/fuzz/seeds/$target
[ "$target" = model-fixcrc ] && seeds=eval/fuzz/seeds/model
work=eval/work/fuzz
corpus=$work/corpus/$target
artifacts=$work/artifacts/$target
mkdir -p "$corpus" "$artifacts"
log=$work/$target.log
echo "fuzzing $target for ${seconds}s (max runs $runs); log $log" >&2
set +e
DESM_FUZZ_TARGET=$target ASAN_OPTIONS=detect_leaks=0 "$bin" \
    -max_total_time="$seconds" -runs="$runs" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
    -max_len=8192 -print_final_stats=1 -artifact_prefix="$artifacts/" \
    "$corpus" "$seeds" >"$log" 2>&1
rc=$?
set -e
grep -E "^Done|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb" "$log" >&2 || true
if [ $rc -ne 0 ]; then
    echo "FINDING in $target (exit $rc): see $log and $artifacts/" >&2
    grep -E "ERROR|==ERROR|Fatal error|desm-fuzz:" "$log" | head -5 >&2
fi
exit $rc
