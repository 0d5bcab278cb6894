import DesmText
import Glibc

/// A TREC run read for evaluation: for each topic, its retrieved documents and scores.
/// (Writing runs belongs to DesmIndex; this is the reader.)
public struct RunFile: Sendable {
    public struct Entry: Sendable, Equatable {
        public var docno: String
        public var score: Double
        public init(docno: String, score: Double) {
            self.docno = docno
            self.score = score
        }
    }

    public let path: String
    /// The tag (6th column) of the first line; trec_eval prints it as `runid`.
    public var tag: String
    /// topic → entries in file order (the rank column is ignored, as trec_eval does).
    public var topics: [String: [Entry]]

    public init(path: String = "<memory>", tag: String = "run", topics: [String: [Entry]]) {
        self.path = path
        self.tag = tag
        self.topics = topics
    }

    /// A short name for tables: the file name without directories.
    public var name: String { path.split(separator: "/").last.map(String.init) ?? path }

    /// Reads a TREC run (`qid Q0 docno rank score tag`, whitespace-separated), plain or gzip.
    /// A wrong number of columns, a score that is not a finite number, or a document listed
    /// twice for one topic is an error naming the file and the line. Progress goes to
    /// `progress` (by bytes of the file); an interruption (SIGINT) stops the reading with an error.
    public static func load(path: String, progress: ProgressReporter = .silent) throws -> RunFile {
        let reader = try LineReader(path: path)
        let total = reader.source.fileSize.map(Double.init)
        var starts: [Int] = [], ends: [Int] = []
        starts.reserveCapacity(8); ends.reserveCapacity(8)
        var topics: [String: [Entry]] = [:]
        var seen: [String: Set<String>] = [:]
        var tag: String? = nil
        var scratch = [CChar](repeating: 0, count: 64)
        while true {
            let parsed: (String, String, Double, String)?? = try reader.withNextLine { bytes -> (String, String, Double, String)? in
                let n = reader.lineNumber
                // Split into at most 7 fields on spaces and tabs.
                starts.removeAll(keepingCapacity: true); ends.removeAll(keepingCapacity: true)
                var i = 0
                let count = bytes.count
                while i < count {
                    while i < count && (bytes[i] == 0x20 || bytes[i] == 0x09) { i += 1 }
                    if i >= count { break }
                    let s = i
                    while i < count && bytes[i] != 0x20 && bytes[i] != 0x09 { i += 1 }
                    starts.append(s); ends.append(i)
                    if starts.count > 6 { break }
                }
                if starts.isEmpty { return nil }
                guard starts.count == 6 else {
                    throw DesmError.at(path, line: n, "expected 6 columns \"qid Q0 docno rank score tag\", found \(starts.count > 6 ? "more" : String(starts.count))")
                }
                func field(_ k: Int) -> String {
                    String(decoding: UnsafeBufferPointer(rebasing: bytes[starts[k]..<ends[k]]), as: UTF8.self)
                }
                let len = ends[4] - starts[4]
                if len + 1 > scratch.count { scratch = [CChar](repeating: 0, count: len + 1) }
                let score: Double = scratch.withUnsafeMutableBufferPointer { buf in
                    for k in 0..<len { buf[k] = CChar(bitPattern: bytes[starts[4] + k]) }
                    buf[len] = 0
                    var end: UnsafeMutablePointer<CChar>? = nil
                    let v = strtod(buf.baseAddress!, &end)
                    if end != buf.baseAddress! + len || len == 0 { return .nan }
                    return v
                }
                guard score.isFinite else {
                    throw DesmError.at(path, line: n, "score \"\(field(4))\" is not a finite number")
                }
                return (field(0), field(2), score, field(5))
            }
            guard let line = parsed else { break }     // end of input
            if reader.lineNumber & 0xFFFF == 0 {
                try Interrupt.check("reading \(path)")
                progress.update(done: Double(reader.source.fileOffset), total: total)
            }
            guard let (qid, docno, score, lineTag) = line else { continue }   // blank line
            if tag == nil { tag = lineTag }
            if !seen[qid, default: []].insert(docno).inserted {
                throw DesmError.at(path, line: reader.lineNumber, "document \(docno) listed twice for topic \(qid)")
            }
            topics[qid, default: []].append(Entry(docno: docno, score: score))
        }
        progress.finish()
        guard let runTag = tag else { throw DesmError("empty run file: no results", path: path) }
        return RunFile(path: path, tag: runTag, topics: topics)
    }
}
