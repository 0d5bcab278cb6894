// Bad input for the text readers: gzip streams, lines, topics (XML, SGML, JSONL, TSV),
// qrels and run files. Each row is one hostile case run in a child process.
import DesmTestSupport
import Foundation
import XCTest

final class TextBadInputTests: XCTestCase {
    func testGzipStreams() throws {
        let gz = gzip("hello\nworld\n")
        var badCRC = gz
        badCRC[badCRC.count - 8] ^= 0xFF
        var badSize = gz
        badSize[badSize.count - 1] ^= 0x01
        var badMethod = gz
        badMethod[2] = 7
        var cases = [
            HostileCase(reader: "gzip", name: "only the magic bytes", make: file([0x1f, 0x8b]), outcome: .offset, contains: ["gzip"]),
            HostileCase(reader: "gzip", name: "gzip header cut short", make: file(Array(gz.prefix(6))), outcome: .offset, contains: ["gzip"]),
            HostileCase(reader: "gzip", name: "truncated at 60%", make: file(Array(gz.prefix(gz.count * 6 / 10))), outcome: .offset, contains: ["truncated"]),
            HostileCase(reader: "gzip", name: "last byte missing", make: file(Array(gz.dropLast())), outcome: .offset, contains: ["gzip"]),
            HostileCase(reader: "gzip", name: "CRC-32 wrong", make: file(badCRC), outcome: .offset, contains: ["gzip"]),
            HostileCase(reader: "gzip", name: "ISIZE wrong", make: file(badSize), outcome: .offset, contains: ["gzip"]),
            HostileCase(reader: "gzip", name: "unknown compression method", make: file(badMethod), outcome: .offset, contains: ["gzip"]),
            HostileCase(reader: "gzip", name: "second member truncated", make: file(gz + Array(gz.prefix(10))), outcome: .offset, contains: ["gzip"]),
            HostileCase(reader: "gzip", name: "garbage after the member", make: file(gz + [0x00, 0x01]), outcome: .offset, contains: ["trailing bytes"]),
            HostileCase(reader: "gzip", name: "a directory", make: makeDirectory, outcome: .named, contains: ["directory"]),
            HostileCase(reader: "gzip", name: "missing", make: makeNothing, outcome: .named, contains: ["o such file"]),
            HostileCase(reader: "gzip", name: "unreadable", make: makeUnreadable, outcome: .named),
            HostileCase(reader: "gzip", name: "two valid members", make: file(gz + gz), outcome: .accepted("24 bytes")),
            HostileCase(reader: "gzip", name: "plain bytes pass through", make: file(randomBytes(1000, seed: 5).map { $0 == 0x1f ? 0 : $0 }),
                        outcome: .accepted("1000 bytes")),
        ]
        // A gzip bomb: 64 MB of zeros in ~64 KB; inflating it is streamed in constant memory.
        cases.append(HostileCase(reader: "gzip", name: "gzip bomb streamed", make: file(gzip([UInt8](repeating: 0, count: 64 << 20))),
                                 outcome: .accepted("\(64 << 20) bytes")))
        try runHostileCases(cases)
    }

    func testLineReader() throws {
        try runHostileCases([
            HostileCase(reader: "lines", name: "10 MB line", make: file([UInt8](repeating: 0x61, count: 10 << 20)),
                        outcome: .line(1), contains: ["line longer than"]),
            HostileCase(reader: "lines", name: "10 MB third line", make: file(Array("a\nb\n".utf8) + [UInt8](repeating: 0x61, count: 10 << 20) + [0x0A]),
                        outcome: .line(3), contains: ["line longer than"]),
            HostileCase(reader: "lines", name: "gzip bomb without newlines", make: file(gzip([UInt8](repeating: 0x20, count: 100 << 20))),
                        outcome: .line(1), contains: ["line longer than"]),
            HostileCase(reader: "lines", name: "invalid UTF-8 replaced", make: file([0x61, 0xFF, 0xFE, 0x0A, 0xC3, 0x28, 0x0A]), outcome: .accepted("2 lines")),
            HostileCase(reader: "lines", name: "CR only line ends", make: file("a\rb\rc"), outcome: .accepted("1 lines")),
            HostileCase(reader: "lines", name: "NUL bytes", make: file([UInt8](repeating: 0, count: 5000)), outcome: .accepted("1 lines")),
            HostileCase(reader: "lines", name: "a directory", make: makeDirectory, outcome: .named, contains: ["directory"]),
            HostileCase(reader: "lines", name: "unreadable", make: makeUnreadable, outcome: .named),
        ])
    }

