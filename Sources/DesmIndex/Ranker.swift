import DesmText
import DesmWord2Vec
import Foundation

/// A query as the scorers see it.
public struct AnalysedQuery: Sendable {
    public var text: String
    /// In-vocabulary query words used by DESM (repeats kept), with their vocabulary ids.
    public var words: [(word: String, id: Int)]
    /// Query words DESM skipped: not in the model's vocabulary (or a zero vector).
    public var skippedWords: [String]
    /// Distinct BM25 terms with their query counts and their term ids (nil: in no document).
    public var terms: [(term: String, count: Int, id: Int?)]
    /// Query words removed by the query stoplist (`RankingOptions.queryStoplist`), in order.
    public var droppedWords: [String] = []

    public var unknownTerms: [String] { terms.filter { $0.id == nil }.map(\.term) }
}

/// One ranking: hits best first, plus notes for the user (skipped words, empty results).
public struct Ranking: Sendable {
    public var query: AnalysedQuery
    public var hits: [ScoredDocument]
    public var notes: [String]
}

/// Why a document scored what it did.
public struct Explanation: Sendable {
    public struct WordCosine: Sendable {
        public var word: String
        /// cos(w_q, D̂) in the scorer's spaces.
        public var cosine: Double
        /// cosine / |Q|: the word's share of the DESM score.
        public var contribution: Double
    }
    public struct TermScore: Sendable {
        public var term: String
        public var queryCount: Int
        public var tf: Int
        public var idf: Double
        /// queryCount · idf · tf-saturation: the term's share of the BM25 score.
        public var score: Double
    }
    public var desm: [WordCosine]
    public var desmScore: Double?
    public var bm25: [TermScore]
    public var bm25Score: Double?
}

/// Ranks an index's documents for queries with DESM, BM25, their mixture, or re-ranking.
///
/// Full-collection DESM is a SIMD matrix–vector product over the mapped centroids with a
/// top-k heap (both cores on large indexes); `rankBatch` turns a batch of DESM queries into a
/// blocked matrix–matrix product. BM25 is term-at-a-time over the postings into a dense
/// accumulator with a touched-list, then a top-k heap. A `Ranker` can be shared by threads.
public final class Ranker: @unchecked Sendable {
    public let index: DocumentIndex
    public let model: EmbeddingModel?
    /// Threads for full-collection scoring.
    public var threads: Int = 2
    private let lock = NSLock()
    private var normCache: [BM25Parameters: [Float]] = [:]
    /// μ_IN and μ_OUT when the index's word vectors are mean-centred (manifest `center`).
    private let centringIn: [Double]?
    private let centringOut: [Double]?

    /// `model` must be the one the index was built with (same checksum); without a model
    /// only BM25 can rank.
    public init(index: DocumentIndex, model: EmbeddingModel?) throws {
        self.index = index
        self.model = model
        if let model {
            let m = index.manifest
            guard model.checksum == m.modelChecksum, model.dim == m.dim,
                  model.vocabulary.count == m.modelVocabularySize else {
                throw DesmError(String(format: "the index was built with another model (index: checksum %08x, %d words, dim %d; model: checksum %08x, %d words, dim %d): rebuild it or pass its model",
                                       m.modelChecksum, m.modelVocabularySize, m.dim, model.checksum, model.vocabulary.count, model.dim),
                                path: index.path)
            }
            guard model.analyzer == m.analyzer else {
                throw DesmError("the model's analyzer settings differ from the index's: rebuild the index", path: index.path)
            }
        }
        if let model, index.manifest.center == true {
            centringIn = WordCentring.mean(of: model.input, counts: model.vocabulary.counts)
            centringOut = model.output.map { WordCentring.mean(of: $0, counts: model.vocabulary.counts) }
        } else {
            centringIn = nil
            centringOut = nil
        }
    }

    /// A query word's unit vector in `space`, centred first when the index is (in double);
    /// nil when its row is zero or not finite (the word is skipped, as the indexer does).
    private func unitWordVector(_ matrix: FloatMatrix, _ id: Int, space: EmbeddingSpace) -> [Double]? {
        let dim = matrix.cols
        let row = matrix.row(id)
        let len = VectorKernels.norm(row.baseAddress!, dim)
        guard len > 0, len.isFinite else { return nil }
        guard let mu = space == .input ? centringIn : centringOut else {
            return (0..<dim).map { Double(row[$0]) / len }
        }
        let c = (0..<dim).map { Double(row[$0]) - mu[$0] }
        let n = c.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard n > 0, n.isFinite else { return nil }
        return c.map { $0 / n }
    }

    // MARK: Queries

