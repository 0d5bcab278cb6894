import DesmText
import DesmWord2Vec
import Foundation

/// A query as the scorers see it.
public struct AnalysedQuery: Sendable {
    public var text: String
    /// In-vocabulary query words used by DESM (repeats kept), with their vocabulary ids.
    public var words: [(word: String, id: Int)]
    /// Query words DESM skipped: not in the model's vocabulary (or a zero vector).
    public var skippedWords: [String]
    /// Distinct BM25 terms with their query counts and their term ids (nil: in no document).
    public var terms: [(term: String, count: Int, id: Int?)]
    /// Query words removed by the query stoplist (`RankingOptions.queryStoplist`), in order.
    public var droppedWords: [String] = []

    public var unknownTerms: [String] { terms.filter { $0.id == nil }.map(\.term) }

    /// The BM25 query: each distinct term weighted by its count (Anserini's bag of words).
    public var bm25Terms: [WeightedTerm] {
        terms.map { WeightedTerm(term: $0.term, id: $0.id, weight: Double($0.count), queryCount: $0.count) }
    }
}

/// One ranking: hits best first, plus notes for the user (skipped words, empty results).
public struct Ranking: Sendable {
    public var query: AnalysedQuery
    public var hits: [ScoredDocument]
    public var notes: [String]
    /// The BM25 query after expansion (RM3, Ax, topical), nil when the query was not expanded.
    public var expandedQuery: [WeightedTerm]? = nil
    /// The mixture's per-query normalisations (nil for other scorers): explains its scores.
    public var mixture: MixtureNormalisation? = nil
    /// The documents vector feedback moved Q̄ towards (nil without vector feedback).
    public var feedbackDocuments: [Int]? = nil
    /// A mixture's moments over its candidates (what a shard reports for the whole
    /// collection's normalisation, `ShardTopicContext`); nil for other scorers.
    public var moments: MixtureMoments? = nil
    /// Whether a query term (after expansion) is in this index.
    public var hasTerms = false
    /// Whether DESM had a query vector (some query word in the model's vocabulary).
    public var hasVector = false
}

/// Ranks an index's documents for queries: the path of a query from its text to the
/// scores. `analyse` turns the text into DESM words and BM25 terms; `rank` builds the query
/// vector (`DesmScorer`) and the lexical query, then either ranks the whole collection with
/// the scorer (DESM's dense product, BM25's postings, or the mixture of both) or re-ranks
/// the lexical top K (`Reranking.swift`). `rankBatch` turns a batch of pure DESM queries into
/// one blocked matrix–matrix product. A `Ranker` can be shared by threads.
public final class Ranker: @unchecked Sendable {
    public let index: DocumentIndex
    public let model: EmbeddingModel?
    /// Threads for full-collection scoring.
    public var threads: Int = 2
    let bm25: BM25Scorer
    let desm: DesmScorer?
    private let embeddingsLock = NSLock()
    private var embeddings: TermEmbeddings?

    /// The centred IN/OUT vectors and term ↔ word maps the embedding expansions use, built on
    /// first use.
    func termEmbeddings() throws -> TermEmbeddings {
        embeddingsLock.lock(); defer { embeddingsLock.unlock() }
        if let embeddings { return embeddings }
        guard let model else { throw DesmError("query expansion with embeddings needs the model the index was built with", path: index.path) }
        let e = try TermEmbeddings(model: model, index: index)
        embeddings = e
        return e
    }

    private let samplingLock = NSLock()
    private var sampling: [Int32]?

    /// The documents Ax draws its sample from, in docno order (`Axiomatic.samplingOrder`),
    /// built on first use.
    func axSamplingOrder() throws -> [Int32] {
        samplingLock.lock(); defer { samplingLock.unlock() }
        if let sampling { return sampling }
        let order = try Axiomatic.samplingOrder(index)
        sampling = order
        return order
    }

    /// `model` must be the one the index was built with (same checksum); without a model
    /// only BM25 can rank.
    public init(index: DocumentIndex, model: EmbeddingModel?) throws {
        self.index = index
        self.model = model
        if let model { try index.requireBuilt(with: model) }
        bm25 = BM25Scorer(index: index)
        desm = model.map { DesmScorer(index: index, model: $0) }
    }

