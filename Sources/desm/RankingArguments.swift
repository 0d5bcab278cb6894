import ArgumentParser
import DesmIndex
import DesmText
import DesmWord2Vec
import Foundation

/// The ranking options shared by `desm search` and `desm run`.
struct RankingArguments: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Scorer: in-out, in-in, out-out, out-in (DESM), bm25, mixture (α·DESM IN-OUT + (1−α)·BM25) or mixture:<desm variant>.",
        valueName: "scorer"), transform: { try ScorerKind.parse($0) })
    var scorer: ScorerKind?

    @Option(name: .long, help: "Mixture weight of DESM; BM25 gets 1 − α. Raw scores (--norm none) need α close to 1. (default: 0.97; mixtures only)")
    var alpha: Double?

    @Option(name: .long, help: ArgumentHelp("Per-query score normalisation before mixing: none, minmax or zscore (over the candidates: the whole collection, or the --rerank set). (default: none; mixtures only)", valueName: "kind"),
            transform: { name in
                guard let kind = ScoreNormalisation(rawValue: name) else { throw DesmError("use none, minmax or zscore") }
                return kind
            })
    var norm: ScoreNormalisation?

    @Option(name: .long, help: ArgumentHelp("Re-rank BM25's top K with the scorer (telescoping) instead of ranking the whole collection.", valueName: "K"))
    var rerank: Int?

    @Option(name: .long, help: "BM25 k1 (Anserini's default). (default: 0.9)")
    var k1: Double?

    @Option(name: .long, help: "BM25 b (Anserini's default). (default: 0.4)")
    var b: Double?

    @Option(name: .long, help: ArgumentHelp(
        "Words removed from every query before scoring (DESM words and BM25 terms; the index is unchanged): none, questions (what how who whom when where which why do does did can is are was were: for question-style queries such as MS MARCO / TREC DL) or the path of a file with one word per line.",
        valueName: "list"))
    var queryStopwords: String?

    @Option(name: .long, help: "Model file (default: the one recorded in the index manifest). Not needed for bm25 without embedding expansion (plain RM3 and Ax need none).")
    var model: String?

    @Flag(name: .long, help: "Expand the BM25 query with RM3 pseudo-relevance feedback, as Anserini's -rm3 (acts on bm25, the mixture's BM25 half and the --rerank candidates).")
    var rm3 = false

    @Option(name: .long, help: ArgumentHelp("RM3: feedback documents (the first BM25 ranking's top N). (default: 10)", valueName: "N"))
    var fbDocs: Int?

    @Option(name: .long, help: ArgumentHelp("RM3: terms kept per feedback document and in the expansion. (default: 10)", valueName: "N"))
    var fbTerms: Int?

    @Option(name: .long, help: ArgumentHelp("RM3 and --expand-topical: the original query's share λ of the expanded query (default 0.5 for RM3, 0.7 for topical).", valueName: "λ"))
    var originalQueryWeight: Double?

    @Option(name: .long, help: ArgumentHelp("RM3 re-weighted by the embeddings: each feedback term's weight × exp(γ·cos(query IN, term OUT)) before pruning (0: plain RM3). Needs the model.", valueName: "γ"))
    var rm3EmbeddingWeight: Double?

    @Flag(name: .long, help: ArgumentHelp("Expand the BM25 query with axiomatic semantic term matching, as Anserini's -axiom -axiom.deterministic (Yang & Lin, ECIR 2019): the pool is the first BM25 ranking's top --ax-r documents plus documents drawn from the collection (Java's Random with --ax-seed, over the documents in docno order) up to --ax-r × --ax-n; each term of 2+ letters a–z in the pool scores by its mutual information with the query terms (presence in the pool's documents), β-weighted relative to the query terms themselves; the best --ax-terms (query terms included) rank the whole collection again with BM25, their scores as weights. Acts on bm25, the mixture's BM25 half and the --rerank candidates; no model needed; not with --rm3 or --expand-topical."))
    var ax = false

    @Option(name: .long, help: ArgumentHelp("Ax: the first BM25 ranking's top documents in the pool (Anserini's -axiom.r). (default: 20)", valueName: "r"))
    var axR: Int?

    @Option(name: .long, help: ArgumentHelp("Ax: the pool holds r × n documents, (n − 1) × r of them drawn (-axiom.n). (default: 30)", valueName: "n"))
    var axN: Int?

    @Option(name: .long, help: ArgumentHelp("Ax: β, a new term's weight relative to a query term's (-axiom.beta). (default: 0.4)", valueName: "β"))
    var axBeta: Double?

    @Option(name: .long, help: ArgumentHelp("Ax: terms in the expanded query, query terms included (-axiom.top). (default: 20)", valueName: "N"))
    var axTerms: Int?

    @Option(name: .long, help: ArgumentHelp("Ax: the seed of the draw, as java.util.Random's (-axiom.seed; the same seed draws the same documents as Anserini). (default: 42)", valueName: "seed"))
    var axSeed: Int64?

    @Option(name: .long, help: ArgumentHelp("Topical expansion: add the N BM25 terms whose OUT vectors are closest to the query's IN centroid (its IN-OUT neighbours, mean-centred). Needs the model; not with --rm3.", valueName: "N"))
    var expandTopical: Int?

    @Option(name: .long, help: ArgumentHelp("Vector feedback: move the DESM query vector towards the mean centroid of the lexical ranking's top --vector-feedback-docs documents, q ← (1−β)·q + β·mean (DESM scorers and mixtures).", valueName: "β"))
    var vectorFeedback: Double?

    @Option(name: .long, help: ArgumentHelp("Vector feedback: documents averaged. (default: 10)", valueName: "N"))
    var vectorFeedbackDocs: Int?

    @Option(name: .long, help: ArgumentHelp(
        "Run exactly the system a `desm experiment` recommended for the collection: its results JSON (the recommended system's recipe) or a recipe file. Fixes the scorer and every ranking option (give none of them) and the default --depth; the index must be built as the experiment's was (centring, centroids).",
        valueName: "results.json"))
    var recipe: String?

    @Option(name: .long, help: ArgumentHelp("With --recipe RESULTS.json: another system of the experiment instead of the recommended one, by its name there (e.g. rerank:in-out).", valueName: "name"))
    var recipeSystem: String?

    @Option(name: .long, help: ArgumentHelp("Threads for ranking: full-collection DESM splits the documents between them, a topic set its queries. (default: all cores)", valueName: "N"))
    var threads: Int?

    @Flag(name: .long, help: "Print on standard error how long ranking took and the queries per second.")
    var timing = false

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if recipe == nil && recipeSystem != nil { throw ValidationError("--recipe-system picks a system of --recipe RESULTS.json: add --recipe") }
        if recipe != nil {
            let given = givenRankingOptions
            if !given.isEmpty {
                throw ValidationError("--recipe fixes every ranking option: drop \(given.joined(separator: ", ")) (or drop --recipe)")
            }
            return
        }
        let scorer = self.scorer ?? RankingOptions().scorer
        let rm3EmbeddingWeight = self.rm3EmbeddingWeight ?? 0
        if let alpha { guard alpha >= 0, alpha <= 1 else { throw ValidationError("--alpha must be in [0, 1]") } }
        if let problem = bm25Parameters.problem { throw ValidationError("--" + problem) }
        // An option that would change nothing is a mistake worth a word, not silence.
        let mixes: Bool
        if case .mixture = scorer { mixes = true } else { mixes = false }
        if !mixes && alpha != nil { throw ValidationError("--alpha weighs the mixture: use it with --scorer mixture (or mixture:<variant>)") }
        if !mixes && norm != nil { throw ValidationError("--norm normalises the mixture's scores: use it with --scorer mixture (or mixture:<variant>)") }
        if !rm3 && (fbDocs != nil || fbTerms != nil) { throw ValidationError("--fb-docs and --fb-terms set RM3's feedback: add --rm3") }
        if vectorFeedback == nil && vectorFeedbackDocs != nil { throw ValidationError("--vector-feedback-docs needs --vector-feedback β") }
        if k1 != nil || b != nil {
            let lexical = scorer.usesBM25 || rerank != nil || vectorFeedback != nil
            if !lexical { throw ValidationError("--k1 and --b set BM25, which the \(scorer) scorer does not use here: add --rerank K or use bm25 or a mixture") }
        }
        if let rerank, rerank < 1 { throw ValidationError("--rerank must be at least 1") }
        if rm3 && expandTopical != nil { throw ValidationError("--rm3 and --expand-topical are alternatives: choose one") }
        if ax && (rm3 || expandTopical != nil) {
            throw ValidationError("--ax and \(rm3 ? "--rm3" : "--expand-topical") are alternative expansions of the BM25 query: choose one")
        }
        if !ax && (axR != nil || axN != nil || axBeta != nil || axTerms != nil || axSeed != nil) {
            throw ValidationError("--ax-r, --ax-n, --ax-beta, --ax-terms and --ax-seed set Ax's expansion: add --ax")
        }
        if !rm3 && rm3EmbeddingWeight != 0 { throw ValidationError("--rm3-embedding-weight re-weights RM3's terms: add --rm3") }
        if !rm3 && expandTopical == nil && originalQueryWeight != nil {
            throw ValidationError("--original-query-weight needs --rm3 or --expand-topical")
        }
        if let problem = try options(readingStoplist: false).problem { throw ValidationError(problem) }
    }

    /// The ranking options given on the command line (each one a recipe fixes).
    var givenRankingOptions: [String] {
        var out: [String] = []
        func add(_ name: String, _ given: Bool) { if given { out.append(name) } }
        add("--scorer", scorer != nil); add("--alpha", alpha != nil); add("--norm", norm != nil); add("--rerank", rerank != nil)
        add("--k1", k1 != nil); add("--b", b != nil); add("--query-stopwords", queryStopwords != nil); add("--rm3", rm3)
        add("--fb-docs", fbDocs != nil); add("--fb-terms", fbTerms != nil); add("--original-query-weight", originalQueryWeight != nil)
        add("--rm3-embedding-weight", rm3EmbeddingWeight != nil); add("--expand-topical", expandTopical != nil)
        add("--vector-feedback", vectorFeedback != nil); add("--vector-feedback-docs", vectorFeedbackDocs != nil)
        add("--ax", ax); add("--ax-r", axR != nil); add("--ax-n", axN != nil); add("--ax-beta", axBeta != nil)
        add("--ax-terms", axTerms != nil); add("--ax-seed", axSeed != nil)
        return out
    }

    /// The recipe named by `--recipe` (and `--recipe-system`), nil without one.
    func loadedRecipe() throws -> RankingRecipe? {
        guard let recipe else { return nil }
        return try RankingRecipe.load(path: recipe, system: recipeSystem)
    }

    /// The ranking options (a recipe's, with `--recipe`); reads the query stoplist file when
    /// one is named.
    func options(readingStoplist: Bool = true) throws -> RankingOptions {
        if let r = try loadedRecipe() { return try r.options() }
        var expansion: QueryExpansion? = nil
        if rm3 {
            expansion = .rm3(RM3Parameters(documents: fbDocs ?? 10, terms: fbTerms ?? 10, originalQueryWeight: originalQueryWeight ?? 0.5,
                                           embeddingWeight: rm3EmbeddingWeight ?? 0))
        } else if ax {
            let d = AxParameters()
            expansion = .ax(AxParameters(topDocuments: axR ?? d.topDocuments, poolFactor: axN ?? d.poolFactor, beta: axBeta ?? d.beta,
                                         terms: axTerms ?? d.terms, seed: axSeed ?? d.seed))
        } else if let n = expandTopical {
            expansion = .topical(TopicalExpansionParameters(words: n, originalQueryWeight: originalQueryWeight ?? 0.7))
        }
        return RankingOptions(scorer: scorer ?? RankingOptions().scorer, bm25: bm25Parameters,
                              alpha: alpha ?? RankingOptions().alpha, normalisation: norm ?? .none, rerank: rerank,
                              queryStoplist: readingStoplist ? try QueryStoplist.parse(queryStopwords ?? "none") : .none,
                              expansion: expansion,
                              vectorFeedback: vectorFeedback.map { VectorFeedback(documents: vectorFeedbackDocs ?? 10, weight: $0) })
    }

    private var bm25Parameters: BM25Parameters {
        let defaults = BM25Parameters()
        return BM25Parameters(k1: k1 ?? defaults.k1, b: b ?? defaults.b)
    }

    /// Opens the index and, when the options need it, its model (checked against the index).
    func openRanker(index path: String) throws -> Ranker {
        let ranker = try openRanker(at: path)
        ranker.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
        return ranker
    }

    /// The time line of `--timing`: `queries` ranked in `seconds`.
    func timingLine(queries: Int, seconds: Double, threads: Int) -> String {
        String(format: "timing: %d %@ ranked in %.3f s: %.1f queries/s (%d thread%@)", queries, queries == 1 ? "query" : "queries",
               seconds, Double(queries) / max(seconds, 1e-9), threads, threads == 1 ? "" : "s")
    }

    private func openRanker(at path: String) throws -> Ranker {
        let index = try DocumentIndex(path: path)
        if let r = try loadedRecipe(), let problem = try r.mismatch(with: index.manifest) {
            throw DesmError(problem, path: path)
        }
        guard try options(readingStoplist: false).usesModel else { return try Ranker(index: index, model: nil) }
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
