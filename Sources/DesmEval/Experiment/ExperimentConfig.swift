import Foundation
import DesmText
import Yams

/// One experiment, read from a JSON or YAML file (`.yaml`/`.yml`; the same keys): which collection, topics and qrels; how the
/// embeddings are obtained (trained, cached by their parameters, or a pretrained model);
/// which systems to compare; where the report goes. Relative paths are relative to the
/// config file's directory.
public struct ExperimentConfig: Codable, Sendable {
    /// Names the report: `<results>/<name>.md`, `<name>.json` and `<name>.svg`.
    public var name: String
    public var description: String?
    /// Collection file or directory, and an optional forced format.
    public var collection: String
    public var format: CollectionFormat?
    /// Topics (any format the topic readers know), the fields that form the query, and qrels.
    public var topics: String
    public var fields: [String]?
    public var qrels: String
    /// Optional tuning split (topics and qrels of *other* queries) on which every tuned
    /// parameter is chosen; without it, parameters are chosen by k-fold cross-validation over
    /// the test topics (`folds`).
    public var tuning: TuningSet?
    /// Folds of the cross-validation used when there is no tuning set (default 5): topics
    /// sorted by id in byte order, topic i in fold i mod k.
    public var folds: Int?
    /// Values tried for the tuned parameters, overriding the defaults
    /// (`ExperimentConfig.defaultGrids`): `gamma` and `rm3_weight` (rm3e: γ and RM3's original query weight λ), `topical_words` and
    /// `topical_weight` (topical), `beta` (vfb); α is `alphas` (or `alpha` here, not both).
    public var grids: [String: [Double]]?
    /// How the embeddings are obtained: trained on `training.corpora` (or `model` if given).
    public var training: TrainingSpec?
    public var model: String?
    /// Systems to compare, e.g. "bm25", "bm25+rm3", "in-out", "rerank:in-out",
    /// "mixture:in-out+rm3" (grammar: `ExperimentRunner.System`); absent, the whole family
    /// (`defaultSystems`). The recommendation for the collection is chosen among them.
    public var systems: [String]?
    /// BM25 candidates re-ranked by the telescoping systems.
    public var rerankDepth: Int?
    /// α values tried for mixtures (or `grids.alpha`; default 0, 0.1, …, 1).
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
    /// Where reports go (default `results/` in the config's directory).
    public var results: String?
    /// Where cached models and indexes go (default `cache/` in the config's directory).
    public var cache: String?
    /// Documents retrieved per topic (run depth).
    public var depth: Int?

    /// Each resolved path → the path as the config wrote it (relative to the config's
    /// directory, or absolute), for reports: they name inputs as written, never by this
    /// machine's absolute paths. Not a config key.
    public var pathsAsWritten: [String: String] = [:]

