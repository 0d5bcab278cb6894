import DesmIndex
import DesmTestSupport
import DesmText
import DesmWord2Vec
import XCTest

/// Every score the ranker produces is recomputed here from first principles in float64.
final class ScoreExactnessTests: XCTestCase {
    var dirs: [String] = []
    override func tearDown() { for d in dirs { removeTree(d) } }

    /// DESM(Q, D) = (1/|Q|) Σ_q cos(q, D̄), D̄ = mean of the document's unit word vectors.
    func directDESM(_ query: String, _ doc: Document, model: EmbeddingModel, variant: DesmVariant) -> Double? {
        let analyzer = Analyzer(model.analyzer.embedding)
        let qm = variant.querySpace == .input ? model.input : model.output!
        let dm = variant.documentSpace == .input ? model.input : model.output!
        let dIDs = analyzer.tokens(doc.fullText).compactMap { model.vocabulary.id($0) }
        let qIDs = analyzer.tokens(query).compactMap { model.vocabulary.id($0) }
        guard !qIDs.isEmpty else { return nil }
        guard !dIDs.isEmpty else { return 0 }
        var centroid = [Double](repeating: 0, count: model.dim)
        for id in dIDs { for (i, x) in unitRow(dm, id).enumerated() { centroid[i] += x / Double(dIDs.count) } }
        var s = 0.0
        for id in qIDs { s += dot(unitRow(qm, id), centroid) / norm(centroid) }
        return s / Double(qIDs.count)
    }

    func testDESMMatchesDirectComputationForAllVariants() throws {
        let model = makeModel()
        let docs = makeDocuments(count: 60)
        let (index, dir) = try buildIndex(docs, model: model); dirs.append(dir)
        let ranker = try Ranker(index: index, model: model)
        var rng = SplitMix(99)
        for _ in 0..<12 {
            let len = 1 + rng.below(5)
            let query = (0..<len).map { _ in rng.below(6) == 0 ? "unknownword" : fixtureWords[rng.below(fixtureWords.count)] }
                .joined(separator: " ")
            for variant in DesmVariant.allCases {
                let ranking = try ranker.rank(query, options: RankingOptions(scorer: .desm(variant)), k: docs.count)
                XCTAssertEqual(ranking.hits.count, docs.count)
                for hit in ranking.hits {
                    let expected = try XCTUnwrap(directDESM(query, docs[hit.doc], model: model, variant: variant))
                    XCTAssertEqual(hit.score, expected, accuracy: 1e-5, "\(variant) \(query) doc \(hit.doc)")
                }
                // Batched (matrix–matrix) and single (matrix–vector) agree.
                let batch = try ranker.rankBatch([query, "apple pear", query], options: RankingOptions(scorer: .desm(variant)), k: 10)
                XCTAssertEqual(batch[0].hits.map(\.doc), Array(ranking.hits.prefix(10)).map(\.doc))
                XCTAssertEqual(batch[2].hits.map(\.doc), batch[0].hits.map(\.doc))
                for (a, b) in zip(batch[0].hits, ranking.hits) { XCTAssertEqual(a.score, b.score, accuracy: 1e-6) }
            }
        }
    }

    func testBatchedDESMOnManyDocumentsMatchesSingleQueries() throws {
        // Enough documents for several blocks and both threads, and queries not a multiple of 4.
        let model = makeModel(dim: 37)
        let docs = makeDocuments(count: 1500, seed: 5)
        let (index, dir) = try buildIndex(docs, model: model, batch: 100); dirs.append(dir)
        let ranker = try Ranker(index: index, model: model)
        let queries = ["apple banana", "cherry", "grape grape fig", "the of", "lemon mango nut", "zzz", "rose"]
        let batch = try ranker.rankBatch(queries, options: RankingOptions(scorer: .desm(.inOut)), k: 25)
        for (i, q) in queries.enumerated() {
            let single = try ranker.rank(q, options: RankingOptions(scorer: .desm(.inOut)), k: 25)
            XCTAssertEqual(batch[i].hits.map(\.doc), single.hits.map(\.doc), q)
        }
        XCTAssertTrue(batch[5].hits.isEmpty)
    }

