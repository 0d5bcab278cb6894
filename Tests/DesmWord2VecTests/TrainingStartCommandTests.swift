import XCTest
import DesmText
@testable import DesmWord2Vec
import DesmTestSupport

/// Where training starts, through the `desm` executable: pretrained IN and OUT vectors
/// (`--init-in`, `--init-out`, `--lock-factor`) and a model to continue (`--resume`). A start
/// that cannot work is refused with one line before the corpus is read.
final class TrainingStartCommandTests: TempDirTestCase {
    var corpus = ""

    override func setUp() {
        super.setUp()
        corpus = writeTemp(dir, "c.txt", syntheticCorpus(sentences: 60))
    }

    func desm(_ args: [String]) throws -> ProcessResult {
        try requireDesm()
        return try runDesm(args)
    }

    func train(_ extra: [String], out: String = "m.model") throws -> ProcessResult {
        try desm(["train", "--corpus", corpus, "--out", dir + "/" + out, "--dim", "8", "--epochs", "1",
                  "--min-count", "1", "--sample", "0"] + extra)
    }

    /// Vectors in word2vec text format for `words`, row i = (i + 1)·(0.01, 0.02, …).
    func vectors(_ name: String, _ words: [String], dim: Int = 8, scale: Float = 1) -> (path: String, rows: [[Float]]) {
        let rows = words.indices.map { i in (0..<dim).map { k in scale * Float(i + 1) * Float(k + 1) / 100 } }
        var text = "\(words.count) \(dim)\n"
        for (w, row) in zip(words, rows) { text += w + " " + row.map { "\($0)" }.joined(separator: " ") + "\n" }
        return (writeTemp(dir, name, text), rows)
    }

