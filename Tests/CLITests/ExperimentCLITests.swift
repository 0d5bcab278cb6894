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
        for system in ["bm25 (baseline)", "in-in", "in-out", "rerank:in-in", "rerank:in-out", "mixture:in-in", "mixture:in-out"] {
            XCTAssertTrue(first.stdout.contains(system), "missing \(system) in\n\(first.stdout)")
        }
        XCTAssertTrue(first.stdout.contains("ndcg_cut_10"), first.stdout)
        XCTAssertTrue(first.stderr.contains("training:"), first.stderr)
        let report = try String(contentsOfFile: dir + "/results/cli-sample.md", encoding: .utf8)
        XCTAssertTrue(report.contains("| `rerank:in-out` |"), report)
        XCTAssertTrue(report.contains("chosen by NDCG@10 on the tuning topics"), report)
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
            ("{\(base)}", "needs \"training\""),
            ("{\(base), \"model\": \"m\", \"alphas\": [2]}", "\"alphas\""),
            ("{\(base), \"model\": \"m\", \"query_stopwords\": \"no-such-list.txt\"}", "\"query_stopwords\": "),
            ("{\(base), \"model\": \"m\", \"b\": 2}", "b in [0, 1]"),
            ("{\(base), \"model\": \"m\", \"depth\": 0}", "\"depth\" must be at least 1"),
            ("{\(base), \"model\": \"m\", \"relevance_level\": 0}", "\"relevance_level\" must be at least 1"),
        ]
        let yamlCases: [(String, String)] = [
            ("name: x\n  bad: [1,\n", ":2: not valid YAML"),
            ("name: x\nname: y\n", "duplicate key(s) name"),
            ("- a\n- b\n", "not a YAML mapping"),
            ("name: x\ncollection: c\ntopics: t\nqrels: q\nmodel: m\nk1: 2001-12-14\n", "\"k1\": Date values"),
            ("name: x\ncollection: c\ntopics: t\nqrels: q\nmodel: m\nk1: fast\n", "wrong type for \"k1\""),
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
        XCTAssertTrue(missing.stderr.contains("nope.json") && missing.stderr.contains("root of the desm repository"),
                      missing.stderr)
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
