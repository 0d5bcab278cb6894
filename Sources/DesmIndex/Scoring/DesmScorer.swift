import DesmText
import DesmWord2Vec
import Dispatch

/// DESM (Mitra et al. 2016): score(Q, D) = (1/|Q|) Σ_{q∈Q} cos(q, D̄), q a query word's
/// vector in the query space and D̄ the document's centroid in the document space
/// (IN-OUT: q from W_IN, D̄ from the OUT centroids). Since D̄ is stored unit-length, the sum
/// of cosines is Q̄·D̂ with Q̄ the mean of the query words' unit vectors: one dot product per
/// document. Full-collection ranking is a SIMD matrix–vector (or, for a batch of queries,
/// matrix–matrix) product over the mapped centroids with a top-k heap; `explain` gives the
/// per-word cosines whose mean is that same score.
///
/// When the index was built with `--center`, query words are mean-centred with the μ the
/// indexer subtracted, read from the index (`DocumentIndex.wordMeans`), not recomputed from
/// the model: a model with the same vectors but other or no counts scores the same.
final class DesmScorer: @unchecked Sendable {
    let index: DocumentIndex
    let model: EmbeddingModel
    /// μ_IN and μ_OUT when the index's word vectors are mean-centred (manifest `center`).
    private let centringIn: [Double]?
    private let centringOut: [Double]?

    init(index: DocumentIndex, model: EmbeddingModel) {
        self.index = index
        self.model = model
        if index.manifest.center == true {
            centringIn = index.wordMeans.input
            centringOut = index.wordMeans.output
        } else {
            centringIn = nil
            centringOut = nil
        }
    }

    func matrix(_ space: EmbeddingSpace) -> FloatMatrix? { space == .input ? model.input : model.output }

    func centroids(_ space: EmbeddingSpace) -> FloatMatrix {
        space == .input ? index.centroidsIn : index.centroidsOut
    }

