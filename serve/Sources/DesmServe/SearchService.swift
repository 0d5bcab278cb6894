import DesmIndex
import DesmText
import DesmWord2Vec
import Foundation

/// What `desm serve` answers, without HTTP: the JSON API's four endpoints over one shared
/// `Ranker` (an index and its model, memory-mapped once). Every method is synchronous and
/// safe to call from many threads at once; parameters arrive as `QueryParameters` and are
/// checked here, so that a bad request is a `ServiceError` (400 or 404) and nothing else.
public final class SearchService: Sendable {
    public let ranker: Ranker
    /// The index's name as `/health` reports it (its directory's last component).
    public let name: String
    private let documentsByDocno: [String: Int32]
    private let means: SpaceMeans?
    private let embeddingAnalyzer: Analyzer
    /// The system `desm serve --recipe` runs for `scorer=recipe`, the default scorer then.
    public let recipe: RankingRecipe?
    private let recipeOptions: RankingOptions?

    /// Caps on what one request may ask for.
    public static let maxK = 1000
    public static let maxRerank = 10_000
    public static let maxQueryBytes = 1000
    public static let maxNeighbours = 100

    public static let searchParameters: Set<String> = ["q", "scorer", "k", "alpha", "norm", "rerank", "explain"]
    public static let documentParameters: Set<String> = ["q", "space"]
    public static let neighbourParameters: Set<String> = ["word", "space", "k"]

    /// `ranker` must have the model (the page and most scorers need it). With `recipe`,
    /// `scorer=recipe` (the default) ranks exactly as the recipe says; the index must suit it.
    public init(ranker: Ranker, name: String, recipe: RankingRecipe? = nil) throws {
        guard ranker.model != nil else { throw DesmError("desm serve needs the index's model", path: ranker.index.path) }
        if let recipe, let problem = try recipe.mismatch(with: ranker.index.manifest) {
            throw DesmError(problem, path: ranker.index.path)
        }
        self.recipe = recipe
        recipeOptions = try recipe?.options()
        self.ranker = ranker
        self.name = name
        var byDocno: [String: Int32] = [:]
        byDocno.reserveCapacity(ranker.index.count)
        for d in 0..<ranker.index.count { byDocno[try ranker.index.docno(d)] = Int32(d) }
        documentsByDocno = byDocno
        let index = ranker.index
        means = index.manifest.center == true ? SpaceMeans(input: index.wordMeans.input, output: index.wordMeans.output) : nil
        embeddingAnalyzer = Analyzer(index.manifest.analyzer.embedding)
    }

    // MARK: /health

    public struct Health: Codable, Sendable {
        public var status = "ok"
        public var index: String
        public var documents: Int
        public var dim: Int
        public var vocabulary: Int
        public var modelChecksum: String
        public var centred: Bool
        public var centroid: String
        public var snippetBytes: Int
        /// With `--recipe`: the system `scorer=recipe` runs (its name in the experiment).
        public var recipe: String?
        /// How the server has batched pure-DESM searches so far (absent outside the server).
        public var desmBatches: DesmBatcher.Statistics?
    }

    public func health() -> Health {
        let m = ranker.index.manifest
        return Health(index: name, documents: m.documents, dim: m.dim, vocabulary: m.modelVocabularySize,
                      modelChecksum: String(format: "%08x", m.modelChecksum), centred: m.center == true,
                      centroid: m.centroid, snippetBytes: m.snippetBytes,
                      recipe: recipe.map { $0.system ?? "recipe" })
    }

    // MARK: /api/search

    /// The `q` parameter: present, not blank, at most `maxQueryBytes`.
    func queryText(_ p: QueryParameters, required: Bool = true) throws -> String? {
        guard let q = p["q"] else {
            if required { throw ServiceError.badRequest("q is required: the query text") }
            return nil
        }
        guard !q.allSatisfy({ $0.isWhitespace }) else { throw ServiceError.badRequest("q is empty") }
        guard q.utf8.count <= Self.maxQueryBytes else {
            throw ServiceError.badRequest("q is \(q.utf8.count) bytes; queries are limited to \(Self.maxQueryBytes)")
        }
        return q
    }

    /// The ranking options a search request asks for (defaults: in-out, as `desm search`, or
    /// the recipe when the server has one).
    public func rankingOptions(_ p: QueryParameters) throws -> RankingOptions {
        if (p["scorer"] ?? (recipe != nil ? "recipe" : nil)) == "recipe" {
            guard let recipeOptions else { throw ServiceError.badRequest("scorer=recipe: this server was started without --recipe") }
            if let given = ["alpha", "norm", "rerank"].first(where: { p[$0] != nil }) {
                throw ServiceError.badRequest("\(given): the recipe fixes every ranking option (scorer=recipe): drop \(given)")
            }
            return recipeOptions
        }
        let scorer: ScorerKind
        do { scorer = try ScorerKind.parse(p["scorer"] ?? "in-out") } catch let e as DesmError {
            throw ServiceError.badRequest(e.message)
        }
        var options = RankingOptions(scorer: scorer)
        let mixes: Bool
        if case .mixture = scorer { mixes = true } else { mixes = false }
        if let text = p["alpha"] {
            guard mixes else { throw ServiceError.badRequest("alpha weighs the mixture: use it with scorer=mixture (or mixture:<variant>)") }
            guard let a = Double(text), a >= 0, a <= 1 else { throw ServiceError.badRequest("alpha must be a number in [0, 1], not \"\(text.prefix(40))\"") }
            options.alpha = a
        }
        if let text = p["norm"] {
            guard mixes else { throw ServiceError.badRequest("norm normalises the mixture's scores: use it with scorer=mixture (or mixture:<variant>)") }
            guard let n = ScoreNormalisation(rawValue: text) else { throw ServiceError.badRequest("norm must be none, minmax or zscore, not \"\(text.prefix(40))\"") }
            options.normalisation = n
        }
        if p["rerank"] != nil { options.rerank = try p.integer("rerank", default: 0, in: 1...Self.maxRerank) }
        if let problem = options.problem { throw ServiceError.badRequest(problem) }
        return options
    }

