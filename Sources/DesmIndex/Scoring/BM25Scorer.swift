import DesmText
import Foundation

/// BM25 as Lucene/Anserini compute it: idf = ln(1 + (N − n + 0.5)/(n + 0.5)),
/// term score = idf · tf·(k1+1) / (tf + k1·(1 − b + b·dl/avgdl)); repeated query terms
/// weigh their count (Anserini's bag-of-words query).
public struct BM25Parameters: Hashable, Sendable {
    public var k1: Double
    public var b: Double

    public init(k1: Double = 0.9, b: Double = 0.4) {
        self.k1 = k1
        self.b = b
    }

    /// What is wrong with these values (k1 finite and ≥ 0, b in [0, 1]), or nil. Checked by
    /// `desm search/run` and `desm experiment` alike.
    public var problem: String? {
        k1 >= 0 && k1.isFinite && b >= 0 && b <= 1 ? nil : "k1 must be ≥ 0 and b in [0, 1] (got k1 \(k1), b \(b))"
    }

    public static func idf(documents: Int, documentFrequency n: Int) -> Double {
        log(1 + (Double(documents) - Double(n) + 0.5) / (Double(n) + 0.5))
    }

    /// One term's score in one document.
    public func termScore(tf: Double, documentLength dl: Double, averageLength avgdl: Double, idf: Double) -> Double {
        guard tf > 0 else { return 0 }
        let ratio = avgdl > 0 ? dl / avgdl : 1
        return idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * ratio))
    }
}

/// One term of a BM25 query with its weight: the term's count in the query for a plain
/// query (Anserini's bag of words), a boost for an expanded one (RM3's interpolated
/// probabilities). `id` is the term's number in the index, nil when no document has it;
/// `queryCount` its count in the user's query (0 for a term that expansion added).
public struct WeightedTerm: Equatable, Sendable {
    public var term: String
    public var id: Int?
    public var weight: Double
    public var queryCount: Int

    public init(term: String, id: Int?, weight: Double, queryCount: Int) {
        self.term = term
        self.id = id
        self.weight = weight
        self.queryCount = queryCount
    }
}

/// BM25 over an index's postings: term-at-a-time into a dense accumulator with a
/// touched-list, then a top-k heap. Σ_t w_t · idf_t · tf·(k1+1)/(tf + k1·(1 − b + b·dl/avgdl)),
/// w_t the query weight of term t. Thread-safe: accumulators come from a small pool and the
/// per-(k1, b) length normalisations are cached under a lock.
final class BM25Scorer: @unchecked Sendable {
    let index: DocumentIndex
    private let lock = NSLock()
    private var normCache: [BM25Parameters: [Float]] = [:]
    /// Accumulators are reused across queries (allocating and faulting in N floats per query
    /// would cost more than the query on a large index).
    private var scratchPool: [Scratch] = []

    init(index: DocumentIndex) { self.index = index }

    /// Scratch space for one BM25 evaluation (a dense accumulator and its touched list).
    final class Scratch {
        var acc: [Float]
        var touched: [Int32] = []
        init(count: Int) { acc = [Float](repeating: 0, count: count) }

        /// Zeroes what the last evaluation touched.
        func clear() {
            for d in touched { acc[Int(d)] = 0 }
            touched.removeAll(keepingCapacity: true)
        }
    }

    func takeScratch() -> Scratch {
        lock.lock(); defer { lock.unlock() }
        return scratchPool.popLast() ?? Scratch(count: index.count)
    }

    func giveBack(_ s: Scratch) {
        lock.lock(); defer { lock.unlock() }
        if scratchPool.count < 8 { scratchPool.append(s) }
    }

    /// k1·(1 − b + b·dl/avgdl) for every document, cached per parameter pair.
    func lengthNorms(_ p: BM25Parameters) -> [Float] {
        lock.lock(); defer { lock.unlock() }
        if let cached = normCache[p] { return cached }
        let avg = index.bm25AverageLength
        let norms = (0..<index.count).map { i -> Float in
            let ratio = avg > 0 ? Double(index.lengths[i]) / avg : 1
            return Float(p.k1 * (1 - p.b + p.b * ratio))
        }
        normCache[p] = norms
        return norms
    }

    /// The accumulated scores of one evaluation, held in its scratch.
    struct Result {
        let scratch: Scratch
        /// Top k of the accumulated scores; clears the accumulator.
        func topK(_ k: Int) -> [ScoredDocument] {
            var top = TopK(k: k)
            scratch.acc.withUnsafeMutableBufferPointer { acc in
                for d in scratch.touched {
                    let i = Int(d)
                    top.offer(acc[i], i)
                    acc[i] = 0
                }
            }
            scratch.touched.removeAll(keepingCapacity: true)
            return top.sorted()
        }

        /// Every document's score (0 where no term matched); clears the accumulator.
        func all() -> [Float] {
            let b = scratch.acc
            scratch.clear()
            return b
        }
    }

    /// Scores every document that has a query term into `scratch`.
    func evaluate(_ terms: [WeightedTerm], params: BM25Parameters, scratch: Scratch) throws -> Result {
        let norms = lengthNorms(params)
        let n = index.bm25Documents
        let k1p1 = Float(params.k1 + 1)
        do {
            try accumulate(terms, norms: norms, n: n, k1p1: k1p1, scratch: scratch)
        } catch {
            scratch.clear() // leave the scratch clean for the next query
            throw error
        }
        return Result(scratch: scratch)
    }

    private func accumulate(_ terms: [WeightedTerm], norms: [Float], n: Int, k1p1: Float, scratch: Scratch) throws {
        try norms.withUnsafeBufferPointer { nb in
            try scratch.acc.withUnsafeMutableBufferPointer { acc in
                for t in terms {
                    guard let id = t.id, t.weight != 0 else { continue }
                    let idf = BM25Parameters.idf(documents: n, documentFrequency: index.bm25DocumentFrequency(id))
                    let w = Float(idf * t.weight) * k1p1
                    try index.forEachPosting(id) { doc, tf in
                        let f = Float(tf)
                        let s = w * f / (f + nb[doc])
                        if acc[doc] == 0 { scratch.touched.append(Int32(doc)) }
                        acc[doc] += s
                    }
                }
            }
        }
    }

    /// Each query term's share of one document's score (in double), and their sum.
    func explain(_ terms: [WeightedTerm], doc: Int, params: BM25Parameters) throws -> (terms: [Explanation.TermScore], total: Double) {
        let n = index.bm25Documents
        let avg = index.bm25AverageLength
        let dl = Double(index.lengths[doc])
        var total = 0.0
        var out: [Explanation.TermScore] = []
        for t in terms {
            guard let id = t.id else {
                out.append(.init(term: t.term, queryCount: t.queryCount, weight: t.weight, tf: 0, idf: 0, score: 0))
                continue
            }
            let tf = try index.termFrequency(id, doc: doc)
            let idf = BM25Parameters.idf(documents: n, documentFrequency: index.bm25DocumentFrequency(id))
            let s = t.weight * params.termScore(tf: Double(tf), documentLength: dl, averageLength: avg, idf: idf)
            total += s
            out.append(.init(term: t.term, queryCount: t.queryCount, weight: t.weight, tf: Int(tf), idf: idf, score: s))
        }
        return (out, total)
    }
}
