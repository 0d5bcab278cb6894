import XCTest
import DesmText
@testable import DesmWord2Vec
import DesmTestSupport

/// End to end through the `desm` executable (built beside the tests).
final class CommandTests: TempDirTestCase {
    func desm(_ args: [String]) throws -> ProcessResult {
        try requireDesm()
        return try runDesm(args)
    }

    func testTrainExportNeighbors() throws {
        let corpus = writeTemp(dir, "c.txt", syntheticCorpus(sentences: 80))
        let model = dir + "/m.model"
        var r = try desm(["train", "--corpus", corpus, "--out", model, "--arch", "sg", "--dim", "8",
                          "--epochs", "2", "--min-count", "1", "--sample", "0", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("words/s"), r.stderr)
        let m = try EmbeddingModel.load(path: model, verify: true)
        XCTAssertEqual(m.vocabulary.count, 48)
        XCTAssertEqual(m.parameters?.architecture, .sg)
        r = try desm(["export", model, "--space", "out", "--format", "binary", "--out", dir + "/out.bin.gz"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let v = try readVectors(path: dir + "/out.bin.gz")
        XCTAssertEqual(v.format, .binary)
        XCTAssertEqual(v.words, m.vocabulary.words)
        XCTAssertEqual(bytesOf(v.vectors), bytesOf(m.output))
        r = try desm(["neighbors", model, "T0W1", "--space", "in-out", "-k", "3", "--plot", dir + "/p.svg"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.split(separator: "\n").count, 3)
        let svg = try String(contentsOfFile: dir + "/p.svg", encoding: .utf8)
        XCTAssertTrue(svg.hasPrefix("<svg") && svg.contains("t0w1") && svg.contains("<rect x="))
        // Start from the exported OUT vectors, frozen.
        r = try desm(["train", "--corpus", corpus, "--out", dir + "/m2.model", "--dim", "8", "--epochs", "1",
                      "--min-count", "1", "--init-in", dir + "/out.bin.gz", "--lock-factor", "0", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("48 of 48 words"), r.stderr)
        let m2 = try EmbeddingModel.load(path: dir + "/m2.model")
        XCTAssertEqual(bytesOf(m2.input), bytesOf(m.output))
    }

    func testErrorsLeaveNoFile() throws {
        let empty = writeTemp(dir, "empty.txt", "")
        let out = dir + "/m.model"
        var r = try desm(["train", "--corpus", empty, "--out", out, "--quiet"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.hasPrefix("desm: error: \(empty)"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1)
        let rare = writeTemp(dir, "rare.txt", "a b c\n")
        r = try desm(["train", "--corpus", rare, "--out", out, "--quiet"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("min-count"), r.stderr)
        let corpus = writeTemp(dir, "c.txt", syntheticCorpus(sentences: 20))
        let bad = writeTemp(dir, "bad.txt", "2 8\nt0w0 1 2 3\n")
        r = try desm(["train", "--corpus", corpus, "--out", out, "--dim", "8", "--min-count", "1", "--init-in", bad, "--quiet"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("bad.txt:2: ragged row"), r.stderr)
        let dim4 = writeTemp(dir, "dim4.txt", "1 4\nt0w0 1 2 3 4\n")
        r = try desm(["train", "--corpus", corpus, "--out", out, "--dim", "8", "--min-count", "1", "--init-in", dim4, "--quiet"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("dimension 4"), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(),
                       ["bad.txt", "c.txt", "dim4.txt", "empty.txt", "rare.txt"])
        r = try desm(["train", "--corpus", corpus, "--out", out, "--dim", "8", "--min-count", "1", "--loss", "hs", "--epochs", "1", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try desm(["export", out, "--space", "out", "--out", dir + "/x.txt"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("no OUT vectors"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/x.txt"))
    }
}
