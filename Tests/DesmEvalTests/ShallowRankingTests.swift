@testable import DesmEval
import DesmIndex
import DesmTestSupport
import DesmText
import DesmWord2Vec
import Foundation
import XCTest

/// The grid searches rank only deep enough for NDCG@10 (`rankTop`): their per-topic NDCG@10
/// must equal that of the full-depth run, ties at the cut included.
final class ShallowRankingTests: XCTestCase {
    func testATieAtTheCutIsDetected() {
        XCTAssertFalse(mayCutATie([5, 4, 3, 2, 1], kept: 5, needed: 3), "rank 3 (3) is above the lowest kept (1)")
        XCTAssertTrue(mayCutATie([5, 4, 3, 3, 3], kept: 5, needed: 3), "rank 3 ties with the lowest kept: more 3s may be cut")
        XCTAssertTrue(mayCutATie([3, 3, 5, 4, 3], kept: 5, needed: 3), "in any order")
        XCTAssertFalse(mayCutATie([5, 4, 3, 3], kept: 5, needed: 3), "fewer than kept: nothing was cut")
        XCTAssertFalse(mayCutATie([5], kept: 5, needed: 3))
    }

    func testShallowRankingsEvaluateAsTheFullRun() throws {
        let dir = makeTemporaryDirectory("desm-shallow")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var rng = SplitMix64(seed: 3)
        func below(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        let words = (0..<30).map { "w\($0)" }
        let dim = 8
        let model = EmbeddingModel(vocabulary: Vocabulary(words: words, counts: words.indices.map { Int64(100 - $0) }), dim: dim,
                                   input: FloatMatrix(rows: words.count, cols: dim, values: (0..<words.count * dim).map { _ in Float(below(2001) - 1000) / 1000 }),
                                   output: FloatMatrix(rows: words.count, cols: dim, values: (0..<words.count * dim).map { _ in Float(below(2001) - 1000) / 1000 }))
        // Short documents over few words: BM25 gives many exact ties.
        var jsonl = ""
        for d in 0..<400 {
            let text = (0..<(1 + below(4))).map { _ in words[below(12)] }.joined(separator: " ")
            jsonl += "{\"_id\": \"d\(String(format: "%03d", d))\", \"text\": \"\(text)\"}\n"
        }
        try jsonl.write(toFile: dir + "/c.jsonl", atomically: true, encoding: .utf8)
        try IndexBuilder(model: model, options: IndexBuildOptions(threads: 2)).build(collectionPath: dir + "/c.jsonl", to: dir + "/idx")
        let ranker = try Ranker(index: try DocumentIndex(path: dir + "/idx"), model: model)
        let ids = (0..<25).map { "q\($0)" }
        let queries = ids.indices.map { _ in (0..<(1 + below(3))).map { _ in words[below(12)] }.joined(separator: " ") }
        var qrels = ""
        for t in ids { for d in 0..<400 where below(6) == 0 { qrels += "\(t) 0 d\(String(format: "%03d", d)) \(below(3))\n" } }
        try qrels.write(toFile: dir + "/q.txt", atomically: true, encoding: .utf8)
        let q = try Qrels.load(path: dir + "/q.txt")
        var redone = 0
        for scorer in ["bm25", "in-out", "mixture:in-in"] {
            var o = RankingOptions(scorer: try ScorerKind.parse(scorer))
            if scorer.hasPrefix("mixture") { o.normalisation = .zscore; o.alpha = 0.5 }
            for expansion in [nil, QueryExpansion.rm3(RM3Parameters(documents: 5, terms: 5))] where expansion == nil || scorer != "in-out" {
                o.expansion = expansion
                let full = try rankRun(ranker: ranker, topicIDs: ids, queries: queries, options: o, depth: 1000).topics
                let shallow = try rankTop(10, ranker: ranker, topicIDs: ids, queries: queries, options: o, depth: 1000)
                redone += shallow.filter { $0.hits.count > 20 }.count
                let a = try evaluate(run: runFile(full, tag: "t"), qrels: q, measures: [.ndcgCut(10)])
                let b = try evaluate(run: runFile(shallow, tag: "t"), qrels: q, measures: [.ndcgCut(10)])
                XCTAssertEqual(a.perTopic(.ndcgCut(10)), b.perTopic(.ndcgCut(10)), "\(scorer) \(String(describing: expansion))")
            }
        }
        XCTAssertGreaterThan(redone, 0, "some topic had a tie at the cut and was ranked again to full depth")
    }
}
