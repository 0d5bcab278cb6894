#!/usr/bin/env bash
# Interrupts real `desm train` and `desm index` processes ROUNDS times each (default 50) at
# random moments, SIGINT/SIGTERM/SIGKILL in turn, and checks that the output path always
# holds the previous complete file, a new complete file or nothing, that SIGINT/SIGTERM leave
# no temporary, and that what SIGKILL leaves (.NAME.tmp-PID-XXXXXX) is removed by later runs
# (see Tests/ReliabilityTests/KillTests.swift). Extra arguments go to `swift test` (e.g. -c release).
#   eval/fuzz/kill_test.sh [ROUNDS] [swift test options...]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-50}
shift $(( $# > 0 ? 1 : 0 ))
mkdir -p eval/work
DESM_KILL_ROUNDS=$rounds swift test --filter 'ReliabilityTests.KillTests' "$@" 2>&1 | tee eval/work/kill_test.log \
    | grep -E "kill test|error|Executed" 
