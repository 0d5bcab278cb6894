import DesmIndex
import DesmTestSupport
import DesmText
import XCTest

final class RunWriterTests: XCTestCase {
    func parse(_ lines: [String]) -> [(docno: String, score: Double)] {
        lines.map { l in
            let f = l.split(separator: " ")
            return (String(f[2]), Double(f[4])!)
        }
    }

    /// trec_eval's order: score descending, ties by docno descending.
    func trecEvalOrder(_ rows: [(docno: String, score: Double)], float32: Bool) -> [String] {
        rows.sorted {
            let a = float32 ? Double(Float($0.score)) : $0.score, b = float32 ? Double(Float($1.score)) : $1.score
            return a > b || (a == b && $1.docno.utf8.lexicographicallyPrecedes($0.docno.utf8))
        }.map(\.docno)
    }

    func testTiesAreWrittenStrictlyDecreasingInDocnoOrder() throws {
        let hits: [(docno: String, score: Double)] = [("b", 2.0), ("a", 2.0), ("c", 2.0), ("z", 5.0),
                                                      ("y", 1.00000001), ("x", 1.0), ("w", -0.5), ("v", -0.5)]
        let lines = try RunWriter.lines(topic: "7", hits: hits, tag: "t")
        let rows = parse(lines)
        XCTAssertEqual(rows.map(\.docno), ["z", "a", "b", "c", "y", "x", "v", "w"])
        XCTAssertEqual(lines[0], "7 Q0 z 1 5 t")
        XCTAssertTrue(lines.enumerated().allSatisfy { $0.element.split(separator: " ")[3] == "\($0.offset + 1)" })
        for i in 1..<rows.count {
            XCTAssertLessThan(Float(rows[i].score), Float(rows[i - 1].score))
        }
        // Whichever precision the evaluator uses, it reads our order.
        XCTAssertEqual(trecEvalOrder(rows, float32: true), rows.map(\.docno))
        XCTAssertEqual(trecEvalOrder(rows, float32: false), rows.map(\.docno))
    }

    func testRandomTieHeavyListsSurviveTrecEvalSorting() throws {
        var rng = SplitMix(3)
        for _ in 0..<100 {
            let n = 1 + rng.below(60)
            let scale = [1e-3, 1.0, 30.0, 1e4][rng.below(4)]
            let hits = (0..<n).map { i in ("doc\(rng.below(1000))-\(i)", Double(rng.below(4)) * scale + (rng.below(2) == 0 ? 1e-9 : 0)) }
            let rows = parse(try RunWriter.lines(topic: "q", hits: hits, tag: "x"))
            XCTAssertEqual(trecEvalOrder(rows, float32: true), rows.map(\.docno))
        }
    }

    func testBadFieldsAreErrors() throws {
        XCTAssertThrowsError(try RunWriter.lines(topic: "1", hits: [("a b", 1)], tag: "t"))
        XCTAssertThrowsError(try RunWriter.lines(topic: "1", hits: [("a", 1), ("a", 2)], tag: "t"))
        XCTAssertThrowsError(try RunWriter.lines(topic: "1", hits: [("a", .nan)], tag: "t"))
        let dir = makeTemporaryDirectory("desm-run-test")
        defer { removeTree(dir) }
        XCTAssertThrowsError(try RunWriter(path: dir + "/r", tag: "has space"))
        let w = try RunWriter(path: dir + "/run.txt", tag: "bm25")
        try w.write(topic: "1", hits: [("d1", 3), ("d2", 4)])
        XCTAssertThrowsError(try w.write(topic: "1", hits: []))
        try w.write(topic: "2", hits: [])
        try w.commit()
        XCTAssertEqual(try String(contentsOfFile: dir + "/run.txt", encoding: .utf8),
                       "1 Q0 d2 1 4 bm25\n1 Q0 d1 2 3 bm25\n")
    }
}

final class RunWriterRankingTests: XCTestCase {
    func testWritingARankingUsesDocnosAndTheTag() throws {
        let model = makeModel()
        let docs = makeDocuments(count: 30, seed: 2)
        let (index, dir) = try buildIndex(docs, model: model)
        defer { removeTree(dir) }
        let ranker = try Ranker(index: index, model: model)
        let options = RankingOptions(scorer: .bm25)
        let rankings = try ranker.rankBatch(["apple", "fig kiwi"], options: options, k: 5)
        let w = try RunWriter(path: dir + "/run", tag: options.tag)
        for (i, r) in rankings.enumerated() { try w.write(topic: "q\(i)", ranking: r, index: index) }
        try w.commit()
        let lines = try String(contentsOfFile: dir + "/run", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, rankings.reduce(0) { $0 + $1.hits.count })
        let first = lines[0].split(separator: " ")
        XCTAssertEqual(first[0], "q0")
        XCTAssertEqual(String(first[2]), try index.docno(rankings[0].hits[0].doc))
        XCTAssertEqual(String(first[5]), "bm25-k0.9-b0.4")
    }
}
