#!/usr/bin/env bash
# desm's BM25+Ax against Anserini 0.21's (-bm25 -axiom -axiom.deterministic -rerankCutoff 20:
# r 20, n 30, beta 0.4, top 20, seed 42), NDCG@10, on SciFact test, Cranfield and TREC DL
# 2019/2020 (with and without the question stoplist). BM25 and Ax do not depend on the
# embeddings, so the indexes are built with a tiny throwaway model. Anserini's numbers are
# read from its runs (eval/bench/anserini/run_anserini.sh) when they are there; with them,
# the last columns count the topics whose NDCG@10 differs by more than 0.01 and the largest
# difference.
#   eval/bench/ax_vs_anserini.sh [DESM]     (default .build/release/desm)
# With AX_QUERIES=1 (needs Anserini's jar and indexes from run_anserini.sh), Anserini searches
# SciFact, Cranfield and TREC DL19/20 qstop again with -axiom.outputQuery (one thread, so the
# log lines stay in order) and eval/bench/ax_queries.py compares its expanded query with
# desm's topic by topic. With AX_ALIGNED=1 (also needs the jar) the same comparison runs on
# TREC DL19 qstop over a copy of the passages in which both tokenizers see the same words
# (every character but ASCII letters and digits made a space, tokens over 40 characters
# dropped), indexed by both: what remains is the first BM25 ranking's top 20 (Lucene's
# lossy document lengths against desm's exact ones).
set -euo pipefail
cd "$(dirname "$0")/../.."
D=${1:-.build/release/desm}
S=../shared/data
[ -d "$S" ] || S=/work/shared/data
W=eval/work/axcheck; mkdir -p "$W"
A=eval/work/anserini/runs
ndcg() { $D eval --qrels "$1" -m ndcg_cut.10 "$2" 2>/dev/null | awk '$2=="all"{print $3}'; }
# Per-topic NDCG@10 of two runs: topics differing by more than 0.01, and the largest difference.
differ() {
    join <($D eval --qrels "$1" -m ndcg_cut.10 -q "$2" 2>/dev/null | awk '$2!="all"{print $2, $3}' | sort) \
         <($D eval --qrels "$1" -m ndcg_cut.10 -q "$3" 2>/dev/null | awk '$2!="all"{print $2, $3}' | sort) |
        awk '{d=$2-$3; if (d<0) d=-d; if (d>0.01) n++; if (d>m) m=d} END{printf "%d/%d\t%.4f", n, NR, m}'
}
printf 'topics\tdesm BM25\tdesm BM25+Ax\tAnserini BM25\tAnserini BM25+Ax\tAx difference\ttopics differing > 0.01\tlargest\n'
for c in scifact:scifact cranfield:cranfield trec-dl:trec-dl-passage; do
    name=${c%%:*}; dir=${c#*:}
    [ -f "$W/$name.model" ] || $D train --collection "$S/$dir/corpus.jsonl" --out "$W/$name.model" --dim 8 --epochs 1 --min-count 2 --threads 1 --seed 1 --quiet
    [ -f "$W/$name.idx/manifest.json" ] || $D index --collection "$S/$dir/corpus.jsonl" --model "$W/$name.model" --out "$W/$name.idx" --quiet >/dev/null
done
for spec in scifact:scifact/topics.xml:scifact/qrels/test.trec.txt:none:scifact \
            cranfield:cranfield/topics.xml:cranfield/qrels.trec.txt:none:cranfield \
            trec-dl:trec-dl-passage/topics-dl19.xml:trec-dl-passage/qrels-dl19.txt:none:trec-dl19 \
            trec-dl:trec-dl-passage/topics-dl20.xml:trec-dl-passage/qrels-dl20.txt:none:trec-dl20 \
            trec-dl:trec-dl-passage/topics-dl19.xml:trec-dl-passage/qrels-dl19.txt:questions:trec-dl19-qstop \
            trec-dl:trec-dl-passage/topics-dl20.xml:trec-dl-passage/qrels-dl20.txt:questions:trec-dl20-qstop; do
    IFS=: read -r idx topics qrels qstop label <<< "$spec"
    for sys in bm25 ax; do
        flags=(--scorer bm25); [ $sys = ax ] && flags+=(--ax)
        $D run "$W/$idx.idx" --topics "$S/$topics" --query-stopwords $qstop --depth 1000 --quiet --out "$W/$label-$sys.run" "${flags[@]}"
    done
    a_bm25=-; a_ax=-; delta=-; per_topic=-$'\t'-
    [ -f "$A/$label-bm25.run" ] && a_bm25=$(ndcg "$S/$qrels" "$A/$label-bm25.run")
    d_ax=$(ndcg "$S/$qrels" "$W/$label-ax.run")
    if [ -f "$A/$label-bm25+ax.run" ]; then
        a_ax=$(ndcg "$S/$qrels" "$A/$label-bm25+ax.run")
        delta=$(awk -v a="$d_ax" -v b="$a_ax" 'BEGIN{printf "%+.4f", a-b}')
        per_topic=$(differ "$S/$qrels" "$W/$label-ax.run" "$A/$label-bm25+ax.run")
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$(ndcg "$S/$qrels" "$W/$label-bm25.run")" "$d_ax" "$a_bm25" "$a_ax" "$delta" "$per_topic"
done

JAR=eval/work/anserini/jar/anserini-0.21.0-fatjar.jar
ax_log() {  # index topics.tsv log run
    java -cp "$JAR" io.anserini.search.SearchCollection -index "$1" -topics "$2" -topicreader TsvString -output "$4" -hits 1000 \
        -bm25 -axiom -axiom.deterministic -rerankCutoff 20 -axiom.outputQuery -threads 1 -parallelism 1 > "$3" 2>&1
}
if [ "${AX_QUERIES:-0}" = 1 ] && [ -f "$JAR" ]; then
    for spec in scifact:scifact cranfield:cranfield trec-dl:trec-dl19-qstop trec-dl:trec-dl20-qstop; do
        idx=${spec%%:*}; label=${spec#*:}
        [ -s "$W/$label-ax-queries.log" ] || ax_log "eval/work/anserini/$idx/index" "eval/work/anserini/topics/$label.tsv" "$W/$label-ax-queries.log" "$W/$label-ax-queries.run"
        echo "# $label: expanded queries against Anserini's"
        python3 eval/bench/ax_queries.py "$D" "$W/$idx.idx" "eval/work/anserini/topics/$label.tsv" "$W/$label-ax-queries.log" \
            --bm25 "$A/$label-bm25.run" "$W/$label-bm25.run" | tail -1
    done
fi
if [ "${AX_ALIGNED:-0}" = 1 ] && [ -f "$JAR" ]; then
    C=eval/work/axaligned; mkdir -p "$C/docs"
    if [ ! -s "$C/corpus.jsonl" ]; then
        python3 - "$S/trec-dl-passage/corpus.jsonl" "$C/corpus.jsonl" "$C/docs/docs.jsonl" << 'EOF'
import json, re, sys
bad = re.compile(r"[^A-Za-z0-9]+")
with open(sys.argv[1]) as f, open(sys.argv[2], "w") as beir, open(sys.argv[3], "w") as ans:
    for line in f:
        if not line.strip():
            continue
        d = json.loads(line)
        words = bad.sub(" ", (d.get("title") or "") + " " + (d.get("text") or "")).split()
        text = " ".join(w for w in words if len(w) <= 40)
        beir.write(json.dumps({"_id": d["_id"], "title": "", "text": text}) + "\n")
        ans.write(json.dumps({"id": str(d["_id"]), "contents": text}) + "\n")
EOF
    fi
    python3 -c 'import re, sys
for l in open(sys.argv[1]):
    q, t = l.rstrip("\n").split("\t", 1); print(q + "\t" + " ".join(re.sub(r"[^A-Za-z0-9]+", " ", t).split()))' \
        eval/work/anserini/topics/trec-dl19-qstop.tsv > "$C/dl19.tsv"
    [ -f "$C/index/.done" ] || { java -cp "$JAR" io.anserini.index.IndexCollection -collection JsonCollection -input "$C/docs" -index "$C/index" \
        -generator DefaultLuceneDocumentGenerator -threads 2 -storePositions -storeDocvectors -storeRaw > "$C/index.log" 2>&1 && touch "$C/index/.done"; }
    [ -f "$C/desm.idx/manifest.json" ] || $D index --collection "$C/corpus.jsonl" --model "$W/trec-dl.model" --out "$C/desm.idx" --quiet > /dev/null
    java -cp "$JAR" io.anserini.search.SearchCollection -index "$C/index" -topics "$C/dl19.tsv" -topicreader TsvString -output "$C/anserini-bm25.run" \
        -hits 1000 -bm25 -threads 1 -parallelism 1 > "$C/anserini-bm25.log" 2>&1
    ax_log "$C/index" "$C/dl19.tsv" "$C/anserini-ax.log" "$C/anserini-ax.run"
    for sys in bm25 ax; do
        flags=(--scorer bm25); [ $sys = ax ] && flags+=(--ax)
        $D run "$C/desm.idx" --topics "$C/dl19.tsv" --depth 1000 --quiet --out "$C/desm-$sys.run" "${flags[@]}"
    done
    q=$S/trec-dl-passage/qrels-dl19.txt
    echo "# trec-dl19-qstop, aligned tokens: NDCG@10 desm BM25 $(ndcg "$q" "$C/desm-bm25.run"), BM25+Ax $(ndcg "$q" "$C/desm-ax.run"); Anserini BM25 $(ndcg "$q" "$C/anserini-bm25.run"), BM25+Ax $(ndcg "$q" "$C/anserini-ax.run")"
    python3 eval/bench/ax_queries.py "$D" "$C/desm.idx" "$C/dl19.tsv" "$C/anserini-ax.log" --bm25 "$C/anserini-bm25.run" "$C/desm-bm25.run"
fi
