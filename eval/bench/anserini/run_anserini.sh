#!/usr/bin/env bash
# Anserini 0.21.0 baselines (BM25, BM25+RM3, BM25+Ax, BM25-PRF) on Cranfield, SciFact and
# TREC DL 2019/2020 passages (plain and with a question-word stoplist), for comparison with desm.
#
# Usage (from anywhere; Debian, needs network access to PyPI and, if Java is missing, apt):
#   bash eval/bench/anserini/run_anserini.sh
# Environment:
#   DATA=/work/shared/data   where cranfield/, scifact/, trec-dl-passage/ live
#                            (default: ../shared/data next to the repository, else /work/shared/data)
#   SCIFACT_TRAIN=1          also run the four systems on the 809 SciFact train topics
#   FORCE_RUNS=1             redo the searches even if the run files exist
#
# Everything downloaded or built goes under eval/work/anserini/ (gitignored): the pyserini
# wheel, the Anserini fat jar, JSONL docs, Lucene indexes, topic TSVs, runs (runs/*.run),
# logs, and a Python venv with pytrec_eval. Each step is skipped when its output exists.
# Writes eval/bench/anserini/RESULTS.md (NDCG@10, MAP, R@100) and
# eval/bench/anserini/rm3_queries_sample.txt (RM3 expansion terms of the first 3 topics).
# Java uses at most 2 threads (-threads 2 for indexing; -threads 1 -parallelism 2 for search).
# Time on 2 cores from scratch: about 9 minutes (SciFact train adds 6-15 minutes).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
cd "$ROOT"

if [[ -z "${DATA:-}" ]]; then
  if [[ -d "$ROOT/../shared/data" ]]; then DATA="$(cd "$ROOT/../shared/data" && pwd)"; else DATA=/work/shared/data; fi
fi
VERSION=0.21.0
W=eval/work/anserini                      # relative to ROOT, so logged commands stay short
JAR=$W/jar/anserini-$VERSION-fatjar.jar
RUNS=$W/runs
CMDLOG=$W/commands.txt
PY=$W/venv/bin/python
mkdir -p "$W" "$RUNS" "$W/logs" "$W/topics"

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
# commands.txt is rewritten on every invocation: the commands behind the current outputs,
# including those skipped because their output already exists.
: > "$CMDLOG"
record() { local cmd="$*"; echo "${cmd//.run.tmp/.run}" >> "$CMDLOG"; }
jrun() {  # logfile command...
  local logfile=$1; shift
  "$@" > "$logfile" 2>&1 || { echo "failed: $* (see $logfile)" >&2; tail -20 "$logfile" >&2; exit 1; }
}

# 1. Java
if ! command -v java > /dev/null 2>&1; then
  log "installing openjdk-17-jdk-headless"
  apt-get update && apt-get install -y openjdk-17-jdk-headless
fi
JAVA_VERSION="$(java -version 2>&1 | head -1)"
log "java: $JAVA_VERSION"

# 2. Anserini fat jar, from the pyserini wheel on PyPI
if [[ ! -s "$JAR" ]]; then
  WHEEL=$W/pip/pyserini-$VERSION-py3-none-any.whl
  if [[ ! -s "$WHEEL" ]]; then
    log "downloading pyserini==$VERSION"
    python3 -m pip download --no-deps "pyserini==$VERSION" -d "$W/pip"
  fi
  mkdir -p "$W/jar"
  unzip -o -j "$WHEEL" "pyserini/resources/jars/anserini-$VERSION-fatjar.jar" -d "$W/jar"
fi

# Python venv with pytrec_eval (trec_eval 9.0.8 inside)
if [[ ! -x "$PY" ]] || ! "$PY" -c 'import pytrec_eval' 2> /dev/null; then
  log "creating venv with pytrec-eval-terrier"
  python3 -m venv "$W/venv"
  "$W/venv/bin/pip" install -q pytrec-eval-terrier
fi

# 3. Documents and indexes
declare -A CORPUS=(
  [cranfield]=$DATA/cranfield/corpus.jsonl
  [scifact]=$DATA/scifact/corpus.jsonl
  [trec-dl]=$DATA/trec-dl-passage/corpus.jsonl
)
for c in cranfield scifact trec-dl; do
  if [[ ! -s $W/$c/docs/docs.jsonl ]]; then
    mkdir -p "$W/$c/docs"
    python3 "$HERE/prep.py" docs "${CORPUS[$c]}" "$W/$c/docs/docs.jsonl.tmp"
    mv "$W/$c/docs/docs.jsonl.tmp" "$W/$c/docs/docs.jsonl"
  fi
  CMD=(java -cp "$JAR" io.anserini.index.IndexCollection
    -collection JsonCollection -input "$W/$c/docs" -index "$W/$c/index"
    -generator DefaultLuceneDocumentGenerator -threads 2
    -storePositions -storeDocvectors -storeRaw)
  record "${CMD[@]}"
  if [[ ! -f $W/$c/index/.done ]]; then
    log "indexing $c"
    rm -rf "$W/$c/index"
    jrun "$W/logs/index-$c.log" "${CMD[@]}"
    touch "$W/$c/index/.done"
  fi
done

# 4. Topics (qid<TAB>text, the <query> element)
mktopics() {  # name xml [--qstop]
  local out=$W/topics/$1.tsv
  [[ -s $out ]] || python3 "$HERE/prep.py" topics "$2" "$out" "${@:3}"
}
mktopics cranfield        "$DATA/cranfield/topics.xml"
mktopics scifact          "$DATA/scifact/topics.xml"
mktopics scifact-train    "$DATA/scifact/topics-train.xml"
mktopics trec-dl19        "$DATA/trec-dl-passage/topics-dl19.xml"
mktopics trec-dl20        "$DATA/trec-dl-passage/topics-dl20.xml"
mktopics trec-dl19-qstop  "$DATA/trec-dl-passage/topics-dl19.xml" --qstop
mktopics trec-dl20-qstop  "$DATA/trec-dl-passage/topics-dl20.xml" --qstop

