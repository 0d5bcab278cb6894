#!/usr/bin/env python3
"""Trains desm and gensim 4 with the same settings on text8 (a line break every 1,000 words)
and compares WordSim353 Spearman and Google-analogy accuracy (30,000 most frequent words).

usage: compare_quality.py [--desm PATH] [--arch sg|cbow ...] [--epochs 5] [--threads 2]
Writes eval/word2vec/results/quality-<arch>.json and prints a Markdown table row per run.
Settings (the issue's): negative 5, window 5, dim 100, sample 1e-4, min-count 5,
alpha 0.025 (sg) / 0.05 (cbow).
"""
import argparse, gzip, json, logging, os, subprocess, sys, time
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from evaluate import score

def text8_lines(work):
    path = os.path.join(work, "text8-1k")
    if not os.path.exists(path):
        src = os.path.join(here, "../../../shared/data/text8/text8.gz")
        words = gzip.open(src, "rt").read().split()
        with open(path + ".tmp", "w") as f:
            for i in range(0, len(words), 1000):
                f.write(" ".join(words[i:i + 1000]) + "\n")
        os.rename(path + ".tmp", path)
    return path

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--desm", default=os.path.join(here, "../../.build/release/desm"))
    ap.add_argument("--arch", nargs="+", default=["sg", "cbow"])
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--work", default="/tmp/desm-w2v-eval")
    ap.add_argument("--tools", nargs="+", default=["desm", "gensim"])
    ap.add_argument("--desm-extra", default="", help="extra desm train options, e.g. '--no-shared-negatives --seed 2'")
    ap.add_argument("--tag", default="", help="suffix for the results file")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    corpus = text8_lines(a.work)
    data = os.path.join(here, "../../../shared/data/wordsim")
    logging.disable(logging.WARNING)
    from gensim.models import KeyedVectors, Word2Vec
    os.makedirs(os.path.join(here, "results"), exist_ok=True)
    for arch in a.arch:
        alpha = 0.025 if arch == "sg" else 0.05
        rows = {}
        for tool in a.tools:
            t0 = time.time()
            if tool == "desm":
                model = os.path.join(a.work, f"desm-{arch}.model")
                vec = os.path.join(a.work, f"desm-{arch}.in.bin")
                subprocess.run([a.desm, "train", "--corpus", corpus, "--out", model, "--arch", arch,
                                "--loss", "ns", "--negative", "5", "--window", "5", "--dim", "100",
                                "--sample", "1e-4", "--min-count", "5", "--epochs", str(a.epochs),
                                "--alpha", str(alpha), "--threads", str(a.threads), "--quiet"] + a.desm_extra.split(), check=True)
                secs = time.time() - t0
                subprocess.run([a.desm, "export", model, "--space", "in", "--format", "binary",
                                "--out", vec, "--quiet"], check=True)
                kv = KeyedVectors.load_word2vec_format(vec, binary=True)
            else:
                m = Word2Vec(corpus_file=corpus, sg=1 if arch == "sg" else 0, negative=5, hs=0,
                             window=5, vector_size=100, sample=1e-4, min_count=5, epochs=a.epochs,
                             alpha=alpha, workers=a.threads)
                secs = time.time() - t0
                kv = m.wv
            s = score(kv, data)
            s["train_seconds"] = round(secs, 1)
            rows[tool] = s
            print(f"| {arch} | {tool}{' ' + a.desm_extra if tool == 'desm' and a.desm_extra else ''} | {s['ws353']:.4f} | {100 * s['analogy']:.2f}% | {s['vocab']} | {secs:.0f} s |", flush=True)
        if "desm" in rows and "gensim" in rows:
            d, g = rows["desm"], rows["gensim"]
            print(f"| {arch} | desm − gensim | {d['ws353'] - g['ws353']:+.4f} | {100 * (d['analogy'] - g['analogy']):+.2f} pts | | |", flush=True)
        with open(os.path.join(here, "results", f"quality-{arch}{a.tag}.json"), "w") as f:
            json.dump({"arch": arch, "epochs": a.epochs, "threads": a.threads, "desm_extra": a.desm_extra, "results": rows}, f, indent=1)

if __name__ == "__main__":
    main()
