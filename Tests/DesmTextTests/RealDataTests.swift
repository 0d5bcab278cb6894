import XCTest
import DesmTestSupport
@testable import DesmText

/// Document counts on the shared real collections, read plain and gzipped.
final class RealDataTests: XCTestCase {
    var dir = ""
    override func setUp() { dir = makeTemporaryDirectory("desm-real") }
    override func tearDown() { removeTree(dir) }

    func data(_ relative: String) throws -> String {
        try requireSharedData(relative)
    }

    func readAll(_ path: String) throws -> (CollectionReader, [Document]) {
        let r = try CollectionReader(path: path)
        var docs: [Document] = []
        while let d = try r.next() { docs.append(d) }
        return (r, docs)
    }

    /// Reads `relative` plain and gzipped (into a temp file with no .gz name, detected by
    /// magic) and checks the count, the format and that both give the same documents.
    func check(_ relative: String, count: Int, format: CollectionFormat) throws -> [Document] {
        let path = try data(relative)
        let (r, docs) = try readAll(path)
        XCTAssertEqual(r.count, count, relative)
        XCTAssertEqual(docs.count, count, relative)
        XCTAssertEqual(r.filesRead.map(\.format), [format], relative)
        XCTAssertEqual(r.notes, [], relative)
        let gz = dir + "/" + relative.replacingOccurrences(of: "/", with: "_")
        try gzipFile(path, to: gz, level: 1)
        let (rz, docsz) = try readAll(gz)
        XCTAssertEqual(rz.count, count, relative + " gzipped")
        XCTAssertEqual(rz.filesRead.map(\.format), [format])
        XCTAssertTrue(zip(docs, docsz).allSatisfy { $0.id == $1.id && $0.title == $1.title && $0.text == $1.text })
        return docs
    }

    func testCranfieldSMARTAndJSONLAgree() throws {
        let smart = try check("cranfield/cran.all.1400", count: 1400, format: .smart)
        let jsonl = try check("cranfield/corpus.jsonl", count: 1400, format: .jsonl)
        XCTAssertEqual(smart.map(\.id), (1...1400).map(String.init))
        // The JSONL copy was derived from the SMART file with whitespace collapsed: the same
        // documents, field by field.
        for (a, b) in zip(smart, jsonl) {
            XCTAssertEqual(a.id, b.id)
            XCTAssertEqual(a.title, b.title, "doc \(a.id)")
            XCTAssertEqual(a.text, b.text, "doc \(a.id)")
        }
        XCTAssertEqual(smart[470].text, "")   // doc 471 has an empty .W
        XCTAssertEqual(smart[994].text, "")   // doc 995 too
    }

    func testSciFact() throws {
        let docs = try check("scifact/corpus.jsonl", count: 5183, format: .jsonl)
        XCTAssertEqual(docs.first?.id, "4983")
        XCTAssertEqual(docs.map { Int($0.id) ?? 0 }.min(), 4983)
    }

    /// The fast parser agrees with Foundation's JSONSerialization on every SciFact line.
    func testSciFactParserMatchesJSONSerialization() throws {
        let path = try data("scifact/corpus.jsonl")
        let (_, docs) = try readAll(path)
        let lines = try LineReader(path: path)
        var k = 0
        while let line = try lines.nextLine() {
            let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let d = docs[k]
            XCTAssertEqual(d.id, obj["_id"] as? String)
            XCTAssertEqual(d.title, obj["title"] as? String)
            XCTAssertEqual(d.text, obj["text"] as? String)
            k += 1
        }
        XCTAssertEqual(k, 5183)
    }

    func testTRECDLPassages() throws {
        _ = try check("trec-dl-passage/corpus.jsonl", count: 42765, format: .jsonl)
    }
}
