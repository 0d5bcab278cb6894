// Bad input for collection readers (JSONL, TSV, TREC SGML, SMART; files and directories)
// and for word2vec text/binary and DESM tab vector files.
import DesmTestSupport
import Foundation
import XCTest

final class CollectionBadInputTests: XCTestCase {
    func testCollections() throws {
        let jsonl = "{\"_id\": \"1\", \"title\": \"t\", \"text\": \"a\"}\n{\"_id\": \"2\", \"text\": \"b\"}\n"
        var cases = commonCases("collection", valid: jsonl)
        cases += [
            // JSONL
            HostileCase(reader: "collection", name: "JSONL line not JSON", make: file(jsonl + "{\"_id\": \"3\", \"text\": \n"), outcome: .line(3)),
            HostileCase(reader: "collection", name: "JSONL missing _id", make: file("{\"text\": \"a\"}\n"), outcome: .line(1), contains: ["_id"]),
            HostileCase(reader: "collection", name: "JSONL duplicate ids", make: file(jsonl + "{\"_id\": \"1\", \"text\": \"c\"}\n"), outcome: .line(3), contains: ["duplicate"]),
            HostileCase(reader: "collection", name: "JSONL array line", make: file(jsonl + "[1, 2, 3]\n"), outcome: .line(3)),
            HostileCase(reader: "collection", name: "JSONL number where text expected (ignored)", make: file("{\"_id\": \"1\", \"text\": 5}\n"), outcome: .accepted("1 documents")),
            HostileCase(reader: "collection", name: "JSONL nested 100000 deep", make: file("{\"_id\": \"1\", \"text\": \"a\", \"m\": " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}\n"),
                        outcome: .line(1)),
            HostileCase(reader: "collection", name: "JSONL bad escape", make: file("{\"_id\": \"1\", \"text\": \"a\\qb\"}\n"), outcome: .line(1)),
            HostileCase(reader: "collection", name: "JSONL truncated escape", make: file("{\"_id\": \"1\", \"text\": \"a\\u12\"}\n"), outcome: .line(1)),
            HostileCase(reader: "collection", name: "JSONL lone surrogate replaced", make: file("{\"_id\": \"1\", \"text\": \"\\ud800x\"}\n"), outcome: .accepted("1 documents")),
            HostileCase(reader: "collection", name: "JSONL unterminated string at EOF", make: file("{\"_id\": \"1\", \"text\": \"abc"), outcome: .line(1)),
            HostileCase(reader: "collection", name: "JSONL invalid UTF-8 replaced", make: file(Array("{\"_id\": \"1\", \"text\": \"".utf8) + [0xFF, 0xC3] + Array("\"}\n".utf8)),
                        outcome: .accepted("1 documents")),
            HostileCase(reader: "collection", name: "JSONL 10 MB document accepted", make: file("{\"_id\": \"1\", \"text\": \"" + String(repeating: "word ", count: 2 << 20) + "\"}\n"),
                        outcome: .accepted("1 documents")),
            // TSV
            HostileCase(reader: "collection-tsv", name: "TSV line without a tab", make: file("1\ta\n2 b\n"), outcome: .line(2)),
            HostileCase(reader: "collection-tsv", name: "TSV empty id", make: file("\ttext\n"), outcome: .line(1)),
            HostileCase(reader: "collection-tsv", name: "TSV duplicate ids", make: file("1\ta\n1\tb\n"), outcome: .line(2), contains: ["duplicate"]),
            HostileCase(reader: "collection", name: "TSV detected then NUL line", make: file("1\ta\n" + String(repeating: "\0", count: 100) + "\n"), outcome: .named, contains: ["NUL"]),
            // TREC SGML
            HostileCase(reader: "collection", name: "TREC <DOC> never closed", make: file("<DOC>\n<DOCNO> a </DOCNO>\n<TEXT> x\n"), outcome: .someLine),
            HostileCase(reader: "collection", name: "TREC document without DOCNO", make: file("<DOC>\n<TEXT> x </TEXT>\n</DOC>\n"), outcome: .someLine, contains: ["DOCNO"]),
            HostileCase(reader: "collection", name: "TREC nested <DOC>", make: file("<DOC>\n<DOCNO> a </DOCNO>\n<DOC>\n<DOCNO> b </DOCNO>\n</DOC>\n</DOC>\n"), outcome: .someLine),
            HostileCase(reader: "collection", name: "TREC </DOC> without <DOC>", make: file("</DOC>\n"), outcome: .someLine),
            HostileCase(reader: "collection", name: "TREC empty DOCNO", make: file("<DOC>\n<DOCNO></DOCNO>\n<TEXT> x </TEXT>\n</DOC>\n"), outcome: .someLine),
            HostileCase(reader: "collection", name: "TREC duplicate DOCNO", make: file("<DOC><DOCNO>a</DOCNO><TEXT>x</TEXT></DOC>\n<DOC><DOCNO>a</DOCNO><TEXT>y</TEXT></DOC>\n"),
                        outcome: .line(2), contains: ["duplicate"]),
            HostileCase(reader: "collection", name: "TREC text outside documents ignored", make: file("<DOC><DOCNO>a</DOCNO></DOC>\nstray words\n"), outcome: .accepted("1 documents")),
            HostileCase(reader: "collection", name: "TREC truncated gzip", make: file(Array(gzip("<DOC>\n<DOCNO> a </DOCNO>\n<TEXT>\n" + String(repeating: "text ", count: 2000) + "\n</TEXT>\n</DOC>\n").prefix(60))),
                        outcome: .offset, contains: ["truncated"]),
            // SMART
            HostileCase(reader: "collection", name: "SMART .I without id", make: file(".I\n.W\ntext\n"), outcome: .line(1)),
            HostileCase(reader: "collection-smart", name: "SMART text before .I", make: file("stray\n.I 1\n.W\ntext\n"), outcome: .line(1)),
            HostileCase(reader: "collection", name: "SMART duplicate ids", make: file(".I 1\n.W\na\n.I 1\n.W\nb\n"), outcome: .line(4), contains: ["duplicate"]),
            HostileCase(reader: "collection", name: "SMART unknown field marker kept", make: file(".I 1\n.Q\nwhat\n"), outcome: .accepted("1 documents")),
            // Forced formats on the wrong content
            HostileCase(reader: "collection-jsonl", name: "forced JSONL on TSV", make: file("1\ta\n"), outcome: .line(1)),
            HostileCase(reader: "collection-trec", name: "forced TREC on JSONL", make: file(jsonl), outcome: .named),
            HostileCase(reader: "collection-smart", name: "forced SMART on random bytes", make: file(randomBytes(2000, seed: 9)), outcome: .named),
            // Directories
            HostileCase(reader: "collection", name: "directory without files", make: makeDirectory, outcome: .named, contains: ["no readable files"]),
            HostileCase(reader: "collection", name: "directory with a bad file", make: { p in
                try makeDirectory(p)
                try file(jsonl)(p + "/a.jsonl")
                try file("{broken\n")(p + "/b.jsonl")
            }, outcome: .namedPath("b.jsonl")),
            HostileCase(reader: "collection", name: "directory with duplicate ids across files", make: { p in
                try makeDirectory(p)
                try file(jsonl)(p + "/a.jsonl")
                try file(jsonl)(p + "/b.jsonl")
            }, outcome: .namedPath("b.jsonl"), contains: ["duplicate", "a.jsonl"]),
            HostileCase(reader: "collection", name: "directory with an unreadable file", make: { p in
                try makeDirectory(p)
                try file(jsonl)(p + "/a.jsonl")
                try makeUnreadable(p + "/b.jsonl")
            }, outcome: .namedPath("b.jsonl")),
        ]
        try runHostileCases(cases)
    }
}

