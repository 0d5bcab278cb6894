@testable import DesmEval
import DesmIndex
import DesmTestSupport
import DesmText
import Foundation
import XCTest

/// The experiment's systems grammar, its grid search and cross-validation, and the in-memory
/// runs its tuning evaluates.
final class ExperimentTuningTests: XCTestCase {
    let dir = ScratchDirectory("desm-eval")

    // MARK: Systems

    func testSystemNamesParseIntoOptionsAndTunedParameters() throws {
        typealias S = ExperimentRunner.System
        let bm25 = try S("bm25", path: "c.json")
        XCTAssertEqual(bm25.baseOptions.scorer, .bm25)
        XCTAssertNil(bm25.baseOptions.expansion)
        XCTAssertEqual(bm25.tunedParameters, [])

        let rm3 = try S("bm25+rm3", path: "c.json")
        XCTAssertEqual(rm3.baseOptions.expansion, .rm3(RM3Parameters(documents: 10, terms: 10, originalQueryWeight: 0.5, embeddingWeight: 0)))
        XCTAssertEqual(rm3.tunedParameters, [], "RM3 keeps Anserini's defaults: nothing tuned")
        XCTAssertFalse(rm3.baseOptions.usesModel)

        let rm3e = try S("bm25+rm3e", path: "c.json")
        XCTAssertEqual(rm3e.tunedParameters, ["gamma", "rm3_weight"])
        let withGamma = S.apply(["gamma": 4], to: rm3e.baseOptions)
        XCTAssertEqual(withGamma.expansion, .rm3(RM3Parameters(embeddingWeight: 4)))
        XCTAssertTrue(withGamma.usesModel)
        XCTAssertEqual(S.apply(["gamma": 2, "rm3_weight": 0.9], to: rm3e.baseOptions).expansion,
                       .rm3(RM3Parameters(originalQueryWeight: 0.9, embeddingWeight: 2)))

        let topical = try S("bm25+topical", path: "c.json")
        XCTAssertEqual(topical.tunedParameters, ["topical_words", "topical_weight"])
        XCTAssertEqual(S.apply(["topical_words": 20, "topical_weight": 0.6], to: topical.baseOptions).expansion,
                       .topical(TopicalExpansionParameters(words: 20, originalQueryWeight: 0.6)))

        // Modifiers in any order name the same system.
        let a = try S("mixture:in-out+vfb+rm3", path: "c.json")
        let b = try S("mixture:in-out+rm3+vfb", path: "c.json")
        XCTAssertEqual(a.canonicalName, "mixture:in-out+rm3+vfb")
        XCTAssertEqual(a.canonicalName, b.canonicalName)
        XCTAssertEqual(a.tunedParameters, ["alpha", "beta"])
        let tuned = S.apply(["alpha": 0.3, "beta": 0.2], to: a.baseOptions)
        XCTAssertEqual(tuned.scorer, .mixture(.inOut))
        XCTAssertEqual(tuned.alpha, 0.3)
        XCTAssertEqual(tuned.vectorFeedback, VectorFeedback(documents: 10, weight: 0.2))
        XCTAssertEqual(tuned.expansion, .rm3(RM3Parameters()))

        let rerank = try S("rerank:in-in+rm3e", path: "c.json")
        XCTAssertTrue(rerank.reranks)
        XCTAssertEqual(rerank.baseOptions.scorer, .desm(.inIn))
        XCTAssertEqual(rerank.tunedParameters, ["gamma", "rm3_weight"])
        XCTAssertEqual(try S("out-in", path: "c.json").baseOptions.scorer, .desm(.outIn))
        XCTAssertEqual(try S("in-in+vfb", path: "c.json").tunedParameters, ["beta"])
    }

    func testBadSystemNamesAreClearErrors() {
        for (name, expected) in [
            ("nonsense", "unknown system \"nonsense\""), ("mixture", "unknown system \"mixture\""),
            ("rerank:in-up", "unknown DESM variant"), ("bm25+rm4", "unknown modifier \"rm4\""),
            ("bm25+", "unknown modifier \"\""), ("re:in-out", "unknown base"),
        ] {
            assertDesmError(["c.json", expected, "<base>[+<modifier>]", "rm3, rm3e, topical, vfb"]) {
                _ = try ExperimentRunner.System(name, path: "c.json")
            }
        }
        assertDesmError(["c.json", "system \"bm25+rm3+rm3\"", "given twice"]) { _ = try ExperimentRunner.System("bm25+rm3+rm3", path: "c.json") }
        assertDesmError(["alternative"]) { _ = try ExperimentRunner.System("bm25+rm3+topical", path: "c.json") }
        assertDesmError(["alternative"]) { _ = try ExperimentRunner.System("mixture:in-in+rm3e+rm3", path: "c.json") }
        assertDesmError(["system \"bm25+vfb\"", "vfb"]) { _ = try ExperimentRunner.System("bm25+vfb", path: "c.json") }
    }

