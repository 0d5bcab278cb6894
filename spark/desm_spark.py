#!/usr/bin/env python3
"""desm on Apache Spark: sharded indexing and ranking that equal one machine's.

    spark-submit spark/desm_spark.py index --collection C --model M --shards N --out DIR
    spark-submit spark/desm_spark.py run DIR --topics T --scorer S --depth D --out RUN

`index` runs two Spark passes: every task counts the BM25 statistics of its shard
(`desm stats --shard i/n --bm25-statistics`), the driver merges them (`desm stats
--merge-statistics`), then every task indexes its shard with the merged statistics
(`desm index --shard i/n --statistics`), so that BM25 scores in a shard equal the single
index's. DIR gets shard-0000 … and desm-shards.json.

`run` ranks every topic on every shard as Spark tasks and merges each topic's hits on the
cluster (by score, ties by the documents' positions in the collection: the single index's
order), writing one TREC run with the single index's tag, ordered and tie-stepped exactly
as `desm run` writes it. Re-ranking (--rerank K) first merges the shards' BM25 top K into
the collection's candidates; a mixture normalised per query (--norm minmax|zscore) first
adds every shard's per-topic moments into the collection's. RM3, topical expansion and
vector feedback cannot be computed exactly on shards and are refused.

Shards, the work files of `run` and the run live on paths every task can read and write
(a shared file system; local folders in local mode). The desm binary and the model reach
the tasks either as a path present on every node (--desm /opt/desm/bin/desm), or shipped
with `spark-submit --files /path/to/desm,/path/to/model` and named by their file names
(--desm desm --model sf.model): a name without a slash found among the shipped files is
used from there. See docs/scale-out.md.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from desm_merge import (add_moments, format_moments, merged_hits, moments_record,  # noqa: E402
                        run_lines, write_atomically, write_hits_file)

MANIFEST = "desm-shards.json"
FORMAT = "desm-shards"
VERSION = 1


class DriverError(Exception):
    """A problem to report in one line (desm_spark: error: …)."""


# ---------------------------------------------------------------- tasks (run on executors)

def resolve(path, executable=False):
    """A path on this node: a bare file name shipped with --files (SparkFiles), else as given."""
    if path and "/" not in path:
        try:
            from pyspark import SparkFiles
            shipped = SparkFiles.get(path)
        except Exception:
            return path
        if os.path.exists(shipped):
            if executable and not os.access(shipped, os.X_OK):
                os.chmod(shipped, 0o755)   # a shipped binary may arrive without its x bit
            return shipped
    return path


def run_desm(desm, args, what, kill_once=None):
    """Runs desm; a failure raises with desm's own error line (Spark then retries the task).

    kill_once=DIR (the driver's DESM_SPARK_TEST_KILL_ONCE, tests only): each task's first
    attempt SIGKILLs its desm mid-run and fails, as a lost executor would."""
    cmd = [resolve(desm, executable=True)] + args
    marker_dir = kill_once
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if marker_dir:
        marker = os.path.join(marker_dir, what.replace("/", "_").replace(" ", "_"))
        try:
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            os.close(fd)
            first = True
        except FileExistsError:
            first = False
        if first:
            time.sleep(0.05)
            proc.send_signal(signal.SIGKILL)
            proc.communicate()
            raise RuntimeError(f"{what}: desm killed by the test hook (first attempt)")
    out, err = proc.communicate()
    if proc.returncode != 0:
        line = (err.strip().splitlines() or [f"exit code {proc.returncode}"])[-1]
        raise RuntimeError(f"{what}: {line}")
    return out


def task_statistics(i, n, a):
    out = os.path.join(a["out"], "statistics", f"part-{i:04d}.tsv")
    run_desm(a["desm"], ["stats", "--collection", a["collection"], "--model", resolve(a["model"]),
                         "--shard", f"{i}/{n}", "--bm25-statistics", out, "--quiet"], f"statistics of shard {i}", a["kill_once"])
    return out


def task_index(i, n, a, statistics):
    out = os.path.join(a["out"], shard_name(i))
    args = ["index", "--collection", a["collection"], "--model", resolve(a["model"]), "--shard", f"{i}/{n}",
            "--statistics", statistics, "--out", out, "--threads", str(a["threads"]), "--quiet"]
    if a["center"]:
        args.append("--center")
    run_desm(a["desm"], args, f"index of shard {i}", a["kill_once"])
    with open(os.path.join(out, "manifest.json")) as f:
        m = json.load(f)
    return i, m["documents"], m["modelChecksum"]


def task_rank(i, shard_dir, desm, args, out, what, kill_once):
    """desm run on one shard; returns the file's rows as records for merging."""
    args = [resolve(x) if i > 0 and args[i - 1] == "--model" else x for i, x in enumerate(args)]
    run_desm(desm, ["run", shard_dir] + args, what, kill_once)
    with open(out) as f:
        header = f.readline().rstrip("\n").split("\t")
        rows = [line.rstrip("\n").split("\t") for line in f]
    return header[2], rows


# ---------------------------------------------------------------- the driver

def shard_name(i):
    return f"shard-{i:04d}"


def spark_failure(e):
    """desm's (or the driver hook's) last error line out of a Spark job failure."""
    lines = [x for x in str(e).splitlines() if "RuntimeError: " in x] or str(e).strip().splitlines() or [repr(e)]
    return lines[0].split("RuntimeError: ", 1)[-1].strip()


def collect(rdd, what):
    try:
        return rdd.collect()
    except Exception as e:  # Py4JJavaError after Spark gave up retrying
        raise DriverError(f"{what} failed: {spark_failure(e)}") from None


def cmd_index(spark, a):
    if a.shards < 1:
        raise DriverError("--shards must be at least 1")
    for path, what in ((a.collection, "--collection"), (a.model, "--model")):
        if "/" in path and not os.path.exists(path):
            raise DriverError(f"{what} {path}: no such file or directory")
    out = os.path.abspath(a.out)
    if os.path.exists(out):
        if not os.path.isdir(out) or (os.listdir(out) and not os.path.exists(os.path.join(out, MANIFEST))):
            raise DriverError(f"--out {a.out}: exists and is not a desm-shards directory: not overwriting it")
        shutil.rmtree(out)
    os.makedirs(os.path.join(out, "statistics"))
    args = {"desm": a.desm, "collection": os.path.abspath(a.collection) if os.path.exists(a.collection) else a.collection,
            "model": os.path.abspath(a.model) if os.path.exists(a.model) else a.model,
            "out": out, "threads": a.threads, "center": a.center, "kill_once": os.environ.get("DESM_SPARK_TEST_KILL_ONCE")}
    sc = spark.sparkContext
    n = a.shards
    parts = collect(sc.parallelize(range(n), n).map(lambda i: task_statistics(i, n, args)), "counting statistics")
    statistics = os.path.join(out, "statistics.tsv")
    run_local(a.desm, ["stats", "--merge-statistics"] + sorted(parts) + ["--out", statistics])
    built = collect(sc.parallelize(range(n), n).map(lambda i: task_index(i, n, args, statistics)), "indexing")
    checksums = {c for _, _, c in built}
    if len(checksums) != 1:
        raise DriverError("the shards were built with different models (a model file changed during the build?)")
    manifest = {
        "format": FORMAT, "version": VERSION, "shards": n, "rule": "fnv1a64(docno) mod count",
        "collection": args["collection"], "model": args["model"], "modelChecksum": checksums.pop(),
        "documents": sum(d for _, d, _ in built), "statistics": "statistics.tsv", "center": a.center,
        "shardDirectories": [shard_name(i) for i in range(n)],
        "shardDocuments": [d for _, d, _ in sorted(built)],
    }
    write_atomically(os.path.join(out, MANIFEST), [json.dumps(manifest, indent=2, sort_keys=True) + "\n"])
    print(f"desm_spark: {n} shards of {manifest['documents']} documents in {out}", file=sys.stderr)


def run_local(desm, args):
    try:
        p = subprocess.run([resolve(desm, executable=True)] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as e:
        raise DriverError(f"--desm {desm}: cannot run it ({e.strerror}): give its path, or ship it with spark-submit --files") from None
    if p.returncode != 0:
        raise DriverError((p.stderr.strip().splitlines() or [f"desm exited with {p.returncode}"])[-1])
    return p.stdout


def load_shards(directory):
    """The manifest and shard directories, every shard checked against it."""
    path = os.path.join(directory, MANIFEST)
    if not os.path.isdir(directory):
        raise DriverError(f"{directory}: no such shards directory")
    try:
        with open(path) as f:
            m = json.load(f)
    except FileNotFoundError:
        raise DriverError(f"{path}: missing: not a directory made by `desm_spark.py index`") from None
    except (ValueError, OSError) as e:
        raise DriverError(f"{path}: not valid JSON ({e})") from None
    if m.get("format") != FORMAT or m.get("version") != VERSION:
        raise DriverError(f"{path}: not a {FORMAT} manifest of version {VERSION}")
    dirs = []
    for i, name in enumerate(m["shardDirectories"]):
        d = os.path.join(directory, name)
        mp = os.path.join(d, "manifest.json")
        if not os.path.exists(mp):
            raise DriverError(f"{d}: shard {i} of {m['shards']} is missing")
        try:
            with open(mp) as f:
                sm = json.load(f)
        except (ValueError, OSError) as e:
            raise DriverError(f"{mp}: shard {i}'s manifest is not valid JSON ({e}): the shard is corrupted") from None
        shard = sm.get("shard") or {}
        if shard.get("index") != i or shard.get("count") != m["shards"]:
            raise DriverError(f"{d}: is not shard {i}/{m['shards']} (its manifest says {shard.get('index')}/{shard.get('count')})")
        if sm.get("modelChecksum") != m["modelChecksum"]:
            raise DriverError(f"{d}: built with another model (checksum {sm.get('modelChecksum'):08x}, the shards' is {m['modelChecksum']:08x})")
        if not sm.get("collectionStatistics"):
            raise DriverError(f"{d}: built without the collection's statistics: its BM25 scores are not the collection's")
        dirs.append(d)
    return m, dirs


def ranking_args(a, scorer=None):
    args = ["--topics", a.topics_abs, "--scorer", scorer or a.scorer, "--quiet", "--threads", str(a.threads)]
    for f in a.field:
        args += ["--field", f]
    if a.model:
        args += ["--model", a.model]
    if a.k1 is not None:
        args += ["--k1", repr(a.k1)]
    if a.b is not None:
        args += ["--b", repr(a.b)]
    if a.query_stopwords:
        args += ["--query-stopwords", a.query_stopwords]
    if a.tag:
        args += ["--tag", a.tag]
    return args


def shard_pass(sc, dirs, desm, work, name, args):
    """Every shard ranks with `args`; returns [(shard, tag, rows)]."""
    jobs = [(i, d, os.path.join(work, f"{name}-{i:04d}.tsv")) for i, d in enumerate(dirs)]
    out_flag = "--write-moments" if name == "moments" else "--out"
    kill_once = os.environ.get("DESM_SPARK_TEST_KILL_ONCE")

    def one(job):
        i, d, out = job
        extra = [out_flag, out] + ([] if name == "moments" else ["--hits"])
        tag, rows = task_rank(i, d, desm, args + extra, out, f"{name} pass on shard {i}", kill_once)
        return i, tag, rows
    return collect(sc.parallelize(jobs, len(jobs)).map(one), f"the {name} pass")


def cmd_run(spark, a):
    for flag, value in (("--rm3", a.rm3), ("--expand-topical", a.expand_topical), ("--vector-feedback", a.vector_feedback)):
        if value:
            raise DriverError(f"{flag} is not supported on shards: RM3, topical expansion and vector feedback need the whole "
                              "collection's feedback documents (their term vectors, centroids) or term list, which no shard has, so a "
                              "sharded run could not equal the single index's; rank a single index with desm run instead")
    if a.depth < 1 or (a.rerank is not None and a.rerank < 1):
        raise DriverError("--depth and --rerank must be at least 1")
    mixture = a.scorer.startswith("mixture")
    if not mixture and (a.alpha is not None or a.norm is not None):
        raise DriverError("--alpha and --norm weigh and normalise a mixture: use them with --scorer mixture")
    if not os.path.exists(a.topics):
        raise DriverError(f"--topics {a.topics}: no such file")
    a.topics_abs = os.path.abspath(a.topics)
    m, dirs = load_shards(a.shards_dir)
    out = os.path.abspath(a.out)
    if not os.path.isdir(os.path.dirname(out)):
        raise DriverError(f"--out {a.out}: the directory {os.path.dirname(out)} does not exist")
    work = os.path.abspath(a.work) if a.work else tempfile.mkdtemp(prefix="." + os.path.basename(out) + ".parts-", dir=os.path.dirname(out))
    os.makedirs(work, exist_ok=True)
    sc = spark.sparkContext
    try:
        base = ranking_args(a)
        if mixture:
            if a.alpha is not None:
                base += ["--alpha", repr(a.alpha)]
            if a.norm is not None:
                base += ["--norm", a.norm]
        if a.rerank is not None:
            base += ["--rerank", str(a.rerank)]
            bm25 = ranking_args(a, "bm25")
            bm25 = [x for i, x in enumerate(bm25) if not (x == "--tag" or (i > 0 and bm25[i - 1] == "--tag"))]
            results = shard_pass(sc, dirs, a.desm, work, "bm25", bm25 + ["--depth", str(a.rerank)])
            candidates = os.path.join(work, "candidates.tsv")
            write_hits_file(candidates, results[0][1], merged_hits(sc, results, a.rerank))
            base += ["--candidates", candidates]
        if mixture and a.norm in ("minmax", "zscore"):
            results = shard_pass(sc, dirs, a.desm, work, "moments", base)
            records = [moments_record(r) for _, _, rows in results for r in rows]
            merged = dict(sc.parallelize(records, len(results)).reduceByKey(add_moments).collect())
            order = [r[0] for r in results[0][2]]
            moments = os.path.join(work, "moments.tsv")
            write_atomically(moments, [f"#desm-moments\t1\t{results[0][1]}\n"] + [format_moments(q, merged[q]) + "\n" for q in order])
            base += ["--normalisation-moments", moments]
        results = shard_pass(sc, dirs, a.desm, work, "hits", base + ["--depth", str(a.depth)])
        tags = {tag for _, tag, _ in results}
        if len(tags) != 1:
            raise DriverError(f"the shards give different run tags ({', '.join(sorted(tags))}): built differently")
        tag = tags.pop()
        lines = []
        topics = merged_hits(sc, results, a.depth, mixture)
        for q, hits in topics:
            lines += run_lines(q, [(-s, d) for s, p, d in hits], tag)
        write_atomically(out, lines)
        print(f"desm_spark: wrote {a.out}: {len(topics)} topics, {len(lines)} lines, tag {tag} ({len(dirs)} shards)", file=sys.stderr)
    finally:
        if not a.work and not a.keep_work:
            shutil.rmtree(work, ignore_errors=True)


def parser():
    p = argparse.ArgumentParser(
        prog="desm_spark.py", description=__doc__.split("\n\n")[0],
        epilog="Run with spark-submit. Each subcommand has --help. docs/scale-out.md explains the design and costs.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    i = sub.add_parser("index", help="index a collection as N shards (two Spark passes: statistics, then shards)",
                       description="Index a collection as N shards that score exactly like one index: pass 1 counts each "
                                   "shard's BM25 statistics and merges them, pass 2 indexes each shard with the merged statistics.")
    i.add_argument("--collection", required=True, help="collection file or directory (every task reads it: a shared path)")
    i.add_argument("--model", required=True, help="model from desm train (a shared path, or a file name shipped with --files)")
    i.add_argument("--shards", type=int, required=True, help="number of shards N (documents by FNV-1a 64 of the docno mod N)")
    i.add_argument("--out", required=True, help="directory to write: shard-0000 …, statistics.tsv, desm-shards.json")
    i.add_argument("--desm", default="desm", help="desm binary: a path on every node, or a name shipped with --files (default: desm on the PATH)")
    i.add_argument("--threads", type=int, default=1, help="analysis threads per task (default 1)")
    i.add_argument("--center", action="store_true", help="desm index --center (mean-centred word vectors)")
    r = sub.add_parser("run", help="rank topics on every shard and merge into one TREC run",
                       description="Rank every topic on every shard and merge per topic into one TREC run equal to the single "
                                   "index's (same documents, order, scores and tag).")
    r.add_argument("shards_dir", metavar="DIR", help="directory made by `index`")
    r.add_argument("--topics", required=True, help="topic file (XML, SGML, JSONL or TSV), read by every task")
    r.add_argument("--field", action="append", default=None, help="topic field(s) forming the query (default: query)")
    r.add_argument("--scorer", default="in-out", help="in-out, in-in, out-out, out-in, bm25, mixture or mixture:<variant> (default in-out)")
    r.add_argument("--rerank", type=int, help="re-rank the collection's BM25 top K")
    r.add_argument("--alpha", type=float, help="mixture weight of DESM")
    r.add_argument("--norm", choices=["none", "minmax", "zscore"], help="mixture's per-query normalisation over the collection (or the --rerank set)")
    r.add_argument("--k1", type=float, help="BM25 k1")
    r.add_argument("--b", type=float, help="BM25 b")
    r.add_argument("--query-stopwords", help="as desm run --query-stopwords")
    r.add_argument("--model", help="model file (default: the one each shard records)")
    r.add_argument("--tag", help="run tag (default: desm's, the single index's)")
    r.add_argument("--depth", type=int, default=1000, help="documents per topic (default 1000)")
    r.add_argument("--out", required=True, help="TREC run file to write")
    r.add_argument("--desm", default="desm", help="desm binary: a path on every node, or a name shipped with --files (default: desm on the PATH)")
    r.add_argument("--threads", type=int, default=1, help="ranking threads per task (default 1)")
    r.add_argument("--work", help="directory for the passes' files (default: a temporary one beside --out, removed)")
    r.add_argument("--keep-work", action="store_true", help="keep the default work directory")
    r.add_argument("--rm3", action="store_true", help=argparse.SUPPRESS)
    r.add_argument("--expand-topical", type=int, help=argparse.SUPPRESS)
    r.add_argument("--vector-feedback", type=float, help=argparse.SUPPRESS)
    return p


def ship_modules(sc):
    """Makes desm_merge (and this file, when imported as a module rather than run by
    spark-submit) importable on every executor."""
    here = os.path.dirname(os.path.abspath(__file__))
    shipped = getattr(sc, "_desm_shipped", set())
    names = ["desm_merge.py"] + ([] if __name__ == "__main__" else ["desm_spark.py"])
    for name in names:
        if name not in shipped:
            sc.addPyFile(os.path.join(here, name))
            shipped.add(name)
    sc._desm_shipped = shipped


def main(argv=None, spark=None):
    a = parser().parse_args(argv)
    if a.command == "run" and a.field is None:
        a.field = ["query"]
    if "/" in a.desm and os.path.exists(a.desm):
        a.desm = os.path.abspath(a.desm)
    own = spark is None
    try:
        if own:
            from pyspark.sql import SparkSession
            spark = SparkSession.builder.appName(f"desm {a.command}").config("spark.log.level", "ERROR").getOrCreate()
            spark.sparkContext.setLogLevel("ERROR")
        ship_modules(spark.sparkContext)
        (cmd_index if a.command == "index" else cmd_run)(spark, a)
        return 0
    except DriverError as e:
        print(f"desm_spark: error: {e}", file=sys.stderr)
        return 1
    finally:
        if own and spark is not None:
            spark.stop()


if __name__ == "__main__":
    sys.exit(main())
