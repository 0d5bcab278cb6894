import XCTest
import DesmText
@testable import DesmWord2Vec
import DesmTestSupport

final class FormatTests: TempDirTestCase {
    /// A trained-looking model with awkward values (negative zero, tiny, huge, subnormal).
    func sampleModel(loss: TrainingParameters.Loss = .ns) -> EmbeddingModel {
        let words = ["the", "über", "naïve", "x", "日本", "covid19"]
        let dim = 7
        var rng = XorShift64(seed: 1)
        var a = (0..<(words.count * dim)).map { _ in (rng.unit() - 0.5) * 3 }
        a[0] = -0.0; a[1] = 1e-30; a[2] = 3.4e38; a[3] = Float.leastNonzeroMagnitude; a[4] = 0.1
        let b = (0..<(words.count * dim)).map { _ in (rng.unit() - 0.5) / 7 }
        var p = TrainingParameters(); p.dim = dim; p.loss = loss
        return EmbeddingModel(
            vocabulary: Vocabulary(words: words, counts: [60, 50, 40, 30, 20, 10]), dim: dim,
            input: FloatMatrix(rows: words.count, cols: dim, values: a),
            output: loss == .ns ? FloatMatrix(rows: words.count, cols: dim, values: b) : nil,
            syn1: loss == .hs ? FloatMatrix(rows: words.count - 1, cols: dim, values: Array(b.prefix((words.count - 1) * dim))) : nil,
            parameters: p)
    }