    /// Every config key; `pathsAsWritten` is filled by `load`, not read from the file.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, description, collection, format, topics, fields, qrels, tuning, folds, grids, training, model
        case systems, rerankDepth, alphas, norm, center, queryStopwords, k1, b, relevanceLevel, results, cache, depth
    }

    /// A path of this config as the config wrote it (see `pathsAsWritten`).
    public func asWritten(_ resolved: String) -> String { pathsAsWritten[resolved] ?? resolved }

    public struct TuningSet: Codable, Sendable {
        public var topics: String
        public var qrels: String
    }

    /// The whole family, run when a config lists no `"systems"`, so that the recommendation
    /// for a collection is chosen among every kind of system desm has: BM25 and its
    /// expansions, DESM over the whole collection, re-ranking, mixtures, feedback.
    public static let defaultSystems = [
        "bm25", "bm25+rm3", "bm25+ax", "bm25+rm3e", "bm25+topical",
        "in-in", "in-out", "rerank:in-in", "rerank:in-out", "rerank:in-in+rm3", "rerank:in-out+rm3", "rerank:in-out+ax",
        "mixture:in-in", "mixture:in-out", "mixture:in-in+rm3", "mixture:in-out+rm3", "mixture:in-in+ax", "mixture:in-out+ax",
        "mixture:in-in+rm3e", "mixture:in-out+rm3e", "mixture:in-out+rm3+vfb",
    ]

    /// Values tried for each tuned parameter unless the config's `grids` (or, for α,
    /// `alphas`) says otherwise.
    public static let defaultGrids: [String: [Double]] = [
        "alpha": stride(from: 0.0, through: 1.0, by: 0.1).map { ($0 * 10).rounded() / 10 },
        "gamma": [0, 1, 2, 4],
        "rm3_weight": [0.5, 0.7, 0.9],
        "topical_words": [5, 10, 20],
        "topical_weight": [0.5, 0.6, 0.7, 0.8, 0.9],
        "beta": [0.1, 0.2, 0.3, 0.5],
    ]

    /// Reads a config, resolving relative paths against the config file's directory.
    public static func load(path: String) throws -> ExperimentConfig {
        let data = Data(try readAllBytes(path, limit: 1 << 24, what: "an experiment config", plain: true))
        var config: ExperimentConfig
        let lower = path.lowercased()
        let json = lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") ? try jsonFromYAML(data, path: path) : data
        if let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any] {
            try checkKeys(object, path: path)
        }
        do {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            config = try decoder.decode(ExperimentConfig.self, from: json)
        } catch let error as DecodingError {
            throw DesmError(describeDecodingError(error), path: path)
        } catch {
            throw DesmError("cannot read experiment config: \(error)", path: path)
        }
        var base = (path as NSString).deletingLastPathComponent
        if !base.hasPrefix("/") {
            let cwd = FileManager.default.currentDirectoryPath
            base = base.isEmpty ? cwd : cwd + "/" + base
        }
        config.resolvePaths(relativeTo: (base as NSString).standardizingPath)
        // The names inside "grids" are data, not keys the decoder knows: accept them in
        // snake_case or camelCase, whichever the decoder handed over.
        if let g = config.grids {
            config.grids = Dictionary(g.map { (snakeCase($0.key), $0.value) }, uniquingKeysWith: { a, _ in a })
        }
        return config
    }

    /// The keys a config may have, in snake_case (camelCase is read too), and those of its
    /// `tuning` and `training` objects.
    static var knownKeys: [String] { CodingKeys.allCases.map { snakeCase($0.rawValue) } }
    static let tuningKeys = ["topics", "qrels"]
    static let trainingKeys = ["corpora", "arch", "loss", "dim", "window", "negative", "sample", "min_count", "epochs", "alpha", "threads", "seed"]

    /// A misspelt or unknown key is a wrong experiment, not a default: refuse it, naming the
    /// key and the nearest known one.
    static func checkKeys(_ object: [String: Any], path: String) throws {
        func check(_ keys: [String], known: [String], within: String?) throws {
            for key in keys.sorted() where !known.contains(snakeCase(key)) {
                let place = within.map { " in \"\($0)\"" } ?? ""
                var message = "unknown key \"\(key)\"\(place)"
                if let near = nearest(snakeCase(key), among: known) { message += " (did you mean \"\(near)\"?)" }
                throw DesmError(message + "; known keys\(place): " + known.joined(separator: ", "), path: path)
            }
        }
        try check(Array(object.keys), known: knownKeys, within: nil)
        if let t = object["tuning"] as? [String: Any] { try check(Array(t.keys), known: tuningKeys, within: "tuning") }
        if let t = object["training"] as? [String: Any] { try check(Array(t.keys), known: trainingKeys, within: "training") }
    }

    /// The known key closest to `key` by edit distance, when close enough to be a slip.
    static func nearest(_ key: String, among known: [String]) -> String? {
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            var previous = Array(0...b.count)
            for (i, x) in a.enumerated() {
                var current = [i + 1]
                for (j, y) in b.enumerated() {
                    current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
                }
                previous = current
            }
            return previous[b.count]
        }
        let k = Array(key)
        let scored = known.map { ($0, distance(k, Array($0))) }
        guard let best = scored.min(by: { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }) else { return nil }
        // A prefix or extension (fold → folds, centre → center) or a few edits.
        let close = best.1 <= max(2, key.count / 3) || best.0.hasPrefix(key) || key.hasPrefix(best.0)
        return close ? best.0 : nil
    }

    /// A YAML config as JSON, so both formats go through one decoder with the same keys and
    /// messages. Only what JSON can say is accepted: mappings with string keys, sequences,
    /// strings, numbers, booleans and null.
    static func jsonFromYAML(_ data: Data, path: String) throws -> Data {
        guard let text = String(data: data, encoding: .utf8) else {
            throw DesmError("not valid UTF-8", path: path)
        }
        let value: Any?
        do {
            value = try Yams.load(yaml: text)
        } catch let e as YamlError {
            throw yamlError(e, path: path)
        } catch {
            throw DesmError("not valid YAML: \(error)", path: path)
        }
        guard let value, value is [String: Any] else {
            throw DesmError("not a YAML mapping of keys to values", path: path)
        }
        func plain(_ v: Any, at key: String) throws -> Any {
            switch v {
            case let m as [String: Any]: return try m.mapValues { try plain($0, at: key) }
            case let m as [AnyHashable: Any]:
                guard let k = m.keys.first(where: { !($0.base is String) }) else { return try m.mapValues { try plain($0, at: key) } }
                throw DesmError("\"\(key)\": key \(k) is not a string", path: path)
            case let a as [Any]: return try a.map { try plain($0, at: key) }
            case is String, is Bool, is Int, is Double, is NSNull: return v
            default:
                throw DesmError("\"\(key)\": \(type(of: v)) values (\(v)) are not allowed: quote it as a string", path: path)
            }
        }
        let converted = try (value as! [String: Any]).reduce(into: [String: Any]()) { $0[$1.key] = try plain($1.value, at: $1.key) }
        return try JSONSerialization.data(withJSONObject: converted)
    }

    /// Yams' errors as one line naming the config and the line.
    private static func yamlError(_ e: YamlError, path: String) -> DesmError {
        switch e {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            return DesmError.at(path, line: mark.line, "not valid YAML: \(problem) (column \(mark.column))")
        case .composer(_, let problem, let mark, _):
            return DesmError.at(path, line: mark.line, "not valid YAML: \(problem) (column \(mark.column))")
        case .duplicatedKeysInMapping(let duplicates, _):
            let keys = duplicates.sorted().joined(separator: ", ")
            return DesmError("not valid YAML: duplicate key(s) \(keys)", path: path)
        default:
            let first = "\(e)".split(separator: "\n").first.map(String.init) ?? "\(e)"
            return DesmError("not valid YAML: \(first)", path: path)
        }
    }

    mutating func resolvePaths(relativeTo base: String) {
        var written: [String: String] = [:]
        defer { pathsAsWritten = written }
        func r(_ p: String) -> String {
            let resolved = p.hasPrefix("/") ? p : ((base + "/" + p) as NSString).standardizingPath
            if written[resolved] == nil { written[resolved] = p }
            return resolved
        }
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

/// `topicalWords` → `topical_words` (snake_case names unchanged).
func snakeCase(_ name: String) -> String {
    var out = ""
    for c in name {
        if c.isUppercase { out += "_" + c.lowercased() } else { out.append(c) }
    }
    return out
}