    /// Lucene/Anserini BM25 from the collection statistics, in float64.
    func directBM25(_ query: String, docs: [Document], k1: Double, b: Double) -> [Int: Double] {
        let analyzer = Analyzer(AnalyzerSettings.standard.bm25)
        let docTerms = docs.map { analyzer.tokens($0.fullText) }
        let n = Double(docs.count)
        let avg = Double(docTerms.reduce(0) { $0 + $1.count }) / n
        var df: [String: Int] = [:]
        for t in docTerms { for term in Set(t) { df[term, default: 0] += 1 } }
        var qcount: [String: Int] = [:]
        for t in analyzer.tokens(query) { qcount[t, default: 0] += 1 }
        var out: [Int: Double] = [:]
        for (i, terms) in docTerms.enumerated() {
            var s = 0.0
            var matched = false
            for (term, c) in qcount {
                let tf = Double(terms.filter { $0 == term }.count)
                guard tf > 0, let d = df[term] else { continue }
                matched = true
                let idf = log(1 + (n - Double(d) + 0.5) / (Double(d) + 0.5))
                s += Double(c) * idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * Double(terms.count) / avg))
            }
            if matched { out[i] = s }
        }
        return out
    }

    func testBM25MatchesDirectComputation() throws {
        let model = makeModel()
        let docs = makeDocuments(count: 80, seed: 3)
        let (index, dir) = try buildIndex(docs, model: model); dirs.append(dir)
        let ranker = try Ranker(index: index, model: model)
        for (k1, b) in [(0.9, 0.4), (1.2, 0.75), (0.0, 0.0), (2.0, 1.0)] {
            for query in ["apple", "banana cherry", "grape grape honey the", "zyzzyva apple", "runner runs"] {
                let options = RankingOptions(scorer: .bm25, bm25: BM25Parameters(k1: k1, b: b))
                let hits = try ranker.rank(query, options: options, k: docs.count).hits
                let expected = directBM25(query, docs: docs, k1: k1, b: b)
                XCTAssertEqual(hits.count, expected.count, query)
                for h in hits {
                    let e = try XCTUnwrap(expected[h.doc])
                    XCTAssertEqual(h.score, e, accuracy: 1e-5 * max(1, e), "\(query) k1=\(k1) b=\(b)")
                    XCTAssertGreaterThanOrEqual(h.score, 0)
                }
                // The explanation's per-term scores add up to the ranked score.
                if let top = hits.first {
                    let e = try ranker.explain(query, doc: top.doc, options: options)
                    XCTAssertEqual(try XCTUnwrap(e.bm25Score), top.score, accuracy: 1e-4 * max(1, top.score))
                }
            }
        }
    }

    func testBM25PropertiesOverRandomParameters() {
        var rng = SplitMix(4)
        for _ in 0..<2000 {
            let p = BM25Parameters(k1: rng.uniform() * 3, b: rng.uniform())
            let n = 1 + rng.below(100_000)
            let df = 1 + rng.below(n)
            let idf = BM25Parameters.idf(documents: n, documentFrequency: df)
            XCTAssertGreaterThan(idf, 0)
            let avg = 1 + rng.uniform() * 200
            let dl = 1 + Double(rng.below(500))
            let tf = 1 + Double(rng.below(50))
            let s = p.termScore(tf: tf, documentLength: dl, averageLength: avg, idf: idf)
            XCTAssertGreaterThanOrEqual(s, 0)
            // Does not fall as tf rises, nor as the document gets shorter.
            XCTAssertGreaterThanOrEqual(p.termScore(tf: tf + 1, documentLength: dl, averageLength: avg, idf: idf), s)
            XCTAssertGreaterThanOrEqual(p.termScore(tf: tf, documentLength: max(dl - 1, 1), averageLength: avg, idf: idf), s)
            // Rarer terms weigh more.
            if df > 1 { XCTAssertGreaterThan(BM25Parameters.idf(documents: n, documentFrequency: df - 1), idf) }
        }
    }

    func testOneWordQueryAgainstDocumentOfThatWordScoresOneInIn() throws {
        let model = makeModel()
        let docs = [Document(id: "a", text: "mango mango mango"), Document(id: "b", text: "mango kiwi"),
                    Document(id: "c", text: "pear")]
        let (index, dir) = try buildIndex(docs, model: model); dirs.append(dir)
        let ranker = try Ranker(index: index, model: model)
        let hits = try ranker.rank("mango", options: RankingOptions(scorer: .desm(.inIn)), k: 3).hits
        XCTAssertEqual(hits.first?.doc, 0)
        XCTAssertEqual(try XCTUnwrap(hits.first?.score), 1, accuracy: 1e-6)
        XCTAssertLessThan(hits[1].score, 1 - 1e-4)
    }

    func testDocumentOfExactlyTheQueryWordsAttainsTheMaximumInIn() throws {
        let model = makeModel()
        let query = "apple apple fig honey"
        var docs = makeDocuments(count: 200, seed: 21)
        docs.append(Document(id: "exact", text: "honey fig apple apple"))
        let (index, dir) = try buildIndex(docs, model: model); dirs.append(dir)
        let ranker = try Ranker(index: index, model: model)
        let hits = try ranker.rank(query, options: RankingOptions(scorer: .desm(.inIn)), k: docs.count).hits
        // ‖mean of the unit query vectors‖ in float64.
        let ids = ["apple", "apple", "fig", "honey"].map { model.vocabulary.id($0)! }
        var mean = [Double](repeating: 0, count: model.dim)
        for id in ids { for (i, x) in unitRow(model.input, id).enumerated() { mean[i] += x / 4 } }
        let bound = norm(mean)
        XCTAssertEqual(try index.docno(hits[0].doc), "exact")
        XCTAssertEqual(hits[0].score, bound, accuracy: 1e-5)
        for h in hits { XCTAssertLessThanOrEqual(h.score, bound + 1e-5) }
    }

    /// The top k of a whole-collection DESM ranking is the exact top k — the first k of all
    /// documents ranked by their exact scores, ties by document number — whatever rounding
    /// the BLAS product made. Documents "w vᵢ" where every vᵢ is w's vector plus noise of
    /// 10⁻⁶: their scores all lie within a few float steps of each other, so the BLAS
    /// product's rounding reorders them wherever k cuts; dim 200, batched and one query at a time.
    func testDESMTopKIsTheExactTopKDespiteBLASRounding() throws {
        let dim = 200, variants = 400
        var rng = SplitMix(17)
        let words = ["w", "q1", "q2", "q3"] + (0..<variants).map { "v\($0)" }
        let base = (0..<dim).map { _ in Float(rng.gaussian()) }
        var inV = [Float](), outV = [Float]()
        for w in words {
            let near = w.hasPrefix("v")
            for i in 0..<dim { inV.append(near ? base[i] + Float(rng.gaussian() * 1e-6) : Float(rng.gaussian())) }
            for i in 0..<dim { outV.append(near || w == "w" ? base[i] + Float(rng.gaussian() * 1e-6) : Float(rng.gaussian())) }
        }
        let model = EmbeddingModel(vocabulary: Vocabulary(words: words, counts: words.indices.map { Int64(10_000 - $0) }), dim: dim,
                                   input: FloatMatrix(rows: words.count, cols: dim, values: inV),
                                   output: FloatMatrix(rows: words.count, cols: dim, values: outV))
        let docs = (0..<5000).map { i in Document(id: "r\(i)", title: "", text: "w v\(rng.below(variants)) v\(rng.below(variants))") }
        let (index, dir) = try buildIndex(docs, model: model, batch: 97); dirs.append(dir)
        let ranker = try Ranker(index: index, model: model)
        let queries = ["q1", "q2", "q3", "q1 q2", "q2 q3 q3", "w", "w q1"]
        for variant in [DesmVariant.inOut, .inIn] {
            let o = RankingOptions(scorer: .desm(variant))
            let all = try ranker.rankBatch(queries, options: o, k: docs.count)
            for k in [10, 100, 1000] {
                let batched = try ranker.rankBatch(queries, options: o, k: k)
                for (q, query) in queries.enumerated() {
                    let expected = Array(all[q].hits.prefix(k))
                    XCTAssertEqual(batched[q].hits, expected, "\(variant), k \(k), batched: \(query)")
                    XCTAssertEqual(try ranker.rank(query, options: o, k: k).hits, expected, "\(variant), k \(k), one query: \(query)")
                }
            }
        }
    }
}

