#!/usr/bin/env python3
"""Does mean-centring fix IN-OUT DESM? NDCG@10 of DESM variants, recomputed in numpy.

Reads a desm model file directly (W_IN, W_OUT, vocabulary counts), tokenises the collection
like desm's embedding analyzer (lowercase, runs of letters/digits/marks, apostrophe rules,
tokens over 64 characters dropped; out-of-vocabulary words skipped), builds document
centroids D̂ and query vectors Q̄ for each variant, and scores with pytrec_eval:

  plain        DESM as in the paper: D̂ = normalised sum of unit word vectors, Q̄ = mean of
               the query words' unit IN vectors, score Q̄ᵀD̂.
  wc-unif      word centring: every word vector w ← w − μ before normalising, μ the plain
               mean of the space's rows (IN mean for IN, OUT mean for OUT); queries too.
  wc-freq      the same with μ the corpus-count-weighted mean of the rows.
  wc-coll      the same with μ the collection-token-weighted mean of the rows (the mean of
               the collection's word vectors, token occurrences counted).
  dc           document centring: D̂ ← normalise(D̂ − m), m the mean of all documents' D̂
               in that space (queries unchanged).
  idf          IDF-weighted centroids (`desm index --centroid idf`).
  idf+wc-freq  both.

Modes: re-ranking BM25's top 100 (from a run file) and ranking the full collection (top 1000).
Also prints the expected NDCG@10 of a random order of the top 100 (mean of 20 shuffles).

  python3 eval/bench/desm_centering.py --model M --corpus C --topics T --qrels Q --run bm25.run
"""
import argparse, json, math, struct, sys
import numpy as np
import pytrec_eval
from scipy import sparse
import regex
import xml.etree.ElementTree as ET


def load_model(path):
    """words, counts, W_IN, W_OUT of a desm model file (see DesmWord2Vec/ModelFile.swift)."""
    b = open(path, "rb").read()
    assert b[:8] == b"DESMW2V\x00", "not a desm model"
    _, flags, dim, V, _ = struct.unpack_from("<IIqqq", b, 8)
    assert flags & 1, "model has no W_OUT"
    voff, _ = struct.unpack_from("<qq", b, 40)
    oin, oout, _ = struct.unpack_from("<qqq", b, 56)
    counts = np.frombuffer(b, dtype="<i8", count=V, offset=voff).astype(np.float64)
    offs = np.frombuffer(b, dtype="<u8", count=V + 1, offset=voff + 8 * V)
    s0 = voff + 16 * V + 8
    words = [b[s0 + int(offs[i]):s0 + int(offs[i + 1])].decode() for i in range(V)]
    win = np.frombuffer(b, dtype="<f4", count=V * dim, offset=oin).reshape(V, dim).astype(np.float64)
    wout = np.frombuffer(b, dtype="<f4", count=V * dim, offset=oout).reshape(V, dim).astype(np.float64)
    return words, counts, win, wout


_POSS = regex.compile(r"(?<=[\p{L}\p{N}])['\u2019][sS](?![\p{L}\p{N}\p{M}])")
_JOIN = regex.compile(r"(?<=[\p{L}\p{N}])['\u2019](?=\p{L})")
_TOK = regex.compile(r"[\p{L}\p{N}][\p{L}\p{N}\p{M}]*")


def tokens(text):
    text = _JOIN.sub("", _POSS.sub("", text))
    return [t for t in (m.lower() for m in _TOK.findall(text)) if len(t) <= 64]


def read_corpus(path):
    ids, texts = [], []
    for line in open(path):
        d = json.loads(line)
        ids.append(d["_id"])
        t = d.get("title") or ""
        texts.append(t + "\n" + d["text"] if t else d["text"])
    return ids, texts


def read_topics(path):
    return {t.get("number"): t.find("query").text.strip() for t in ET.parse(path).getroot().iter("topic")
            if t.find("query") is not None and t.find("query").text}


def read_qrels(path):
    q = {}
    for line in open(path):
        f = line.split()
        if len(f) >= 4:
            q.setdefault(f[0], {})[f[2]] = int(f[3])
    return q


def read_run(path, depth):
    r = {}
    for line in open(path):
        f = line.split()
        r.setdefault(f[0], []).append((f[2], float(f[4])))
    return {q: [d for d, _ in sorted(h, key=lambda x: -x[1])[:depth]] for q, h in r.items()}


def unit(m):
    n = np.linalg.norm(m, axis=-1, keepdims=True)
    return np.divide(m, n, out=np.zeros_like(m), where=n > 0)


