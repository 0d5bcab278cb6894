#!/usr/bin/env python3
"""Builds Tests/DesmTextTests/Fixtures/porter.tsv: (word, stem) pairs for testing desm's
Porter stemmer against an independent implementation.

Oracle: NLTK's PorterStemmer(mode=MARTIN_EXTENSIONS), i.e. Martin Porter's reference C
version, which is what Lucene's PorterStemmer / PorterStemFilter (and so Anserini) implement:
the 1980 algorithm plus "bli"->"ble", "logi"->"log", and words of <= 2 letters untouched.
Snowball's 'porter' (pip snowballstemmer) follows the paper literally; the script reports
how many fixture words the two oracles disagree on, and every such word is kept in the
fixture so that the departures are pinned down.

Words: the lowercase ASCII letter runs of the given corpora (default: SciFact and
Cranfield from ../shared/data), the most frequent ones plus an even sample of the rest.

Usage: python3 eval/make_porter_fixture.py [corpus.jsonl ...] > Tests/DesmTextTests/Fixtures/porter.tsv
"""
import collections
import json
import os
import re
import sys

from nltk.stem.porter import PorterStemmer

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT = [os.path.join(HERE, "..", "..", "shared", "data", p)
           for p in ("scifact/corpus.jsonl", "cranfield/corpus.jsonl")]
TOP = 1500      # most frequent words
SAMPLE = 3500   # evenly spaced over the rest


def main():
    paths = sys.argv[1:] or DEFAULT
    counts = collections.Counter()
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                text = (d.get("title", "") + " " + d.get("text", "")).lower()
                counts.update(re.findall(r"[a-z]+", text))
    ranked = [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    chosen = set(ranked[:TOP])
    rest = ranked[TOP:]
    step = max(1, len(rest) // SAMPLE)
    chosen.update(rest[::step][:SAMPLE])

    martin = PorterStemmer(mode=PorterStemmer.MARTIN_EXTENSIONS)
    try:
        import snowballstemmer
        snowball = snowballstemmer.stemmer("porter")
    except ImportError:
        snowball = None
    if snowball:
        # Keep every word of the vocabulary on which the two oracles disagree.
        for w in ranked:
            if martin.stem(w, to_lowercase=False) != snowball.stemWord(w):
                chosen.add(w)
    # Classic examples from the paper.
    chosen.update("caresses ponies ties caress cats feed agreed plastered bled motoring sing "
                  "conflated troubled sized hopping tanned falling hissing fizzed failing filing "
                  "happy sky relational conditional rational valenci hesitanci digitizer "
                  "conformabli radicalli differentli vileli analogousli vietnamization "
                  "predication operator feudalism decisiveness hopefulness callousness "
                  "formaliti sensitiviti sensibiliti triplicate formative formalize "
                  "electriciti electrical hopeful goodness revival allowance inference airliner "
                  "gyroscopic adjustable defensible irritant replacement adjustment dependent "
                  "adoption homologou communism activate angulariti homologous effective "
                  "bowdlerize probate rate cease controll roll generalizations oscillators "
                  "is as a by archaeology possibly".split())

    disagree = 0
    rows = []
    for w in sorted(chosen):
        stem = martin.stem(w, to_lowercase=False)
        if snowball and snowball.stemWord(w) != stem:
            disagree += 1
        rows.append(f"{w}\t{stem}")
    sys.stdout.write("\n".join(rows) + "\n")
    print(f"{len(rows)} pairs from {len(counts)} distinct words; "
          f"{disagree} differ from snowball 'porter' (the paper's variant)", file=sys.stderr)


if __name__ == "__main__":
    main()
