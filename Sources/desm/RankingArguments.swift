import ArgumentParser
import DesmIndex
import DesmText
import DesmWord2Vec
import Foundation

/// The ranking options shared by `desm search` and `desm run`.
struct RankingArguments: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Scorer: in-out, in-in, out-out, out-in (DESM), bm25, mixture (α·DESM IN-OUT + (1−α)·BM25) or mixture:<desm variant>.",
        valueName: "scorer"))
    var scorer: String = "in-out"

    @Option(name: .long, help: "Mixture weight of DESM; BM25 gets 1 − α. Raw scores (--norm none) need α close to 1.")
    var alpha: Double = 0.97

    @Option(name: .long, help: "Per-query score normalisation before mixing: none, minmax or zscore (over the candidates: the whole collection, or the --rerank set).")
    var norm: String = "none"

    @Option(name: .long, help: ArgumentHelp("Re-rank BM25's top K with the scorer (telescoping) instead of ranking the whole collection.", valueName: "K"))
    var rerank: Int?

    @Option(name: .long, help: "BM25 k1 (Anserini's default).")
    var k1: Double = 0.9

    @Option(name: .long, help: "BM25 b (Anserini's default).")
    var b: Double = 0.4

    @Option(name: .long, help: ArgumentHelp(
        "Words removed from every query before scoring (DESM words and BM25 terms; the index is unchanged): none, questions (what how who whom when where which why do does did can is are was were: for question-style queries such as MS MARCO / TREC DL) or the path of a file with one word per line.",
        valueName: "list"))
    var queryStopwords: String = "none"

    @Option(name: .long, help: "Model file (default: the one recorded in the index manifest). Not needed for bm25.")
    var model: String?

    func validate() throws {
        guard ScorerKind(name: scorer) != nil else {
            throw ValidationError("unknown scorer \"\(scorer)\": use one of \(ScorerKind.names.joined(separator: ", ")) (or mixture:out-out, mixture:out-in)")
        }
        guard ScoreNormalisation(rawValue: norm) != nil else { throw ValidationError("--norm must be none, minmax or zscore") }
        guard alpha >= 0, alpha <= 1 else { throw ValidationError("--alpha must be in [0, 1]") }
        if let problem = BM25Parameters(k1: k1, b: b).problem { throw ValidationError("--" + problem) }
        if let rerank, rerank < 1 { throw ValidationError("--rerank must be at least 1") }
    }

    /// The ranking options; reads the query stoplist file when one is named.
    func options() throws -> RankingOptions {
        RankingOptions(scorer: ScorerKind(name: scorer) ?? .desm(.inOut), bm25: BM25Parameters(k1: k1, b: b),
                       alpha: alpha, normalisation: ScoreNormalisation(rawValue: norm) ?? .none, rerank: rerank,
                       queryStoplist: try QueryStoplist.parse(queryStopwords))
    }

    /// Opens the index and, when the scorer needs it, its model (checked against the index).
    func openRanker(index path: String) throws -> Ranker {
        let index = try DocumentIndex(path: path)
        guard ScorerKind(name: scorer) != .bm25 else { return try Ranker(index: index, model: nil) }
        guard let modelPath = model ?? index.manifest.modelPath else {
            throw DesmError("the index does not record its model: pass --model", path: path)
        }
        let m: EmbeddingModel
        do { m = try EmbeddingModel.load(path: modelPath) } catch let e as DesmError where model == nil {
            throw DesmError("cannot load the index's model (\(e)); pass --model", path: path)
        }
        return try Ranker(index: index, model: m)
    }
}