final class IDFCentroidTests: XCTestCase {
    func testIDFWeightedCentroidsMatchDirectComputation() throws {
        let model = makeModel()
        let docs = makeDocuments(count: 70, seed: 8)
        let (dir, path) = temporaryIndexPath()
        defer { removeTree(dir) }
        var options = IndexBuildOptions(threads: 2, batchSize: 9)
        options.centroid = .idf
        let manifest = try IndexBuilder(model: model, options: options).build(documents: docs, to: path)
        XCTAssertEqual(manifest.centroid, "idf")
        let index = try DocumentIndex(path: path)
        let ranker = try Ranker(index: index, model: model)
        // Direct: df over documents (embedding analysis), idf-weighted mean of unit OUT vectors.
        let analyzer = Analyzer(model.analyzer.embedding)
        let docIDs = docs.map { analyzer.tokens($0.fullText).compactMap { model.vocabulary.id($0) } }
        var df = [Int: Int]()
        for ids in docIDs { for id in Set(ids) { df[id, default: 0] += 1 } }
        let n = Double(docs.count)
        let query = "apple fig fig lemon"
        let q = analyzer.tokens(query).compactMap { model.vocabulary.id($0) }
        let hits = try ranker.rank(query, options: RankingOptions(scorer: .desm(.inOut)), k: docs.count).hits
        XCTAssertEqual(hits.count, docs.count)
        for h in hits {
            let ids = docIDs[h.doc]
            guard !ids.isEmpty else { XCTAssertEqual(h.score, 0); continue }
            var c = [Double](repeating: 0, count: model.dim)
            for id in ids {
                let w = log(1 + (n - Double(df[id]!) + 0.5) / (Double(df[id]!) + 0.5))
                for (i, x) in unitRow(model.output!, id).enumerated() { c[i] += w * x }
            }
            let expected = q.reduce(0.0) { $0 + dot(unitRow(model.input, $1), c) / norm(c) } / Double(q.count)
            XCTAssertEqual(h.score, expected, accuracy: 1e-5)
        }
        // A reader cannot be read twice: the one-pass API refuses the IDF variant.
        let jsonl = dir + "/c.jsonl"
        try "{\"_id\":\"1\",\"text\":\"apple\"}\n".write(toFile: jsonl, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try IndexBuilder(model: model, options: options).build(collection: CollectionReader(path: jsonl), to: dir + "/x"))
        XCTAssertNoThrow(try IndexBuilder(model: model, options: options).build(collectionPath: jsonl, to: dir + "/x"))
    }
}

