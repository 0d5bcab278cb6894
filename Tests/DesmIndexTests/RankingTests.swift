import DesmIndex
import DesmTestSupport
import DesmText
import DesmWord2Vec
import XCTest

final class RankingTests: XCTestCase {
    var dirs: [String] = []
    override func tearDown() { for d in dirs { removeTree(d) } }

    func fixture(_ count: Int = 120) throws -> (Ranker, [Document]) {
        let model = makeModel()
        let docs = makeDocuments(count: count, seed: 17)
        let (index, dir) = try buildIndex(docs, model: model); dirs.append(dir)
        return (try Ranker(index: index, model: model), docs)
    }

    func testQueryOfUnknownWordsGivesNotesNotNaN() throws {
        let (ranker, _) = try fixture()
        for scorer in [ScorerKind.desm(.inOut), .desm(.inIn), .bm25] {
            let r = try ranker.rank("Unknownish Blorp", options: RankingOptions(scorer: scorer), k: 10)
            XCTAssertTrue(r.hits.isEmpty, "\(scorer)")
            XCTAssertFalse(r.notes.isEmpty, "\(scorer)")
        }
        let r = try ranker.rank("blorp", options: RankingOptions(scorer: .desm(.inOut)), k: 10)
        XCTAssertTrue(r.notes.contains { $0.contains("blorp") && $0.contains("skipped") }, "\(r.notes)")
        // The mixture falls back to BM25 alone when no word has a vector.
        let (ranker2, _) = try fixture()
        let mix = try ranker2.rank("qwerty", options: RankingOptions(scorer: .mixture(.inOut), alpha: 0.5), k: 5)
        let bm = try ranker2.rank("qwerty", options: RankingOptions(scorer: .bm25), k: 5)
        XCTAssertEqual(mix.hits.map(\.doc), bm.hits.map(\.doc))
        XCTAssertTrue(mix.notes.contains { $0.contains("BM25 alone") })
        XCTAssertTrue(mix.hits.allSatisfy { $0.score.isFinite })
    }

    func testMixtureIsTheWeightedSumOfNormalisedScores() throws {
        let (ranker, docs) = try fixture()
        let n = docs.count
        let query = "apple cherry grape"
        let desm = try ranker.rank(query, options: RankingOptions(scorer: .desm(.inOut)), k: n).hits
        let bm = try ranker.rank(query, options: RankingOptions(scorer: .bm25), k: n).hits
        var d = [Float](repeating: 0, count: n), b = [Float](repeating: 0, count: n)
        for h in desm { d[h.doc] = Float(h.score) }
        for h in bm { b[h.doc] = Float(h.score) }
        for norm in ScoreNormalisation.allCases {
            for alpha in [0.0, 0.3, 1.0] {
                let nd = normalisedScores(d, norm), nb = normalisedScores(b, norm)
                let mix = try ranker.rank(query, options: RankingOptions(scorer: .mixture(.inOut), alpha: alpha, normalisation: norm), k: n).hits
                XCTAssertEqual(mix.count, n)
                for h in mix {
                    XCTAssertEqual(h.score, alpha * Double(nd[h.doc]) + (1 - alpha) * Double(nb[h.doc]), accuracy: 1e-5, "\(norm) \(alpha)")
                }
            }
        }
        XCTAssertEqual(normalisedScores([1, 3, 5], .minmax), [0, 0.5, 1])
        XCTAssertEqual(normalisedScores([2, 2], .minmax), [0, 0])
        let z = normalisedScores([1, 2, 3], .zscore)
        XCTAssertEqual(Double(z[0]), -1.224745, accuracy: 1e-5)
        XCTAssertEqual(normalisedScores([4, 4, 4], .zscore), [0, 0, 0])
    }

