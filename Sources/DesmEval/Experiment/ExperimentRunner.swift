import DesmIndex
import DesmText
import DesmWord2Vec
import Foundation

/// Runs one experiment end to end: obtains the model (trained and cached by its parameters,
/// or pretrained), indexes the collection (cached by model and collection), ranks the topics
/// with every system, evaluates the runs exactly as trec_eval, compares them with paired
/// significance tests and writes the report (`<results>/<name>.md`, two SVG charts).
public final class ExperimentRunner {
    public let config: ExperimentConfig
    public let configPath: String
    /// The command that reproduces this experiment, for the report.
    public var command: String
    public var quiet: Bool
    /// Where progress lines go (stderr in the CLI).
    public var log: (String) -> Void
    /// `fileIdentity`'s memo: (path, size, time) → size and content CRC-32.
    private var contentChecksums: [String: String] = [:]

    public init(config: ExperimentConfig, configPath: String, command: String, quiet: Bool = false,
                log: @escaping (String) -> Void) {
        self.config = config
        self.configPath = configPath
        self.command = command
        self.quiet = quiet
        self.log = log
    }

    var configDirectory: String {
        let d = (configPath as NSString).deletingLastPathComponent
        return d.isEmpty ? "." : d
    }
    var resultsDirectory: String { config.results ?? absolute(configDirectory) + "/results" }
    var cacheDirectory: String { config.cache ?? absolute(configDirectory) + "/cache" }
    var fields: [String] { config.fields ?? ["query"] }
    var depth: Int { config.depth ?? 1000 }
    var rerankDepth: Int { config.rerankDepth ?? 100 }
    var bm25: BM25Parameters { BM25Parameters(k1: config.k1 ?? 0.9, b: config.b ?? 0.4) }
    var normalisation: ScoreNormalisation { ScoreNormalisation(rawValue: config.norm ?? "zscore") ?? .zscore }
    var alphas: [Double] { config.alphas ?? stride(from: 0.0, through: 1.0, by: 0.1).map { ($0 * 10).rounded() / 10 } }
    var evalOptions: EvalOptions { EvalOptions(relevanceLevel: config.relevanceLevel ?? 1) }

    /// Checks the config before any work starts, so mistakes surface at once.
    public func validate() throws {
        for s in config.systems ?? ExperimentConfig.defaultSystems { _ = try System(s, path: configPath) }
        guard config.training != nil || config.model != nil else {
            throw DesmError("the config needs \"training\" (to train a model) or \"model\" (a model file)", path: configPath)
        }
        if let n = config.norm, ScoreNormalisation(rawValue: n) == nil {
            throw DesmError("\"norm\" must be none, minmax or zscore", path: configPath)
        }
        if alphas.isEmpty || alphas.contains(where: { !($0 >= 0 && $0 <= 1) }) {
            throw DesmError("\"alphas\" must be a non-empty list of numbers in [0, 1]", path: configPath)
        }
        _ = try queryStoplist()
        if let problem = bm25.problem { throw DesmError(problem, path: configPath) }
        for (key, value, least) in [("depth", config.depth, 1), ("rerank_depth", config.rerankDepth, 1),
                                    ("relevance_level", config.relevanceLevel, 1)] {
            if let value, value < least { throw DesmError("\"\(key)\" must be at least \(least) (got \(value))", path: configPath) }
        }
    }

    /// The config's `query_stopwords` (none when absent).
    func queryStoplist() throws -> QueryStoplist {
        guard let spec = config.queryStopwords else { return .none }
        do { return try QueryStoplist.parse(spec) } catch let e as DesmError {
            throw DesmError("\"query_stopwords\": \(e)", path: configPath)
        }
    }

    /// One system of the comparison, parsed from its config name.
    struct System {
        var name: String
        var options: RankingOptions
        var tunesAlpha: Bool

        init(_ name: String, path: String) throws {
            self.name = name
            let parts = name.split(separator: ":", maxSplits: 1).map(String.init)
            switch parts.count == 2 ? parts[0] : "" {
            case "rerank":
                guard let v = DesmVariant(rawValue: parts[1]) else { throw System.unknown(name, path) }
                options = RankingOptions(scorer: .desm(v))
                tunesAlpha = false
            case "mixture":
                guard let v = DesmVariant(rawValue: parts[1]) else { throw System.unknown(name, path) }
                options = RankingOptions(scorer: .mixture(v))
                tunesAlpha = true
            case "":
                guard let kind = ScorerKind(name: name), !({ if case .mixture = kind { return true }; return false }()) else {
                    throw System.unknown(name, path)
                }
                options = RankingOptions(scorer: kind)
                tunesAlpha = false
            default:
                throw System.unknown(name, path)
            }
        }