    func testTopics() throws {
        let xml = """
            <topics><topic number="1"><query>coronavirus origin</query></topic>
            <topic number="2"><query>weather</query></topic></topics>
            """
        var cases = commonCases("topics", valid: xml)
        let deep = String(repeating: "<a>", count: 100_000) + String(repeating: "</a>", count: 100_000)
        let laughs = """
            <?xml version="1.0"?>
            <!DOCTYPE topics [
             <!ENTITY lol "lollollollollollollollollollol">
             <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
             <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
             <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
             <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
             <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
             <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
             <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
             <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
             <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
            ]>
            <topics><topic number="1"><query>&lol9;</query></topic></topics>
            """
        let big = String(repeating: "x", count: 60_000)
        let quadratic = "<?xml version=\"1.0\"?><!DOCTYPE t [<!ENTITY a \"\(big)\">]><topics><topic number=\"1\"><query>"
            + String(repeating: "&a;", count: 20_000) + "</query></topic></topics>"
        let external = """
            <?xml version="1.0"?>
            <!DOCTYPE topics [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <topics><topic number="1"><query>a &xxe; b</query></topic></topics>
            """
        let parameterEntity = """
            <?xml version="1.0"?>
            <!DOCTYPE topics [<!ENTITY % ext SYSTEM "file:///etc/passwd"> %ext;]>
            <topics><topic number="1"><query>q</query></topic></topics>
            """
        let sgml = "<top>\n<num> Number: 301\n<title> crime\n<desc> Description:\nd\n</top>\n"
        cases += [
            HostileCase(reader: "topics", name: "XML unclosed element", make: file("<topics><topic number=\"1\"><query>x</topic></topics>"),
                        outcome: .someLine, contains: ["malformed XML"]),
            HostileCase(reader: "topics", name: "XML truncated", make: file(String(xml.prefix(xml.count / 2))), outcome: .someLine, contains: ["malformed XML"]),
            HostileCase(reader: "topics", name: "XML nested 100000 deep", make: file(deep), outcome: .someLine, contains: ["malformed XML"]),
            // 30 GB if expanded: refused at line 14, where it is used, under the 4 GB address limit.
            HostileCase(reader: "topics", name: "XML billion laughs", make: file(laughs), outcome: .line(14), contains: ["entit"]),
            HostileCase(reader: "topics", name: "XML quadratic blowup", make: file(quadratic), outcome: .named, contains: ["entit"]),
            HostileCase(reader: "topics", name: "XML external entity not loaded", make: file(external), outcome: .accepted("1 topics"),
                        mustNotContain: ["root:"]),
            HostileCase(reader: "topics", name: "XML external parameter entity not loaded", make: file(parameterEntity),
                        outcome: .accepted("1 topics"), mustNotContain: ["root:"]),
            HostileCase(reader: "topics", name: "XML topic without number", make: file("<topics><topic><query>x</query></topic></topics>"),
                        outcome: .line(1), contains: ["no number"]),
            HostileCase(reader: "topics", name: "XML duplicate topic numbers", make: file("<topics>\n<topic number=\"1\"><q>x</q></topic>\n<topic number=\"1\"><q>y</q></topic></topics>"),
                        outcome: .line(3), contains: ["occurs twice"]),
            HostileCase(reader: "topics", name: "XML empty root", make: file("<topics/>"), outcome: .named, contains: ["no topics"]),
            HostileCase(reader: "topics", name: "XML invalid UTF-8", make: file(Array("<topics><topic number=\"1\"><q>".utf8) + [0xFF, 0xFE] + Array("</q></topic></topics>".utf8)),
                        outcome: .someLine, contains: ["malformed XML"]),
            HostileCase(reader: "topics", name: "XML unknown encoding", make: file("<?xml version=\"1.0\" encoding=\"x-no-such\"?><topics/>"), outcome: .named),
            HostileCase(reader: "topics", name: "XML NUL inside", make: file(Array("<topics><topic number=\"1\"><q>a".utf8) + [0] + Array("b</q></topic></topics>".utf8)),
                        outcome: .named),
            HostileCase(reader: "topics", name: "XML 10 MB attribute", make: file("<topics><topic number=\"1\" x=\"" + String(repeating: "a", count: 10 << 20) + "\"><q>x</q></topic></topics>"),
                        outcome: .named),
            HostileCase(reader: "topics", name: "XML two roots", make: file("<topics/><topics/>"), outcome: .someLine, contains: ["malformed XML"]),
            HostileCase(reader: "topics", name: "SGML missing </top>", make: file("<top>\n<num> Number: 1\n<title> t\n"), outcome: .line(1), contains: ["</top>"]),
            HostileCase(reader: "topics", name: "SGML nested <top>", make: file("<top>\n<num> 1\n<title> t\n<top>\n<num> 2\n</top>\n"), outcome: .line(4)),
            HostileCase(reader: "topics", name: "SGML topic without <num>", make: file("<top>\n<title> t\n<desc> d\n</top>\n"), outcome: .line(1), contains: ["number"]),
            HostileCase(reader: "topics", name: "SGML tag cut at end", make: file("<top>\n<num> 1\n<title"), outcome: .named),
            HostileCase(reader: "topics", name: "SGML duplicate numbers", make: file(sgml + sgml), outcome: .line(7), contains: ["occurs twice"]),
            HostileCase(reader: "topics", name: "SGML invalid UTF-8 replaced", make: file(Array("<top>\n<num> 7\n<title> ".utf8) + [0xC0, 0xAF] + Array("\n</top>\n".utf8)),
                        outcome: .accepted("1 topics")),
            HostileCase(reader: "topics", name: "JSONL not JSON", make: file("{\"_id\": \"1\", \"text\": \"a\"}\n{not json\n"), outcome: .line(2), contains: ["JSON"]),
            HostileCase(reader: "topics", name: "JSONL array line", make: file("{\"_id\": \"1\", \"text\": \"a\"}\n[1,2]\n"), outcome: .line(2)),
            HostileCase(reader: "topics", name: "JSONL missing _id", make: file("{\"text\": \"a\"}\n"), outcome: .line(1), contains: ["_id"]),
            HostileCase(reader: "topics", name: "JSONL missing text", make: file("{\"_id\": \"1\"}\n"), outcome: .line(1), contains: ["text"]),
            HostileCase(reader: "topics", name: "JSONL nested 100000 deep", make: file("{\"_id\": \"1\", \"text\": \"a\", \"m\": " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}\n"),
                        outcome: .named),
            HostileCase(reader: "topics", name: "JSONL lone surrogate escape", make: file("{\"_id\": \"1\", \"text\": \"\\ud800\"}\n"), outcome: .named),
            HostileCase(reader: "topics", name: "TSV without a tab", make: file("1\tfine\n2 no tab here\n"), outcome: .line(2), contains: ["tab"]),
            HostileCase(reader: "topics", name: "TSV empty query id", make: file("\tquery\n"), outcome: .line(1)),
            HostileCase(reader: "topics", name: "TSV duplicate ids", make: file("1\ta\n1\tb\n"), outcome: .line(2), contains: ["occurs twice"]),
        ]
        try runHostileCases(cases)
    }