    /// A config that names a model (never loaded by `validate`).
    func runner(_ extra: String) throws -> ExperimentRunner {
        let path = dir.write("config\(UUID().uuidString.prefix(6)).json",
                             "{\"name\": \"x\", \"collection\": \"c\", \"topics\": \"t\", \"qrels\": \"q\", \"model\": \"m\"\(extra)}")
        return ExperimentRunner(config: try ExperimentConfig.load(path: path), configPath: path, command: "", log: { _ in })
    }

    func testConfigsAreValidatedUpFront() throws {
        // Expansion of a DESM-only system: RankingOptions.problem, with the system's name.
        assertDesmError(["system \"in-out+rm3\"", "query expansion"]) { try self.runner(", \"systems\": [\"in-out+rm3\"]").validate() }
        assertDesmError(["\"grids\"", "unknown parameter \"gama\""]) { try self.runner(", \"grids\": {\"gama\": [1]}").validate() }
        assertDesmError(["\"topical_words\"", "whole numbers"]) { try self.runner(", \"grids\": {\"topical_words\": [2.5]}").validate() }
        assertDesmError(["\"beta\"", "[0, 1]"]) { try self.runner(", \"grids\": {\"beta\": [1.5]}").validate() }
        assertDesmError(["\"gamma\"", "non-empty"]) { try self.runner(", \"grids\": {\"gamma\": []}").validate() }
        assertDesmError(["\"folds\" must be at least 2"]) { try self.runner(", \"folds\": 1").validate() }
        assertDesmError(["the same system"]) { try self.runner(", \"systems\": [\"bm25\", \"mixture:in-out+vfb+rm3\", \"mixture:in-out+rm3+vfb\"]").validate() }

        let good = try runner(", \"systems\": [\"in-in\", \"bm25+topical\", \"bm25\"], \"grids\": {\"topical_words\": [3, 7], \"topical_weight\": [0.4]}, \"folds\": 3")
        try good.validate()
        XCTAssertEqual(good.folds, 3)
        let systems = try good.plannedSystems()
        XCTAssertEqual(systems.map(\.name), ["bm25", "in-in", "bm25+topical"], "bm25 first (the baseline), nothing added")
        let grid = good.grid(for: systems[2])
        XCTAssertEqual(grid.names, ["topical_words", "topical_weight"])
        XCTAssertEqual(grid.dimensions.map(\.values), [[3, 7], [0.4]])
        // Without "systems", the whole family.
        let defaults = try runner("")
        let family = try defaults.plannedSystems()
        // … and, without "center", each system that uses the embeddings again on a centred index.
        let embedding = ExperimentConfig.defaultSystems.filter { !["bm25", "bm25+rm3", "bm25+ax"].contains($0) }
        XCTAssertEqual(family.map(\.name), ExperimentConfig.defaultSystems + embedding.map { $0 + "@centred" })
        XCTAssertTrue(family.filter(\.centred).allSatisfy { $0.baseOptions.usesModel })
        XCTAssertEqual(try runner(", \"center\": false").plannedSystems().map(\.name), ExperimentConfig.defaultSystems, "the paper's index only")
        XCTAssertEqual(try runner(", \"center\": true").plannedSystems().map(\.name), ExperimentConfig.defaultSystems, "every index centred")
        assertDesmError(["system \"in-in@centred\"", "already centres"]) {
            _ = try self.runner(", \"center\": true, \"systems\": [\"bm25\", \"in-in@centred\"]").plannedSystems()
        }
        assertDesmError(["system \"bm25+rm3@centred\"", "does not use the embeddings"]) {
            _ = try self.runner(", \"systems\": [\"bm25+rm3@centred\"]").plannedSystems()
        }
        let c = try ExperimentRunner.System("mixture:in-in+rm3e@centred", path: "")
        XCTAssertEqual(c.canonicalName, "mixture:in-in+rm3e@centred")
        XCTAssertEqual(c.complexity, 6, "centring is not counted as complexity")
        XCTAssertNotEqual(c.canonicalName, try ExperimentRunner.System("mixture:in-in+rm3e", path: "").canonicalName)
        XCTAssertEqual(ExperimentConfig.defaultSystems.prefix(2), ["bm25", "bm25+rm3"])
        for modifier in ExperimentRunner.System.Modifier.allCases {
            XCTAssertTrue(family.contains { $0.modifiers.contains(modifier) }, "the family has a system with \(modifier)")
        }
        XCTAssertTrue(family.contains { $0.reranks } && family.contains { $0.isMixture } && family.contains { $0.base == .desm(.inOut) })
        XCTAssertEqual(defaults.grid(for: family.first { $0.name == "mixture:in-in+rm3e" }!).dimensions.map(\.values),
                       ["alpha", "gamma", "rm3_weight"].map { ExperimentConfig.defaultGrids[$0]! })
    }

