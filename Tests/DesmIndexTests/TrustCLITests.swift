import DesmTestSupport
import DesmText
import Foundation
import XCTest

/// What a careful user expects of `desm search` and `desm run` (issue "Trust"): no junk
/// results, explanations that add up to every score, outputs checked before any work, and
/// options that would change nothing or look like options named as mistakes.
final class TrustCLITests: XCTestCase {
    var dir = ""
    override func setUp() { dir = makeTemporaryDirectory("desm-trust-cli") }
    override func tearDown() { removeTree(dir) }

    func json(_ r: ProcessResult, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], file: file, line: line)
    }

    func testAQueryWithNoUsableWordReturnsNothingUnderEveryScorer() throws {
        let index = try buildIndexWithDesm(in: dir)
        for scorer in [["in-out"], ["in-in"], ["bm25"], ["mixture"], ["mixture:in-in", "--norm", "zscore", "--alpha", "0.5"],
                       ["mixture", "--rerank", "10"], ["in-out", "--rerank", "10"], ["bm25", "--rm3"]] {
            let root = try json(try runDesm(["search", index, "zzqx qqxz", "--json", "--scorer"] + scorer))
            XCTAssertEqual((root["results"] as? [Any])?.count, 0, "\(scorer): \(root["results"] ?? "")")
            let notes = root["notes"] as? [String] ?? []
            XCTAssertTrue(notes.contains { $0.contains("empty result") }, "\(scorer): \(notes)")
        }
        // In a run the topic has no lines (not 0, -1.4e-45, …); the other topic has its hits.
        let topics = dir + "/t.tsv"
        try "1\tzzqx qqxz\n2\tapple banana\n".write(toFile: topics, atomically: true, encoding: .utf8)
        let r = try runDesm(["run", index, "--topics", topics, "--scorer", "mixture", "--out", dir + "/r.run", "--depth", "5"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = try String(contentsOfFile: dir + "/r.run", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 5)
        XCTAssertTrue(lines.allSatisfy { $0.hasPrefix("2 ") }, "\(lines)")
    }

    /// Every mixture hit's explanation gives its normalised halves, and α·DESM' + (1 − α)·BM25'
    /// is the ranked score; with vector feedback the DESM part is the words' shares plus the
    /// feedback documents' share.
    func testExplanationsAddUpToTheRankedScores() throws {
        let index = try buildIndexWithDesm(in: dir)
        let cases: [[String]] = [
            ["--scorer", "mixture:in-in", "--norm", "zscore", "--alpha", "0.4"],
            ["--scorer", "mixture", "--norm", "minmax", "--alpha", "0.7", "--rerank", "20"],
            ["--scorer", "mixture", "--norm", "none", "--alpha", "0.97", "--vector-feedback", "0.3", "--vector-feedback-docs", "3"],
            ["--scorer", "in-out", "--vector-feedback", "0.5"],
        ]
        for c in cases {
            let root = try json(try runDesm(["search", index, "apple banana kumquat", "--json", "--explain", "-k", "8"] + c))
            let hits = try XCTUnwrap(root["results"] as? [[String: Any]])
            XCTAssertFalse(hits.isEmpty, "\(c)")
            for h in hits {
                let score = try XCTUnwrap(h["score"] as? Double)
                let words = (h["desm"] as? [[String: Any]] ?? []).compactMap { $0["contribution"] as? Double }
                let desm = try XCTUnwrap(h["desmScore"] as? Double, "\(c): \(h)")
                XCTAssertEqual(words.reduce(0, +) + (h["desmFeedback"] as? Double ?? 0), desm, accuracy: 1e-5, "\(c)")
                if c.contains("--vector-feedback") { XCTAssertNotNil(h["desmFeedback"], "\(c)") }
                guard c[1].hasPrefix("mixture") else {
                    XCTAssertEqual(desm, score, accuracy: 1e-5, "\(c)")
                    continue
                }
                let m = try XCTUnwrap(h["mixture"] as? [String: Any], "\(c): \(h)")
                let a = try XCTUnwrap(m["alpha"] as? Double), d = try XCTUnwrap(m["desm"] as? Double)
                let b = try XCTUnwrap(m["bm25"] as? Double), s = try XCTUnwrap(m["score"] as? Double)
                XCTAssertEqual(a * d + (1 - a) * b, s, accuracy: 1e-9)
                XCTAssertEqual(s, score, accuracy: 1e-4 * max(1, abs(score)), "\(c): \(h)")
                if c.contains("none") { XCTAssertEqual(d, desm, accuracy: 1e-12) }
            }
        }
    }

    func testOutputsAreCheckedBeforeAnyWorkAndNeverReplaceAnotherKindOfFile() throws {
        let index = try buildIndexWithDesm(in: dir)
        let topics = dir + "/t.tsv"
        try "1\tapple banana\n".write(toFile: topics, atomically: true, encoding: .utf8)
        let qrels = dir + "/q.txt"
        try "1 0 r1 1\n".write(toFile: qrels, atomically: true, encoding: .utf8)
        let model = dir + "/m.model"
        let modelBytes = try Data(contentsOf: URL(fileURLWithPath: model))
        func refused(_ args: [String], _ victim: String?, _ says: String, file: StaticString = #filePath, line: UInt = #line) throws {
            let before = victim.flatMap { FileManager.default.contents(atPath: $0) }
            let r = try runDesm(args)
            XCTAssertNotEqual(r.status, 0, "desm \(args): exit 0", file: file, line: line)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr, file: file, line: line)
            XCTAssertTrue(r.stderr.contains(says), r.stderr, file: file, line: line)
            if let victim { XCTAssertEqual(FileManager.default.contents(atPath: victim), before, "\(victim) changed", file: file, line: line) }
        }
        let run = ["run", index, "--topics", topics, "--scorer", "bm25", "--quiet", "--out"]
        try refused(run + [qrels], qrels, "is a qrels file, not a TREC run: not overwriting it")
        try refused(run + [model], model, "is a desm model, not a TREC run")
        try refused(run + [topics], topics, "not a TREC run")
        try refused(run + [index], nil, "is a desm index, not a TREC run")
        try refused(run + [dir + "/no/such/x.run"], nil, "the directory \(dir)/no/such does not exist")
        try refused(["index", "--collection", dir + "/c.jsonl", "--model", model, "--out", model, "--quiet"], model, "is a desm model, not a desm index")
        try refused(["export", model, "--out", qrels], qrels, "is a qrels file, not word vectors")
        try refused(["import", "--in", dir + "/none.txt", "--out", topics], topics, "not a desm model")
        // An existing directory for a model: refused at once, before training (not at the rename).
        try FileManager.default.createDirectory(atPath: dir + "/taken", withIntermediateDirectories: false)
        try refused(["train", "--collection", dir + "/c.jsonl", "--out", dir + "/taken", "--quiet"], nil, "is a directory, not a desm model")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: model)), modelBytes)

        // A run replaces a run; `--out -` writes it to standard output (and no file named -).
        let ok = try runDesm(run + [dir + "/r.run"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        let again = try runDesm(run + [dir + "/r.run"])
        XCTAssertEqual(again.status, 0, again.stderr)
        let stdout = try runDesm(["run", index, "--topics", topics, "--scorer", "bm25", "--quiet", "--out", "-"])
        XCTAssertEqual(stdout.status, 0, stdout.stderr)
        XCTAssertEqual(stdout.stdout, try String(contentsOfFile: dir + "/r.run", encoding: .utf8))
        XCTAssertFalse(FileManager.default.fileExists(atPath: "-"))
        try refused(["export", model, "--out", "-"], nil, "cannot be written to standard output")
    }

    func testOptionsThatChangeNothingOrLookLikeOptionsAreNamed() throws {
        let index = try buildIndexWithDesm(in: dir)
        func says(_ args: [String], _ text: String, file: StaticString = #filePath, line: UInt = #line) throws {
            let r = try runDesm(args)
            XCTAssertNotEqual(r.status, 0, "desm \(args): exit 0", file: file, line: line)
            XCTAssertTrue(r.stderr.contains(text), "desm \(args): \(r.stderr)", file: file, line: line)
        }
        let search = ["search", index, "apple"]
        try says(search + ["-k", "-3"], "-k must be at least 1")
        try says(search + ["--scorer", "mixture", "--alpha", "-0.5"], "--alpha must be in [0, 1]")
        try says(search + ["--alpha", "0.5"], "--alpha weighs the mixture")
        try says(search + ["--scorer", "bm25", "--norm", "zscore"], "--norm normalises the mixture")
        try says(search + ["--scorer", "bm25", "--fb-docs", "5"], "add --rm3")
        try says(search + ["--scorer", "in-out", "--k1", "1.2"], "--k1 and --b set BM25")
        try says(search + ["--scorer", "in-out", "--vector-feedback-docs", "3"], "needs --vector-feedback")
        try says(["help", "nosuch"], "no such command 'nosuch'")
        // A query byte that is not UTF-8 (only a shell can pass one) is named, not silently replaced.
        let bad = try runProcess("/bin/sh", ["-c", "\"$0\" search \"$1\" \"$(printf 'apple \\377banana')\" --scorer bm25", desmExecutable, index])
        XCTAssertEqual(bad.status, 0, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("not valid UTF-8"), bad.stderr)
        let fine = try runDesm(search + ["--scorer", "bm25"])
        XCTAssertFalse(fine.stderr.contains("UTF-8"), fine.stderr)
        // Where they do change the ranking they are accepted.
        for ok in [["--scorer", "in-out", "--rerank", "10", "--k1", "1.2"], ["--scorer", "mixture", "--alpha", "0.5", "--norm", "minmax"],
                   ["--scorer", "bm25", "--rm3", "--fb-docs", "5"]] {
            let r = try runDesm(search + ok)
            XCTAssertEqual(r.status, 0, "\(ok): \(r.stderr)")
        }
    }
}
