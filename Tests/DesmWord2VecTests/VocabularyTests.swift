import XCTest
@testable import DesmWord2Vec

final class VocabularyTests: XCTestCase {
    func testLookupAddAndDuplicates() {
        let v = Vocabulary(words: ["the", "of", "über", "a"], counts: [9, 7, 5, 3])
        XCTAssertEqual(v.id("über"), 2)
        XCTAssertEqual(v.id("a"), 3)
        XCTAssertNil(v.id("zzz"))
        XCTAssertNil(v.id(""))
        XCTAssertEqual(v.totalCount, 24)
        XCTAssertEqual(v.add("of", count: 2), 1)
        XCTAssertEqual(v.counts[1], 9)
        // Growing past the index's capacity keeps every id.
        for i in 0..<100 { XCTAssertEqual(v.add("w\(i)", count: 1), 4 + i) }
        for i in 0..<100 { XCTAssertEqual(v.id("w\(i)"), 4 + i) }
        XCTAssertEqual(v.id("the"), 0)
        XCTAssertEqual(v.distinctCount, 104)
        let d = Vocabulary(words: ["x", "y", "x"], counts: [3, 2, 1])
        XCTAssertEqual(d.distinctCount, 2)
        XCTAssertEqual(d.id("x"), 0)
    }

    func testFromCountsSortsStablyAndDropsRare() {
        let (v, map) = Vocabulary.fromCounts(words: ["c", "a", "b", "d", "e"], counts: [2, 5, 2, 1, 5], minCount: 2)
        XCTAssertEqual(v.words, ["a", "e", "c", "b"])
        XCTAssertEqual(v.counts, [5, 5, 2, 2])
        XCTAssertEqual(map, [2, 0, 3, -1, 1])
    }
}
