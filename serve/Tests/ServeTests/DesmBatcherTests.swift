import DesmIndex
@testable import DesmServe
import DesmTestSupport
import Foundation
import XCTest

/// Requests ranked together give each exactly what ranking it alone gives.
final class DesmBatcherTests: XCTestCase {
    func testABatchAnswersEachRequestAsRankingItAlone() throws {
        let s = try SampleFixture.get()
        let batchRanker = try Ranker(index: s.ranker.index, model: s.ranker.model)
        batchRanker.threads = 2
        let batcher = DesmBatcher(ranker: batchRanker)
        let queries = ["heart disease", "vaccine immunity", "xyzzy", "insulin glucose blood", "stars and planets", "heart"]
        var requests: [SearchService.SearchRequest] = []
        for (i, q) in queries.enumerated() {
            for scorer in [ScorerKind.desm(.inOut), .desm(.inIn)] {
                requests.append(.init(query: q, options: RankingOptions(scorer: scorer), k: [3, 10, 25][i % 3], explain: false))
            }
        }
        XCTAssertTrue(requests.allSatisfy(\.batchable))
        let lock = NSLock()
        var answers = [Ranking?](repeating: nil, count: requests.count)
        let done = DispatchGroup()
        batcher.paused = true   // all requests queue up, then go as one batch (two groups of options)
        for (i, r) in requests.enumerated() {
            done.enter()
            batcher.enqueue(r) { result in
                lock.lock(); answers[i] = try? result.get(); lock.unlock()
                done.leave()
            }
        }
        batcher.paused = false
        XCTAssertEqual(done.wait(timeout: .now() + 120), .success)
        for (i, r) in requests.enumerated() {
            let alone = try s.ranker.rank(r.query, options: r.options, k: r.k)
            let batched = try XCTUnwrap(answers[i], r.query)
            XCTAssertEqual(batched.hits, alone.hits, "\(r.query) \(r.options.scorer) k \(r.k)")
            XCTAssertEqual(batched.notes, alone.notes, r.query)
        }
        XCTAssertEqual(batcher.statistics.batches, 1)
        XCTAssertEqual(batcher.statistics.largestBatch, requests.count)
        XCTAssertFalse(SearchService.SearchRequest(query: "x", options: RankingOptions(scorer: .bm25), k: 1, explain: false).batchable)
        XCTAssertFalse(SearchService.SearchRequest(query: "x", options: RankingOptions(scorer: .desm(.inOut), rerank: 10), k: 1, explain: false).batchable)
    }
}