    /// The run tag for `options` on this index: `options.tag`, plus what the index changes
    /// in DESM scores: `-centroid-idf` for IDF-weighted centroids, `-centred` for a
    /// mean-centred index (`desm index --center`; `-centred-unweighted` when the model had no
    /// counts and the plain mean was subtracted) — two runs that differ only in those no
    /// longer share a tag.
    public func tag(for options: RankingOptions) -> String {
        guard options.scorer.usesDesm else { return options.tag }
        let m = index.manifest
        let centred = m.center != true ? "" : m.wordMean == .uniform ? "-centred-unweighted" : "-centred"
        return options.tag + (m.centroid == "mean" ? "" : "-centroid-\(m.centroid)") + centred
    }

    // MARK: Queries

    /// The query's DESM words and BM25 terms, without the words of `stoplist`.
    public func analyse(_ text: String, dropping stoplist: QueryStoplist = .none) throws -> AnalysedQuery {
        let analysis = TextAnalysis(settings: index.manifest.analyzer)
        let (tokens, terms, dropped) = analysis.analyseQuery(text, dropping: stoplist)
        var words: [(String, Int)] = [], skipped: [String] = []
        for t in tokens {
            if let model, let id = model.vocabulary.id(t) { words.append((t, id)) } else { skipped.append(t) }
        }
        var counts: [String: Int] = [:], order: [String] = []
        for t in terms {
            if counts[t] == nil { order.append(t) }
            counts[t, default: 0] += 1
        }
        var termList: [(String, Int, Int?)] = []
        for t in order { termList.append((t, counts[t]!, try index.termID(t))) }
        return AnalysedQuery(text: text, words: words, skippedWords: skipped, terms: termList, droppedWords: dropped)
    }

    /// Q̄: the mean of the query words' unit vectors in `space` (words whose vector is zero
    /// are skipped; vectors mean-centred first when the index was built with `center`); nil
    /// when no word is usable. Computed in double, stored as float.
    public func queryVector(_ q: AnalysedQuery, space: EmbeddingSpace) -> [Float]? {
        desm?.queryVector(q.words, space: space)
    }

    private func requireModel(_ options: RankingOptions) throws {
        if let problem = options.problem { throw DesmError(problem) }
        if options.scorer.usesDesm && model == nil {
            throw DesmError("the \(options.scorer) scorer needs the model the index was built with", path: index.path)
        }
        if options.usesModel && model == nil {
            throw DesmError("query expansion with embeddings needs the model the index was built with", path: index.path)
        }
        if options.scorer.variant.map({ $0.querySpace == .output }) == true && model?.output == nil {
            throw DesmError("the model has no OUT vectors", path: index.path)
        }
        if let problem = ShardTopicContext.unsupported(options, index: index) { throw DesmError(problem, path: index.path) }
    }

    // MARK: Ranking

    /// The top `k` documents for one query.
    public func rank(_ text: String, options: RankingOptions, k: Int) throws -> Ranking {
        try requireModel(options)
        let q = try analyse(text, dropping: options.queryStoplist)
        let scratch = bm25.takeScratch()
        defer { bm25.giveBack(scratch) }
        return try rank(q, options: options, k: k, scratch: scratch)
    }

    /// The top `k` documents for each query, in query order. Pure DESM over the whole
    /// collection runs as one blocked matrix–matrix product; other scorers run query by
    /// query on `threads` threads.
    /// `contexts` (one per query) give a shard what it needs from the whole collection
    /// (`ShardTopicContext`).
    public func rankBatch(_ texts: [String], options: RankingOptions, k: Int, contexts: [ShardTopicContext]? = nil) throws -> [Ranking] {
        try requireModel(options)
        if let contexts, contexts.count != texts.count { throw DesmError("\(contexts.count) shard contexts for \(texts.count) queries") }
        let queries = try texts.map { try analyse($0, dropping: options.queryStoplist) }
        if case .desm(let v) = options.scorer, options.rerank == nil, options.vectorFeedback == nil, contexts == nil {
            var vectors: [[Float]?] = queries.map { queryVector($0, space: v.querySpace) }
            let heaps = desm!.topK(vectors.map { $0 ?? [] }, space: v.documentSpace, k: k, threads: threads)
            var out: [Ranking] = []
            for (i, q) in queries.enumerated() {
                var notes = stoplistNotes(q, options) + wordNotes(q)
                var hits = heaps[i].sorted()
                if vectors[i] == nil {
                    hits = []
                    notes.append("\(noVectorReason(q)): DESM cannot score this query (empty result)")
                }
                out.append(Ranking(query: q, hits: hits, notes: notes))
            }
            vectors.removeAll()
            return out
        }
        var results = [Ranking?](repeating: nil, count: queries.count)
        var firstError: Error?
        let t = max(1, min(threads, queries.count))
        let lock = NSLock()
        results.withUnsafeMutableBufferPointer { res in
            DispatchQueue.concurrentPerform(iterations: t) { w in
                let scratch = bm25.takeScratch()
                defer { bm25.giveBack(scratch) }
                var i = w
                while i < queries.count {
                    do { res[i] = try rank(queries[i], options: options, k: k, scratch: scratch, threads: 1, context: contexts?[i]) } catch {
                        lock.lock(); if firstError == nil { firstError = error }; lock.unlock()
                    }
                    i += t
                }
            }
        }
        if let firstError { throw firstError }
        return results.map { $0! }
    }

