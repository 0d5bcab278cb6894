#!/usr/bin/env python3
"""Checks desm's DESM top-k (DIR/desm_topk.tsv from `desm bench search --dump DIR`) against an
exact float64 search over the index's OUT centroids: every listed score must equal the exact
one to 1e-5, and every list must be an exact top-k up to ties within 1e-5.
  python3 eval/bench/check_topk_exact.py --index IDX --dump DIR [--limit 100]"""
import argparse, json, os
import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("--index", required=True); ap.add_argument("--dump", required=True)
ap.add_argument("--limit", type=int, default=100)
a = ap.parse_args()
m = json.load(open(os.path.join(a.index, "manifest.json")))
n, dim = m["documents"], m["dim"]
xb = np.memmap(os.path.join(a.index, "centroids.out"), dtype="<f4", mode="r", offset=64, shape=(n, dim))
xq = np.fromfile(os.path.join(a.dump, "queries.f32"), dtype="<f4").reshape(-1, dim).astype(np.float64)
rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(a.dump, "desm_topk.tsv"))]
sel = [i for i, r in enumerate(rows) if len(r) > 1 and r[1]][: a.limit]
exact = np.zeros((len(sel), n))
for s in range(0, n, 100_000):
    exact[:, s:s + 100_000] = xq[sel] @ np.asarray(xb[s:s + 100_000], dtype=np.float64).T
bad_score = bad_set = 0
worst = 0.0
for j, i in enumerate(sel):
    hits = [(int(h.split(":")[0]), float(h.split(":")[1])) for h in rows[i][1].split()]
    k = len(hits)
    for d, s in hits:
        worst = max(worst, abs(exact[j, d] - s))
        if abs(exact[j, d] - s) > 1e-5: bad_score += 1
    kth = np.sort(exact[j])[-k]
    # Every document scoring clearly above the k-th best must be listed.
    must = set(np.nonzero(exact[j] > kth + 1e-5)[0].tolist())
    if not must <= {d for d, _ in hits} or min(exact[j, d] for d, _ in hits) < kth - 1e-5: bad_set += 1
print(f"{len(sel)} queries: scores off by > 1e-5: {bad_score}; lists not an exact top-k up to 1e-5 ties: {bad_set}; "
      f"largest score difference {worst:.2e}")
