import Foundation
import DesmText

/// One experiment, read from a JSON file: which collection, topics and qrels; how the
/// embeddings are obtained (trained, cached by their parameters, or a pretrained model);
/// which systems to compare; where the report goes. Relative paths are relative to the
/// config file's directory.
public struct ExperimentConfig: Codable, Sendable {
    /// Names the report: `<results>/<name>.md` and `<name>.svg`.
    public var name: String
    public var description: String?
    /// Collection file or directory, and an optional forced format.
    public var collection: String
    public var format: CollectionFormat?
    /// Topics (any format the topic readers know), the fields that form the query, and qrels.
    public var topics: String
    public var fields: [String]?
    public var qrels: String
    /// Optional tuning split for the mixture's α (topics and qrels of *other* queries).
    public var tuning: TuningSet?
    /// How the embeddings are obtained: trained on `training.corpora` (or `model` if given).
    public var training: TrainingSpec?
    public var model: String?
    /// Systems to compare, e.g. "bm25", "in-out", "in-in", "rerank:in-out", "mixture:in-out".
    public var systems: [String]?
    /// BM25 candidates re-ranked by the telescoping systems.
    public var rerankDepth: Int?
    /// α values tried for mixtures (sweep reported when no tuning set is given).
    public var alphas: [Double]?
    /// Per-query score normalisation for mixtures: none, minmax, zscore.
    public var norm: String?
    /// Mean-centre the word vectors (count-weighted, per space) before building the
    /// centroids and query vectors (`desm index --center`); default false, the paper's DESM.
    public var center: Bool?
    /// Words removed from every query before scoring (`desm run --query-stopwords`): "none"
    /// (default), "questions", or the path of a stopword file.
    public var queryStopwords: String?
    /// BM25 parameters.
    public var k1: Double?
    public var b: Double?
    /// Relevance level for binary measures (trec_eval -l); TREC DL uses 2.
    public var relevanceLevel: Int?
    /// Where reports go (default `eval/results` beside the config's directory).
    public var results: String?
    /// Where cached models and indexes go (default `eval/cache`).
    public var cache: String?
    /// Documents retrieved per topic (run depth).
    public var depth: Int?

    public struct TuningSet: Codable, Sendable {
        public var topics: String
        public var qrels: String
    }

    public struct TrainingSpec: Codable, Sendable, Hashable {
        /// Training inputs: "collection" for the collection itself, or paths of plain/gzip
        /// corpora (one sentence per line), e.g. text8. All are read in order, each epoch.
        public var corpora: [String]
        public var arch: String?
        public var loss: String?
        public var dim: Int?
        public var window: Int?
        public var negative: Int?
        public var sample: Double?
        public var minCount: Int?
        public var epochs: Int?
        public var alpha: Double?
        public var threads: Int?
        public var seed: UInt64?
    }

    public static let defaultSystems = [
        "bm25", "in-in", "in-out", "rerank:in-in", "rerank:in-out", "mixture:in-in", "mixture:in-out",
    ]

    /// Reads a config, resolving relative paths against the config file's directory.
    public static func load(path: String) throws -> ExperimentConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DesmError("cannot read experiment config", path: path)
        }
        var config: ExperimentConfig
        do {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            config = try decoder.decode(ExperimentConfig.self, from: data)
        } catch let DecodingError.dataCorrupted(ctx) {
            throw DesmError("not valid JSON: \(ctx.debugDescription)", path: path)
        } catch let DecodingError.keyNotFound(key, _) {
            throw DesmError("missing required key \"\(key.stringValue)\"", path: path)
        } catch let DecodingError.typeMismatch(_, ctx) {
            let at = ctx.codingPath.map(\.stringValue).joined(separator: ".")
            throw DesmError("wrong type for \"\(at)\": \(ctx.debugDescription)", path: path)
        } catch {
            throw DesmError("cannot read experiment config: \(error)", path: path)
        }
        var base = (path as NSString).deletingLastPathComponent
        if !base.hasPrefix("/") {
            let cwd = FileManager.default.currentDirectoryPath
            base = base.isEmpty ? cwd : cwd + "/" + base
        }
        config.resolvePaths(relativeTo: (base as NSString).standardizingPath)
        return config
    }

    mutating func resolvePaths(relativeTo base: String) {
        func r(_ p: String) -> String { p.hasPrefix("/") ? p : ((base + "/" + p) as NSString).standardizingPath }
        collection = r(collection)
        topics = r(topics)
        qrels = r(qrels)
        if let t = tuning { tuning = TuningSet(topics: r(t.topics), qrels: r(t.qrels)) }
        if let m = model { model = r(m) }
        if var t = training {
            t.corpora = t.corpora.map { $0 == "collection" ? $0 : r($0) }
            training = t
        }
        if let q = queryStopwords, !QueryStoplist.builtInNames.contains(q) { queryStopwords = r(q) }
        if let x = results { results = r(x) }
        if let x = cache { cache = r(x) }
    }
}
