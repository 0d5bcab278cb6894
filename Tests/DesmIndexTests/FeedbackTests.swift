@testable import DesmIndex
import DesmTestSupport
import DesmText
import DesmWord2Vec
import XCTest

/// RM3 and the embedding expansions, checked against values computed by hand.
final class FeedbackTests: XCTestCase {
    var dirs: [String] = []
    override func tearDown() { for d in dirs { removeTree(d) } }

    /// 20 documents: three about animals, 17 fillers that make "common" too frequent for
    /// feedback (df 18/20 > 10 %). d0 also holds a non-ASCII term (café) and a one-letter
    /// term (x) that RM3's filter drops although they are d0's most frequent.
    func animals() throws -> (Ranker, DocumentIndex) {
        var docs = [
            Document(id: "d0", title: "", text: "zebra zebra zebra lion lion savanna café café café café x x x x common"),
            Document(id: "d1", title: "", text: "zebra lion tiger tiger river"),
            Document(id: "d2", title: "", text: "tiger grass"),
        ]
        for i in 3..<20 { docs.append(Document(id: "d\(i)", title: "", text: "common")) }
        let (index, dir) = try buildIndex(docs, model: makeModel()); dirs.append(dir)
        return (try Ranker(index: index, model: nil), index)
    }

    /// BM25 of one term in one document, from the formula (k1 0.9, b 0.4).
    func bm25(_ index: DocumentIndex, term: String, tf: Double, doc: Int) throws -> Double {
        let id = try XCTUnwrap(try index.termID(term))
        let idf = log(1 + (20 - Double(index.documentFrequency(id)) + 0.5) / (Double(index.documentFrequency(id)) + 0.5))
        let dl = Double(index.lengths[doc]), avg = index.manifest.bm25.averageLength
        return idf * tf * 1.9 / (tf + 0.9 * (1 - 0.4 + 0.4 * dl / avg))
    }

    func testRM3TermsAndWeightsMatchAHandComputation() throws {
        let (ranker, index) = try animals()
        // Feedback documents for "zebra": d0 (tf 3) and d1 (tf 1).
        let s0 = try bm25(index, term: "zebra", tf: 3, doc: 0), s1 = try bm25(index, term: "zebra", tf: 1, doc: 1)
        XCTAssertGreaterThan(s0, s1)
        // d0 after the filter: zebra 3, lion 2, savanna 1 (café, x, common dropped); norm 6.
        // d1: tiger 2, then the ties lion, river, zebra at 1 in term order: tiger, lion, river kept; norm 4.
        var rm: [String: Double] = ["zebra": 3.0 / 6 * s0, "lion": 2.0 / 6 * s0 + 1.0 / 4 * s1,
                                    "savanna": 1.0 / 6 * s0, "tiger": 2.0 / 4 * s1, "river": 1.0 / 4 * s1]
        let kept = rm.sorted { $0.value > $1.value }.prefix(3).map(\.key)
        XCTAssertEqual(Set(kept), ["zebra", "lion", "tiger"], "the hand computation's own premise")
        rm = rm.filter { kept.contains($0.key) }
        let total = rm.values.reduce(0, +)
        let expected: [String: Double] = ["zebra": 0.5 * 1 + 0.5 * rm["zebra"]! / total,
                                          "lion": 0.5 * rm["lion"]! / total, "tiger": 0.5 * rm["tiger"]! / total]

        let parameters = RM3Parameters(documents: 2, terms: 3, originalQueryWeight: 0.5)
        let options = RankingOptions(scorer: .bm25, expansion: .rm3(parameters))
        let r = try ranker.rank("zebra", options: options, k: 20)
        let expanded = try XCTUnwrap(r.expandedQuery)
        XCTAssertEqual(expanded.map(\.term), ["zebra", "lion", "tiger"])
        for t in expanded { XCTAssertEqual(t.weight, expected[t.term]!, accuracy: 1e-5, t.term) }
        XCTAssertEqual(expanded.map(\.queryCount), [1, 0, 0])

        // The new ranking is BM25 with those weights as boosts: d2 matches tiger only.
        let d2 = try XCTUnwrap(r.hits.first { $0.doc == 2 })
        XCTAssertEqual(d2.score, expected["tiger"]! * (try bm25(index, term: "tiger", tf: 1, doc: 2)), accuracy: 1e-4)
        // d0: zebra ×3 and lion ×2.
        let d0 = try XCTUnwrap(r.hits.first { $0.doc == 0 })
        let want0 = expected["zebra"]! * (try bm25(index, term: "zebra", tf: 3, doc: 0))
            + expected["lion"]! * (try bm25(index, term: "lion", tf: 2, doc: 0))
        XCTAssertEqual(d0.score, want0, accuracy: 1e-4)
        XCTAssertEqual(Set(r.hits.map(\.doc)), [0, 1, 2])

        // Explanations use the same expanded query.
        let e = try ranker.explain("zebra", doc: 0, options: options)
        XCTAssertEqual(try XCTUnwrap(e.bm25Score), d0.score, accuracy: 1e-4)
        XCTAssertEqual(e.bm25.map(\.term), ["zebra", "lion", "tiger"])
        // … and so does the explanation from the ranking itself (no second feedback round).
        let fromRanking = try ranker.explain(r, doc: 0, options: options)
        XCTAssertEqual(fromRanking.bm25.map(\.term), e.bm25.map(\.term))
        XCTAssertEqual(try XCTUnwrap(fromRanking.bm25Score), try XCTUnwrap(e.bm25Score), accuracy: 1e-12)
        XCTAssertTrue(options.tag.contains("-rm3-fd2-ft3-ow0.5"), options.tag)
    }

