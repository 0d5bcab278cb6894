#!/usr/bin/env python3
"""Scores word vectors (word2vec text/binary, .gz ok) on WordSim353 (Spearman) and the Google
analogies (3CosAdd accuracy, 30,000 most frequent words), gensim's conventions.

usage: evaluate.py VECTORS [--binary] [--data DIR]   (DIR: ../shared/data/wordsim)
prints one JSON line: {"ws353": rho, "analogy": acc, "vocab": n}
"""
import argparse, json, os, sys, logging
from gensim.models import KeyedVectors

def score(kv, data):
    ws = kv.evaluate_word_pairs(os.path.join(data, "wordsim353.tsv"))
    acc, _ = kv.evaluate_word_analogies(os.path.join(data, "questions-words.txt"), restrict_vocab=30000)
    return {"ws353": float(ws[1][0]), "analogy": float(acc), "vocab": len(kv.index_to_key)}

if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("vectors")
    ap.add_argument("--binary", action="store_true")
    ap.add_argument("--data", default=os.path.join(here, "../../../shared/data/wordsim"))
    a = ap.parse_args()
    logging.disable(logging.WARNING)
    kv = KeyedVectors.load_word2vec_format(a.vectors, binary=a.binary)
    print(json.dumps(score(kv, a.data)))