        var reranks: Bool { name.hasPrefix("rerank:") }

        static func unknown(_ name: String, _ path: String) -> DesmError {
            DesmError("unknown system \"\(name)\": use bm25, in-out, in-in, out-out, out-in, rerank:<variant> or mixture:<variant>", path: path)
        }
    }

    /// Everything the report needs.
    public struct Outcome {
        public var comparison: RunComparison
        public var systems: [String]
        public var tags: [String]
        public var alphaChoices: [String: AlphaChoice]
        public var model: ModelInfo
        public var index: IndexManifest
        public var notes: [String]
        public var reportPath: String
        public var seconds: Double
    }

    public struct AlphaChoice {
        /// NDCG@10 for each α tried (on the tuning topics, or on the test topics if none).
        public var sweep: [(alpha: Double, ndcg10: Double)]
        public var chosen: Double
        public var onTuningTopics: Bool
    }

    public struct ModelInfo {
        public var path: String
        public var cached: Bool
        public var trainedNow: Bool
        public var parameters: TrainingParameters?
        public var corpora: [String]
        public var vocabulary: Int
        public var dim: Int
        public var checksum: UInt32
        public var trainingWords: Int?
        public var trainingSeconds: Double?
    }

    /// Runs the experiment and writes the report; returns what it measured.
    @discardableResult
    public func run() throws -> Outcome {
        let start = monotonicSeconds()
        try validate()
        let systems = try (config.systems ?? ExperimentConfig.defaultSystems).map { try System($0, path: configPath) }
        let topics = try loadTopics(path: config.topics)
        let queries = try topics.map { try $0.text(fields: fields) }
        let qrels = try Qrels.load(path: config.qrels)
        var tuning: (ids: [String], queries: [String], qrels: Qrels)?
        if let t = config.tuning {
            let tt = try loadTopics(path: t.topics)
            tuning = (tt.map(\.id), try tt.map { try $0.text(fields: fields) }, try Qrels.load(path: t.qrels))
        }
        try makeDirectory(cacheDirectory)
        try makeDirectory(resultsDirectory)

        let (model, modelInfo) = try obtainModel()
        let (index, manifest) = try obtainIndex(model: model, modelPath: modelInfo.path)
        let ranker = try Ranker(index: index, model: model)

        let runDirectory = cacheDirectory + "/runs-\(config.name)"
        try makeDirectory(runDirectory)
        var evaluations: [RunEvaluation] = []
        var tags: [String] = []
        var alphaChoices: [String: AlphaChoice] = [:]
        var notes: [String] = []
        let measures = ExperimentReport.measures
        let stoplist = try queryStoplist()
        for system in systems {
            var options = system.options
            options.bm25 = bm25
            options.queryStoplist = stoplist
            if system.reranks { options.rerank = rerankDepth }
            if system.tunesAlpha {
                options.normalisation = normalisation
                let choice = try chooseAlpha(system: system.name, ranker: ranker, options: options, tuning: tuning,
                                             testIDs: topics.map(\.id), testQueries: queries, testQrels: qrels)
                options.alpha = choice.chosen
                alphaChoices[system.name] = choice
            }
            say("ranking: \(system.name) (\(options.tag))")
            let runPath = runDirectory + "/\(system.name.replacingOccurrences(of: ":", with: "-")).run"
            let writer = try RunWriter(path: runPath, tag: options.tag)
            let stats = try writeRun(ranker: ranker, topicIDs: topics.map(\.id), queries: queries,
                                     options: options, depth: system.reranks ? min(depth, rerankDepth) : depth, to: writer)
            try writer.commit()
            if system.name == systems.first(where: { $0.options.scorer != .bm25 })?.name {
                notes.append(contentsOf: stats.notes)
            }
            var run = try RunFile.load(path: runPath)
            run.tag = system.name
            var evaluation = try evaluate(run: run, qrels: qrels, measures: measures, options: evalOptions)
            evaluation.runName = system.name
            evaluations.append(evaluation)
            tags.append(options.tag)
        }
        let comparison = RunComparison(evaluations, complete: false)
        var outcome = Outcome(comparison: comparison, systems: systems.map(\.name), tags: tags,
                              alphaChoices: alphaChoices, model: modelInfo, index: manifest, notes: notes,
                              reportPath: resultsDirectory + "/\(config.name).md", seconds: 0)
        outcome.seconds = monotonicSeconds() - start
        try ExperimentReport(config: config, runner: self, outcome: outcome).write()
        return outcome
    }

