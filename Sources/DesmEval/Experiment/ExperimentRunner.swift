import DesmIndex
import DesmText
import DesmWord2Vec
import Foundation

/// Runs one experiment end to end: obtains the model (trained and cached by its parameters,
/// or pretrained), indexes the collection (cached by model and collection), tunes each
/// system's parameters (on the tuning topics, or by k-fold cross-validation over the test
/// topics), ranks the topics with every system, evaluates the runs exactly as trec_eval,
/// compares them with paired significance tests against BM25 and BM25+RM3 and writes the
/// report (`<results>/<name>.md`, `<name>.json`, two SVG charts).
public final class ExperimentRunner {
    public let config: ExperimentConfig
    public let configPath: String
    /// The command that reproduces this experiment, for the report.
    public var command: String
    public var quiet: Bool
    /// Where progress lines go (stderr in the CLI).
    public var log: (String) -> Void
    /// The report names inputs below this directory relative to it (`desm demo` extracts the
    /// built-in sample to a temporary directory and names its files `collections/sample/…`),
    /// others relative to the current directory.
    public var inputRoot: String?
    /// The cache is a temporary directory removed after the run: the report says so instead
    /// of naming it.
    public var temporaryCache = false
    /// `fileIdentity`'s memo: (path, size, time) → size and content CRC-32.
    var contentChecksums: [String: String] = [:]

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
    var alphas: [Double] { config.alphas ?? config.grids?["alpha"] ?? ExperimentConfig.defaultGrids["alpha"]! }
    var folds: Int { config.folds ?? 5 }
    /// Every system is averaged over the same topics: the topic set's judged topics, a topic
    /// a system retrieves nothing for scoring 0 (trec_eval -c over qrels restricted to the set).
    var evalOptions: EvalOptions { EvalOptions(relevanceLevel: config.relevanceLevel ?? 1, averageOverAllQrelsTopics: true) }

    /// The values tried for one tuned parameter: the config's `grids` (α: `alphas`), else the
    /// defaults.
    func gridValues(_ name: String) -> [Double] {
        if name == "alpha" { return alphas }
        return config.grids?[name] ?? ExperimentConfig.defaultGrids[name]!
    }

    /// The joint grid of a system's tuned parameters.
    func grid(for system: System) -> ParameterGrid {
        ParameterGrid(system.tunedParameters.map { ParameterGrid.Dimension(name: $0, values: gridValues($0)) })
    }

    /// The systems to run: the config's, or the whole family (`ExperimentConfig.defaultSystems`,
    /// and, unless the config says `center`, each of them that uses the embeddings again on a
    /// mean-centred index, `@centred`, so that the recommendation considers both), `bm25`
    /// first when present (the baseline of the comparison).
    func plannedSystems() throws -> [System] {
        var systems = try (config.systems ?? ExperimentConfig.defaultSystems).map { try System($0, path: configPath) }
        if config.systems == nil && config.center == nil {
            systems += try systems.filter { $0.baseOptions.usesModel }.map { try System($0.name + System.centredSuffix, path: configPath) }
        }
        if config.center == true, let s = systems.first(where: \.centred) {
            throw DesmError("system \"\(s.name)\": \"center\": true already centres every system's index: drop @centred", path: configPath)
        }
        var seen: [String: String] = [:]
        for s in systems {
            if let other = seen[s.canonicalName] {
                throw DesmError("systems \"\(other)\" and \"\(s.name)\" are the same system: list it once", path: configPath)
            }
            seen[s.canonicalName] = s.name
        }
        if let i = systems.firstIndex(where: { $0.canonicalName == "bm25" }), i > 0 { systems.insert(systems.remove(at: i), at: 0) }
        return systems
    }

    /// A system's ranking options with the experiment's settings (BM25 parameters, query
    /// stoplist, re-ranking depth, mixture normalisation); tuned parameters at a placeholder.
    func options(for system: System, stoplist: QueryStoplist) -> RankingOptions {
        var o = system.baseOptions
        o.bm25 = bm25
        o.queryStoplist = stoplist
        if system.reranks { o.rerank = rerankDepth }
        if system.isMixture { o.normalisation = normalisation }
        return o
    }

    static let gridKeys = ["alpha", "gamma", "rm3_weight", "topical_words", "topical_weight", "beta"]

