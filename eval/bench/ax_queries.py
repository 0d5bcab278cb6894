#!/usr/bin/env python3
"""Compares desm's Ax expanded queries with Anserini's, topic by topic.

  ax_queries.py DESM INDEX TOPICS.tsv ANSERINI.log [--bm25 ANSERINI_BM25.run DESM_BM25.run] [-v]

TOPICS.tsv: "qid<TAB>text", the topics Anserini searched (already stopped for the qstop
sets, so desm is given the same text with no query stoplist). ANSERINI.log: the log of
SearchCollection ... -axiom -axiom.deterministic -rerankCutoff 20 -axiom.outputQuery with
-parallelism 1 (its "QID:" and "Running new query:" lines). Each topic's expanded query is
read from `desm search INDEX TEXT --scorer bm25 --ax --json` (expandedQuery).

Prints one line per topic whose expanded query differs (-v: with the terms), then a summary:
topics with the same terms and weights (within 1e-5 relative: float rounding), the same
terms with other weights, other terms, and the topics desm did not expand (no term scored;
Anserini then searches the query's raw text as one term, logging "[Empty Expanded Query]"). With --bm25, also how many of the differing topics
have a different top 20 in the first BM25 ranking (Anserini's and desm's BM25 runs), the
documents the pool starts from.
"""
import argparse
import collections
import json
import re
import subprocess


def anserini_queries(log):
    out, qid = {}, None
    for line in open(log, encoding="utf-8"):
        m = re.search(r"QID: (\S+)", line)
        if m:
            qid = m.group(1)
            continue
        m = re.search(r"Running new query: (.*)$", line)
        if m and qid is not None:
            out[qid] = {t: float(w) for t, w in re.findall(r"\(([^)]+)\)\^([0-9.eE-]+)", m.group(1))}
    return out


def top20(run):
    t = collections.defaultdict(list)
    for line in open(run, encoding="utf-8"):
        f = line.split()
        if len(t[f[0]]) < 20:
            t[f[0]].append(f[2])
    return {q: set(d) for q, d in t.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("desm")
    ap.add_argument("index")
    ap.add_argument("topics")
    ap.add_argument("log")
    ap.add_argument("--bm25", nargs=2, metavar=("ANSERINI_RUN", "DESM_RUN"))
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args()
    theirs = anserini_queries(a.log)
    tops = (top20(a.bm25[0]), top20(a.bm25[1])) if a.bm25 else None
    same = weights = terms = fallback = 0
    differing, top_differs = [], 0
    for line in open(a.topics, encoding="utf-8"):
        qid, text = line.rstrip("\n").split("\t", 1)
        r = subprocess.run([a.desm, "search", a.index, text, "--scorer", "bm25", "--ax", "--json", "-k", "1"],
                           capture_output=True, text=True, check=True)
        report = json.loads(r.stdout)
        mine = {t["term"]: t["weight"] for t in report.get("expandedQuery") or []}
        fallback += any("Ax found no term" in n for n in report.get("notes") or [])
        other = theirs.get(qid, {})
        if set(mine) != set(other):
            terms += 1
            what = f"other terms: desm only {sorted(set(mine) - set(other))}, Anserini only {sorted(set(other) - set(mine))}"
        else:
            worst = max((abs(mine[t] - other[t]) / max(other[t], 1e-12) for t in other), default=0)
            if worst <= 1e-5:
                same += 1
                continue
            weights += 1
            what = f"same terms, weights differ by up to {worst:.2%}"
        differing.append(qid)
        first = ""
        if tops:
            d = tops[0].get(qid, set()) != tops[1].get(qid, set())
            top_differs += d
            first = " (first BM25 top 20 differs)" if d else " (same first BM25 top 20)"
        print(f"{qid}: {what if a.v else what.split(':')[0]}{first}")
    n = same + weights + terms
    print(f"{n} topics: {same} expanded queries equal to Anserini's (weights within 1e-5), "
          f"{weights} with the same terms and other weights, {terms} with other terms"
          + (f"; {top_differs} of the {len(differing)} differing topics start from another BM25 top 20" if tops else "")
          + f"; desm found no term to score for {fallback} (query not expanded)")


if __name__ == "__main__":
    main()
