#!/bin/sh
# Training speed: desm vs the original C word2vec vs gensim 4, same corpus and settings, one run.
# usage: eval/word2vec/bench_train.sh [CORPUS] [extra `desm bench train` options]
# CORPUS defaults to text8 with a line break every 1,000 words (made on first use).
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
corpus=${1:-/tmp/desm-w2v-eval/text8-1k}
[ $# -gt 0 ] && shift
if [ ! -f "$corpus" ]; then
  mkdir -p "$(dirname "$corpus")"
  python3 -c "
import gzip, sys
w = gzip.open('$root/../shared/data/text8/text8.gz', 'rt').read().split()
with open('$corpus.tmp', 'w') as f:
    for i in range(0, len(w), 1000): f.write(' '.join(w[i:i + 1000]) + '\n')
" && mv "$corpus.tmp" "$corpus"
fi
swift build -c release --product desm >/dev/null
mkdir -p eval/word2vec/results
.build/release/desm bench train --corpus "$corpus" --threads 2 --epochs 1 --quiet "$@" | tee eval/word2vec/results/bench-train.md
