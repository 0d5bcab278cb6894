import DesmText
import XCTest

/// The progress line's text (its timing is not tested: the elapsed time is given).
final class ProgressTests: XCTestCase {
    func testLineWithATotalShowsPercentETAAndRate() {
        XCTAssertEqual(ProgressReporter.line(label: "training", unit: "words", done: 5e6, total: 2e7, fraction: nil,
                                             elapsed: 10, extra: "alpha 0.025000"),
                       "training  25.0%  ETA 30s  500.0k words/s  alpha 0.025000")
    }

    /// Documents have no total in advance; the fraction of the input's bytes read gives the
    /// percentage and the ETA, and the count stays in its own unit.
    func testLineWithAnInputFractionShowsPercentETAAndTheCount() {
        XCTAssertEqual(ProgressReporter.line(label: "indexing", unit: "docs", done: 1200, total: nil, fraction: 0.25, elapsed: 10),
                       "indexing  25.0%  ETA 30s  1200 docs  120 docs/s")
        XCTAssertEqual(ProgressReporter.line(label: "indexing", unit: "docs", done: 1_500_000, total: nil, fraction: 0.5, elapsed: 100),
                       "indexing  50.0%  ETA 1m40s  1.50M docs  15.0k docs/s")
        // Nothing read yet: no ETA. Read past the end (a growing file): 100%, ETA 0.
        XCTAssertEqual(ProgressReporter.line(label: "reading", unit: "docs", done: 0, total: nil, fraction: 0, elapsed: 1),
                       "reading   0.0%  0 docs  0 docs/s")
        XCTAssertEqual(ProgressReporter.line(label: "reading", unit: "docs", done: 10, total: nil, fraction: 1.5, elapsed: 1),
                       "reading 100.0%  ETA 0s  10 docs  10 docs/s")
    }

    func testLineWithoutTotalOrFractionShowsCountAndRate() {
        XCTAssertEqual(ProgressReporter.line(label: "reading", unit: "docs", done: 20_000, total: nil, fraction: nil, elapsed: 4),
                       "reading  20.0k docs  5000 docs/s")
    }

    func testReporterUsesTheLatestFractionUntilRestarted() {
        var lines: [String] = []
        let p = ProgressReporter(label: "indexing", unit: "docs") { lines.append($0) }
        p.update(done: 10, total: nil)
        p.setFraction(0.5)
        p.update(done: 20, total: nil)
        p.restart()
        p.update(done: 5, total: nil)
        XCTAssertEqual(lines.count, 3)
        XCTAssertFalse(lines[0].contains("%"), lines[0])
        XCTAssertTrue(lines[1].hasPrefix("indexing  50.0%  ETA "), lines[1])
        XCTAssertTrue(lines[1].contains("  20 docs  "), lines[1])
        XCTAssertTrue(lines[2].hasPrefix("indexing  5 docs  "), lines[2])
        // Quiet reporters draw nothing and ignore fractions.
        ProgressReporter.silent.setFraction(0.5)
        ProgressReporter.silent.update(done: 1, total: 2)
    }
}
