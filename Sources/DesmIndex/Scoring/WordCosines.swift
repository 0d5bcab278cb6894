import DesmText
import DesmWord2Vec

/// How close single words are to a query: (1/|Q|) Σ_q cos(q, w) with q in the variant's
/// query space and w in its document space (IN-OUT: the query words' IN vectors against the
/// word's OUT vector), each vector mean-centred first when the index is. It is the DESM score
/// the word would give as a one-word document, and the shade of the DESM paper's picture of
/// a passage: the words that make it *about* the query stand out.
extension DesmScorer {
    func wordCosines(query words: [(word: String, id: Int)], variant: DesmVariant, words ids: [Int?]) -> [Double?] {
        let units = words.compactMap { unitWordVector($0.id, space: variant.querySpace) }
        guard let dim = units.first?.count else { return ids.map { _ in nil } }
        var mean = [Double](repeating: 0, count: dim)
        for u in units { for i in 0..<dim { mean[i] += u[i] } }
        for i in 0..<dim { mean[i] /= Double(units.count) }
        var cache: [Int: Double?] = [:]
        return ids.map { id in
            guard let id else { return nil }
            if let known = cache[id] { return known }
            var value: Double? = nil
            if let w = unitWordVector(id, space: variant.documentSpace) {
                var dot = 0.0
                for i in 0..<dim { dot += mean[i] * w[i] }
                value = dot
            }
            cache[id] = value
            return value
        }
    }
}

extension Ranker {
    /// For each of `tokens` (words as the model's analyzer gives them), its cosine with the
    /// query `query` under `variant` (`DesmScorer.wordCosines`); nil for a word outside the
    /// vocabulary or with a zero vector, and for every word when no query word is usable.
    public func wordCosines(_ query: AnalysedQuery, tokens: [String], variant: DesmVariant = .inOut) throws -> [Double?] {
        guard let desm, let model else {
            throw DesmError("word cosines need the model the index was built with", path: index.path)
        }
        if variant.documentSpace == .output && model.output == nil {
            throw DesmError("the model has no OUT vectors (W_OUT): \(variant.rawValue) cosines need them", path: index.path)
        }
        return desm.wordCosines(query: query.words, variant: variant, words: tokens.map { model.vocabulary.id($0) })
    }
}
