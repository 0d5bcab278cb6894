/// How text becomes tokens. One configuration travels with every model and index, so a query
/// is always analysed the way its index was.
public struct AnalyzerConfig: Codable, Equatable, Hashable, Sendable {
    public enum StopwordList: Codable, Equatable, Hashable, Sendable {
        case none
        /// The English list Lucene/Anserini use by default (33 words).
        case english
        case custom([String])
    }

    public enum Stemmer: String, Codable, Equatable, Hashable, Sendable {
        case none
        case porter
    }

    /// Bumped whenever tokenization rules change, so old indexes are detected.
    public var version: Int
    public var lowercase: Bool
    public var stopwords: StopwordList
    public var stemmer: Stemmer
    /// Tokens longer than this many characters are dropped.
    public var maxTokenLength: Int

    public init(version: Int = AnalyzerConfig.currentVersion, lowercase: Bool = true,
                stopwords: StopwordList = .none, stemmer: Stemmer = .none, maxTokenLength: Int = 64) {
        self.version = version
        self.lowercase = lowercase
        self.stopwords = stopwords
        self.stemmer = stemmer
        self.maxTokenLength = maxTokenLength
    }

    public static let currentVersion = 1

    /// Embeddings: every word, unstemmed.
    public static let embedding = AnalyzerConfig()
    /// BM25: English stopwords removed, Porter-stemmed (Anserini's default).
    public static let bm25 = AnalyzerConfig(stopwords: .english, stemmer: .porter)
}

/// The two analyses desm uses side by side: unstemmed tokens for embeddings and stemmed
/// terms for BM25. Stored in every model file and index manifest.
public struct AnalyzerSettings: Codable, Equatable, Hashable, Sendable {
    public var embedding: AnalyzerConfig
    public var bm25: AnalyzerConfig

    public init(embedding: AnalyzerConfig = .embedding, bm25: AnalyzerConfig = .bm25) {
        self.embedding = embedding
        self.bm25 = bm25
    }

    public static let standard = AnalyzerSettings()
}
