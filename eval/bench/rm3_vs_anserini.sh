#!/usr/bin/env bash
# desm's BM25 and BM25+RM3 against Anserini 0.21's on the same topics, NDCG@10, with and
# without the question stoplist on TREC DL. BM25 and RM3 do not depend on the embeddings, so
# the indexes are built with a tiny throwaway model. Anserini's numbers are read from its runs
# (eval/bench/anserini/run_anserini.sh) when they are there.
#   eval/bench/rm3_vs_anserini.sh [DESM]     (default .build/release/desm)
set -euo pipefail
cd "$(dirname "$0")/../.."
D=${1:-.build/release/desm}
S=../shared/data
W=eval/work/rm3check; mkdir -p "$W"
A=eval/work/anserini/runs
ndcg() { $D eval --qrels "$1" -m ndcg_cut.10 "$2" | awk '$2=="all"{print $3}'; }
printf 'topics\tdesm BM25\tdesm RM3\tAnserini BM25\tAnserini RM3\n'
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
    for sys in bm25 rm3; do
        flags=(--scorer bm25); [ $sys = rm3 ] && flags+=(--rm3)
        $D run "$W/$idx.idx" --topics "$S/$topics" --query-stopwords $qstop --depth 1000 --quiet --out "$W/$label-$sys.run" "${flags[@]}"
    done
    a_bm25=-; a_rm3=-
    [ -f "$A/$label-bm25.run" ] && a_bm25=$(ndcg "$S/$qrels" "$A/$label-bm25.run")
    [ -f "$A/$label-bm25+rm3.run" ] && a_rm3=$(ndcg "$S/$qrels" "$A/$label-bm25+rm3.run")
    printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$(ndcg "$S/$qrels" "$W/$label-bm25.run")" "$(ndcg "$S/$qrels" "$W/$label-rm3.run")" "$a_bm25" "$a_rm3"
done
