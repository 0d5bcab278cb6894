import DesmText
import Foundation

/// The text file of `CollectionStatistics` (`desm stats --bm25-statistics`), version 1:
///
/// ```
/// desm-bm25-statistics<TAB>1
/// analyzer<TAB>{JSON of the BM25 AnalyzerConfig}
/// shard<TAB>i/n            (or "all")
/// documents<TAB>N
/// total_length<TAB>L
/// terms<TAB>T
/// <term><TAB><df>          T lines, terms strictly increasing by UTF-8 bytes, 1 ≤ df ≤ N
/// end<TAB><CRC-32 of every byte before this line, 8 hex digits>
/// ```
///
/// Written atomically; reading checks every line, the order, the counts and the checksum,
/// and names the file and line of the first problem.
extension CollectionStatistics {
    public static let fileMagic = "desm-bm25-statistics"
    public static let fileVersion = 1

    public func save(to path: String) throws {
        let w = try AtomicFileWriter(path: path)
        var crc = CRC32()
        func line(_ s: String) throws {
            let bytes = Array((s + "\n").utf8)
            crc.update(bytes)
            try w.write(bytes)
        }
        try line("\(Self.fileMagic)\t\(Self.fileVersion)")
        try line("analyzer\t" + (try Self.analyzerJSON(analyzer)))
        try line("shard\t\(shard?.description ?? "all")")
        try line("documents\t\(documents)")
        try line("total_length\t\(totalLength)")
        try line("terms\t\(terms.count)")
        for (t, n) in terms {
            guard !t.isEmpty, !t.utf8.contains(where: { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else {
                throw DesmError("term \"\(t)\" cannot be written to a statistics file (empty or has a tab or line break)", path: path)
            }
            try line("\(t)\t\(n)")
        }
        try w.write(String(format: "end\t%08x\n", crc.value))
        try w.commit()
    }

    static func analyzerJSON(_ a: AnalyzerConfig) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return String(decoding: try e.encode(a), as: UTF8.self)
    }

    /// Reads and validates a statistics file.
    public static func load(path: String) throws -> CollectionStatistics {
        let reader = try LineReader(path: path, maxLineBytes: 1 << 20)
        var crc = CRC32()
        // The end line is the only one outside the checksum.
        func next(_ what: String, end: Bool = false) throws -> String {
            let got: String? = try reader.withNextLine { bytes -> String in
                if !end {
                    crc.update(UnsafeRawBufferPointer(bytes))
                    crc.update([0x0A])
                }
                return String(decoding: bytes, as: UTF8.self)
            }
            guard let line = got else { throw DesmError.at(path, line: reader.lineNumber + 1, "file ends before \(what) (truncated?)") }
            return line
        }
        func field(_ key: String) throws -> String {
            let line = try next("the \(key) line")
            let parts = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == key else {
                throw DesmError.at(path, line: reader.lineNumber, "expected \"\(key)<TAB>value\", found \"\(line.prefix(60))\"")
            }
            return String(parts[1])
        }
        func count(_ key: String) throws -> Int {
            let v = try field(key)
            guard let n = Int(v), n >= 0 else { throw DesmError.at(path, line: reader.lineNumber, "\(key) must be a whole number ≥ 0, not \"\(v.prefix(40))\"") }
            return n
        }
        let head = try next("the header")
        guard head.hasPrefix(fileMagic + "\t") else {
            throw DesmError.at(path, line: 1, "not a desm BM25 statistics file (it starts \"\(fileMagic)<TAB>1\"; make one with `desm stats --bm25-statistics`)")
        }
        guard head == "\(fileMagic)\t\(fileVersion)" else {
            throw DesmError.at(path, line: 1, "statistics format \(head.dropFirst(fileMagic.count + 1)), this desm reads version \(fileVersion)")
        }
        let analyzerText = try field("analyzer")
        let analyzer: AnalyzerConfig
        do { analyzer = try JSONDecoder().decode(AnalyzerConfig.self, from: Data(analyzerText.utf8)) } catch {
            throw DesmError.at(path, line: reader.lineNumber, "analyzer is not valid: \(describeDecodingError(error))")
        }
        let shardText = try field("shard")
        var shard: Shard? = nil
        if shardText != "all" {
            do { shard = try Shard(parsing: shardText) } catch let e as DesmError { throw DesmError.at(path, line: reader.lineNumber, e.message) }
        }
        let documents = try count("documents")
        let total = try count("total_length")
        let termCount = try count("terms")
        var terms: [(term: String, df: Int)] = []
        terms.reserveCapacity(min(termCount, 1 << 24))
        var previous: String? = nil
        for _ in 0..<termCount {
            let line = try next("term \(terms.count + 1) of \(termCount)")
            guard let tab = line.utf8.firstIndex(of: 0x09) else {
                throw DesmError.at(path, line: reader.lineNumber, "expected \"term<TAB>df\", found \"\(line.prefix(60))\"")
            }
            let term = String(line[..<tab]), dfText = line[line.index(after: tab)...]
            guard let df = Int(dfText), df >= 1, df <= documents else {
                throw DesmError.at(path, line: reader.lineNumber, "document frequency of \"\(term.prefix(40))\" must be a whole number in 1…\(documents), not \"\(dfText.prefix(40))\"")
            }
            guard !term.isEmpty, previous.map({ $0.utf8.lexicographicallyPrecedes(term.utf8) }) ?? true else {
                throw DesmError.at(path, line: reader.lineNumber, "terms are not strictly increasing (\"\(term.prefix(40))\" after \"\(previous?.prefix(40) ?? "")\")")
            }
            previous = term
            terms.append((term, df))
        }
        let end = try next("the end line", end: true)
        guard end.hasPrefix("end\t") else {
            throw DesmError.at(path, line: reader.lineNumber, "expected the end line after \(termCount) terms, found \"\(end.prefix(60))\" (more terms than the header says?)")
        }
        let endCRC = String(end.dropFirst(4))
        let computed = String(format: "%08x", crc.value)
        guard endCRC == computed else {
            throw DesmError.at(path, line: reader.lineNumber, "checksum \(endCRC.prefix(20)) differs from the computed \(computed): the file is corrupted")
        }
        if try reader.withNextLine({ _ in true }) != nil {
            throw DesmError.at(path, line: reader.lineNumber, "text after the end line")
        }
        guard total >= 0, documents > 0 || (total == 0 && termCount == 0) else {
            throw DesmError.at(path, line: 4, "no documents, yet lengths or terms")
        }
        return CollectionStatistics(analyzer: analyzer, documents: documents, totalLength: total, terms: terms, shard: shard)
    }
}