    func testQrels() throws {
        var cases = commonCases("qrels", valid: "1 0 d1 1\n1 0 d2 0\n")
        cases += [
            HostileCase(reader: "qrels", name: "three columns then four", make: file("1 d1 1\n1 0 d2 1\n"), outcome: .line(2), contains: ["columns"]),
            HostileCase(reader: "qrels", name: "five columns", make: file("1 0 d1 1 extra\n"), outcome: .line(1), contains: ["columns"]),
            HostileCase(reader: "qrels", name: "grade not an integer", make: file("1 0 d1 1.5\n"), outcome: .line(1), contains: ["not an integer"]),
            HostileCase(reader: "qrels", name: "grade NaN", make: file("1 0 d1 1\n1 0 d2 nan\n"), outcome: .line(2), contains: ["not an integer"]),
            HostileCase(reader: "qrels", name: "grade inf", make: file("1 0 d1 inf\n"), outcome: .line(1)),
            HostileCase(reader: "qrels", name: "grade beyond Int64", make: file("1 0 d1 99999999999999999999999\n"), outcome: .line(1)),
            HostileCase(reader: "qrels", name: "duplicate judgment", make: file("1 0 d1 1\n1 0 d1 2\n"), outcome: .line(2), contains: ["judged twice"]),
            HostileCase(reader: "qrels", name: "BEIR header only", make: file("query-id\tcorpus-id\tscore\n"), outcome: .named, contains: ["empty"]),
            HostileCase(reader: "qrels", name: "BEIR header in the middle", make: file("1 0 d 1\nquery-id corpus-id score\n"), outcome: .line(2)),
            HostileCase(reader: "qrels", name: "gzip bomb of 10 MB lines", make: file(gzip(Array(repeating: [UInt8](repeating: 0x61, count: 10 << 20) + [0x0A], count: 2).flatMap { $0 })), outcome: .line(1)),
            HostileCase(reader: "qrels", name: "negative grades accepted", make: file("1 0 d1 -1\n1 0 d2 -2147483649\n"), outcome: .accepted("1 topics")),
            HostileCase(reader: "qrels", name: "invalid UTF-8 docno accepted", make: file(Array("1 0 d".utf8) + [0xFF] + Array(" 1\n".utf8)), outcome: .accepted("1 topics")),
        ]
        try runHostileCases(cases)
    }

