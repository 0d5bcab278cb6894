import DesmText
import DesmWord2Vec

/// The bridge between the two halves of desm's ranking: the vocabulary's mean-centred unit
/// IN and OUT vectors and which vocabulary words analyse to which BM25 term (`vitamins` and
/// `vitamin` both to `vitamin`), for the expansions that pick or weigh BM25 terms by their
/// IN-OUT similarity to the query. Always centred, with the mean vectors the index stores
/// (`DocumentIndex.wordMeans`), whatever the index's own centring: raw
/// IN-OUT cosines are dominated by the direction all IN and all OUT vectors share (their
/// means point almost opposite ways), which ranks generic words, not topical ones
/// (eval/bench/desm_centering.md). Built once per ranker, on first use: V Porter stems and
/// two V × dim matrices.
final class TermEmbeddings: @unchecked Sendable {
    let units: UnitVectors
    /// The BM25 term of each vocabulary word (nil: a stopword, or more than one term).
    let termOfWord: [String?]
    /// The vocabulary words of each BM25 term.
    let wordsOfTerm: [String: [Int]]

    init(model: EmbeddingModel, index: DocumentIndex) throws {
        units = try UnitVectors(model: model, centring: index.wordMeans)
        let analysis = TextAnalysis(settings: index.manifest.analyzer)
        var termOfWord = [String?](repeating: nil, count: model.vocabulary.count)
        var wordsOfTerm: [String: [Int]] = [:]
        for (id, word) in model.vocabulary.words.enumerated() {
            let terms = analysis.bm25Terms(word)
            guard terms.count == 1 else { continue }
            termOfWord[id] = terms[0]
            wordsOfTerm[terms[0], default: []].append(id)
        }
        self.termOfWord = termOfWord
        self.wordsOfTerm = wordsOfTerm
    }

    /// The mean of the words' centred unit IN vectors (nil: no usable word).
    func queryVector(_ words: [(word: String, id: Int)]) -> [Float]? {
        let dim = units.dim
        var sum = [Float](repeating: 0, count: dim)
        var used = 0
        for (_, id) in words where units.usableIn[id] {
            sum.withUnsafeMutableBufferPointer { VectorKernels.add($0.baseAddress!, units.input.row(id).baseAddress!, dim) }
            used += 1
        }
        return used > 0 ? sum : nil
    }

    /// cos(q, w_OUT) for every vocabulary word (0 for unusable rows); `q` need not be unit.
    func outCosines(_ q: [Float]) -> [Float] {
        let dim = units.dim
        let len = q.withUnsafeBufferPointer { VectorKernels.norm($0.baseAddress!, dim) }
        let v = units.output.rows
        guard len > 0, len.isFinite else { return [Float](repeating: 0, count: v) }
        let unit = q.map { Float(Double($0) / len) }
        var out = [Float](repeating: 0, count: v)
        for w in 0..<v where units.usableOut[w] { out[w] = VectorKernels.dot(unit, units.output.row(w).baseAddress!, dim) }
        return out
    }

    /// A term's similarity: the highest cosine among its vocabulary words (nil: none).
    func similarity(term: String, cosines: [Float]) -> Double? {
        guard let words = wordsOfTerm[term], !words.isEmpty else { return nil }
        return Double(words.map { cosines[$0] }.max()!)
    }
}