    func testRM3WithOriginalQueryWeightOneIsBM25() throws {
        let (ranker, _) = try animals()
        let plain = try ranker.rank("zebra lion", options: RankingOptions(scorer: .bm25), k: 20)
        let rm3 = try ranker.rank("zebra lion", options: RankingOptions(scorer: .bm25, expansion: .rm3(RM3Parameters(originalQueryWeight: 1))), k: 20)
        // Same documents in the same order; scores are the plain ones scaled by 1/|q| = 1/2.
        XCTAssertEqual(rm3.hits.map(\.doc), plain.hits.map(\.doc))
        for (a, b) in zip(rm3.hits, plain.hits) { XCTAssertEqual(a.score, b.score / 2, accuracy: 1e-5) }
    }

    func testRM3WithoutQualifyingFeedbackTermsLeavesTheQueryAndSaysSo() throws {
        // 60 random documents over 25 words: every term is in more than 10 % of them.
        let (index, dir) = try buildIndex(makeDocuments(count: 60), model: makeModel()); dirs.append(dir)
        let ranker = try Ranker(index: index, model: nil)
        let plain = try ranker.rank("apple banana", options: RankingOptions(scorer: .bm25), k: 10)
        let r = try ranker.rank("apple banana", options: RankingOptions(scorer: .bm25, expansion: .rm3(RM3Parameters())), k: 10)
        XCTAssertEqual(r.hits, plain.hits)
        XCTAssertEqual(r.expandedQuery?.map(\.term), ["appl", "banana"])
        XCTAssertTrue(r.notes.contains { $0.contains("RM3 found no feedback term") }, "\(r.notes)")
    }

    func testFeedbackTermFilter() {
        XCTAssertTrue(RelevanceModel.isFeedbackTerm("zebra"))
        XCTAssertTrue(RelevanceModel.isFeedbackTerm("covid19"))
        XCTAssertFalse(RelevanceModel.isFeedbackTerm("x"))
        XCTAssertFalse(RelevanceModel.isFeedbackTerm("café"))
        XCTAssertFalse(RelevanceModel.isFeedbackTerm("co-op"))
        XCTAssertFalse(RelevanceModel.isFeedbackTerm(String(repeating: "a", count: 21)))
        XCTAssertTrue(RelevanceModel.isFeedbackTerm(String(repeating: "a", count: 20)))
        XCTAssertFalse(RelevanceModel.isTooCommon(documentFrequency: 2, documents: 20))
        XCTAssertTrue(RelevanceModel.isTooCommon(documentFrequency: 3, documents: 20))
    }