    /// Checks the config before any work starts, so mistakes surface at once.
    public func validate() throws {
        guard config.training != nil || config.model != nil else {
            throw DesmError("the config needs \"training\" (to train a model) or \"model\" (a model file)", path: configPath)
        }
        if let n = config.norm, ScoreNormalisation(rawValue: n) == nil {
            throw DesmError("\"norm\" must be none, minmax or zscore", path: configPath)
        }
        if alphas.isEmpty || alphas.contains(where: { !($0 >= 0 && $0 <= 1) }) {
            throw DesmError("\"alphas\" must be a non-empty list of numbers in [0, 1]", path: configPath)
        }
        try validateGrids()
        if let k = config.folds, k < 2 { throw DesmError("\"folds\" must be at least 2 (got \(k))", path: configPath) }
        let stoplist = try queryStoplist()
        if let problem = bm25.problem { throw DesmError(problem, path: configPath) }
        for (key, value, least) in [("depth", config.depth, 1), ("rerank_depth", config.rerankDepth, 1),
                                    ("relevance_level", config.relevanceLevel, 1)] {
            if let value, value < least { throw DesmError("\"\(key)\" must be at least \(least) (got \(value))", path: configPath) }
        }
        // Every system, at every point of its grid, is a valid ranking.
        for system in try plannedSystems() {
            let base = options(for: system, stoplist: stoplist)
            let grid = grid(for: system)
            for i in 0..<grid.count {
                if let problem = System.apply(grid.parameters(i), to: base).problem {
                    throw DesmError("system \"\(system.name)\": \(problem)", path: configPath)
                }
            }
        }
    }

    /// The config's `grids`: known parameter names (snake_case or camelCase), each a non-empty
    /// list of values in the parameter's range.
    func validateGrids() throws {
        guard let grids = config.grids else { return }
        for (key, values) in grids.sorted(by: { $0.key < $1.key }) {
            guard Self.gridKeys.contains(key) else {
                throw DesmError("\"grids\": unknown parameter \"\(key)\" (known: \(Self.gridKeys.joined(separator: ", ")))", path: configPath)
            }
            if key == "alpha" && config.alphas != nil {
                throw DesmError("\"grids\": give α either as \"alphas\" or as grids.alpha, not both", path: configPath)
            }
            let ok: (Double) -> Bool
            let range: String
            switch key {
            case "gamma": ok = { $0 >= 0 && $0.isFinite }; range = "numbers ≥ 0"
            case "topical_words": ok = { $0 >= 1 && $0 <= 100_000 && $0.rounded() == $0 }; range = "whole numbers ≥ 1"
            default: ok = { $0 >= 0 && $0 <= 1 }; range = "numbers in [0, 1]"
            }
            if values.isEmpty || !values.allSatisfy(ok) {
                throw DesmError("\"grids\": \"\(key)\" must be a non-empty list of \(range)", path: configPath)
            }
        }
    }

    /// The config's `query_stopwords` (none when absent).
    func queryStoplist() throws -> QueryStoplist {
        guard let spec = config.queryStopwords else { return .none }
        do { return try QueryStoplist.parse(spec) } catch let e as DesmError {
            throw DesmError("\"query_stopwords\": \(e)", path: configPath)
        }
    }

    /// Everything the report needs.
    public struct Outcome {
        /// Every system against the first (`bm25` when present).
        public var comparison: RunComparison
        /// Every system against `bm25+rm3`, which comes first, when it is in the experiment.
        public var rm3Comparison: RunComparison?
        public var systems: [String]
        public var tags: [String]
        /// Whether each system's ranking uses the embeddings (`RankingOptions.usesModel`).
        public var usesEmbeddings: [Bool]
        /// How each tuned system's parameters were chosen, by system name.
        public var tunings: [String: TuningOutcome]
        /// The row marked as recommended: the chosen system's (tuning topics), or the
        /// `recommended` row of the nested cross-validation.
        public var recommended: String?
        /// How the recommended system was chosen, its recipe for new queries and why.
        public var recommendation: Recommendation
        /// Each system's recipe for new queries (`desm run --recipe RESULTS.json --recipe-system
        /// NAME`): its parameters as chosen on the tuning topics, or on all the topics under
        /// cross-validation.
        public var recipes: [String: RankingRecipe]
        /// Topics of the test set that have judgments (the ones evaluated).
        public var judgedTopics: Int
        public var model: ModelInfo
        public var index: IndexManifest
        /// The mean-centred index the `@centred` systems ranked on, when there were any.
        public var centredIndex: IndexManifest?
        public var notes: [String]
        public var reportPath: String
        public var jsonPath: String
        public var seconds: Double
    }