    /// The query's DESM words and BM25 terms, without the words of `stoplist`.
    public func analyse(_ text: String, dropping stoplist: QueryStoplist = .none) throws -> AnalysedQuery {
        let analysis = TextAnalysis(settings: index.manifest.analyzer)
        let (tokens, terms, dropped) = analysis.analyseQuery(text, dropping: stoplist)
        var words: [(String, Int)] = [], skipped: [String] = []
        for t in tokens {
            if let model, let id = model.vocabulary.id(t) { words.append((t, id)) } else { skipped.append(t) }
        }
        var counts: [String: Int] = [:], order: [String] = []
        for t in terms {
            if counts[t] == nil { order.append(t) }
            counts[t, default: 0] += 1
        }
        var termList: [(String, Int, Int?)] = []
        for t in order { termList.append((t, counts[t]!, try index.termID(t))) }
        return AnalysedQuery(text: text, words: words, skippedWords: skipped, terms: termList, droppedWords: dropped)
    }

    /// Q̄: the mean of the query words' unit vectors in `space` (words whose vector is zero
    /// are skipped; vectors mean-centred first when the index was built with `center`); nil
    /// when no word is usable. Computed in double, stored as float.
    public func queryVector(_ q: AnalysedQuery, space: EmbeddingSpace) -> [Float]? {
        guard let model else { return nil }
        let dim = model.dim
        let matrix: FloatMatrix
        if space == .input { matrix = model.input } else {
            guard let out = model.output else { return nil }
            matrix = out
        }
        var sum = [Double](repeating: 0, count: dim)
        var used = 0
        for (_, id) in q.words {
            guard let u = unitWordVector(matrix, id, space: space) else { continue }
            for i in 0..<dim { sum[i] += u[i] }
            used += 1
        }
        guard used > 0 else { return nil }
        return sum.map { Float($0 / Double(used)) }
    }

    private func centroids(_ space: EmbeddingSpace) -> FloatMatrix {
        space == .input ? index.centroidsIn : index.centroidsOut
    }

    private func requireModel(_ options: RankingOptions) throws {
        if options.scorer.usesDesm && model == nil {
            throw DesmError("the \(options.scorer) scorer needs the model the index was built with", path: index.path)
        }
        if options.scorer.variant.map({ $0.querySpace == .output }) == true && model?.output == nil {
            throw DesmError("the model has no OUT vectors", path: index.path)
        }
    }

    // MARK: Ranking

    /// The top `k` documents for one query.
    public func rank(_ text: String, options: RankingOptions, k: Int) throws -> Ranking {
        try requireModel(options)
        let q = try analyse(text, dropping: options.queryStoplist)
        let scratch = takeScratch()
        defer { giveBack(scratch) }
        return try rank(q, options: options, k: k, scratch: scratch)
    }

    /// BM25 accumulators are reused across queries (allocating and faulting in N floats per
    /// query would cost more than the query on a large index).
    private var scratchPool: [Scratch] = []

    private func takeScratch() -> Scratch {
        lock.lock(); defer { lock.unlock() }
        return scratchPool.popLast() ?? Scratch(count: index.count)
    }

    private func giveBack(_ s: Scratch) {
        lock.lock(); defer { lock.unlock() }
        if scratchPool.count < 8 { scratchPool.append(s) }
    }

    /// The top `k` documents for each query, in query order. Pure DESM over the whole
    /// collection runs as one blocked matrix–matrix product; other scorers run query by
    /// query on `threads` threads.
    public func rankBatch(_ texts: [String], options: RankingOptions, k: Int) throws -> [Ranking] {
        try requireModel(options)
        let queries = try texts.map { try analyse($0, dropping: options.queryStoplist) }
        if case .desm(let v) = options.scorer, options.rerank == nil {
            var vectors: [[Float]?] = queries.map { queryVector($0, space: v.querySpace) }
            let heaps = denseBatch(vectors.map { $0 ?? [] }, space: v.documentSpace, k: k)
            var out: [Ranking] = []
            for (i, q) in queries.enumerated() {
                var notes = stoplistNotes(q, options) + wordNotes(q)
                var hits = heaps[i].sorted()
                if vectors[i] == nil {
                    hits = []
                    notes.append("\(noVectorReason(q)): DESM cannot score this query (empty result)")
                }
                out.append(Ranking(query: q, hits: hits, notes: notes))
            }
            vectors.removeAll()
            return out
        }
        var results = [Ranking?](repeating: nil, count: queries.count)
        var firstError: Error?
        let t = max(1, min(threads, queries.count))
        let lock = NSLock()
        results.withUnsafeMutableBufferPointer { res in
            DispatchQueue.concurrentPerform(iterations: t) { w in
                let scratch = takeScratch()
                defer { giveBack(scratch) }
                var i = w
                while i < queries.count {
                    do { res[i] = try rank(queries[i], options: options, k: k, scratch: scratch, threads: 1) } catch {
                        lock.lock(); if firstError == nil { firstError = error }; lock.unlock()
                    }
                    i += t
                }
            }
        }
        if let firstError { throw firstError }
        return results.map { $0! }
    }

