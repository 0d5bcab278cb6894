import DesmIndex
import Dispatch
import Foundation

/// Ranks concurrent pure-DESM requests together. Scoring a query against every centroid
/// reads the whole centroid matrix (240 MB at 300,000 documents × 200 dimensions), so one
/// query at a time is bound by memory bandwidth; a batch of queries is one blocked
/// matrix–matrix product that reads it once (`Ranker.rankBatch`), many times faster per
/// query. Requests wait in a queue while a batch is being ranked; the next batch takes all
/// of them (those with the same options together, at the largest k asked), so no request
/// waits for a timer and a lone request is ranked at once. Each answer is exactly what
/// `Ranker.rank` gives: DESM's top k are in a total order (score, then document number), so
/// the first k of a larger k are the top k.
public final class DesmBatcher: @unchecked Sendable {
    struct Pending {
        let request: SearchService.SearchRequest
        let done: (Result<Ranking, Error>) -> Void
    }

    private let ranker: Ranker
    private let queue = DispatchQueue(label: "desm.serve.batcher")
    private let lock = NSLock()
    private var pending: [Pending] = []
    private var running = false
    /// For tests: while paused, requests queue up and no batch starts.
    var paused: Bool {
        get { lock.lock(); defer { lock.unlock() }; return isPaused }
        set {
            lock.lock(); isPaused = newValue; lock.unlock()
            if !newValue { startIfIdle() }
        }
    }
    private var isPaused = false
    private(set) var batches = 0
    private(set) var queries = 0
    private(set) var largestBatch = 0

    /// `ranker` ranks the batches, each split between its `threads`.
    public init(ranker: Ranker) { self.ranker = ranker }

    public struct Statistics: Codable, Sendable {
        public var batches: Int
        public var queries: Int
        public var largestBatch: Int
    }

    public var statistics: Statistics {
        lock.lock(); defer { lock.unlock() }
        return Statistics(batches: batches, queries: queries, largestBatch: largestBatch)
    }

    public func rank(_ request: SearchService.SearchRequest) async throws -> Ranking {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Ranking, Error>) in
            enqueue(request) { c.resume(with: $0) }
        }
    }

    func enqueue(_ request: SearchService.SearchRequest, done: @escaping (Result<Ranking, Error>) -> Void) {
        lock.lock()
        pending.append(Pending(request: request, done: done))
        lock.unlock()
        startIfIdle()
    }

    private func startIfIdle() {
        lock.lock()
        let start = !running && !isPaused && !pending.isEmpty
        if start { running = true }
        lock.unlock()
        if start { queue.async { self.drain() } }
    }

    private func drain() {
        while true {
            lock.lock()
            if pending.isEmpty || isPaused { running = false; lock.unlock(); return }
            let batch = pending
            pending = []
            batches += 1
            queries += batch.count
            largestBatch = max(largestBatch, batch.count)
            lock.unlock()
            var groups: [(options: RankingOptions, members: [Pending])] = []
            for p in batch {
                if let i = groups.firstIndex(where: { $0.options == p.request.options }) { groups[i].members.append(p) }
                else { groups.append((p.request.options, [p])) }
            }
            for g in groups { rank(g.members, options: g.options) }
        }
    }

    private func rank(_ members: [Pending], options: RankingOptions) {
        let k = members.map(\.request.k).max()!
        do {
            let rankings = try ranker.rankBatch(members.map(\.request.query), options: options, k: k)
            for (p, var r) in zip(members, rankings) {
                if r.hits.count > p.request.k { r.hits.removeLast(r.hits.count - p.request.k) }
                p.done(.success(r))
            }
        } catch {
            for p in members { p.done(.failure(error)) }
        }
    }
}