def ndcg(qrels, run):
    res = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut_10"}).evaluate(run)
    return sum(v["ndcg_cut_10"] for v in res.values()) / max(len(res), 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--topics", required=True)
    ap.add_argument("--qrels", required=True)
    ap.add_argument("--run", required=True, help="BM25 run whose top --depth documents are re-ranked")
    ap.add_argument("--depth", type=int, default=100)
    ap.add_argument("--index", help="a desm index of the same model: check the plain centroids against it")
    ap.add_argument("--label", default="")
    a = ap.parse_args()

    words, counts, win, wout = load_model(a.model)
    vid = {w: i for i, w in enumerate(words)}
    V, dim = win.shape
    ids, texts = read_corpus(a.corpus)
    N = len(ids)
    doc_tok = [np.array([vid[t] for t in tokens(x) if t in vid], dtype=np.int64) for x in texts]
    topics, qrels = read_topics(a.topics), read_qrels(a.qrels)
    q_tok = {q: np.array([vid[t] for t in tokens(x) if t in vid], dtype=np.int64) for q, x in topics.items()}
    bm25 = read_run(a.run, a.depth)
    pos = {d: i for i, d in enumerate(ids)}

    # Sparse document × vocabulary count matrix (for centroids as one product).
    rows = np.concatenate([np.full(len(t), i) for i, t in enumerate(doc_tok)])
    cols = np.concatenate(doc_tok)
    tf = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(N, V))  # duplicates summed
    coll = np.asarray(tf.sum(0)).ravel()          # collection token counts per word
    df = np.asarray((tf > 0).sum(0)).ravel().astype(np.float64)
    idf = np.log(1 + (N - df + 0.5) / (df + 0.5))

    def centroids(u, weights=None):
        m = tf if weights is None else tf @ sparse.diags(weights)
        return unit(np.asarray(m @ u))

    def spaces(center, weights=None):
        """Unit word vectors after optional centring, and the two centroid matrices."""
        ui, uo = win, wout
        if center is not None:
            ui = win - np.average(win, axis=0, weights=center)
            uo = wout - np.average(wout, axis=0, weights=center)
        ui, uo = unit(ui), unit(uo)
        return ui, uo, centroids(ui, weights), centroids(uo, weights)

    variants = {}
    ui, uo, ci, co = spaces(None)
    variants["plain"] = (ui, ci, co)
    if a.index:
        def read_c(p):
            raw = open(p, "rb").read()
            return np.frombuffer(raw[64:64 + N * dim * 4], dtype="<f4").reshape(N, dim)
        for name, mine in (("in", ci), ("out", co)):
            theirs = read_c(f"{a.index}/centroids.{name}")
            cos = np.sum(theirs * mine, axis=1)
            print(f"# tokenisation check, {name}: min cos(index, numpy) {cos.min():.6f}, "
                  f"documents with cos < 0.9999: {(cos < 0.9999).sum()}", file=sys.stderr)
    mean_in, mean_out = win.mean(0), wout.mean(0)
    print(f"# cos(mean IN, mean OUT) = {mean_in @ mean_out / np.linalg.norm(mean_in) / np.linalg.norm(mean_out):.3f}",
          file=sys.stderr)
    u = np.ones(V)
    for name, w in (("wc-unif", u), ("wc-freq", counts), ("wc-coll", coll + 1e-12)):
        ui2, uo2, ci2, co2 = spaces(w)
        variants[name] = (ui2, ci2, co2)
    variants["dc"] = (ui, unit(ci - ci.mean(0)), unit(co - co.mean(0)))
    _, _, cii, coi = spaces(None, idf)
    variants["idf"] = (ui, cii, coi)
    ui3, _, ci3, co3 = spaces(counts, idf)
    variants["idf+wc-freq"] = (ui3, ci3, co3)

    qids = [q for q in topics if q in qrels]
    rng = np.random.default_rng(1)
    rand = []
    for _ in range(20):
        run = {}
        for q in qids:
            docs = bm25.get(q, [])
            perm = rng.permutation(len(docs))
            run[q] = {docs[j]: float(len(docs) - r) for r, j in enumerate(perm)}
        rand.append(ndcg(qrels, run))
    base = ndcg(qrels, {q: {d: float(len(bm25.get(q, [])) - r) for r, d in enumerate(bm25.get(q, []))} for q in qids})

    out = [f"| {a.label} variant | IN-IN rerank | IN-OUT rerank | IN-IN full | IN-OUT full |",
           "|---|---|---|---|---|"]
    for name, (uq, ci_, co_) in variants.items():
        cells = []
        for mode in ("rerank", "full"):
            for c in (ci_, co_):
                run = {}
                for q in qids:
                    t = q_tok[q]
                    if len(t) == 0:
                        continue
                    qv = uq[t].mean(0)
                    if mode == "rerank":
                        docs = [d for d in bm25.get(q, []) if d in pos]
                        s = c[[pos[d] for d in docs]] @ qv
                        run[q] = {d: float(x) for d, x in zip(docs, s)}
                    else:
                        s = c @ qv
                        top = np.argsort(-s, kind="stable")[:1000]
                        run[q] = {ids[j]: float(s[j]) for j in top}
                cells.append(ndcg(qrels, run))
        out.append(f"| {name} | {cells[0]:.3f} | {cells[1]:.3f} | {cells[2]:.3f} | {cells[3]:.3f} |")
    print("\n".join(out))
    print(f"\nBM25 top {a.depth} as is: {base:.3f}; random order of it: {np.mean(rand):.3f} (± {np.std(rand):.3f}, 20 shuffles); "
          f"{len(qids)} topics, {sum(1 for q in qids if len(q_tok[q]) == 0)} without in-vocabulary words")


if __name__ == "__main__":
    main()
