import DesmTestSupport
import Foundation
import XCTest

/// What an experiment's report says about how it was made: inputs by the paths the config
/// writes (never this machine's absolute paths), every setting that changes scores, and
/// comparisons over the topics every system has.
final class ExperimentReportTests: XCTestCase {
    var dir = ""

    override func setUp() { dir = (makeTemporaryDirectory("desm-experiment-report") as NSString).standardizingPath }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    /// `path` relative to `dir` (both absolute).
    func relative(_ path: String, from base: String) -> String {
        let up = base.split(separator: "/").count
        return String(repeating: "../", count: up) + path.dropFirst()
    }

    /// A config with relative paths only, beside its own topics and qrels: the sample's, plus
    /// topic 41, whose one word ("erethism", once in the collection) BM25 matches but the
    /// model (min-count 2) does not know, so `in-in` retrieves nothing for it.
    func writePortableConfig() throws -> (config: String, collection: String) {
        let sample = packageRoot + "/collections/sample/"
        var topics = try String(contentsOfFile: sample + "topics.xml", encoding: .utf8)
        topics = topics.replacingOccurrences(of: "</topics>", with: "  <topic number=\"41\"><query>erethism</query></topic>\n</topics>")
        try topics.write(toFile: dir + "/topics.xml", atomically: true, encoding: .utf8)
        let qrels = try String(contentsOfFile: sample + "qrels.txt", encoding: .utf8) + "41 0 S0003 1\n"
        try qrels.write(toFile: dir + "/qrels.txt", atomically: true, encoding: .utf8)
        let collection = relative(sample + "corpus.jsonl", from: dir)
        let config: [String: Any] = [
            "name": "portable", "collection": collection, "topics": "topics.xml", "qrels": "qrels.txt",
            "tuning": ["topics": relative(sample + "topics-tune.xml", from: dir), "qrels": "qrels.txt"],
            "training": ["corpora": ["collection"], "arch": "sg", "dim": 20, "min_count": 2, "epochs": 2,
                         "threads": 1, "seed": 7] as [String: Any],
            "systems": ["bm25", "in-in", "mixture:in-in+rm3e"], "alphas": [0.0, 0.5, 1.0], "grids": ["gamma": [1], "rm3_weight": [0.5]],
        ]
        let path = dir + "/portable.json"
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: path))
        return (path, collection)
    }

    func testReportNamesInputsAsWrittenStatesEverySettingAndScoresAnEmptyTopicZero() throws {
        let (config, collection) = try writePortableConfig()
        let r = try runDesm(["experiment", config, "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = try String(contentsOfFile: dir + "/results/portable.md", encoding: .utf8)
        let json = try String(contentsOfFile: dir + "/results/portable.json", encoding: .utf8)

        // No absolute path of this machine: inputs as the config writes them.
        XCTAssertFalse(report.contains(dir), report)
        XCTAssertFalse(json.contains(dir), json)
        XCTAssertTrue(report.contains("Reproduce with `desm experiment portable.json` in the config's directory " +
                                      "(the model and index are cached in `cache/` beside the config;"), report)
        XCTAssertTrue(report.contains("- Collection: `\(collection)`, 323 documents"), report)
        XCTAssertTrue(report.contains("- Topics: `topics.xml`, field(s) query; qrels `qrels.txt`."), report)
        XCTAssertTrue(report.contains("- Embeddings trained on `\(collection)`: sg"), report)

        // Every setting that changes scores.
        XCTAssertTrue(report.contains("- Index: document centroids `mean` (the mean of the document's in-vocabulary words' unit vectors); " +
                                      "word vectors not centred (the paper's DESM).\n"), report)
        XCTAssertTrue(report.contains("- Query stoplist: none.\n"), report)
        XCTAssertTrue(report.contains("- Query expansion and feedback: RM3 with 10 feedback documents and 10 feedback terms, " +
                                      "original query weight λ tuned, feedback terms re-weighted by the embeddings with γ tuned " +
                                      "(`mixture:in-in+rm3e`).\n"), report)

        // Topic 41 is not in `in-in`'s run: every system is averaged over the 41 judged topics
        // of the set, `in-in` scoring 0 on 41 (trec_eval -c), so bm25 keeps its own mean (the
        // number Anserini's would be compared with) and no topic is dropped from any row.
        XCTAssertTrue(report.contains("41 topics evaluated"), report)
        XCTAssertFalse(report.contains("topics they all have"), report)
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let systems = try XCTUnwrap(root["systems"] as? [[String: Any]])
        let bm25 = try XCTUnwrap(systems.first { $0["system"] as? String == "bm25" })
        let perTopic = try XCTUnwrap(bm25["per_topic"] as? [String: [String: Double]])
        XCTAssertEqual(perTopic.count, 41)
        let allMean = perTopic.values.map { $0["ndcg_cut_10"]! }.reduce(0, +) / 41
        let row = try XCTUnwrap(report.split(separator: "\n").first { $0.hasPrefix("| `bm25` |") || $0.hasPrefix("| `bm25` (recommended) |") })
        let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        XCTAssertEqual(cells[3], String(format: "%.4f", allMean), String(row))   // NDCG@10
        let inIn = try XCTUnwrap(systems.first { $0["system"] as? String == "in-in" })
        let inInTopics = try XCTUnwrap(inIn["per_topic"] as? [String: [String: Double]])
        XCTAssertNil(inInTopics["41"])
        let inInMean = try XCTUnwrap((inIn["mean"] as? [String: Double])?["ndcg_cut_10"])
        XCTAssertEqual(inInMean, inInTopics.values.map { $0["ndcg_cut_10"]! }.reduce(0, +) / 41, accuracy: 1e-9)
    }
}
