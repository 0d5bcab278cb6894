import DesmTestSupport
import DesmText
import Foundation
import XCTest

/// Full-collection DESM through OpenBLAS as the CPU selects it, through OpenBLAS forced to a
/// pre-AVX kernel (`OPENBLAS_CORETYPE=Prescott`: SSE3, what a CPU without AVX2 gets), and
/// through desm's own loops (`DESM_KERNELS=portable`): the same runs, bit for bit (hits are
/// re-scored with one arithmetic whatever computed the products).
final class DenseKernelTests: XCTestCase {
    var dir = ""
    override func setUp() { dir = makeTemporaryDirectory("desm-dense-kernels") }
    override func tearDown() { removeTree(dir) }

    func testEveryKernelGivesTheSameRuns() throws {
        let index = try buildIndexWithDesm(in: dir)
        let topics = dir + "/t.tsv"
        try "1\tapple banana\n2\tcherry grape kumquat\n3\tdurian\n4\tbanana apple cherry\n5\trambutan kumquat apple\n"
            .write(toFile: topics, atomically: true, encoding: .utf8)
        let settings: [(String, [String: String])] = [
            ("default", [:]), ("prescott", ["OPENBLAS_CORETYPE": "Prescott", "OPENBLAS_VERBOSE": "2"]),
            ("portable", ["DESM_KERNELS": "portable"]),
        ]
        for scorer in [["in-out"], ["in-in"], ["mixture", "--norm", "zscore", "--alpha", "0.5"]] {
            var runs: [String: String] = [:]
            for (name, env) in settings {
                let out = dir + "/\(name).run"
                let r = try runProcess(desmExecutable, ["run", index, "--topics", topics, "--out", out, "--quiet", "--scorer"] + scorer,
                                       environment: env)
                XCTAssertEqual(r.status, 0, r.stderr)
                if name == "prescott" { XCTAssertTrue(r.stderr.contains("Core: Prescott"), "OpenBLAS did not take the forced kernel: \(r.stderr)") }
                runs[name] = try String(contentsOfFile: out, encoding: .utf8)
            }
            XCTAssertGreaterThan(runs["default"]!.split(separator: "\n").count, 200)
            if scorer.count == 1 {
                XCTAssertEqual(runs["prescott"], runs["default"], "\(scorer)")
                XCTAssertEqual(runs["portable"], runs["default"], "\(scorer)")
            } else {
                // The mixture normalises every document's raw score: equal to float rounding.
                for other in ["prescott", "portable"] { try assertRunsAgree(runs["default"]!, runs[other]!, "\(scorer) \(other)") }
            }
        }
    }

    /// `--threads` changes the speed, never the run; `--timing` reports queries per second.
    func testThreadsChangeNothingButTheTimeAndTimingIsReported() throws {
        let index = try buildIndexWithDesm(in: dir)
        let topics = dir + "/t.tsv"
        try "1\tapple banana\n2\tcherry grape kumquat\n3\tdurian\n".write(toFile: topics, atomically: true, encoding: .utf8)
        for scorer in ["in-out", "bm25", "mixture"] {
            var runs: [String] = []
            for threads in ["1", "2", "3"] {
                let out = dir + "/t\(threads).run"
                let r = try runDesm(["run", index, "--topics", topics, "--scorer", scorer, "--threads", threads, "--timing", "--out", out])
                XCTAssertEqual(r.status, 0, r.stderr)
                XCTAssertTrue(r.stderr.contains("timing: 3 queries ranked in "), r.stderr)
                XCTAssertTrue(r.stderr.contains("queries/s (\(threads) thread"), r.stderr)
                runs.append(try String(contentsOfFile: out, encoding: .utf8))
            }
            XCTAssertEqual(Set(runs).count, 1, scorer)
        }
        let s = try runDesm(["search", index, "apple", "--timing", "--threads", "1"])
        XCTAssertTrue(s.stderr.contains("timing: 1 query ranked in "), s.stderr)
        XCTAssertFalse(try runDesm(["search", index, "apple"]).stderr.contains("timing"))
        let bad = try runDesm(["search", index, "apple", "--threads", "0"])
        XCTAssertTrue(bad.stderr.contains("--threads must be at least 1"), bad.stderr)
    }

    func assertRunsAgree(_ a: String, _ b: String, _ label: String) throws {
        let la = a.split(separator: "\n"), lb = b.split(separator: "\n")
        XCTAssertEqual(la.count, lb.count, label)
        var scores: [String: Double] = [:]
        for l in la { let f = l.split(separator: " "); scores[f[0] + " " + f[2]] = Double(f[4]) }
        for l in lb {
            let f = l.split(separator: " ")
            let s = try XCTUnwrap(scores[f[0] + " " + f[2]], "\(label): \(l) only in one run")
            XCTAssertEqual(s, try XCTUnwrap(Double(f[4])), accuracy: 1e-5 * max(1, abs(s)), label)
        }
    }
}