    /// The per-collection recommendation (`SystemChoice`).
    public struct Recommendation {
        public enum Method: Equatable {
            /// Chosen on the tuning topics; the chosen system's row scores it on the test topics.
            case tuningTopics
            /// Nested k-fold cross-validation over the test topics: each fold's choice made on
            /// the other folds, the `recommended` row the union of the folds' rankings.
            case nestedCrossValidation(folds: Int)
        }

        /// One outer fold's choice (nested cross-validation).
        public struct Fold {
            public var fold: Int
            public var topics: Int
            public var system: String
            public var parameters: [String: Double]
            public var reason: String
            public var heldOutNDCG10: Double?
        }

        public var method: Method
        /// The choice for new queries: on the tuning topics, or (nested cross-validation) on
        /// all the test topics, made the same way as each fold's.
        public var system: String
        public var parameters: [String: Double]
        public var choice: SystemChoice.Outcome
        /// Every candidate's name, in the choice's order (`choice.estimates` follows it).
        public var candidates: [String]
        public var complexities: [Int]
        public var folds: [Fold]
        public var recipe: RankingRecipe
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
        let systems = try plannedSystems()
        let topics = try loadTopics(path: config.topics)
        let test = TopicSet(ids: topics.map(\.id), queries: try topics.map { try $0.text(fields: fields) },
                            qrels: try Qrels.load(path: config.qrels).restricted(to: Set(topics.map(\.id))))
        var tuning: TopicSet?
        if let t = config.tuning {
            let tt = try loadTopics(path: t.topics)
            tuning = TopicSet(ids: tt.map(\.id), queries: try tt.map { try $0.text(fields: fields) }, qrels: try Qrels.load(path: t.qrels).restricted(to: Set(tt.map(\.id))))
        } else if folds > test.ids.count {
            throw DesmError("\"folds\" (\(folds)) is more than the \(test.ids.count) test topics", path: configPath)
        }
        try makeDirectory(cacheDirectory)
        try makeDirectory(resultsDirectory)

        let (model, modelInfo) = try obtainModel()
        let (index, manifest) = try obtainIndex(model: model, modelPath: modelInfo.path, center: config.center ?? false)
        let mainRanker = try Ranker(index: index, model: model)
        /// The second, mean-centred index for `@centred` systems, built when one is planned.
        var centred: (ranker: Ranker, manifest: IndexManifest)? = nil
        if systems.contains(where: \.centred) {
            let (c, m) = try obtainIndex(model: model, modelPath: modelInfo.path, center: true)
            centred = (try Ranker(index: c, model: model), m)
        }
        func ranker(for system: System) -> Ranker { system.centred ? centred!.ranker : mainRanker }
        func indexManifest(for system: System) -> IndexManifest { system.centred ? centred!.manifest : manifest }

        let runDirectory = cacheDirectory + "/runs-\(config.name)"
        try makeDirectory(runDirectory)
        var evaluations: [RunEvaluation] = []
        var tags: [String] = []
        var usesEmbeddings: [Bool] = []
        var tunings: [String: TuningOutcome] = [:]
        var notes: [String] = []
        /// Each system's NDCG@10 per topic at every grid point, on the topics the
        /// recommendation is chosen on (the tuning topics, or the test topics for the
        /// nested cross-validation, which never scores a fold with a choice made on it).
        var candidates: [SystemChoice.Candidate] = []
        var bases: [RankingOptions] = []
        let stoplist = try queryStoplist()
        for system in systems {
            let base = options(for: system, stoplist: stoplist)
            let depth = depth(for: system)
            let ranker = ranker(for: system)
            let grid = grid(for: system)
            var ranked: (topics: [TopicHits], statistics: RunStatistics)
            var tag: String
            var selection: [[String: Double]]? = nil
            if grid.isEmpty {
                say("ranking: \(system.name) (\(ranker.tag(for: base)))")
                ranked = try rankRun(ranker: ranker, topicIDs: test.ids, queries: test.queries, options: base, depth: depth)
                tag = ranker.tag(for: base)
                if let tuning {
                    selection = try gridEvaluations(system, base: base, grid: grid, on: tuning, ranker: ranker, depth: depth)
                        .map { $0.perTopic(.ndcgCut(10), complete: true) }
                }
            } else if let tuning {
                let outcome = try tune(system, base: base, grid: grid, on: tuning, ranker: ranker, depth: depth)
                tunings[system.name] = outcome
                selection = outcome.perTopic
                let chosen = System.apply(grid.parameters(outcome.chosen!), to: base)
                say("ranking: \(system.name) (\(ranker.tag(for: chosen)))")
                ranked = try rankRun(ranker: ranker, topicIDs: test.ids, queries: test.queries, options: chosen, depth: depth)
                tag = ranker.tag(for: chosen)
            } else {
                let outcome = try crossValidate(system, base: base, grid: grid, test: test, ranker: ranker, depth: depth)
                tunings[system.name] = outcome
                selection = outcome.perTopic
                (ranked, tag) = try rankFolds(outcome, base: base, test: test, ranker: ranker, depth: depth)
                say("ranking: \(system.name) (\(tag))")
            }
            if system.name == systems.first(where: { $0.base != .bm25 })?.name {
                notes.append(contentsOf: ranked.statistics.notes)
            }
            try writeRun(ranked.topics, name: system.name, tag: tag, in: runDirectory)
            var evaluation = try evaluate(run: runFile(ranked.topics, tag: system.name), qrels: test.qrels,
                                          measures: ExperimentReport.measures, options: evalOptions)
            evaluation.runName = system.name
            candidates.append(SystemChoice.Candidate(name: system.name, complexity: system.complexity,
                                                     grid: grid,
                                                     perTopic: selection ?? [evaluation.perTopic(.ndcgCut(10), complete: true)]))
            bases.append(base)
            evaluations.append(evaluation)
            tags.append(tag)
            usesEmbeddings.append(base.usesModel)
        }

