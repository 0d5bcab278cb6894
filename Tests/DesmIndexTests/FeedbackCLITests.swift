import DesmIndex
import DesmTestSupport
import DesmText
import DesmWord2Vec
import Foundation
import XCTest

/// The feedback options of `desm search` and `desm run` end to end: the expanded query is
/// shown and tagged, and the usual mistakes are one-line errors before any work.
final class FeedbackCLITests: XCTestCase {
    var dir = ""
    override func setUp() { dir = makeTemporaryDirectory("desm-feedback-cli") }
    override func tearDown() { removeTree(dir) }

    func buildIndex() throws -> String { try buildIndexWithDesm(in: dir) }

    func testSearchShowsTheExpandedQueryAndRunTagsIt() throws {
        let index = try buildIndex()
        let s = try runDesm(["search", index, "apple banana", "--scorer", "bm25", "--rm3", "--fb-docs", "30", "--fb-terms", "4", "--json"])
        XCTAssertEqual(s.status, 0, s.stderr)
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(s.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(root["tag"] as? String, "bm25-k0.9-b0.4-rm3-fd30-ft4-ow0.5")
        let expanded = try XCTUnwrap(root["expandedQuery"] as? [[String: Any]])
        XCTAssertEqual(expanded.prefix(2).compactMap { $0["term"] as? String }, ["appl", "banana"])
        XCTAssertEqual(expanded.compactMap { $0["weight"] as? Double }.reduce(0, +), 1, accuracy: 1e-9)
        XCTAssertTrue(expanded.contains { $0["term"] as? String == "kumquat" }, "\(expanded)")
        let hits = try XCTUnwrap(root["results"] as? [[String: Any]])
        XCTAssertFalse(hits.isEmpty)

        let text = try runDesm(["search", index, "apple banana", "--scorer", "mixture:in-in", "--norm", "zscore", "--alpha", "0.4",
                                "--rm3", "--rm3-embedding-weight", "2", "--original-query-weight", "0.7", "--explain", "-k", "2"])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("# expanded query: appl"), text.stdout)
        XCTAssertTrue(text.stdout.contains("(weight "), text.stdout)
        XCTAssertTrue(text.stdout.contains("-rm3-fd10-ft10-ow0.7-emb2"), text.stdout)

        let topics = dir + "/t.tsv"
        try "1\tapple banana\n2\tcherry grape\n".write(toFile: topics, atomically: true, encoding: .utf8)
        let run = try runDesm(["run", index, "--topics", topics, "--scorer", "bm25", "--expand-topical", "3", "--out", dir + "/r.run", "--quiet"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let first = try String(contentsOfFile: dir + "/r.run", encoding: .utf8).split(separator: "\n").first ?? ""
        XCTAssertTrue(first.hasSuffix("bm25-k0.9-b0.4-topical-n3-ow0.7"), String(first))
    }

    func testFeedbackMistakesAreOneLineErrors() throws {
        let index = try buildIndex()
        for (arguments, message) in [
            (["--scorer", "in-out", "--rm3"], "use it with bm25, a mixture or --rerank"),
            (["--scorer", "bm25", "--rm3-embedding-weight", "2"], "add --rm3"),
            (["--scorer", "bm25", "--rm3", "--expand-topical", "3"], "alternatives"),
            (["--scorer", "bm25", "--vector-feedback", "0.3"], "DESM scorer or a mixture"),
            (["--scorer", "bm25", "--rm3", "--fb-docs", "0"], "at least 1 feedback document"),
            (["--scorer", "bm25", "--rm3", "--original-query-weight", "1.5"], "original query weight must be in [0, 1]"),
            (["--scorer", "bm25", "--original-query-weight", "0.5"], "needs --rm3 or --expand-topical"),
            (["--scorer", "mixture", "--vector-feedback", "nan"], "vector feedback weight"),
        ] {
            let r = try runDesm(["search", index, "apple"] + arguments)
            XCTAssertNotEqual(r.status, 0, "\(arguments)")
            XCTAssertTrue(r.stderr.contains(message), "\(arguments): \(r.stderr)")
        }
    }
}
