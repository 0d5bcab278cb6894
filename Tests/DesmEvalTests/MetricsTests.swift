import DesmEval
import DesmText
import DesmTestSupport
import Foundation
import XCTest

/// The worked example of REFERENCE.md §4 (values checked against trec_eval 9.0.8 and
/// pytrec_eval): graded grades, a score tie, a negative grade, a topic judged only with
/// grade 0, and a run topic absent from the qrels.
final class MetricsTests: XCTestCase {
    let dir = ScratchDirectory("desm-eval")

    var qrels: Qrels {
        try! Qrels([("q1", "d1", 2), ("q1", "d2", 1), ("q1", "d3", 0), ("q1", "d4", -1),
                    ("q2", "x1", 0), ("q3", "y1", 1)])
    }

    var run: RunFile {
        RunFile(tag: "example", topics: [
            "q1": [.init(docno: "d3", score: 1.0), .init(docno: "d1", score: 1.0), .init(docno: "d5", score: 0.9),
                   .init(docno: "d2", score: 0.5), .init(docno: "d4", score: 0.4)],
            "q2": [.init(docno: "x1", score: 3.0)],
            "q3": [.init(docno: "y2", score: 2.0), .init(docno: "y1", score: 1.0)],
            "q9": [.init(docno: "z1", score: 1.0)],
        ])
    }

    func testWorkedExampleNDCG() throws {
        let ms = try Measure.parse(["ndcg", "ndcg_cut.1,3,5,10"])
        let e = try evaluate(run: run, qrels: qrels, measures: ms)
        XCTAssertEqual(e.topics, ["q1", "q2", "q3"])
        XCTAssertEqual(e.unjudgedTopics, ["q9"])
        XCTAssertEqual(e.value(.ndcgCut(1), topic: "q1")!, 0, accuracy: 1e-12)   // the tie goes to d3
        XCTAssertEqual(e.value(.ndcgCut(3), topic: "q1")!, 0.4796, accuracy: 5e-5)
        XCTAssertEqual(e.value(.ndcgCut(5), topic: "q1")!, 0.6433, accuracy: 5e-5)
        XCTAssertEqual(e.value(.ndcg, topic: "q1")!, 0.6433224083306327, accuracy: 1e-12)
        XCTAssertEqual(e.value(.ndcg, topic: "q2")!, 0, accuracy: 1e-12)
        XCTAssertEqual(e.value(.ndcg, topic: "q3")!, 0.6309297535714575, accuracy: 1e-12)
        XCTAssertEqual(e.summary(.ndcgCut(3))!, 0.3702, accuracy: 5e-5)
        XCTAssertEqual(e.summary(.ndcgCut(5))!, 0.4248, accuracy: 5e-5)
        XCTAssertEqual(e.summary(.ndcgCut(10))!, 0.4248, accuracy: 5e-5)
        XCTAssertEqual(e.numQ, 3)
    }

    func testWorkedExampleBinaryMeasures() throws {
        let ms = try Measure.parse(["map", "P.5", "recall.5", "recip_rank", "Rprec", "num_ret", "num_rel", "num_rel_ret"])
        let e = try evaluate(run: run, qrels: qrels, measures: ms)
        // q1 ranking: d3(0) d1(2) d5(-) d2(1) d4(-1): relevant at ranks 2 and 4.
        XCTAssertEqual(e.value(.map, topic: "q1")!, 0.5, accuracy: 1e-12)       // (1/2 + 2/4) / 2
        XCTAssertEqual(e.value(.precision(5), topic: "q1")!, 0.4, accuracy: 1e-12)
        XCTAssertEqual(e.value(.recall(5), topic: "q1")!, 1.0, accuracy: 1e-12)
        XCTAssertEqual(e.value(Measure(.recipRank), topic: "q1")!, 0.5, accuracy: 1e-12)
        XCTAssertEqual(e.value(Measure(.rprec), topic: "q1")!, 0.5, accuracy: 1e-12)
        XCTAssertEqual(e.value(Measure(.numRel), topic: "q1"), 2)
        XCTAssertEqual(e.value(.precision(5), topic: "q3")!, 0.2, accuracy: 1e-12)
        XCTAssertEqual(e.summary(Measure(.numRet)), 8)      // counts are sums, as trec_eval
        XCTAssertEqual(e.summary(Measure(.numRel)), 3)
        XCTAssertEqual(e.summary(Measure(.numRelRet)), 3)
        XCTAssertEqual(e.summary(.map)!, (0.5 + 0 + 0.5) / 3, accuracy: 1e-12)
    }

