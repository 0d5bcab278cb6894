// Hostile input through the real `desm` binary: every case must exit non-zero (never by a
// signal) with exactly one line on stderr that names the file. Also: an index refuses a
// model other than the one it was built from, and `desm verify` reports corruption.
import DesmFixtures
import DesmIndex
import DesmTestSupport
import DesmText
import DesmWord2Vec
import Foundation
import XCTest

final class CLIBadInputTests: XCTestCase {
    var dir = ""
    override func setUp() { dir = makeTemporaryDirectory("desm-cli-bad") }
    override func tearDown() { removeTree(dir) }

    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let p = dir + "/" + name
        FileManager.default.createFile(atPath: p, contents: Data(bytes))
        return p
    }

    func write(_ name: String, _ text: String) -> String { write(name, Array(text.utf8)) }

    /// Runs desm and checks: non-zero exit (not a signal), one line on stderr naming `names`,
    /// containing `contains`.
    func assertFails(_ args: [String], names: String, contains: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
        try requireDesm()
        let r = try runLimited(desmExecutable, args, seconds: 60)
        let label = "desm \(args.joined(separator: " ").prefix(120))"
        XCTAssertFalse(r.timedOut, "\(label): timed out", file: file, line: line)
        XCTAssertFalse(r.signalled, "\(label): killed by a signal: \(r.stderr.suffix(500))", file: file, line: line)
        XCTAssertNotEqual(r.status, 0, "\(label): exit 0", file: file, line: line)
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        XCTAssertEqual(lines.count, 1, "\(label): expected one line on stderr, got: \(r.stderr.prefix(1000))", file: file, line: line)
        XCTAssertTrue(r.stderr.contains(names), "\(label): stderr does not name \(names): \(r.stderr.prefix(500))", file: file, line: line)
        if let contains {
            XCTAssertTrue(r.stderr.contains(contains), "\(label): stderr lacks \"\(contains)\": \(r.stderr.prefix(500))", file: file, line: line)
        }
    }

    func testEvalWithHostileQrelsAndRuns() throws {
        let run = write("run.txt", "1 Q0 d1 1 2.5 t\n")
        let qrels = write("qrels.txt", "1 0 d1 1\n")
        try assertFails(["eval", "--qrels", write("q-bad.txt", "1 0 d1 high\n"), run], names: "q-bad.txt:1:")
        try assertFails(["eval", "--qrels", qrels, write("r-nan.txt", "1 Q0 d1 1 nan t\n")], names: "r-nan.txt:1:")
        try assertFails(["eval", "--qrels", qrels, dir], names: dir, contains: "directory")
        try assertFails(["eval", "--qrels", write("q.gz", Array(gzip("1 0 d1 1\n").prefix(15))), run], names: "q.gz: byte")
        try assertFails(["eval", "--qrels", write("empty.txt", ""), run], names: "empty.txt")
    }

    func testTrainAndIndexWithHostileInput() throws {
        let out = dir + "/m.model"
        try assertFails(["train", "--corpus", write("random.gz", [0x1f, 0x8b] + randomBytes(3000, seed: 4)), "--out", out, "--quiet"], names: "random.gz")
        try assertFails(["train", "--corpus", dir + "/missing.txt", "--out", out, "--quiet"], names: "missing.txt")
        try assertFails(["train", "--collection", write("bad.jsonl", "{\"_id\": \"1\", \"text\": \"a\"}\n{oops\n"), "--out", out, "--quiet"], names: "bad.jsonl:2:")
        try assertFails(["train", "--corpus", write("c.txt", "a b c\n"), "--init-in", write("v.txt", "2 3\nthe 1 nan 3\nof 1 2 3\n"), "--out", out, "--min-count", "1", "--quiet"],
                        names: "v.txt:2:")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "a failed train left \(out)")
        let model = dir + "/good.model"
        try makeTinyModel().save(to: model)
        let idx = dir + "/idx"
        try assertFails(["index", "--collection", write("docs.trec", "<DOC>\n<DOCNO> a </DOCNO>\n<TEXT> cat </TEXT>\n"), "--model", model, "--out", idx, "--quiet"], names: "docs.trec")
        try assertFails(["index", "--collection", write("d.jsonl", "{\"_id\": \"1\", \"text\": \"cat\"}\n"), "--model", write("w2v.txt", "1 3\ncat 1 2 3\n"), "--out", idx, "--quiet"],
                        names: "w2v.txt", contains: "not a desm model")
        var truncated = Array(FileManager.default.contents(atPath: model)!)
        truncated.removeLast(40)
        try assertFails(["index", "--collection", dir + "/d.jsonl", "--model", write("cut.model", truncated), "--out", idx, "--quiet"], names: "cut.model")
        XCTAssertFalse(FileManager.default.fileExists(atPath: idx), "a failed index left \(idx)")
    }

    func testSearchRefusesAnotherModelAndCorruptIndexes() throws {
        let model = dir + "/a.model", other = dir + "/b.model"
        try makeTinyModel().save(to: model)
        try makeTinyModel(seed: 99).save(to: other)
        let idx = dir + "/idx"
        try IndexBuilder(model: try EmbeddingModel.load(path: model)).build(documents: fixtureDocuments, to: idx)
        // In process: the ranker refuses the other model, accepts its own.
        XCTAssertThrowsError(try Ranker(index: try DocumentIndex(path: idx), model: try EmbeddingModel.load(path: other))) { error in
            XCTAssertTrue("\(error)".contains("built with another model"), "\(error)")
        }
        XCTAssertNoThrow(try Ranker(index: try DocumentIndex(path: idx), model: try EmbeddingModel.load(path: model)))
        // Through the CLI.
        try assertFails(["search", idx, "cat", "--model", other], names: idx, contains: "another model")
        try assertFails(["verify", idx, "--model", other], names: idx, contains: "another model")
        let ok = try runDesm(["verify", idx, model, idx + "/" + IndexFiles.postings, "--model", model])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertEqual(ok.stdout.split(separator: "\n").count, 3, ok.stdout)
        XCTAssertTrue(ok.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("ok\t") }, ok.stdout)
        // A flipped byte in a centroid: opening finds it (the index is within the checksum
        // budget), and verify reports the same.
        let cin = idx + "/" + IndexFiles.centroidsIn
        var bytes = Array(FileManager.default.contents(atPath: cin)!)
        bytes[70] ^= 0x01
        FileManager.default.createFile(atPath: cin, contents: Data(bytes))
        try assertFails(["search", idx, "cat", "--scorer", "bm25"], names: cin, contains: "checksum mismatch")
        try assertFails(["verify", idx], names: cin, contains: "checksum mismatch")
        try assertFails(["verify", cin], names: cin, contains: "checksum mismatch")
        try assertFails(["search", dir + "/nowhere", "cat"], names: "nowhere")
        // A model with a flipped matrix byte (its header, and so the checksum an index
        // records, unchanged): refused on load within the budget; beyond it, only verify
        // would read the matrices.
        var m = Array(FileManager.default.contents(atPath: model)!)
        m[Int(getLE(m, 56, UInt64.self)) + 1] ^= 0x10
        let flipped = write("flipped.model", m)
        XCTAssertNoThrow(try EmbeddingModel.load(path: flipped, checksumBudget: 0))
        XCTAssertThrowsError(try EmbeddingModel.load(path: flipped))
        try assertFails(["verify", flipped], names: "flipped.model", contains: "checksum")
        let good = dir + "/good-idx"
        try IndexBuilder(model: try EmbeddingModel.load(path: model)).build(documents: fixtureDocuments, to: good)
        try assertFails(["search", good, "cat", "--model", flipped], names: "flipped.model", contains: "matrix checksum mismatch")
        try assertFails(["verify", write("notes.txt", "hello\n")], names: "notes.txt", contains: "not a desm")
        try assertFails(["verify", dir + "/none"], names: "none")
    }

    /// Issue 12, item 8: bytes overwritten in the middle of the largest file of a
    /// 5,000-document index; `desm search IDX "cell biology" --scorer in-out` exited 0 with
    /// whatever scores the garbage gave.
    func testSearchRefusesAnIndexOverwrittenInTheMiddleOfItsLargestFile() throws {
        try requireDesm()
        let words = ["cell", "biology", "protein", "gene", "tissue", "cancer", "stem", "immune", "virus", "brain"]
        let model = makeTinyModel(dim: 50, words: words)
        let modelPath = dir + "/m.model"
        try model.save(to: modelPath)
        let docs = (0..<5000).map { i in
            Document(id: "doc\(i)", text: (0..<12).map { words[($0 * 7 + i) % words.count] }.joined(separator: " ") + " x\(i)")
        }
        var options = IndexBuildOptions()
        options.modelPath = modelPath
        let idx = dir + "/idx"
        try IndexBuilder(model: model, options: options).build(documents: docs, to: idx)
        let sizes = try IndexFiles.all.map { ($0, try FileManager.default.attributesOfItem(atPath: idx + "/" + $0)[.size] as! Int) }
        let (largest, size) = sizes.max { $0.1 < $1.1 }!
        XCTAssertLessThan(sizes.map(\.1).reduce(0, +), CRC32.openBudgetBytes)
        let fd = open(idx + "/" + largest, O_WRONLY)
        XCTAssertGreaterThanOrEqual(fd, 0)
        let garbage = [UInt8](repeating: 0x41, count: 64)
        XCTAssertEqual(garbage.withUnsafeBytes { pwrite(fd, $0.baseAddress, 64, off_t(size / 2)) }, 64)
        close(fd)
        try assertFails(["search", idx, "cell biology", "--scorer", "in-out"], names: idx + "/" + largest, contains: "checksum mismatch")
    }
}
