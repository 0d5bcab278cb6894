import XCTest
import DesmText
@testable import DesmWord2Vec
import DesmTestSupport

/// What `desm train` shows while it reads and trains (the lines' text, not their timing).
final class TrainingProgressTests: TempDirTestCase {
    func lines(training input: TrainingInput) throws -> [String] {
        var p = smallParameters(.sg, .ns)
        p.epochs = 1
        var recipe = TrainingRecipe(parameters: p, inputs: [input])
        var lines: [String] = []
        recipe.progress = { label, unit in ProgressReporter(label: label, unit: unit) { lines.append($0) } }
        _ = try recipe.run(saveTo: dir + "/m.model")
        return lines
    }

    /// A collection is read document by document: the count is of documents (it was shown
    /// as bytes), and the fraction of the file read gives the percentage and ETA.
    func testCollectionProgressCountsDocuments() throws {
        var text = ""
        for (i, sentence) in syntheticCorpus(sentences: 2100, length: 6).split(separator: "\n").enumerated() {
            text += "{\"_id\": \"d\(i)\", \"text\": \"\(sentence)\"}\n"
        }
        let reading = try lines(training: TrainingInput(path: writeTemp(dir, "docs.jsonl", text), kind: .collection))
            .filter { $0.hasPrefix("reading") }
        XCTAssertEqual(reading.count, 2, "one line per 1024 documents: \(reading)")
        for (line, n) in zip(reading, [1024, 2048]) {
            XCTAssertNotNil(line.range(of: #"^reading +[0-9]+\.[0-9]%  ETA [0-9hms]+  \#(n) docs  [0-9.]+[kMG]? docs/s  [0-9.]+k? words$"#,
                                       options: .regularExpression), line)
        }
    }

    func testCorpusProgressCountsBytes() throws {
        let path = writeTemp(dir, "c.txt", syntheticCorpus(sentences: 7000, length: 20))
        let reading = try lines(training: TrainingInput(path: path, kind: .corpus)).filter { $0.hasPrefix("reading") }
        XCTAssertFalse(reading.isEmpty)
        for line in reading {
            XCTAssertNotNil(line.range(of: #"^reading +[0-9]+\.[0-9]%  (ETA [0-9hms]+  )?[0-9.]+[kMG]? bytes/s  [0-9.]+[kMG]? words$"#,
                                       options: .regularExpression), line)
        }
    }
}
