@testable import DesmIndex
import DesmTestSupport
import DesmText
import DesmWord2Vec
import Foundation
import XCTest

/// Ax (Anserini's axiomatic semantic term matching), checked against values computed by hand:
/// the pool, Java's random numbers, the mutual information, the choice of terms and their
/// weights, and the command line's options.
final class AxiomaticTests: XCTestCase {
    var dirs: [String] = []
    override func tearDown() { for d in dirs { removeTree(d) } }

    /// Nine documents. Six hold the candidate terms (2+ letters a–z):
    ///   d0 zebra lion lion      d3 lion grass
    ///   d1 zebra lion river     d4 grass river
    ///   d2 tiger river grass    d5 tiger river grass
    /// d6 and d7 hold terms but no candidate ("x" is one letter, "42" and "7" are digits, "café"
    /// is not a–z); d8 is empty (no term: Anserini would not have indexed it).
    func wildlife() throws -> (Ranker, DocumentIndex) {
        let texts = ["zebra lion lion", "zebra lion river", "tiger river grass", "lion grass", "grass river",
                     "tiger river grass", "x 42", "café 7", ""]
        let docs = texts.enumerated().map { Document(id: "d\($0.offset)", title: "", text: $0.element) }
        let (index, dir) = try buildIndex(docs, model: makeModel()); dirs.append(dir)
        return (try Ranker(index: index, model: nil), index)
    }

    /// I(X; Y) over the six candidate-bearing documents from the joint counts (both, X only,
    /// Y only, neither), natural logarithms; a zero count contributes 0.
    func mi(_ n11: Double, _ n10: Double, _ n01: Double, _ n00: Double) -> Double {
        let n = n11 + n10 + n01 + n00
        let px1 = (n11 + n10) / n, py1 = (n11 + n01) / n
        func part(_ c: Double, _ px: Double, _ py: Double) -> Double { c == 0 ? 0 : c / n * log(c / n / (px * py)) }
        return part(n11, px1, py1) + part(n10, px1, 1 - py1) + part(n01, 1 - px1, py1) + part(n00, 1 - px1, 1 - py1)
    }

    /// BM25 of one term in one document, from the formula (k1 0.9, b 0.4, N 9 documents).
    func bm25(_ index: DocumentIndex, term: String, tf: Double, doc: Int) throws -> Double {
        let id = try XCTUnwrap(try index.termID(term))
        let n = Double(index.documentFrequency(id))
        let idf = log(1 + (9 - n + 0.5) / (n + 0.5))
        let dl = Double(index.lengths[doc]), avg = index.manifest.bm25.averageLength
        return idf * tf * 1.9 / (tf + 0.9 * (1 - 0.4 + 0.4 * dl / avg))
    }