    // MARK: The model

    /// Loads the configured model, or reuses a cached one trained with the same parameters
    /// on the same inputs, or trains and caches it.
    func obtainModel() throws -> (EmbeddingModel, ModelInfo) {
        if let path = config.model {
            let m = try EmbeddingModel.load(path: path)
            say("model: \(path) (\(m.vocabulary.count) words, dim \(m.dim))")
            return (m, ModelInfo(path: path, cached: false, trainedNow: false, parameters: nil, corpora: [],
                                 vocabulary: m.vocabulary.count, dim: m.dim, checksum: m.checksum))
        }
        guard let spec = config.training else {
            throw DesmError("the config needs \"training\" or \"model\"", path: configPath)
        }
        let parameters = try trainingParameters(spec)
        let inputs = spec.corpora.map { $0 == "collection" ? config.collection : $0 }
        let key = try cacheKey(parameters: parameters, inputs: inputs)
        let path = cacheDirectory + "/model-\(key).desm"
        if FileManager.default.fileExists(atPath: path), let m = try? EmbeddingModel.load(path: path) {
            say("model: reusing \(path) (same parameters and inputs)")
            return (m, ModelInfo(path: path, cached: true, trainedNow: false, parameters: parameters, corpora: inputs,
                                 vocabulary: m.vocabulary.count, dim: m.dim, checksum: m.checksum))
        }
        for input in inputs { say("training input: \(input)") }
        let recipe = TrainingRecipe(parameters: parameters,
                                    inputs: zip(spec.corpora, inputs).map { TrainingInput(path: $1, kind: $0 == "collection" ? .collection : .corpus) },
                                    quiet: quiet) { [self] line in say(line) }
        let report = try recipe.run(saveTo: path).report
        say(String(format: "trained in %.1f s (%.0f words/s); cached as %@", report.seconds, report.wordsPerSecond, path))
        let loaded = try EmbeddingModel.load(path: path)
        return (loaded, ModelInfo(path: path, cached: false, trainedNow: true, parameters: parameters, corpora: inputs,
                                  vocabulary: loaded.vocabulary.count, dim: loaded.dim, checksum: loaded.checksum,
                                  trainingWords: report.words, trainingSeconds: report.seconds))
    }

    func trainingParameters(_ spec: ExperimentConfig.TrainingSpec) throws -> TrainingParameters {
        var p = TrainingParameters()
        if let a = spec.arch {
            guard let x = TrainingParameters.Architecture(rawValue: a) else { throw DesmError("training.arch must be sg or cbow", path: configPath) }
            p.architecture = x
        }
        if let l = spec.loss {
            guard let x = TrainingParameters.Loss(rawValue: l) else { throw DesmError("training.loss must be ns or hs", path: configPath) }
            p.loss = x
        }
        guard p.loss == .ns else {
            throw DesmError("DESM needs W_OUT, which only negative sampling trains: set training.loss to ns", path: configPath)
        }
        if let x = spec.dim { p.dim = x }
        if let x = spec.window { p.window = x }
        if let x = spec.negative { p.negative = x }
        if let x = spec.sample { p.sample = x }
        if let x = spec.minCount { p.minCount = x }
        if let x = spec.epochs { p.epochs = x }
        p.alpha = spec.alpha
        p.threads = spec.threads ?? 2
        if let x = spec.seed { p.seed = x }
        do { try p.validate() } catch let e as DesmError {
            throw DesmError("training: \(e.message)", path: configPath)
        }
        return p
    }

    /// A short hash of everything that determines the model: parameters, analyzer settings
    /// and each input's identity (`fileIdentity`: size and content CRC-32).
    func cacheKey(parameters: TrainingParameters, inputs: [String]) throws -> String {
        var text = ""
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        text += String(decoding: try encoder.encode(parameters), as: UTF8.self)
        text += String(decoding: try encoder.encode(AnalyzerSettings.standard), as: UTF8.self)
        for input in inputs { text += "|" + (try fileIdentity(input)) }
        var crc = CRC32()
        crc.update(Array(text.utf8))
        var crc2 = CRC32()
        crc2.update(Array(text.utf8.reversed()))
        return String(format: "%08x%08x", crc.value, crc2.value)
    }

