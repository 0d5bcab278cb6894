"""The merging half of desm_spark.py: pure Python, run on the driver and inside Spark's
reduce tasks (shipped to executors with SparkContext.addPyFile).

Each function reproduces one piece of desm's arithmetic or ordering exactly:
- hits merge by (score descending, collection position ascending), the single index's
  TopK order;
- moments add as desm's ScoreMoments.add does: compensated (TwoSum) sums, min, max;
- run lines come out as desm's RunWriter writes them: score descending, then docno by UTF-8
  bytes, float32 scores stepped down to be strictly decreasing, %.9g.
"""

import heapq
import os
import struct
import tempfile


def hit_records(shard, tag, rows):
    """(qid, (ordinal, [(-score, position, docno)], has a term, has a vector)) per topic of one
    shard's hits."""
    topics = {}
    order = []
    for r in rows:
        if r[0] == "#topic":
            topics[r[1]] = ([], r[2] == "1", r[3] == "1")
            order.append(r[1])
        else:
            topics[r[0]][0].append((-float(r[3]), int(r[2]), r[1]))
    return [(q, (k,) + topics[q]) for k, q in enumerate(order)]


def merge_hits(depth):
    """Keeps each topic's best `depth` hits: score descending, then collection position; a
    topic has a term (a vector) when some shard has one."""
    def combine(a, b):
        return (a[0], heapq.nsmallest(depth, a[1] + b[1]), a[2] or b[2], a[3] or b[3])
    return combine


def two_sum(hi, lo, x):
    s = hi + x
    bp = s - hi
    e = (hi - (s - bp)) + (x - bp)
    return s, lo + e


def add_moments(a, b):
    """The sum of two parts' moments, as desm's ScoreMoments.add does it."""
    out = [max(a[0], b[0])]
    for at in (1, 8):
        n = a[at] + b[at]
        hi, lo = two_sum(a[at + 1], a[at + 2], b[at + 1])
        lo += b[at + 2]
        shi, slo = two_sum(a[at + 3], a[at + 4], b[at + 3])
        slo += b[at + 4]
        out += [n, hi, lo, shi, slo, min(a[at + 5], b[at + 5]), max(a[at + 6], b[at + 6])]
    return out


def moments_record(row):
    nums = [int(row[1])]
    for at in (2, 9):
        nums += [int(row[at])] + [float(x) for x in row[at + 1:at + 7]]
    return row[0], nums


def format_moments(qid, m):
    def f(x):
        return format(x, ".17g")
    return "\t".join([qid, str(m[0])] + [str(m[1])] + [f(x) for x in m[2:8]] + [str(m[8])] + [f(x) for x in m[9:15]])


def float32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def next_down_float32(x):
    if x == 0:
        return -struct.unpack("<f", struct.pack("<I", 1))[0]
    bits = struct.unpack("<I", struct.pack("<f", x))[0]
    bits = bits - 1 if x > 0 else bits + 1
    return struct.unpack("<f", struct.pack("<I", bits))[0]


def run_lines(qid, hits, tag):
    """A topic's run lines exactly as desm's RunWriter writes them: score descending then
    docno ascending (bytes), scores as float32 made strictly decreasing, %.9g."""
    ordered = sorted(hits, key=lambda h: (-h[0], h[1].encode("utf-8")))
    previous = float("inf")
    lines = []
    for rank, (score, docno) in enumerate(ordered, 1):
        s = float32(score)
        if not s < previous:
            s = next_down_float32(previous)
        previous = s
        lines.append(f"{qid} Q0 {docno} {rank} {'%.9g' % s} {tag}\n")
    return lines


def write_atomically(path, lines):
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".tmp-", dir=d)
    try:
        with os.fdopen(fd, "w") as f:
            f.writelines(lines)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def merged_hits(sc, results, depth, mixture=False):
    """Each topic's best `depth` hits over all shards, in topic-file order:
    [(qid, [(-score, position, docno)])]. A mixture's topic with neither a query term in any
    shard nor a DESM vector has nothing to rank by: empty, as in the single index (each
    shard, not knowing the others, ranked it)."""
    records = [r for i, tag, rows in results for r in hit_records(i, tag, rows)]
    merged = sc.parallelize(records, max(1, len(results))).reduceByKey(merge_hits(depth)) \
        .mapValues(lambda v: (v[0], sorted(heapq.nsmallest(depth, v[1])), v[2], v[3])).collect()
    merged.sort(key=lambda kv: kv[1][0])
    return [(q, [] if mixture and not (v[2] or v[3]) else v[1]) for q, v in merged]


def write_hits_file(path, tag, topics):
    lines = [f"#desm-hits\t1\t{tag}\n"]
    for q, hits in topics:
        lines.append(f"#topic\t{q}\t1\t1\n")
        lines += [f"{q}\t{d}\t{p}\t{'%.9g' % -s}\n" for s, p, d in hits]
    write_atomically(path, lines)