    func testComplexityCountsScorersModifiersAndTunedParameters() throws {
        let expected = ["bm25": 1, "in-out": 1, "bm25+rm3": 2, "rerank:in-out": 2, "mixture:in-in": 3, "bm25+rm3e": 4,
                        "bm25+topical": 4, "rerank:in-in+rm3": 3, "mixture:in-in+rm3": 4, "mixture:in-in+rm3e": 6, "mixture:in-out+rm3+vfb": 6]
        for (name, c) in expected {
            XCTAssertEqual(try ExperimentRunner.System(name, path: "").complexity, c, name)
        }
    }

    // MARK: Grid search

    func testTheGridSearchPicksTheBestPointAndBreaksTiesTowardsTheMiddle() {
        let grid = ParameterGrid([.init(name: "alpha", values: [0.5, 0, 1]), .init(name: "beta", values: [0.1, 0.2, 0.3])])
        XCTAssertEqual(grid.dimensions[0].values, [0, 0.5, 1], "values sorted")
        XCTAssertEqual(grid.count, 9)
        XCTAssertEqual(grid.point(0), [0, 0.1])
        XCTAssertEqual(grid.point(5), [0.5, 0.3], "the last parameter varies fastest")
        // A score with one maximum at (1, 0.1): found wherever it is.
        for best in 0..<9 {
            let scores = (0..<9).map { $0 == best ? 0.9 : 0.5 - 0.01 * Double($0) }
            XCTAssertEqual(grid.best(scores), best)
        }
        // f(α, β) = −(α − 0.3)² − (β − 0.3)²: the best grid point is (0.5, 0.3).
        let smooth = (0..<9).map { i -> Double in let p = grid.point(i); return -pow(p[0] - 0.3, 2) - pow(p[1] - 0.3, 2) }
        XCTAssertEqual(grid.point(grid.best(smooth)), [0.5, 0.3])
        // Ties: the point nearest the middle wins, whatever its number.
        XCTAssertEqual(grid.best([Double](repeating: 0.7, count: 9)), 4)
        XCTAssertEqual(grid.point(grid.best([1, 0, 0, 0, 0, 0, 0, 0, 1])), [0, 0.1], "two corners: the first by number")
        XCTAssertEqual(grid.point(grid.best([1, 0, 0, 0, 0, 1, 0, 0, 0])), [0.5, 0.3], "an edge beats a corner")
        // α alone, as desm has always chosen it: the best, among equals the one closest to 0.5.
        let alpha = ParameterGrid([.init(name: "alpha", values: stride(from: 0.0, through: 1.0, by: 0.1).map { ($0 * 10).rounded() / 10 })])
        XCTAssertEqual(alpha.point(alpha.best([0.2, 0.8, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.8, 0.3, 0.3])), [0.8])
        XCTAssertEqual(ParameterGrid([]).count, 1, "nothing tuned: one empty point")
    }

    // MARK: Cross-validation

    func testFoldsFollowByteOrderOfTopicIDs() {
        let folds = ParameterGrid.folds(["10", "2", "1", "3", "20", "b", "A"], k: 3)
        // Byte order: 1 10 2 20 3 A b
        XCTAssertEqual(folds, [["1", "20", "b"], ["10", "3"], ["2", "A"]])
    }

