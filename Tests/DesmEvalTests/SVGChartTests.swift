import DesmEval
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

/// Collects elements of an SVG document with their attributes (and fails on malformed XML).
private final class SVGElements: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String])] = []
    var texts: [String] = []
    private var current = ""

    init(_ svg: String) throws {
        super.init()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = self
        guard parser.parse() else { throw parser.parserError ?? NSError(domain: "svg", code: 1) }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        elements.append((name, attributes))
        current = ""
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" { texts.append(current) }
        current = ""
    }

    func rects(fill: String) -> [[String: String]] {
        elements.filter { $0.name == "rect" && $0.attributes["fill"] == fill }.map(\.attributes)
    }
}

final class SVGChartTests: XCTestCase {
    func testBarsWithIntervals() throws {
        let svg = SVGChart.barsWithIntervals(title: "NDCG@10 & 95% CI", labels: ["BM25", "IN-OUT <a>", "IN-IN"],
                                             values: [0.6789, 0.61, 0.4], lower: [0.62, 0.55, 0.33], upper: [0.73, 0.67, 0.47])
        let doc = try SVGElements(svg)
        XCTAssertEqual(doc.elements.first?.name, "svg")
        XCTAssertTrue(doc.texts.contains("NDCG@10 & 95% CI"))
        XCTAssertTrue(doc.texts.contains("IN-OUT <a>"))
        XCTAssertTrue(doc.texts.contains("0.6789"))
        let bars = ["#4c72b0", "#dd8452", "#55a868"].map { doc.rects(fill: $0) }
        XCTAssertEqual(bars.map(\.count), [1, 1, 1])
        // Taller value, taller bar; whiskers: 3 lines per system.
        let heights = bars.map { Double($0[0]["height"]!)! }
        XCTAssertGreaterThan(heights[0], heights[1])
        XCTAssertGreaterThan(heights[1], heights[2])
        let whiskers = doc.elements.filter { $0.name == "line" && $0.attributes["stroke"] == "#222" }
        XCTAssertEqual(whiskers.count, 9)
    }

    func testAxisLabelsAreAllRotatedOrNoneIs() throws {
        func rotated(_ labels: [String]) throws -> [Bool] {
            let svg = SVGChart.barsWithIntervals(title: "t", labels: labels, values: labels.map { _ in 0.5 },
                                                 lower: labels.map { _ in 0.4 }, upper: labels.map { _ in 0.6 })
            let doc = try SVGElements(svg)
            // Axis labels sit 14–18 px below the plot (y 324), below the tick labels.
            return doc.elements.filter { $0.name == "text" && ($0.attributes["y"].map { Double($0)! > 334 } ?? false) }
                .map { $0.attributes["transform"]?.hasPrefix("rotate(") ?? false }
        }
        XCTAssertEqual(try rotated(["bm25", "in-in", "in-out"]), [false, false, false])
        // One long label among short ones (and a crowded chart) rotates every label.
        let mixed = ["bm25", "in-in", "in-out", "rerank:in-in", "rerank:in-out", "mixture:in-in", "mixture:in-out"]
        XCTAssertEqual(try rotated(mixed), Array(repeating: true, count: mixed.count))
    }

    func testSortedDifferences() throws {
        let values = [0.1, -0.2, 0, 0.05, -0.01, 0.3]
        let svg = SVGChart.sortedDifferences(title: "IN-OUT minus IN-IN", values: values)
        let doc = try SVGElements(svg)
        let up = doc.rects(fill: "#2b7bb9"), down = doc.rects(fill: "#d6604d")
        XCTAssertEqual(up.count, 4)      // three wins and the tie (drawn with no height)
        XCTAssertEqual(down.count, 2)
        let xs = (up + down).map { Double($0["x"]!)! }
        let ys = up.map { Double($0["y"]!)! }
        XCTAssertEqual(ys, ys.sorted(), "largest difference first (highest bar top leftmost)")
        XCTAssertLessThan(xs[0], xs[4], "wins left of losses")
        XCTAssertTrue(doc.texts.contains { $0.hasPrefix("6 topics: 3 above 0, 2 below, 1 tied; mean difference +0.0400") })
    }

    func testEmptyInputsStillDrawAValidDocument() throws {
        XCTAssertNoThrow(try SVGElements(SVGChart.sortedDifferences(title: "none", values: [])))
        XCTAssertNoThrow(try SVGElements(SVGChart.barsWithIntervals(title: "none", labels: [], values: [], lower: [], upper: [])))
    }
}
