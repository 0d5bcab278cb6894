// Bad input for the files of sharded runs: BM25 statistics (`desm stats --bm25-statistics`)
// and a shard's mixture moments (`desm run --normalisation-moments`). Each row is one
// hostile case run in a child process.
import DesmTestSupport
import DesmText
import Foundation
import XCTest

final class ShardFileBadInputTests: XCTestCase {
    /// A statistics file with a correct checksum over `terms` (or `extra` lines after the header).
    func statistics(_ terms: [String], declared: Int? = nil, documents: Int = 3) -> String {
        var body = "desm-bm25-statistics\t1\n"
        body += "analyzer\t{\"lowercase\":true,\"maxTokenLength\":64,\"stemmer\":\"porter\",\"stopwords\":{\"english\":{}},\"version\":1}\n"
        body += "shard\tall\ndocuments\t\(documents)\ntotal_length\t10\nterms\t\(declared ?? terms.count)\n"
        body += terms.map { $0 + "\n" }.joined()
        var crc = CRC32()
        crc.update(Array(body.utf8))
        return body + String(format: "end\t%08x\n", crc.value)
    }

    func testBM25Statistics() throws {
        let valid = statistics(["apple\t2", "end\t1"])
        var cases = commonCases("bm25-statistics", valid: valid)
        cases += [
            HostileCase(reader: "bm25-statistics", name: "valid (a term named end)", make: file(valid), outcome: .accepted("2 terms")),
            HostileCase(reader: "bm25-statistics", name: "a run file", make: file("1 Q0 d1 1 2.5 tag\n"), outcome: .line(1),
                        contains: ["not a desm BM25 statistics file"]),
            HostileCase(reader: "bm25-statistics", name: "version 2", make: file(valid.replacingOccurrences(of: "statistics\t1", with: "statistics\t2")),
                        outcome: .line(1), contains: ["version 1"]),
            HostileCase(reader: "bm25-statistics", name: "analyzer not JSON", make: file(valid.replacingOccurrences(of: "{\"lowercase\"", with: "{lowercase")),
                        outcome: .line(2), contains: ["analyzer"]),
            HostileCase(reader: "bm25-statistics", name: "negative documents", make: file(statistics(["apple\t2"], documents: -3)),
                        outcome: .line(4), contains: ["whole number"]),
            HostileCase(reader: "bm25-statistics", name: "df not a number", make: file(statistics(["apple\ttwo"])), outcome: .line(7),
                        contains: ["document frequency"]),
            HostileCase(reader: "bm25-statistics", name: "df above N", make: file(statistics(["apple\t4"])), outcome: .line(7)),
            HostileCase(reader: "bm25-statistics", name: "df of 40 digits", make: file(statistics(["apple\t" + String(repeating: "9", count: 40)])),
                        outcome: .line(7)),
            HostileCase(reader: "bm25-statistics", name: "terms out of order", make: file(statistics(["pear\t1", "apple\t1"])), outcome: .line(8),
                        contains: ["strictly increasing"]),
            HostileCase(reader: "bm25-statistics", name: "a term twice", make: file(statistics(["apple\t1", "apple\t1"])), outcome: .line(8)),
            HostileCase(reader: "bm25-statistics", name: "more terms than declared", make: file(statistics(["apple\t1", "pear\t1"], declared: 1)),
                        outcome: .line(8), contains: ["end line"]),
            HostileCase(reader: "bm25-statistics", name: "fewer terms than declared", make: file(statistics(["apple\t1"], declared: 3)),
                        outcome: .line(8)),
            HostileCase(reader: "bm25-statistics", name: "a df changed", make: file(valid.replacingOccurrences(of: "apple\t2", with: "apple\t3")),
                        outcome: .line(9), contains: ["checksum"]),
            HostileCase(reader: "bm25-statistics", name: "end line missing", make: file(String(valid.dropLast(14))), outcome: .line(9),
                        contains: ["ends before the end line"]),
            HostileCase(reader: "bm25-statistics", name: "text after the end line", make: file(valid + "more\n"), outcome: .line(10)),
            HostileCase(reader: "bm25-statistics", name: "a term line without a tab", make: file(statistics(["apple"])), outcome: .line(7)),
        ]
        try runHostileCases(cases)
    }

    func testShardMoments() throws {
        let row = "7\t1\t10\t1.5\t0\t3.25\t0\t-0.5\t0.75\t10\t20\t0\t60\t0\t0\t5"
        let valid = "#desm-moments\t1\tdesm-mixture-in-out\n\(row)\n"
        var cases = commonCases("shard-moments", valid: valid)
        cases += [
            HostileCase(reader: "shard-moments", name: "valid", make: file(valid), outcome: .accepted("1 topics")),
            HostileCase(reader: "shard-moments", name: "hits instead", make: file("#desm-hits\t1\ttag\n"), outcome: .line(1), contains: ["desm-moments"]),
            HostileCase(reader: "shard-moments", name: "version 2", make: file("#desm-moments\t2\ttag\n"), outcome: .line(1), contains: ["version 1"]),
            HostileCase(reader: "shard-moments", name: "a field missing", make: file(valid.replacingOccurrences(of: "\t5\n", with: "\n")), outcome: .line(2)),
            HostileCase(reader: "shard-moments", name: "a sum not finite", make: file(valid.replacingOccurrences(of: "\t1.5\t", with: "\tnan\t")), outcome: .line(2)),
            HostileCase(reader: "shard-moments", name: "negative count", make: file(valid.replacingOccurrences(of: "7\t1\t10", with: "7\t1\t-10")), outcome: .line(2)),
            HostileCase(reader: "shard-moments", name: "has-terms 2", make: file(valid.replacingOccurrences(of: "7\t1\t", with: "7\t2\t")), outcome: .line(2)),
            HostileCase(reader: "shard-moments", name: "a topic twice", make: file(valid + row + "\n"), outcome: .line(3), contains: ["twice"]),
        ]
        try runHostileCases(cases)
    }
}
