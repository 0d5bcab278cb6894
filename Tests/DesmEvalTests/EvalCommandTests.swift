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

    /// A run whose docnos the qrels never mention (here a prefix on every docno) scores 0, as
    /// in trec_eval, but not silently: stderr says none of its docnos is judged. Topics that
    /// retrieved no judged document and ordinary unjudged docnos are noted too.
    func testNotesOnDocnosAndTopicsTheQrelsDoNotJudge() throws {
        let prefixed = dir.write("prefixed.run", try String(contentsOfFile: run, encoding: .utf8)
            .replacingOccurrences(of: " Q0 ", with: " Q0 P-"))
        let p = try runDesm(["eval", "--qrels", qrels, "-m", "ndcg", "-m", "map", prefixed])
        XCTAssertEqual(p.status, 0, p.stderr)
        XCTAssertEqual(p.stdout, "map                   \tall\t0.0000\nndcg                  \tall\t0.0000\n")
        XCTAssertTrue(p.stderr.contains("note: \(prefixed): 3 of 3 evaluated topic(s) retrieved no judged document and score 0: q1, q2, q3\n"), p.stderr)
        XCTAssertTrue(p.stderr.contains("note: \(prefixed): none of the 8 docno(s) retrieved for the evaluated topics appears in the qrels " +
                                        "(e.g. P-d3, P-d1, P-d5): do the run and the qrels name documents the same way?\n"), p.stderr)

        let a = try runDesm(["eval", "--qrels", qrels, "-m", "ndcg", run])
        XCTAssertTrue(a.stderr.contains("note: \(run): 2 of the 8 docno(s) retrieved for the evaluated topics appear in no qrels line " +
                                        "(unjudged, not relevant; e.g. d5, y2)\n"), a.stderr)
        XCTAssertFalse(a.stderr.contains("retrieved no judged document"), a.stderr)   // q2's x1 is judged (grade 0)

        let c = dir.write("c.run", "q1 Q0 d1 1 3 c\nq3 Q0 y9 1 1 c\nq3 Q0 d4 2 0.5 c\n")  // d4: grade -1, unjudged
        let r = try runDesm(["eval", "--qrels", qrels, "-m", "ndcg", c])
        XCTAssertTrue(r.stderr.contains("note: \(c): 1 of 2 evaluated topic(s) retrieved no judged document and score 0: q3\n"), r.stderr)
    }

    /// A run and its copy restricted to one topic are identical where both have topics: the
    /// comparison is over those shared topics (+0.0000), and the table says what each lacks.
    /// Each run's own trec_eval summary stays in the JSON.
    func testComparisonIsOverTheTopicsTheRunsShare() throws {
        let half = dir.write("half.run", try String(contentsOfFile: run, encoding: .utf8)
            .split(separator: "\n").filter { $0.hasPrefix("q1 ") }.joined(separator: "\n") + "\n")
        let t = try runDesm(["eval", "--qrels", qrels, "-m", "ndcg", "-m", "num_q", run, half])
        XCTAssertEqual(t.status, 0, t.stderr)
        let row = try XCTUnwrap(t.stdout.split(separator: "\n").first { $0.hasPrefix("ndcg") })
        let cells = row.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        XCTAssertEqual(cells, ["ndcg", "0.6433", "0.6433", "(+0.0000)"], t.stdout)
        XCTAssertTrue(t.stdout.contains("num_q    1 "), t.stdout)
        XCTAssertTrue(t.stdout.contains("values, differences and tests over the 1 topic(s) every run has\n"), t.stdout)
        XCTAssertTrue(t.stdout.contains("topics lacking (of the 3 evaluated in any run; left out of every value above): a.run 0, half.run 2 (q2, q3)\n"), t.stdout)

        let j = try runDesm(["eval", "--qrels", qrels, "-m", "ndcg", "--json", run, half])
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(root["shared_topics"] as? Int, 1)
        let runs = try XCTUnwrap(root["runs"] as? [[String: Any]])
        XCTAssertEqual((runs[0]["summary"] as? [String: Double])?["ndcg"] ?? -1, 0.4248, accuracy: 1e-4)   // trec_eval's own
        XCTAssertEqual((runs[0]["summary_over_shared_topics"] as? [String: Double])?["ndcg"] ?? -1, 0.6433, accuracy: 1e-4)
        XCTAssertEqual(runs[1]["lacking_topics"] as? [String], ["q2", "q3"])
        let test = try XCTUnwrap((runs[1]["versus_baseline"] as? [String: [String: Any]])?["ndcg"])
        XCTAssertEqual(test["difference"] as? Double, 0)
        XCTAssertEqual(test["topics"] as? Int, 1)

        // With -c every qrels topic counts (missing = 0): the same topics for both, no note.
        let c = try runDesm(["eval", "--qrels", qrels, "-m", "ndcg", "-c", run, half])
        XCTAssertTrue(c.stdout.contains("tests over all qrels topics (missing = 0)"), c.stdout)
        XCTAssertFalse(c.stdout.contains("topics lacking"), c.stdout)

        let q2 = dir.write("q2.run", "q2 Q0 x1 1 1 x\n"), q3 = dir.write("q3.run", "q3 Q0 y1 1 1 y\n")
        let none = try runDesm(["eval", "--qrels", qrels, q2, q3])
        XCTAssertEqual(none.status, 1)
        XCTAssertTrue(none.stderr.hasSuffix("desm: error: the runs have no evaluated topic in common (q2.run: 1 topics, q3.run: 1 topics): nothing to compare\n"), none.stderr)
    }
}
