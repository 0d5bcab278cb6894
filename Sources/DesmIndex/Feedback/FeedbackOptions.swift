/// What changes a query before it is scored: expansion of the lexical (BM25) query, and
/// feedback that moves the DESM query vector. Each is off unless set in `RankingOptions`.

/// Expansion of the BM25 query with new, weighted terms.
public enum QueryExpansion: Equatable, Sendable {
    /// Pseudo-relevance feedback with RM3 as Anserini defines it (`RelevanceModel`), with an
    /// optional re-weighting of the feedback terms by their IN-OUT similarity to the query.
    case rm3(RM3Parameters)
    /// The query's IN-OUT neighbours in the vocabulary as new terms, no feedback documents
    /// (`TopicalExpansion`).
    case topical(TopicalExpansionParameters)
    /// Axiomatic semantic term matching as Anserini's `AxiomReranker` defines it (Yang & Lin,
    /// ECIR 2019, after Fang & Zhai 2006): new terms chosen by the mutual information of their
    /// occurrence with the query terms' over the top documents and a seeded sample of the
    /// collection (`Axiomatic`). Needs no model.
    case ax(AxParameters)
}

/// RM3's parameters; the defaults are Anserini's (`-rm3`).
public struct RM3Parameters: Equatable, Sendable {
    /// Feedback documents: the top of the first BM25 ranking (fbDocs).
    public var documents: Int
    /// Terms kept per feedback document and in the relevance model (fbTerms).
    public var terms: Int
    /// λ: the original query's share of the expanded query (originalQueryWeight).
    public var originalQueryWeight: Double
    /// γ ≥ 0: each candidate feedback term's weight is multiplied by exp(γ·cos(Q̄_IN, t_OUT))
    /// before the relevance model is pruned, so terms topically close to the query (in the
    /// IN-OUT sense) are preferred and drifting ones suppressed. 0 is Anserini's RM3 (and
    /// needs no model).
    public var embeddingWeight: Double

    public init(documents: Int = 10, terms: Int = 10, originalQueryWeight: Double = 0.5, embeddingWeight: Double = 0) {
        self.documents = documents
        self.terms = terms
        self.originalQueryWeight = originalQueryWeight
        self.embeddingWeight = embeddingWeight
    }
}

/// Ax's parameters; the defaults are Anserini's (`-axiom -axiom.deterministic`, with
/// `-rerankCutoff` at least `topDocuments`).
public struct AxParameters: Equatable, Sendable {
    /// r: the first BM25 ranking's top documents in the pool (-axiom.r).
    public var topDocuments: Int
    /// n: the pool holds r·n documents, the top r and (n − 1)·r drawn from the collection
    /// (-axiom.n).
    public var poolFactor: Int
    /// β: a new term's weight relative to a query term's (-axiom.beta).
    public var beta: Double
    /// Terms kept in the expanded query, query terms included (-axiom.top).
    public var terms: Int
    /// The seed of the draw, Java's `java.util.Random(seed)` (-axiom.seed).
    public var seed: Int64

    public init(topDocuments: Int = 20, poolFactor: Int = 30, beta: Double = 0.4, terms: Int = 20, seed: Int64 = 42) {
        self.topDocuments = topDocuments
        self.poolFactor = poolFactor
        self.beta = beta
        self.terms = terms
        self.seed = seed
    }
}

/// Topical expansion's parameters.
public struct TopicalExpansionParameters: Equatable, Sendable {
    /// Expansion terms added: the vocabulary words whose OUT vectors are closest to the
    /// query's IN centroid, as BM25 terms.
    public var words: Int
    /// λ: the original query's share of the expanded query.
    public var originalQueryWeight: Double

    public init(words: Int = 10, originalQueryWeight: Double = 0.7) {
        self.words = words
        self.originalQueryWeight = originalQueryWeight
    }
}

/// Rocchio-style feedback in embedding space: Q̄ ← (1 − β)·Q̄ + β·mean(D̂) over the top
/// `documents` of the lexical ranking, D̂ the documents' centroids in the query's space
/// (IN for IN-OUT and IN-IN). Used by DESM, re-ranking and the mixture.
public struct VectorFeedback: Equatable, Sendable {
    public var documents: Int
    /// β in [0, 1].
    public var weight: Double

    public init(documents: Int = 10, weight: Double = 0.5) {
        self.documents = documents
        self.weight = weight
    }
}