/// `IndexBuildOptions.center` (`desm index --center`): every score must be the exact DESM of
/// mean-centred word vectors, recomputed here in float64 from the model.
final class CentredVectorTests: XCTestCase {
    /// (w − μ)/‖w − μ‖, nil for a zero row.
    func centredUnit(_ m: FloatMatrix, _ id: Int, _ mu: [Double]) -> [Double]? {
        guard m.row(id).contains(where: { $0 != 0 }) else { return nil }
        let c = (0..<mu.count).map { Double(m.row(id)[$0]) - mu[$0] }
        return c.map { $0 / norm(c) }
    }

    func directCentredDESM(_ query: String, _ doc: Document, model: EmbeddingModel, variant: DesmVariant) -> Double? {
        let analyzer = Analyzer(model.analyzer.embedding)
        let qm = variant.querySpace == .input ? model.input : model.output!
        let dm = variant.documentSpace == .input ? model.input : model.output!
        let qmu = directMean(qm, model), dmu = directMean(dm, model)
        let q = analyzer.tokens(query).compactMap { model.vocabulary.id($0) }.compactMap { centredUnit(qm, $0, qmu) }
        let d = analyzer.tokens(doc.fullText).compactMap { model.vocabulary.id($0) }.compactMap { centredUnit(dm, $0, dmu) }
        guard !q.isEmpty else { return nil }
        guard !d.isEmpty else { return 0 }
        var centroid = [Double](repeating: 0, count: model.dim)
        for u in d { for i in 0..<model.dim { centroid[i] += u[i] / Double(d.count) } }
        return q.reduce(0) { $0 + dot($1, centroid) / norm(centroid) } / Double(q.count)
    }