    /// Says which words the query stoplist removed (none: no note).
    private func stoplistNotes(_ q: AnalysedQuery, _ options: RankingOptions) -> [String] {
        q.droppedWords.isEmpty ? [] : ["query stoplist \(options.queryStoplist.name) removed: " + q.droppedWords.joined(separator: " ")]
    }

    /// Why DESM has no query vector: every word was on the query stoplist, or none is in the
    /// model's vocabulary.
    private func noVectorReason(_ q: AnalysedQuery) -> String {
        q.words.isEmpty && q.skippedWords.isEmpty && !q.droppedWords.isEmpty
            ? "every query word is on the query stoplist" : "no query word is in the model's vocabulary"
    }

    private func wordNotes(_ q: AnalysedQuery) -> [String] {
        var notes: [String] = []
        if !q.skippedWords.isEmpty && model != nil {
            notes.append("query words not in the model's vocabulary, skipped by DESM: " + q.skippedWords.joined(separator: " "))
        }
        return notes
    }

    private func rank(_ q: AnalysedQuery, options: RankingOptions, k: Int, scratch: BM25Scorer.Scratch,
                      threads: Int? = nil, context: ShardTopicContext? = nil) throws -> Ranking {
        var notes = stoplistNotes(q, options)
        if options.scorer.usesDesm { notes += wordNotes(q) }
        if options.scorer.usesBM25 || options.rerank != nil {
            let unknown = q.unknownTerms
            if !unknown.isEmpty { notes.append("query terms in no document (no BM25 score): " + unknown.joined(separator: " ")) }
        }
        var qvec: [Float]? = nil
        if let v = options.scorer.variant {
            qvec = queryVector(q, space: v.querySpace)
            if qvec == nil {
                if case .mixture = options.scorer {
                    // The mixture ranks by BM25 alone, if it has a term (checked below).
                } else {
                    notes.append("\(noVectorReason(q)): DESM cannot score this query (empty result)")
                    return Ranking(query: q, hits: [], notes: notes)
                }
            }
        }
        let (lexical, expansionNotes) = try lexicalQuery(q, options: options, scratch: scratch)
        notes += expansionNotes
        let expanded = options.expansion != nil ? lexical : nil
        let localTerms = lexical.contains { $0.id != nil }
        // A shard answers "does the collection have a query term?" with the whole collection's answer.
        let hasTerms = context?.collectionHasTerms ?? localTerms
        if case .mixture = options.scorer, qvec == nil {
            // Neither half could score: every document would tie at 0 (an arbitrary list).
            // A part of a collection that lacks the terms cannot tell whether another part has
            // them: it ranks (its BM25 half is 0), reports that it has no term, and the merge
            // drops the topic when no part had one (`ShardTopicContext`).
            guard context?.collectionHasTerms ?? (hasTerms || index.isPartOfCollection) else {
                notes.append("\(noVectorReason(q)) and no query term is in the index: the mixture has nothing to rank by (empty result)")
                return Ranking(query: q, hits: [], notes: notes, expandedQuery: expanded)
            }
            notes.append("\(noVectorReason(q)): DESM scores 0, the mixture ranks by BM25 alone")
        }
        // Vector feedback moves Q̄ towards the lexical ranking's top documents; each branch
        // below hands it the lexical ranking it evaluates anyway (BM25 runs once).
        let feedback = hasTerms ? options.vectorFeedback : nil
        var fedBack: [Int]? = nil
        func moveQueryVector(towards top: [ScoredDocument]) {
            guard let f = feedback, let v = options.scorer.variant, let current = qvec else { return }
            fedBack = top.prefix(f.documents).map(\.doc)
            qvec = desm!.movedTowards(current, documents: fedBack!, space: v.querySpace, weight: f.weight)
        }
        func ranking(_ hits: [ScoredDocument], mixture: (normalisation: MixtureNormalisation, moments: MixtureMoments)? = nil) -> Ranking {
            Ranking(query: q, hits: hits, notes: notes, expandedQuery: expanded, mixture: mixture?.normalisation, feedbackDocuments: fedBack,
                    moments: mixture?.moments, hasTerms: localTerms, hasVector: qvec != nil)
        }

        if let depth = options.rerank {
            let candidates: [ScoredDocument]
            if let given = context?.candidates {
                candidates = given   // this shard's members of the collection's lexical top K
            } else {
                guard hasTerms else {
                    notes.append("no query term is in the index: BM25 finds no candidates to re-rank (empty result)")
                    return Ranking(query: q, hits: [], notes: notes)
                }
                let ranked = try bm25.evaluate(lexical, params: options.bm25, scratch: scratch).topK(max(depth, feedback?.documents ?? 0))
                moveQueryVector(towards: ranked)
                candidates = Array(ranked.prefix(depth))
            }
            let (hits, mixture) = rerank(candidates, scorer: options.scorer, queryVector: qvec, options: options, k: k,
                                         given: context?.normalisation)
            return ranking(hits, mixture: mixture)
        }

        switch options.scorer {
        case .desm(let v):
            if let f = feedback { moveQueryVector(towards: try bm25.evaluate(lexical, params: options.bm25, scratch: scratch).topK(f.documents)) }
            let heap = desm!.topK([qvec!], space: v.documentSpace, k: k, threads: threads ?? self.threads)[0]
            return ranking(heap.sorted())
        case .bm25:
            guard hasTerms else {
                notes.append("no query term is in the index: BM25 scores every document 0 (empty result)")
                return Ranking(query: q, hits: [], notes: notes)
            }
            return Ranking(query: q, hits: try bm25.evaluate(lexical, params: options.bm25, scratch: scratch).topK(k),
                           notes: notes, expandedQuery: expanded)
        case .mixture(let v):
            // Dense over the whole collection: DESM for every document, BM25 (0 where no
            // term matches), each normalised over all documents, then mixed.
            if localTerms { _ = try bm25.evaluate(lexical, params: options.bm25, scratch: scratch) }
            var b = BM25Scorer.Result(scratch: scratch).all()
            if let f = feedback {
                var top = TopK(k: f.documents)
                for (i, x) in b.enumerated() where x > 0 { top.offer(x, i) }
                moveQueryVector(towards: top.sorted())
            }
            var d = qvec.map { desm!.allScores($0, space: v.documentSpace) } ?? [Float](repeating: 0, count: index.count)
            var top = TopK(k: k)
            let mixture = MixtureScorer.mix(desm: &d, lexical: &b, alpha: options.alpha, normalisation: options.normalisation,
                                            given: context?.normalisation) { s, i in
                top.offer(s, i)
            }
            return ranking(top.sorted(), mixture: mixture)
        }
    }

