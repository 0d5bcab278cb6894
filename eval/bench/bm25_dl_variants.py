#!/usr/bin/env python3
"""BM25 analysis variants on the TREC DL 2019/2020 passage subset (and SciFact).

A self-contained re-implementation of desm's BM25 (Lucene formula, k1 0.9, b 0.4, exact
document lengths) over several analyzers, to find out which analysis choice explains the
gap between desm (NDCG@10 0.462 / 0.457) and the data README's "plain BM25" (0.482 / 0.488).
The `desm` variant mirrors desm's analyzer (`Sources/DesmText/Analysis/Analyzer.swift`);
its numbers should equal `desm run --scorer bm25` (a check on desm itself).

  python3 eval/bench/bm25_dl_variants.py [--variants desm,nostop,...] [--scifact]

Ties: score descending, docno descending (trec_eval 9 / pytrec_eval order); depth 1000.
"""
import argparse, json, math, os, re, sys, unicodedata
from collections import Counter, defaultdict
import xml.etree.ElementTree as ET

import numpy as np
import pytrec_eval
from nltk.stem.porter import PorterStemmer

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "data")

LUCENE_STOP = set("""a an and are as at be but by for if in into is it no not of on or such that
the their then there these they this to was will with""".split())
# Common MS MARCO question words (query side only variant).
QUESTION_WORDS = set("""what is how who when where which why define definition meaning does do
are was can the a an of""".split())
WH = set("what how who whom when where which why".split())
AUX = set("do does did can is are was were".split())
DEF = set("define definition meaning".split())
try:
    from bm25s.stopwords import STOPWORDS_EN_PLUS  # NLTK's 179 English stopwords
    NLTK_STOP = set(STOPWORDS_EN_PLUS)
except ImportError:
    NLTK_STOP = LUCENE_STOP

_porter = PorterStemmer(mode=PorterStemmer.MARTIN_EXTENSIONS)  # = Lucene: <= 2 letters untouched
_stem_cache = {}


def porter(w):
    s = _stem_cache.get(w)
    if s is None:
        s = _porter.stem(w, to_lowercase=False)
        _stem_cache[w] = s
    return s


def crude(w):
    # "crude suffix stripping": plural/verb endings only.
    for suf in ("ies", "sses", "ing", "ed", "es", "s"):
        if len(w) > len(suf) + 2 and w.endswith(suf):
            if suf == "ies":
                return w[:-3] + "y"
            if suf == "sses":
                return w[:-2]
            if suf == "s" and w.endswith("ss"):
                return w
            return w[: -len(suf)]
    return w


def sstrip(w):
    # S-stemmer (Harman 1991)
    if len(w) > 3 and w.endswith("ies") and not w.endswith(("eies", "aies")):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("es") and not w.endswith(("aes", "ees", "oes")):
        return w[:-1]
    if len(w) > 2 and w.endswith("s") and not w.endswith(("us", "ss")):
        return w[:-1]
    return w


# --- tokenizers -----------------------------------------------------------------------
_WORD = r"[^\W_]"  # letter or digit (Unicode)


def tok_desm(text):
    """desm analyzer v1: runs of letters/digits; inner apostrophe joins; final 's dropped."""
    text = unicodedata.normalize("NFC", text).replace("\u2019", "'")
    out = []
    for m in re.finditer(r"[^\W_]+(?:'[^\W\d_][^\W_]*)*", text):
        t = m.group(0)
        parts = t.split("'")
        if len(parts) > 1 and parts[-1].lower() == "s":
            parts = parts[:-1]
        out.append("".join(parts).lower())
    return [t for t in out if len(t) <= 255]


def tok_split_apos(text):
    """Apostrophes always separate ("don't" -> "don", "t"; "john's" -> "john", "s")."""
    return [t.lower() for t in re.findall(r"[^\W_]+", text)]


def tok_uax(text):
    """Approximation of Lucene StandardTokenizer: "3.14", "u.s", "e.g" and "don't" stay whole;
    then EnglishPossessiveFilter drops a final 's."""
    text = text.replace("\u2019", "'")
    out = []
    for m in re.finditer(r"[^\W_]+(?:[.,'][^\W_]+)*", text):
        t = m.group(0).lower()
        if t.endswith("'s"):
            t = t[:-2]
        out.append(t)
    return out