    func testTermsAndWeightsMatchAHandComputation() throws {
        let (ranker, index) = try wildlife()
        XCTAssertEqual(index.count, 9)
        // r·n = 20 reaches the 8 documents with a term: the pool is all of them, whatever the draw.
        let p = AxParameters(topDocuments: 2, poolFactor: 10, beta: 0.5, terms: 20, seed: 42)
        let options = RankingOptions(scorer: .bm25, expansion: .ax(p))
        // Query tokens: zebra ×2, river, 2024 (in no document): |Q| = 4.
        let r = try ranker.rank("zebra zebra river 2024", options: options, k: 10)

        // N = 8 (documents with a term; d8 is left out), so
        //   idf(zebra) = ln⌊9/2⌋ = ln 4 = 1.386294   (df 2; not ln 4.5, not ln⌊10/2⌋ = ln 5)
        //   idf(river) = ln⌊9/4⌋ = ln 2 = 0.693147   (df 4)
        let idfZebra = log(4.0), idfRiver = log(2.0)
        // P = 6 pool documents hold a candidate term (d6, d7 do not count). Candidates and
        // their documents: zebra {0,1}, lion {0,1,3}, river {1,2,4,5}, tiger {2,5}, grass {2,3,4,5}.
        // I(zebra; zebra) = I(river; river) = H(1/3) = (1/3)·ln 3 + (2/3)·ln 1.5 = 0.636514.
        let selfZebra = mi(2, 0, 0, 4), selfRiver = mi(4, 0, 0, 2)
        XCTAssertEqual(selfZebra, 0.636514, accuracy: 1e-6)
        XCTAssertEqual(selfRiver, selfZebra, accuracy: 1e-12)

        // q = zebra (qtf 2): s(zebra) = idf·qtf = 2.772589; for t ≠ zebra, idf·β·qtf·I(zebra; t)/0.636514:
        //   grass: both 0, zebra only 2, grass only 4, neither 0: I = 0.636514 (never together) → 1.386294
        //   lion:  2, 0, 1, 3: I = (1/3)ln 2 + (1/6)ln 0.5 + (1/2)ln 1.5 = 0.318257 → 0.693147
        //   tiger: 0, 2, 2, 2: I = (1/3)ln 1.5 + (1/3)ln 1.5 + (1/3)ln 0.75 = 0.174416 → 0.379869
        //   river: 1, 1, 3, 1: I = (1/6)ln 0.75 + (1/6)ln 1.5 + (1/2)ln 1.125 + (1/6)ln 0.75 = 0.030575 → 0.066591
        // Anserini takes the first ⌈5/2⌉ = 3 of the 5: zebra, grass, lion (not tiger, not river).
        let zebraOnZebra = idfZebra * 2
        let grassOnZebra = idfZebra * 0.5 * 2 * mi(0, 2, 4, 0) / selfZebra
        let lionOnZebra = idfZebra * 0.5 * 2 * mi(2, 0, 1, 3) / selfZebra
        let tigerOnZebra = idfZebra * 0.5 * 2 * mi(0, 2, 2, 2) / selfZebra
        XCTAssertEqual(grassOnZebra, 1.386294, accuracy: 1e-6)
        XCTAssertEqual(lionOnZebra, 0.693147, accuracy: 1e-6)
        XCTAssertEqual(tigerOnZebra, 0.379869, accuracy: 1e-6)
        XCTAssertEqual(idfZebra * 0.5 * 2 * mi(1, 1, 3, 1) / selfZebra, 0.066591, accuracy: 1e-6)
        // q = river (qtf 1): s(river) = 0.693147; for t ≠ river, idf·β·1·I(river; t)/0.636514:
        //   lion:  both 1, river only 3, lion only 2, neither 0: I = 0.318257 → 0.173287
        //   tiger: 2, 2, 0, 2: I = 0.174416 → 0.094967
        //   zebra: 1, 3, 1, 1 and grass: 3, 1, 1, 1: I = 0.030575 → 0.016648 each
        // The first ⌈5/2⌉ = 3: river, lion, tiger.
        let riverOnRiver = idfRiver * 1
        let lionOnRiver = idfRiver * 0.5 * mi(1, 3, 2, 0) / selfRiver
        let tigerOnRiver = idfRiver * 0.5 * mi(2, 2, 0, 2) / selfRiver
        XCTAssertEqual(lionOnRiver, 0.173287, accuracy: 1e-6)
        XCTAssertEqual(tigerOnRiver, 0.094967, accuracy: 1e-6)
        // Sums over the query terms, / |Q| = 4:
        //   zebra 2.772589/4 = 0.693147, grass 1.386294/4 = 0.346574,
        //   lion (0.693147 + 0.173287)/4 = 0.216608, river 0.693147/4 = 0.173287, tiger 0.094967/4 = 0.023742.
        // Again the first ⌈5/2⌉ = 3 (≤ 20 terms): zebra, grass, lion. The query term river drops out.
        let expected: [String: Double] = ["zebra": zebraOnZebra / 4, "grass": grassOnZebra / 4,
                                          "lion": (lionOnZebra + lionOnRiver) / 4]
        XCTAssertEqual(expected["lion"]!, 0.216608, accuracy: 1e-6)
        XCTAssertLessThan(riverOnRiver / 4, expected["lion"]!, "the hand computation's own premise")
        XCTAssertLessThan(tigerOnRiver / 4, riverOnRiver / 4)

        let expanded = try XCTUnwrap(r.expandedQuery)
        XCTAssertEqual(expanded.map(\.term), ["zebra", "grass", "lion"])
        for t in expanded {
            guard let w = expected[t.term] else { XCTFail("unexpected term \(t.term)"); continue }
            XCTAssertEqual(t.weight, w, accuracy: 1e-6 * w, t.term)
        }
        XCTAssertEqual(expanded.map(\.queryCount), [2, 0, 0])
        XCTAssertEqual(r.notes, ["query terms in no document (no BM25 score): 2024"])

        // The new ranking is BM25 over the whole collection with those weights as boosts:
        // d4 "grass river" is found by grass alone, d3 "lion grass" by lion and grass.
        let d4 = try XCTUnwrap(r.hits.first { $0.doc == 4 })
        XCTAssertEqual(d4.score, expected["grass"]! * (try bm25(index, term: "grass", tf: 1, doc: 4)), accuracy: 1e-4)
        let d3 = try XCTUnwrap(r.hits.first { $0.doc == 3 })
        XCTAssertEqual(d3.score, expected["grass"]! * (try bm25(index, term: "grass", tf: 1, doc: 3))
            + expected["lion"]! * (try bm25(index, term: "lion", tf: 1, doc: 3)), accuracy: 1e-4)
        XCTAssertEqual(Set(r.hits.map(\.doc)), [0, 1, 2, 3, 4, 5])

        // Explanations use the same expanded query, from the options or from the ranking.
        let e = try ranker.explain("zebra zebra river 2024", doc: 3, options: options)
        XCTAssertEqual(e.bm25.map(\.term), ["zebra", "grass", "lion"])
        XCTAssertEqual(try XCTUnwrap(e.bm25Score), d3.score, accuracy: 1e-4)
        let fromRanking = try ranker.explain(r, doc: 3, options: options)
        XCTAssertEqual(fromRanking.bm25.map(\.term), e.bm25.map(\.term))
        XCTAssertEqual(try XCTUnwrap(fromRanking.bm25Score), try XCTUnwrap(e.bm25Score), accuracy: 1e-12)
        XCTAssertEqual(options.tag, "bm25-k0.9-b0.4-ax-r2-n10-b0.5-t20-s42")

        // At most `terms` terms: 2 keeps zebra and grass with the same weights.
        let two = try ranker.rank("zebra zebra river 2024", options: RankingOptions(scorer: .bm25, expansion: .ax(AxParameters(
            topDocuments: 2, poolFactor: 10, beta: 0.5, terms: 2))), k: 10)
        XCTAssertEqual(try XCTUnwrap(two.expandedQuery).map(\.term), ["zebra", "grass"])
        XCTAssertEqual(try XCTUnwrap(two.expandedQuery?.last).weight, expected["grass"]!, accuracy: 1e-6)
    }

