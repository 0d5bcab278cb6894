#!/usr/bin/env python3
"""Checks `desm eval -q` against pytrec_eval (trec_eval 9.0.8) on every run an experiment wrote.

Usage: check_experiment_runs.py DESM CONFIG.json...
For each config, every run in <cache>/runs-<name>/ is evaluated by both tools on
ndcg, ndcg_cut.1,3,5,10,20,100, map, P.5,10, recip_rank, recall.10,100,1000, num_ret, num_rel,
num_rel_ret (with the config's relevance level), and every per-topic value is compared to 1e-4.
Prints one line per run and a final `N passed, M failed` line; exits 1 on any disagreement.
"""
import glob
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MEASURES = ["ndcg", "ndcg_cut.1,3,5,10,20,100", "map", "P.5,10", "recip_rank",
            "recall.10,100,1000", "num_ret", "num_rel", "num_rel_ret"]


def desm_values(desm, qrels, run, level):
    args = [desm, "eval", "--qrels", qrels, run, "-q", "-l", str(level)]
    for m in MEASURES:
        args += ["-m", m]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    values = {}
    for line in out.splitlines():
        measure, topic, value = [p.strip() for p in line.split("\t")]
        if topic == "all" or measure in ("runid", "num_q"):
            continue
        values.setdefault(topic, {})[measure] = float(value)
    return values


def oracle_values(qrels, run, level):
    out = subprocess.run([sys.executable, os.path.join(HERE, "pytrec_eval_oracle.py"), qrels, run,
                          "-l", str(level)] + MEASURES, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    desm, configs = sys.argv[1], sys.argv[2:]
    passed = failed = 0
    for path in configs:
        config = json.load(open(path))
        base = os.path.dirname(os.path.abspath(path))
        qrels = os.path.normpath(os.path.join(base, config["qrels"]))
        cache = os.path.normpath(os.path.join(base, config.get("cache", "cache")))
        level = config.get("relevance_level", 1)
        runs = sorted(glob.glob(os.path.join(cache, "runs-" + config["name"], "*.run")))
        if not runs:
            print(f"{path}: no runs in {cache}/runs-{config['name']} (run `desm experiment {path}` first)")
            failed += 1
        for run in runs:
            mine, theirs = desm_values(desm, qrels, run, level), oracle_values(qrels, run, level)
            bad = []
            for topic, ms in theirs.items():
                for m, v in ms.items():
                    got = mine.get(topic, {}).get(m)
                    if got is None or abs(got - v) > 1e-4 + 1e-9:
                        bad.append(f"{topic} {m}: desm {got} trec_eval {v:.6f}")
            checked = sum(len(ms) for ms in theirs.values())
            status = "ok" if not bad else "DIFFERS"
            print(f"{status}  {os.path.relpath(run)}: {len(theirs)} topics, {checked} values" +
                  ("" if not bad else "; e.g. " + "; ".join(bad[:3])))
            passed += not bad
            failed += bool(bad)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
