import DesmText
import DesmWord2Vec

/// Turns text into what the index and the scorers need: embedding-token ids (for centroids
/// and query vectors) and stemmed BM25 terms, using the model's two analyzer settings.
///
/// When the embedding analysis only lowercases and splits (the default), the BM25 terms are
/// derived from the same token list (stopwords removed, then Porter-stemmed) rather than by
/// tokenising the text a second time: the result is identical to `Analyzer(settings.bm25)`
/// (a test checks this) at half the cost. Not thread-safe (it memoises stems); make one per
/// thread.
public final class TextAnalysis {
    public let settings: AnalyzerSettings
    private let embedding: Analyzer
    private let bm25: Analyzer
    private let derivesTerms: Bool
    private var stems: [String: String] = [:]

    public init(settings: AnalyzerSettings) {
        self.settings = settings
        embedding = Analyzer(settings.embedding)
        bm25 = Analyzer(settings.bm25)
        let e = settings.embedding, b = settings.bm25
        derivesTerms = e.stopwords == .none && e.stemmer == .none && e.lowercase == b.lowercase
            && e.maxTokenLength == b.maxTokenLength && e.version == b.version
    }

    /// The embedding tokens of `text`, in order.
    public func embeddingTokens(_ text: String) -> [String] { embedding.tokens(text) }

    /// Embedding tokens and BM25 terms of `text`, each in order.
    public func analyse(_ text: String) -> (tokens: [String], terms: [String]) {
        let tokens = embedding.tokens(text)
        guard derivesTerms else { return (tokens, bm25.tokens(text)) }
        return (tokens, terms(fromTokens: tokens))
    }

    /// A query's embedding tokens and BM25 terms with the words of `stoplist` removed from
    /// both (before stemming), and the removed words in query order.
    public func analyseQuery(_ text: String, dropping stoplist: QueryStoplist) -> (tokens: [String], terms: [String], dropped: [String]) {
        guard !stoplist.isEmpty else {
            let (tokens, terms) = analyse(text)
            return (tokens, terms, [])
        }
        var kept: [String] = [], dropped: [String] = []
        for t in embedding.tokens(text) {
            if stoplist.contains(t) { dropped.append(t) } else { kept.append(t) }
        }
        if derivesTerms { return (kept, terms(fromTokens: kept), dropped) }
        // Separate BM25 analysis: add the stoplist to its stopwords (they are removed before
        // stemming, as the query stoplist must be).
        var config = settings.bm25
        let base: [String]
        switch config.stopwords {
        case .none: base = []
        case .english: base = englishStopwords
        case .custom(let list): base = list
        }
        config.stopwords = .custom(base + stoplist.words.sorted())
        return (kept, Analyzer(config).tokens(text), dropped)
    }

    /// BM25 terms from embedding tokens (only valid when `derivesTerms`).
    private func terms(fromTokens tokens: [String]) -> [String] {
        var out: [String] = []
        out.reserveCapacity(tokens.count)
        let stem = settings.bm25.stemmer == .porter
        for t in tokens {
            if bm25.isStopword(t) { continue }
            if !stem { out.append(t); continue }
            if let s = stems[t] { out.append(s); continue }
            let s = PorterStemmer.stem(t)
            if stems.count > 500_000 { stems.removeAll(keepingCapacity: true) }
            stems[t] = s
            out.append(s)
        }
        return out
    }

    private struct TokenEntry {
        var id: Int32      // vocabulary id, −1 when out of vocabulary
        var term: String?  // BM25 term, nil for a stopword
    }
    private var entries: [String: TokenEntry] = [:]
    private var entriesVocabulary: ObjectIdentifier?

    /// The embedding tokens' vocabulary ids (−1: out of vocabulary), in order, and the BM25
    /// terms, with one memoised lookup per token (the indexer's hot path).
    public func analyse(_ text: String, vocabulary: Vocabulary) -> (ids: [Int32], terms: [String]) {
        let tokens = embedding.tokens(text)
        if entriesVocabulary != ObjectIdentifier(vocabulary) {
            entries.removeAll()
            entriesVocabulary = ObjectIdentifier(vocabulary)
        }
        var ids: [Int32] = []
        ids.reserveCapacity(tokens.count)
        guard derivesTerms else {
            for t in tokens { ids.append(Int32(vocabulary.id(t) ?? -1)) }
            return (ids, bm25.tokens(text))
        }
        var terms: [String] = []
        terms.reserveCapacity(tokens.count)
        let stem = settings.bm25.stemmer == .porter
        for t in tokens {
            let e: TokenEntry
            if let known = entries[t] {
                e = known
            } else {
                var term: String? = nil
                if !bm25.isStopword(t) { term = stem ? PorterStemmer.stem(t) : t }
                e = TokenEntry(id: Int32(vocabulary.id(t) ?? -1), term: term)
                if entries.count > 1_000_000 { entries.removeAll(keepingCapacity: true) }
                entries[t] = e
            }
            ids.append(e.id)
            if let term = e.term { terms.append(term) }
        }
        return (ids, terms)
    }

    /// BM25 terms of `text`.
    public func bm25Terms(_ text: String) -> [String] {
        derivesTerms ? terms(fromTokens: embedding.tokens(text)) : bm25.tokens(text)
    }
}