    func testRerankScoresOnlyBM25sCandidates() throws {
        let (ranker, _) = try fixture()
        let query = "honey iris"
        let bm = try ranker.rank(query, options: RankingOptions(scorer: .bm25), k: 15).hits
        let rr = try ranker.rank(query, options: RankingOptions(scorer: .desm(.inOut), rerank: 15), k: 1000).hits
        XCTAssertEqual(Set(rr.map(\.doc)), Set(bm.map(\.doc)))
        let full = try ranker.rank(query, options: RankingOptions(scorer: .desm(.inOut)), k: 1000).hits
        let fullScore = Dictionary(uniqueKeysWithValues: full.map { ($0.doc, $0.score) })
        for h in rr { XCTAssertEqual(h.score, fullScore[h.doc]!, accuracy: 1e-6) }
        XCTAssertEqual(rr.map(\.score), rr.map(\.score).sorted(by: >))
        // Depth smaller than K, and BM25 re-ranking itself is the identity.
        XCTAssertEqual(try ranker.rank(query, options: RankingOptions(scorer: .desm(.inOut), rerank: 15), k: 4).hits.count, 4)
        XCTAssertEqual(try ranker.rank(query, options: RankingOptions(scorer: .bm25, rerank: 15), k: 15).hits.map(\.doc), bm.map(\.doc))
        let mixed = try ranker.rank(query, options: RankingOptions(scorer: .mixture(.inOut), alpha: 0.5, normalisation: .minmax, rerank: 15), k: 15).hits
        XCTAssertEqual(Set(mixed.map(\.doc)), Set(bm.map(\.doc)))
        XCTAssertTrue(mixed.allSatisfy { $0.score >= 0 && $0.score <= 1 })
    }

    func testBatchAPIAgreesWithSingleQueriesForEveryScorer() throws {
        let (ranker, _) = try fixture()
        let queries = ["apple", "banana fig the", "nothing known", "runner running", "olive"]
        let options: [RankingOptions] = [
            RankingOptions(scorer: .bm25), RankingOptions(scorer: .desm(.inIn)),
            RankingOptions(scorer: .mixture(.inOut), alpha: 0.4, normalisation: .zscore),
            RankingOptions(scorer: .desm(.outIn), rerank: 20),
        ]
        for o in options {
            let batch = try ranker.rankBatch(queries, options: o, k: 10)
            XCTAssertEqual(batch.count, queries.count)
            for (i, q) in queries.enumerated() {
                let single = try ranker.rank(q, options: o, k: 10)
                XCTAssertEqual(batch[i].hits, single.hits, "\(o.tag) \(q)")
            }
        }
    }

    func testExplanationSumsToTheDESMScore() throws {
        let (ranker, _) = try fixture()
        let query = "apple apple kiwi blorp"
        let hits = try ranker.rank(query, options: RankingOptions(scorer: .desm(.inOut)), k: 3).hits
        for h in hits {
            let e = try ranker.explain(query, doc: h.doc, options: RankingOptions(scorer: .desm(.inOut)))
            XCTAssertEqual(e.desm.map(\.word), ["apple", "apple", "kiwi"])
            XCTAssertEqual(e.desm.reduce(0) { $0 + $1.contribution }, h.score, accuracy: 1e-5)
            XCTAssertTrue(e.desm.allSatisfy { abs($0.cosine) <= 1 + 1e-6 })
        }
    }

    func testTopKKeepsTheBestAndBreaksTiesByDocumentNumber() {
        var rng = SplitMix(1)
        for _ in 0..<50 {
            let k = 1 + rng.below(20)
            let values = (0..<(1 + rng.below(200))).map { _ in Float(rng.below(30)) }
            var top = TopK(k: k)
            for (i, v) in values.enumerated().shuffled() { top.offer(v, i) }
            let expected = values.enumerated().sorted { $0.element > $1.element || ($0.element == $1.element && $0.offset < $1.offset) }
                .prefix(k).map(\.offset)
            XCTAssertEqual(top.sorted().map(\.doc), Array(expected))
        }
        var t = TopK(k: 3)
        t.offer(.nan, 0)
        XCTAssertEqual(t.count, 0)
    }

