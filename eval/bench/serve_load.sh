#!/usr/bin/env bash
# Load test of desm serve with wrk (Debian's wrk) on loopback:
#   eval/bench/serve_load.sh INDEX QUERIES.tsv [SECONDS] [SCORERS...]
# Starts desm-serve on INDEX (a free port, all cores), warms it up, then for each scorer
# (default: bm25 in-out) runs wrk with 2 threads and 16 connections for SECONDS (default 30)
# on /api/search?scorer=S&k=10&q=<each query in turn>, sampling the server's resident memory
# every second. Prints wrk's report (requests/s, latency percentiles, errors and non-2xx
# answers) and the memory at the start, highest and end of each run. For the scoring kernel's
# own limit it then times the same scorer with `desm search --threads 1 --timing` (no HTTP)
# on the first 50 queries: workers / that median is what the kernel allows.
# DESM_BIN: the directory with desm and desm-serve (default .build/release). Run it on a quiet
# machine: wrk and the server share its cores, so nothing else may run.
set -euo pipefail
INDEX=$1; QUERIES=$2; SECONDS_PER_RUN=${3:-30}; shift 3 || shift $#
SCORERS=("$@"); [ ${#SCORERS[@]} -eq 0 ] && SCORERS=(bm25 in-out)
BIN=${DESM_BIN:-.build/release}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$OUT"' EXIT
"$BIN/desm-serve" "$INDEX" --port 0 --quiet > "$OUT/server.out" 2> "$OUT/server.err" &
SERVER=$!
for _ in $(seq 600); do grep -q listening "$OUT/server.out" 2>/dev/null && break; sleep 0.1; done
URL=$(grep -o 'http://[0-9.:]*/' "$OUT/server.out")
echo "# desm serve load test, $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m)"
echo "# index $INDEX: $(curl -s "${URL}health")"
echo "# wrk -t2 -c16 -d${SECONDS_PER_RUN}s, queries from $QUERIES ($(wc -l < "$QUERIES") lines, each in turn), k=10"
uptime
rss() { awk '/^VmRSS/ {print int($2 / 1024)}' /proc/$SERVER/status; }
for scorer in "${SCORERS[@]}"; do
    wrk -t2 -c16 -d5s -s "$HERE/serve_load.lua" "$URL" -- "$QUERIES" "$scorer" 10 > /dev/null   # warm-up
    : > "$OUT/rss"
    ( while kill -0 $SERVER 2>/dev/null; do rss >> "$OUT/rss"; sleep 1; done ) &
    SAMPLER=$!
    echo
    echo "## scorer $scorer"
    wrk -t2 -c16 -d"${SECONDS_PER_RUN}s" --latency -s "$HERE/serve_load.lua" "$URL" -- "$QUERIES" "$scorer" 10
    kill $SAMPLER 2>/dev/null || true; wait $SAMPLER 2>/dev/null || true
    echo "server resident MB: start $(head -1 "$OUT/rss"), highest $(sort -n "$OUT/rss" | tail -1), end $(tail -1 "$OUT/rss") ($(wc -l < "$OUT/rss") samples)"
done
echo
echo "## the scoring kernel alone (desm search --threads 1 --timing, first 50 queries, no HTTP)"
for scorer in "${SCORERS[@]}"; do
    head -50 "$QUERIES" | cut -f2 | while IFS= read -r q; do
        "$BIN/desm" search "$INDEX" "$q" --scorer "$scorer" --threads 1 --timing -k 10 2>&1 >/dev/null | grep -o 'in [0-9.]* s' | awk '{print $2}'
    done | sort -n | awk -v s="$scorer" -v w="$(nproc)" '{v[NR]=$1} END {m=v[int((NR+1)/2)]; printf "%s: median %.2f ms per query on one thread -> %d workers allow %.0f queries/s\n", s, m*1000, w, w/m}'
done
uptime
