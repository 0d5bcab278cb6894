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

    func run() throws {
        let options = try ranking.options()
        let ranker = try ranking.openRanker(index: index)
        try ranker.index.requireWholeCollection(for: "desm search")
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
        let report = try SearchReport(ranker: ranker, ranking: result, options: options, explain: explain)
        if json { print(try report.json()); return }
        for note in result.notes { printError("note: \(note)") }
        let hits = report.results
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
