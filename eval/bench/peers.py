#!/usr/bin/env python3
"""Times faiss (exact IndexFlatIP) and bm25s on the same search desm just did.

Run after `desm bench search --dump DIR` on the same machine, in the same session:

  python3 eval/bench/peers.py --index IDX --dump DIR --collection C.jsonl --queries Q.tsv

faiss: the index's OUT centroids (read from centroids.out, header 64 bytes) searched with
desm's IN query vectors (DIR/queries.f32), k as in desm's dump; reports seconds for the
whole batch, queries/second, and how many top-k lists equal desm's (ids and order; lists
that differ only by swapping near-ties within 1e-6 are counted separately).
bm25s: indexes the collection (its own tokenizer, English stopwords, PyStemmer Porter
stemmer, required so that its tokens are stemmed like desm's) and times retrieval of the same queries with 1 thread and with
--threads; query tokenisation is included, as desm's timings include query analysis.
"""
import argparse, json, os, sys, time

try:
    import numpy as np
except ImportError as e:
    sys.exit(f"skipped: {e}")


def read_topk(path):
    out = []
    for line in open(path):
        qid, _, rest = line.rstrip("\n").partition("\t")
        hits = [(int(h.split(":")[0]), float(h.split(":")[1])) for h in rest.split()] if rest else []
        out.append((qid, hits))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", required=True)
    ap.add_argument("--dump", required=True)
    ap.add_argument("--collection", required=True)
    ap.add_argument("--queries", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--skip-bm25s", action="store_true")
    a = ap.parse_args()
    manifest = json.load(open(os.path.join(a.index, "manifest.json")))
    n, dim = manifest["documents"], manifest["dim"]
    timings = dict(l.split("\t") for l in open(os.path.join(a.dump, "timings.tsv")).read().split("\n") if l)
    desm = read_topk(os.path.join(a.dump, "desm_topk.tsv"))
    k = max(len(h) for _, h in desm)

    try:
        import faiss
    except ImportError:
        print("faiss: not installed, skipped")
        faiss = None
    if faiss is not None:
        faiss.omp_set_num_threads(a.threads)
        xb = np.array(np.memmap(os.path.join(a.index, "centroids.out"), dtype="<f4", mode="r", offset=64, shape=(n, dim)))
        xq = np.fromfile(os.path.join(a.dump, "queries.f32"), dtype="<f4").reshape(-1, dim)
        index = faiss.IndexFlatIP(dim)
        index.add(xb)
        index.search(xq[:4], k)  # warm-up
        best = None
        for _ in range(3):
            t0 = time.perf_counter()
            D, I = index.search(xq, k)
            s = time.perf_counter() - t0
            best = s if best is None else min(best, s)
        same = near = compared = exact_desm = exact_faiss = 0
        for qi, (qid, hits) in enumerate(desm):
            if not hits or not np.any(xq[qi]):
                continue
            compared += 1
            ids = [h[0] for h in hits]
            theirs = [int(x) for x in I[qi]]
            if ids == theirs:
                same += 1
                continue
            if set(ids) == set(theirs) or np.allclose(sorted([h[1] for h in hits]), sorted(D[qi]), atol=1e-6):
                near += 1
            # Which list is the exact order? Scores in float64, ties by document number.
            cand = sorted(set(ids) | set(theirs))
            exact = {d: float(np.dot(xq[qi].astype(np.float64), xb[d].astype(np.float64))) for d in cand}
            truth = sorted(cand, key=lambda d: (-exact[d], d))[:len(ids)]
            exact_desm += ids == truth
            exact_faiss += theirs == truth
        ds = float(timings["desm_batch_seconds"])
        print(f"faiss IndexFlatIP ({a.threads} threads, best of 3): {best:.3f} s for {len(xq)} queries "
              f"= {len(xq) / best:.1f} queries/s")
        print(f"desm batched DESM: {ds:.3f} s = {len(xq) / ds:.1f} queries/s  ->  desm/faiss time ratio {ds / best:.2f}")
        print(f"top-{k} identical to desm: {same}/{compared} (near-tie reorderings: {near})")
        if same < compared:
            print(f"of the {compared - same} lists that differ, the exact order (float64 scores, ties by document number) "
                  f"is desm's in {exact_desm}, faiss's in {exact_faiss}")
        # One query at a time (nq = 1), the same queries desm timed one at a time.
        single = int(timings.get("desm_single_queries", 0))
        if single:
            lat = []
            for qi in range(single):
                t0 = time.perf_counter()
                index.search(xq[qi:qi + 1], k)
                lat.append(time.perf_counter() - t0)
            f50 = sorted(lat)[len(lat) // 2]
            d50 = float(timings["desm_single_p50_seconds"])
            print(f"faiss IndexFlatIP one query at a time ({a.threads} threads): p50 {f50 * 1000:.2f} ms over {single} queries")
            print(f"desm DESM one query at a time: p50 {d50 * 1000:.2f} ms  ->  desm/faiss p50 ratio {d50 / f50:.2f}")

    if a.skip_bm25s:
        return
    try:
        import bm25s
    except ImportError:
        print("bm25s: not installed, skipped")
        return
    try:
        import Stemmer
        stemmer = Stemmer.Stemmer("english")
    except ImportError:
        # Without it bm25s would not stem, and would compare an easier job with desm's.
        print("bm25s: PyStemmer is not installed (pip install PyStemmer): skipped, its tokens would not be stemmed like desm's")
        return
    texts = []
    for line in open(a.collection):
        d = json.loads(line)
        texts.append((d.get("title") or "") + " " + (d.get("text") or ""))
    queries = [l.rstrip("\n").split("\t", 1)[-1] for l in open(a.queries) if l.strip()]
    t0 = time.perf_counter()
    tok = bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False)
    retriever = bm25s.BM25(k1=0.9, b=0.4)
    retriever.index(tok, show_progress=False)
    print(f"bm25s index: {time.perf_counter() - t0:.1f} s for {len(texts)} documents (stemmer: {'PyStemmer' if stemmer else 'none'})")
    del texts, tok
    for threads in (1, a.threads):
        t0 = time.perf_counter()
        qt = bm25s.tokenize(queries, stopwords="en", stemmer=stemmer, show_progress=False)
        retriever.retrieve(qt, k=k, n_threads=threads, show_progress=False)
        s = time.perf_counter() - t0
        print(f"bm25s retrieve ({threads} thread{'s' if threads > 1 else ''}): {s:.3f} s = {len(queries) / s:.1f} queries/s")
    bs, bb = float(timings["bm25_single_seconds"]), float(timings["bm25_batch_seconds"])
    print(f"desm BM25: 1 thread {bs:.3f} s = {len(queries) / bs:.1f} queries/s; {a.threads} threads {bb:.3f} s = {len(queries) / bb:.1f} queries/s")


if __name__ == "__main__":
    main()