    func testRuns() throws {
        var cases = commonCases("run", valid: "1 Q0 d1 1 2.5 t\n1 Q0 d2 2 1.5 t\n")
        cases += [
            HostileCase(reader: "run", name: "five columns", make: file("1 Q0 d1 1 2.5\n"), outcome: .line(1), contains: ["columns"]),
            HostileCase(reader: "run", name: "seven columns", make: file("1 Q0 d1 1 2.5 t extra\n"), outcome: .line(1), contains: ["columns"]),
            HostileCase(reader: "run", name: "score NaN", make: file("1 Q0 d1 1 2.5 t\n1 Q0 d2 2 nan t\n"), outcome: .line(2), contains: ["finite"]),
            HostileCase(reader: "run", name: "score inf", make: file("1 Q0 d1 1 -inf t\n"), outcome: .line(1), contains: ["finite"]),
            HostileCase(reader: "run", name: "score overflows to inf", make: file("1 Q0 d1 1 1e999 t\n"), outcome: .line(1), contains: ["finite"]),
            HostileCase(reader: "run", name: "score not a number", make: file("1 Q0 d1 1 high t\n"), outcome: .line(1), contains: ["finite"]),
            HostileCase(reader: "run", name: "score with trailing junk", make: file("1 Q0 d1 1 2.5x t\n"), outcome: .line(1)),
            HostileCase(reader: "run", name: "score of 10 MB", make: file("1 Q0 d1 1 " + String(repeating: "9", count: 10 << 20) + " t\n"), outcome: .line(1)),
            HostileCase(reader: "run", name: "document twice for a topic", make: file("1 Q0 d1 1 2 t\n1 Q0 d1 2 1 t\n"), outcome: .line(2), contains: ["twice"]),
            HostileCase(reader: "run", name: "gzip bomb of 10 MB lines", make: file(gzip(Array(repeating: [UInt8](repeating: 0x61, count: 10 << 20) + [0x0A], count: 2).flatMap { $0 })), outcome: .line(1)),
            HostileCase(reader: "run", name: "huge rank ignored", make: file("1 Q0 d1 99999999999999999999999 2 t\n"), outcome: .accepted("1 topics")),
            HostileCase(reader: "run", name: "hex float score accepted", make: file("1 Q0 d1 1 0x1p3 t\n"), outcome: .accepted("1 topics")),
        ]
        try runHostileCases(cases)
    }
}