    func testCentredScoresMatchDirectComputationForAllVariants() throws {
        let model = makeShiftedModel()
        var docs = makeDocuments(count: 50, seed: 13)
        docs.append(Document(id: "only-fig", text: "fig fig"))   // OUT row zero: no usable OUT word
        let (dir, path) = temporaryIndexPath()
        defer { removeTree(dir) }
        var options = IndexBuildOptions(threads: 2, batchSize: 6)
        options.center = true
        let manifest = try IndexBuilder(model: model, options: options).build(documents: docs, to: path)
        XCTAssertEqual(manifest.center, true)
        let index = try DocumentIndex(path: path)
        XCTAssertEqual(index.manifest.center, true)
        let ranker = try Ranker(index: index, model: model)
        let (plainIndex, plainDir) = try buildIndex(docs, model: model); defer { removeTree(plainDir) }
        XCTAssertNil(plainIndex.manifest.center)
        let plain = try Ranker(index: plainIndex, model: model)
        var differs = false
        for query in ["apple fig", "banana banana cherry", "the of lemon", "unknownword mango", "fig", "rose sage thyme"] {
            for variant in DesmVariant.allCases {
                let options = RankingOptions(scorer: .desm(variant))
                let hits = try ranker.rank(query, options: options, k: docs.count).hits
                guard let first = hits.first else {
                    XCTAssertNil(directCentredDESM(query, docs[0], model: model, variant: variant), "\(variant) \(query)")
                    continue
                }
                XCTAssertEqual(hits.count, docs.count)
                for h in hits {
                    let expected = try XCTUnwrap(directCentredDESM(query, docs[h.doc], model: model, variant: variant))
                    XCTAssertEqual(h.score, expected, accuracy: 1e-5, "\(variant) \(query) doc \(h.doc)")
                }
                // Explanations and batched ranking use the same centred query vectors.
                let e = try ranker.explain(query, doc: first.doc, options: options)
                XCTAssertEqual(try XCTUnwrap(e.desmScore), first.score, accuracy: 1e-5)
                let batch = try ranker.rankBatch([query, "pear"], options: options, k: 10)
                for (a, b) in zip(batch[0].hits, hits) { XCTAssertEqual(a.score, b.score, accuracy: 1e-6) }
                let p = try plain.rank(query, options: options, k: docs.count).hits
                if p.map(\.doc) != hits.map(\.doc) { differs = true }
            }
        }
        XCTAssertTrue(differs, "centring changed no ranking: the fixture does not exercise it")
    }

    func testCentringMeanIsCountWeightedOverUsableRows() throws {
        let model = makeShiftedModel()
        let means = try WordCentring.means(of: model)
        XCTAssertEqual(means.weighting, .counts)
        for (got, m) in [(means.input, model.input), (means.output, model.output!)] {
            for (a, b) in zip(got, directMean(m, model)) { XCTAssertEqual(a, b, accuracy: 1e-9) }
        }
    }
}
