#!/usr/bin/env python3
"""Evaluate the Anserini runs of run_anserini.sh with pytrec_eval and write RESULTS.md.

  evaluate.py --data DATA --runs RUNS_DIR --commands COMMANDS.txt --version 0.21.0 \
              --java "openjdk version ..." --out RESULTS.md

Measures (trec_eval 9.0.8 inside pytrec_eval, trec_eval's default averaging: the mean over the
topics that are both in the qrels and in the run, like `trec_eval` without -c):
  NDCG@10  ndcg_cut_10, grades as gains (relevance level 1);
  MAP      map, R@100 recall_100: relevant = grade >= 2 on TREC DL (TREC DL convention,
           `-l 2`), grade >= 1 on Cranfield and SciFact.
Also reports, per run, how many qrels topics the run misses (would be scored 0 by `-c`).
"""
import argparse
import datetime
import os
import sys

import pytrec_eval

try:
    from importlib.metadata import version as _version
    PTE_VERSION = _version("pytrec-eval-terrier")
except Exception:  # the version is only reported
    PTE_VERSION = "?"

SYSTEMS = ["bm25", "bm25+rm3", "bm25+ax", "bm25-prf"]
SYSTEM_NAMES = {"bm25": "BM25", "bm25+rm3": "BM25+RM3", "bm25+ax": "BM25+Ax", "bm25-prf": "BM25-PRF"}
# run prefix, label, qrels (relative to DATA), relevance level for binary measures
COLLECTIONS = [
    ("scifact", "SciFact test (300)", "scifact/qrels/test.trec.txt", 1),
    ("cranfield", "Cranfield (225)", "cranfield/qrels.trec.txt", 1),
    ("trec-dl19", "TREC DL19 (43)", "trec-dl-passage/qrels-dl19.txt", 2),
    ("trec-dl20", "TREC DL20 (54)", "trec-dl-passage/qrels-dl20.txt", 2),
    ("trec-dl19-qstop", "TREC DL19 qstop (43)", "trec-dl-passage/qrels-dl19.txt", 2),
    ("trec-dl20-qstop", "TREC DL20 qstop (54)", "trec-dl-passage/qrels-dl20.txt", 2),
    ("scifact-train", "SciFact train (809)", "scifact/qrels/train.tsv", 1),
]
# NDCG@10 an earlier measurement got (BM25, RM3, Ax, BM25-PRF)
REFERENCE = {
    "scifact": (0.6789, 0.6457, 0.5719, 0.6014),
    "cranfield": (0.3510, 0.3688, 0.3330, 0.3766),
    "trec-dl19": (0.4628, 0.4754, 0.5243, 0.4826),
    "trec-dl20": (0.4570, 0.4787, 0.4961, 0.4568),
    "trec-dl19-qstop": (0.4833, 0.4861, 0.5264, 0.4962),
    "trec-dl20-qstop": (0.4880, 0.4881, 0.5062, 0.4644),
}


def read_qrels(path):
    qrels = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            parts = line.split()
            if not parts or (n == 1 and parts[0] == "query-id"):
                continue
            qrels.setdefault(parts[0], {})[parts[-2]] = int(parts[-1])
    return qrels


def read_run(path):
    run = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if parts:
                run.setdefault(parts[0], {})[parts[2]] = float(parts[4])
    return run


def mean(per_topic, measure):
    vals = [m[measure] for m in per_topic.values()]
    return sum(vals) / len(vals) if vals else float("nan")