    func testDerivedBM25TermsEqualTheBM25Analyzer() {
        let analysis = TextAnalysis(settings: .standard)
        let bm25 = Analyzer(AnalyzerSettings.standard.bm25)
        for text in ["The Running of the runners, COVID-19 and John's dogs", "Ünïcödé — naïve café's 東京 text",
                     "a an and are as at be but by for if in into is it no not of on or such", ""] {
            XCTAssertEqual(analysis.bm25Terms(text), bm25.tokens(text), text)
            XCTAssertEqual(analysis.analyse(text).terms, bm25.tokens(text), text)
            // The indexer's memoised path gives the same terms (twice: cold and warm cache)
            // and the vocabulary ids of the embedding tokens.
            let vocab = Vocabulary(words: ["running", "dogs", "the"], counts: [3, 2, 1])
            for _ in 0..<2 {
                let (ids, terms) = analysis.analyse(text, vocabulary: vocab)
                XCTAssertEqual(terms, bm25.tokens(text), text)
                XCTAssertEqual(ids, Analyzer(.embedding).tokens(text).map { Int32(vocab.id($0) ?? -1) })
            }
        }
    }

    func testScorerNamesAndTags() {
        XCTAssertEqual(ScorerKind(name: "in-out"), .desm(.inOut))
        XCTAssertEqual(ScorerKind(name: "mixture"), .mixture(.inOut))
        XCTAssertEqual(ScorerKind(name: "mixture:in-in"), .mixture(.inIn))
        XCTAssertNil(ScorerKind(name: "lsa"))
        for name in ScorerKind.names { XCTAssertEqual(ScorerKind(name: name)?.description, name) }
        XCTAssertEqual(RankingOptions(scorer: .bm25).tag, "bm25-k0.9-b0.4")
        XCTAssertEqual(RankingOptions(scorer: .mixture(.inOut), alpha: 0.5, normalisation: .minmax).tag,
                       "desm-mixture-in-out-a0.5-norm-minmax-bm25-k0.9-b0.4")
        XCTAssertEqual(RankingOptions(scorer: .desm(.inIn), rerank: 100).tag, "desm-in-in-rerank100-bm25-k0.9-b0.4")
    }

    func testQueryStoplistRemovesWordsFromBothAnalysesForEveryScorer() throws {
        let (ranker, _) = try fixture()
        let stop = QueryStoplist(name: "fruit", words: ["Apple", "fig"])
        for scorer in [ScorerKind.desm(.inOut), .desm(.inIn), .bm25, .mixture(.inOut)] {
            for rerank in [nil, 20] as [Int?] {
                let with = RankingOptions(scorer: scorer, alpha: 0.5, normalisation: .zscore, rerank: rerank, queryStoplist: stop)
                let without = RankingOptions(scorer: scorer, alpha: 0.5, normalisation: .zscore, rerank: rerank)
                let a = try ranker.rank("apple cherry FIG grape apple", options: with, k: 15)
                let b = try ranker.rank("cherry grape", options: without, k: 15)
                XCTAssertEqual(a.hits.map(\.doc), b.hits.map(\.doc), "\(scorer) \(String(describing: rerank))")
                XCTAssertEqual(a.hits.map(\.score), b.hits.map(\.score), "\(scorer)")
                XCTAssertEqual(a.query.droppedWords, ["apple", "fig", "apple"])
                XCTAssertTrue(a.notes.contains("query stoplist fruit removed: apple fig apple"), "\(a.notes)")
                // The batch path (a matrix product for full-collection DESM) agrees.
                let batch = try ranker.rankBatch(["apple cherry FIG grape apple"], options: with, k: 15)[0]
                XCTAssertEqual(batch.hits.map(\.doc), b.hits.map(\.doc), "\(scorer) batch")
                XCTAssertTrue(with.tag.hasSuffix("-qstop-fruit"), with.tag)
            }
        }
        // Every word on the list: a clear note, no hits, no NaN.
        let r = try ranker.rank("apple FIG", options: RankingOptions(scorer: .desm(.inOut), queryStoplist: stop), k: 5)
        XCTAssertTrue(r.hits.isEmpty)
        XCTAssertTrue(r.notes.contains { $0.hasPrefix("every query word is on the query stoplist") }, "\(r.notes)")
        // The explanation leaves the dropped words out too.
        let e = try ranker.explain("apple cherry", doc: 0, options: RankingOptions(scorer: .mixture(.inIn), queryStoplist: stop))
        XCTAssertEqual(e.desm.map(\.word), ["cherry"])
        XCTAssertEqual(e.bm25.map(\.term), ["cherri"])
    }

