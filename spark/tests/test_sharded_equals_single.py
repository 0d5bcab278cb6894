"""A run over 2 or 4 shards (spark/desm_spark.py, Spark local[2]) equals the single index's
`desm run`: the same documents in the same order for every topic to depth 1,000, scores
equal to 1e-6 relative (in fact the same bytes: same tag, same tie steps), for every scorer
that can be sharded."""
import os

import pytest

import desm_spark
from conftest import run

SCORERS = {
    "bm25": ["--scorer", "bm25"],
    "in-out": ["--scorer", "in-out"],
    "in-in": ["--scorer", "in-in"],
    "in-out-rerank100": ["--scorer", "in-out", "--rerank", "100"],
    "mixture-zscore": ["--scorer", "mixture", "--norm", "zscore", "--alpha", "0.3"],
    "mixture-minmax": ["--scorer", "mixture", "--norm", "minmax", "--alpha", "0.5"],
    "mixture-zscore-rerank100": ["--scorer", "mixture", "--norm", "zscore", "--alpha", "0.3", "--rerank", "100"],
}


def read_run(path):
    topics = {}
    tags = set()
    with open(path) as f:
        for line in f:
            q, _, doc, rank, score, tag = line.split()
            topics.setdefault(q, []).append((doc, float(score)))
            tags.add(tag)
    return topics, tags


def assert_same_run(single, sharded):
    a, tags_a = read_run(single)
    b, tags_b = read_run(sharded)
    assert tags_a == tags_b, f"tags differ: {tags_a} vs {tags_b}"
    assert sorted(a) == sorted(b), "the runs rank different topics"
    assert a, "the single run is empty"
    for q in a:
        assert [d for d, _ in a[q]] == [d for d, _ in b[q]], f"topic {q}: documents or their order differ"
        for (d, x), (_, y) in zip(a[q], b[q]):
            assert abs(x - y) <= 1e-6 * max(abs(x), abs(y), 1e-30), f"topic {q}, {d}: score {x} vs {y}"
    with open(single, "rb") as f1, open(sharded, "rb") as f2:
        assert f1.read() == f2.read(), "same ranking, yet the files differ"


def check(collection, spark, shards, scorer, tmp_path):
    check_args(collection, spark, shards, SCORERS[scorer], tmp_path)


def check_args(collection, spark, shards, args, tmp_path):
    single = str(tmp_path / "single.run")
    run([collection.desm, "run", collection.single, "--topics", collection.topics, "--depth", "1000", "--out", single, "--quiet"] + args)
    sharded = str(tmp_path / "sharded.run")
    directory = collection.sharded(spark, shards)
    assert desm_spark.main(["run", directory, "--topics", collection.topics, "--depth", "1000", "--out", sharded,
                            "--desm", collection.desm] + args, spark=spark) == 0
    assert_same_run(single, sharded)


@pytest.mark.parametrize("shards", [2, 4])
@pytest.mark.parametrize("scorer", list(SCORERS))
def test_sample(sample, spark, shards, scorer, tmp_path):
    check(sample, spark, shards, scorer, tmp_path)


@pytest.mark.parametrize("shards", [2, 4])
@pytest.mark.parametrize("scorer", list(SCORERS))
def test_scifact(scifact, spark, shards, scorer, tmp_path):
    check(scifact, spark, shards, scorer, tmp_path)


def test_shards_hold_every_document_once(sample, spark):
    """Every docno is in exactly one shard, at its collection position, and the merged
    statistics equal the whole collection's."""
    directory = sample.sharded(spark, 4)
    whole = os.path.join(sample.dir, "whole.tsv")
    run([sample.desm, "stats", "--collection", sample.corpus, "--model", sample.model, "--bm25-statistics", whole])
    with open(whole) as a, open(os.path.join(directory, "statistics.tsv")) as b:
        assert a.read() == b.read()
    import json
    total = sum(json.load(open(os.path.join(directory, f"shard-{i:04d}", "manifest.json")))["documents"] for i in range(4))
    with open(sample.corpus) as f:
        assert total == sum(1 for line in f if line.strip())


def test_queries_without_vector_or_terms(sample, spark, tmp_path):
    """Topics whose words are not in the model (a mixture ranks them by BM25 alone), whose
    terms are in no document (nothing to rank), or both: the same on shards as on one index."""
    import collections
    import json
    import re
    counts = collections.Counter()
    with open(sample.corpus) as f:
        for line in f:
            d = json.loads(line)
            counts.update(re.findall(r"[a-z]{9,}", (d.get("title", "") + " " + d["text"]).lower()))
    once = sorted(w for w, n in counts.items() if n == 1)[:2]
    assert len(once) == 2
    topics = tmp_path / "topics.tsv"
    topics.write_text(f"1\t{once[0]} {once[1]}\n2\tplumbagoxyz\n3\tbread flour\n4\t{once[0]} plumbagoxyz\n")
    sample.topics, saved = str(topics), sample.topics
    try:
        for scorer in ("bm25", "in-out", "mixture-zscore", "mixture-minmax", "mixture-zscore-rerank100"):
            check(sample, spark, 2, scorer, tmp_path)
        check_args(sample, spark, 2, ["--scorer", "mixture", "--alpha", "0.9"], tmp_path)
    finally:
        sample.topics = saved
