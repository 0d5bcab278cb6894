#!/usr/bin/env python3
"""Input preparation for run_anserini.sh (Anserini JsonCollection docs and TsvString topics).

  prep.py docs CORPUS.jsonl OUT.jsonl
      BEIR-like {"_id","title","text"} -> {"id": _id, "contents": title + " " + text}
      (no leading space when the title is empty, which does not change Lucene's tokens).
  prep.py topics TOPICS.xml OUT.tsv [--qstop] [--field query] [--first N]
      <topic number="..."><query>...</query> -> "qid<TAB>text" in file order.
      --qstop removes the question words below as whole words (case-insensitive; a word is a
      maximal run of ASCII letters/digits, as Lucene's tokenizers split), lowercases, and
      collapses whitespace.
"""
import argparse
import json
import re
import sys
import xml.etree.ElementTree as ET

QUESTION_WORDS = ["what", "how", "who", "whom", "when", "where", "which", "why",
                  "do", "does", "did", "can", "is", "are", "was", "were"]
QSTOP_RE = re.compile(r"(?<![a-z0-9])(?:" + "|".join(QUESTION_WORDS) + r")(?![a-z0-9])")


def qstop(text):
    return " ".join(QSTOP_RE.sub(" ", text.lower()).split())


def clean(text):
    # TsvString splits on the first tab and reads one line per topic.
    return " ".join(text.split())


def docs(corpus, out):
    n = 0
    with open(corpus, encoding="utf-8") as f, open(out, "w", encoding="utf-8") as g:
        for line in f:
            if not line.strip():
                continue
            d = json.loads(line)
            title, text = d.get("title") or "", d.get("text") or ""
            contents = (title + " " + text) if title else text
            g.write(json.dumps({"id": str(d["_id"]), "contents": contents}, ensure_ascii=False) + "\n")
            n += 1
    print(f"{out}: {n} documents", file=sys.stderr)


def topics(xml_path, out, use_qstop, field, first):
    root = ET.parse(xml_path).getroot()
    rows = []
    for t in root.iter("topic"):
        el = t.find(field)
        if el is None or el.text is None:
            sys.exit(f"{xml_path}: topic {t.get('number')} has no <{field}>")
        text = clean(el.text)
        if use_qstop:
            text = qstop(text)
        if not text:
            sys.exit(f"{xml_path}: topic {t.get('number')} is empty after preparation")
        rows.append((t.get("number"), text))
    if first:
        rows = rows[:first]
    with open(out, "w", encoding="utf-8") as g:
        for qid, text in rows:
            g.write(f"{qid}\t{text}\n")
    print(f"{out}: {len(rows)} topics", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("docs")
    d.add_argument("corpus")
    d.add_argument("out")
    t = sub.add_parser("topics")
    t.add_argument("xml")
    t.add_argument("out")
    t.add_argument("--qstop", action="store_true")
    t.add_argument("--field", default="query")
    t.add_argument("--first", type=int, default=0)
    a = ap.parse_args()
    if a.cmd == "docs":
        docs(a.corpus, a.out)
    else:
        topics(a.xml, a.out, a.qstop, a.field, a.first)


if __name__ == "__main__":
    main()