final class VectorBadInputTests: XCTestCase {
    func testWord2VecTextBinaryAndTab() throws {
        let text = "2 3\nthe 0.1 0.2 0.3\nof -1 2e-3 4\n"
        var cases = commonCases("vectors", valid: text)
        func binary(count: Int, dim: Int, rows: [(String, [Float])], trailer: [UInt8] = []) -> [UInt8] {
            var b = Array("\(count) \(dim)\n".utf8)
            for (w, v) in rows {
                b += Array(w.utf8) + [0x20]
                for x in v { withUnsafeBytes(of: x.bitPattern.littleEndian) { b += $0 } }
                b.append(0x0A)
            }
            return b + trailer
        }
        let good = binary(count: 2, dim: 3, rows: [("the", [0.1, 0.2, 0.3]), ("of", [1, 2, 3])])
        cases += [
            // word2vec text
            HostileCase(reader: "vectors", name: "text fewer rows than the header", make: file("3 3\nthe 0.1 0.2 0.3\nof 1 2 3\n"), outcome: .someLine, contains: ["truncated"]),
            HostileCase(reader: "vectors", name: "text more rows than the header", make: file("1 3\nthe 0.1 0.2 0.3\nof 1 2 3\n"), outcome: .line(3)),
            HostileCase(reader: "vectors", name: "text ragged row", make: file("2 3\nthe 0.1 0.2 0.3\nof 1 2\n"), outcome: .line(3), contains: ["ragged"]),
            HostileCase(reader: "vectors", name: "text NaN", make: file("2 3\nthe 0.1 nan 0.3\nof 1 2 3\n"), outcome: .line(2), contains: ["NaN"]),
            HostileCase(reader: "vectors", name: "text Inf", make: file("2 3\nthe 0.1 0.2 0.3\nof 1 inf 3\n"), outcome: .line(3)),
            HostileCase(reader: "vectors", name: "text float overflow", make: file("1 3\nthe 1e39 0.2 0.3\n"), outcome: .line(2)),
            HostileCase(reader: "vectors", name: "text value not a number", make: file("1 3\nthe 0.1 zero 0.3\n"), outcome: .line(2), contains: ["not a number"]),
            HostileCase(reader: "vectors", name: "text header dim 0", make: file("1 0\nthe\n"), outcome: .named),
            HostileCase(reader: "vectors", name: "text negative count", make: file("-5 3\nthe 1 2 3\n"), outcome: .named),
            HostileCase(reader: "vectors", name: "text huge count, two rows", make: file("999999999999999999 3\nthe 1 2 3\nof 1 2 3\n"), outcome: .someLine),
            HostileCase(reader: "vectors-text", name: "text forced on a DESM tab file", make: file("the\t1\t2\n"), outcome: .line(1), contains: ["header"]),
            // word2vec binary
            HostileCase(reader: "vectors", name: "binary truncated record", make: file(Array(good.dropLast(6))), outcome: .offset, contains: ["truncated"]),
            HostileCase(reader: "vectors", name: "binary truncated after the header", make: file(Array(good.prefix(12))), outcome: .offset),
            HostileCase(reader: "vectors", name: "binary NaN", make: file(binary(count: 1, dim: 3, rows: [("the", [0.1, .nan, 0.3])])), outcome: .offset, contains: ["NaN"]),
            HostileCase(reader: "vectors", name: "binary Inf", make: file(binary(count: 1, dim: 3, rows: [("the", [0.1, 0.2, -.infinity])])), outcome: .offset),
            HostileCase(reader: "vectors", name: "binary word of 5000 bytes", make: file(binary(count: 1, dim: 3, rows: [(String(repeating: "w", count: 5000), [1, 2, 3])])),
                        outcome: .offset, contains: ["longer"]),
            HostileCase(reader: "vectors", name: "binary trailing garbage", make: file(good + Array("junk".utf8)), outcome: .offset),
            HostileCase(reader: "vectors", name: "binary header lies: dim 10^9", make: file(Array("2 1000000000\n".utf8) + randomBytes(3000, seed: 3)),
                        outcome: .named),
            HostileCase(reader: "vectors-binary", name: "binary forced without a header", make: file("the\t1\t2\n"), outcome: .line(1), contains: ["header"]),
            // DESM tab
            HostileCase(reader: "vectors", name: "tab ragged row", make: file("the\t1\t2\t3\nof\t1\t2\n"), outcome: .line(2), contains: ["ragged"]),
            HostileCase(reader: "vectors", name: "tab NaN", make: file("the\t1\tNaN\n"), outcome: .line(1)),
            HostileCase(reader: "vectors", name: "tab word only", make: file("the\n"), outcome: .line(1)),
            HostileCase(reader: "vectors-tab", name: "tab empty values", make: file("the\t1\t\t3\n"), outcome: .line(1)),
            HostileCase(reader: "vectors", name: "tab invalid UTF-8 word accepted", make: file(Array("th".utf8) + [0xFF] + Array("\t1\t2\n".utf8)), outcome: .accepted("1 vectors")),
            HostileCase(reader: "vectors", name: "tab duplicate words keep the first", make: file("a\t1\t2\na\t3\t4\n"), outcome: .accepted("1 vectors")),
        ]
        try runHostileCases(cases)
    }
}
