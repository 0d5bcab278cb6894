"""Fixtures for the Spark tests: the desm binary, a local Spark session (2 threads, a failed
task retried once), the collections with a model and the single index of each."""
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))

import desm_spark  # noqa: E402


@pytest.fixture(scope="session")
def desm():
    path = os.environ.get("DESM_BINARY", os.path.join(REPO, ".build", "release", "desm"))
    if not os.access(path, os.X_OK):
        pytest.fail(f"no desm binary at {path}: build it (./build.sh build) or set DESM_BINARY")
    return path


@pytest.fixture(scope="session")
def spark():
    from pyspark.sql import SparkSession
    s = (SparkSession.builder.master("local[2,2]").appName("desm spark tests")
         .config("spark.task.maxFailures", "2").config("spark.log.level", "ERROR")
         .config("spark.ui.enabled", "false").getOrCreate())
    yield s
    s.stop()


def run(cmd, **kw):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    assert p.returncode == 0, f"{' '.join(cmd)} failed: {p.stderr.strip()}"
    return p.stdout


class Collection:
    """A collection, its topics, a model trained on it and its single index."""

    def __init__(self, name, corpus, topics, qrels, tmp, desm, dim, epochs):
        self.name, self.corpus, self.topics, self.qrels, self.desm = name, corpus, topics, qrels, desm
        self.dir = tmp
        self.model = os.path.join(tmp, "model")
        run([desm, "train", "--collection", corpus, "--out", self.model, "--arch", "sg", "--dim", str(dim),
             "--min-count", "2", "--epochs", str(epochs), "--threads", "1", "--seed", "1", "--quiet"])
        self.single = os.path.join(tmp, "single.idx")
        run([desm, "index", "--collection", corpus, "--model", self.model, "--out", self.single, "--quiet"])
        self.shards = {}

    def sharded(self, spark, n):
        """The collection indexed as n shards by desm_spark.py (built once)."""
        if n not in self.shards:
            out = os.path.join(self.dir, f"shards-{n}")
            assert desm_spark.main(["index", "--collection", self.corpus, "--model", self.model, "--shards", str(n),
                                    "--out", out, "--desm", self.desm], spark=spark) == 0
            self.shards[n] = out
        return self.shards[n]


@pytest.fixture(scope="session")
def sample(tmp_path_factory, desm):
    c = os.path.join(REPO, "collections", "sample")
    return Collection("sample", os.path.join(c, "corpus.jsonl"), os.path.join(c, "topics.xml"), os.path.join(c, "qrels.txt"),
                      str(tmp_path_factory.mktemp("sample")), desm, dim=50, epochs=10)


@pytest.fixture(scope="session")
def scifact(tmp_path_factory, desm):
    d = os.path.join(os.path.dirname(REPO), "shared", "data", "scifact")
    if not os.path.exists(os.path.join(d, "corpus.jsonl")):
        pytest.skip(f"SciFact is not at {d} (../shared/data beside the repository): its Spark tests are skipped")
    return Collection("scifact", os.path.join(d, "corpus.jsonl"), os.path.join(d, "topics.xml"),
                      os.path.join(d, "qrels", "test.trec.txt"), str(tmp_path_factory.mktemp("scifact")), desm, dim=50, epochs=1)
