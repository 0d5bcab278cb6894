#!/usr/bin/env python3
"""Prints the README's results tables (NDCG@10) from the experiment reports in eval/results/.

Marks come from each report's first table (against bm25): ▲/▼ = significantly above/below
BM25 (paired t-test and/or randomization test, p < 0.05). Usage: eval/bench/readme_tables.py
"""
import os
import re

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ROWS = [
    ("sample (40 topics)", "coll.", "sample"),
    ("SciFact (300)", "coll.", "scifact"), ("SciFact", "text8", "scifact-text8"), ("SciFact", "centred", "scifact-centred"),
    ("Cranfield (225)", "coll.", "cranfield"), ("Cranfield", "text8", "cranfield-text8"), ("Cranfield", "centred", "cranfield-centred"),
    ("TREC DL 2019 (43)", "coll.", "trec-dl19"), ("TREC DL 2019", "text8", "trec-dl19-text8"), ("TREC DL 2019", "centred", "trec-dl19-centred"),
    ("TREC DL 2020 (54)", "coll.", "trec-dl20"), ("TREC DL 2020", "text8", "trec-dl20-text8"), ("TREC DL 2020", "centred", "trec-dl20-centred"),
]
DESM = [("BM25", "bm25"), ("BM25+RM3", "bm25+rm3"), ("IN-IN", "in-in"), ("IN-OUT", "in-out"), ("rerank IN-IN", "rerank:in-in"),
        ("rerank IN-OUT", "rerank:in-out"), ("mix IN-IN", "mixture:in-in"), ("mix IN-OUT", "mixture:in-out")]
FEEDBACK = [("BM25", "bm25"), ("BM25+RM3", "bm25+rm3"), ("BM25+Ax", "bm25+ax"), ("BM25+RM3e", "bm25+rm3e"), ("BM25+topical", "bm25+topical"),
            ("mix IN-OUT+RM3", "mixture:in-out+rm3"), ("mix IN-IN+RM3", "mixture:in-in+rm3"), ("mix IN-IN+Ax", "mixture:in-in+ax"),
            ("mix IN-OUT+RM3+vfb", "mixture:in-out+rm3+vfb"), ("mix IN-IN+RM3e", "mixture:in-in+rm3e")]


def ndcg10(name):
    """system → 'value mark' from the report's first table (NDCG@10 is its 4th column)."""
    path = os.path.join(ROOT, "eval", "results", name + ".md")
    if not os.path.exists(path):
        return None
    out = {}
    for line in open(path, encoding="utf-8"):
        if line.startswith("### Against"):
            break
        m = re.match(r"\| `([^`]+)`(?: \([a-z]+\))? \|(.*)\|\s*$", line)
        if m:
            cells = [c.strip() for c in m.group(2).split("|")]
            if len(cells) >= 3 and m.group(1) not in out:
                value = cells[2]
                mark = "▲" if "▲" in value else ("▼" if "▼" in value else "")
                out[m.group(1)] = value.split()[0] + (" " + mark if mark else "")
    return out


def table(columns):
    lines = ["| collection | embeddings | " + " | ".join(c for c, _ in columns) + " |",
             "|---|---|" + "---:|" * len(columns)]
    for label, emb, name in ROWS:
        values = ndcg10(name)
        if values is None:
            continue
        lines.append(f"| {label} | {emb} | " + " | ".join(values.get(s, "–") for _, s in columns) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(DESM))
    print()
    print(table(FEEDBACK))