    /// Fold 1's own topics strongly prefer setting 2, which would win on all topics together;
    /// the other folds prefer setting 0. Fold 1 must be given setting 0; and no fold's choice
    /// may change when its own topics' values change.
    func testCrossValidationNeverChoosesOnTheFoldsOwnTopics() {
        let grid = ParameterGrid([.init(name: "beta", values: [0.1, 0.2, 0.3])])
        let topics = (1...9).map { "q\($0)" }
        let folds = ParameterGrid.folds(topics, k: 3)
        XCTAssertEqual(folds[0], ["q1", "q4", "q7"])
        var perTopic: [[String: Double]] = [[:], [:], [:]]
        for t in topics {
            let own = folds[0].contains(t)
            perTopic[0][t] = own ? 0.1 : 0.6
            perTopic[1][t] = 0.4
            perTopic[2][t] = own ? 1.0 : 0.5
        }
        // On all topics together setting 2 is best (0.667 against 0.433): choosing with the
        // fold's own topics would give it.
        let all = perTopic.map { ParameterGrid.mean($0, over: topics)! }
        XCTAssertEqual(grid.best(all), 2)
        let choices = grid.crossValidate(perTopic: perTopic, folds: folds)
        XCTAssertEqual(choices.map(\.point), [0, 2, 2])
        XCTAssertEqual(choices[0].trainingScore, 0.6, accuracy: 1e-12, "fold 1 chose on folds 2 and 3 only")
        XCTAssertEqual(choices[0].heldOutScore!, 0.1, accuracy: 1e-12, "and is scored on its own topics")
        XCTAssertEqual(choices[1].trainingScore, 0.75, accuracy: 1e-12)
        XCTAssertEqual(choices[0].topics, folds[0])

        // Whatever a fold's own topics score, its choice stays: they are never looked at.
        var rng = PermutationRNG(seed: 42)
        for f in 0..<3 {
            for _ in 0..<20 {
                var changed = perTopic
                for p in 0..<3 { for t in folds[f] { changed[p][t] = Double(rng.next() % 1000) / 1000 } }
                XCTAssertEqual(grid.crossValidate(perTopic: changed, folds: folds)[f].point, choices[f].point, "fold \(f + 1)")
            }
        }
    }

    func testTopicsWithoutValuesAreLeftOutOfTheMeans() {
        XCTAssertEqual(ParameterGrid.mean(["a": 1, "b": 0.5], over: ["a", "b", "c"]), 0.75)
        XCTAssertNil(ParameterGrid.mean(["a": 1], over: ["c"]))
        let outcome = TuningOutcome(grid: ParameterGrid([.init(name: "alpha", values: [0, 1])]), method: .crossValidation(folds: 2),
                                    means: [0, 0], chosen: nil,
                                    folds: [.init(fold: 0, topics: [], point: 1, trainingScore: 0, heldOutScore: nil),
                                            .init(fold: 1, topics: [], point: 0, trainingScore: 0, heldOutScore: nil)],
                                    perTopic: [[:], [:]])
        XCTAssertEqual(outcome.chosenParameters["alpha"] as? [Double], [1, 0], "one value per fold")
    }

    // MARK: Runs in memory

    /// The in-memory run evaluates exactly as the run file RunWriter writes: same order, same
    /// float32 scores (what trec_eval compares), including ties and scores that only tie as
    /// float32.
    func testAnInMemoryRunEqualsTheWrittenRun() throws {
        var rng = PermutationRNG(seed: 9)
        var topics: [TopicHits] = []
        var qrels = ""
        for t in 0..<12 {
            var hits: [(docno: String, score: Double)] = []
            for d in 0..<(t == 5 ? 0 : 40 + t) {
                let docno = "d\(rng.next() % 1000)-\(d)"
                let u = Double(rng.next() % 1000) / 100
                let score = [u.rounded(), u + 1e-9 * Double(rng.next() % 3), u][Int(rng.next() % 3)]
                hits.append((docno, score))
                if rng.next() % 4 == 0 { qrels += "q\(t) 0 \(docno) \(rng.next() % 3)\n" }
            }
            topics.append(TopicHits(topic: "q\(t)", hits: hits))
        }
        let runPath = dir.path + "/written.run"
        let writer = try RunWriter(path: runPath, tag: "tag")
        for t in topics { try writer.write(topic: t.topic, hits: t.hits) }
        try writer.commit()
        let written = try RunFile.load(path: runPath)
        let memory = runFile(topics, tag: "tag")
        XCTAssertEqual(Set(memory.topics.keys), Set(written.topics.keys))
        XCTAssertNil(memory.topics["q5"], "a topic without hits is absent, as from the file")
        // The same documents in the same order with the same float32 scores (the file holds
        // each float32 as 9 significant digits, which read back as a nearby double).
        for (t, entries) in written.topics {
            XCTAssertEqual(memory.topics[t]?.map(\.docno), entries.map(\.docno), t)
            XCTAssertEqual(memory.topics[t]?.map { Float($0.score) }, entries.map { Float($0.score) }, t)
        }
        let q = try Qrels.load(path: dir.write("qrels.txt", qrels))
        let measures = ExperimentReport.measures
        let a = try evaluate(run: memory, qrels: q, measures: measures), b = try evaluate(run: written, qrels: q, measures: measures)
        XCTAssertEqual(a.values, b.values)
        XCTAssertEqual(a.summary, b.summary)
    }

    func testVersionIsOneConstant() {
        XCTAssertEqual(desmVersion.split(separator: ".").count, 3)
        XCTAssertEqual(formatParameter(0.30000000000000004), "0.3")
        XCTAssertEqual(formatParameter(10), "10")
    }
}
