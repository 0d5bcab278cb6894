import DesmTestSupport
import Foundation
import XCTest

/// End-to-end: `desm experiment` on the built-in sample (trains, indexes, ranks, evaluates,
/// reports), `desm run` on its index, and the one-line errors of both verbs.
final class ExperimentCLITests: XCTestCase {
    var dir = ""

    override func setUp() { dir = makeTemporaryDirectory("desm-experiment-cli") }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    /// The sample's config, pointed at the repository's files, with results and cache in `dir`
    /// and a short training (the test checks the pipeline, not the numbers).
    func writeSampleConfig(name: String = "cli-sample", extra: [String: Any] = [:]) throws -> String {
        let sample = packageRoot + "/collections/sample/"
        var config: [String: Any] = [
            "name": name,
            "collection": sample + "corpus.jsonl",
            "topics": sample + "topics.xml",
            "qrels": sample + "qrels.txt",
            "tuning": ["topics": sample + "topics-tune.xml", "qrels": sample + "qrels.txt"],
            "training": ["corpora": ["collection"], "arch": "sg", "dim": 20, "min_count": 2, "epochs": 2,
                         "threads": 1, "seed": 7] as [String: Any],
            "alphas": [0.0, 0.5, 1.0],
            "results": dir + "/results",
            "cache": dir + "/cache",
        ]
        config.merge(extra) { $1 }
        let path = dir + "/\(name).json"
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The JSON config rewritten as YAML by hand (block mappings and flow sequences, with a
    /// comment), beside it with the extension .yaml.
    func yamlCopy(of jsonPath: String) throws -> String {
        let object = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: jsonPath)))
        func scalar(_ v: Any) -> String {
            if let s = v as? String { return "\"" + s.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            return "\(v)"
        }
        func emit(_ v: Any, indent: String) -> String {
            if let m = v as? [String: Any] {
                return m.keys.sorted().map { k -> String in
                    let x = m[k]!
                    if x is [String: Any] { return indent + k + ":\n" + emit(x, indent: indent + "  ") }
                    return indent + k + ": " + emit(x, indent: "")
                }.joined()
            }
            if let a = v as? [Any] { return "[" + a.map(scalar).joined(separator: ", ") + "]\n" }
            return scalar(v) + "\n"
        }
        let path = (jsonPath as NSString).deletingPathExtension + ".yaml"
        try ("# written by ExperimentCLITests\n" + emit(object, indent: "")).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testExperimentWritesReportChartsAndRunsAndReusesItsCache() throws {
        let config = try writeSampleConfig()
        let first = try runDesm(["experiment", config])
        XCTAssertEqual(first.status, 0, first.stderr)
        for system in ["bm25 (baseline)", "bm25+rm3", "in-in", "in-out", "rerank:in-in", "rerank:in-out", "mixture:in-in",
                       "mixture:in-out", "bm25+rm3 (baseline)", "recommended: ", "(chosen on the tuning topics)", "why: ",
                       "recipe: desm run INDEX --topics TOPICS --recipe "] {
            XCTAssertTrue(first.stdout.contains(system), "missing \(system) in\n\(first.stdout)")
        }
        XCTAssertTrue(first.stdout.contains("ndcg_cut_10"), first.stdout)
        XCTAssertTrue(first.stderr.contains("training:"), first.stderr)
        let report = try String(contentsOfFile: dir + "/results/cli-sample.md", encoding: .utf8)
        XCTAssertTrue(report.contains("| `rerank:in-out` |"), report)
        XCTAssertTrue(report.contains("desm 0.3.0"), report)
        XCTAssertTrue(report.contains("on the tuning topics, never on the test topics"), report)
        XCTAssertTrue(report.contains("| NDCG@10 (tuning) |"), report)
        // Without "systems", the whole family runs and the recommendation is chosen among it.
        for system in ["bm25+rm3e", "bm25+topical", "rerank:in-out+rm3", "mixture:in-out+rm3e", "mixture:in-out+rm3+vfb"] {
            XCTAssertTrue(report.contains("| `\(system)` |"), "\(system) missing from\n\(report)")
        }
        XCTAssertEqual(report.components(separatedBy: " (recommended) |").count - 1, 2, "one row marked in each table")
        XCTAssertTrue(report.contains("### Recommended for this collection"), report)
        XCTAssertTrue(report.contains("chosen on the tuning topics among the 39 systems above"), report)
        XCTAssertTrue(report.contains("| `mixture:in-in+rm3e@centred` |"), report)
        XCTAssertTrue(report.contains("Systems named `…@centred` rank on a second index"), report)
        XCTAssertTrue(report.contains("`in-out@centred`: `desm-in-out-centred`"), "the centred index's tag")
        XCTAssertFalse(report.contains("Added to the config's systems"), report)
        for chart in ["cli-sample.svg", "cli-sample-in-out-minus-in-in.svg"] {
            let svg = try String(contentsOfFile: dir + "/results/" + chart, encoding: .utf8)
            XCTAssertTrue(svg.contains("<svg"), chart)
        }
        let runs = try FileManager.default.contentsOfDirectory(atPath: dir + "/cache/runs-cli-sample")
        XCTAssertTrue(runs.contains("rerank-in-out.run"), "\(runs)")

        // The same config again reuses the cached model and index and reproduces the table
        // (one training thread and a fixed seed are deterministic).
        let second = try runDesm(["experiment", config])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stderr.contains("model: reusing"), second.stderr)
        XCTAssertTrue(second.stderr.contains("index: reusing"), second.stderr)
        XCTAssertEqual(first.stdout.components(separatedBy: "\nreport:").first,
                       second.stdout.components(separatedBy: "\nreport:").first)

        // `desm run` on the cached index writes exactly the experiment's BM25 run.
        let index = try FileManager.default.contentsOfDirectory(atPath: dir + "/cache").first { $0.hasPrefix("index-") }
        let indexPath = dir + "/cache/" + (try XCTUnwrap(index))
        let out = dir + "/bm25.run"
        let topics = packageRoot + "/collections/sample/topics.xml"
        let run = try runDesm(["run", indexPath, "--topics", topics, "--scorer", "bm25", "--out", out, "--quiet"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8),
                       try String(contentsOfFile: dir + "/cache/runs-cli-sample/bm25.run", encoding: .utf8))
        // An unknown topic field is one line naming the topic file, and no run is written.
        let bad = try runDesm(["run", indexPath, "--topics", topics, "--field", "nosuchfield",
                               "--scorer", "bm25", "--out", dir + "/x.run"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.hasPrefix("desm: error: "), bad.stderr)
        XCTAssertTrue(bad.stderr.contains("topics.xml"), bad.stderr)
        XCTAssertEqual(bad.stderr.split(separator: "\n").count, 1, bad.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/x.run"))

        // A query stoplist: reuses model and index, is stated in the report and the tags, and
        // `desm run --query-stopwords` reproduces the experiment's run.
        // Written as YAML (the same keys), to check that format too.
        let qJSON = try writeSampleConfig(name: "cli-sample-q", extra: ["query_stopwords": "questions", "systems": ["bm25", "in-in"]])
        let q = try yamlCopy(of: qJSON)
        let third = try runDesm(["experiment", q])
        XCTAssertEqual(third.status, 0, third.stderr)
        XCTAssertTrue(third.stderr.contains("model: reusing") && third.stderr.contains("index: reusing"), third.stderr)
        let qReport = try String(contentsOfFile: dir + "/results/cli-sample-q.md", encoding: .utf8)
        XCTAssertTrue(qReport.contains("Query stoplist `questions`"), qReport)
        XCTAssertTrue(qReport.contains("`bm25-k0.9-b0.4-qstop-questions`"), qReport)
        let qOut = dir + "/bm25-q.run"
        let qRun = try runDesm(["run", indexPath, "--topics", topics, "--scorer", "bm25", "--query-stopwords", "questions",
                                "--out", qOut, "--quiet"])
        XCTAssertEqual(qRun.status, 0, qRun.stderr)
        XCTAssertEqual(try String(contentsOfFile: qOut, encoding: .utf8),
                       try String(contentsOfFile: dir + "/cache/runs-cli-sample-q/bm25.run", encoding: .utf8))
    }

    /// The JSON results: exactly the documented shape, trec_eval's measure names, per-topic
    /// values that average to the means, and exactly one recommended system.
    func testExperimentWritesJSONResultsWithOneRecommendedSystem() throws {
        let config = try writeSampleConfig(name: "cli-json", extra: [
            "systems": ["bm25", "bm25+rm3", "in-in", "mixture:in-out", "bm25+rm3e", "mixture:in-in+rm3e"],
            "grids": ["gamma": [1, 4], "rm3_weight": [0.5]],
        ])
        let r = try runDesm(["experiment", config, "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/results/cli-json.json"))
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(Set(root.keys), ["name", "desm_version", "topics", "systems", "recommended"])
        XCTAssertEqual(root["name"] as? String, "cli-json")
        XCTAssertEqual(root["desm_version"] as? String, "0.3.0")
        XCTAssertEqual(root["topics"] as? Int, 40)
        let systems = try XCTUnwrap(root["systems"] as? [[String: Any]])
        XCTAssertEqual(systems.map { $0["system"] as? String }, ["bm25", "bm25+rm3", "in-in", "mixture:in-out", "bm25+rm3e", "mixture:in-in+rm3e"])
        let measures: Set<String> = ["ndcg_cut_10", "ndcg_cut_1", "ndcg_cut_3", "map", "recall_100"]
        for s in systems {
            let name = s["system"] as? String ?? "?"
            XCTAssertTrue(Set(s.keys).isSuperset(of: ["system", "tag", "uses_embeddings", "recommended", "parameters", "mean", "per_topic", "recipe"]), name)
            XCTAssertTrue(Set(s.keys).isSubset(of: ["system", "tag", "uses_embeddings", "recommended", "parameters", "mean", "per_topic", "tuning", "recipe"]), name)
            XCTAssertEqual((s["recipe"] as? [String: Any])?["tag"] as? String, s["tag"] as? String, name)
            XCTAssertFalse((s["tag"] as? String ?? "").isEmpty, name)
            let mean = try XCTUnwrap(s["mean"] as? [String: Double], name)
            XCTAssertEqual(Set(mean.keys), measures, name)
            let perTopic = try XCTUnwrap(s["per_topic"] as? [String: [String: Double]], name)
            XCTAssertEqual(perTopic.count, 40, name)
            for m in measures {
                let average = perTopic.values.map { $0[m]! }.reduce(0, +) / Double(perTopic.count)
                XCTAssertEqual(average, mean[m]!, accuracy: 1e-12, "\(name) \(m)")
            }
        }
        let byName = Dictionary(uniqueKeysWithValues: systems.map { ($0["system"] as! String, $0) })
        let recommended = try XCTUnwrap(root["recommended"] as? [String: Any])
        XCTAssertEqual(recommended["method"] as? String, "tuning_topics")
        XCTAssertEqual(systems.filter { $0["recommended"] as? Bool == true }.map { $0["system"] as? String }, [recommended["system"] as? String])
        XCTAssertEqual(Set((recommended["estimates"] as? [String: Double] ?? [:]).keys), Set(systems.map { $0["system"] as! String }))
        XCTAssertEqual(recommended["topics"] as? Int, 20, "the 20 tuning topics")
        XCTAssertFalse((recommended["reason"] as? String ?? "").isEmpty)
        XCTAssertEqual(byName["bm25"]?["uses_embeddings"] as? Bool, false)
        XCTAssertEqual(byName["bm25+rm3"]?["uses_embeddings"] as? Bool, false)
        XCTAssertEqual(byName["in-in"]?["uses_embeddings"] as? Bool, true)
        XCTAssertEqual(byName["bm25+rm3e"]?["uses_embeddings"] as? Bool, true)
        XCTAssertEqual((byName["bm25"]?["parameters"] as? [String: Any])?.count, 0)
        XCTAssertEqual((byName["bm25+rm3"]?["parameters"] as? [String: Any])?.count, 0, "RM3 is not tuned")
        let gamma = try XCTUnwrap((byName["bm25+rm3e"]?["parameters"] as? [String: Double])?["gamma"])
        XCTAssertTrue([1, 4].contains(gamma), "\(gamma)")
        XCTAssertTrue(byName["bm25+rm3e"]?["tag"] as? String == "bm25-k0.9-b0.4-rm3-fd10-ft10-ow0.5-emb\(formatted(gamma))")
        let alpha = try XCTUnwrap((byName["mixture:in-out"]?["parameters"] as? [String: Double])?["alpha"])
        XCTAssertTrue([0, 0.5, 1].contains(alpha))
        let tuning = try XCTUnwrap(byName["mixture:in-out"]?["tuning"] as? [String: Any])
        XCTAssertEqual(tuning["method"] as? String, "tuning_topics")
        XCTAssertEqual(tuning["settings"] as? Int, 3)

        // The report marks every system against bm25 and, in a second table, against bm25+rm3.
        let report = try String(contentsOfFile: dir + "/results/cli-json.md", encoding: .utf8)
        XCTAssertTrue(report.contains("### Against `bm25+rm3`"), report)
        let second = try XCTUnwrap(report.components(separatedBy: "### Against `bm25+rm3`").last)
        XCTAssertTrue(second.contains("significantly above/below `bm25+rm3`"), second)
        // On the sample, plain BM25 is significantly below BM25+RM3 on MAP.
        let bm25Row = try XCTUnwrap(second.split(separator: "\n").first { $0.hasPrefix("| `bm25` |") })
        XCTAssertTrue(bm25Row.contains("▼"), String(bm25Row))
    }

    func formatted(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }

    /// Without tuning topics, tuned parameters are chosen by k-fold cross-validation over the
    /// test topics: each fold's run uses the parameters chosen on the others, and its
    /// held-out NDCG@10 is the final run's on that fold's topics.
    func testWithoutTuningTopicsParametersAreCrossValidated() throws {
        let config = try writeSampleConfig(name: "cli-cv", extra: [
            "systems": ["bm25", "mixture:in-in"], "folds": 4, "alphas": [0.0, 0.3, 0.6, 1.0],
        ])
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: config))) as? [String: Any])
        object["tuning"] = nil
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: config))
        let r = try runDesm(["experiment", config])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("tuned mixture:in-in, fold 4 of 4"), r.stderr)
        XCTAssertTrue(r.stdout.contains("mixture:in-in: 4-fold cross-validation: fold 1 alpha"), r.stdout)
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/results/cli-cv.json"))) as? [String: Any])
        let systems = try XCTUnwrap(root["systems"] as? [[String: Any]])
        XCTAssertEqual(systems.map { $0["system"] as? String }, ["bm25", "mixture:in-in", "recommended"])
        for s in systems.dropFirst().dropLast() {
            let name = s["system"] as! String
            let alphas = try XCTUnwrap((s["parameters"] as? [String: [Double]])?["alpha"], name)
            XCTAssertEqual(alphas.count, 4, "one α per fold")
            let tuning = try XCTUnwrap(s["tuning"] as? [String: Any], name)
            XCTAssertEqual(tuning["method"] as? String, "cross_validation")
            let folds = try XCTUnwrap(tuning["fold_choices"] as? [[String: Any]], name)
            XCTAssertEqual(folds.count, 4)
            // Topics sorted by id in byte order, the i-th in fold i mod 4.
            let perTopic = try XCTUnwrap(s["per_topic"] as? [String: [String: Double]])
            let sorted = perTopic.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (f, fold) in folds.enumerated() {
                XCTAssertEqual((fold["parameters"] as? [String: Double])?["alpha"], alphas[f])
                let mine = sorted.enumerated().filter { $0.offset % 4 == f }.map(\.element)
                XCTAssertEqual(fold["topics"] as? Int, mine.count)
                let heldOut = mine.map { perTopic[$0]!["ndcg_cut_10"]! }.reduce(0, +) / Double(mine.count)
                XCTAssertEqual(try XCTUnwrap(fold["held_out_ndcg_cut_10"] as? Double), heldOut, accuracy: 1e-12, "\(name) fold \(f + 1)")
            }
            XCTAssertTrue((s["tag"] as? String ?? "").hasPrefix("cv4:desm-mixture-"), name)
        }
        let report = try String(contentsOfFile: dir + "/results/cli-cv.md", encoding: .utf8)
        XCTAssertTrue(report.contains("4-fold cross-validation over the test topics"), report)
        XCTAssertTrue(report.contains("| fold | topics | chosen | NDCG@10 on the other folds | NDCG@10 on the fold |"), report)
        XCTAssertTrue(report.contains("For reference only (never used to choose)"), report)
        XCTAssertFalse(report.contains("oracle"), report)
        XCTAssertTrue(report.contains("`bm25+rm3` is not among this experiment's systems"), report)

        // The recommendation by nested cross-validation: each fold's choice made on the other
        // folds, the `recommended` row their union, and the recipe chosen on all the topics.
        let recommended = try XCTUnwrap(root["recommended"] as? [String: Any])
        XCTAssertEqual(recommended["method"] as? String, "nested_cross_validation")
        let folds = try XCTUnwrap(recommended["folds"] as? [[String: Any]])
        XCTAssertEqual(folds.count, 4)
        let row = try XCTUnwrap(systems.last)
        XCTAssertEqual(row["recommended"] as? Bool, true)
        XCTAssertTrue((row["tag"] as? String ?? "").hasPrefix("nested-cv4:"), "\(row["tag"] ?? "")")
        let rowTopics = try XCTUnwrap(row["per_topic"] as? [String: [String: Double]])
        let sorted = rowTopics.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let byName = Dictionary(uniqueKeysWithValues: systems.map { ($0["system"] as! String, $0) })
        for (f, fold) in folds.enumerated() {
            let mine = sorted.enumerated().filter { $0.offset % 4 == f }.map(\.element)
            let heldOut = mine.map { rowTopics[$0]!["ndcg_cut_10"]! }.reduce(0, +) / Double(mine.count)
            XCTAssertEqual(try XCTUnwrap(fold["held_out_ndcg_cut_10"] as? Double), heldOut, accuracy: 1e-12, "fold \(f + 1)")
            // bm25 (untuned): the fold's topics score exactly as in bm25's own run.
            if fold["system"] as? String == "bm25" {
                let bm25 = try XCTUnwrap(byName["bm25"]?["per_topic"] as? [String: [String: Double]])
                for t in mine { XCTAssertEqual(rowTopics[t]?["ndcg_cut_10"], bm25[t]?["ndcg_cut_10"], t) }
            }
        }
        XCTAssertTrue(["bm25", "mixture:in-in"].contains(recommended["system"] as? String ?? ""), "\(recommended)")
        XCTAssertTrue(report.contains("The row `recommended` is nested 4-fold cross-validation"), report)
        XCTAssertTrue(report.contains("For new queries the choice is made the same way on all 40 topics"), report)
    }

    /// `desm run --recipe RESULTS.json` runs exactly the recommended system: byte for byte the
    /// experiment's run of it; `--recipe-system` any other system's, likewise; options beside
    /// a recipe, and an index built otherwise than the recipe needs, are refused.
    func testRecipeReproducesTheExperimentsRunsByteForByte() throws {
        let config = try writeSampleConfig(name: "cli-recipe", extra: [
            "systems": ["bm25", "bm25+rm3", "in-in", "rerank:in-out", "mixture:in-in", "bm25+rm3e", "mixture:in-out+rm3+vfb"],
            "grids": ["gamma": [1, 4], "rm3_weight": [0.5, 0.7], "beta": [0.2]],
            "query_stopwords": "questions", "depth": 50,
        ])
        let r = try runDesm(["experiment", config, "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let results = dir + "/results/cli-recipe.json"
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: results))) as? [String: Any])
        let recommended = try XCTUnwrap((root["recommended"] as? [String: Any])?["system"] as? String)
        let index = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: dir + "/cache").first { $0.hasPrefix("index-") })
        let indexPath = dir + "/cache/" + index
        let topics = packageRoot + "/collections/sample/topics.xml"
        func experimentRun(_ system: String) throws -> String {
            try String(contentsOfFile: dir + "/cache/runs-cli-recipe/" + system.replacingOccurrences(of: ":", with: "-") + ".run", encoding: .utf8)
        }
        let out = dir + "/recommended.run"
        let run = try runDesm(["run", indexPath, "--topics", topics, "--recipe", results, "--out", out, "--quiet"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), try experimentRun(recommended), recommended)
        for system in ["bm25", "bm25+rm3", "in-in", "rerank:in-out", "mixture:in-in", "bm25+rm3e", "mixture:in-out+rm3+vfb"] {
            let o = dir + "/\(system.replacingOccurrences(of: ":", with: "-")).run"
            let x = try runDesm(["run", indexPath, "--topics", topics, "--recipe", results, "--recipe-system", system, "--out", o, "--quiet"])
            XCTAssertEqual(x.status, 0, x.stderr)
            XCTAssertEqual(try String(contentsOfFile: o, encoding: .utf8), try experimentRun(system), system)
        }
        // desm search ranks with the recipe too: its top document is the run's first for a topic.
        let search = try runDesm(["search", indexPath, "what is photosynthesis", "--recipe", results, "--recipe-system", "mixture:in-in", "--json"])
        XCTAssertEqual(search.status, 0, search.stderr)
        XCTAssertTrue(search.stdout.contains("desm-mixture-in-in-a"), search.stdout)
        XCTAssertTrue(search.stdout.contains("-qstop-questions"), search.stdout)

        func refused(_ args: [String], _ expected: String, file: StaticString = #filePath, line: UInt = #line) throws {
            let x = try runDesm(args)
            XCTAssertNotEqual(x.status, 0, file: file, line: line)
            XCTAssertTrue(x.stderr.contains(expected), "\(args): \(x.stderr)", file: file, line: line)
        }
        try refused(["run", indexPath, "--topics", topics, "--recipe", results, "--alpha", "0.3", "--out", dir + "/x.run"],
                    "--recipe fixes every ranking option: drop --alpha")
        try refused(["run", indexPath, "--topics", topics, "--recipe", results, "--scorer", "bm25", "--rm3", "--out", dir + "/x.run"],
                    "drop --scorer, --rm3")
        try refused(["run", indexPath, "--topics", topics, "--recipe-system", "bm25", "--out", dir + "/x.run"], "add --recipe")
        try refused(["run", indexPath, "--topics", topics, "--recipe", results, "--recipe-system", "nosuch", "--out", dir + "/x.run"],
                    "no system \"nosuch\" in these results")
        // A recipe chosen on a centred index refuses this uncentred one (DESM scores would differ).
        var recipe = try XCTUnwrap((root["recommended"] as? [String: Any])?["recipe"] as? [String: Any])
        recipe["scorer"] = "mixture:in-in"; recipe["alpha"] = 0.5; recipe["norm"] = "zscore"
        recipe["index"] = ["center": true, "centroid": "mean"]
        let centred = dir + "/centred-recipe.json"
        try JSONSerialization.data(withJSONObject: recipe).write(to: URL(fileURLWithPath: centred))
        try refused(["run", indexPath, "--topics", topics, "--recipe", centred, "--out", dir + "/x.run"],
                    "was chosen on an index with mean-centred word vectors: build the index with desm index --center")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/x.run"))
        // The same recipe for BM25 alone runs on any index.
        recipe["scorer"] = "bm25"; recipe["alpha"] = nil; recipe["norm"] = nil; recipe["rm3"] = nil; recipe["topical"] = nil
        recipe["vector_feedback"] = nil; recipe["rerank"] = nil
        try JSONSerialization.data(withJSONObject: recipe).write(to: URL(fileURLWithPath: centred))
        let bm25 = try runDesm(["run", indexPath, "--topics", topics, "--recipe", centred, "--out", dir + "/y.run", "--quiet"])
        XCTAssertEqual(bm25.status, 0, bm25.stderr)
        // A broken recipe is one line naming the file.
        try "{\"scorer\": \"bm25\"}".write(toFile: dir + "/broken.json", atomically: true, encoding: .utf8)
        try refused(["run", indexPath, "--topics", topics, "--recipe", dir + "/broken.json", "--out", dir + "/x.run"],
                    "broken.json: not a valid recipe")
        recipe["alpah"] = 0.5
        try JSONSerialization.data(withJSONObject: recipe).write(to: URL(fileURLWithPath: centred))
        try refused(["run", indexPath, "--topics", topics, "--recipe", centred, "--out", dir + "/x.run"],
                    "not a valid recipe: unknown key \"alpah\"")
    }

    func testVersion() throws {
        let r = try runDesm(["--version"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "0.3.0")
    }

    func testTheCacheFollowsContentNotFileTimes() throws {
        let copy = dir + "/corpus.jsonl"
        try FileManager.default.copyItem(atPath: packageRoot + "/collections/sample/corpus.jsonl", toPath: copy)
        let config = try writeSampleConfig(name: "cache", extra: ["collection": copy, "systems": ["bm25", "in-in"]])
        let first = try runDesm(["experiment", config, "--quiet"])
        XCTAssertEqual(first.status, 0, first.stderr)
        // A new modification time (a re-copied data folder): model and index are reused.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 3600)], ofItemAtPath: copy)
        let touched = try runDesm(["experiment", config])
        XCTAssertEqual(touched.status, 0, touched.stderr)
        XCTAssertTrue(touched.stderr.contains("model: reusing") && touched.stderr.contains("index: reusing"), touched.stderr)
        // New content: both are rebuilt.
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: copy))
        handle.seekToEndOfFile()
        handle.write(Data("{\"_id\": \"extra\", \"title\": \"\", \"text\": \"a new document about wind tunnels\"}\n".utf8))
        handle.closeFile()
        let changed = try runDesm(["experiment", config])
        XCTAssertEqual(changed.status, 0, changed.stderr)
        XCTAssertFalse(changed.stderr.contains("model: reusing") || changed.stderr.contains("index: reusing"), changed.stderr)
    }

    func testBadConfigsAreOneLineErrorsNamingTheConfig() throws {
        let base = "\"name\": \"x\", \"collection\": \"c\", \"topics\": \"t\", \"qrels\": \"q\""
        let cases: [(String, String)] = [
            ("{ not json", "not valid JSON"),
            ("{\"name\": \"x\"}", "missing required key"),
            ("{\(base), \"model\": \"m\", \"systems\": [\"nonsense\"]}", "unknown system \"nonsense\""),
            ("{\(base), \"model\": \"m\", \"systems\": [\"bm25+rm9\"]}", "<base>[+<modifier>]"),
            ("{\(base), \"model\": \"m\", \"systems\": [\"in-out+topical\"]}", "system \"in-out+topical\": query expansion"),
            ("{\(base), \"model\": \"m\", \"grids\": {\"betta\": [0.1]}}", "unknown parameter \"betta\""),
            ("{\(base), \"model\": \"m\", \"folds\": 1}", "\"folds\" must be at least 2"),
            ("{\(base)}", "needs \"training\""),
            ("{\(base), \"model\": \"m\", \"alphas\": [2]}", "\"alphas\""),
            ("{\(base), \"model\": \"m\", \"query_stopwords\": \"no-such-list.txt\"}", "\"query_stopwords\": "),
            ("{\(base), \"model\": \"m\", \"b\": 2}", "b in [0, 1]"),
            ("{\(base), \"model\": \"m\", \"depth\": 0}", "\"depth\" must be at least 1"),
            ("{\(base), \"model\": \"m\", \"relevance_level\": 0}", "\"relevance_level\" must be at least 1"),
            // Unknown keys are refused with the nearest known one (they used to be ignored).
            ("{\(base), \"model\": \"m\", \"fold\": 3}", "unknown key \"fold\" (did you mean \"folds\"?); known keys: name,"),
            ("{\(base), \"model\": \"m\", \"centre\": true}", "unknown key \"centre\" (did you mean \"center\"?)"),
            ("{\(base), \"model\": \"m\", \"alpha\": [0.3]}", "unknown key \"alpha\" (did you mean \"alphas\"?)"),
            ("{\(base), \"model\": \"m\", \"colour\": 1}", "unknown key \"colour\"; known keys"),
            ("{\(base), \"training\": {\"corpora\": [\"collection\"], \"epoch\": 3}}", "unknown key \"epoch\" in \"training\" (did you mean \"epochs\"?)"),
            ("{\(base), \"model\": \"m\", \"tuning\": {\"topics\": \"t\", \"qrel\": \"q\"}}", "unknown key \"qrel\" in \"tuning\" (did you mean \"qrels\"?)"),
        ]
        let yamlCases: [(String, String)] = [
            ("name: x\n  bad: [1,\n", ":2: not valid YAML"),
            ("name: x\nname: y\n", "duplicate key(s) name"),
            ("- a\n- b\n", "not a YAML mapping"),
            ("name: x\ncollection: c\ntopics: t\nqrels: q\nmodel: m\nk1: 2001-12-14\n", "\"k1\": Date values"),
            ("name: x\ncollection: c\ntopics: t\nqrels: q\nmodel: m\nk1: fast\n", "wrong type for \"k1\""),
            ("name: x\ncollection: c\ntopics: t\nqrels: q\nmodel: m\nrerank_dept: 50\n", "unknown key \"rerank_dept\" (did you mean \"rerank_depth\"?)"),
        ]
        for (i, (text, expected)) in yamlCases.enumerated() {
            let path = dir + "/bad\(i).yaml"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let r = try runDesm(["experiment", path, "--quiet"])
            XCTAssertEqual(r.status, 1, text)
            XCTAssertTrue(r.stderr.hasPrefix("desm: error: " + path), r.stderr)
            XCTAssertTrue(r.stderr.contains(expected), "\(text): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        }
        for (i, (text, expected)) in cases.enumerated() {
            let path = dir + "/bad\(i).json"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let r = try runDesm(["experiment", path, "--quiet"])
            XCTAssertEqual(r.status, 1, text)
            XCTAssertTrue(r.stderr.hasPrefix("desm: error: "), r.stderr)
            XCTAssertTrue(r.stderr.contains("bad\(i).json: "), r.stderr)
            XCTAssertTrue(r.stderr.contains(expected), "\(text): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        }
        let missing = try runDesm(["demo", "--config", dir + "/nope.json"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.stderr, "desm: error: \(dir)/nope.json: not found\n")
    }

    /// `desm demo --config` runs another config; --out and --cache take the place of its folders.
    func testDemoRunsACustomConfigWithItsReportInOut() throws {
        let config = try writeSampleConfig(name: "custom")
        let r = try runDesm(["demo", "--config", config, "--out", dir + "/out", "--cache", dir + "/kept", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = try String(contentsOfFile: dir + "/out/custom.md", encoding: .utf8)
        // The config by its name, run in its directory (no machine path for it); --out and --cache as typed.
        XCTAssertTrue(report.contains("Reproduce with `desm demo --config custom.json --out \(dir)/out --cache \(dir)/kept` in the config's directory"), report)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/kept/runs-custom"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/results"), "the config's own results folder is not used")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/cache"), "nor its cache")
    }

    func testEveryVerbHasHelp() throws {
        for verb in ["stats", "train", "export", "import", "neighbors", "index", "search", "run", "eval",
                     "experiment", "demo", "bench", "verify"] {
            let r = try runDesm([verb, "--help"])
            XCTAssertEqual(r.status, 0, verb)
            XCTAssertTrue(r.stdout.contains("USAGE: desm \(verb)"), "\(verb): \(r.stdout)")
        }
    }
}