    /// The BM25 query: the query's terms weighted by their counts, expanded when `options`
    /// asks (RM3 from the first BM25 ranking's top documents; Ax from those and a seeded
    /// sample of the collection; topical from the embeddings),
    /// with notes when an expansion could not be made.
    func lexicalQuery(_ q: AnalysedQuery, options: RankingOptions,
                      scratch: BM25Scorer.Scratch) throws -> (terms: [WeightedTerm], notes: [String]) {
        let plain = q.bm25Terms
        guard let expansion = options.expansion, options.hasLexicalRanking,
              plain.contains(where: { $0.id != nil }) else { return (plain, []) }
        switch expansion {
        case .rm3(let p):
            let feedback = try bm25.evaluate(plain, params: options.bm25, scratch: scratch).topK(p.documents)
            var similarity: ((Int) -> Double?)? = nil
            var notes: [String] = []
            if p.embeddingWeight > 0 {
                let e = try termEmbeddings()
                if let qv = e.queryVector(q.words) {
                    let cosines = e.outCosines(qv)
                    similarity = { [index] t in (try? index.term(t)).flatMap { e.similarity(term: $0, cosines: cosines) } }
                } else {
                    notes.append("no query word has a vector: RM3 feedback terms are not re-weighted")
                }
            }
            let model = try RelevanceModel.estimate(feedback: feedback, index: index, parameters: p, similarity: similarity)
            guard !model.isEmpty else {
                // Anserini would interpolate with an empty model: λ·q, the same ranking.
                return (plain, notes + ["RM3 found no feedback term (2–20 characters of [a-z0-9], in at most 10 % of the documents) in the top \(p.documents) documents: the query is not expanded"])
            }
            let terms = try RelevanceModel.interpolate(plain, with: model, originalQueryWeight: p.originalQueryWeight, index: index)
            return (terms, notes)
        case .ax(let p):
            let first = try bm25.evaluate(plain, params: options.bm25, scratch: scratch).topK(p.topDocuments)
            let sampling = try axSamplingOrder()
            let pool = Axiomatic.pool(ranking: first, sampling: sampling, parameters: p)
            let chosen = try Axiomatic.expansion(query: plain, pool: pool, documents: sampling.count, index: index, parameters: p)
            guard !chosen.isEmpty else {
                // Anserini would search for the query's raw text as one term instead.
                return (plain, ["Ax found no term to score (query terms of 2 or more letters a–z, in the pool of \(pool.count) documents, idf > 0): the query is not expanded"])
            }
            return (try Axiomatic.weightedTerms(chosen, query: plain, index: index), [])
        case .topical(let p):
            let added = try TopicalExpansion.neighbours(words: q.words, query: plain, embeddings: try termEmbeddings(),
                                                        index: index, count: p.words)
            guard !added.isEmpty else { return (plain, ["no IN-OUT neighbour of the query qualifies: the query is not expanded"]) }
            return (try RelevanceModel.interpolate(plain, with: added, originalQueryWeight: p.originalQueryWeight, index: index), [])
        }
    }

