import XCTest
@testable import DesmWord2Vec

final class HuffmanTreeTests: XCTestCase {
    func testHandComputedLengths() {
        // 1+3 → 4; 4+6 → 10; 10+20 → 30: lengths 1, 2, 3, 3.
        let t = HuffmanTree(counts: [20, 6, 3, 1])
        XCTAssertEqual((0..<4).map(t.length), [1, 2, 3, 3])
        // Every path starts at the root (node V-2 = 2) and uses V-1 = 3 inner nodes.
        for w in 0..<4 { XCTAssertEqual(t.path(w).first, 2) }
        XCTAssertEqual(Set(t.points), [0, 1, 2])
        assertPrefixFree(t)
    }

    func testClassicExample() {
        // Counts 45, 16, 13, 12, 9, 5 (the textbook example): lengths 1, 3, 3, 3, 4, 4.
        let t = HuffmanTree(counts: [45, 16, 13, 12, 9, 5])
        XCTAssertEqual((0..<6).map(t.length), [1, 3, 3, 3, 4, 4])
        assertPrefixFree(t)
    }

    func testUnsortedCountsGiveTheSameCodeLengthsAsSorted() {
        // A resumed vocabulary: old ids keep their places while their counts grow.
        let t = HuffmanTree(counts: [5, 16, 45, 9, 12, 13])
        XCTAssertEqual((0..<6).map(t.length), [4, 3, 1, 4, 3, 3])
        assertPrefixFree(t)
    }

    func testPrefixFreeAndKraftOnZipfCounts() {
        let counts = (1...500).map { Int64(100_000 / $0) + 1 }
        let t = HuffmanTree(counts: counts)
        assertPrefixFree(t)
        // A full binary tree: Σ 2^-len = 1.
        let kraft = (0..<counts.count).reduce(0.0) { $0 + pow(2.0, -Double(t.length($1))) }
        XCTAssertEqual(kraft, 1, accuracy: 1e-12)
        // More frequent words never get longer codes.
        for w in 1..<counts.count { XCTAssertLessThanOrEqual(t.length(w - 1), t.length(w)) }
        XCTAssertTrue(t.points.allSatisfy { $0 >= 0 && $0 < Int32(counts.count - 1) })
    }

    func assertPrefixFree(_ t: HuffmanTree, file: StaticString = #filePath, line: UInt = #line) {
        let codes = (0..<t.wordCount).map { t.code($0).map(String.init).joined() }
        XCTAssertEqual(Set(codes).count, codes.count, file: file, line: line)
        for a in codes { for b in codes where a != b { XCTAssertFalse(b.hasPrefix(a), "\(a) prefixes \(b)", file: file, line: line) } }
    }
}