    func testModelFileRoundTripsExactly() throws {
        for loss in TrainingParameters.Loss.allCases {
            let m = sampleModel(loss: loss)
            let path = dir + "/m.model"
            try m.save(to: path)
            let l = try EmbeddingModel.load(path: path, verify: true)
            XCTAssertEqual(l.vocabulary.words, m.vocabulary.words)
            XCTAssertEqual(l.vocabulary.counts, m.vocabulary.counts)
            XCTAssertEqual(l.vocabulary.id("日本"), 4)
            XCTAssertEqual(l.dim, m.dim)
            XCTAssertEqual(bytesOf(l.input), bytesOf(m.input))
            XCTAssertEqual(bytesOf(l.output), bytesOf(m.output))
            XCTAssertEqual(bytesOf(l.syn1), bytesOf(m.syn1))
            XCTAssertEqual(l.checksum, m.checksum)
            XCTAssertEqual(l.parameters, m.parameters)
            XCTAssertEqual(l.analyzer, m.analyzer)
            // No temporary files left beside it.
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["m.model"])
        }
    }

    func testCorruptOrTruncatedModelIsAnError() throws {
        let path = dir + "/m.model"
        try sampleModel().save(to: path)
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        func variant(_ name: String, _ edit: (inout Data) -> Void) -> String {
            var d = good; edit(&d)
            let p = dir + "/" + name
            FileManager.default.createFile(atPath: p, contents: d)
            return p
        }
        assertDesmError(try EmbeddingModel.load(path: variant("short", { $0 = $0.prefix(40) })), contains: "short", "header")
        assertDesmError(try EmbeddingModel.load(path: variant("magic", { $0[0] = 0x41 })), contains: "magic", "not a desm model")
        assertDesmError(try EmbeddingModel.load(path: variant("hdr", { $0[20] ^= 1 })), contains: "hdr", "checksum")
        assertDesmError(try EmbeddingModel.load(path: variant("vocab", { $0[130] ^= 1 })), contains: "vocab", "checksum")
        assertDesmError(try EmbeddingModel.load(path: variant("cut", { $0 = $0.prefix($0.count - 100) })), contains: "cut", "truncated")
        // A flipped float is found by verify.
        let flipped = variant("data", { $0[400] ^= 0x10 })
        assertDesmError(try EmbeddingModel.load(path: flipped, verify: true), contains: "data", "matrix checksum")
        assertDesmError(try EmbeddingModel.load(path: dir + "/missing"), contains: "missing")
    }

    func testVectorsRoundTripThroughEveryFormat() throws {
        let m = sampleModel()
        for space in EmbeddingSpace.allCases {
            let matrix = try m.matrix(space)
            for format in VectorFileFormat.allCases {
                for gz in [false, true] {
                    let path = dir + "/v.\(space.rawValue).\(format.rawValue)" + (gz ? ".gz" : "")
                    try writeVectors(path: path, words: m.vocabulary.words, matrix: matrix, format: format, gzip: gz)
                    if gz {
                        let head = try Data(contentsOf: URL(fileURLWithPath: path)).prefix(2)
                        XCTAssertEqual(Array(head), [0x1f, 0x8b])
                    }
                    let back = try readVectors(path: path)
                    XCTAssertEqual(back.format, format, path)
                    XCTAssertEqual(back.words, m.vocabulary.words, path)
                    XCTAssertEqual(bytesOf(back.vectors), bytesOf(matrix), path)
                    let forced = try readVectors(path: path, format: format)
                    XCTAssertEqual(bytesOf(forced.vectors), bytesOf(matrix), path)
                }
            }
        }
        XCTAssertThrowsError(try sampleModel(loss: .hs).matrix(.output))
    }

    func testDesmAuthorsTabFormat() throws {
        let path = writeTemp(dir, "in.txt", "yale\t0.5\t-1.25\t3\r\nharvard\t1e-3\t0\t-0\n")
        let v = try readVectors(path: path)
        XCTAssertEqual(v.format, .tab)
        XCTAssertEqual(v.words, ["yale", "harvard"])
        XCTAssertEqual(Array(v.vectors.buffer), [0.5, -1.25, 3, 0.001, 0, 0])
    }

    func testBadVectorFiles() throws {
        func check(_ name: String, _ text: String, _ expect: String...) {
            let path = writeTemp(dir, name, text)
            do {
                _ = try readVectors(path: path)
                XCTFail("\(name): expected an error")
            } catch let e as DesmError {
                XCTAssertTrue(e.description.hasPrefix(path), e.description)
                for x in expect { XCTAssertTrue(e.description.contains(x), "\(e.description) lacks \(x)") }
            } catch { XCTFail("\(error)") }
        }
        check("ragged.txt", "2 3\na 1 2 3\nb 1 2\n", ":3:", "ragged", "2 values, expected 3")
        check("nan.txt", "2 2\na 1 2\nb nan 2\n", ":3:", "NaN/Inf")
        check("inf.txt", "1 2\na 1 inf\n", ":2:", "NaN/Inf")
        check("word.txt", "1 2\na 1 two\n", ":2:", "not a number")
        check("short.txt", "3 2\na 1 2\nb 1 2\n", "announces 3", "truncated")
        check("extra.txt", "1 2\na 1 2\nb 1 2\n", ":3:", "more vectors")
        check("tabragged.txt", "a\t1\t2\nb\t1\n", ":2:", "ragged")
        check("header.txt", "x\n", ":1:", "bad header")
        check("empty.txt", "", ":1:", "bad header")
        // Forced word2vec format with a non-numeric header.
        let p = writeTemp(dir, "hdr2.txt", "dim 3\na 1 2 3\n")
        assertDesmError(try readVectors(path: p, format: .text), contains: "hdr2.txt:1", "bad header")
        // Binary: truncated record and NaN.
        var bin = Array("2 2\na ".utf8)
        for x: Float in [1, 2] { withUnsafeBytes(of: x) { bin.append(contentsOf: $0) } }
        bin.append(contentsOf: Array("\nb ".utf8))
        withUnsafeBytes(of: Float(1)) { bin.append(contentsOf: $0) }
        FileManager.default.createFile(atPath: dir + "/cut.bin", contents: Data(bin))
        assertDesmError(try readVectors(path: dir + "/cut.bin", format: .binary), contains: "cut.bin", "byte", "cut short")
        withUnsafeBytes(of: Float.nan) { bin.append(contentsOf: $0) }
        FileManager.default.createFile(atPath: dir + "/nan.bin", contents: Data(bin))
        assertDesmError(try readVectors(path: dir + "/nan.bin", format: .binary), contains: "nan.bin", "byte", "NaN")
    }

    func testImportAlignsOutVectorsByWord() throws {
        let inPath = writeTemp(dir, "in.txt", "b\t1\t2\na\t3\t4\n")
        let outPath = writeTemp(dir, "out.txt", "2 2\na 5 6\nb 7 8\n")
        let m = try EmbeddingModel.imported(input: try readVectors(path: inPath), output: try readVectors(path: outPath))
        XCTAssertEqual(m.vocabulary.words, ["b", "a"])
        XCTAssertEqual(Array(m.input.buffer), [1, 2, 3, 4])
        XCTAssertEqual(Array(m.output!.buffer), [7, 8, 5, 6])
        try m.save(to: dir + "/m.model")
        XCTAssertEqual(bytesOf(try EmbeddingModel.load(path: dir + "/m.model").output), bytesOf(m.output))
        let other = writeTemp(dir, "other.txt", "a\t1\t1\nc\t1\t1\n")
        assertDesmError(try EmbeddingModel.imported(input: try readVectors(path: inPath), output: try readVectors(path: other)),
                        contains: "other.txt", "\"c\"")
        let wide = writeTemp(dir, "wide.txt", "a\t1\t1\t1\nb\t1\t1\t1\n")
        assertDesmError(try EmbeddingModel.imported(input: try readVectors(path: inPath), output: try readVectors(path: wide)),
                        contains: "wide.txt", "dimension 3")
    }

    func testWordsWithWhitespaceCannotBeExported() {
        let m = FloatMatrix(rows: 1, cols: 2)
        assertDesmError(try writeVectors(path: dir + "/x.txt", words: ["a b"], matrix: m, format: .text), contains: "a b")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/x.txt"))
    }

    func testGensimLoadsExportedFiles() throws {
        try requirePythonModule("gensim", pip: "gensim")
        let m = sampleModel()
        var args = [String]()
        for (format, gz) in [(VectorFileFormat.text, false), (.binary, false), (.binary, true), (.text, true)] {
            let path = dir + "/g.\(format.rawValue)" + (gz ? ".gz" : "")
            try writeVectors(path: path, words: m.vocabulary.words, matrix: m.output!, format: format, gzip: gz)
            args += [path, format.rawValue]
        }
        let script = """
        import sys, numpy as np
        from gensim.models import KeyedVectors
        for path, fmt in zip(sys.argv[1::2], sys.argv[2::2]):
            kv = KeyedVectors.load_word2vec_format(path, binary=fmt == 'binary')
            print(' '.join(kv.index_to_key))
            print(' '.join(repr(float(x)) for x in np.asarray(kv.vectors, dtype=np.float32).ravel()))
        """
        let r = try runProcess("/usr/bin/env", ["python3", "-c", script] + args)
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 8)
        for k in stride(from: 0, to: lines.count, by: 2) {
            XCTAssertEqual(String(lines[k]), m.vocabulary.words.joined(separator: " "))
            let values = lines[k + 1].split(separator: " ").map { Float(Double($0)!) }
            XCTAssertEqual(values, Array(m.output!.buffer), args[k])
        }
    }
}