    /// A refusal: exit 1, exactly one line on stderr (no corpus or memory lines before it:
    /// nothing was read), containing `parts`, and no model file.
    func assertRefusedBeforeReading(_ r: ProcessResult, _ parts: String..., file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, 1, r.stderr, file: file, line: line)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "more than one line: \(r.stderr)", file: file, line: line)
        XCTAssertTrue(r.stderr.hasPrefix("desm: error: "), r.stderr, file: file, line: line)
        for p in parts { XCTAssertTrue(r.stderr.contains(p), "\"\(r.stderr)\" lacks \"\(p)\"", file: file, line: line) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/m.model"), "a model was written", file: file, line: line)
    }

    func testInitOutStartsTheOutVectorsAndLockFactorZeroKeepsThem() throws {
        let (inPath, inRows) = vectors("in.txt", ["t0w0", "t1w1", "unseen"])
        let (outPath, outRows) = vectors("out.txt", ["t2w2", "t0w0"], scale: -3)
        let r = try train(["--init-in", inPath, "--init-out", outPath, "--lock-factor", "0"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("pretrained: 2 of 48 words took IN vectors from \(inPath), 2 OUT vectors from \(outPath) (lock factor 0.0)"),
                      r.stderr)
        let m = try EmbeddingModel.load(path: dir + "/m.model")
        let id = { (w: String) in m.vocabulary.id(w)! }
        XCTAssertEqual(Array(m.input.row(id("t0w0"))), inRows[0])
        XCTAssertEqual(Array(m.input.row(id("t1w1"))), inRows[1])
        XCTAssertEqual(Array(m.output!.row(id("t2w2"))), outRows[0])
        XCTAssertEqual(Array(m.output!.row(id("t0w0"))), outRows[1])
        // Rows without pretrained vectors trained from word2vec's start (OUT zero).
        XCTAssertTrue(m.output!.row(id("t1w1")).contains { $0 != 0 })
        // With --lock-factor 1 the same start moves.
        let free = try train(["--init-in", inPath, "--init-out", outPath, "--lock-factor", "1"], out: "free.model")
        XCTAssertEqual(free.status, 0, free.stderr)
        let f = try EmbeddingModel.load(path: dir + "/free.model")
        XCTAssertNotEqual(Array(f.output!.row(id("t2w2"))), outRows[0])
    }

    func testStartsThatCannotWorkAreRefusedBeforeReading() throws {
        let (inPath, _) = vectors("in.txt", ["t0w0"])
        let (narrowOut, _) = vectors("out6.txt", ["t0w0"], dim: 6)
        let (narrowIn, _) = vectors("in6.txt", ["t0w0"], dim: 6)
        assertRefusedBeforeReading(try train(["--init-in", inPath, "--init-out", narrowOut]),
                                   "out6.txt", "dimension 6", "8")
        assertRefusedBeforeReading(try train(["--init-in", narrowIn]), "in6.txt", "dimension 6", "8")
        assertRefusedBeforeReading(try train(["--init-in", inPath, "--init-out", inPath, "--loss", "hs"]),
                                   "in.txt", "--loss ns")
        let alone = try train(["--init-out", inPath])
        XCTAssertEqual(alone.status, 64, alone.stderr)
        XCTAssertTrue(alone.stderr.contains("--init-out needs --init-in"), alone.stderr)
    }

    func testResumeContinuesFromTheModelsRows() throws {
        XCTAssertEqual(try train(["--arch", "sg", "--quiet"], out: "base.model").status, 0)
        let base = try EmbeddingModel.load(path: dir + "/base.model")
        // Old words and two new ones; a learning rate so small that rows stay where they start.
        let more = writeTemp(dir, "more.txt", "t0w0 t0w1 newword t1w1 t0w0 newword other\n")
        let r = try desm(["train", "--corpus", more, "--resume", dir + "/base.model", "--out", dir + "/m.model",
                          "--arch", "sg", "--min-count", "1", "--sample", "0", "--epochs", "1", "--alpha", "1e-9"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("resume: 48 words kept, 2 new"), r.stderr)
        let m = try EmbeddingModel.load(path: dir + "/m.model")
        XCTAssertEqual(m.dim, 8)
        XCTAssertEqual(Array(m.vocabulary.words.prefix(48)), base.vocabulary.words)
        XCTAssertEqual(Array(m.vocabulary.words.suffix(2)), ["newword", "other"])
        let t0w0 = base.vocabulary.id("t0w0")!
        XCTAssertEqual(m.vocabulary.counts[t0w0], base.vocabulary.counts[t0w0] + 2)
        for w in 0..<48 {
            for k in 0..<8 {
                XCTAssertEqual(m.input.row(w)[k], base.input.row(w)[k], accuracy: 1e-6, "IN of \(base.vocabulary.words[w])")
                XCTAssertEqual(m.output!.row(w)[k], base.output!.row(w)[k], accuracy: 1e-6, "OUT of \(base.vocabulary.words[w])")
            }
        }
        for w in 48..<50 {
            XCTAssertTrue(m.input.row(w).contains { $0 != 0 }, "new words start from random IN rows")
            XCTAssertTrue(m.output!.row(w).allSatisfy { abs($0) < 1e-6 }, "new words start from zero OUT rows")
        }
    }

    func testResumeRefusesAnotherDimensionBeforeReading() throws {
        XCTAssertEqual(try train(["--quiet"], out: "base.model").status, 0)
        let resume = ["--resume", dir + "/base.model"]
        assertRefusedBeforeReading(try desm(["train", "--corpus", corpus, "--out", dir + "/m.model", "--dim", "16"] + resume),
                                   "--dim 16", "base.model", "dimension 8")
        // Pretrained vectors must fit the resumed model's dimension (8), not the default --dim.
        let (wide, _) = vectors("in100.txt", ["t0w0"], dim: 100)
        assertRefusedBeforeReading(try desm(["train", "--corpus", corpus, "--out", dir + "/m.model", "--init-in", wide] + resume),
                                   "in100.txt", "dimension 100", "8")
        // Without --dim the model's dimension is used.
        let r = try desm(["train", "--corpus", corpus, "--out", dir + "/m.model", "--min-count", "1", "--epochs", "1", "--quiet"] + resume)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try EmbeddingModel.load(path: dir + "/m.model").dim, 8)
    }
}