    // MARK: Explanations

    /// Each query word's cosine with the document's centroid and each query term's BM25
    /// score, for the scorer in `options` (an expanded query is expanded again; to explain
    /// the hits of a ranking, pass the `Ranking`, which holds it).
    public func explain(_ text: String, doc: Int, options: RankingOptions) throws -> Explanation {
        try requireModel(options)
        let q = try analyse(text, dropping: options.queryStoplist)
        var lexical: [WeightedTerm]? = nil
        if options.hasLexicalRanking {
            let scratch = bm25.takeScratch()
            defer { bm25.giveBack(scratch) }
            lexical = try lexicalQuery(q, options: options, scratch: scratch).terms
        }
        return try explain(q, lexical: lexical, doc: doc, options: options)
    }

    /// The explanation of one of `ranking`'s documents, from the query as that ranking
    /// analysed and expanded it (no analysis or feedback run again).
    public func explain(_ ranking: Ranking, doc: Int, options: RankingOptions) throws -> Explanation {
        try requireModel(options)
        var e = try explain(ranking.query, lexical: options.hasLexicalRanking ? ranking.expandedQuery ?? ranking.query.bm25Terms : nil,
                            doc: doc, options: options)
        if let fed = ranking.feedbackDocuments, let f = options.vectorFeedback, let v = options.scorer.variant, let desm {
            let shift = desm.feedbackShare(fed, doc: doc, space: v.querySpace, documentSpace: v.documentSpace, weight: f.weight)
            for i in e.desm.indices { e.desm[i].contribution *= 1 - f.weight }
            e.desmFeedback = shift
            e.desmScore = e.desmScore.map { (1 - f.weight) * $0 + shift }
        }
        if let m = ranking.mixture {
            let p = m.parts(desm: e.desmScore ?? 0, lexical: e.bm25Score ?? 0)
            e.mixture = Explanation.MixtureParts(alpha: m.alpha, desm: p.desm, bm25: p.lexical, score: p.score)
        }
        return e
    }

    private func explain(_ q: AnalysedQuery, lexical: [WeightedTerm]?, doc: Int, options: RankingOptions) throws -> Explanation {
        guard doc >= 0, doc < index.count else { throw DesmError("document \(doc) is not in the index", path: index.path) }
        var e = Explanation(desm: [], desmScore: nil, bm25: [], bm25Score: nil)
        if let v = options.scorer.variant, let desm {
            (e.desm, e.desmScore) = desm.explain(q.words, doc: doc, variant: v)
        }
        if let lexical {
            let (terms, total) = try bm25.explain(lexical, doc: doc, params: options.bm25)
            e.bm25 = terms
            e.bm25Score = total
        }
        return e
    }
}
