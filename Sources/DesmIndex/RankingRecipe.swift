import DesmText
import Foundation

/// A ranking system written down whole, so that what `desm experiment` chose can be run on
/// new queries with one flag (`desm run/search --recipe RESULTS.json`): the scorer and every
/// parameter of `RankingOptions`, the query stoplist's words, what the index must have been
/// built with (centring, centroid weighting) and the run depth. The experiment's results JSON
/// holds one per system and the recommended one at `recommended.recipe`; a file that is a
/// recipe by itself is read too.
public struct RankingRecipe: Codable, Equatable, Sendable {
    /// The experiment's name for the system (`mixture:in-in+rm3e`), for messages and reports.
    public var system: String?
    /// `bm25`, `in-out`, `mixture:in-in`, … (`ScorerKind`'s names, `mixture` written as
    /// `mixture:in-out`).
    public var scorer: String
    public var k1: Double
    public var b: Double
    /// Mixtures only.
    public var alpha: Double?
    public var norm: String?
    /// Re-ranking depth (telescoping) or nil for the whole collection.
    public var rerank: Int?
    public var queryStopwords: Stoplist
    public var rm3: RM3?
    public var topical: Topical?
    public var ax: Ax?
    public var vectorFeedback: Feedback?
    /// What the index must have been built with when the ranking uses the embeddings.
    public var index: IndexNeeds
    /// Documents per topic in the experiment's run of this system.
    public var depth: Int
    /// The run tag the experiment wrote (a check, and what `desm run` writes by default).
    public var tag: String?

    public struct Stoplist: Codable, Equatable, Sendable {
        public var name: String
        /// The words, sorted (a file's list is carried whole, so the recipe needs no file).
        public var words: [String]
    }

    public struct RM3: Codable, Equatable, Sendable {
        public var documents: Int
        public var terms: Int
        public var originalQueryWeight: Double
        public var embeddingWeight: Double

        enum CodingKeys: String, CodingKey {
            case documents, terms
            case originalQueryWeight = "original_query_weight"
            case embeddingWeight = "embedding_weight"
        }
    }

    public struct Topical: Codable, Equatable, Sendable {
        public var words: Int
        public var originalQueryWeight: Double

        enum CodingKeys: String, CodingKey {
            case words
            case originalQueryWeight = "original_query_weight"
        }
    }

    public struct Ax: Codable, Equatable, Sendable {
        public var topDocuments: Int
        public var poolFactor: Int
        public var beta: Double
        public var terms: Int
        public var seed: Int64

        enum CodingKeys: String, CodingKey {
            case beta, terms, seed
            case topDocuments = "top_documents"
            case poolFactor = "pool_factor"
        }
    }

    public struct Feedback: Codable, Equatable, Sendable {
        public var documents: Int
        public var weight: Double
    }

    public struct IndexNeeds: Codable, Equatable, Sendable {
        /// The word vectors were mean-centred (`desm index --center`).
        public var center: Bool
        /// The centroids' weighting (`mean` or `idf`, `desm index --centroid`).
        public var centroid: String
    }

    enum CodingKeys: String, CodingKey {
        case system, scorer, k1, b, alpha, norm, rerank, rm3, topical, ax, index, depth, tag
        case queryStopwords = "query_stopwords"
        case vectorFeedback = "vector_feedback"
    }

    /// The recipe of `options` as ranked over an index built like `manifest`.
    public init(system: String?, options o: RankingOptions, index manifest: IndexManifest, depth: Int, tag: String?) {
        self.system = system
        switch o.scorer {
        case .bm25: scorer = "bm25"
        case .desm(let v): scorer = v.rawValue
        case .mixture(let v): scorer = "mixture:" + v.rawValue
        }
        k1 = o.bm25.k1
        b = o.bm25.b
        if case .mixture = o.scorer {
            alpha = o.alpha
            norm = o.normalisation.rawValue
        }
        rerank = o.rerank
        queryStopwords = Stoplist(name: o.queryStoplist.name, words: o.queryStoplist.words.sorted())
        switch o.expansion {
        case .rm3(let p):
            rm3 = RM3(documents: p.documents, terms: p.terms, originalQueryWeight: p.originalQueryWeight, embeddingWeight: p.embeddingWeight)
        case .topical(let p):
            topical = Topical(words: p.words, originalQueryWeight: p.originalQueryWeight)
        case .ax(let p):
            ax = Ax(topDocuments: p.topDocuments, poolFactor: p.poolFactor, beta: p.beta, terms: p.terms, seed: p.seed)
        case nil: break
        }
        vectorFeedback = o.vectorFeedback.map { Feedback(documents: $0.documents, weight: $0.weight) }
        index = IndexNeeds(center: manifest.center == true, centroid: manifest.centroid)
        self.depth = depth
        self.tag = tag
    }

