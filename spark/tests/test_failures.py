"""What goes wrong is said in one line: a missing or corrupt shard, a shard built with
another model, options a shard cannot compute exactly; a task killed mid-run is retried by
Spark and the run is still the single index's."""
import os
import shutil
import subprocess
import sys

import desm_spark
from conftest import HERE, run
from test_sharded_equals_single import assert_same_run


def copy_shards(sample, spark, tmp_path):
    d = str(tmp_path / "shards")
    shutil.copytree(sample.sharded(spark, 2), d)
    return d


def sharded_run(sample, spark, directory, tmp_path, capsys, *extra):
    code = desm_spark.main(["run", directory, "--topics", sample.topics, "--out", str(tmp_path / "r.run"),
                            "--desm", sample.desm, "--scorer", "bm25"] + list(extra), spark=spark)
    return code, capsys.readouterr().err


def test_missing_shard(sample, spark, tmp_path, capsys):
    d = copy_shards(sample, spark, tmp_path)
    shutil.rmtree(os.path.join(d, "shard-0001"))
    code, err = sharded_run(sample, spark, d, tmp_path, capsys)
    assert code == 1
    assert "desm_spark: error:" in err and "shard 1 of 2 is missing" in err


def test_corrupt_shard(sample, spark, tmp_path, capsys):
    d = copy_shards(sample, spark, tmp_path)
    p = os.path.join(d, "shard-0001", "postings")
    data = bytearray(open(p, "rb").read())
    data[200] ^= 0xFF
    open(p, "wb").write(bytes(data))
    code, err = sharded_run(sample, spark, d, tmp_path, capsys)
    assert code == 1
    assert "shard-0001/postings" in err and "checksum" in err, err
    assert not os.path.exists(tmp_path / "r.run")


def test_shard_with_another_model(sample, spark, tmp_path, capsys):
    d = copy_shards(sample, spark, tmp_path)
    other = str(tmp_path / "other.model")
    run([sample.desm, "train", "--collection", sample.corpus, "--out", other, "--dim", "20", "--epochs", "1",
         "--threads", "1", "--seed", "7", "--quiet"])
    shard = os.path.join(d, "shard-0001")
    shutil.rmtree(shard)
    run([sample.desm, "index", "--collection", sample.corpus, "--model", other, "--shard", "1/2",
         "--statistics", os.path.join(d, "statistics.tsv"), "--out", shard, "--quiet"])
    code, err = sharded_run(sample, spark, d, tmp_path, capsys)
    assert code == 1
    assert "shard-0001: built with another model" in err


def test_feedback_is_refused(sample, spark, tmp_path, capsys):
    d = sample.sharded(spark, 2)
    for flag in (["--rm3"], ["--expand-topical", "5"], ["--vector-feedback", "0.3"]):
        code, err = sharded_run(sample, spark, d, tmp_path, capsys, *flag)
        assert code == 1
        assert f"{flag[0]} is not supported on shards" in err


def test_shard_refuses_what_needs_the_collection(sample, spark, tmp_path):
    """desm itself refuses, in a shard pass (--hits), to re-rank or normalise on a shard without the
    collection's input; outside a shard pass it refuses to rank a shard as if it were the whole index."""
    shard = os.path.join(sample.sharded(spark, 2), "shard-0000")
    for args, words in ((["--hits", "--scorer", "in-out", "--rerank", "10"], "--candidates FILE"),
                        (["--hits", "--scorer", "mixture", "--norm", "zscore"], "--normalisation-moments FILE"),
                        (["--hits", "--scorer", "bm25", "--rm3"], "RM3, topical expansion and vector feedback"),
                        (["--scorer", "bm25"], "not a whole index")):
        p = subprocess.run([sample.desm, "run", shard, "--topics", sample.topics, "--out", str(tmp_path / "x.run")] + args,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert p.returncode == 1 and words in p.stderr, p.stderr
        assert not os.path.exists(tmp_path / "x.run")


def test_killed_task_is_retried_with_spark_submit(sample, spark, tmp_path):
    """Through spark-submit (local[2,2]: a task may fail once): every task's first attempt
    has its desm killed (SIGKILL) mid-run; Spark retries and the run equals the single one."""
    submit = shutil.which("spark-submit", path=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    assert submit, "spark-submit is not on the PATH (pip install pyspark)"
    d = sample.sharded(spark, 2)
    markers = tmp_path / "markers"
    markers.mkdir()
    out = str(tmp_path / "killed.run")
    args = ["--scorer", "mixture", "--norm", "zscore", "--alpha", "0.3", "--rerank", "50"]
    env = dict(os.environ, DESM_SPARK_TEST_KILL_ONCE=str(markers), PYSPARK_PYTHON=sys.executable,
               PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    p = subprocess.run([submit, "--master", "local[2,2]", "--conf", "spark.ui.enabled=false",
                        os.path.join(os.path.dirname(HERE), "desm_spark.py"), "run", d, "--topics", sample.topics,
                        "--out", out, "--desm", sample.desm] + args,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert p.returncode == 0, p.stderr[-2000:]
    killed = sorted(os.listdir(markers))
    assert len(killed) == 6, killed   # three passes (bm25, moments, hits) × two shards, each killed once
    single = str(tmp_path / "single.run")
    run([sample.desm, "run", sample.single, "--topics", sample.topics, "--out", single, "--quiet"] + args)
    assert_same_run(single, out)
