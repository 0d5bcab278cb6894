import XCTest
import DesmTestSupport
@testable import DesmText

/// Resident memory of this process in bytes (VmRSS from /proc/self/status), or nil.
func residentBytes() -> Int? {
    guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in s.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        let kb = line.split(separator: " ").compactMap { Int($0) }.first
        return kb.map { $0 * 1024 }
    }
    return nil
}

/// Reading does not hold the file in memory: peak RSS growth stays small while streaming
/// inputs far larger than it.
final class MemoryTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws {
        if runningUnderAddressSanitizer {
            throw XCTSkip("under AddressSanitizer resident memory includes its shadow memory and quarantine: RSS bounds are not measurable")
        }
        dir = makeTemporaryDirectory("desm-mem")
    }
    override func tearDown() { if !dir.isEmpty { removeTree(dir) } }

    /// 200 MB of JSONL (2,000 documents of 100 KB), gzipped, read through CollectionReader.
    func testCollectionReaderStreamsLargeGzip() throws {
        guard let before = residentBytes() else { throw XCTSkip("/proc/self/status not readable") }
        let path = dir + "/big.jsonl.gz"
        let body = String(repeating: "streaming text in constant memory ", count: 3000) // ~100 KB
        let w = try GzipWriter(path: path, level: 1)
        let docs = 2000
        for i in 0..<docs { try w.write("{\"_id\": \"d\(i)\", \"title\": \"t\", \"text\": \"\(body)\"}\n") }
        try w.commit()
        XCTAssertGreaterThan(w.bytesIn, 200_000_000)
        let r = try CollectionReader(path: path)
        var peak = before
        var textBytes = 0
        while let d = try r.next() {
            textBytes += d.text.utf8.count
            if r.count % 100 == 0, let now = residentBytes() { peak = max(peak, now) }
        }
        XCTAssertEqual(r.count, docs)
        XCTAssertEqual(textBytes, docs * body.utf8.count)
        print("MemoryTests: RSS grew by \((peak - before) >> 20) MB reading 200 MB of gzipped JSONL")
        XCTAssertLessThan(peak - before, 40 << 20, "RSS grew by \((peak - before) >> 20) MB reading 200 MB")
    }

    /// A 60 MB single-line gzip corpus (text8-like) through CorpusTokenStream.
    func testCorpusTokenStreamStreamsOneHugeLine() throws {
        guard let before = residentBytes() else { throw XCTSkip("/proc/self/status not readable") }
        let path = dir + "/one-line.gz"
        // Each 100 KB block: 200 words of 60 letters, then an 88 KB run without whitespace
        // (skipped whole as an overlong piece). This keeps the debug-build time low.
        let word = String(repeating: "abcdefghijklmnopqrst", count: 3)
        let piece = String(repeating: word + " ", count: 200) + String(repeating: "x", count: 87_800) + " "
        let w = try GzipWriter(path: path, level: 1)
        for _ in 0..<600 { try w.write(piece) }
        try w.commit()
        let stream = try CorpusTokenStream(path: path, analyzer: Analyzer(.embedding))
        var tokens = 0, ends = 0
        var peak = before
        while let item = try stream.next() {
            if case .token = item { tokens += 1 } else { ends += 1 }
            if tokens & 0x3FFF == 0, let now = residentBytes() { peak = max(peak, now) }
        }
        XCTAssertEqual(tokens, 600 * 200)
        XCTAssertEqual(stream.skippedPieces, 600)
        XCTAssertEqual(ends, 1)
        print("MemoryTests: RSS grew by \((peak - before) >> 20) MB streaming a 60 MB one-line corpus")
        XCTAssertLessThan(peak - before, 20 << 20, "RSS grew by \((peak - before) >> 20) MB reading 60 MB")
    }
}