    func testRelevanceLevelChangesBinaryMeasuresOnly() throws {
        let ms = [Measure.map, Measure(.numRel), Measure.ndcg]
        let e = try evaluate(run: run, qrels: qrels, measures: ms, options: EvalOptions(relevanceLevel: 2))
        XCTAssertEqual(e.value(.map, topic: "q1")!, 0.5, accuracy: 1e-12)   // only d1, at rank 2
        XCTAssertEqual(e.value(Measure(.numRel), topic: "q3"), 0)
        XCTAssertEqual(e.value(.ndcg, topic: "q1")!, 0.6433224083306327, accuracy: 1e-12)
        XCTAssertThrowsError(try evaluate(run: run, qrels: qrels, measures: ms, options: EvalOptions(relevanceLevel: 0)))
    }

    func testAverageOverAllQrelsTopics() throws {
        var partial = run
        partial.topics["q3"] = nil
        let e = try evaluate(run: partial, qrels: qrels, measures: [.ndcg, Measure(.numQ), Measure(.numRel)],
                             options: EvalOptions(averageOverAllQrelsTopics: true))
        XCTAssertEqual(e.missingTopics, ["q3"])
        XCTAssertEqual(e.numQ, 3)
        XCTAssertEqual(e.summary(.ndcg)!, 0.6433224083306327 / 3, accuracy: 1e-12)
        XCTAssertEqual(e.summary(Measure(.numRel)), 2)    // 9.0.8: missing topics add nothing to sums
        let plain = try evaluate(run: partial, qrels: qrels, measures: [.ndcg])
        XCTAssertEqual(plain.summary(.ndcg)!, 0.6433224083306327 / 2, accuracy: 1e-12)
    }

    /// trec_eval 9.x compares scores as 32-bit floats: scores equal as Float tie and are
    /// ordered by docno descending, even when the doubles differ.
    func testScoresTieAsFloat32() throws {
        let q = try Qrels([("q", "a", 1)])
        func rr(_ a: Double, _ b: Double) throws -> Double {
            let r = RunFile(topics: ["q": [.init(docno: "a", score: a), .init(docno: "b", score: b)]])
            return try evaluate(run: r, qrels: q, measures: [Measure(.recipRank)]).value(Measure(.recipRank), topic: "q")!
        }
        XCTAssertEqual(try rr(1.0 + 1e-9, 1.0), 0.5)     // equal as Float: "b" > "a" goes first
        XCTAssertEqual(try rr(1.0 + 3e-7, 1.0), 1.0)     // distinct as Float
        XCTAssertEqual(try rr(16_777_217, 16_777_216), 0.5)
    }

    func testCutoffBeyondRunLengthAndMaxDocs() throws {
        let q = try Qrels([("q", "a", 1), ("q", "b", 3)])
        let r = RunFile(topics: ["q": [.init(docno: "z", score: 3), .init(docno: "b", score: 2), .init(docno: "a", score: 1)]])
        let e = try evaluate(run: r, qrels: q, measures: [.precision(10), .recall(2), .ndcgCut(2)])
        XCTAssertEqual(e.value(.precision(10), topic: "q")!, 0.2, accuracy: 1e-12)   // divided by 10, not 3
        XCTAssertEqual(e.value(.recall(2), topic: "q")!, 0.5, accuracy: 1e-12)
        XCTAssertEqual(e.value(.ndcgCut(2), topic: "q")!, (3 / log2(3.0)) / (3 + 1 / log2(3.0)), accuracy: 1e-12)
        let cut = try evaluate(run: r, qrels: q, measures: [Measure(.numRet), .map], options: EvalOptions(maxDocsPerTopic: 2))
        XCTAssertEqual(cut.value(Measure(.numRet), topic: "q"), 2)
        XCTAssertEqual(cut.value(.map, topic: "q")!, 0.25, accuracy: 1e-12)
    }

    func testNoCommonTopicIsAnError() {
        let r = RunFile(path: "r.txt", topics: ["zz": [.init(docno: "a", score: 1)]])
        assertDesmError(["r.txt", "no topic"]) { _ = try evaluate(run: r, qrels: qrels, measures: [.map]) }
    }

    func testMeasureParsing() throws {
        XCTAssertEqual(try Measure.parse(["ndcg_cut.10"]), [.ndcgCut(10)])
        XCTAssertEqual(try Measure.parse(["ndcg_cut_10", "map", "P.5,10"]), [.map, .precision(5), .precision(10), .ndcgCut(10)])
        XCTAssertEqual(try Measure.parse(["P"]).count, 9)
        XCTAssertEqual(try Measure.parse(["all_trec"]), Measure.all)
        XCTAssertEqual(Measure.all.first?.name, "runid")
        assertDesmError(["unknown measure \"bpref\""]) { _ = try Measure.parse(["bpref"]) }
        assertDesmError(["cutoff \"x\""]) { _ = try Measure.parse(["P.x"]) }
        assertDesmError(["cutoff \"0\""]) { _ = try Measure.parse(["ndcg_cut.0"]) }
    }

