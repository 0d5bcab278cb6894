import DesmEval
import DesmText
import DesmTestSupport
import XCTest

final class TopicReaderTests: XCTestCase {
    let dir = ScratchDirectory("desm-eval")

    func shared(_ rel: String) throws -> String {
        try requireSharedData(rel)
    }

    func testRealTopicCounts() throws {
        let expected: [(String, Int)] = [
            ("trec-covid/topics-rnd5.xml", 50), ("trec-dl-passage/topics-dl19.xml", 43),
            ("trec-dl-passage/topics-dl20.xml", 54), ("scifact/topics.xml", 300),
            ("cranfield/topics.xml", 225), ("scifact/queries.jsonl", 1109),
            ("trec-dl-passage/msmarco-test2019-queries.tsv", 200),
            ("trec-dl-passage/msmarco-test2020-queries.tsv", 200), ("trec-dl-passage/topics.xml", 97),
            ("trec-covid/topics.xml", 50), ("trec-covid/beir/queries-test.tsv", 50),
            ("scifact/topics-train.xml", 809),
        ]
        for (rel, count) in expected {
            let topics = try loadTopics(path: try shared(rel))
            XCTAssertEqual(topics.count, count, rel)
        }
    }

    /// Every judged topic has a topic of the same number (the qrels and topics spell ids alike).
    func testQrelsTopicsHaveTopics() throws {
        let pairs = [("trec-dl-passage/topics-dl19.xml", "trec-dl-passage/qrels-dl19.txt"),
                     ("trec-dl-passage/topics-dl20.xml", "trec-dl-passage/qrels-dl20.txt"),
                     ("scifact/topics.xml", "scifact/qrels/test.tsv"),
                     ("cranfield/topics.xml", "cranfield/qrels.trec.txt"),
                     ("trec-covid/topics-rnd5.xml", "trec-covid/qrels-covid_d5_j0.5-5.txt")]
        for (t, q) in pairs {
            let ids = Set(try loadTopics(path: try shared(t)).map(\.id))
            let judged = Set(try Qrels.load(path: try shared(q)).topicIDs)
            XCTAssertEqual(judged, ids, "\(t) vs \(q)")
        }
    }

    func testTrecCovidFields() throws {
        let topics = try loadTopics(path: try shared("trec-covid/topics-rnd5.xml"))
        let first = try XCTUnwrap(topics.first)
        XCTAssertEqual(first.id, "1")
        XCTAssertEqual(first.fieldNames, ["query", "question", "narrative"])
        XCTAssertEqual(try first.text(fields: ["query"]), "coronavirus origin")
        XCTAssertEqual(try first.text(fields: ["query", "question"]),
                       "coronavirus origin what is the origin of COVID-19")
        XCTAssertEqual(topics.last?.id, "50")
        assertDesmError(["topics-rnd5.xml", "topic 1", "\"title\"", "query, question, narrative"]) {
            _ = try first.text(fields: ["title"])
        }
    }

    func testJSONLAndTSVQueries() throws {
        let sci = try loadTopics(path: try shared("scifact/queries.jsonl"))
        XCTAssertEqual(sci[0].id, "0")
        XCTAssertEqual(try sci[0].text(fields: ["query"]), "0-dimensional biomaterials lack inductive properties.")
        let dl = try loadTopics(path: try shared("trec-dl-passage/msmarco-test2019-queries.tsv"))
        XCTAssertEqual(dl[0].id, "1108939")
        XCTAssertEqual(try dl[0].text(fields: []), "what slows down the flow of blood")
    }

    func testUnseenXMLLayout() throws {
        let p = dir.write("odd.xml", """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE webtrack [
          <!ENTITY org "National Institute of Standards">
          <!ELEMENT webtrack ANY>
        ]>
        <!-- a comment before the root -->
        <webtrack year="2012">
          <query number="201" type="faceted">
            <text>  raspberry
               pi </text>
            <!-- ignored comment -->
            <description><![CDATA[How do I <b>build</b> a "pi" & more?]]></description>
            <subtopic number="1" type="inf">What is a &lt;raspberry&gt; pi?</subtopic>
            <subtopic number="2" type="nav">Find the &org; site &#233;t&#xE9;.</subtopic>
          </query>
          <query>
            <num> Number: 202 </num>
            <text>uss carl vinson</text>
          </query>
        </webtrack>
        """)
        let topics = try loadTopics(path: p)
        XCTAssertEqual(topics.map(\.id), ["201", "202"])
        let t = topics[0]
        XCTAssertEqual(t.attributes["type"], "faceted")
        XCTAssertEqual(t.fieldNames, ["text", "description", "subtopic"])
        XCTAssertEqual(try t.text(fields: ["text"]), "raspberry pi")
        XCTAssertEqual(t.field("description"), "How do I <b>build</b> a \"pi\" & more?")
        XCTAssertEqual(t.field("subtopic"),
                       "What is a <raspberry> pi? Find the National Institute of Standards site été.")
        XCTAssertEqual(t.line, 8)
        XCTAssertEqual(topics[1].fields.map(\.name), ["text"])
    }

