import ArgumentParser
import DesmIndex
import DesmText
import Foundation

/// `desm search`: ranks an index's documents for one query.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Rank an index's documents for a query with DESM, BM25 or their mixture.",
        discussion: """
        Prints rank, score, docno and a snippet of the top documents. DESM scores are \
        (1/|Q|) Σ_q cos(q, D̄): query words outside the model's vocabulary are skipped and \
        reported; a query with no known word gets an empty DESM result (the mixture falls \
        back to BM25 alone). --explain adds, under each hit, every query word's cosine with \
        the document's centroid and its share of the score, and every BM25 term's score.

        Examples:
          desm search sf.idx "stem cells" --scorer mixture --norm minmax --alpha 0.5
          desm search sf.idx "stem cells" --scorer in-out --rerank 100 -k 5 --explain
          desm search sf.idx "stem cells" --scorer bm25 --json
        """
    )

    @Argument(help: "Index directory written by `desm index`.")
    var index: String

    @Argument(help: "Query text (analysed like the documents).")
    var query: String

    @OptionGroup var ranking: RankingArguments

    @Option(name: .short, help: "Number of documents to show.")
    var k: Int = 10

    @Flag(name: .long, help: "Show each query word's cosine (DESM) and each term's BM25 score per hit.")
    var explain = false

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    func validate() throws {
        guard k >= 1 else { throw ValidationError("-k must be at least 1") }
    }

    struct JSONHit: Codable {
        var rank: Int
        var docno: String
        var score: Double
        var snippet: String
        var desm: [JSONWord]?
        var bm25: [JSONTerm]?
        /// The raw DESM and BM25 scores the explanation adds up to.
        var desmScore: Double?
        var bm25Score: Double?
        /// With vector feedback: the feedback documents' share of the DESM score.
        var desmFeedback: Double?
        /// A mixture's halves after its per-query normalisation.
        var mixture: JSONMixture?
    }
    struct JSONMixture: Codable { var alpha: Double; var desm: Double; var bm25: Double; var score: Double }
    struct JSONWord: Codable { var word: String; var cosine: Double; var contribution: Double }
    struct JSONTerm: Codable {
        var term: String; var queryCount: Int; var tf: Int; var idf: Double; var score: Double
        /// The term's weight in an expanded query (absent for a plain query, where it is the count).
        var weight: Double?
    }
    struct JSONWeightedTerm: Codable { var term: String; var weight: Double; var inIndex: Bool }
    struct JSONResult: Codable {
        var query: String
        var tag: String
        var skippedWords: [String]
        var stoplistWords: [String]
        var unknownTerms: [String]
        var notes: [String]
        /// The BM25 query after --rm3 / --expand-topical (absent without expansion).
        var expandedQuery: [JSONWeightedTerm]?
        var hits: [JSONHit]
    }

    func run() throws {
        let options = try ranking.options()
        let ranker = try ranking.openRanker(index: index)
        if let problem = ShardTopicContext.missingInput(options, index: ranker.index, hasCandidates: false,
                                                        hasNormalisation: false, reportsMoments: false) {
            throw DesmError(problem, path: index)
        }
        let started = monotonicSeconds()
        var result = try ranker.rank(query, options: options, k: k)
        if ranking.timing { printError(ranking.timingLine(queries: 1, seconds: monotonicSeconds() - started, threads: ranker.threads)) }
        if argumentHadInvalidUTF8(query) {
            result.notes.insert("the query has bytes that are not valid UTF-8: each was read as U+FFFD (a word with one matches nothing)", at: 0)
        }
        var hits: [JSONHit] = []
        for (i, h) in result.hits.enumerated() {
            var hit = JSONHit(rank: i + 1, docno: try ranker.index.docno(h.doc), score: h.score,
                              snippet: try ranker.index.snippet(h.doc))
            if explain {
                let e = try ranker.explain(result, doc: h.doc, options: options)
                if options.scorer != .bm25 {
                    hit.desm = e.desm.map { JSONWord(word: $0.word, cosine: $0.cosine, contribution: $0.contribution) }
                    hit.desmScore = e.desmScore
                    hit.desmFeedback = e.desmFeedback
                }
                if options.hasLexicalRanking { hit.bm25Score = e.bm25Score }
                hit.mixture = e.mixture.map { JSONMixture(alpha: $0.alpha, desm: $0.desm, bm25: $0.bm25, score: $0.score) }
                if options.hasLexicalRanking {
                    let expanded = options.expansion != nil
                    hit.bm25 = e.bm25.map { JSONTerm(term: $0.term, queryCount: $0.queryCount, tf: $0.tf, idf: $0.idf, score: $0.score,
                                                     weight: expanded ? $0.weight : nil) }
                }
            }
            hits.append(hit)
        }
        if json {
            let r = JSONResult(query: query, tag: ranker.tag(for: options), skippedWords: result.query.skippedWords,
                               stoplistWords: result.query.droppedWords,
                               unknownTerms: result.query.unknownTerms, notes: result.notes,
                               expandedQuery: result.expandedQuery?.map { JSONWeightedTerm(term: $0.term, weight: $0.weight, inIndex: $0.id != nil) },
                               hits: hits)
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try e.encode(r), as: UTF8.self))
            return
        }
        for note in result.notes { printError("note: \(note)") }
        if hits.isEmpty { print("no documents (\(ranker.tag(for: options)))"); return }
        print("# \(ranker.tag(for: options))")
        if let expanded = result.expandedQuery {
            print("# expanded query: " + expanded.map { $0.term + String(format: " %.4f", $0.weight) }.joined(separator: ", "))
        }
        for h in hits {
            print(String(format: "%3d  %10.6f  ", h.rank, h.score) + h.docno + "  " + h.snippet)
            if let m = h.mixture {
                print("       " + String(format: "mixture %.4f·DESM %+.4f + %.4f·BM25 %+.4f (normalised; raw DESM %.4f, BM25 %.4f)",
                                         m.alpha, m.desm, 1 - m.alpha, m.bm25, h.desmScore ?? 0, h.bm25Score ?? 0))
            }
            if let words = h.desm {
                for w in words {
                    print("       " + String(format: "cos %+.4f  share %+.4f  ", w.cosine, w.contribution) + w.word)
                }
                if let f = h.desmFeedback { print("       " + String(format: "vector feedback share %+.4f", f)) }
            }
            if let terms = h.bm25 {
                for t in terms {
                    print("       " + String(format: "bm25 %8.4f  tf %3d  idf %.3f  ", t.score, t.tf, t.idf) + t.term
                          + (t.weight.map { String(format: " (weight %.4f)", $0) } ?? (t.queryCount > 1 ? " ×\(t.queryCount)" : "")))
                }
            }
        }
    }
}
