#!/usr/bin/env python3
"""Turn the log of `SearchCollection -rm3 -rm3.outputQuery` into a readable sample.

  rm3_sample.py NAME TOPICS.tsv SEARCH.log   (appends to stdout)

Anserini 0.21's Rm3Reranker logs, per topic: `QID: q`, `Original Query: <Lucene query>`,
`Feedback Query: <Lucene query>` (the query it runs: one boosted term per entry) and one
`Feedback term: term -> weight` line per term. The feedback query is
    w(t) = originalQueryWeight * q(t) + (1 - originalQueryWeight) * rm(t)
where q is the analyzed query's term-frequency vector scaled to L1 norm 1 and rm is the RM1
relevance model over the top fbDocs documents, cut to its fbTerms best terms and scaled to
L1 norm 1 (so the weights sum to 1).
"""
import re
import sys

LINE = re.compile(r"(QID|Original Query|Feedback Query|Feedback term): (.*)$")


def main(name, topics_path, log_path):
    topics = [l.rstrip("\n").split("\t", 1) for l in open(topics_path, encoding="utf-8") if l.strip()]
    blocks, cur = {}, None
    for line in open(log_path, encoding="utf-8"):
        m = LINE.search(line.rstrip("\n"))
        if not m:
            continue
        key, val = m.groups()
        if key == "QID":
            cur = blocks.setdefault(val.strip(), {"terms": []})
        elif cur is None:
            continue
        elif key == "Original Query":
            cur["original"] = val.strip()
        elif key == "Feedback Query":
            cur["feedback"] = val.strip()
        else:
            term, _, w = val.rpartition(" -> ")
            cur["terms"].append((term, float(w)))
    print(f"## {name}\n")
    for qid, text in topics:
        b = blocks.get(qid)
        print(f"topic {qid}: {text}")
        if b is None:
            print("  (no RM3 output logged)\n")
            continue
        print(f"  original query (analyzed, as logged): {b.get('original', '?')}")
        print(f"  feedback query (as logged):           {b.get('feedback', '?')}")
        terms = sorted(b["terms"], key=lambda tw: (-tw[1], tw[0]))
        print(f"  {len(terms)} terms by weight (sum {sum(w for _, w in terms):.6f}):")
        for term, w in terms:
            print(f"    {term}\t{w:.8f}")
        print()


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