        // The recommendation for this collection.
        var recommended: String
        let recommendation: Recommendation
        func recipe(_ i: Int, _ point: Int) -> RankingRecipe {
            let o = System.apply(candidates[i].grid.parameters(point), to: bases[i])
            return RankingRecipe(system: systems[i].name, options: o, index: indexManifest(for: systems[i]), depth: depth(for: systems[i]),
                                 tag: ranker(for: systems[i]).tag(for: o))
        }
        if let tuning {
            let tuningJudged = Set(tuning.qrels.topicIDs)
            let judged = tuning.ids.filter { tuningJudged.contains($0) }
            let choice = SystemChoice.choose(candidates, topics: judged, folds: folds, what: "the tuning topics")
            // The chosen system's own tuned point (the same choice, made once).
            let point = tunings[systems[choice.system].name]?.chosen ?? choice.point
            recommended = systems[choice.system].name
            recommendation = Recommendation(method: .tuningTopics, system: recommended,
                                            parameters: candidates[choice.system].grid.parameters(point), choice: choice,
                                            candidates: candidates.map(\.name), complexities: candidates.map(\.complexity),
                                            folds: [], recipe: recipe(choice.system, point))
            say("recommended: \(recommended) (\(choice.reason))")
        } else {
            // Nested cross-validation: each outer fold's system and parameters chosen on the
            // other folds' topics (each candidate judged there by its own inner
            // cross-validation), the fold ranked with that choice.
            let judgedSet = Set(test.qrels.topicIDs)
            let outer = ParameterGrid.folds(test.ids, k: folds)
            var byTopic: [String: TopicHits] = [:]
            var foldChoices: [Recommendation.Fold] = []
            var foldTags: [String] = []
            let position = Dictionary(test.ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            let choices = SystemChoice.nested(candidates, folds: outer, judged: judgedSet, innerFolds: folds)
            for (f, held) in outer.enumerated() {
                let c = choices[f]
                let o = System.apply(candidates[c.system].grid.parameters(c.point), to: bases[c.system])
                let ids = held.sorted { position[$0]! < position[$1]! }
                let r = ranker(for: systems[c.system])
                let ranked = try rankRun(ranker: r, topicIDs: ids, queries: ids.map { test.queries[position[$0]!] },
                                         options: o, depth: depth(for: systems[c.system]))
                for t in ranked.topics { byTopic[t.topic] = t }
                let tag = r.tag(for: o)
                if !foldTags.contains(tag) { foldTags.append(tag) }
                let scored = held.filter { judgedSet.contains($0) }
                foldChoices.append(Recommendation.Fold(fold: f, topics: held.count, system: systems[c.system].name,
                                                      parameters: candidates[c.system].grid.parameters(c.point), reason: c.reason,
                                                      heldOutNDCG10: ParameterGrid.mean(candidates[c.system].perTopic[c.point], over: scored)))
                say("recommended, fold \(f + 1) of \(outer.count): \(systems[c.system].name) \(Self.describe(candidates[c.system].grid.parameters(c.point)))")
            }
            let union = test.ids.compactMap { byTopic[$0] }
            let tag = "nested-cv\(outer.count):" + foldTags.joined(separator: ",")
            recommended = "recommended"
            try writeRun(union, name: recommended, tag: tag, in: runDirectory)
            var evaluation = try evaluate(run: runFile(union, tag: recommended), qrels: test.qrels,
                                          measures: ExperimentReport.measures, options: evalOptions)
            evaluation.runName = recommended
            evaluations.append(evaluation)
            tags.append(tag)
            usesEmbeddings.append(foldChoices.contains { name in bases[systems.firstIndex { $0.name == name.system }!].usesModel })
            // For new queries: the same choice on all the test topics.
            let all = SystemChoice.choose(candidates, topics: test.ids.filter { judgedSet.contains($0) }, folds: folds, what: "all the topics")
            recommendation = Recommendation(method: .nestedCrossValidation(folds: outer.count), system: systems[all.system].name,
                                            parameters: candidates[all.system].grid.parameters(all.point), choice: all,
                                            candidates: candidates.map(\.name), complexities: candidates.map(\.complexity),
                                            folds: foldChoices, recipe: recipe(all.system, all.point))
            say("recommended for new queries: \(recommendation.system) (\(all.reason))")
        }
        var recipes: [String: RankingRecipe] = [:]
        for (i, system) in systems.enumerated() { recipes[system.name] = recipe(i, tunings[system.name]?.chosenOnAllTopics ?? 0) }
        var names = systems.map(\.name)
        if case .nestedCrossValidation = recommendation.method { names.append(recommended) }
        let rm3 = evaluations.firstIndex { e in systems.first { $0.name == e.runName }?.canonicalName == "bm25+rm3" }
        let judged = Set(test.ids).intersection(test.qrels.topicIDs).count
        var outcome = Outcome(comparison: RunComparison(evaluations, complete: true),
                              rm3Comparison: rm3.map { i in RunComparison([evaluations[i]] + evaluations.enumerated().filter { $0.offset != i }.map(\.element), complete: true) },
                              systems: names, tags: tags, usesEmbeddings: usesEmbeddings, tunings: tunings,
                              recommended: recommended, recommendation: recommendation, recipes: recipes,
                              judgedTopics: judged, model: modelInfo, index: manifest, centredIndex: centred?.manifest, notes: notes,
                              reportPath: resultsDirectory + "/\(config.name).md", jsonPath: resultsDirectory + "/\(config.name).json",
                              seconds: 0)
        outcome.seconds = monotonicSeconds() - start
        try ExperimentReport(config: config, runner: self, outcome: outcome).write()
        return outcome
    }