    func testWithoutAScoringTermTheQueryIsNotExpandedAndSaysSo() throws {
        let (ranker, _) = try wildlife()
        // "42" is in d6 but is no candidate (digits), so no term scores.
        let plain = try ranker.rank("42", options: RankingOptions(scorer: .bm25), k: 10)
        let r = try ranker.rank("42", options: RankingOptions(scorer: .bm25, expansion: .ax(AxParameters())), k: 10)
        XCTAssertEqual(r.hits, plain.hits)
        XCTAssertEqual(r.hits.map(\.doc), [6])
        XCTAssertEqual(r.expandedQuery?.map(\.term), ["42"])
        XCTAssertTrue(r.notes.contains { $0.contains("Ax found no term to score") }, "\(r.notes)")
    }

    func testJavaRandomDrawsJavasNumbers() {
        // java.util.Random(42): the seed is scrambled to 42 ^ 0x5DEECE66D = 0x5DEECE647; the first
        // step gives (0x5DEECE647 · 0x5DEECE66D + 0xB) mod 2^48 = 0xBA419D35D646, whose top 31
        // bits (>> 17) are 1562431130: nextInt(10) = 1562431130 % 10 = 0, nextInt(7) = 1, and
        // nextInt(16) (a power of two) = (16 · 1562431130) >> 31 = 11. The rest as printed by
        // Java 17 (`new Random(42)` then `nextInt(bound)` twelve times, a fresh generator each).
        let expected: [Int32: [Int32]] = [
            10: [0, 3, 8, 4, 0, 5, 5, 8, 9, 3, 2, 2],
            16: [11, 0, 10, 0, 4, 15, 4, 11, 10, 1, 14, 7],
            7: [1, 5, 6, 3, 5, 4, 1, 3, 6, 3, 3, 4],
            1398: [1166, 1305, 462, 164, 624, 1183, 551, 362, 433, 1061, 542, 464],
            42765: [11855, 2838, 29628, 13529, 26940, 3670, 32060, 14348, 6454, 40568, 28487, 12602],
        ]
        for (bound, values) in expected {
            var random = Axiomatic.JavaRandom(seed: 42)
            XCTAssertEqual((0..<12).map { _ in random.nextInt(bound) }, values, "bound \(bound)")
        }
        // A bound just above 2^30 rejects about half the draws (Java's loop); a negative seed.
        var big = Axiomatic.JavaRandom(seed: 42)
        XCTAssertEqual((0..<4).map { _ in big.nextInt((1 << 30) + 1) }, [117392763, 102948884, 662969970, 595021505])
        var negative = Axiomatic.JavaRandom(seed: -5)
        XCTAssertEqual([negative.nextInt(1000), negative.nextInt(1000)], [411, 721])
    }