    func testTrecEvalOutputFormat() throws {
        let ms = try Measure.parse(["runid", "num_q", "num_ret", "map", "ndcg_cut.3"])
        let e = try evaluate(run: run, qrels: qrels, measures: ms)
        let out = formatTrecEval(e, perTopic: true)
        let lines = out.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "num_ret               \tq1\t5")
        XCTAssertTrue(lines.contains("ndcg_cut_3            \tq1\t0.4796"))
        XCTAssertTrue(lines.contains("runid                 \tall\texample"))
        XCTAssertTrue(lines.contains("num_q                 \tall\t3"))
        XCTAssertTrue(lines.contains("num_ret               \tall\t8"))
        XCTAssertEqual(lines.last, "ndcg_cut_3            \tall\t0.3702")
        XCTAssertEqual(lines.count, 3 * 3 + 5)
        XCTAssertFalse(formatTrecEval(e, perTopic: false).contains("\tq1\t"))
    }
}

final class QrelsAndRunReaderTests: XCTestCase {
    let dir = ScratchDirectory("desm-eval")

    func testQrelsFormats() throws {
        let trec = dir.write("q.txt", "1 4.5 docA 2\n1 0 docB -1\n\n2\t0\tdocA\t0\n")
        let q = try Qrels.load(path: trec)
        XCTAssertEqual(q.topicIDs, ["1", "2"])
        XCTAssertEqual(q.grade(topic: "1", docno: "docA"), 2)
        XCTAssertEqual(q.grade(topic: "1", docno: "docB"), -1)
        XCTAssertEqual(q.relevantCount(topic: "1"), 1)
        let beir = dir.write("test.tsv", "query-id\tcorpus-id\tscore\n1\t31715818\t1\n3\t14717500\t2\n")
        let b = try Qrels.load(path: beir)
        XCTAssertEqual(b.grade(topic: "3", docno: "14717500"), 2)
        XCTAssertEqual(b.topicIDs, ["1", "3"])
    }

    func testQrelsErrors() {
        let grade = dir.write("grade.txt", "1 0 a 1\n1 0 b 1.5\n")
        assertDesmError(["grade.txt:2:", "not an integer"]) { _ = try Qrels.load(path: grade) }
        let cols = dir.write("cols.txt", "1 0 a 1\n1 0 b\n")
        assertDesmError(["cols.txt:2:", "expected 4 columns", "found 3"]) { _ = try Qrels.load(path: cols) }
        let dup = dir.write("dup.txt", "1 0 a 1\n1 0 b 1\n1 5 a 0\n")
        assertDesmError(["dup.txt:3:", "judged twice"]) { _ = try Qrels.load(path: dup) }
        let empty = dir.write("empty.txt", "")
        assertDesmError(["empty.txt", "empty qrels"]) { _ = try Qrels.load(path: empty) }
        let beir = dir.write("b.tsv", "query-id\tcorpus-id\tscore\n1\ta\tx\n")
        assertDesmError(["b.tsv:2:", "not an integer"]) { _ = try Qrels.load(path: beir) }
    }

    func testRunReader() throws {
        let p = dir.write("run.txt", "1 Q0 a 1 2.5 bm25\n1 Q0 b 2 -1e-3 bm25\n\n2\tQ0\tc\t1\t7\tbm25\n")
        let r = try RunFile.load(path: p)
        XCTAssertEqual(r.tag, "bm25")
        XCTAssertEqual(r.name, "run.txt")
        XCTAssertEqual(r.topics["1"], [.init(docno: "a", score: 2.5), .init(docno: "b", score: -0.001)])
        XCTAssertEqual(r.topics["2"]?.count, 1)
    }

    func testGzipRunAndQrels() throws {
        guard FileManager.default.isExecutableFile(atPath: "/bin/gzip") else { throw XCTSkip("no /bin/gzip: gzip test skipped") }
        let run = dir.write("r.run", "1 Q0 a 1 2 t\n1 Q0 b 2 1 t\n")
        let qrels = dir.write("q.txt", "1 0 b 1\n")
        for p in [run, qrels] { XCTAssertEqual(try runProcess("/bin/gzip", ["-n", p]).status, 0) }
        let e = try evaluate(run: try RunFile.load(path: run + ".gz"), qrels: try Qrels.load(path: qrels + ".gz"),
                             measures: [Measure(.recipRank)])
        XCTAssertEqual(e.summary(Measure(.recipRank)), 0.5)
    }

