import DesmText

/// Relevance judgments: for each topic, the grade of each judged document.
///
/// Grades are integers and may be negative; a negative grade means "unjudged" for every
/// measure (no gain, not in the ideal ranking, never relevant), as in trec_eval.
public struct Qrels: Sendable {
    public let path: String
    /// topic → document → grade.
    public private(set) var judgments: [String: [String: Int]]
    /// Every docno on some line of the qrels, whatever its topic and grade.
    public private(set) var docnos: Set<String> = []

    /// Topics in trec_eval's order (byte-wise ascending, as `strcmp`).
    public var topicIDs: [String] { judgments.keys.sorted(by: byteOrderLess) }

    /// Builds qrels from (topic, document, grade) triples; a repeated (topic, document) pair is
    /// an error.
    public init(_ triples: [(topic: String, docno: String, grade: Int)], path: String = "<memory>") throws {
        self.path = path
        self.judgments = [:]
        for (i, t) in triples.enumerated() {
            try add(topic: t.topic, docno: t.docno, grade: t.grade, line: i + 1)
        }
    }

    private init(path: String) {
        self.path = path
        self.judgments = [:]
    }

    private mutating func add(topic: String, docno: String, grade: Int, line: Int) throws {
        if judgments[topic]?[docno] != nil {
            throw DesmError.at(path, line: line, "document \(docno) judged twice for topic \(topic)")
        }
        judgments[topic, default: [:]][docno] = grade
        docnos.insert(docno)
    }

    /// The judgments of `topics` only (an experiment's topic set), so that averaging over
    /// every qrels topic (trec_eval -c) averages over the judged topics of that set.
    public func restricted(to topics: Set<String>) -> Qrels {
        var q = Qrels(path: path)
        for (topic, docs) in judgments where topics.contains(topic) {
            q.judgments[topic] = docs
            q.docnos.formUnion(docs.keys)
        }
        return q
    }

    /// The grade of a document for a topic, or nil when it is not judged.
    public func grade(topic: String, docno: String) -> Int? { judgments[topic]?[docno] }

    /// Number of documents with grade ≥ `level` for a topic.
    public func relevantCount(topic: String, level: Int = 1) -> Int {
        judgments[topic]?.values.reduce(0) { $0 + ($1 >= level ? 1 : 0) } ?? 0
    }

    /// Reads TREC qrels (`qid iter docno grade`, whitespace-separated, any `iter`) or BEIR
    /// qrels (`query-id corpus-id score` with that header, tab-separated), plain or gzip.
    /// A grade that is not an integer, a wrong number of columns or a repeated
    /// (topic, document) pair is an error naming the file and the line.
    public static func load(path: String) throws -> Qrels {
        var q = Qrels(path: path)
        let reader = try LineReader(path: path)
        var columns: Int? = nil       // 4 (TREC) or 3 (BEIR), fixed by the first data line
        var sawData = false
        while let line = try reader.nextLine() {
            let n = reader.lineNumber
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if parts.isEmpty { continue }
            if !sawData && columns == nil && parts.count == 3 && parts[0] == "query-id" {
                columns = 3     // BEIR header
                continue
            }
            sawData = true
            if columns == nil { columns = parts.count == 3 ? 3 : 4 }
            guard parts.count == columns else {
                let layout = columns == 3 ? "BEIR qrels \"query-id corpus-id score\"" : "TREC qrels \"qid iter docno grade\""
                throw DesmError.at(path, line: n, "expected \(columns!) columns (\(layout)), found \(parts.count)")
            }
            let gradeText = parts[parts.count - 1]
            guard let grade = Int(gradeText) else {
                throw DesmError.at(path, line: n, "relevance grade \"\(gradeText)\" is not an integer")
            }
            try q.add(topic: String(parts[0]), docno: String(parts[parts.count - 2]), grade: grade, line: n)
        }
        if q.judgments.isEmpty { throw DesmError("empty qrels file: no judgments", path: path) }
        return q
    }
}

/// Byte-wise string order (what C's `strcmp` gives), used by trec_eval for topics and docnos.
@inline(__always)
public func byteOrderLess(_ a: String, _ b: String) -> Bool {
    a.utf8.lexicographicallyPrecedes(b.utf8)
}