    func testQueryStoplistIsAppliedBeforeStemmingWhenBM25TermsAreAnalysedSeparately() {
        // An embedding analyzer with stopwords cannot share its tokens with BM25: the
        // stoplist must then be merged into the BM25 analyzer's stopwords.
        var settings = AnalyzerSettings.standard
        settings.embedding.stopwords = .custom(["zzz"])
        let separate = TextAnalysis(settings: settings), shared = TextAnalysis(settings: .standard)
        let text = "What does the running runner do? Which runs, when and WHY"
        let a = separate.analyseQuery(text, dropping: .questions)
        let b = shared.analyseQuery(text, dropping: .questions)
        XCTAssertEqual(a.terms, ["run", "runner", "run"])
        XCTAssertEqual(b.terms, a.terms)
        XCTAssertEqual(b.tokens, ["the", "running", "runner", "runs", "and"])
        XCTAssertEqual(b.dropped, ["what", "does", "do", "which", "when", "why"])
        XCTAssertEqual(shared.analyseQuery(text, dropping: .none).terms, shared.analyse(text).terms)
    }

    func testQueryStoplistSpecifications() throws {
        XCTAssertEqual(try QueryStoplist.parse("none"), .none)
        XCTAssertEqual(try QueryStoplist.parse("questions").words.count, 16)
        let dir = makeTemporaryDirectory("desm-qstop"); dirs.append(dir)
        let path = dir + "/My List.v2.txt"
        try "# question words\n\n  What \nCAFE\u{301}\n".write(toFile: path, atomically: true, encoding: .utf8)
        let list = try QueryStoplist.parse(path)
        XCTAssertEqual(list.name, "file-My_List")
        XCTAssertEqual(list.words, ["what", "café"])
        XCTAssertTrue(list.contains("What"))
        XCTAssertEqual(RankingOptions(scorer: .bm25, queryStoplist: list).tag, "bm25-k0.9-b0.4-qstop-file-My_List")
        for bad in [dir + "/missing.txt", dir] {
            XCTAssertThrowsError(try QueryStoplist.parse(bad)) { e in
                XCTAssertTrue("\(e)".hasPrefix(bad + ":"), "\(e)")
            }
        }
    }

    func testAHugeDepthCostsOnlyWhatIsKept() throws {
        var top = TopK(k: Int.max / 2)
        for (i, x) in [0.5, 0.9, 0.1].enumerated() { top.offer(Float(x), i) }
        XCTAssertEqual(top.sorted().map(\.doc), [1, 0, 2])
        let (ranker, docs) = try fixture(30)
        let r = try ranker.rank("apple cherry", options: RankingOptions(scorer: .bm25), k: 1 << 40)
        XCTAssertLessThanOrEqual(r.hits.count, docs.count)
    }

    func testCustomBM25StopwordsMatchTheAnalyzerWhenTermsAreDerived() {
        var settings = AnalyzerSettings.standard
        settings.bm25.stopwords = .custom(["The", "RUNNING"])
        let analysis = TextAnalysis(settings: settings)
        let text = "The running runner ran"
        XCTAssertEqual(analysis.bm25Terms(text), Analyzer(settings.bm25).tokens(text))
        XCTAssertEqual(analysis.bm25Terms(text), ["runner", "ran"])
    }
}
