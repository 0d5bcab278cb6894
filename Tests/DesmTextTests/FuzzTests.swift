import XCTest
import DesmTestSupport
@testable import DesmText

/// Mutated and random inputs: readers either read or throw a one-line DesmError naming the
/// file; the analyzer never traps and yields only non-empty tokens.
final class FuzzTests: XCTestCase {
    var dir = ""
    override func setUp() { dir = makeTemporaryDirectory("desm-fuzz") }
    override func tearDown() { removeTree(dir) }

    let seeds: [(CollectionFormat?, String)] = [
        (nil, "{\"_id\": \"1\", \"title\": \"T\\u00e9\", \"text\": \"a \\\"b\\\" c\", \"m\": {\"x\": [1, 2.5e3, null]}}\n{\"_id\": 2, \"text\": \"d\"}\n"),
        (nil, "<DOC>\n<DOCNO> A-1 </DOCNO>\n<HL>Head &amp; line</HL>\n<TEXT>\nBody <P>text</P> &#233;\n</TEXT>\n</DOC>\n<DOC><DOCNO>A-2</DOCNO><TEXT>x</TEXT></DOC>\n"),
        (nil, ".I 1\r\n.T\r\ntitle here\r\n.A\r\nauthor\r\n.W\r\nbody text\r\n.I 2\r\n.W\r\nmore\r\n"),
        (nil, "id\ttitle\ttext\n1\tT\tbody\n2\tU\tmore body\n"),
    ]

    func testMutatedCollectionsNeverCrash() throws {
        var rng = SplitMix(42)
        let specials: [UInt8] = [0x00, 0x0A, 0x0D, 0x09, 0x22, 0x5C, 0x7B, 0x7D, 0x3C, 0x3E, 0x2F, 0x2E, 0x49, 0x26,
                                 0x3B, 0x23, 0x75, 0xC3, 0xFF, 0xE2, 0x80, 0x99, 0xF0, 0x1F, 0x8B]
        var read = 0, failed = 0
        for iteration in 0..<200 {
            let (format, seed) = seeds[iteration % seeds.count]
            var bytes = Array(seed.utf8)
            for _ in 0..<(1 + rng.below(4)) {
                let at = rng.below(bytes.count + 1)
                switch rng.below(3) {
                case 0: bytes.insert(specials[rng.below(specials.count)], at: at)
                case 1: if at < bytes.count { bytes.remove(at: at) }
                default: if at < bytes.count { bytes[at] = specials[rng.below(specials.count)] }
                }
            }
            let p = dir + "/f\(iteration)"
            if iteration % 25 == 0 { try writeGzipFile(p, bytes) } else { try writeTestFile(p, bytes) }
            do {
                let r = try CollectionReader(path: p, format: format)
                while let d = try r.next() { XCTAssertFalse(d.id.isEmpty) }
                read += 1
            } catch let e as DesmError {
                let text = "\(e)"
                XCTAssertTrue(text.hasPrefix(p), text)
                XCTAssertFalse(text.contains("\n"), text)
                failed += 1
            }
        }
        XCTAssertGreaterThan(read, 25)
        XCTAssertGreaterThan(failed, 25)
    }

    func testRandomBytesThroughAnalyzerAndStream() throws {
        var rng = SplitMix(7)
        let analyzers = [Analyzer(.embedding), Analyzer(.bm25), Analyzer(AnalyzerConfig(maxTokenLength: 3))]
        for _ in 0..<300 {
            let n = rng.below(200)
            let bytes = (0..<n).map { _ -> UInt8 in
                let r = rng.below(10)
                return r < 4 ? UInt8(0x61 + rng.below(26)) : r < 5 ? 0x20 : r < 6 ? 0x27 : UInt8(rng.below(256))
            }
            for a in analyzers {
                bytes.withUnsafeBufferPointer { buf in
                    a.forEachToken(utf8: buf) { t in
                        XCTAssertFalse(t.isEmpty)
                        XCTAssertFalse(t.unicodeScalars.contains("\u{FFFD}"), t)
                    }
                }
            }
        }
        var blob: [UInt8] = []
        for _ in 0..<50_000 { blob.append(UInt8(rng.below(256))) }
        try writeTestFile(dir + "/blob", blob)
        let s = CorpusTokenStream(try openByteSource(dir + "/blob"), analyzer: Analyzer(.embedding), chunkSize: 333, maxPieceBytes: 100)
        while try s.next() != nil {}
        XCTAssertGreaterThan(s.invalidUTF8.lines, 0)
    }

    func testInvalidUTF8NotesForEveryFormat() throws {
        let bad: [UInt8] = [0x61, 0xFF, 0x62]
        let cases: [[UInt8]] = [
            Array("1\t".utf8) + bad + Array("\n".utf8),
            Array("<DOC><DOCNO>1</DOCNO><TEXT>".utf8) + bad + Array("</TEXT></DOC>\n".utf8),
            Array(".I 1\n.W\n".utf8) + bad + Array("\n".utf8),
        ]
        for (k, bytes) in cases.enumerated() {
            let p = dir + "/bad\(k)"
            try writeTestFile(p, bytes)
            let r = try CollectionReader(path: p)
            var texts: [String] = []
            while let d = try r.next() { texts.append(d.text) }
            XCTAssertEqual(texts, ["a\u{FFFD}b"])
            XCTAssertEqual(r.notes.count, 1, "case \(k): \(r.notes)")
            XCTAssertTrue(r.notes.first?.hasPrefix(p + ":") ?? false)
            XCTAssertTrue(r.notes.first?.contains("invalid UTF-8 replaced by U+FFFD on 1 line") ?? false)
        }
    }
}