    /// Scratch space for one BM25 evaluation (a dense accumulator and its touched list).
    final class Scratch {
        var acc: [Float]
        var touched: [Int32] = []
        init(count: Int) { acc = [Float](repeating: 0, count: count) }
    }

    /// Says which words the query stoplist removed (none: no note).
    private func stoplistNotes(_ q: AnalysedQuery, _ options: RankingOptions) -> [String] {
        q.droppedWords.isEmpty ? [] : ["query stoplist \(options.queryStoplist.name) removed: " + q.droppedWords.joined(separator: " ")]
    }

    /// Why DESM has no query vector: every word was on the query stoplist, or none is in the
    /// model's vocabulary.
    private func noVectorReason(_ q: AnalysedQuery) -> String {
        q.words.isEmpty && q.skippedWords.isEmpty && !q.droppedWords.isEmpty
            ? "every query word is on the query stoplist" : "no query word is in the model's vocabulary"
    }

    private func wordNotes(_ q: AnalysedQuery) -> [String] {
        var notes: [String] = []
        if !q.skippedWords.isEmpty && model != nil {
            notes.append("query words not in the model's vocabulary, skipped by DESM: " + q.skippedWords.joined(separator: " "))
        }
        return notes
    }

    private func rank(_ q: AnalysedQuery, options: RankingOptions, k: Int, scratch: Scratch,
                      threads: Int? = nil) throws -> Ranking {
        var notes = stoplistNotes(q, options)
        if options.scorer.usesDesm { notes += wordNotes(q) }
        if options.scorer.usesBM25 || options.rerank != nil {
            let unknown = q.unknownTerms
            if !unknown.isEmpty { notes.append("query terms in no document (no BM25 score): " + unknown.joined(separator: " ")) }
        }
        var qvec: [Float]? = nil
        if let v = options.scorer.variant {
            qvec = queryVector(q, space: v.querySpace)
            if qvec == nil {
                if case .mixture = options.scorer {
                    notes.append("\(noVectorReason(q)): DESM scores 0, the mixture ranks by BM25 alone")
                } else {
                    notes.append("\(noVectorReason(q)): DESM cannot score this query (empty result)")
                    return Ranking(query: q, hits: [], notes: notes)
                }
            }
        }
        let hasTerms = q.terms.contains { $0.id != nil }

        if let depth = options.rerank {
            // Telescoping: BM25's top `depth`, re-scored.
            guard hasTerms else {
                notes.append("no query term is in the index: BM25 finds no candidates to re-rank (empty result)")
                return Ranking(query: q, hits: [], notes: notes)
            }
            let candidates = try bm25(q, params: options.bm25, scratch: scratch).topK(depth)
            let hits: [ScoredDocument]
            switch options.scorer {
            case .bm25:
                hits = candidates
            case .desm(let v):
                let c = centroids(v.documentSpace)
                var top = TopK(k: k)
                for h in candidates { top.offer(VectorKernels.dot(qvec!, c.row(h.doc).baseAddress!, index.dim), h.doc) }
                hits = top.sorted()
            case .mixture(let v):
                let c = centroids(v.documentSpace)
                var d = candidates.map { h in qvec.map { VectorKernels.dot($0, c.row(h.doc).baseAddress!, index.dim) } ?? 0 }
                var b = candidates.map { Float($0.score) }
                normalise(&d, options.normalisation)
                normalise(&b, options.normalisation)
                var top = TopK(k: k)
                let a = Float(options.alpha)
                for (i, h) in candidates.enumerated() { top.offer(a * d[i] + (1 - a) * b[i], h.doc) }
                hits = top.sorted()
            }
            return Ranking(query: q, hits: Array(hits.prefix(k)), notes: notes)
        }

        switch options.scorer {
        case .desm(let v):
            let heap = denseBatch([qvec!], space: v.documentSpace, k: k, threads: threads ?? self.threads)[0]
            return Ranking(query: q, hits: heap.sorted(), notes: notes)
        case .bm25:
            guard hasTerms else {
                notes.append("no query term is in the index: BM25 scores every document 0 (empty result)")
                return Ranking(query: q, hits: [], notes: notes)
            }
            return Ranking(query: q, hits: try bm25(q, params: options.bm25, scratch: scratch).topK(k), notes: notes)
        case .mixture(let v):
            // Dense over the whole collection: DESM for every document, BM25 (0 where no
            // term matches), each normalised over all documents, then mixed.
            let n = index.count
            var d = [Float](repeating: 0, count: n)
            if let qv = qvec {
                let c = centroids(v.documentSpace)
                d.withUnsafeMutableBufferPointer { dp in
                    for i in 0..<n { dp[i] = VectorKernels.dot(qv, c.row(i).baseAddress!, index.dim) }
                }
            }
            if hasTerms { _ = try bm25(q, params: options.bm25, scratch: scratch) }
            var b = scratch.acc
            for i in scratch.touched { scratch.acc[Int(i)] = 0 }
            scratch.touched.removeAll(keepingCapacity: true)
            normalise(&d, options.normalisation)
            normalise(&b, options.normalisation)
            var top = TopK(k: k)
            let a = Float(options.alpha)
            for i in 0..<n { top.offer(a * d[i] + (1 - a) * b[i], i) }
            return Ranking(query: q, hits: top.sorted(), notes: notes)
        }
    }