def tok_ws(text):
    """Whitespace split, strip surrounding punctuation (a 'plain' script tokenizer)."""
    out = []
    for w in text.lower().split():
        w = re.sub(r"^\W+|\W+$", "", w)
        if w:
            out.append(w)
    return out


def dedup(text):
    """Cuts an MS MARCO passage whose text repeats itself (a scraping artefact in ~7 % of this
    corpus: "... (Thai: X).he Thai baht, like ...") at the start of the repeat."""
    if len(text) > 120:
        j = text.find(text[1:41], 41)
        if j > 0:
            return text[:j]
    return text


def make_analyzer(tok, stop, stem, pre=None):
    def analyze(text):
        toks = tok(pre(text) if pre else text)
        if stop:
            toks = [t for t in toks if t not in stop]
        if stem:
            toks = [stem(t) for t in toks]
        return toks
    return analyze


VARIANTS = {
    # name: (doc analyzer, query analyzer)
    "desm": (make_analyzer(tok_desm, LUCENE_STOP, porter),) * 2,
    "nostop": (make_analyzer(tok_desm, None, porter),) * 2,
    "nostem": (make_analyzer(tok_desm, LUCENE_STOP, None),) * 2,
    "sstem": (make_analyzer(tok_desm, LUCENE_STOP, sstrip),) * 2,
    "crude": (make_analyzer(tok_desm, LUCENE_STOP, crude),) * 2,
    "crude_nostop": (make_analyzer(tok_desm, None, crude),) * 2,
    "split_apos": (make_analyzer(tok_split_apos, LUCENE_STOP, porter),) * 2,
    "uax": (make_analyzer(tok_uax, LUCENE_STOP, porter),) * 2,
    "ws_crude": (make_analyzer(tok_ws, None, crude),) * 2,
    "ws_crude_stop": (make_analyzer(tok_ws, LUCENE_STOP, crude),) * 2,
    "qstop_question": (make_analyzer(tok_desm, LUCENE_STOP, porter),
                       make_analyzer(tok_desm, LUCENE_STOP | QUESTION_WORDS, porter)),
    "q_wh": (make_analyzer(tok_desm, LUCENE_STOP, porter),
             make_analyzer(tok_desm, LUCENE_STOP | WH, porter)),
    "q_wh_aux": (make_analyzer(tok_desm, LUCENE_STOP, porter),
                 make_analyzer(tok_desm, LUCENE_STOP | WH | AUX, porter)),
    "q_def": (make_analyzer(tok_desm, LUCENE_STOP, porter),
              make_analyzer(tok_desm, LUCENE_STOP | DEF, porter)),
    "nltkstop_q": (make_analyzer(tok_desm, LUCENE_STOP, porter),
                   make_analyzer(tok_desm, LUCENE_STOP | NLTK_STOP, porter)),
    "nltkstop_both": (make_analyzer(tok_desm, LUCENE_STOP | NLTK_STOP, porter),) * 2,
    "sstem_q_wh": (make_analyzer(tok_desm, LUCENE_STOP, sstrip),
                   make_analyzer(tok_desm, LUCENE_STOP | WH, sstrip)),
    "dedup": (make_analyzer(tok_desm, LUCENE_STOP, porter, dedup),) * 2,
    "crude_nltkstop": (make_analyzer(tok_desm, LUCENE_STOP | NLTK_STOP, crude),) * 2,
}


# --- data -----------------------------------------------------------------------------
def load_corpus(path):
    ids, texts = [], []
    for line in open(path, encoding="utf-8"):
        d = json.loads(line)
        ids.append(d["_id"])
        texts.append((d.get("title") or "") + " " + (d.get("text") or ""))
    return ids, texts


def load_topics(path, field="query"):
    out = {}
    for t in ET.parse(path).getroot().iter("topic"):
        el = t.find(field)
        if el is not None and el.text:
            out[t.get("number")] = el.text.strip()
    return out


def load_qrels(path):
    q = {}
    for line in open(path):
        f = line.split()
        if len(f) >= 4:
            q.setdefault(f[0], {})[f[2]] = int(f[3])
    return q


