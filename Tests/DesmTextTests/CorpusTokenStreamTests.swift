import XCTest
import DesmTestSupport
@testable import DesmText

final class CorpusTokenStreamTests: XCTestCase {
    var dir = ""
    override func setUp() { dir = makeTemporaryDirectory("desm-corpus") }
    override func tearDown() { removeTree(dir) }

    func items(_ bytes: [UInt8], gzip: Bool = false, chunk: Int = 1 << 18, maxPiece: Int = 1 << 12,
               config: AnalyzerConfig = .embedding) throws -> (CorpusTokenStream, [String]) {
        let p = dir + "/c\(gzip ? ".gz" : "")"
        if gzip { try writeGzipFile(p, bytes) } else { try writeFileAtomically(p, bytes) }
        let s = CorpusTokenStream(try openByteSource(p), analyzer: Analyzer(config), chunkSize: chunk, maxPieceBytes: maxPiece)
        var out: [String] = []
        while let item = try s.next() {
            switch item {
            case .token(let t): out.append(t)
            case .sentenceEnd: out.append("</s>")
            }
        }
        XCTAssertNil(try s.next())
        return (s, out)
    }

    func testSentencesEndAtLineBreaks() throws {
        let text = "The cat sat.\n\n  \nOn the MAT\r\nlast line without newline"
        for gz in [false, true] {
            XCTAssertEqual(try items(Array(text.utf8), gzip: gz).1,
                           ["the", "cat", "sat", "</s>", "on", "the", "mat", "</s>", "last", "line", "without", "newline", "</s>"])
        }
        XCTAssertEqual(try items([]).1, [])
        XCTAssertEqual(try items(Array(" \n\n ".utf8)).1, [])
        XCTAssertEqual(try items(Array("a\n".utf8)).1, ["a", "</s>"])
    }

    /// The same items whatever the chunk size (tokens cut by chunk boundaries are rejoined),
    /// and the same tokens as the analyzer on the whole text.
    func testChunkBoundariesDoNotChangeTokens() throws {
        var text = ""
        var x: UInt32 = 7
        let words = ["anarchism", "Originated", "as", "a", "term", "of", "abuse", "café", "don't", "COVID-19", "中文"]
        for i in 0..<3000 {
            x = x &* 1664525 &+ 1013904223
            text += words[Int(x >> 16) % words.count]
            text += i % 97 == 96 ? "\n" : (i % 5 == 0 ? "  " : " ")
        }
        let analyzer = Analyzer(.embedding)
        var expected: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let t = analyzer.tokens(String(line))
            expected += t
            if !t.isEmpty { expected.append("</s>") }
        }
        for chunk in [16, 17, 64, 1000, 1 << 18] {
            XCTAssertEqual(try items(Array(text.utf8), chunk: chunk).1, expected, "chunk \(chunk)")
        }
        XCTAssertEqual(try items(Array(text.utf8), gzip: true, chunk: 33).1, expected)
    }

    func testText8LikeSingleLine() throws {
        let text = " " + String(repeating: "anarchism originated as a term of abuse ", count: 20_000)
        let (s, out) = try items(Array(text.utf8), gzip: true, chunk: 4096)
        XCTAssertEqual(out.count, 7 * 20_000 + 1)
        XCTAssertEqual(out.last, "</s>")
        XCTAssertEqual(Array(out.prefix(3)), ["anarchism", "originated", "as"])
        XCTAssertEqual(s.lineCount, 0)
    }

    func testOverlongPiecesAreSkippedWhole() throws {
        let long = String(repeating: "ab,", count: 100)          // 300 bytes, no whitespace
        let text = "keep \(long) this\nand \(long)\n\(long) end"
        // Pieces longer than 64 bytes are skipped whatever the chunk size (inside a chunk or across).
        for chunk in [16, 50, 100, 1 << 16] {
            let (s, out) = try items(Array(text.utf8), chunk: chunk, maxPiece: 64)
            XCTAssertEqual(out, ["keep", "this", "</s>", "and", "</s>", "end", "</s>"], "chunk \(chunk)")
            XCTAssertEqual(s.skippedPieces, 3, "chunk \(chunk)")
        }
        // With the default limit the same piece is analysed normally.
        XCTAssertEqual(try items(Array("x \(long)".utf8)).1.count, 1 + 100 + 1)
        // A huge binary-like run at the end of the file.
        let junk = [UInt8](repeating: 0x41, count: 20_000)
        XCTAssertEqual(try items(Array("a b ".utf8) + junk, chunk: 1000, maxPiece: 4096).1, ["a", "b", "</s>"])
    }

    func testInvalidUTF8SeparatesAndIsCounted() throws {
        let bytes = Array("ok line\nab".utf8) + [0xFF] + Array("cd\nfine\n".utf8)
        let (s, out) = try items(bytes)
        XCTAssertEqual(out, ["ok", "line", "</s>", "ab", "cd", "</s>", "fine", "</s>"])
        XCTAssertEqual(s.invalidUTF8.lines, 1)
        XCTAssertEqual(s.invalidUTF8.firstLine, 2)
    }

    func testStemmingConfigApplies() throws {
        XCTAssertEqual(try items(Array("The runners were running\n".utf8), config: .bm25).1,
                       ["runner", "were", "run", "</s>"])
    }

    func testSharedText8Sample() throws {
        let p = try requireSharedData("text8/text8.gz")
        // The first 2,000 tokens only (the full file is a release-build benchmark: desm stats --corpus).
        let s = try CorpusTokenStream(path: p, analyzer: Analyzer(.embedding))
        var n = 0
        while n < 2000, let item = try s.next() {
            guard case .token(let t) = item else { XCTFail("sentence end inside text8"); break }
            XCTAssertFalse(t.isEmpty)
            XCTAssertTrue(t.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) }, t)
            n += 1
        }
        XCTAssertEqual(n, 2000)
    }
}
