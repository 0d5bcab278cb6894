#!/usr/bin/env python3
"""BM25 effectiveness of `desm` on SciFact and TREC DL 2019/2020 passages (judged subset).

Builds each index with `desm index`, ranks every topic's `query` field with
`desm search --scorer bm25 -k 1000 --json` (one process per topic: the index opens by
memory map), writes a TREC run with the same tie rule as desm's RunWriter (score
descending, docno ascending, written scores strictly decreasing as float32) and scores it
with pytrec_eval (NDCG@10). Usage:

  python3 eval/bench/bm25_effectiveness.py --desm .build/release/desm --model MODEL --work /tmp/desm-eff

Any model works for BM25 (it only supplies the analyzer settings); its vocabulary matters
only for DESM. Re-run after the real Porter stemmer lands: the numbers depend on it.
"""
import argparse, json, os, subprocess, sys, time
import xml.etree.ElementTree as ET

try:
    import numpy as np
    import pytrec_eval
except ImportError as e:
    sys.exit(f"skipped: {e} (pip install pytrec-eval-terrier numpy)")

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "data")


def topics(path, field="query"):
    out = {}
    for t in ET.parse(path).getroot().iter("topic"):
        el = t.find(field)
        if el is not None and el.text:
            out[t.get("number")] = el.text.strip()
    return out


def qrels(path):
    q = {}
    for line in open(path):
        f = line.split()
        if len(f) >= 4:
            q.setdefault(f[0], {})[f[2]] = int(f[3])
    return q


def run_lines(qid, hits, tag):
    hits = sorted(hits, key=lambda h: (-h[1], h[0].encode()))
    prev = np.float32(np.inf)
    lines = []
    for i, (doc, score) in enumerate(hits):
        s = np.float32(score)
        if not s < prev:
            s = np.nextafter(prev, np.float32(-np.inf))
        prev = s
        lines.append(f"{qid} Q0 {doc} {i + 1} {float(s):.9g} {tag}")
    return lines


def evaluate(desm, index, topic_file, qrel_file, run_path, extra=()):
    tq = topics(topic_file)
    run, lines = {}, []
    t0 = time.time()
    for qid, text in tq.items():
        r = subprocess.run([desm, "search", index, text, "--scorer", "bm25", "-k", "1000", "--json", *extra],
                           capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"desm search failed for topic {qid}: {r.stderr}")
        hits = [(h["docno"], h["score"]) for h in json.loads(r.stdout)["hits"]]
        ls = run_lines(qid, hits, "bm25")
        lines += ls
        run[qid] = {l.split()[2]: float(l.split()[4]) for l in ls}
    secs = time.time() - t0
    with open(run_path, "w") as f:
        f.write("\n".join(lines) + "\n")
    ev = pytrec_eval.RelevanceEvaluator(qrels(qrel_file), {"ndcg_cut_10", "recall_100"})
    res = ev.evaluate(run)
    ndcg = sum(v["ndcg_cut_10"] for v in res.values()) / len(res)
    rec = sum(v["recall_100"] for v in res.values()) / len(res)
    return ndcg, rec, len(res), secs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--desm", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--work", default="/tmp/desm-eff")
    ap.add_argument("--data", default=DATA)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    sets = [
        ("scifact", "scifact/corpus.jsonl", [("test", "scifact/topics.xml", "scifact/qrels/test.trec.txt", 0.679)]),
        ("trec-dl-passage", "trec-dl-passage/corpus.jsonl",
         [("dl19", "trec-dl-passage/topics-dl19.xml", "trec-dl-passage/qrels-dl19.txt", 0.47),
          ("dl20", "trec-dl-passage/topics-dl20.xml", "trec-dl-passage/qrels-dl20.txt", 0.47)]),
    ]
    for name, corpus, evals in sets:
        idx = os.path.join(a.work, name + ".idx")
        t0 = time.time()
        subprocess.run([a.desm, "index", "--collection", os.path.join(a.data, corpus), "--model", a.model,
                        "--out", idx, "--quiet"], check=True, capture_output=True)
        print(f"{name}: indexed in {time.time() - t0:.1f} s")
        for label, tfile, qfile, target in evals:
            ndcg, rec, n, secs = evaluate(a.desm, idx, os.path.join(a.data, tfile), os.path.join(a.data, qfile),
                                          os.path.join(a.work, f"{name}-{label}.bm25.run"))
            print(f"{name} {label}: BM25 (k1=0.9 b=0.4) NDCG@10 = {ndcg:.4f}  R@100 = {rec:.4f}  "
                  f"({n} topics; reference {target}; {secs:.1f} s incl. one process per topic)")


if __name__ == "__main__":
    main()
