#!/bin/sh
# Reproduces the index/search benchmark figures in README.md (Performance):
#   eval/bench/run_bench.sh [DESM_BINARY] [WORKDIR] [DOCUMENTS]
# Builds a synthetic collection (DOCUMENTS docs of 50-100 consecutive text8 words), 1000
# queries (2-4 consecutive words) and a random 200-d model, indexes it, times searches, and
# times faiss IndexFlatIP and bm25s on the same search (eval/bench/peers.py).
# For the fastest DESM kernels build with AVX2 code generation (the default build is
# portable x86-64/SSE2):
#   swift build -c release --product desm -Xswiftc -target-cpu -Xswiftc haswell
set -e
DESM=${1:-.build/release/desm}
W=${2:-/tmp/desm-bench}
N=${3:-1000000}
HERE=$(dirname "$0")
TEXT8=${TEXT8:-$HERE/../../../shared/data/text8/text8.gz}
mkdir -p "$W"
[ -f "$W/collection.jsonl" ] || "$DESM" bench fixture --text8 "$TEXT8" --out "$W" --documents "$N" --queries 1000 --dim 200
/usr/bin/time -v "$DESM" bench index --collection "$W/collection.jsonl" --model "$W/random.model" --out "$W/idx" --quiet 2> "$W/index.time"
grep -E "User time|System time|Percent of CPU|Elapsed" "$W/index.time"
"$DESM" bench search --index "$W/idx" --queries "$W/queries.tsv" --dump "$W/dump"
python3 "$HERE/peers.py" --index "$W/idx" --dump "$W/dump" --collection "$W/collection.jsonl" --queries "$W/queries.tsv"
uptime