class BM25:
    def __init__(self, docs_tokens, k1=0.9, b=0.4):
        self.k1, self.b = k1, b
        self.N = len(docs_tokens)
        self.dl = np.array([len(t) for t in docs_tokens], dtype=np.float64)
        self.avgdl = self.dl.mean()
        self.post = defaultdict(list)
        for i, toks in enumerate(docs_tokens):
            for term, tf in Counter(toks).items():
                self.post[term].append((i, tf))
        self.norm = k1 * (1 - b + b * self.dl / self.avgdl)

    def idf(self, term):
        n = len(self.post.get(term, ()))
        return math.log(1 + (self.N - n + 0.5) / (n + 0.5))

    def score(self, qtoks):
        s = np.zeros(self.N)
        hit = np.zeros(self.N, dtype=bool)
        for term, qtf in Counter(qtoks).items():
            p = self.post.get(term)
            if not p:
                continue
            idf = self.idf(term)
            d = np.fromiter((x[0] for x in p), dtype=np.int64, count=len(p))
            tf = np.fromiter((x[1] for x in p), dtype=np.float64, count=len(p))
            s[d] += qtf * idf * tf * (self.k1 + 1) / (tf + self.norm[d])
            hit[d] = True
        return s, hit


def rank(bm, ids, qtoks, depth=1000):
    s, hit = bm.score(qtoks)
    cand = np.nonzero(hit)[0]
    # score desc, docno desc (trec_eval order)
    order = sorted(cand, key=lambda i: (-s[i], tuple(-b for b in ids[i].encode())))
    return {ids[i]: float(s[i]) for i in order[:depth]}


def ndcg10(run, qrels):
    ev = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut.10"})
    res = ev.evaluate(run)
    return float(np.mean([v["ndcg_cut_10"] for v in res.values()])), res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--scifact", action="store_true")
    ap.add_argument("--k1", type=float, default=0.9)
    ap.add_argument("--b", type=float, default=0.4)
    ap.add_argument("--dump-run", default=None, help="write the DL runs of the first variant here (prefix)")
    args = ap.parse_args()
    dl = os.path.join(DATA, "trec-dl-passage")
    ids, texts = load_corpus(os.path.join(dl, "corpus.jsonl"))
    sets = [("DL19", load_topics(os.path.join(dl, "topics-dl19.xml")), load_qrels(os.path.join(dl, "qrels-dl19.txt"))),
            ("DL20", load_topics(os.path.join(dl, "topics-dl20.xml")), load_qrels(os.path.join(dl, "qrels-dl20.txt")))]
    if args.scifact:
        sf = os.path.join(DATA, "scifact")
        sids, stexts = load_corpus(os.path.join(sf, "corpus.jsonl"))
        sq = {}
        for line in open(os.path.join(sf, "queries.jsonl")):
            d = json.loads(line)
            sq[d["_id"]] = d["text"]
        sqrels = {}
        for line in open(os.path.join(sf, "qrels", "test.tsv")):
            f = line.split()
            if f[0] == "query-id":
                continue
            sqrels.setdefault(f[0], {})[f[1]] = int(f[2])
        sq = {k: v for k, v in sq.items() if k in sqrels}
    print(f"| variant | DL19 | DL20 |" + (" SciFact |" if args.scifact else ""))
    print("|---|---|---|" + ("---|" if args.scifact else ""))
    for vi, name in enumerate(args.variants.split(",")):
        dan, qan = VARIANTS[name]
        bm = BM25([dan(t) for t in texts], args.k1, args.b)
        row = [name]
        for tag, tq, qr in sets:
            run = {q: rank(bm, ids, qan(t)) for q, t in tq.items()}
            if args.dump_run and vi == 0:
                with open(f"{args.dump_run}-{tag}.run", "w") as f:
                    for q, hits in run.items():
                        for r, (d, sc) in enumerate(hits.items()):
                            f.write(f"{q} Q0 {d} {r + 1} {sc:.9g} py\n")
            row.append(f"{ndcg10(run, qr)[0]:.4f}")
        if args.scifact:
            sbm = BM25([dan(t) for t in stexts], args.k1, args.b)
            run = {q: rank(sbm, sids, qan(t)) for q, t in sq.items()}
            row.append(f"{ndcg10(run, sqrels)[0]:.4f}")
        print("| " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main()
