import Foundation

/// One query's ranking as `desm search --json` prints it and `desm serve`'s
/// `/api/search` answers it: the same type, so the two give the same numbers.
public struct SearchReport: Codable, Sendable {
    public struct Hit: Codable, Sendable {
        public var rank: Int
        public var docno: String
        public var score: Double
        public var snippet: String
        /// With explain: each DESM query word's cosine with the document and its share.
        public var desm: [Word]?
        /// With explain: each BM25 term's score.
        public var bm25: [Term]?
        /// The raw DESM and BM25 scores the explanation adds up to.
        public var desmScore: Double?
        public var bm25Score: Double?
        /// With vector feedback: the feedback documents' share of the DESM score.
        public var desmFeedback: Double?
        /// A mixture's halves after its per-query normalisation.
        public var mixture: Mixture?
    }
    public struct Mixture: Codable, Sendable { public var alpha: Double; public var desm: Double; public var bm25: Double; public var score: Double }
    public struct Word: Codable, Sendable { public var word: String; public var cosine: Double; public var contribution: Double }
    public struct Term: Codable, Sendable {
        public var term: String; public var queryCount: Int; public var tf: Int; public var idf: Double; public var score: Double
        /// The term's weight in an expanded query (absent for a plain query, where it is the count).
        public var weight: Double?
    }
    public struct WeightedTerm: Codable, Sendable { public var term: String; public var weight: Double; public var inIndex: Bool }

    public var query: String
    /// The scorer's name as `--scorer` spells it.
    public var scorer: String
    public var tag: String
    /// The query words DESM used (in the model's vocabulary; repeats kept), in order, and
    /// those it skipped (empty for BM25, which does not use them).
    public var queryWords: [String]
    public var skippedWords: [String]
    public var stoplistWords: [String]
    public var unknownTerms: [String]
    public var notes: [String]
    /// The BM25 query after --rm3 / --ax / --expand-topical (absent without expansion).
    public var expandedQuery: [WeightedTerm]?
    public var results: [Hit]

    /// The report of `ranking` (made by `ranker` with `options`); `explain` adds each hit's
    /// explanation (`Ranker.explain`).
    public init(ranker: Ranker, ranking: Ranking, options: RankingOptions, explain: Bool) throws {
        var hits: [Hit] = []
        hits.reserveCapacity(ranking.hits.count)
        for (i, h) in ranking.hits.enumerated() {
            var hit = Hit(rank: i + 1, docno: try ranker.index.docno(h.doc), score: Double(h.score),
                          snippet: try ranker.index.snippet(h.doc))
            if explain {
                let e = try ranker.explain(ranking, doc: h.doc, options: options)
                if options.scorer != .bm25 {
                    hit.desm = e.desm.map { Word(word: $0.word, cosine: $0.cosine, contribution: $0.contribution) }
                    hit.desmScore = e.desmScore
                    hit.desmFeedback = e.desmFeedback
                }
                if options.hasLexicalRanking {
                    hit.bm25Score = e.bm25Score
                    let expanded = options.expansion != nil
                    hit.bm25 = e.bm25.map { Term(term: $0.term, queryCount: $0.queryCount, tf: $0.tf, idf: $0.idf, score: $0.score,
                                                 weight: expanded ? $0.weight : nil) }
                }
                hit.mixture = e.mixture.map { Mixture(alpha: $0.alpha, desm: $0.desm, bm25: $0.bm25, score: $0.score) }
            }
            hits.append(hit)
        }
        query = ranking.query.text
        scorer = options.scorer.description
        tag = ranker.tag(for: options)
        // DESM's words only where DESM scores (BM25 alone may run without the model).
        queryWords = options.scorer.usesDesm ? ranking.query.words.map(\.word) : []
        skippedWords = options.scorer.usesDesm ? ranking.query.skippedWords : []
        stoplistWords = ranking.query.droppedWords
        unknownTerms = ranking.query.unknownTerms
        notes = ranking.notes
        expandedQuery = ranking.expandedQuery?.map { WeightedTerm(term: $0.term, weight: $0.weight, inIndex: $0.id != nil) }
        results = hits
    }

    /// Pretty, key-sorted JSON (what `desm search --json` prints).
    public func json() throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(self), as: UTF8.self)
    }
}