    // MARK: DESM

    /// Top-k of queries · centroids(space)ᵀ for many queries: rows are split between
    /// threads; each thread walks its rows in cache-sized blocks and, for each group of four
    /// queries, computes the block's scores with `VectorKernels.dot4`, offering only scores
    /// above each heap's threshold. An empty query vector yields an empty heap.
    func denseBatch(_ queries: [[Float]], space: EmbeddingSpace, k: Int, threads: Int? = nil) -> [TopK] {
        let c = centroids(space)
        let n = c.rows, dim = c.cols
        let nq = queries.count
        let groups = (nq + 3) / 4
        // Queries packed four by four (zero rows pad the last group).
        var packed = [Float](repeating: 0, count: groups * 4 * dim)
        for (i, q) in queries.enumerated() where q.count == dim {
            for j in 0..<dim { packed[i * dim + j] = q[j] }
        }
        let t = max(1, min(threads ?? self.threads, n / 4096 + 1))
        var perThread = [[TopK]](repeating: [], count: t)
        let block = max(16, min(512, (64 << 10) / max(dim * 4, 1)))
        packed.withUnsafeBufferPointer { qp in
            perThread.withUnsafeMutableBufferPointer { out in
                DispatchQueue.concurrentPerform(iterations: t) { w in
                    var heaps = (0..<nq).map { _ in TopK(k: k) }
                    let lo = n * w / t, hi = n * (w + 1) / t
                    let scores = UnsafeMutablePointer<Float>.allocate(capacity: 4 * block)
                    defer { scores.deallocate() }
                    var start = lo
                    while start < hi {
                        let rows = min(block, hi - start)
                        let rp = UnsafePointer(c.base + start * dim)
                        for g in 0..<groups {
                            if nq == 1 {
                                // One query: a plain matrix–vector product (no padding work).
                                VectorKernels.dot1(query: qp.baseAddress!, n: dim, rows: rp, rowCount: rows, scores: scores)
                            } else {
                                VectorKernels.dot4(queries: qp.baseAddress! + g * 4 * dim, n: dim, rows: rp, rowCount: rows,
                                                   scores: scores, scoreStride: block)
                            }
                            for j in 0..<4 {
                                let qi = g * 4 + j
                                guard qi < nq, queries[qi].count == dim else { continue }
                                var th = heaps[qi].threshold
                                let s = scores + j * block
                                for r in 0..<rows where s[r] >= th {
                                    heaps[qi].offer(s[r], start + r)
                                    th = heaps[qi].threshold
                                }
                            }
                        }
                        start += rows
                    }
                    out[w] = heaps
                }
            }
        }
        var result = perThread[0]
        for w in 1..<t { for i in 0..<nq { result[i].merge(perThread[w][i]) } }
        return result
    }

    // MARK: BM25

    /// k1·(1 − b + b·dl/avgdl) for every document, cached per parameter pair.
    func lengthNorms(_ p: BM25Parameters) -> [Float] {
        lock.lock(); defer { lock.unlock() }
        if let cached = normCache[p] { return cached }
        let avg = index.manifest.bm25.averageLength
        let norms = (0..<index.count).map { i -> Float in
            let ratio = avg > 0 ? Double(index.lengths[i]) / avg : 1
            return Float(p.k1 * (1 - p.b + p.b * ratio))
        }
        normCache[p] = norms
        return norms
    }

