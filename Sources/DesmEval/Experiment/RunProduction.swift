import DesmIndex
import DesmText

/// What writing a run produced, for the user.
public struct RunStatistics: Sendable {
    public var lines = 0
    /// Topics with no usable query word or term, and similar, one line each.
    public var notes: [String] = []
}

/// Ranks every query (in batches, so full-collection DESM runs as a matrix product) and
/// writes each topic's top `depth` documents. Used by `desm run` and `desm experiment`.
public func writeRun(ranker: Ranker, topicIDs: [String], queries: [String], options: RankingOptions,
                     depth: Int, to writer: RunWriter, batch: Int = 64) throws -> RunStatistics {
    var stats = RunStatistics()
    var skippedWords: [String: Int] = [:]
    var dropped = 0
    var start = 0
    while start < queries.count {
        try Interrupt.check("ranking")
        let end = min(start + batch, queries.count)
        let rankings = try ranker.rankBatch(Array(queries[start..<end]), options: options, k: depth)
        for (offset, r) in rankings.enumerated() {
            let topic = topicIDs[start + offset]
            for w in r.query.skippedWords { skippedWords[w, default: 0] += 1 }
            dropped += r.query.droppedWords.count
            if r.hits.isEmpty { stats.notes.append("topic \(topic): no document retrieved (\(r.notes.joined(separator: "; ")))") }
            let hits = try r.hits.map { (docno: try ranker.index.docno($0.doc), score: $0.score) }
            try writer.write(topic: topic, hits: hits)
            stats.lines += hits.count
        }
        start = end
    }
    if !skippedWords.isEmpty, options.scorer != .bm25 {
        let total = skippedWords.values.reduce(0, +)
        let examples = skippedWords.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.prefix(8).map(\.key).joined(separator: ", ")
        stats.notes.append("\(total) query words are not in the model's vocabulary and were skipped (e.g. \(examples))")
    }
    if dropped > 0 {
        stats.notes.append("query stoplist \(options.queryStoplist.name) removed \(dropped) query words")
    }
    return stats
}