    func testThePoolIsTheTopDocumentsAndAJavaRandomDrawInDocnoOrder() throws {
        // Collection order and docnos; "empty" has no term and is left out of the draw.
        let names = ["d7", "d10", "d3", "d1", "empty", "d9", "d2", "d8", "d5", "d4", "d6"]
        let docs = names.map { Document(id: $0, title: "", text: $0 == "empty" ? "" : "lion " + $0) }
        let (index, dir) = try buildIndex(docs, model: makeModel()); dirs.append(dir)
        // Docnos in byte order ("d10" before "d2"): d1 d10 d2 d3 d4 d5 d6 d7 d8 d9, i.e. the
        // documents 3 1 6 2 9 8 10 0 7 5.
        let sampling = try Axiomatic.samplingOrder(index)
        XCTAssertEqual(sampling, [3, 1, 6, 2, 9, 8, 10, 0, 7, 5])
        // r = 2, n = 3: the top two, 2 (d3) and 7 (d8), then draws until 6 documents.
        // Random(42).nextInt(10) gives 0 3 8 4 0 5 5 8 9: sampling[0] = 3 (new), [3] = 2 (a top
        // document), [8] = 7 (a top document), [4] = 9 (new), [0] = 3 (again), [5] = 8 (new),
        // [5] again, [8] again, [9] = 5 (new): the pool is 2 7 3 9 8 5.
        let p = AxParameters(topDocuments: 2, poolFactor: 3)
        let ranking = [ScoredDocument(doc: 2, score: 3), ScoredDocument(doc: 7, score: 2), ScoredDocument(doc: 0, score: 1)]
        let pool = Axiomatic.pool(ranking: ranking, sampling: sampling, parameters: p)
        XCTAssertEqual(pool, [2, 7, 3, 9, 8, 5])
        XCTAssertEqual(try pool.map { try index.docno($0) }, ["d3", "d8", "d1", "d4", "d5", "d9"])
        // Another seed draws other documents.
        XCTAssertNotEqual(Axiomatic.pool(ranking: ranking, sampling: sampling, parameters: AxParameters(topDocuments: 2, poolFactor: 3, seed: 7)), pool)
        // A pool of r·n ≥ the documents with a term is all of them (Anserini's draw would not end).
        XCTAssertEqual(Set(Axiomatic.pool(ranking: ranking, sampling: sampling, parameters: AxParameters(topDocuments: 2, poolFactor: 5))),
                       Set(sampling.map(Int.init)))
        // Fewer ranked documents than r (one): the draw fills the rest of r·n = 4 with
        // sampling[0] = 3, [3] = 2 (the top document), [8] = 7, [4] = 9.
        XCTAssertEqual(Axiomatic.pool(ranking: Array(ranking.prefix(1)), sampling: sampling, parameters: AxParameters(topDocuments: 2, poolFactor: 2)),
                       [2, 3, 7, 9])
    }