    /// A model whose OUT vectors make `kiwi` and `lemon` the IN-OUT neighbours of `apple`.
    func topicalFixture() throws -> (Ranker, DocumentIndex) {
        let words = fixtureWords
        let dim = 8
        let vocab = Vocabulary(words: words, counts: words.indices.map { Int64(1000 - $0) })
        var rng = SplitMix(3)
        var inV = [Float](), outV = [Float]()
        for w in words {
            var i = (0..<dim).map { _ in Float(rng.gaussian()) * 0.1 }
            var o = (0..<dim).map { _ in Float(rng.gaussian()) * 0.1 }
            if w == "apple" { i[0] += 3 }
            if w == "kiwi" { o[0] += 3 }
            if w == "lemon" { o[0] += 2; o[1] += 1 }
            inV += i; outV += o
        }
        let model = EmbeddingModel(vocabulary: vocab, dim: dim, input: FloatMatrix(rows: words.count, cols: dim, values: inV),
                                   output: FloatMatrix(rows: words.count, cols: dim, values: outV))
        var docs = [Document(id: "a", title: "", text: "apple pie"), Document(id: "k", title: "", text: "kiwi fruit"),
                    Document(id: "l", title: "", text: "lemon tart lemon")]
        // Fillers over words 12–21 (each in 3 of 33 documents, under RM3's 10 % limit).
        for i in 0..<30 { docs.append(Document(id: "f\(i)", title: "", text: "filler \(words[12 + i % 10])")) }
        let (index, dir) = try buildIndex(docs, model: model); dirs.append(dir)
        return (try Ranker(index: index, model: model), index)
    }

    func testTopicalExpansionAddsTheQuerysInOutNeighbours() throws {
        let (ranker, _) = try topicalFixture()
        let options = RankingOptions(scorer: .bm25, expansion: .topical(TopicalExpansionParameters(words: 2, originalQueryWeight: 0.6)))
        let r = try ranker.rank("apple", options: options, k: 10)
        let expanded = try XCTUnwrap(r.expandedQuery)
        XCTAssertEqual(expanded.map(\.term), ["appl", "kiwi", "lemon"])
        XCTAssertEqual(expanded[0].weight, 0.6, accuracy: 1e-9)
        XCTAssertEqual(expanded[1].weight + expanded[2].weight, 0.4, accuracy: 1e-9)
        XCTAssertGreaterThan(expanded[1].weight, expanded[2].weight)
        // Documents with only the neighbours are now retrieved.
        XCTAssertEqual(Set(try r.hits.map { try ranker.index.docno($0.doc) }), ["a", "k", "l"])
        XCTAssertTrue(options.tag.contains("-topical-n2-ow0.6"), options.tag)
    }

    func testEmbeddingWeightedRM3PrefersTermsCloseToTheQuery() throws {
        let (ranker, _) = try topicalFixture()
        // "apple pie" is in one document; fillers share no term with it. Compare plain and
        // embedding-weighted RM3 on a query whose feedback holds both a neighbour and others.
        let plain = RankingOptions(scorer: .bm25, expansion: .rm3(RM3Parameters(documents: 3, terms: 2)))
        let weighted = RankingOptions(scorer: .bm25, expansion: .rm3(RM3Parameters(documents: 3, terms: 2, embeddingWeight: 5)))
        let a = try XCTUnwrap(try ranker.rank("apple kiwi lemon", options: plain, k: 10).expandedQuery)
        let b = try XCTUnwrap(try ranker.rank("apple kiwi lemon", options: weighted, k: 10).expandedQuery)
        XCTAssertEqual(a.reduce(0) { $0 + $1.weight }, 1, accuracy: 1e-9)
        XCTAssertEqual(b.reduce(0) { $0 + $1.weight }, 1, accuracy: 1e-9)
        // Re-weighting by exp(γ·cos) raises kiwi (cos ≈ 1 with apple's IN vector) relative to lemon.
        func share(_ q: [WeightedTerm], _ t: String) -> Double { q.first { $0.term == t }?.weight ?? 0 }
        XCTAssertGreaterThan(share(b, "kiwi") / max(share(b, "lemon"), 1e-12), share(a, "kiwi") / max(share(a, "lemon"), 1e-12))
        XCTAssertTrue(weighted.tag.contains("-emb5"), weighted.tag)
    }

