import DesmEval
import DesmText
import DesmTestSupport
import XCTest

/// What desm's libxml2 configuration does with XML topics (README, "Evaluation"): malformed
/// XML is libxml2's first error with its line; internal entities are expanded in text,
/// `<num>` and attribute values, at most 8 levels deep and under a budget; external
/// entities are never read; libxml2 itself refuses entity bombs.
extension TopicReaderTests {
    func testMalformedXMLNamesLineAndLibxml2Message() {
        let p = dir.write("bad.xml", "<topics>\n  <topic number=\"1\">\n    <query>a</qury>\n  </topic>\n</topics>\n")
        assertDesmError(["bad.xml:3:", "malformed XML", "mismatch"]) { _ = try loadTopics(path: p) }
    }

    /// libxml2 keeps only its last error, a consequence of the first here ("Premature end of
    /// data in tag topics", line 4); the first names the mistake, at line 2.
    func testMalformedXMLReportsLibxml2sFirstError() {
        let p = dir.write("first.xml", "<topics>\n<topic number=\"1\"><query>x</topic>\n</topics>\n")
        assertDesmError(["first.xml:2: malformed XML: Opening and ending tag mismatch: query line 2 and topic"]) {
            _ = try loadTopics(path: p)
        }
        do { _ = try loadTopics(path: p) } catch { XCTAssertFalse("\(error)".contains("Premature end of data"), "\(error)") }
    }

    /// An entity whose replacement text is malformed: libxml2 reports it at line 1 of that
    /// text, then at the reference; the message has the reference's line and the inner cause.
    func testMalformedEntityTextNamesTheReferenceAndTheCause() {
        let p = dir.write("ent.xml", "<!DOCTYPE t [<!ENTITY a \"<b>\">]>\n<t>\n<topic number=\"1\"><q>&a;</q></topic></t>\n")
        assertDesmError(["ent.xml:3: malformed XML: Entity 'a' failed to parse (in an entity's replacement text: Premature end of data in tag b"]) {
            _ = try loadTopics(path: p)
        }
    }

    /// The billion laughs: libxml2's amplification guard refuses the document before desm
    /// expands anything, and the message says why (libxml2 calls it a "loop").
    func testBillionLaughsIsRefusedByLibxml2() {
        var dtd = "<!ENTITY lol0 \"lollollollollollollollollollol\">\n"
        for i in 1...9 {
            dtd += "<!ENTITY lol\(i) \"" + String(repeating: "&lol\(i - 1);", count: 10) + "\">\n"
        }
        let head = "<?xml version=\"1.0\"?>\n<!DOCTYPE topics [\n\(dtd)]>\n"
        let p = dir.write("bomb.xml", head + "<topics><topic number=\"1\"><query>&lol9;</query></topic></topics>\n")
        assertDesmError(["bomb.xml:14: malformed XML: Detected an entity reference loop", "expand too much: refused"]) {
            _ = try loadTopics(path: p)
        }
        let a = dir.write("bomb-attribute.xml", head + "<topics><topic number=\"1\" type=\"&lol9;\"><query>q</query></topic></topics>\n")
        assertDesmError(["bomb-attribute.xml:14:", "expand too much: refused"]) { _ = try loadTopics(path: a) }
    }

    func testModerateEntityNestingIsExpandedWithinBudget() throws {
        let p = dir.write("ents.xml", """
        <!DOCTYPE t [<!ENTITY a "x"><!ENTITY b "&a;&a;">]><t><topic number="1"><q>&b;-&b;</q></topic></t>
        """)
        XCTAssertEqual(try loadTopics(path: p)[0].field("q"), "xx-xx")
    }

    /// Internal entities expand the same way in a `<num>`, in attribute values and in fields
    /// (before, attributes got the entity's raw replacement text and `<num>` nothing).
    func testInternalEntitiesExpandInNumbersAndAttributes() throws {
        let p = dir.write("attrs.xml", """
        <!DOCTYPE t [<!ENTITY a "x"><!ENTITY b "&a;&a;"><!ENTITY n "42">]>
        <t><topic number="&n;" type="&b;-&a;"><q>&b;</q></topic><topic><num>Number: &n;7</num><q>y</q></topic></t>
        """)
        let topics = try loadTopics(path: p)
        XCTAssertEqual(topics.map(\.id), ["42", "427"])
        XCTAssertEqual(topics[0].attributes["type"], "xx-x")
        XCTAssertEqual(topics[0].field("q"), "xx")
    }

    /// Nine levels of entities that each refer to the next (no amplification, so libxml2
    /// accepts them in text): desm expands eight and refuses the ninth; in attribute values
    /// eight expand too (before, they kept the first level's raw text, "&e7;"), and libxml2
    /// itself refuses the ninth there.
    func testEntityNestingDepthIsLimitedInTextAndAttributes() throws {
        var dtd = "<!ENTITY e0 \"x\">"
        for i in 1...9 { dtd += "<!ENTITY e\(i) \"&e\(i - 1);\">" }
        let ok = dir.write("deep8.xml", "<!DOCTYPE t [\(dtd)]>\n<t><topic number=\"1\" type=\"&e7;\"><q>&e7;</q></topic></t>\n")
        let topic = try loadTopics(path: ok)[0]
        XCTAssertEqual(topic.field("q"), "x")
        XCTAssertEqual(topic.attributes["type"], "x")
        let deep = dir.write("deep9.xml", "<!DOCTYPE t [\(dtd)]>\n<t><topic number=\"1\"><q>&e8;</q></topic></t>\n")
        assertDesmError(["deep9.xml:2:", "nested deeper than 8 levels"]) { _ = try loadTopics(path: deep) }
        let attribute = dir.write("deep9a.xml", "<!DOCTYPE t [\(dtd)]>\n<t><topic number=\"1\" type=\"&e8;\"><q>q</q></topic></t>\n")
        assertDesmError(["deep9a.xml:2:", "refused"]) { _ = try loadTopics(path: attribute) }
    }

    func testExternalEntityIsNotFetched() throws {
        let secret = dir.write("secret.txt", "SECRET")
        let p = dir.write("ext.xml", """
        <!DOCTYPE t [<!ENTITY s SYSTEM "file://\(secret)">]><t><topic number="1"><q>a &s; b</q></topic></t>
        """)
        let topics = try loadTopics(path: p)
        XCTAssertEqual(topics[0].field("q"), "a b")
    }

    /// libxml2's amplification guard stops entity bombs (above); desm's own budget for
    /// internal entities is the second line, exercised here with a small limit.
    func testEntityBudgetStopsLargeExpansions() throws {
        let p = dir.write("ents.xml", """
        <!DOCTYPE t [<!ENTITY a "0123456789"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
        <t><topic number="1"><q>&b;&b;</q></topic></t>
        """)
        XCTAssertEqual(try loadTopics(path: p, entityExpansionLimit: 1000)[0].field("q")?.count, 200)
        assertDesmError(["ents.xml:2:", "refusing to expand"]) { _ = try loadTopics(path: p, entityExpansionLimit: 150) }
    }
}