    func testAnserinisOrderAndLoopBounds() {
        // Higher first; NaN before any number (Java's Double.compare); 0.0 before −0.0; ties by term.
        let scored: [(term: Int, score: Double)] = [(5, 1), (3, .nan), (4, 2), (2, 1), (1, -0.0), (0, 0.0), (6, .nan)]
        XCTAssertEqual(scored.sorted(by: Axiomatic.precedes).map(\.term), [3, 6, 4, 2, 5, 0, 1])
        // Anserini's loop `i < min(queue.size(), limit)` polls while the queue shrinks: ⌈size/2⌉.
        XCTAssertEqual((0...6).map { Axiomatic.taken(from: $0, limit: 1000) }, [0, 1, 1, 2, 2, 3, 3])
        XCTAssertEqual(Axiomatic.taken(from: 5000, limit: 1000), 1000)
        XCTAssertEqual(Axiomatic.taken(from: 41, limit: 20), 20)
        // Candidate terms: 2+ letters a–z only.
        XCTAssertTrue(Axiomatic.isCandidateTerm("zebra"))
        XCTAssertFalse(Axiomatic.isCandidateTerm("covid19"))
        XCTAssertFalse(Axiomatic.isCandidateTerm("x"))
        XCTAssertFalse(Axiomatic.isCandidateTerm("café"))
        // The mutual information in Anserini's arithmetic agrees with the formula.
        XCTAssertEqual(Axiomatic.mutualInformation(x: 2, y: 3, both: 2, total: 6), mi(2, 0, 1, 3), accuracy: 1e-6)
        XCTAssertEqual(Axiomatic.mutualInformation(x: 6, y: 3, both: 3, total: 6), 0, "a term in every document carries no information")
    }

    func testOptionProblemsTagAndModel() {
        func problem(_ p: AxParameters, scorer: ScorerKind = .bm25) -> String? {
            RankingOptions(scorer: scorer, expansion: .ax(p)).problem
        }
        XCTAssertNil(problem(AxParameters()))
        XCTAssertTrue(problem(AxParameters(topDocuments: 0))?.contains("--ax-r") == true)
        XCTAssertTrue(problem(AxParameters(poolFactor: 0))?.contains("--ax-n") == true)
        XCTAssertTrue(problem(AxParameters(topDocuments: 1 << 40, poolFactor: 1 << 40))?.contains("at most") == true, "r·n overflows")
        XCTAssertTrue(problem(AxParameters(beta: -1))?.contains("--ax-beta") == true)
        XCTAssertTrue(problem(AxParameters(beta: .nan))?.contains("--ax-beta") == true)
        XCTAssertTrue(problem(AxParameters(terms: 0))?.contains("--ax-terms") == true)
        XCTAssertTrue(problem(AxParameters(), scorer: .desm(.inOut))?.contains("use it with bm25") == true)
        XCTAssertNil(RankingOptions(scorer: .desm(.inOut), rerank: 100, expansion: .ax(AxParameters())).problem)
        XCTAssertFalse(RankingOptions(scorer: .bm25, expansion: .ax(AxParameters())).usesModel)
        XCTAssertEqual(RankingOptions(scorer: .bm25, expansion: .ax(AxParameters())).tag, "bm25-k0.9-b0.4-ax-r20-n30-b0.4-t20-s42")
    }

    func testAShardRefusesAx() throws {
        // The pool is drawn from the whole collection, which one shard does not have.
        let dir = makeTemporaryDirectory("desm-ax-shard"); dirs.append(dir)
        try writeJSONL(makeDocuments(count: 30), to: dir + "/c.jsonl")
        var o = IndexBuildOptions(threads: 2, batchSize: 5)
        o.shard = try Shard(index: 0, count: 2)
        try IndexBuilder(model: makeModel(), options: o).build(collectionPath: dir + "/c.jsonl", to: dir + "/shard0")
        let ranker = try Ranker(index: try DocumentIndex(path: dir + "/shard0"), model: nil)
        XCTAssertThrowsError(try ranker.rank("apple", options: RankingOptions(scorer: .bm25, expansion: .ax(AxParameters())), k: 10)) {
            XCTAssertTrue("\($0)".contains("and Ax its pool drawn from the whole collection"), "\($0)")
        }
    }

