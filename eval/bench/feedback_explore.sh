#!/usr/bin/env bash
# Exploration of desm's feedback and expansion systems on the TUNING topics (SciFact train
# claims; TREC DL: the other year) through the command line, to choose which system desm
# recommends for a new collection without looking at test topics. The numbers that count are
# the experiments' (eval/*.json, tuned by `desm experiment`); this only narrows the choice.
#   eval/bench/feedback_explore.sh COLLECTION TOPICS QRELS INDEX [QUERY-STOPWORDS]
# prints "system<TAB>NDCG@10" per system to stdout; runs go to eval/work/fb/runs/.
set -euo pipefail
cd "$(dirname "$0")/../.."
D=${DESM:-.build/release/desm}
coll=$1; topics=$2; qrels=$3; idx=$4; qstop=${5:-none}
out=eval/work/fb/runs/$coll; mkdir -p "$out"
run() { # name, flags...
    local name=$1; shift
    [ -s "$out/$name.run" ] || $D run "$idx" --topics "$topics" --query-stopwords "$qstop" --depth 1000 --quiet --out "$out/$name.run" "$@"
    printf '%s\t%s\n' "$name" "$($D eval --qrels "$qrels" -m ndcg_cut.10 "$out/$name.run" | awk '$2=="all"{print $3}')"
}
run bm25 --scorer bm25
run rm3 --scorer bm25 --rm3
for g in 1 2 4 8; do run rm3e-g$g --scorer bm25 --rm3 --rm3-embedding-weight $g; done
for n in 5 10 20; do for w in 0.6 0.8 0.9; do run topical-n$n-w$w --scorer bm25 --expand-topical $n --original-query-weight $w; done; done
for v in in-out in-in; do
    for a in 0.1 0.2 0.3 0.4 0.5; do
        run mix-$v-a$a --scorer mixture:$v --norm zscore --alpha $a
        run mix-$v-rm3-a$a --scorer mixture:$v --norm zscore --alpha $a --rm3
    done
    for b in 0.2 0.5; do for a in 0.2 0.3; do
        run mix-$v-rm3-vfb$b-a$a --scorer mixture:$v --norm zscore --alpha $a --rm3 --vector-feedback $b
    done; done
done
# Round 2: re-ranking mixtures and the mixture over embedding-weighted RM3.
for v in in-out in-in; do
    for k in 100 1000; do for a in 0.2 0.3 0.4 0.5 0.6; do
        run rr$k-mix-$v-a$a --scorer mixture:$v --norm zscore --alpha $a --rerank $k
    done; done
    for a in 0.3 0.4; do run mix-$v-rm3e2-a$a --scorer mixture:$v --norm zscore --alpha $a --rm3 --rm3-embedding-weight 2; done
done
# Round 3: the light-expansion variants of the recommended system (λ = --original-query-weight).
for w in 0.7 0.9; do for a in 0.3 0.4; do
    run mix-in-in-rm3e2-ow$w-a$a --scorer mixture:in-in --norm zscore --alpha $a --rm3 --rm3-embedding-weight 2 --original-query-weight $w
done; done