def evaluate(qrels, run, level):
    graded = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut.10"}, relevance_level=1).evaluate(run)
    binary = pytrec_eval.RelevanceEvaluator(qrels, {"map", "recall.100"}, relevance_level=level).evaluate(run)
    # check that the level does not change trec_eval's ndcg (it uses the grades as gains)
    ndcg_at_level = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut.10"}, relevance_level=level).evaluate(run)
    assert abs(mean(graded, "ndcg_cut_10") - mean(ndcg_at_level, "ndcg_cut_10")) < 1e-12
    return {
        "ndcg": mean(graded, "ndcg_cut_10"),
        "map": mean(binary, "map"),
        "r100": mean(binary, "recall_100"),
        "evaluated": len(graded),
        "missing": sorted(set(qrels) - set(run)),
        "extra": len(set(run) - set(qrels)),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--runs", required=True)
    ap.add_argument("--commands", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--java", default="")
    ap.add_argument("--out", required=True)
    ap.add_argument("--scifact-train", action="store_true", help="also evaluate the SciFact train runs")
    a = ap.parse_args()

    results = {}
    for prefix, label, qrels_rel, level in COLLECTIONS:
        if prefix == "scifact-train" and not a.scifact_train:
            continue
        qrels_path = os.path.join(a.data, qrels_rel)
        runs = {s: os.path.join(a.runs, f"{prefix}-{s}.run") for s in SYSTEMS}
        if not any(os.path.exists(p) for p in runs.values()):
            continue
        qrels = read_qrels(qrels_path)
        for s, p in runs.items():
            if os.path.exists(p):
                results[(prefix, s)] = evaluate(qrels, read_run(p), level)

    def cell(prefix, s, key):
        r = results.get((prefix, s))
        return "–" if r is None else f"{r[key]:.4f}"

    out = []
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    out.append(f"# Anserini {a.version} baselines on desm's collections\n")
    how = "`SCIFACT_TRAIN=1 bash eval/bench/anserini/run_anserini.sh`" if a.scifact_train else \
        "`bash eval/bench/anserini/run_anserini.sh`"
    out.append(f"Generated by {how} on {today} "
               f"(Anserini {a.version} fat jar from the PyPI wheel `pyserini=={a.version}`; "
               f"{a.java}; {os.cpu_count()} cores). Runs: `eval/work/anserini/runs/<topics>-<system>.run` "
               "(not committed). BM25 k1 0.9 b 0.4, Anserini's default English analyzer "
               "(Lucene English stopwords, Porter stemmer), documents indexed as `title + \" \" + text`, "
               "queries from the topics' `<query>` element, 1000 hits, all other parameters at "
               "Anserini's defaults (RM3: fbDocs 10, fbTerms 10, originalQueryWeight 0.5; "
               "Ax: deterministic, rerankCutoff 20, r 20, n 30, beta 0.4, top 20, seed 42; "
               "BM25-PRF: fbDocs 10, fbTerms 20, k1 0.9, b 0.4, newTermWeight 0.2).\n")
    out.append("`qstop`: TREC DL queries with the question words what how who whom when where which "
               "why do does did can is are was were removed (whole words, case-insensitive; the query "
               "is lowercased and its whitespace collapsed).\n")
    out.append(f"Evaluation: pytrec_eval-terrier {PTE_VERSION} (trec_eval 9.0.8), mean over the topics present in both qrels "
               "and run (trec_eval's default). NDCG@10 uses the grades as gains; MAP and R@100 count "
               "grade >= 2 as relevant on TREC DL (`-l 2`) and grade >= 1 on Cranfield and SciFact. "
               "Every run has results for every judged topic, so `trec_eval -c` would give the same "
               "means.\n" if all(not r["missing"] for r in results.values()) else
               f"Evaluation: pytrec_eval-terrier {PTE_VERSION} (trec_eval 9.0.8), mean over the topics present in both qrels "
               "and run (trec_eval's default). NDCG@10 uses the grades as gains; MAP and R@100 count "
               "grade >= 2 as relevant on TREC DL (`-l 2`) and grade >= 1 on Cranfield and SciFact. "
               "Some runs miss judged topics (listed below); `trec_eval -c` would score those 0.\n")

    for key, title in (("ndcg", "NDCG@10"), ("map", "MAP"), ("r100", "R@100")):
        out.append(f"## {title}\n")
        out.append("| topics | " + " | ".join(SYSTEM_NAMES[s] for s in SYSTEMS) + " |")
        out.append("|---|" + "---:|" * len(SYSTEMS))
        for prefix, label, _, _ in COLLECTIONS:
            if not any((prefix, s) in results for s in SYSTEMS):
                continue
            out.append(f"| {label} | " + " | ".join(cell(prefix, s, key) for s in SYSTEMS) + " |")
        out.append("")

    out.append("## Against the earlier measurement (NDCG@10)\n")
    out.append("| topics | " + " | ".join(SYSTEM_NAMES[s] for s in SYSTEMS) + " |")
    out.append("|---|" + "---:|" * len(SYSTEMS))
    diffs = []
    for prefix, label, _, _ in COLLECTIONS:
        if prefix not in REFERENCE:
            continue
        cells = []
        for s, ref in zip(SYSTEMS, REFERENCE[prefix]):
            r = results.get((prefix, s))
            if r is None:
                cells.append(f"– (ref {ref:.4f})")
                continue
            got = round(r["ndcg"], 4)
            if abs(got - ref) < 5e-5:
                cells.append(f"{got:.4f} =")
            else:
                cells.append(f"**{got:.4f}** (ref {ref:.4f}, {got - ref:+.4f})")
                diffs.append((label, SYSTEM_NAMES[s], got, ref))
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    out.append("")
    out.append("`=`: equal to the reference at 4 decimals." +
               (" All cells reproduce the reference." if not diffs else
                f" {len(diffs)} cell(s) differ (bold)."))
    out.append("")

    missing = [(p, s, r["missing"]) for (p, s), r in results.items() if r["missing"]]
    if missing:
        out.append("Judged topics missing from runs (no hits):\n")
        for p, s, m in missing:
            out.append(f"- {p}-{s}: {len(m)} ({' '.join(m[:10])}{' …' if len(m) > 10 else ''})")
        out.append("")

    out.append("## Notes\n")
    out.append("- Cranfield documents 471 and 995 are empty (no title, no text); Anserini skips them "
               "(`empty: 2` in the indexing log), so its Cranfield index holds 1,398 documents. "
               "Neither is judged relevant, so this cannot change the scores.")
    out.append("- trec_eval's `ndcg_cut` ignores the relevance level (checked: identical with `-l 1` "
               "and `-l 2`), so the TREC DL NDCG@10 uses grades 1-3 as gains.")
    out.append("- Search runs with `-threads 1 -parallelism 2`: in Anserini 0.21 `-threads` is the "
               "number of parameter configurations searched at once (one here) and `-parallelism` "
               "the number of topics searched at once (default 8). Scores do not depend on it.")
    out.append("- Ties: trec_eval reorders each topic by score, then by docid (descending), so the "
               "rank column Anserini writes is not used.\n")

    out.append("## Commands\n")
    out.append("Run from the repository root (`JAR=eval/work/anserini/jar/anserini-"
               f"{a.version}-fatjar.jar`); the SearchCollection lines with `-rm3.outputQuery` (3 topics "
               "each) only log the RM3 queries for `rm3_queries_sample.txt`.\n")
    out.append("```")
    if os.path.exists(a.commands):
        jar = f"eval/work/anserini/jar/anserini-{a.version}-fatjar.jar"
        for line in open(a.commands):
            out.append(line.rstrip("\n").replace(jar, "$JAR"))
    out.append("```")
    text = "\n".join(out) + "\n"
    with open(a.out, "w") as f:
        f.write(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
