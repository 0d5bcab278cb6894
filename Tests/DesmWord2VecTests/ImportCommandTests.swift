import XCTest
import DesmText
@testable import DesmWord2Vec
import DesmTestSupport

/// `desm import` of vector files written here byte by byte in the word2vec C tool's formats
/// (not by desm's writer): the model must hold exactly the values written.
final class ImportCommandTests: TempDirTestCase {
    /// Values whose bytes are a newline, a space, a tab or a carriage return (a reader that
    /// scans binary vectors for line ends or separators breaks on them), signed zero, a
    /// subnormal, the extremes, and ordinary ones.
    let awkward: [Float] = [
        Float(bitPattern: 0x0A0A_0A0A), Float(bitPattern: 0x2020_2020), Float(bitPattern: 0x0909_0909),
        Float(bitPattern: 0x0D0D_0D0D), -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
        -.greatestFiniteMagnitude, -1.5, 0.125, Float(bitPattern: 0x3E0A_200A), 1,
    ]

    /// Rows of `dim` values drawn from `awkward` and a generator; the first row starts with a
    /// value whose first (least significant) byte is a newline.
    func rows(_ words: [String], dim: Int, seed: UInt64) -> [(String, [Float])] {
        var rng = SplitMix(seed)
        return words.enumerated().map { i, w in
            (w, (0..<dim).map { k in
                if i == 0 && k == 0 { return Float(bitPattern: 0x3F00_000A) }
                return rng.below(3) == 0 ? awkward[rng.below(awkward.count)] : Float(rng.uniform() * 2 - 1)
            })
        }
    }

    /// word2vec.c's binary format: "V D\n", then for each word the word, a space, D float32
    /// little-endian, and "\n" (`newline: false` gives gensim 4's layout, without it).
    func word2vecBinary(_ rows: [(String, [Float])], newline: Bool = true) -> [UInt8] {
        var bytes = Array("\(rows.count) \(rows[0].1.count)\n".utf8)
        for (word, vector) in rows {
            bytes += Array(word.utf8) + [0x20]
            for x in vector {
                let u = x.bitPattern
                bytes += [UInt8(u & 0xFF), UInt8((u >> 8) & 0xFF), UInt8((u >> 16) & 0xFF), UInt8(u >> 24)]
            }
            if newline { bytes.append(0x0A) }
        }
        return bytes
    }

    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let path = dir + "/" + name
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    func importModel(_ arguments: [String]) throws -> EmbeddingModel {
        try requireDesm()
        let out = dir + "/imported.model"
        let r = try runDesm(["import"] + arguments + ["--out", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        return try EmbeddingModel.load(path: out, verify: true)
    }

    func assertRows(_ m: FloatMatrix?, _ rows: [(String, [Float])], file: StaticString = #filePath, line: UInt = #line) {
        guard let m else { return XCTFail("no matrix", file: file, line: line) }
        XCTAssertEqual(m.rows, rows.count, file: file, line: line)
        for (i, (word, vector)) in rows.enumerated() where i < m.rows {
            XCTAssertEqual(m.row(i).map(\.bitPattern), vector.map(\.bitPattern), "row of \(word)", file: file, line: line)
        }
    }

    func testImportsWord2VecBinaryWrittenByHand() throws {
        let words = ["</s>", "the", "naïve", "x", "Größe", "a-b_c"]
        for newline in [true, false] {
            let inRows = rows(words, dim: 7, seed: 1), outRows = rows(words, dim: 7, seed: 2)
            let inPath = write("in.bin", word2vecBinary(inRows, newline: newline))
            let outPath = write("out.bin", word2vecBinary(outRows, newline: newline))
            let m = try importModel(["--in", inPath, "--out-vectors", outPath])
            XCTAssertEqual(m.vocabulary.words, words, "newline \(newline)")
            XCTAssertEqual(m.dim, 7)
            assertRows(m.input, inRows)
            assertRows(m.output, outRows)
        }
        // Dimension 1 with values whose bytes are printable ASCII ("DCBA"): the first record
        // looks like a text line of a word and one value.
        let narrow: [(String, [Float])] = [("a", [Float(bitPattern: 0x4142_4344)]), ("b", [Float(bitPattern: 0x3E3D_3C3B)])]
        assertRows(try importModel(["--in", write("narrow.bin", word2vecBinary(narrow))]).input, narrow)
    }

    /// The C tool's text format: "V D\n", then "word v1 … vD \n" (printed with %lf, a space
    /// after each value).
    func testImportsWord2VecTextWrittenByHand() throws {
        let text = "3 4\n</s> 0.000000 -0.000000 1.000000 -2.500000 \nthe 0.123457 -0.987654 3.000000 0.000001 \nnaïve 1e-03 -1.5E+2 7 .25\n"
        let m = try importModel(["--in", write("in.txt", Array(text.utf8))])
        XCTAssertEqual(m.vocabulary.words, ["</s>", "the", "naïve"])
        assertRows(m.input, [("</s>", [0, -0.0, 1, -2.5]), ("the", [0.123457, -0.987654, 3, 0.000001]),
                             ("naïve", [0.001, -150, 7, 0.25])])
        XCTAssertNil(m.output)
    }
}
