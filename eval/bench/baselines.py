#!/usr/bin/env python3
"""desm's systems against Anserini's strong baselines, per collection and per topic.

Reads each experiment's results (eval/results/<name>.json, written by `desm experiment`) and
run files (eval/cache/runs-<name>/), and Anserini 0.21's runs on the same documents and
queries (eval/work/anserini/runs/, made by eval/bench/anserini/run_anserini.sh), evaluates
the Anserini runs with desm's trec_eval-exact evaluator, and writes eval/bench/baselines.md:

- NDCG@10 of BM25, BM25+RM3, Ax and BM25-PRF (Anserini), desm's BM25 and BM25+RM3, desm's
  recommended system and desm's best embedding-based system (best mean on the TEST topics,
  so that row is optimistic by construction; every parameter inside it was tuned on tuning
  topics or by cross-validation);
- paired t-test and randomization test of the recommended system against each baseline
  (desm eval's own tests);
- per topic: wins, ties and losses of the recommended system against the best baseline, and
  the topics it loses most on, with their queries.

Usage: eval/bench/baselines.py [DESM-BINARY]   (default .build/release/desm)
"""
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(ROOT, "..", "shared", "data")
DESM = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "release", "desm")
ANSERINI = os.path.join(ROOT, "eval", "work", "anserini", "runs")

# (label, experiment name, qrels, topics file, Anserini run prefix)
COLLECTIONS = [
    ("SciFact test (300)", "scifact-centred", "scifact/qrels/test.trec.txt", "scifact/topics.xml", "scifact"),
    ("Cranfield (225)", "cranfield-centred", "cranfield/qrels.trec.txt", "cranfield/topics.xml", "cranfield"),
    ("TREC DL 2019 (43)", "trec-dl19-centred", "trec-dl-passage/qrels-dl19.txt", "trec-dl-passage/topics-dl19.xml", "trec-dl19-qstop"),
    ("TREC DL 2020 (54)", "trec-dl20-centred", "trec-dl-passage/qrels-dl20.txt", "trec-dl-passage/topics-dl20.xml", "trec-dl20-qstop"),
]
BASELINES = [("Anserini BM25", "bm25"), ("Anserini BM25+RM3", "bm25+rm3"), ("Anserini Ax", "bm25+ax"), ("Anserini BM25-PRF", "bm25-prf")]


def per_topic(qrels, run):
    out = subprocess.run([DESM, "eval", "--qrels", qrels, "-q", "-m", "ndcg_cut.10", run],
                         check=True, capture_output=True, text=True).stdout
    values = {}
    for line in out.splitlines():
        m, topic, v = line.split("\t")
        if m.strip() == "ndcg_cut_10" and topic != "all":
            values[topic] = float(v)
    return values


def significance(qrels, first, others):
    """desm eval's table: each other run against `first` (marks † t-test, ‡ randomization)."""
    out = subprocess.run([DESM, "eval", "--qrels", qrels, "-m", "ndcg_cut.10", first] + others,
                         check=True, capture_output=True, text=True).stdout
    row = next(l for l in out.splitlines() if l.startswith("ndcg_cut_10"))
    cells = re.split(r"\s{2,}", row.strip())[2:]
    return [c for c in cells]


def queries(path):
    root = ET.parse(path).getroot()
    out = {}
    for t in root.iter("topic"):
        q = t.find("query")
        out[t.get("number") or t.get("id") or ""] = (q.text or "").strip() if q is not None else ""
    return out