    func testCommandLineOptions() throws {
        let dir = makeTemporaryDirectory("desm-ax-cli"); dirs.append(dir)
        let index = try buildIndexWithDesm(in: dir)
        let s = try runDesm(["search", index, "apple banana", "--scorer", "bm25", "--ax", "--ax-r", "5", "--ax-n", "4", "--ax-beta", "0.3",
                             "--ax-terms", "6", "--ax-seed", "-3", "--json"])
        XCTAssertEqual(s.status, 0, s.stderr)
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(s.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(root["tag"] as? String, "bm25-k0.9-b0.4-ax-r5-n4-b0.3-t6-s-3")
        let expanded = try XCTUnwrap(root["expandedQuery"] as? [[String: Any]])
        XCTAssertTrue((1...6).contains(expanded.count), "\(expanded)")
        XCTAssertFalse(try XCTUnwrap(root["results"] as? [[String: Any]]).isEmpty)

        let text = try runDesm(["search", index, "apple banana", "--scorer", "bm25", "--ax", "--explain", "-k", "1"])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("# expanded query: "), text.stdout)
        XCTAssertTrue(text.stdout.contains("(weight "), text.stdout)

        let topics = dir + "/t.tsv"
        try "1\tapple banana\n2\tcherry grape\n".write(toFile: topics, atomically: true, encoding: .utf8)
        let run = try runDesm(["run", index, "--topics", topics, "--scorer", "bm25", "--ax", "--out", dir + "/r.run", "--quiet"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let first = try String(contentsOfFile: dir + "/r.run", encoding: .utf8).split(separator: "\n").first ?? ""
        XCTAssertTrue(first.hasSuffix("bm25-k0.9-b0.4-ax-r20-n30-b0.4-t20-s42"), String(first))

        for (arguments, message) in [
            (["--scorer", "bm25", "--ax", "--rm3"], "--ax and --rm3 are alternative"),
            (["--scorer", "bm25", "--ax", "--expand-topical", "3"], "--ax and --expand-topical are alternative"),
            (["--scorer", "bm25", "--ax-r", "5"], "add --ax"),
            (["--scorer", "bm25", "--ax-seed", "1"], "add --ax"),
            (["--scorer", "in-out", "--ax"], "use it with bm25, a mixture or --rerank"),
            (["--scorer", "bm25", "--ax", "--ax-r", "0"], "--ax-r (Ax's top documents) must be at least 1"),
            (["--scorer", "bm25", "--ax", "--ax-n", "0"], "--ax-n (Ax's pool factor) must be at least 1"),
            (["--scorer", "bm25", "--ax", "--ax-r", "100000", "--ax-n", "1000"], "must be at most"),
            (["--scorer", "bm25", "--ax", "--ax-beta", "-0.5"], "--ax-beta must be a number ≥ 0"),
            (["--scorer", "bm25", "--ax", "--ax-beta", "nan"], "--ax-beta must be a number ≥ 0"),
            (["--scorer", "bm25", "--ax", "--ax-terms", "0"], "--ax-terms (Ax's expansion terms) must be at least 1"),
            (["--scorer", "bm25", "--ax", "--ax-seed", "x"], "--ax-seed"),
            (["--scorer", "bm25", "--ax", "--original-query-weight", "0.5"], "needs --rm3 or --expand-topical"),
        ] {
            let r = try runDesm(["search", index, "apple"] + arguments)
            XCTAssertNotEqual(r.status, 0, "\(arguments)")
            XCTAssertTrue(r.stderr.contains(message), "\(arguments): \(r.stderr)")
            XCTAssertFalse(r.signalled, "\(arguments)")
        }
    }
}
