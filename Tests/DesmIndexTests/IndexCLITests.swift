import DesmIndex
import DesmTestSupport
import DesmText
import DesmWord2Vec
import Foundation
import XCTest

/// `desm index` and `desm search` end to end (skipped when the executable is not built).
final class IndexCLITests: XCTestCase {
    var dir = ""
    override func setUp() { dir = makeTemporaryDirectory("desm-index-cli") }
    override func tearDown() { removeTree(dir) }

    func writeFixture() throws -> (collection: String, model: String) {
        let model = makeModel()
        let modelPath = dir + "/m.model"
        try model.save(to: modelPath)
        let docs = makeDocuments(count: 50) + [Document(id: "only-unknown", text: "qwerty zyzzyva")]
        let collection = dir + "/c.jsonl"
        try writeJSONL(docs, to: collection)
        return (collection, modelPath)
    }

    func testIndexThenSearchWithEveryScorer() throws {
        try requireDesm()
        let (collection, model) = try writeFixture()
        let index = dir + "/idx"
        let r = try runDesm(["index", "--collection", collection, "--model", model, "--out", index, "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("documents\t51"), r.stdout)
        XCTAssertTrue(r.stderr.contains("1 documents have no word"), r.stderr)
        for scorer in ["in-out", "in-in", "out-out", "out-in", "bm25", "mixture"] {
            let s = try runDesm(["search", index, "apple banana", "--scorer", scorer, "-k", "3", "--explain"])
            XCTAssertEqual(s.status, 0, s.stderr)
            XCTAssertEqual(s.stdout.split(separator: "\n").filter { $0.hasPrefix("  1  ") || $0.hasPrefix("  2  ") || $0.hasPrefix("  3  ") }.count, 3, s.stdout)
            XCTAssertTrue(s.stdout.contains(scorer == "bm25" ? "bm25 " : "cos "), s.stdout)
        }
        let idf = dir + "/idf"
        let ri = try runDesm(["index", "--collection", collection, "--model", model, "--out", idf, "--quiet", "--centroid", "idf"])
        XCTAssertEqual(ri.status, 0, ri.stderr)
        XCTAssertTrue(ri.stdout.contains("centroid\tidf"), ri.stdout)
        XCTAssertEqual(try runDesm(["search", idf, "apple banana", "-k", "3"]).status, 0)
        let centred = dir + "/centred"
        let rc = try runDesm(["index", "--collection", collection, "--model", model, "--out", centred, "--quiet", "--center"])
        XCTAssertEqual(rc.status, 0, rc.stderr)
        XCTAssertTrue(rc.stdout.contains("word vectors\tmean-centred"), rc.stdout)
        let cm = try String(contentsOfFile: centred + "/manifest.json", encoding: .utf8)
        XCTAssertTrue(cm.contains("\"center\" : true"), cm)
        XCTAssertFalse(try String(contentsOfFile: idf + "/manifest.json", encoding: .utf8).contains("\"center\""))
        XCTAssertEqual(try runDesm(["search", centred, "apple banana", "-k", "3", "--scorer", "in-out"]).status, 0)
        let j = try runDesm(["search", index, "apple blorp", "--json", "-k", "2", "--rerank", "10"])
        XCTAssertEqual(j.status, 0, j.stderr)
        let obj = try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any]
        XCTAssertEqual((obj?["results"] as? [Any])?.count, 2)
        XCTAssertEqual(obj?["skippedWords"] as? [String], ["blorp"])
        // Only unknown words: a note, an empty result, exit 0.
        let u = try runDesm(["search", index, "blorp"])
        XCTAssertEqual(u.status, 0)
        XCTAssertTrue(u.stderr.contains("note: no query word"), u.stderr)
        XCTAssertTrue(u.stdout.contains("no documents"), u.stdout)
    }

    func testErrorsAreOneLineWithThePlace() throws {
        try requireDesm()
        let (collection, model) = try writeFixture()
        let index = dir + "/idx"
        XCTAssertEqual(try runDesm(["index", "--collection", collection, "--model", model, "--out", index, "--quiet"]).status, 0)
        // Another model: clear error naming the index.
        let other = dir + "/other.model"
        try makeModel(seed: 99).save(to: other)
        let e = try runDesm(["search", index, "apple", "--model", other])
        XCTAssertEqual(e.status, 1)
        XCTAssertTrue(e.stderr.hasPrefix("desm: error: \(index): the index was built with another model"), e.stderr)
        XCTAssertEqual(e.stderr.split(separator: "\n").count, 1)
        // Truncated index file.
        let p = index + "/" + IndexFiles.centroidsOut
        XCTAssertEqual(truncate(p, 100), 0)
        let t = try runDesm(["search", index, "apple"])
        XCTAssertEqual(t.status, 1)
        XCTAssertTrue(t.stderr.hasPrefix("desm: error: \(p): "), t.stderr)
        // Empty collection.
        let empty = dir + "/empty.jsonl"
        try "".write(toFile: empty, atomically: true, encoding: .utf8)
        let c = try runDesm(["index", "--collection", empty, "--model", model, "--out", dir + "/e", "--quiet"])
        XCTAssertEqual(c.status, 1)
        XCTAssertTrue(c.stderr.hasPrefix("desm: error: \(empty): ") && c.stderr.contains("no documents"), c.stderr)
        // Help exists for both verbs.
        for verb in ["index", "search"] {
            let h = try runDesm([verb, "--help"])
            XCTAssertEqual(h.status, 0)
            XCTAssertTrue(h.stdout.contains("Example"), h.stdout)
        }
    }

    /// Issue 12, item 5: a `--center` index searched with a model imported from the original's
    /// exported vectors (same checksum, no counts) scored differently.
    func testCentredIndexScoresTheSameWithAnImportedCopyOfItsModel() throws {
        try requireDesm()
        let (collection, model) = try writeFixture()
        let index = dir + "/centred"
        let r = try runDesm(["index", "--collection", collection, "--model", model, "--out", index, "--quiet", "--center"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("centring: subtracting the count-weighted mean word vectors"), r.stderr)
        XCTAssertTrue(r.stdout.contains("word vectors\tmean-centred (count-weighted mean)"), r.stdout)
        XCTAssertTrue(try String(contentsOfFile: index + "/manifest.json", encoding: .utf8).contains("\"wordMean\" : \"count-weighted\""))
        for space in ["in", "out"] {
            let e = try runDesm(["export", model, "--space", space, "--format", "binary", "--out", dir + "/\(space).bin", "--quiet"])
            XCTAssertEqual(e.status, 0, e.stderr)
        }
        let imported = dir + "/imported.model"
        let i = try runDesm(["import", "--in", dir + "/in.bin", "--out-vectors", dir + "/out.bin", "--out", imported])
        XCTAssertEqual(i.status, 0, i.stderr)
        XCTAssertEqual(try EmbeddingModel.load(path: imported).checksum, try EmbeddingModel.load(path: model).checksum)
        for scorer in ["in-out", "in-in", "mixture"] {
            let args = ["search", index, "apple banana fig", "--scorer", scorer, "-k", "51"]
            let a = try runDesm(args + ["--model", model]), b = try runDesm(args + ["--model", imported])
            XCTAssertEqual(a.status, 0, a.stderr)
            XCTAssertEqual(a.stdout, b.stdout, scorer)
        }
        // Indexing with the imported model: the unweighted mean, said so.
        let u = try runDesm(["index", "--collection", collection, "--model", imported, "--out", dir + "/u", "--quiet", "--center"])
        XCTAssertEqual(u.status, 0, u.stderr)
        XCTAssertTrue(u.stderr.contains("subtracting the unweighted mean of its rows"), u.stderr)
        XCTAssertTrue(try String(contentsOfFile: dir + "/u/manifest.json", encoding: .utf8).contains("\"wordMean\" : \"unweighted\""))
        // The two centrings are different indexes: their DESM runs do not share a tag.
        let tags = try [index, dir + "/u"].map { idx -> String in
            let s = try runDesm(["search", idx, "apple", "--scorer", "in-out", "--json"])
            return try XCTUnwrap((JSONSerialization.jsonObject(with: Data(s.stdout.utf8)) as? [String: Any])?["tag"] as? String)
        }
        XCTAssertEqual(tags, ["desm-in-out-centred", "desm-in-out-centred-unweighted"])
    }
}
