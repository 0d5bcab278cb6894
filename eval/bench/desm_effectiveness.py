#!/usr/bin/env python3
"""NDCG@10 of desm's scorers on one collection (default SciFact test), with a trained model.

Builds the index once per centroid kind, then runs each scorer configuration through
`desm search --json -k 1000` (one process per topic) and scores the runs with pytrec_eval.

  python3 eval/bench/desm_effectiveness.py --desm .build/release/desm --model text8-sg.model
"""
import argparse, os, subprocess, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bm25_effectiveness import DATA, topics, qrels, run_lines  # noqa: E402
import json
import pytrec_eval

CONFIGS = [
    "--scorer bm25",
    "--scorer in-out", "--scorer in-in",
    "--scorer in-out --rerank 100", "--scorer in-in --rerank 100",
    "--scorer mixture --norm none --alpha 0.97",
    "--scorer mixture --norm minmax --alpha 0.5",
    "--scorer mixture --norm zscore --alpha 0.3",
    "--scorer mixture --norm minmax --alpha 0.3 --rerank 100",
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--desm", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--work", default="/tmp/desm-desm-eff")
    ap.add_argument("--collection", default=os.path.join(DATA, "scifact/corpus.jsonl"))
    ap.add_argument("--topics", default=os.path.join(DATA, "scifact/topics.xml"))
    ap.add_argument("--qrels", default=os.path.join(DATA, "scifact/qrels/test.trec.txt"))
    ap.add_argument("--centroids", default="mean,idf")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    tq, qr = topics(a.topics), qrels(a.qrels)
    for centroid in a.centroids.split(","):
        idx = os.path.join(a.work, f"idx-{centroid}")
        subprocess.run([a.desm, "index", "--collection", a.collection, "--model", a.model, "--out", idx,
                        "--centroid", centroid, "--quiet"], check=True, capture_output=True)
        for cfg in CONFIGS:
            if centroid != "mean" and "bm25" in cfg.split()[1:2]:
                continue
            run, t0 = {}, time.time()
            for qid, text in tq.items():
                r = subprocess.run([a.desm, "search", idx, text, "-k", "1000", "--json", *cfg.split()],
                                   capture_output=True, text=True)
                if r.returncode != 0:
                    sys.exit(f"desm search failed ({cfg}, topic {qid}): {r.stderr}")
                hits = [(h["docno"], h["score"]) for h in json.loads(r.stdout)["hits"]]
                run[qid] = {l.split()[2]: float(l.split()[4]) for l in run_lines(qid, hits, "x")}
            res = pytrec_eval.RelevanceEvaluator(qr, {"ndcg_cut_10"}).evaluate(run)
            ndcg = sum(v["ndcg_cut_10"] for v in res.values()) / len(res)
            print(f"centroid {centroid:4s}  {cfg:55s} NDCG@10 {ndcg:.4f}  ({len(res)} topics, {time.time() - t0:.0f} s)",
                  flush=True)


if __name__ == "__main__":
    main()
