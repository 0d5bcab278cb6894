import XCTest
import DesmTestSupport
@testable import DesmText

final class CollectionReaderTests: XCTestCase {
    var dir = ""
    override func setUp() { dir = makeTemporaryDirectory("desm-coll") }
    override func tearDown() { removeTree(dir) }

    @discardableResult
    func write(_ name: String, _ text: String, gzip: Bool = false) throws -> String {
        let p = dir + "/" + name
        if gzip { try writeGzipFile(p, Array(text.utf8)) } else { try writeTestFile(p, Array(text.utf8)) }
        return p
    }

    func readAll(_ path: String, format: CollectionFormat? = nil) throws -> (CollectionReader, [Document]) {
        let r = try CollectionReader(path: path, format: format)
        var docs: [Document] = []
        while let d = try r.next() { docs.append(d) }
        return (r, docs)
    }

    func triples(_ docs: [Document]) -> [[String]] { docs.map { [$0.id, $0.title, $0.text] } }

    func failure(_ path: String, format: CollectionFormat? = nil) -> String? {
        errorText { _ = try self.readAll(path, format: format) }
    }

    // MARK: JSONL

    func testJSONLFieldsEscapesAndNumbers() throws {
        let p = try write("c.jsonl", #"""
        {"_id": "d1", "title": "T1", "text": "plain"}

        {"text": "esc \"q\" \\ \/ \b\f\n\r\t \u00e9\u4e2d \ud83d\ude00 lone \ud800 x", "_id": 42, "title": null}
        {"_id":-7.5e3,"extra":{"nested":[1,2,{"a":[true,false,null]}],"s":"}"},"text":"t"}
          {"_id" : "sp" , "title" : "" , "text" : "" }  
        {"_id": "ü\u00fc", "metadata": {}, "other": []}
        """#)
        let (r, docs) = try readAll(p)
        XCTAssertEqual(triples(docs), [
            ["d1", "T1", "plain"],
            ["42", "", "esc \"q\" \\ / \u{8}\u{C}\n\r\t é中 😀 lone \u{FFFD} x"],
            ["-7.5e3", "", "t"],
            ["sp", "", ""],
            ["üü", "", ""],
        ])
        XCTAssertEqual(docs.map(\.line), [1, 3, 4, 5, 6])
        XCTAssertEqual(r.filesRead.map(\.format), [.jsonl])
        XCTAssertEqual(r.count, 5)
        XCTAssertTrue(r.notes.isEmpty)
    }

    func testJSONLErrorsNameLineAndColumn() throws {
        let cases: [(String, String)] = [
            (#"{"_id": "a", "text": "x"} junk"#, "unexpected 'j' after the end of the JSON object (column 27)"),
            (#"{"_id": "a" "text": "x"}"#, "expected ',' or '}' but found '\"' (column 13)"),
            (#"{"_id": "a", "text": "x}"#, "unterminated string (column 22)"),
            (#"{"_id": "a", "text": "bad \q"}"#, "invalid escape '\\q' in a string (column 27)"),
            (#"{"_id": "a", "text": "\u12G4"}"#, "\\u needs four hex digits (column 27)"),
            (#"{"_id": "a", "text": tru}"#, "unexpected 't': not a JSON value (column 22)"),
            (#"{"_id": 01}"#, "expected ',' or '}' but found '1' (column 10)"),
            (#"["_id"]"#, "expected '{' but found '[' (column 1)"),
            (#"{"_id": "a", "x": [1, 2,]}"#, "unexpected ']': not a JSON value (column 25)"),
            ("{\"_id\": \"a\", \"text\": \"tab\there\"}", "control character (byte 0x9) inside a string (column 26)"),
        ]
        for (line, message) in cases {
            let p = try write("bad.jsonl", "{\"_id\": \"ok\"}\n" + line + "\n")
            XCTAssertEqual(failure(p), "\(p):2: not a valid JSON object: \(message)", line)
        }
        let p = try write("noid.jsonl", "{\"title\": \"x\", \"text\": \"y\"}\n")
        XCTAssertEqual(failure(p), "\(p):1: JSON object has no \"_id\"")
        let q = try write("badid.jsonl", "{\"_id\": [1], \"text\": \"y\"}\n")
        XCTAssertEqual(failure(q), "\(q):1: \"_id\" must be a string or a number")
        let e = try write("emptyid.jsonl", "{\"_id\": \"\", \"text\": \"y\"}\n")
        XCTAssertEqual(failure(e), "\(e):1: empty \"_id\"")
        let deep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        let d = try write("deep.jsonl", "{\"_id\": \"a\", \"x\": \(deep)}\n")
        XCTAssertTrue(failure(d)?.contains("nested more than 256 deep") ?? false)
    }

    func testInvalidUTF8IsReplacedCountedAndNotedOnce() throws {
        let p = dir + "/bad.jsonl"
        var bytes = Array("{\"_id\": \"1\", \"text\": \"ok\"}\n".utf8)
        bytes += Array("{\"_id\": \"2\", \"text\": \"a".utf8) + [0xFF] + Array("b\"}\n".utf8)
        bytes += Array("{\"_id\": \"3\", \"text\": \"".utf8) + [0xC3] + Array("\"}\n".utf8)
        try writeFileAtomically(p, bytes)
        let (r, docs) = try readAll(p)
        XCTAssertEqual(docs.map(\.text), ["ok", "a\u{FFFD}b", "\u{FFFD}"])
        XCTAssertEqual(r.notes, ["\(p):2: invalid UTF-8 replaced by U+FFFD on 2 lines (first here)"])
    }

    // MARK: TSV

    func testTSV() throws {
        let p = try write("c.tsv", "id\ttext\n1\tfirst doc\n\n2\ttitle two\tbody two\n 3 \ta\tb\tc\n")
        let (r, docs) = try readAll(p)
        XCTAssertEqual(triples(docs), [["1", "", "first doc"], ["2", "title two", "body two"], ["3", "a", "b c"]])
        XCTAssertEqual(docs.map(\.line), [2, 4, 5])
        XCTAssertEqual(r.filesRead.map(\.format), [.tsv])
        // Without a header, the first line is a document.
        let q = try write("d.tsv", "7\tseven\r\n8\teight\r\n")
        XCTAssertEqual(triples(try readAll(q).1), [["7", "", "seven"], ["8", "", "eight"]])
        let bad = try write("bad.tsv", "1\tok\nnotab\n")
        XCTAssertEqual(failure(bad), "\(bad):2: expected id<TAB>text or id<TAB>title<TAB>text, found no tab")
        let empty = try write("emptyid.tsv", "1\tok\n\tno id\n")
        XCTAssertEqual(failure(empty), "\(empty):2: empty document id")
    }

    /// A BEIR folder (corpus.jsonl, queries.jsonl, qrels/test.tsv) is its corpus: the queries
    /// are not documents and the qrels no duplicate ids (both happened before).
    func testABEIRFolderIsReadAsItsCorpus() throws {
        try FileManager.default.createDirectory(atPath: dir + "/beir/qrels", withIntermediateDirectories: true)
        try write("beir/corpus.jsonl", "{\"_id\": \"d1\", \"title\": \"T\", \"text\": \"one\"}\n{\"_id\": \"d2\", \"text\": \"two\"}\n")
        try write("beir/queries.jsonl", "{\"_id\": \"q1\", \"text\": \"a query\"}\n")
        try write("beir/qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td2\t0\n")
        let (r, docs) = try readAll(dir + "/beir")
        XCTAssertEqual(docs.map(\.id), ["d1", "d2"])
        XCTAssertEqual(r.filesRead.map(\.path), [dir + "/beir/corpus.jsonl"])
        XCTAssertTrue(r.notes.contains { $0.contains("is a BEIR folder: its documents are corpus.jsonl") }, "\(r.notes)")
        XCTAssertEqual(try listCollectionFiles(dir + "/beir"), [dir + "/beir/corpus.jsonl"])
        // Without qrels/ it is still a BEIR folder (queries.jsonl beside corpus.jsonl).
        try FileManager.default.removeItem(atPath: dir + "/beir/qrels")
        XCTAssertEqual(try readAll(dir + "/beir").1.count, 2)
        // A plain folder of files is still read whole.
        try FileManager.default.removeItem(atPath: dir + "/beir/queries.jsonl")
        try write("beir/more.jsonl", "{\"_id\": \"d3\", \"text\": \"three\"}\n")
        XCTAssertEqual(try readAll(dir + "/beir").1.map(\.id), ["d1", "d2", "d3"])
    }

    // MARK: TREC SGML

    func testTRECSGML() throws {
        let p = try write("docs", """
        <DOC>
        <DOCNO> FT911-1 </DOCNO>
        <PROFILE>_AN-BEOA7AAIFT</PROFILE>
        <HEADLINE>FT  14 MAY 91 / International Company News</HEADLINE>
        <TEXT>
        First paragraph &amp; more &lt;b&gt; &#233;t&#xE9; &hyph;x.
        <P>Second</P>
        </TEXT>
        </DOC>
        <doc><docno>LA010189-0001</docno><hl type="x"><p>Short Title</p></hl><text id="t1">one</text><date>ignored</date><Text>two</Text></doc>
        <DOC><DOCNO>X-3</DOCNO><LP>lead para</LP><TEXT>body a < b</TEXT></DOC>
        <?xml version="1.0"?><!DOCTYPE x>
        <DOC><DOCNO>FR-4</DOCNO><TEXT><!-- PJG FTAG 4700 -->kept<!-- a
        comment over
        lines --> also kept <!-- x --></TEXT></DOC>

        """, gzip: true)
        let (r, docs) = try readAll(p)
        XCTAssertEqual(triples(docs), [
            ["FT911-1", "FT 14 MAY 91 / International Company News", "First paragraph & more <b> été x. Second"],
            ["LA010189-0001", "Short Title", "one two"],
            ["X-3", "", "lead para body a < b"],
            ["FR-4", "", "kept also kept"],
        ])
        XCTAssertEqual(docs.map(\.line), [1, 10, 11, 13])
        XCTAssertEqual(r.filesRead.map(\.format), [.trec])
    }

    func testALessThanSignThatStartsNoTagIsText() throws {
        // "<y then" has no '>' on its line and no attributes: text, not a tag running on.
        let p = try write("lt", """
        <DOC>
        <DOCNO>LT-1</DOCNO>
        <TEXT>
        if x <y then
        z follows
        </TEXT>
        </DOC>
        <DOC>
        <DOCNO>LT-2</DOCNO>
        <TEXT type="a"
        lang="en">attributes over two lines</TEXT>
        </DOC>

        """)
        let (_, docs) = try readAll(p)
        XCTAssertEqual(triples(docs), [["LT-1", "", "if x <y then z follows"], ["LT-2", "", "attributes over two lines"]])
    }

    func testTRECWebDocumentsAndFBIS() throws {
        let p = try write("web", """
        <DOC>
        <DOCNO>GX000-00-0000000</DOCNO>
        <DOCHDR>
        http://www.example.gov/ HTTP/1.1 200 OK
        Content-Type: text/html
        </DOCHDR>
        <html><head><title>Example Agency</title><script type="x">var hidden = 1;</script>
        <style>p { color: red }</style></head>
        <p>Welcome &amp; hello</p><!-- nav --></html>
        </DOC>
        <DOC><DOCNO>G2</DOCNO><DOCHDR>h</DOCHDR><html><body>in body<script>no</script> too <a href="x"
           class="y">link</a
        ></body></html></DOC>
        <DOC><DOCNO>FBIS3-1</DOCNO><H3> <TI> Soviet Title </TI></H3><TEXT>news</TEXT></DOC>

        """)
        let (_, docs) = try readAll(p)
        XCTAssertEqual(triples(docs), [
            ["GX000-00-0000000", "Example Agency", "Welcome & hello"],
            ["G2", "", "in body too link"],
            ["FBIS3-1", "Soviet Title", "news"],
        ])
        XCTAssertEqual(docs.map(\.line), [1, 11, 14])
    }

    func testTRECErrors() throws {
        let a = try write("a.trec", "<DOC>\n<TEXT>no id</TEXT>\n</DOC>\n")
        XCTAssertEqual(failure(a), "\(a):1: <DOC> without a <DOCNO>")
        let b = try write("b.trec", "<DOC><DOCNO>1</DOCNO>\n<TEXT>x</TEXT>\n")
        XCTAssertEqual(failure(b), "\(b):1: unterminated <DOC>: the file ends before its </DOC>")
        let c = try write("c.trec", "<DOC><DOCNO>1</DOCNO>\n<DOC><DOCNO>2</DOCNO></DOC>\n")
        XCTAssertEqual(failure(c), "\(c):2: <DOC> inside the document that starts at line 1 (missing </DOC>?)")
        let d = try write("d.trec", "<DOC><DOCNO>1</DOCNO><DOCNO>2</DOCNO></DOC>\n")
        XCTAssertEqual(failure(d), "\(d):1: second <DOCNO> in the document that starts at line 1")
        let e = try write("e.trec", "<topics><topic number=\"1\"></topic></topics>\n")
        XCTAssertEqual(failure(e), "\(e):1: no <DOC> element found in a TREC file")
        let f = try write("f.trec", "</DOC>\n")
        XCTAssertEqual(failure(f), "\(f):1: </DOC> without a <DOC>")
        let g = try write("g.trec", "<DOC><DOCNO>  </DOCNO></DOC>\n")
        XCTAssertEqual(failure(g), "\(g):1: empty <DOCNO>")
    }

    // MARK: SMART

    func testSMART() throws {
        let p = try write("cran", ".I 1\r\n.T\r\nexperimental   investigation\r\nof a wing .\r\n.A\r\nbrenckman,m.\r\n.B\r\nj. ae. scs. 25, 1958, 324.\r\n.W\r\nexperimental investigation\r\n.5 percent of it .\r\n.I 2\r\n.T\r\nsecond\r\n.W\r\n.I 3\r\n.T title on line\r\n.X\r\nskipped\r\n.W body\r\nmore\r\n")
        let (r, docs) = try readAll(p)
        XCTAssertEqual(triples(docs), [
            ["1", "experimental investigation of a wing .", "experimental investigation .5 percent of it ."],
            ["2", "second", ""],
            ["3", "title on line", "body more"],
        ])
        XCTAssertEqual(docs.map(\.line), [1, 12, 16])
        XCTAssertEqual(r.filesRead.map(\.format), [.smart])
        let bad = try write("bad.smart", ".I 1\n.W\nx\n.I\n.W\ny\n")
        XCTAssertEqual(failure(bad), "\(bad):4: '.I' must be followed by one document id")
        let junk = try write("junk.smart", ".I 1\nfloating text\n")
        XCTAssertEqual(failure(junk), "\(junk):2: text before any field marker (.T, .A, .B, .W) in record 1")
        let before = try write("before.smart", "preamble\n.I 1\n.W\nx\n")
        XCTAssertEqual(failure(before, format: .smart), "\(before):1: expected a SMART record start '.I id'")
    }

    // MARK: Detection, directories, duplicates, empties

    func testDetectionAndForcedFormat() throws {
        let cases: [(String, CollectionFormat)] = [
            ("\n  \n{\"_id\": \"1\"}\n", .jsonl), ("<DOC><DOCNO>1</DOCNO></DOC>\n", .trec),
            ("\r\n.I 1\r\n.W\r\nx\r\n", .smart), ("1\tx\n", .tsv), ("id\ttext\n1\tx\n", .tsv),
        ]
        for (k, (text, format)) in cases.enumerated() {
            for gz in [false, true] {
                let p = try write("f\(k)\(gz)", text, gzip: gz)
                let (r, docs) = try readAll(p)
                XCTAssertEqual(r.filesRead.map(\.format), [format], text)
                XCTAssertEqual(docs.count, 1)
            }
        }
        let odd = try write("odd", "just some words\n")
        XCTAssertEqual(failure(odd), "\(odd): cannot tell the collection format from the first bytes (expected JSONL '{', TREC '<DOC>', SMART '.I id' or TSV 'id<TAB>text'); use --format")
        let bin = dir + "/bin"
        try writeTestFile(bin, Array("1\tx".utf8) + [0, 1, 2])
        XCTAssertEqual(failure(bin), "\(bin): binary data (NUL bytes) in the first 64 KB: not a text collection")
        // Forcing TSV on a JSONL file reads its lines as TSV (and fails on the missing tab).
        let j = try write("j.jsonl", "{\"_id\": \"1\"}\n")
        XCTAssertEqual(failure(j, format: .tsv), "\(j):1: expected id<TAB>text or id<TAB>title<TAB>text, found no tab")
    }

    func testDirectoryMixedFormatsSortedAndDuplicateIds() throws {
        try FileManager.default.createDirectory(atPath: dir + "/coll/sub", withIntermediateDirectories: true)
        try write("coll/b.jsonl", "{\"_id\": \"b1\", \"text\": \"x\"}\n", gzip: true)
        try write("coll/a.tsv", "a1\tx\n")
        try write("coll/sub/c.trec", "<DOC><DOCNO>c1</DOCNO><TEXT>t</TEXT></DOC>\n")
        try write("coll/.hidden", "junk that would not parse\n")
        try write("coll/empty", "")
        let progress = try CollectionReader(path: dir + "/coll")
        XCTAssertEqual(progress.fileCount, 4)
        XCTAssertEqual(progress.fractionDone, 0)
        var fractions: [Double] = []
        while try progress.next() != nil { fractions.append(progress.fractionDone) }
        XCTAssertEqual(fractions.count, 3)
        XCTAssertEqual(fractions, fractions.sorted())
        XCTAssertEqual(progress.fractionDone, 1)
        let (r, docs) = try readAll(dir + "/coll")
        XCTAssertEqual(docs.map(\.id), ["a1", "b1", "c1"])
        XCTAssertEqual(r.filesRead.map(\.format), [.tsv, .jsonl, .trec])
        XCTAssertEqual(r.notes, ["\(dir)/coll/empty: empty file skipped"])
        try write("coll/d.jsonl", "{\"_id\": \"d1\"}\n{\"_id\": \"b1\"}\n")
        XCTAssertEqual(failure(dir + "/coll"),
                       "\(dir)/coll/d.jsonl:2: duplicate document id \"b1\" (first seen at \(dir)/coll/b.jsonl:1)")
        let same = try write("same.jsonl", "{\"_id\": \"x\"}\n{\"_id\": \"y\"}\n{\"_id\": \"x\"}\n")
        XCTAssertEqual(failure(same), "\(same):3: duplicate document id \"x\" (first seen at \(same):1)")
    }

    func testEmptyInputs() throws {
        let e = try write("empty.jsonl", "")
        XCTAssertEqual(failure(e), "\(e): file is empty: no documents")
        let b = try write("blank.jsonl", "\n\n  \n", gzip: true)
        XCTAssertEqual(failure(b), "\(b): file is empty: no documents")
        try FileManager.default.createDirectory(atPath: dir + "/none", withIntermediateDirectories: true)
        XCTAssertEqual(failure(dir + "/none"), "\(dir)/none: directory has no readable files")
        try write("none/a", "")
        try write("none/b", "\n")
        XCTAssertEqual(failure(dir + "/none"), "\(dir)/none: collection has no documents")
        let h = try write("header-only.tsv", "id\ttext\n")
        XCTAssertEqual(failure(h), "\(h): collection has no documents")
        XCTAssertEqual(failure(dir + "/nope"), "\(dir)/nope: no such file or directory")
    }
}
