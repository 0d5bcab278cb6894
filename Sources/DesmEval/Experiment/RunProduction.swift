import DesmIndex
import DesmText

/// What writing a run produced, for the user.
public struct RunStatistics: Sendable {
    public var lines = 0
    /// Topics with no usable query word or term, and similar, one line each.
    public var notes: [String] = []
}

/// One topic's ranking, documents named by their docnos, best first.
public struct TopicHits: Sendable {
    public var topic: String
    public var hits: [(docno: String, score: Double)]
}

/// Ranks every query (in batches, so full-collection DESM runs as a matrix product) and
/// writes each topic's top `depth` documents. Used by `desm run` and `desm experiment`.
public func writeRun(ranker: Ranker, topicIDs: [String], queries: [String], options: RankingOptions,
                     depth: Int, to writer: RunWriter, batch: Int = 64) throws -> RunStatistics {
    try rankTopics(ranker: ranker, topicIDs: topicIDs, queries: queries, options: options, depth: depth, batch: batch) {
        try writer.write(topic: $0.topic, hits: $0.hits)
    }
}

/// Ranks every query and keeps the rankings in memory (`desm experiment`'s tuning and runs).
public func rankRun(ranker: Ranker, topicIDs: [String], queries: [String], options: RankingOptions,
                    depth: Int, batch: Int = 64) throws -> (topics: [TopicHits], statistics: RunStatistics) {
    var out: [TopicHits] = []
    out.reserveCapacity(topicIDs.count)
    let stats = try rankTopics(ranker: ranker, topicIDs: topicIDs, queries: queries, options: options,
                               depth: depth, batch: batch) { out.append($0) }
    return (out, stats)
}

/// Each topic's hits, enough of them that the run's first `needed` documents are exactly those
/// of a run to `depth` (what NDCG@`needed` sees), for the grid searches: ranking to depth
/// 1,000 costs several times more (the top-k and the docnos of a thousand hits per query).
/// Topics are ranked to `needed` + 10; where the score at rank `needed` equals the lowest
/// kept, a tie may straddle the cut (the run orders ties by docno, the top-k by document
/// number), and that topic is ranked again to `depth`.
public func rankTop(_ needed: Int, ranker: Ranker, topicIDs: [String], queries: [String], options: RankingOptions,
                    depth: Int) throws -> [TopicHits] {
    let shallow = needed + 10
    guard shallow < depth else { return try rankRun(ranker: ranker, topicIDs: topicIDs, queries: queries, options: options, depth: depth).topics }
    var topics = try rankRun(ranker: ranker, topicIDs: topicIDs, queries: queries, options: options, depth: shallow).topics
    let redo = topics.indices.filter { mayCutATie(topics[$0].hits.map(\.score), kept: shallow, needed: needed) }
    if !redo.isEmpty {
        let again = try rankRun(ranker: ranker, topicIDs: redo.map { topicIDs[$0] }, queries: redo.map { queries[$0] },
                                options: options, depth: depth).topics
        for (i, t) in zip(redo, again) { topics[i] = t }
    }
    return topics
}

/// Whether the `kept` best of a ranking (`scores`, in any order) might leave out a document
/// that ties with the one at rank `needed`: the ranking was cut (all `kept` are there) and
/// the score at rank `needed` is the lowest kept.
func mayCutATie(_ scores: [Double], kept: Int, needed: Int) -> Bool {
    guard scores.count >= kept, scores.count >= needed else { return false }
    let sorted = scores.sorted(by: >)
    return sorted[needed - 1] <= sorted[kept - 1]
}

/// The run that `RunWriter` would write for `topics`: each topic's hits ordered by score
/// descending then docno ascending (byte order), scores held as float32 and made strictly
/// decreasing exactly as the writer makes them. The scores equal the written ones as float32,
/// which is how trec_eval (and `evaluate`) compares them, so an evaluation in memory equals
/// the evaluation of the written file.
public func runFile(_ topics: [TopicHits], tag: String) -> RunFile {
    var out: [String: [RunFile.Entry]] = [:]
    for t in topics where !t.hits.isEmpty {
        out[t.topic] = RunWriter.ordered(t.hits).map { RunFile.Entry(docno: $0.docno, score: Double($0.score)) }
    }
    return RunFile(tag: tag, topics: out)
}

/// Ranks every query in batches and hands each topic's hits to `body`, in topic order.
func rankTopics(ranker: Ranker, topicIDs: [String], queries: [String], options: RankingOptions,
                depth: Int, batch: Int, body: (TopicHits) throws -> Void) throws -> RunStatistics {
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
            try body(TopicHits(topic: topic, hits: hits))
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