    func testNestedContainers() throws {
        let p = dir.write("nested.xml", "<trec><topics><topic id='7'><title>a</title></topic></topics></trec>")
        let topics = try loadTopics(path: p)
        XCTAssertEqual(topics.map(\.id), ["7"])
        XCTAssertEqual(topics[0].field("title"), "a")
    }

    func testClassicTrecSGML() throws {
        let p = dir.write("robust.txt", """
        <top>
        <num> Number: 301
        <title> International Organized Crime

        <desc> Description:
        Identify organizations that participate in international criminal
        activity.

        <narr> Narrative:
        A relevant document must as a minimum identify the organization.
        </top>

        <top>
        <num> Number: 302 </num>
        <title> Poliomyelitis and Post-Polio
        <desc> Description: Is the disease on the rise?
        <narr> Narrative: Relevant documents discuss polio.
        </top>
        """)
        let topics = try loadTopics(path: p)
        XCTAssertEqual(topics.map(\.id), ["301", "302"])
        XCTAssertEqual(topics[0].fieldNames, ["title", "desc", "narr"])
        XCTAssertEqual(topics[0].field("title"), "International Organized Crime")
        XCTAssertEqual(topics[0].field("desc"), "Identify organizations that participate in international criminal activity.")
        XCTAssertEqual(topics[0].field("narr"), "A relevant document must as a minimum identify the organization.")
        XCTAssertEqual(try topics[1].text(fields: ["title", "desc"]), "Poliomyelitis and Post-Polio Is the disease on the rise?")
        XCTAssertEqual(topics[1].line, 13)
    }

    func testDetection() throws {
        func detect(_ s: String) throws -> TopicFormat { try detectTopicFormat(Array(s.utf8), path: "x") }
        XCTAssertEqual(try detect("\u{FEFF}  {\"_id\":\"1\",\"text\":\"a\"}"), .jsonl)
        XCTAssertEqual(try detect("<top>\n<num> Number: 1\n<title> x\n</top>"), .sgml)
        XCTAssertEqual(try detect("<topics><topic><num>1</num></topic></topics>"), .xml)
        XCTAssertEqual(try detect("1\tquery"), .tsv)
        assertDesmError(["x", "empty topics file"]) { _ = try detect(" \n\t ") }
    }

    // MARK: bad input

    func testTopicWithoutNumber() {
        let p = dir.write("nonum.xml", "<topics>\n<topic number=\"1\"><query>a</query></topic>\n<topic><query>b</query></topic>\n</topics>")
        assertDesmError(["nonum.xml:3:", "no number"]) { _ = try loadTopics(path: p) }
        let s = dir.write("nonum.sgml", "<top>\n<num> Number: 1\n<title> a\n</top>\n<top>\n<title> b\n</top>\n")
        assertDesmError(["nonum.sgml:5:", "without a number"]) { _ = try loadTopics(path: s) }
        let j = dir.write("nonum.jsonl", "{\"_id\": \"1\", \"text\": \"a\"}\n{\"text\": \"b\"}\n")
        assertDesmError(["nonum.jsonl:2:", "_id"]) { _ = try loadTopics(path: j) }
    }

    func testDuplicateTopicAndOtherErrors() {
        let p = dir.write("dup.tsv", "1\ta\n2\tb\n1\tc\n")
        assertDesmError(["dup.tsv:3:", "topic 1 occurs twice"]) { _ = try loadTopics(path: p) }
        let notab = dir.write("notab.tsv", "1\ta\n2 b\n")
        assertDesmError(["notab.tsv:2:", "no tab"]) { _ = try loadTopics(path: notab) }
        let badjson = dir.write("bad.jsonl", "{\"_id\": \"1\", \"text\": \"a\"}\n{\"_id\": \n")
        assertDesmError(["bad.jsonl:2:", "not valid JSON"]) { _ = try loadTopics(path: badjson) }
        let empty = dir.write("empty.xml", "")
        assertDesmError(["empty.xml", "empty"]) { _ = try loadTopics(path: empty) }
        let noTopics = dir.write("none.xml", "<topics></topics>")
        assertDesmError(["none.xml", "no topics"]) { _ = try loadTopics(path: noTopics) }
        let open = dir.write("open.sgml", "<top>\n<num> 1\n<title> a\n")
        assertDesmError(["open.sgml:1:", "missing </top>"]) { _ = try loadTopics(path: open) }
        assertDesmError(["/no/such/topics.xml"]) { _ = try loadTopics(path: "/no/such/topics.xml") }
    }
}