    /// A word's unit vector in `space`, centred first when the index is (in double); nil when
    /// its row is zero or not finite (the word is skipped, as the indexer does).
    func unitWordVector(_ id: Int, space: EmbeddingSpace) -> [Double]? {
        guard let matrix = matrix(space) else { return nil }
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

    /// Q̄: the mean of the words' unit vectors in `space` (words whose vector is zero are
    /// skipped); nil when no word is usable. Computed in double, stored as float.
    func queryVector(_ words: [(word: String, id: Int)], space: EmbeddingSpace) -> [Float]? {
        guard matrix(space) != nil else { return nil }
        let dim = model.dim
        var sum = [Double](repeating: 0, count: dim)
        var used = 0
        for (_, id) in words {
            guard let u = unitWordVector(id, space: space) else { continue }
            for i in 0..<dim { sum[i] += u[i] }
            used += 1
        }
        guard used > 0 else { return nil }
        return sum.map { Float($0 / Double(used)) }
    }

    /// Q̄·D̂ for one document.
    @inline(__always)
    func score(_ query: [Float], doc: Int, space: EmbeddingSpace) -> Float {
        VectorKernels.dot(query, centroids(space).row(doc).baseAddress!, index.dim)
    }

    /// Q̄·D̂ for every document, in document order (the mixture's dense half), each with
    /// `VectorKernels.dot` — the arithmetic `score` and the top-k re-scoring use — not a BLAS
    /// product, whose rounding can depend on where a row sits in the matrix: a document's
    /// score is the same bits in any index that holds it (a shard or the whole collection).
    func allScores(_ query: [Float], space: EmbeddingSpace) -> [Float] {
        let n = index.count
        var d = [Float](repeating: 0, count: n)
        let c = centroids(space)
        guard n > 0, query.count == index.dim else { return d }
        let dim = index.dim
        query.withUnsafeBufferPointer { q in
            d.withUnsafeMutableBufferPointer { dp in
                for i in 0..<n { dp[i] = VectorKernels.dot(q.baseAddress!, c.row(i).baseAddress!, dim) }
            }
        }
        return d
    }

    /// Each word's cosine with the document's centroid (in double) and their mean, the
    /// document's DESM score (nil when no word is usable).
    func explain(_ words: [(word: String, id: Int)], doc: Int, variant: DesmVariant) -> (words: [Explanation.WordCosine], score: Double?) {
        let c = centroids(variant.documentSpace).row(doc).baseAddress!
        var used: [(String, Double)] = []
        for (w, id) in words {
            guard let u = unitWordVector(id, space: variant.querySpace) else { continue }
            var dotp = 0.0
            for i in 0..<index.dim { dotp += u[i] * Double(c[i]) }
            used.append((w, dotp))
        }
        let count = Double(used.count)
        let cosines = used.map { Explanation.WordCosine(word: $0.0, cosine: $0.1, contribution: $0.1 / count) }
        return (cosines, used.isEmpty ? nil : used.reduce(0) { $0 + $1.1 } / count)
    }

    /// Top-k of queries · centroids(space)ᵀ for many queries: the documents are split between
    /// threads; each thread walks its share in blocks, computes the block's scores for every
    /// query at once (`DenseProducts`: one `sgemm`, or `sgemv` for one query) and offers only
    /// scores above each heap's threshold, so memory stays bounded. The hits are then scored
    /// again with `VectorKernels.dot`, the arithmetic of re-ranking and `score`, so that a
    /// document's score is the same bits on every path. An empty query vector yields an empty
    /// heap.
    func topK(_ queries: [[Float]], space: EmbeddingSpace, k: Int, threads: Int) -> [TopK] {
        let c = centroids(space)
        let n = c.rows, dim = c.cols
        let live = queries.indices.filter { queries[$0].count == dim }
        var result = queries.map { _ in TopK(k: k) }
        let nq = live.count
        guard nq > 0, n > 0 else { return result }
        var packed = [Float](repeating: 0, count: nq * dim)
        for (j, qi) in live.enumerated() { for i in 0..<dim { packed[j * dim + i] = queries[qi][i] } }
        let t = max(1, min(threads, n / 4096 + 1))
        // Rows per block: the block's scores for every query in at most 2^20 floats (4 MB).
        // (2^18 to 2^24 floats measured the same, 2.31–2.49 s at 1,000 × 1,000,000.)
        let block = max(64, min(16384, (1 << 20) / nq / 64 * 64))
        var perThread = [[TopK]](repeating: [], count: t)
        packed.withUnsafeBufferPointer { qp in
            perThread.withUnsafeMutableBufferPointer { out in
                DispatchQueue.concurrentPerform(iterations: t) { w in
                    var heaps = (0..<nq).map { _ in TopK(k: k) }
                    let lo = n * w / t, hi = n * (w + 1) / t
                    let scores = UnsafeMutablePointer<Float>.allocate(capacity: nq * block)
                    defer { scores.deallocate() }
                    var start = lo
                    while start < hi {
                        let rows = min(block, hi - start)
                        DenseProducts.scores(queries: qp.baseAddress!, queryCount: nq, dim: dim,
                                             rows: UnsafePointer(c.base + start * dim), rowCount: rows, into: scores)
                        for j in 0..<nq {
                            DesmScorer.offer(scores + j * rows, count: rows, from: start, to: &heaps[j],
                                             query: qp.baseAddress! + j * dim, centroids: UnsafePointer(c.base), dim: dim)
                        }
                        start += rows
                    }
                    out[w] = heaps
                }
            }
        }
        for (j, qi) in live.enumerated() {
            var merged = perThread[0][j]
            for w in 1..<t { merged.merge(perThread[w][j]) }
            var exact = TopK(k: k)
            queries[qi].withUnsafeBufferPointer { q in
                for h in merged.sorted() { exact.offer(VectorKernels.dot(q.baseAddress!, c.row(h.doc).baseAddress!, dim), h.doc) }
            }
            result[qi] = exact
        }
        return result
    }
}

extension DesmScorer {
    /// Offers the documents `first`, `first` + 1, … whose BLAS scores `s` come within
    /// `margin(dim)` of `heap`'s threshold to it, each with its exact score
    /// (`VectorKernels.dot`): the heap holds exact scores, so the top k is the exact one
    /// whatever rounding the BLAS product made (which can depend on a row's place in the
    /// matrix, and so differ between an index and a shard of it). Once the heap is full,
    /// almost every score is below the threshold: a comparison and a predicted branch.
    @inline(__always)
    static func offer(_ s: UnsafePointer<Float>, count: Int, from first: Int, to heap: inout TopK,
                      query q: UnsafePointer<Float>, centroids c: UnsafePointer<Float>, dim: Int) {
        let m = margin(dim)
        var th = heap.threshold - m
        for r in 0..<count where s[r] >= th {
            let d = first + r
            heap.offer(VectorKernels.dot(q, c + d * dim, dim), d)
            th = heap.threshold - m
        }
    }

    /// A bound on |BLAS score − exact score| for a query of norm ≤ 1 and unit centroids: each
    /// float dot product of length d is within d·2⁻²⁴·Σ|qᵢcᵢ| ≤ d·2⁻²⁴ of the true value, so
    /// two of them differ by at most d·2⁻²³; twice that for safety.
    @inline(__always)
    static func margin(_ dim: Int) -> Float { Float(dim) * 0x1p-22 }

    /// Vector feedback: (1 − β)·q + β·mean(D̂) over `documents`' centroids in `space` (the
    /// query's own space, so that IN-OUT moves an IN vector towards IN centroids).
    func movedTowards(_ q: [Float], documents: [Int], space: EmbeddingSpace, weight beta: Double) -> [Float] {
        guard !documents.isEmpty else { return q }
        let c = centroids(space)
        let dim = index.dim
        var mean = [Double](repeating: 0, count: dim)
        for d in documents {
            let row = c.row(d)
            for i in 0..<dim { mean[i] += Double(row[i]) }
        }
        let n = Double(documents.count)
        return (0..<dim).map { Float((1 - beta) * Double(q[$0]) + beta * mean[$0] / n) }
    }

    /// What `movedTowards` adds to a document's score: β·mean(`documents`' centroids in
    /// `space`)·D̂ in `documentSpace`, in double (for explanations).
    func feedbackShare(_ documents: [Int], doc: Int, space: EmbeddingSpace, documentSpace: EmbeddingSpace, weight beta: Double) -> Double {
        guard !documents.isEmpty else { return 0 }
        let c = centroids(space), target = centroids(documentSpace).row(doc)
        var total = 0.0
        for d in documents {
            let row = c.row(d)
            for i in 0..<index.dim { total += Double(row[i]) * Double(target[i]) }
        }
        return beta * total / Double(documents.count)
    }
}