    /// Term-at-a-time BM25 into `scratch` (accumulator + touched list).
    struct BM25Result {
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
    }

    func bm25(_ q: AnalysedQuery, params: BM25Parameters, scratch: Scratch) throws -> BM25Result {
        let norms = lengthNorms(params)
        let n = index.count
        let k1p1 = Float(params.k1 + 1)
        do {
            try accumulate(q, norms: norms, n: n, k1p1: k1p1, scratch: scratch)
        } catch {
            // Leave the scratch clean for the next query.
            for d in scratch.touched { scratch.acc[Int(d)] = 0 }
            scratch.touched.removeAll(keepingCapacity: true)
            throw error
        }
        return BM25Result(scratch: scratch)
    }

    private func accumulate(_ q: AnalysedQuery, norms: [Float], n: Int, k1p1: Float, scratch: Scratch) throws {
        try norms.withUnsafeBufferPointer { nb in
            try scratch.acc.withUnsafeMutableBufferPointer { acc in
                for (_, count, id) in q.terms {
                    guard let id else { continue }
                    let idf = BM25Parameters.idf(documents: n, documentFrequency: index.documentFrequency(id))
                    let w = Float(idf * Double(count)) * k1p1
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

    // MARK: Explanations

    /// Each query word's cosine with the document's centroid and each query term's BM25
    /// score, for the scorer in `options`.
    public func explain(_ text: String, doc: Int, options: RankingOptions) throws -> Explanation {
        try requireModel(options)
        guard doc >= 0, doc < index.count else { throw DesmError("document \(doc) is not in the index", path: index.path) }
        let q = try analyse(text, dropping: options.queryStoplist)
        var e = Explanation(desm: [], desmScore: nil, bm25: [], bm25Score: nil)
        if let v = options.scorer.variant, let model {
            let c = centroids(v.documentSpace).row(doc).baseAddress!
            let m = v.querySpace == .input ? model.input : model.output!
            var used: [(String, Double)] = []
            for (w, id) in q.words {
                guard let u = unitWordVector(m, id, space: v.querySpace) else { continue }
                var dotp = 0.0
                for i in 0..<index.dim { dotp += u[i] * Double(c[i]) }
                used.append((w, dotp))
            }
            let count = Double(used.count)
            e.desm = used.map { .init(word: $0.0, cosine: $0.1, contribution: $0.1 / count) }
            e.desmScore = used.isEmpty ? nil : used.reduce(0) { $0 + $1.1 } / count
        }
        if options.scorer.usesBM25 || options.rerank != nil {
            let n = index.count
            let avg = index.manifest.bm25.averageLength
            let dl = Double(index.lengths[doc])
            var total = 0.0
            for (term, count, id) in q.terms {
                guard let id else { e.bm25.append(.init(term: term, queryCount: count, tf: 0, idf: 0, score: 0)); continue }
                let tf = try index.termFrequency(id, doc: doc)
                let idf = BM25Parameters.idf(documents: n, documentFrequency: index.documentFrequency(id))
                let s = Double(count) * options.bm25.termScore(tf: Double(tf), documentLength: dl, averageLength: avg, idf: idf)
                total += s
                e.bm25.append(.init(term: term, queryCount: count, tf: Int(tf), idf: idf, score: s))
            }
            e.bm25Score = total
        }
        return e
    }
}

/// Normalises scores in place over the candidate set (computed in double).
func normalise(_ s: inout [Float], _ kind: ScoreNormalisation) {
    guard !s.isEmpty else { return }
    switch kind {
    case .none:
        return
    case .minmax:
        var lo = Float.infinity, hi = -Float.infinity
        for x in s { lo = min(lo, x); hi = max(hi, x) }
        let range = Double(hi) - Double(lo)
        guard range > 0, range.isFinite else { for i in s.indices { s[i] = 0 }; return }
        for i in s.indices { s[i] = Float((Double(s[i]) - Double(lo)) / range) }
    case .zscore:
        var sum = 0.0, sq = 0.0
        for x in s { sum += Double(x); sq += Double(x) * Double(x) }
        let mean = sum / Double(s.count)
        let sd = max(sq / Double(s.count) - mean * mean, 0).squareRoot()
        guard sd > 1e-12 else { for i in s.indices { s[i] = 0 }; return }
        for i in s.indices { s[i] = Float((Double(s[i]) - mean) / sd) }
    }
}

/// Applies `normalise` to a copy (public for tests and the evaluation helper).
public func normalisedScores(_ s: [Float], _ kind: ScoreNormalisation) -> [Float] {
    var c = s
    normalise(&c, kind)
    return c
}
