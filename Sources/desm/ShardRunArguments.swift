import ArgumentParser
import DesmIndex
import DesmText
import Foundation

/// `desm run`'s options for ranking one shard as part of the whole collection
/// (spark/desm_spark.py passes them; docs/scale-out.md): hits instead of a run, the
/// collection's re-ranking candidates, and the mixture's moments out and in.
struct ShardRunArguments: ParsableArguments {
    @Flag(name: .long, help: "Write --out as a shard's hits (qid, docno, collection position, raw score; `#desm-hits` header) for merging, instead of a TREC run.")
    var hits = false

    @Option(name: .long, help: ArgumentHelp("With --rerank: the collection's BM25 top K per topic (merged hits of every shard's BM25 pass); this index re-ranks its members of them.", valueName: "FILE"))
    var candidates: String?

    @Option(name: .long, help: ArgumentHelp("Mixture normalised per query: write each topic's moments of both halves over this index's candidates (count, compensated sums, min, max) to FILE, for merging; no run is written.", valueName: "FILE"))
    var writeMoments: String?

    @Option(name: .long, help: ArgumentHelp("Mixture normalised per query: normalise with these moments of the whole collection (every shard's --write-moments added) instead of this index's own.", valueName: "FILE"))
    var normalisationMoments: String?

    /// Whether any of these options is given.
    var any: Bool { hits || candidates != nil || writeMoments != nil || normalisationMoments != nil }

    func check(_ options: RankingOptions, out: String?) throws {
        let normalised: Bool
        if case .mixture = options.scorer, options.normalisation != .none { normalised = true } else { normalised = false }
        if candidates != nil && options.rerank == nil { throw ValidationError("--candidates are what --rerank K re-ranks: add --rerank K") }
        if (writeMoments != nil || normalisationMoments != nil) && !normalised {
            throw ValidationError("--write-moments and --normalisation-moments are for a mixture with --norm minmax or zscore")
        }
        if writeMoments != nil && normalisationMoments != nil { throw ValidationError("--write-moments is the first pass, --normalisation-moments the second: give one") }
        if writeMoments != nil && (out != nil || hits) { throw ValidationError("--write-moments writes moments, not a run: leave out --out and --hits") }
        if writeMoments == nil && out == nil { throw ValidationError("--out FILE is required (the run, or the hits with --hits)") }
        if hits && out == "-" { throw ValidationError("--hits needs a file name for --out") }
    }

    /// One context per topic, or nil when no collection-wide input is given.
    func contexts(topicIDs: [String], index: DocumentIndex, options: RankingOptions) throws -> [ShardTopicContext]? {
        guard candidates != nil || normalisationMoments != nil else { return nil }
        let given = try candidates.map { try ShardResultFiles.candidates(path: $0, index: index) }
        let moments = try normalisationMoments.map { try ShardResultFiles.moments(path: $0) }
        return try topicIDs.map { id in
            var c = ShardTopicContext()
            if let given { c.candidates = given[id] ?? [] }
            if let moments, let path = normalisationMoments {
                guard let m = moments[id] else { throw DesmError("no moments for topic \(id)", path: path) }
                c.normalisation = m.moments.normalisation(alpha: options.alpha, kind: options.normalisation)
                c.collectionHasTerms = m.hasTerms
            }
            return c
        }
    }

    /// Ranks every topic (in batches) with the contexts and writes hits or moments.
    func write(ranker: Ranker, topicIDs: [String], queries: [String], options: RankingOptions, depth: Int,
               tag: String, out: String?) throws -> String {
        if let p = writeMoments { try checkOutput(p, .shardResults, option: "--write-moments") }
        if let out { try checkOutput(out, .shardResults, option: "--out") }
        if let problem = ShardTopicContext.missingInput(options, index: ranker.index, hasCandidates: candidates != nil,
                                                        hasNormalisation: normalisationMoments != nil, reportsMoments: writeMoments != nil) {
            throw DesmError(problem, path: ranker.index.path)
        }
        let contexts = try self.contexts(topicIDs: topicIDs, index: ranker.index, options: options)
        let path = writeMoments ?? out!
        let writer = try AtomicFileWriter(path: path)
        try writer.write("\(writeMoments != nil ? ShardResultFiles.momentsMagic : ShardResultFiles.hitsMagic)\t\(ShardResultFiles.version)\t\(tag)\n")
        var lines = 0
        var start = 0
        while start < queries.count {
            try Interrupt.check("ranking")
            let end = min(start + 64, queries.count)
            let rankings = try ranker.rankBatch(Array(queries[start..<end]), options: options, k: depth,
                                                contexts: contexts.map { Array($0[start..<end]) })
            for (i, r) in rankings.enumerated() {
                if writeMoments != nil {
                    try writer.write(ShardResultFiles.momentsLine(topic: topicIDs[start + i], ranking: r))
                    lines += 1
                } else {
                    try writer.write(try ShardResultFiles.hitLines(topic: topicIDs[start + i], ranking: r, index: ranker.index))
                    lines += r.hits.count
                }
            }
            start = end
        }
        try writer.commit()
        return "wrote \(path): \(topicIDs.count) topics, \(lines) \(writeMoments != nil ? "moments" : "hits") lines, tag \(tag)"
    }
}