    /// Documents per topic in a system's run: the run depth, at most the re-ranking depth for
    /// the telescoping systems.
    func depth(for system: System) -> Int { system.reranks ? min(depth, rerankDepth) : depth }

    /// Writes a system's run to the experiment's run directory (`rerank:in-out` → `rerank-in-out.run`).
    func writeRun(_ topics: [TopicHits], name: String, tag: String, in directory: String) throws {
        let writer = try RunWriter(path: directory + "/\(name.replacingOccurrences(of: ":", with: "-")).run", tag: tag)
        for t in topics { try writer.write(topic: t.topic, hits: t.hits) }
        try writer.commit()
    }

    /// Topics, their queries and their judgments.
    struct TopicSet {
        var ids: [String]
        var queries: [String]
        var qrels: Qrels
    }

    // MARK: Tuning

    /// Ranks `topics` with the system at every point of its grid and evaluates each ranking
    /// in memory: NDCG@10 per topic, per point.
    func gridEvaluations(_ system: System, base: RankingOptions, grid: ParameterGrid, on topics: TopicSet,
                         ranker: Ranker, depth: Int) throws -> [RunEvaluation] {
        let ndcg10 = Measure.ndcgCut(10)
        if grid.isEmpty {
            say("scoring \(system.name) on the \(topics.ids.count) tuning topics (for the recommendation)")
        } else {
            say("tuning: \(system.name), \(grid.count) setting(s) of \(grid.names.joined(separator: ", ")) on \(topics.ids.count) topics")
        }
        return try (0..<grid.count).map { i in
            let o = System.apply(grid.parameters(i), to: base)
            let ranked = try rankTop(10, ranker: ranker, topicIDs: topics.ids, queries: topics.queries, options: o, depth: depth)
            return try evaluate(run: runFile(ranked, tag: o.tag), qrels: topics.qrels, measures: [ndcg10], options: evalOptions)
        }
    }

