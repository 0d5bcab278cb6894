#!/bin/sh
# Reproduces the index/search benchmark figures in README.md (Performance):
#   eval/bench/run_bench.sh [DESM_BINARY] [WORKDIR] [DOCUMENTS]
# Builds a synthetic collection (DOCUMENTS docs of 50-100 consecutive text8 words), 1000
# queries (2-4 consecutive words) and a random 200-d model, indexes it, times searches, and
# times faiss IndexFlatIP (batched and one query at a time) and bm25s (with PyStemmer) on the
# same search (eval/bench/peers.py; python3 must have numpy, faiss-cpu, bm25s and PyStemmer:
#   python3 -m venv V && V/bin/pip install numpy faiss-cpu bm25s PyStemmer, then PYTHON=V/bin/python3).
# SKIP_BM25S=1 leaves bm25s out (it takes minutes at 1,000,000 documents).
# Run it on a quiet machine: nothing else building or testing.
set -e
DESM=${1:-.build/release/desm}
W=${2:-/tmp/desm-bench}
N=${3:-1000000}
PYTHON=${PYTHON:-python3}
HERE=$(dirname "$0")
TEXT8=${TEXT8:-$HERE/../../../shared/data/text8/text8.gz}
mkdir -p "$W"
[ -f "$W/collection.jsonl" ] || "$DESM" bench fixture --text8 "$TEXT8" --out "$W" --documents "$N" --queries 1000 --dim 200
uptime
/usr/bin/time -v "$DESM" bench index --collection "$W/collection.jsonl" --model "$W/random.model" --out "$W/idx" --quiet 2> "$W/index.time"
grep -E "User time|System time|Percent of CPU|Elapsed|Maximum resident" "$W/index.time"
"$DESM" bench search --index "$W/idx" --queries "$W/queries.tsv" --dump "$W/dump"
"$PYTHON" "$HERE/peers.py" --index "$W/idx" --dump "$W/dump" --collection "$W/collection.jsonl" --queries "$W/queries.tsv" \
    ${SKIP_BM25S:+--skip-bm25s}
uptime
