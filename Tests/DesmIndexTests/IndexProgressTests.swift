import DesmIndex
import DesmText
import DesmTestSupport
import Foundation
import XCTest

/// Indexing progress: documents counted, with the percentage and ETA from the bytes of the
/// collection read (compressed bytes for gzip); the second pass of IDF centroids starts again.
final class IndexProgressTests: XCTestCase {
    let dir = ScratchDirectory("desm-index-progress")

    func collection(_ count: Int) throws -> String {
        var text = ""
        for d in makeDocuments(count: count) {
            let json = try JSONSerialization.data(withJSONObject: ["_id": d.id, "title": d.title, "text": d.text])
            text += String(decoding: json, as: UTF8.self) + "\n"
        }
        return dir.write("docs.jsonl", text)
    }

    func progressLines(_ path: String, centroid: CentroidWeighting) throws -> [String] {
        var options = IndexBuildOptions(threads: 2, batchSize: 50)
        options.centroid = centroid
        let builder = try IndexBuilder(model: makeModel(), options: options)
        var lines: [String] = []
        let progress = ProgressReporter(label: "indexing", unit: "docs") { lines.append($0) }
        try builder.build(collectionPath: path, to: dir.path + "/idx-\(centroid)", progress: progress)
        return lines
    }

    let shape = #"^indexing +[0-9]+\.[0-9]%  (ETA [0-9hms]+  )?[0-9.]+[kMG]? docs  [0-9.]+[kMG]? docs/s"#

    func testIndexingProgressHasAPercentageAndEndsAt100() throws {
        let plain = try collection(300)
        _ = try runProcess("/bin/gzip", ["-k", "-n", plain])
        for path in [plain, plain + ".gz"] {
            let lines = try progressLines(path, centroid: .mean)
            XCTAssertEqual(lines.count, 6, "\(path): one line per batch of 50: \(lines)")
            for l in lines { XCTAssertNotNil(l.range(of: shape, options: .regularExpression), l) }
            XCTAssertTrue(lines.last!.hasPrefix("indexing 100.0%  ETA 0s  300 docs  "), lines.last!)
        }
    }

    func testIDFCentroidsShowBothPasses() throws {
        let lines = try progressLines(try collection(120), centroid: .idf)
        XCTAssertEqual(lines.count, 6, "\(lines)")
        for l in lines { XCTAssertNotNil(l.range(of: shape, options: .regularExpression), l) }
        XCTAssertTrue(lines[2].hasPrefix("indexing 100.0%  ETA 0s  120 docs") && lines[2].hasSuffix("(pass 1: document frequencies)"), lines[2])
        XCTAssertTrue(lines[3].contains("  50 docs  ") && !lines[3].contains("pass 1"), lines[3])
        XCTAssertTrue(lines[5].hasPrefix("indexing 100.0%  ETA 0s  120 docs  "), lines[5])
    }
}