    /// Chooses the system's parameters on the tuning topics: the grid point with the best
    /// NDCG@10 there (ties: the point nearest the grid's middle).
    func tune(_ system: System, base: RankingOptions, grid: ParameterGrid, on tuning: TopicSet,
              ranker: Ranker, depth: Int) throws -> TuningOutcome {
        let evaluations = try gridEvaluations(system, base: base, grid: grid, on: tuning, ranker: ranker, depth: depth)
        let means = evaluations.map { $0.summary(.ndcgCut(10)) ?? 0 }
        let chosen = grid.best(means)
        say(String(format: "tuned %@: %@ (NDCG@10 %.4f on the tuning topics)", system.name,
                   Self.describe(grid.parameters(chosen)), means[chosen]))
        return TuningOutcome(grid: grid, method: .tuningTopics, means: means, chosen: chosen, folds: [],
                             perTopic: evaluations.map { $0.perTopic(.ndcgCut(10), complete: true) })
    }

    /// Chooses the system's parameters by k-fold cross-validation over the test topics: for
    /// each fold, the grid point with the best NDCG@10 on the other folds' topics.
    func crossValidate(_ system: System, base: RankingOptions, grid: ParameterGrid, test: TopicSet,
                       ranker: Ranker, depth: Int) throws -> TuningOutcome {
        let evaluations = try gridEvaluations(system, base: base, grid: grid, on: test, ranker: ranker, depth: depth)
        let perTopic = evaluations.map { $0.perTopic(.ndcgCut(10)) }
        let folds = ParameterGrid.folds(test.ids, k: self.folds)
        let choices = grid.crossValidate(perTopic: perTopic, folds: folds)
        for c in choices {
            guard c.trainingScore.isFinite else {
                throw DesmError("cross-validation: the topics outside fold \(c.fold) have no judgments to choose \(system.name)'s parameters on", path: configPath)
            }
            say(String(format: "tuned %@, fold %d of %d: %@ (NDCG@10 %.4f on the other folds, %@ on the fold)", system.name,
                       c.fold + 1, folds.count, Self.describe(grid.parameters(c.point)), c.trainingScore,
                       c.heldOutScore.map { String(format: "%.4f", $0) } ?? "–"))
        }
        return TuningOutcome(grid: grid, method: .crossValidation(folds: folds.count),
                             means: evaluations.map { $0.summary(.ndcgCut(10)) ?? 0 }, chosen: nil, folds: choices,
                             perTopic: evaluations.map { $0.perTopic(.ndcgCut(10), complete: true) })
    }

    /// The cross-validated run: each fold's topics ranked with the parameters chosen on the
    /// other folds, in the topics' order; the tag states each fold's settings.
    func rankFolds(_ outcome: TuningOutcome, base: RankingOptions, test: TopicSet, ranker: Ranker,
                   depth: Int) throws -> ((topics: [TopicHits], statistics: RunStatistics), String) {
        var byTopic: [String: TopicHits] = [:]
        var statistics = RunStatistics()
        var foldTags: [String] = []
        let position = Dictionary(test.ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        for choice in outcome.folds {
            let o = System.apply(outcome.grid.parameters(choice.point), to: base)
            if !foldTags.contains(ranker.tag(for: o)) { foldTags.append(ranker.tag(for: o)) }
            let ids = choice.topics.sorted { position[$0]! < position[$1]! }
            let ranked = try rankRun(ranker: ranker, topicIDs: ids, queries: ids.map { test.queries[position[$0]!] },
                                     options: o, depth: depth)
            for t in ranked.topics { byTopic[t.topic] = t }
            statistics.lines += ranked.statistics.lines
            for n in ranked.statistics.notes where !statistics.notes.contains(n) { statistics.notes.append(n) }
        }
        let tag = "cv\(outcome.folds.count):" + foldTags.joined(separator: ",")
        return ((test.ids.compactMap { byTopic[$0] }, statistics), tag)
    }

    /// `alpha 0.3, beta 0.2`: parameters in the grid's order of names.
    public static func describe(_ parameters: [String: Double]) -> String {
        ExperimentRunner.gridKeys.compactMap { k in parameters[k].map { "\(k) \(formatParameter($0))" } }.joined(separator: ", ")
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