    func testRunErrors() {
        let dup = dir.write("dup.run", "1 Q0 a 1 2 t\n1 Q0 b 2 1 t\n2 Q0 a 1 1 t\n1 Q0 a 3 0.5 t\n")
        assertDesmError(["dup.run:4:", "document a listed twice for topic 1"]) { _ = try RunFile.load(path: dup) }
        let score = dir.write("score.run", "1 Q0 a 1 2 t\n1 Q0 b 2 high t\n")
        assertDesmError(["score.run:2:", "score \"high\""]) { _ = try RunFile.load(path: score) }
        let nan = dir.write("nan.run", "1 Q0 a 1 nan t\n")
        assertDesmError(["nan.run:1:", "not a finite number"]) { _ = try RunFile.load(path: nan) }
        let cols = dir.write("cols.run", "1 Q0 a 1 2\n")
        assertDesmError(["cols.run:1:", "expected 6 columns"]) { _ = try RunFile.load(path: cols) }
        let empty = dir.write("empty.run", "\n\n")
        assertDesmError(["empty.run", "empty run"]) { _ = try RunFile.load(path: empty) }
    }
}

final class SignificanceTests: XCTestCase {
    // Reference values from SciPy (special.betainc, stats.t.ppf, stats.ttest_rel, stats.t.interval).
    func testIncompleteBetaAndTDistribution() {
        XCTAssertEqual(regularizedIncompleteBeta(0.3, a: 2.5, b: 0.5), 0.018927124071945658, accuracy: 1e-12)
        XCTAssertEqual(regularizedIncompleteBeta(0.9, a: 10, b: 3), 0.889130022255, accuracy: 1e-11)
        XCTAssertEqual(studentTQuantile(0.975, df: 10), 2.228138851986274, accuracy: 1e-9)
        XCTAssertEqual(studentTQuantile(0.975, df: 1), 12.706204736174694, accuracy: 1e-8)
        XCTAssertEqual(studentTQuantile(0.975, df: 49), 2.0095752371292392, accuracy: 1e-9)
        XCTAssertEqual(studentTCDF(0, df: 5), 0.5, accuracy: 1e-14)
    }

    let a = [0.1, 0.4, 0.35, 0.8, 0.5, 0.2, 0.65, 0.3]
    let b = [0.2, 0.45, 0.3, 0.9, 0.7, 0.25, 0.6, 0.5]

    func testPairedTTest() throws {
        let t = try XCTUnwrap(pairedTTest(a, b))
        XCTAssertEqual(t.statistic, 2.201398157116028, accuracy: 1e-10)
        XCTAssertEqual(t.p, 0.06359962262480945, accuracy: 1e-10)
        XCTAssertEqual(pairedTTest(a, a)?.p, 1)
        XCTAssertLessThan(pairedTTest(a, a.map { $0 + 0.1 })!.p, 1e-10)
        XCTAssertEqual(pairedTTest([0, 0, 0], [1, 1, 1])?.p, 0)
        XCTAssertNil(pairedTTest([1], [2]))
    }

    func testRandomizationTestIsReproducibleAndNearExact() throws {
        // The exact permutation p over all 2^8 sign flips is 0.1015625.
        let r1 = try XCTUnwrap(pairedRandomizationTest(a, b, permutations: 10_000, seed: 7))
        let r2 = try XCTUnwrap(pairedRandomizationTest(a, b, permutations: 10_000, seed: 7))
        XCTAssertEqual(r1, r2)
        XCTAssertEqual(r1.p, 0.1015625, accuracy: 0.01)
        XCTAssertEqual(pairedRandomizationTest(a, a)?.p, 1)
        let far = pairedRandomizationTest([Double](repeating: 0, count: 30), [Double](repeating: 1, count: 30))!
        XCTAssertLessThan(far.p, 0.001)
    }

    func testConfidenceInterval() throws {
        let ci = try XCTUnwrap(tConfidenceInterval(a))
        XCTAssertEqual(ci.lower, 0.21932152800390636, accuracy: 1e-9)
        XCTAssertEqual(ci.upper, 0.6056784719960936, accuracy: 1e-9)
        XCTAssertEqual(tConfidenceInterval([0.5])?.lower, 0.5)
        XCTAssertNil(tConfidenceInterval([]))
    }
}
