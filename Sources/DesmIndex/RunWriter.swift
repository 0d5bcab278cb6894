import DesmText
import Foundation

/// Writes a TREC run file (`qid Q0 docno rank score tag`, 6 columns) atomically.
///
/// trec_eval ignores the rank column and re-sorts by score (ties by docno *descending*),
/// holding scores as float32 (9.x, pytrec_eval) or double (10.x). So that every tool reads
/// the list in exactly the order desm ranked it, each topic's hits are ordered by score
/// descending then docno ascending (byte order), and the written scores are made strictly
/// decreasing as float32: a score that would not be below the previous written one is
/// replaced by the next float32 below it (like Anserini's 1e-6 tie steps, but exact at any
/// magnitude). Scores are printed with 9 significant digits, which round-trip float32.
public final class RunWriter {
    public let path: String
    public let tag: String
    /// The file's writer; nil when the run goes to standard output, held in `buffered` until
    /// `commit` so that a failed run prints nothing.
    private let writer: AtomicFileWriter?
    private var buffered: [UInt8] = []
    private var topics = Set<String>()

    public init(path: String, tag: String) throws {
        guard RunWriter.isField(tag) else { throw DesmError("run tag \"\(tag)\" must be non-empty and without whitespace") }
        self.path = path
        self.tag = tag
        writer = try AtomicFileWriter(path: path)
    }

    /// A run written to standard output when committed.
    public init(standardOutputWithTag tag: String) throws {
        guard RunWriter.isField(tag) else { throw DesmError("run tag \"\(tag)\" must be non-empty and without whitespace") }
        path = "<standard output>"
        self.tag = tag
        writer = nil
    }

    static func isField(_ s: String) -> Bool {
        !s.isEmpty && !s.unicodeScalars.contains { $0.properties.isWhitespace }
    }

    /// Writes one topic's hits (any order; they are sorted as described above).
    public func write(topic: String, hits: [(docno: String, score: Double)]) throws {
        guard RunWriter.isField(topic) else { throw DesmError("topic id \"\(topic)\" must be non-empty and without whitespace", path: path) }
        guard topics.insert(topic).inserted else { throw DesmError("topic \(topic) written twice", path: path) }
        for line in try RunWriter.lines(topic: topic, hits: hits, tag: tag) {
            if let writer { try writer.write(line + "\n") } else { buffered.append(contentsOf: (line + "\n").utf8) }
        }
    }

    /// Writes one topic's ranking, naming documents by their docnos.
    public func write(topic: String, ranking: Ranking, index: DocumentIndex) throws {
        try write(topic: topic, hits: ranking.hits.map { (docno: try index.docno($0.doc), score: $0.score) })
    }

    /// Flushes, fsyncs and renames the run into place (or prints it).
    public func commit() throws {
        if let writer { return try writer.commit() }
        let written = buffered.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, stdout) }
        guard written == buffered.count, fflush(stdout) == 0 else {
            throw DesmError("cannot write the run to standard output: \(String(cString: strerror(errno)))")
        }
        buffered = []
    }

    /// The run lines for one topic (without newlines).
    public static func lines(topic: String, hits: [(docno: String, score: Double)], tag: String) throws -> [String] {
        var seen = Set<String>()
        for h in hits {
            guard isField(h.docno) else { throw DesmError("docno \"\(h.docno)\" cannot be written to a run (empty or has whitespace)") }
            guard seen.insert(h.docno).inserted else { throw DesmError("docno \(h.docno) appears twice for topic \(topic)") }
            guard h.score.isFinite else { throw DesmError("score of \(h.docno) for topic \(topic) is not finite") }
        }
        return ordered(hits).enumerated().map { i, h in
            "\(topic) Q0 \(h.docno) \(i + 1) \(String(format: "%.9g", Double(h.score))) \(tag)"
        }
    }

    /// One topic's hits as a run holds them: by score descending then docno ascending (byte
    /// order), scores as float32 made strictly decreasing (see the type's description). The
    /// in-memory runs of `desm experiment` use this too, so they equal the written files.
    public static func ordered(_ hits: [(docno: String, score: Double)]) -> [(docno: String, score: Float)] {
        let sorted = hits.sorted {
            $0.score > $1.score || ($0.score == $1.score && $0.docno.utf8.lexicographicallyPrecedes($1.docno.utf8))
        }
        var out: [(docno: String, score: Float)] = []
        out.reserveCapacity(sorted.count)
        var previous = Float.infinity
        for h in sorted {
            var s = Float(h.score)
            if !(s < previous) { s = previous.nextDown }
            previous = s
            out.append((h.docno, s))
        }
        return out
    }
}
