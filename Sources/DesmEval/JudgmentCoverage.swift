/// How much of what a run retrieved the qrels judge: the evidence that a run and its qrels
/// name documents and topics the same way. trec_eval scores an unjudged document as not
/// relevant without a word, so a run whose docnos carry a prefix the qrels lack scores 0;
/// `desm eval` says so on stderr (`RunEvaluation.notes`).
public struct JudgmentCoverage: Sendable {
    /// Evaluated topics (in the run and the qrels) none of whose evaluated documents (after
    /// `-M`) has a grade of 0 or more: they score 0 on every measure. Byte-wise ascending.
    public var topicsWithoutJudgedDocuments: [String] = []
    /// Distinct docnos retrieved for the evaluated topics (after `-M`).
    public var retrievedDocnos = 0
    /// How many of those appear on no line of the qrels (for any topic).
    public var docnosNotInQrels = 0
    /// The first few of them, in topic order then rank order.
    public var examples: [String] = []

    static let exampleCount = 3

    private var seen: Set<String> = []

    public init() {}

    mutating func add(topic: String, _ ranked: RankedJudgments, qrels: Qrels) {
        if ranked.retrievedNoJudgedDocument { topicsWithoutJudgedDocuments.append(topic) }
        for docno in ranked.docnos where seen.insert(docno).inserted {
            retrievedDocnos += 1
            if !qrels.docnos.contains(docno) {
                docnosNotInQrels += 1
                if examples.count < Self.exampleCount { examples.append(docno) }
            }
        }
    }
}

extension RunEvaluation {
    /// What a trec_eval user should know about this evaluation, one line each (without the
    /// `note: <run>: ` prefix): topics ignored or missing, topics that retrieved no judged
    /// document, and docnos that the qrels never mention. The numbers are trec_eval's
    /// whatever these say.
    public func notes(complete: Bool) -> [String] {
        var out: [String] = []
        if !unjudgedTopics.isEmpty {
            out.append("\(unjudgedTopics.count) topic(s) not in the qrels, ignored (e.g. \(unjudgedTopics[0]))")
        }
        if !missingTopics.isEmpty {
            out.append("\(missingTopics.count) qrels topic(s) not in the run, " +
                       (complete ? "scored 0 (-c)" : "left out of the means (use -c to count them as 0)"))
        }
        let c = coverage
        if !c.topicsWithoutJudgedDocuments.isEmpty {
            out.append("\(c.topicsWithoutJudgedDocuments.count) of \(topics.count) evaluated topic(s) retrieved no judged document " +
                       "and score 0: " + listed(c.topicsWithoutJudgedDocuments, limit: 10))
        }
        if c.docnosNotInQrels == c.retrievedDocnos && c.retrievedDocnos > 0 {
            out.append("none of the \(c.retrievedDocnos) docno(s) retrieved for the evaluated topics appears in the qrels " +
                       "(e.g. \(c.examples.joined(separator: ", "))): do the run and the qrels name documents the same way?")
        } else if c.docnosNotInQrels > 0 {
            out.append("\(c.docnosNotInQrels) of the \(c.retrievedDocnos) docno(s) retrieved for the evaluated topics " +
                       "appear in no qrels line (unjudged, not relevant; e.g. \(c.examples.joined(separator: ", ")))")
        }
        return out
    }
}

/// `a, b, c` or `a, b, … (12 in all)`.
func listed(_ items: [String], limit: Int) -> String {
    items.count <= limit ? items.joined(separator: ", ")
        : items.prefix(limit).joined(separator: ", ") + ", … (\(items.count) in all)"
}