# 5. Searches: topic set -> index
declare -A INDEX_OF=(
  [cranfield]=cranfield [scifact]=scifact [scifact-train]=scifact
  [trec-dl19]=trec-dl [trec-dl20]=trec-dl [trec-dl19-qstop]=trec-dl [trec-dl20-qstop]=trec-dl
)
declare -A SYSTEM_FLAGS=(
  [bm25]="-bm25"
  [bm25+rm3]="-bm25 -rm3"
  [bm25+ax]="-bm25 -axiom -axiom.deterministic -rerankCutoff 20"
  [bm25-prf]="-bm25 -bm25prf"
)
SYSTEMS=(bm25 bm25+rm3 bm25+ax bm25-prf)
TOPICSETS=(cranfield scifact trec-dl19 trec-dl20 trec-dl19-qstop trec-dl20-qstop)
if [[ "${SCIFACT_TRAIN:-0}" == 1 ]]; then TOPICSETS+=(scifact-train); fi

search_cmd() {  # topicset system topics.tsv run.out [extra flags...]  -> CMD
  local t=$1 s=$2 q=$3 out=$4; shift 4
  # shellcheck disable=SC2206  # SYSTEM_FLAGS holds several words on purpose
  CMD=(java -cp "$JAR" io.anserini.search.SearchCollection
    -index "$W/${INDEX_OF[$t]}/index" -topics "$q" -topicreader TsvString
    -output "$out" -hits 1000 ${SYSTEM_FLAGS[$s]} -threads 1 -parallelism "${PARALLELISM:-2}" "$@")
}

for t in "${TOPICSETS[@]}"; do
  for s in "${SYSTEMS[@]}"; do
    run=$RUNS/$t-$s.run
    search_cmd "$t" "$s" "$W/topics/$t.tsv" "$run.tmp"
    record "${CMD[@]}"
    if [[ -s $run && "${FORCE_RUNS:-0}" != 1 ]]; then continue; fi
    log "search $t $s"
    jrun "$W/logs/search-$t-$s.log" "${CMD[@]}"
    mv "$run.tmp" "$run"
  done
done

# 8. RM3 expanded queries for the first 3 topics (-rm3.outputQuery logs them; one search
#    thread so that the log lines of different topics do not interleave)
SAMPLE=$HERE/rm3_queries_sample.txt
{
  cat << EOF
# Anserini $VERSION BM25+RM3 expanded queries, first 3 topics of SciFact test and TREC DL19 qstop,
# as logged by SearchCollection -bm25 -rm3 -rm3.outputQuery (Rm3Reranker; "Feedback Query" is
# the query Anserini runs for the final ranking, over the whole index, 1000 hits).
# Defaults: BM25 k1 0.9 b 0.4; RM3 fbDocs 10, fbTerms 10, originalQueryWeight 0.5.
# Terms are index terms of Anserini's default English analyzer (Lucene English stopwords
# removed, Porter stems). How 0.21 builds the weights (Rm3Reranker, FeatureVector):
#   q(t)   = count of t in the analyzed query / number of analyzed query tokens (no filtering)
#   for each of the top fbDocs BM25 documents d (stored doc vectors):
#     v_d(t) = tf(t,d) for terms with 2 <= length <= 20, matching [a-z0-9]+ (the "English term
#              filter", off with -rm3.noTermFilter) and df(t)/N <= 0.1; then keep only the
#              fbTerms terms with the largest tf (ties in hash-map order)
#   rm(t)  = sum_d score_BM25(d) * v_d(t) / sum_t' v_d(t')   (raw BM25 score, no softmax)
#   rm is cut to its fbTerms largest weights and scaled to sum 1
#   w(t)   = 0.5 * q(t) + 0.5 * rm(t)   (weights sum to 1)
#   final score(d) = sum_t w(t) * BM25(t, d)   (BooleanQuery of BoostQuery(TermQuery, w(t)))
# Generated by eval/bench/anserini/run_anserini.sh.
EOF
  for t in scifact trec-dl19-qstop; do
    if [[ $t == scifact ]]; then xml=$DATA/scifact/topics.xml; extra=(); else
      xml=$DATA/trec-dl-passage/topics-dl19.xml; extra=(--qstop); fi
    q=$W/topics/$t-first3.tsv
    python3 "$HERE/prep.py" topics "$xml" "$q" --first 3 "${extra[@]}" 2> /dev/null
    lf=$W/logs/rm3-outputquery-$t.log
    PARALLELISM=1 search_cmd "$t" bm25+rm3 "$q" "$W/logs/rm3-outputquery-$t.run" -rm3.outputQuery
    record "${CMD[@]}"
    jrun "$lf" "${CMD[@]}"
    echo
    python3 "$HERE/rm3_sample.py" "$t" "$q" "$lf"
  done
} > "$SAMPLE.tmp"
mv "$SAMPLE.tmp" "$SAMPLE"

# 6-7. Evaluation and summary
"$PY" "$HERE/evaluate.py" --data "$DATA" --runs "$RUNS" --commands "$CMDLOG" \
  --version "$VERSION" --java "$JAVA_VERSION" --out "$HERE/RESULTS.md" \
  $( [[ "${SCIFACT_TRAIN:-0}" == 1 ]] && echo --scifact-train )