    /// What a cached model or index depends on in an input: each file's size and the CRC-32
    /// of its content (not its path or time, so a re-copied data folder keeps its cache; a
    /// checksum of ~100 MB costs well under a second). The CRC of a file is memoised by
    /// (path, size, modification time) for the life of the runner.
    func fileIdentity(_ path: String) throws -> String {
        let files = try listCollectionFiles(path)
        return try files.map { f -> String in
            let a = try? FileManager.default.attributesOfItem(atPath: f)
            let size = (a?[.size] as? NSNumber)?.intValue ?? -1
            let time = (a?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            let memo = "\(f):\(size):\(time)"
            if let known = contentChecksums[memo] { return known }
            let mapped = try MappedFile(path: f)
            let identity = String(format: "%d:%08x", mapped.count, CRC32.of(mapped.bytes))
            contentChecksums[memo] = identity
            return identity
        }.joined(separator: ",")
    }

    // MARK: The index

    func obtainIndex(model: EmbeddingModel, modelPath: String) throws -> (DocumentIndex, IndexManifest) {
        var text = String(format: "%08x", model.checksum) + "|" + (try fileIdentity(config.collection))
        text += "|" + (config.format?.rawValue ?? "auto") + (config.center == true ? "|center" : "")
        var crc = CRC32()
        crc.update(Array(text.utf8))
        let path = cacheDirectory + "/index-" + String(format: "%08x", crc.value)
        if FileManager.default.fileExists(atPath: path + "/manifest.json"), let index = try? DocumentIndex(path: path),
           index.manifest.modelChecksum == model.checksum {
            say("index: reusing \(path)")
            return (index, index.manifest)
        }
        say("indexing: \(config.collection)")
        // Refuse at once, with the estimate, rather than be killed mid-build.
        let need = MemoryEstimate.indexing(modelVocabulary: model.vocabulary.count, dim: model.dim,
                                           collectionBytes: try MemoryEstimate.collectionTextBytes(config.collection), threads: 2)
        say(try need.check())
        let reader = try CollectionReader(path: config.collection, format: config.format)
        var options = IndexBuildOptions(threads: 2, collectionName: config.collection)
        options.modelPath = modelPath
        options.center = config.center ?? false
        let builder = try IndexBuilder(model: model, options: options)
        let progress = ProgressReporter(label: "indexing", unit: "docs", quiet: quiet)
        try builder.build(collection: reader, to: path, progress: progress)
        progress.finish()
        for note in reader.notes { say("note: \(note)") }
        let index = try DocumentIndex(path: path)
        return (index, index.manifest)
    }

    // MARK: The mixture's α

    /// Tries every α: on the tuning topics when there are some (the chosen α is then
    /// applied to the test topics), otherwise on the test topics themselves (reported as
    /// such: an optimistic choice).
    func chooseAlpha(system: String, ranker: Ranker, options: RankingOptions, tuning: (ids: [String], queries: [String], qrels: Qrels)?,
                     testIDs: [String], testQueries: [String], testQrels: Qrels) throws -> AlphaChoice {
        let (ids, queries, qrels) = tuning ?? (testIDs, testQueries, testQrels)
        let ndcg10 = Measure.ndcgCut(10)
        var sweep: [(alpha: Double, ndcg10: Double)] = []
        let scratch = cacheDirectory + "/runs-\(config.name)"
        for alpha in alphas {
            var o = options
            o.alpha = alpha
            let path = scratch + "/alpha-sweep.run"
            let writer = try RunWriter(path: path, tag: o.tag)
            _ = try writeRun(ranker: ranker, topicIDs: ids, queries: queries, options: o, depth: depth, to: writer)
            try writer.commit()
            let e = try evaluate(run: try RunFile.load(path: path), qrels: qrels, measures: [ndcg10], options: evalOptions)
            sweep.append((alpha, e.summary(ndcg10) ?? 0))
            try? FileManager.default.removeItem(atPath: path)
        }
        // The best α; among equals, the one closest to 0.5 (least extreme).
        let best = sweep.max { a, b in
            a.ndcg10 < b.ndcg10 || (a.ndcg10 == b.ndcg10 && abs(a.alpha - 0.5) > abs(b.alpha - 0.5))
        }!
        say(String(format: "α for %@: %.2f (NDCG@10 %.4f on the %@ topics)", system, best.alpha,
                   best.ndcg10, tuning == nil ? "test" : "tuning"))
        return AlphaChoice(sweep: sweep, chosen: best.alpha, onTuningTopics: tuning != nil)
    }

    func say(_ line: String) { if !quiet { log(line) } }
}

/// `path` made absolute against the current directory, with `.` and `..` resolved.
func absolute(_ path: String) -> String {
    let p = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    return (p as NSString).standardizingPath
}

func makeDirectory(_ path: String) throws {
    do {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
        throw DesmError("cannot create directory: \(error.localizedDescription)", path: path)
    }
}
