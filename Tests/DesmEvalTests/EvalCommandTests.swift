import DesmEval
import DesmTestSupport
import Foundation
import XCTest

/// `desm eval` end to end on the REFERENCE.md §4 fixture.
final class EvalCommandTests: XCTestCase {
    let dir = ScratchDirectory("desm-eval")
    var qrels = "", run = "", run2 = ""

    override func setUpWithError() throws {
        try requireDesm()
        qrels = dir.write("qrels.txt", "q1 0 d1 2\nq1 0 d2 1\nq1 0 d3 0\nq1 0 d4 -1\nq2 0 x1 0\nq3 0 y1 1\n")
        run = dir.write("a.run", """
        q1 Q0 d3 1 1.0 a
        q1 Q0 d1 2 1.0 a
        q1 Q0 d5 3 0.9 a
        q1 Q0 d2 4 0.5 a
        q1 Q0 d4 5 0.4 a
        q2 Q0 x1 1 3.0 a
        q3 Q0 y2 1 2.0 a
        q3 Q0 y1 2 1.0 a
        q9 Q0 z1 1 1.0 a

        """)
        run2 = dir.write("b.run", "q1 Q0 d1 1 3 b\nq1 Q0 d2 2 2 b\nq3 Q0 y1 1 1 b\n")
    }

    func testTrecEvalFormat() throws {
        let r = try runDesm(["eval", "--qrels", qrels, "-m", "ndcg_cut.3,5", "-m", "num_q", "-q", run])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, """
        ndcg_cut_3            \tq1\t0.4796
        ndcg_cut_5            \tq1\t0.6433
        ndcg_cut_3            \tq2\t0.0000
        ndcg_cut_5            \tq2\t0.0000
        ndcg_cut_3            \tq3\t0.6309
        ndcg_cut_5            \tq3\t0.6309
        num_q                 \tall\t3
        ndcg_cut_3            \tall\t0.3702
        ndcg_cut_5            \tall\t0.4248

        """)
        XCTAssertTrue(r.stderr.contains("not in the qrels"), r.stderr)
    }

    func testCompleteAndLevel() throws {
        let c = try runDesm(["eval", "--qrels", qrels, "-m", "map", "-c", "-l", "2", run2])
        XCTAssertEqual(c.status, 0, c.stderr)
        XCTAssertEqual(c.stdout, "map                   \tall\t0.3333\n")   // q1: AP 1 (d1), q2 and q3 count 0
    }

    func testComparisonTableAndJSON() throws {
        let t = try runDesm(["eval", "--qrels", qrels, "-m", "ndcg", "-m", "num_ret", run, run2])
        XCTAssertEqual(t.status, 0, t.stderr)
        XCTAssertTrue(t.stdout.contains("a.run (baseline)"), t.stdout)
        XCTAssertTrue(t.stdout.contains("ndcg"), t.stdout)
        let p = try runDesm(["eval", "--qrels", qrels, "-m", "ndcg", "--p-values", run, run2])
        XCTAssertTrue(p.stdout.contains("[t "), p.stdout)
        let j = try runDesm(["eval", "--qrels", qrels, "-m", "ndcg", "-q", "--json", "--permutations", "500", run, run2])
        XCTAssertEqual(j.status, 0, j.stderr)
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any])
        let runs = try XCTUnwrap(root["runs"] as? [[String: Any]])
        XCTAssertEqual(runs.count, 2)
        let summary = try XCTUnwrap(runs[0]["summary"] as? [String: Double])
        XCTAssertEqual(summary["ndcg"]!, 0.4248, accuracy: 1e-4)
        let perTopic = try XCTUnwrap(runs[0]["per_topic"] as? [String: [String: Double]])
        XCTAssertEqual(perTopic["q3"]?["ndcg"] ?? -1, 0.6309, accuracy: 1e-4)
        let tests = try XCTUnwrap(runs[1]["versus_baseline"] as? [String: [String: Any]])
        XCTAssertNotNil(tests["ndcg"]?["t_test_p"])
        XCTAssertNotNil(tests["ndcg"]?["randomization_p"])
    }

    func testChartsAndOutputFile() throws {
        let out = dir.path + "/table.txt", chart = dir.path + "/ci.svg", diff = dir.path + "/diff.svg"
        let r = try runDesm(["eval", "--qrels", qrels, "-m", "map", "--output", out, "--chart", chart,
                             "--diff-chart", diff, "--chart-measure", "ndcg", run, run2])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(try String(contentsOfFile: out, encoding: .utf8).contains("map"))
        XCTAssertTrue(try String(contentsOfFile: chart, encoding: .utf8).hasPrefix("<svg"))
        XCTAssertTrue(try String(contentsOfFile: diff, encoding: .utf8).contains("2 topics"))
    }

    func testErrorsAreOneLine() throws {
        let bad = dir.write("bad.run", "q1 Q0 d1 1 x a\n")
        let r = try runDesm(["eval", "--qrels", qrels, bad])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr, "desm: error: \(bad):1: score \"x\" is not a finite number\n")
        let m = try runDesm(["eval", "--qrels", qrels, "-m", "bogus", run])
        XCTAssertEqual(m.status, 1)
        XCTAssertTrue(m.stderr.contains("unknown measure \"bogus\""), m.stderr)
        let help = try runDesm(["eval", "--help"])
        XCTAssertTrue(help.stdout.contains("trec_eval"), help.stdout)
    }
}
