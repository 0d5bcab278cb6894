// Memory estimates: the arithmetic, /proc/meminfo parsing, and refusal with the estimate.
import DesmText
import XCTest

final class MemoryEstimateTests: XCTestCase {
    func testTrainingEstimateCountsBothMatricesAndTheVocabulary() {
        // text8-sized: 71,290 words × 200 dims: 2 × 57 MB of matrices + ~37 MB vocabulary.
        let e = MemoryEstimate.training(vocabulary: 71_290, dim: 200, corpusBytes: 27_000_000, threads: 2)
        let matrices = 2 * 71_290 * 200 * 4
        XCTAssertGreaterThan(e.bytes, matrices + 27_000_000 + 71_290 * 500)
        XCTAssertLessThan(e.bytes, matrices + 27_000_000 + 71_290 * 600 + 8 << 20)
        let hs = MemoryEstimate.training(vocabulary: 71_290, dim: 200, corpusBytes: 0, outputVectors: false, hierarchicalSoftmax: true)
        XCTAssertEqual(hs.parts.first { $0.name == "syn1" }?.bytes, 71_289 * 200 * 4)
        XCTAssertEqual(hs.parts.first { $0.name == "W_OUT" }?.bytes, 0)
        XCTAssertTrue(e.description.hasPrefix("training needs about 1"), e.description)
    }

    func testHugeInputsSaturateInsteadOfOverflowing() {
        let e = MemoryEstimate.training(vocabulary: Int.max / 2, dim: 1 << 40, corpusBytes: Int.max)
        XCTAssertEqual(e.bytes, Int.max)
        XCTAssertThrowsError(try e.check(available: 1 << 40))
    }

    func testRefusesWithTheEstimateWhenItDoesNotFit() throws {
        let e = MemoryEstimate.training(vocabulary: 2_700_000, dim: 200, corpusBytes: 1_000_000_000)
        do {
            try e.check(available: 2_000_000_000)
            XCTFail("a 2.7M-word, 200-dim model cannot fit in 2 GB")
        } catch let error as DesmError {
            XCTAssertTrue(error.description.contains("not enough memory: training needs about 6.8 GB"), error.description)
            XCTAssertTrue(error.description.contains("only 2 GB is available"), error.description)
            XCTAssertFalse(error.description.contains("\n"))
        }
        let fits = try e.check(available: 64_000_000_000)
        XCTAssertTrue(fits.hasPrefix("memory: training needs about 6.8 GB"), fits)
        XCTAssertTrue(fits.hasSuffix("of 64 GB available"), fits)
    }

    func testIndexingEstimate() throws {
        let e = MemoryEstimate.indexing(modelVocabulary: 100_000, dim: 100, collectionBytes: 400_000_000, documents: 500_000)
        XCTAssertEqual(e.parts.first { $0.name == "unit IN/OUT vectors" }?.bytes, 80_000_000)
        XCTAssertEqual(e.parts.first { $0.name == "postings" }?.bytes, 200_000_000)
        XCTAssertEqual(e.parts.first { $0.name == "documents" }?.bytes, 4_000_000)
        XCTAssertThrowsError(try e.check(available: 100_000_000))
    }

    func testMemAvailableParsing() {
        let meminfo = "MemTotal:       24576000 kB\nMemFree:        19000000 kB\nMemAvailable:   22000000 kB\nBuffers: 1 kB\n"
        XCTAssertEqual(MemoryEstimate.parseMemAvailable(meminfo), 22_000_000 * 1024)
        XCTAssertNil(MemoryEstimate.parseMemAvailable("MemTotal: 1 kB\n"))
        XCTAssertNil(MemoryEstimate.parseMemAvailable("MemAvailable: lots kB\n"))
        // This machine: a positive amount, not more than MemTotal.
        let available = MemoryEstimate.availableBytes()
        XCTAssertNotNil(available)
        XCTAssertGreaterThan(available ?? 0, 0)
        XCTAssertNil(MemoryEstimate.availableBytes(meminfo: "/nonexistent", cgroupLimit: "/nonexistent", cgroupUsage: "/nonexistent"))
    }

    func testFormatBytes() {
        XCTAssertEqual(formatBytes(512), "512 B")
        XCTAssertEqual(formatBytes(1_500), "1.5 KB")
        XCTAssertEqual(formatBytes(340_000_000), "340 MB")
        XCTAssertEqual(formatBytes(6_712_345_678), "6.7 GB")
        XCTAssertEqual(formatBytes(2_000_000_000), "2 GB")
    }
}