    /// The ranking options this recipe describes, or an error naming what is wrong with it.
    public func options() throws -> RankingOptions {
        guard let kind = ScorerKind(name: scorer) else { throw DesmError("recipe: unknown scorer \"\(scorer)\"") }
        var o = RankingOptions(scorer: kind, bm25: BM25Parameters(k1: k1, b: b))
        if case .mixture = kind {
            guard let alpha, let norm else { throw DesmError("recipe: the mixture \(scorer) needs \"alpha\" and \"norm\"") }
            guard let n = ScoreNormalisation(rawValue: norm) else { throw DesmError("recipe: \"norm\" must be none, minmax or zscore (got \"\(norm)\")") }
            o.alpha = alpha
            o.normalisation = n
        } else if alpha != nil || norm != nil {
            throw DesmError("recipe: \"alpha\" and \"norm\" weigh a mixture, and the scorer is \(scorer)")
        }
        o.rerank = rerank
        o.queryStoplist = queryStopwords.name == "none" && queryStopwords.words.isEmpty ? .none
            : QueryStoplist(name: queryStopwords.name, words: queryStopwords.words)
        if [rm3 != nil, topical != nil, ax != nil].filter({ $0 }).count > 1 {
            throw DesmError("recipe: \"rm3\", \"topical\" and \"ax\" are alternative expansions: give one")
        }
        if let p = rm3 {
            o.expansion = .rm3(RM3Parameters(documents: p.documents, terms: p.terms, originalQueryWeight: p.originalQueryWeight,
                                             embeddingWeight: p.embeddingWeight))
        }
        if let p = topical { o.expansion = .topical(TopicalExpansionParameters(words: p.words, originalQueryWeight: p.originalQueryWeight)) }
        if let p = ax {
            o.expansion = .ax(AxParameters(topDocuments: p.topDocuments, poolFactor: p.poolFactor, beta: p.beta, terms: p.terms, seed: p.seed))
        }
        o.vectorFeedback = vectorFeedback.map { VectorFeedback(documents: $0.documents, weight: $0.weight) }
        if let problem = o.problem { throw DesmError("recipe: \(problem)") }
        guard depth >= 1 else { throw DesmError("recipe: \"depth\" must be at least 1 (got \(depth))") }
        return o
    }

    /// Why an index built like `manifest` cannot run this recipe exactly, or nil: a ranking
    /// that uses the embeddings needs the index's centring and centroids to be the ones the
    /// recipe was chosen with (BM25 alone runs on any index).
    public func mismatch(with manifest: IndexManifest) throws -> String? {
        guard try options().usesModel else { return nil }
        let center = manifest.center == true
        if center != index.center {
            return index.center
                ? "the recipe\(named) was chosen on an index with mean-centred word vectors: build the index with desm index --center"
                : "the recipe\(named) was chosen on an index without centring, and this one is centred (--center): build it without --center"
        }
        if manifest.centroid != index.centroid {
            return "the recipe\(named) was chosen with \(index.centroid) centroids, and this index has \(manifest.centroid) centroids: build it with desm index --centroid \(index.centroid)"
        }
        return nil
    }

    private var named: String { system.map { " (\($0))" } ?? "" }

    /// A recipe from `path`: a file that is a recipe, or an experiment's results JSON — its
    /// recommended system's (`recommended.recipe`) or, with `system`, that system's.
    public static func load(path: String, system: String? = nil) throws -> RankingRecipe {
        let data = Data(try readAllBytes(path, limit: 1 << 28, what: "a recipe or experiment results JSON", plain: true))
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw DesmError("not JSON: \((error as NSError).userInfo[NSDebugDescriptionErrorKey] ?? error.localizedDescription)", path: path)
        }
        guard let root = object as? [String: Any] else { throw DesmError("not a JSON object: neither a recipe nor experiment results", path: path) }
        let recipeObject: Any
        if let systems = root["systems"] as? [[String: Any]] {
            if let system {
                guard let entry = systems.first(where: { $0["system"] as? String == system }) else {
                    let names = systems.compactMap { $0["system"] as? String }
                    throw DesmError("no system \"\(system)\" in these results (systems: \(names.joined(separator: ", ")))", path: path)
                }
                guard let r = entry["recipe"] else { throw DesmError("system \"\(system)\" has no recipe in these results", path: path) }
                recipeObject = r
            } else {
                guard let rec = root["recommended"] as? [String: Any], let r = rec["recipe"] else {
                    throw DesmError("these results have no recommended recipe (written before desm experiment wrote recipes: run the experiment again)", path: path)
                }
                recipeObject = r
            }
        } else {
            if let system { throw DesmError("--recipe-system \(system): this file is a single recipe, not experiment results", path: path) }
            recipeObject = root
        }
        if let r = recipeObject as? [String: Any] { try checkKeys(r, path: path) }
        do {
            let bytes = try JSONSerialization.data(withJSONObject: recipeObject)
            let recipe = try JSONDecoder().decode(RankingRecipe.self, from: bytes)
            _ = try recipe.options()
            return recipe
        } catch let e as DecodingError {
            throw DesmError("not a valid recipe: \(describeDecodingError(e))", path: path)
        } catch let e as DesmError {
            throw DesmError(e.message, path: path)
        }
    }

    /// Every key a recipe may have, per object: a key outside them (a misspelling) is an
    /// error, not a setting silently left at its default.
    static let knownKeys: [String: [String]] = [
        "": ["system", "scorer", "k1", "b", "alpha", "norm", "rerank", "query_stopwords", "rm3", "topical", "ax", "vector_feedback", "index", "depth", "tag"],
        "query_stopwords": ["name", "words"],
        "rm3": ["documents", "terms", "original_query_weight", "embedding_weight"],
        "topical": ["words", "original_query_weight"],
        "ax": ["top_documents", "pool_factor", "beta", "terms", "seed"],
        "vector_feedback": ["documents", "weight"],
        "index": ["center", "centroid"],
    ]

    static func checkKeys(_ object: [String: Any], path: String) throws {
        func check(_ o: [String: Any], _ within: String) throws {
            let known = knownKeys[within]!
            if let bad = o.keys.sorted().first(where: { !known.contains($0) }) {
                let place = within.isEmpty ? "" : " in \"\(within)\""
                throw DesmError("not a valid recipe: unknown key \"\(bad)\"\(place) (known: \(known.joined(separator: ", ")))", path: path)
            }
        }
        try check(object, "")
        for (key, value) in object { if knownKeys[key] != nil, let o = value as? [String: Any] { try check(o, key) } }
    }

    /// The recipe as a JSON object (for the experiment's results).
    public func jsonObject() throws -> Any {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try JSONSerialization.jsonObject(with: try encoder.encode(self))
    }
}
