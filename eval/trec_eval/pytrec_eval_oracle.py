#!/usr/bin/env python3
"""Evaluate a TREC run with pytrec_eval (trec_eval 9.0.8 inside) and print JSON.

Usage: pytrec_eval_oracle.py QRELS RUN [-l LEVEL] MEASURE...

QRELS: TREC `qid iter docno grade` (or BEIR `query-id corpus-id score` with its header).
RUN:   TREC `qid Q0 docno rank score tag`.
MEASURE: pytrec_eval / trec_eval names, e.g. ndcg ndcg_cut.5,10 map P.5 recall.100.
Output: {"topic": {"measure_name": value, ...}, ...} for the topics in both files, the way
desm's oracle test compares them (desm prints the same names, e.g. ndcg_cut_10, P_5).
"""
import json
import sys

import pytrec_eval


def read_qrels(path):
    qrels = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            parts = line.split()
            if not parts:
                continue
            if n == 1 and parts[0] == "query-id":
                continue
            qid, docno, grade = parts[0], parts[-2], int(parts[-1])
            qrels.setdefault(qid, {})[docno] = grade
    return qrels


def read_run(path):
    run = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            run.setdefault(parts[0], {})[parts[2]] = float(parts[4])
    return run


def main(argv):
    args = list(argv[1:])
    level = 1
    if "-l" in args:
        i = args.index("-l")
        level = int(args[i + 1])
        del args[i:i + 2]
    if len(args) < 3:
        sys.stderr.write(__doc__)
        return 2
    qrels_path, run_path, measures = args[0], args[1], set(args[2:])
    evaluator = pytrec_eval.RelevanceEvaluator(read_qrels(qrels_path), measures, relevance_level=level)
    result = evaluator.evaluate(read_run(run_path))
    json.dump(result, sys.stdout, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