    /// A search request, checked: what to rank and how to report it.
    public struct SearchRequest: Sendable {
        public var query: String
        public var options: RankingOptions
        public var k: Int
        public var explain: Bool

        /// Pure DESM over the whole collection: requests of this kind can be ranked together,
        /// as one matrix–matrix product (`DesmBatcher`).
        public var batchable: Bool {
            if case .desm = options.scorer, options.rerank == nil, options.vectorFeedback == nil { return true }
            return false
        }
    }

    public func searchRequest(_ p: QueryParameters) throws -> SearchRequest {
        let q = try queryText(p)!
        return SearchRequest(query: q, options: try rankingOptions(p), k: try p.integer("k", default: 10, in: 1...Self.maxK),
                             explain: try p.flag("explain"))
    }

    public func rank(_ r: SearchRequest) throws -> Ranking { try ranker.rank(r.query, options: r.options, k: r.k) }

    public func report(_ r: SearchRequest, _ ranking: Ranking) throws -> SearchReport {
        try SearchReport(ranker: ranker, ranking: ranking, options: r.options, explain: r.explain)
    }

    /// The whole search on the calling thread.
    public func search(_ p: QueryParameters) throws -> SearchReport {
        let r = try searchRequest(p)
        return try report(r, try rank(r))
    }

    // MARK: /api/document/{docno}

    public struct DocumentReport: Codable, Sendable {
        public var docno: String
        /// The text the index keeps of the document (its first `snippetBytes` bytes, spaces
        /// collapsed: `desm index --snippet-bytes`).
        public var text: String
        public var snippetBytes: Int
        /// With q: the query, the spaces of the cosines, and the words DESM used.
        public var query: String?
        public var space: String?
        public var queryWords: [String]?
        /// `text` cut into words and what lies between them; with q each word has its cosine.
        public var segments: [TextSegment]
        public var notes: [String]
    }

    public func document(_ docno: String, _ p: QueryParameters) throws -> DocumentReport {
        guard let doc = documentsByDocno[docno] else {
            let shown = docno.count > 60 ? String(docno.prefix(60)) + "…" : docno
            throw ServiceError.notFound("no document \"\(shown)\" in the index")
        }
        let text = try ranker.index.snippet(Int(doc))
        var report = DocumentReport(docno: docno, text: text, snippetBytes: ranker.index.manifest.snippetBytes,
                                    segments: DocumentSegments.split(text, analyzer: embeddingAnalyzer), notes: [])
        guard let q = try queryText(p, required: false) else {
            if p["space"] != nil { throw ServiceError.badRequest("space chooses the cosines of the shading: give q too") }
            return report
        }
        let spaceName = p["space"] ?? "in-out"
        guard let variant = DesmVariant(rawValue: spaceName) else {
            throw ServiceError.badRequest("space must be in-out, in-in, out-out or out-in, not \"\(spaceName.prefix(40))\"")
        }
        let analysed = try ranker.analyse(q)
        let cosines = try ranker.wordCosines(analysed, tokens: report.segments.map { $0.word ?? "" }, variant: variant)
        let queryWords = Set(analysed.words.map(\.word))
        for i in report.segments.indices where report.segments[i].word != nil {
            report.segments[i].cosine = cosines[i]
            if queryWords.contains(report.segments[i].word!) { report.segments[i].queryWord = true }
        }
        report.query = q
        report.space = variant.rawValue
        report.queryWords = analysed.words.map(\.word)
        if analysed.words.isEmpty { report.notes.append("no query word is in the model's vocabulary: nothing to shade") }
        return report
    }

    // MARK: /api/neighbors

    public struct NeighboursReport: Codable, Sendable {
        public struct Entry: Codable, Sendable { public var word: String; public var cosine: Double }
        public var word: String
        public var space: String
        /// Cosines of mean-centred vectors (the index is centred: the same means).
        public var centred: Bool
        public var neighbors: [Entry]
    }

    public func neighbours(_ p: QueryParameters) throws -> NeighboursReport {
        guard let raw = p["word"] else { throw ServiceError.badRequest("word is required") }
        guard raw.utf8.count <= 200 else { throw ServiceError.badRequest("word is longer than 200 bytes") }
        let spaceName = p["space"] ?? "in-in"
        guard let space = NeighborSpace(rawValue: spaceName) else {
            throw ServiceError.badRequest("space must be in-in, in-out or out-out, not \"\(spaceName.prefix(40))\"")
        }
        let k = try p.integer("k", default: 10, in: 1...Self.maxNeighbours)
        let tokens = embeddingAnalyzer.tokens(raw)
        guard tokens.count == 1, let word = tokens.first else {
            throw ServiceError.badRequest("\"\(raw.prefix(40))\" is not one word for the model's analyzer")
        }
        let model = ranker.model!
        guard model.vocabulary.id(word) != nil else {
            throw ServiceError.notFound("the word \"\(word)\" is not in the model's vocabulary")
        }
        if space != .inIn && model.output == nil {
            throw ServiceError.badRequest("the model has no OUT vectors: only in-in neighbours")
        }
        let found = try model.neighbors(of: word, space: space, k: k, means: means)
        return NeighboursReport(word: word, space: space.rawValue, centred: means != nil,
                                neighbors: found.map { .init(word: $0.word, cosine: Double($0.cosine)) })
    }
}