    func testVectorFeedbackMovesTheQueryTowardsTheTopDocuments() throws {
        let (ranker, _) = try topicalFixture()
        let base = RankingOptions(scorer: .desm(.inIn), rerank: 10)
        var moved = base
        moved.vectorFeedback = VectorFeedback(documents: 1, weight: 1)
        // β = 1: the query vector is the top BM25 document's IN centroid, so that document
        // scores cos = 1 with itself; without feedback the two-word query scores it lower.
        let lexicalTop = try XCTUnwrap(try ranker.rank("lemon apple", options: RankingOptions(scorer: .bm25), k: 1).hits.first)
        let r = try ranker.rank("lemon apple", options: moved, k: 3)
        let top = try XCTUnwrap(r.hits.first)
        XCTAssertEqual(top.doc, lexicalTop.doc)
        XCTAssertEqual(top.score, 1, accuracy: 1e-5)
        let without = try ranker.rank("lemon apple", options: base, k: 3).hits.first { $0.doc == lexicalTop.doc }
        XCTAssertLessThan(try XCTUnwrap(without).score, 0.99)
        XCTAssertTrue(moved.tag.hasSuffix("-vfb-d1-w1"), moved.tag)
    }

    func testRunTagsSayWhenDESMScoresComeFromACentredIndex() throws {
        let model = makeModel()
        let docs = makeDocuments(count: 30)
        let (plainIndex, dir) = try buildIndex(docs, model: model); dirs.append(dir)
        var options = IndexBuildOptions(threads: 2, batchSize: 7)
        options.center = true
        let centredPath = dir + "/centred"
        try IndexBuilder(model: model, options: options).build(documents: docs, to: centredPath)
        let centred = try Ranker(index: try DocumentIndex(path: centredPath), model: model)
        let plain = try Ranker(index: plainIndex, model: model)
        let inOut = RankingOptions(scorer: .desm(.inOut)), bm25 = RankingOptions(scorer: .bm25)
        XCTAssertEqual(centred.tag(for: inOut), "desm-in-out-centred")
        XCTAssertEqual(plain.tag(for: inOut), "desm-in-out")
        XCTAssertEqual(centred.tag(for: bm25), bm25.tag, "BM25 is the same on both")
        XCTAssertTrue(centred.tag(for: RankingOptions(scorer: .mixture(.inIn), alpha: 0.4)).hasSuffix("-centred"))
        // IDF-weighted centroids change DESM scores too.
        options.center = false
        options.centroid = .idf
        try IndexBuilder(model: model, options: options).build(documents: docs, to: dir + "/idf")
        let idf = try Ranker(index: try DocumentIndex(path: dir + "/idf"), model: model)
        XCTAssertEqual(idf.tag(for: inOut), "desm-in-out-centroid-idf")
        XCTAssertEqual(idf.tag(for: bm25), bm25.tag)
    }

    func testOptionProblemsAreNamed() {
        XCTAssertNotNil(RankingOptions(scorer: .desm(.inOut), expansion: .rm3(RM3Parameters())).problem, "RM3 without a lexical ranking")
        XCTAssertNil(RankingOptions(scorer: .desm(.inOut), rerank: 100, expansion: .rm3(RM3Parameters())).problem)
        XCTAssertNotNil(RankingOptions(scorer: .bm25, expansion: .rm3(RM3Parameters(documents: 0))).problem)
        XCTAssertNotNil(RankingOptions(scorer: .bm25, expansion: .rm3(RM3Parameters(originalQueryWeight: 1.5))).problem)
        XCTAssertNotNil(RankingOptions(scorer: .bm25, vectorFeedback: VectorFeedback()).problem)
        XCTAssertNotNil(RankingOptions(scorer: .bm25, expansion: .topical(TopicalExpansionParameters(words: 0))).problem)
        XCTAssertFalse(RankingOptions(scorer: .bm25, expansion: .rm3(RM3Parameters())).usesModel)
        XCTAssertTrue(RankingOptions(scorer: .bm25, expansion: .rm3(RM3Parameters(embeddingWeight: 1))).usesModel)
        XCTAssertTrue(RankingOptions(scorer: .bm25, expansion: .topical(TopicalExpansionParameters())).usesModel)
    }
}
