#!/usr/bin/env bash
# Load test of desm serve with wrk (Debian's wrk) on loopback:
#   eval/bench/serve_load.sh INDEX QUERIES.tsv|TOPICS.xml [SECONDS] [SCORERS...]
# (the built-in sample's index: run `desm-serve --cache DIR` once, then INDEX is DIR/sample.idx)
# Starts desm-serve on INDEX (a free port, all cores), warms it up, then for each scorer
# (default: bm25 in-out) runs wrk with 2 threads and 16 connections for SECONDS (default 30)
# on /api/search?scorer=S&k=10&q=<each query in turn>, sampling the server's resident memory
# every second. Prints wrk's report (requests/s, latency percentiles, errors and non-2xx
# answers) and the memory at the start, highest and end of each run. For the scoring kernel's
# own limit it then times DESM IN-OUT and BM25 one query at a time on one thread in one
# process (`desm bench search --threads 1`): the server ranks each request on one thread of
# its workers (one per core), so the kernel allows about cores x that rate.
# DESM_BIN: the directory with desm and desm-serve (default .build/release). Run it on a quiet
# machine: wrk and the server share its cores, so nothing else may run.
set -euo pipefail
INDEX=$1; QUERIES=$2; QUERY_SOURCE=$2; SECONDS_PER_RUN=${3:-30}; shift 3 || shift $#
SCORERS=("$@"); [ ${#SCORERS[@]} -eq 0 ] && SCORERS=(bm25 in-out)
BIN=${DESM_BIN:-.build/release}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$OUT"' EXIT
if [[ "$QUERIES" == *.xml ]]; then   # a topics file (e.g. collections/sample/topics.xml): its <query> fields
    python3 -c 'import sys, xml.etree.ElementTree as E
for t in E.parse(sys.argv[1]).getroot().iter("topic"): print(t.get("number") + "\t" + " ".join(t.findtext("query").split()))' "$QUERIES" > "$OUT/queries.tsv"
    QUERIES="$OUT/queries.tsv"
fi
"$BIN/desm-serve" "$INDEX" --port 0 --quiet > "$OUT/server.out" 2> "$OUT/server.err" &
SERVER=$!
for _ in $(seq 600); do grep -q listening "$OUT/server.out" 2>/dev/null && break; sleep 0.1; done
URL=$(grep -o 'http://[0-9.:]*/' "$OUT/server.out")
echo "# desm serve load test, $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m)"
echo "# index $INDEX: $(curl -s "${URL}health")"
echo "# wrk -t2 -c16 -d${SECONDS_PER_RUN}s, queries from $QUERY_SOURCE ($(wc -l < "$QUERIES") lines, each in turn), k=10"
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
    echo "server: $(curl -s "${URL}health" | grep -o '"desmBatches":{[^}]*}') (cumulative)"
    echo "server resident MB: start $(head -1 "$OUT/rss"), highest $(sort -n "$OUT/rss" | tail -1), end $(tail -1 "$OUT/rss") ($(wc -l < "$OUT/rss") samples)"
done
echo
echo "## the scoring kernel alone, in one process, no HTTP (desm bench search --threads 1)"
"$BIN/desm" bench search --index "$INDEX" --queries "$QUERIES" --threads 1 --single-desm 100 | grep -E "single"
echo "(per request the server ranks on one thread of its $(nproc) workers: the kernel allows about $(nproc) x the one-thread rate)"
uptime