def main():
    lines = ["# desm against Anserini's strong baselines", "",
             "Made by `eval/bench/baselines.py` from the experiments' results (`desm experiment eval/<name>.json`) and",
             "Anserini 0.21.0's runs (`eval/bench/anserini/run_anserini.sh`; TREC DL with the same question",
             "stoplist as desm's configs). NDCG@10, evaluated by `desm eval` (trec_eval 9.0.8 semantics).", "",
             "\"best embedding system\" is the embedding-based system with the highest mean on the test topics",
             "(chosen after the fact: optimistic; its parameters were still tuned without the test topics).", ""]
    summary = ["| collection | Anserini BM25 | BM25+RM3 | Ax | BM25-PRF | desm BM25 | desm BM25+RM3 | desm recommended | desm best embedding system |",
               "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    details = []
    for label, name, qrels, topics, prefix in COLLECTIONS:
        qrels = os.path.join(DATA, qrels)
        results = os.path.join(ROOT, "eval", "results", name + ".json")
        if not os.path.exists(results):
            print(f"skip {name}: {results} missing", file=sys.stderr)
            continue
        res = json.load(open(results))
        systems = {s["system"]: s for s in res["systems"]}
        rec = next(s for s in res["systems"] if s.get("recommended"))
        emb = max((s for s in res["systems"] if s["uses_embeddings"]), key=lambda s: s["mean"]["ndcg_cut_10"])
        runs_dir = os.path.join(ROOT, "eval", "cache", "runs-" + name)
        run_of = lambda system: os.path.join(runs_dir, system.replace(":", "-") + ".run")
        base = {b: per_topic(qrels, os.path.join(ANSERINI, f"{prefix}-{b}.run")) for _, b in BASELINES}
        mean = lambda d: sum(d.values()) / len(d)
        cells = [f"{mean(base[b]):.4f}" for _, b in BASELINES]
        cells += [f"{systems[s]['mean']['ndcg_cut_10']:.4f}" for s in ("bm25", "bm25+rm3")]
        cells += [f"{rec['mean']['ndcg_cut_10']:.4f} (`{rec['system']}`)", f"{emb['mean']['ndcg_cut_10']:.4f} (`{emb['system']}`)"]
        summary.append(f"| {label} | " + " | ".join(cells) + " |")

        marks = significance(qrels, run_of(rec["system"]), [os.path.join(ANSERINI, f"{prefix}-{b}.run") for _, b in BASELINES])
        details += [f"## {label}", "", f"Recommended system `{rec['system']}` ({rec['tag']}): NDCG@10 {rec['mean']['ndcg_cut_10']:.4f}.",
                    "Each baseline against it (difference baseline − desm; † paired t-test, ‡ randomization test, p < 0.05):", ""]
        for (title, _), cell in zip(BASELINES, marks):
            details.append(f"- {title}: {cell}")
        best_name, best = max(((t, base[b]) for t, b in BASELINES), key=lambda x: mean(x[1]))
        mine = {t: v for t, v in rec["per_topic"].items()}
        mine = {t: v["ndcg_cut_10"] for t, v in mine.items()}
        common = sorted(set(mine) & set(best))
        wins = sum(mine[t] > best[t] + 1e-9 for t in common)
        losses = sum(mine[t] < best[t] - 1e-9 for t in common)
        details += ["", f"Per topic against the best baseline ({best_name}, {mean(best):.4f}): desm higher on {wins}, "
                    f"lower on {losses}, equal on {len(common) - wins - losses} of {len(common)} topics.", ""]
        q = queries(os.path.join(DATA, topics))
        worst = sorted(common, key=lambda t: mine[t] - best[t])[:5]
        details += ["Largest losses:", "", "| topic | query | desm | " + best_name + " |", "|---|---|---:|---:|"]
        for t in worst:
            details.append(f"| {t} | {q.get(t, '')[:80]} | {mine[t]:.4f} | {best[t]:.4f} |")
        bestw = sorted(common, key=lambda t: best[t] - mine[t])[:5]
        details += ["", "Largest gains:", "", "| topic | query | desm | " + best_name + " |", "|---|---|---:|---:|"]
        for t in bestw:
            details.append(f"| {t} | {q.get(t, '')[:80]} | {mine[t]:.4f} | {best[t]:.4f} |")
        details.append("")
    out = "\n".join(lines + summary + [""] + details) + "\n"
    with open(os.path.join(ROOT, "eval", "bench", "baselines.md"), "w") as f:
        f.write(out)
    print(out)


if __name__ == "__main__":
    main()
