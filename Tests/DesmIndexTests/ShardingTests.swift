import DesmIndex
import DesmText
import DesmTestSupport
import DesmWord2Vec
import Foundation
import XCTest

/// Shards of a collection score exactly as its single index: BM25 statistics merge to the
/// whole collection's, a shard built with them gives every document the single index's BM25
/// score (bit for bit), DESM scores are the same bits, and a mixture normalised with the
/// shards' added moments gives the single index's mixed scores.
final class ShardingTests: XCTestCase {
    let documents = makeDocuments(count: 240, seed: 5)

    func writeCollection(_ dir: String) throws -> String {
        let path = dir + "/c.jsonl"
        try writeJSONL(documents, to: path)
        return path
    }

    func testShardsAreByFNV1aOfTheDocno() throws {
        XCTAssertEqual(Shard.hash("".utf8), 0xcbf2_9ce4_8422_2325)
        XCTAssertEqual(Shard.hash("a".utf8), 0xaf63_dc4c_8601_ec8c)
        XCTAssertEqual(Shard.hash("foobar".utf8), 0x8594_4171_f739_67e8)
        XCTAssertEqual(try Shard(parsing: "3/4"), try Shard(index: 3, count: 4))
        assertDesmError(try Shard(parsing: "4/4"), contains: "numbered 0 to 3")
        assertDesmError(try Shard(parsing: "1of4"), contains: "i/n")
        assertDesmError(try Shard(parsing: "0/0"), contains: "at least 1")
    }

    func testMergedShardStatisticsEqualTheWholeCollections() throws {
        let dir = makeTemporaryDirectory("desm-shard-stats")
        let collection = try writeCollection(dir)
        let settings = makeModel().analyzer
        let whole = try CollectionStatistics.count(collectionPath: collection, settings: settings)
        XCTAssertEqual(whole.documents, documents.count)
        var paths: [String] = []
        for i in 0..<4 {
            let part = try CollectionStatistics.count(collectionPath: collection, settings: settings, shard: try Shard(index: i, count: 4))
            XCTAssertGreaterThan(part.documents, 20, "a shard of 240 documents by hash should not be nearly empty")
            XCTAssertLessThan(part.documents, whole.documents)
            let p = dir + "/part\(i).tsv"
            try part.save(to: p)
            XCTAssertEqual(try CollectionStatistics.load(path: p), part, "the file round-trips")
            paths.append(p)
        }
        let merged = try CollectionStatistics.merged(try paths.map { try CollectionStatistics.load(path: $0) }, paths: paths)
        XCTAssertEqual(merged, whole)
        // The same shard twice, and parts of different splits, are refused.
        let again = try CollectionStatistics.load(path: paths[1])
        assertDesmError(try CollectionStatistics.merged([again, again], paths: [paths[1], "b.tsv"]), contains: "b.tsv", "shard 1/4", "twice")
        var other = try CollectionStatistics.count(collectionPath: collection, settings: settings, shard: try Shard(index: 0, count: 3))
        assertDesmError(try CollectionStatistics.merged([again, other], paths: ["a.tsv", "c.tsv"]), contains: "c.tsv", "same split")
        other.shard = nil
        other.analyzer.stemmer = .none
        assertDesmError(try CollectionStatistics.merged([again, other], paths: ["a.tsv", "c.tsv"]), contains: "c.tsv", "BM25 analysis differs")
    }

    func testBadStatisticsFilesNameFileAndLine() throws {
        let dir = makeTemporaryDirectory("desm-shard-bad")
        let s = try CollectionStatistics.count(collectionPath: try writeCollection(dir), settings: makeModel().analyzer)
        let good = dir + "/good.tsv"
        try s.save(to: good)
        let text = try String(contentsOfFile: good, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func write(_ name: String, _ l: [String]) -> String { writeTemp(dir, name, l.joined(separator: "\n")) }
        // A df changed: the checksum catches it, on the end line.
        var changed = lines
        let termLine = 7
        let parts = changed[termLine - 1].split(separator: "\t")
        changed[termLine - 1] = "\(parts[0])\t\(Int(parts[1])! + 1)"
        let endLine = lines.count - 1
        assertDesmError(try CollectionStatistics.load(path: write("changed.tsv", changed)), contains: "changed.tsv:\(endLine)", "checksum")
        // Truncated before the end line.
        assertDesmError(try CollectionStatistics.load(path: write("cut.tsv", Array(lines.prefix(20)))), contains: "cut.tsv:21", "ends before term")
        // Terms out of order.
        var swapped = lines
        swapped.swapAt(termLine - 1, termLine)
        assertDesmError(try CollectionStatistics.load(path: write("order.tsv", swapped)), contains: "order.tsv:\(termLine + 1)", "not strictly increasing")
        // A df above N, a bad header, another version, an empty file.
        var big = lines
        big[termLine - 1] = "\(parts[0])\t\(s.documents + 1)"
        assertDesmError(try CollectionStatistics.load(path: write("big.tsv", big)), contains: "big.tsv:\(termLine)", "1…\(s.documents)")
        assertDesmError(try CollectionStatistics.load(path: write("run.tsv", ["1 Q0 d1 1 2.5 tag"])), contains: "run.tsv:1", "not a desm BM25 statistics file")
        lines[0] = "desm-bm25-statistics\t9"
        assertDesmError(try CollectionStatistics.load(path: write("v9.tsv", lines)), contains: "v9.tsv:1", "version 1")
        assertDesmError(try CollectionStatistics.load(path: write("empty.tsv", [])), contains: "empty.tsv:1")
    }

    /// Builds the single index and the shards (with the merged statistics, or without).
    func build(shards n: Int, statistics: Bool = true) throws -> (single: DocumentIndex, shards: [DocumentIndex], model: EmbeddingModel) {
        let dir = makeTemporaryDirectory("desm-shard-build")
        let collection = try writeCollection(dir)
        let model = makeModel()
        try IndexBuilder(model: model, options: IndexBuildOptions(threads: 2, batchSize: 7)).build(collectionPath: collection, to: dir + "/single")
        let parts = try (0..<n).map { try CollectionStatistics.count(collectionPath: collection, settings: model.analyzer, shard: try Shard(index: $0, count: n)) }
        let merged = try CollectionStatistics.merged(parts, paths: [])
        var shards: [DocumentIndex] = []
        for i in 0..<n {
            var o = IndexBuildOptions(threads: 2, batchSize: 5)
            o.shard = try Shard(index: i, count: n)
            if statistics { o.statistics = merged }
            try IndexBuilder(model: model, options: o).build(collectionPath: collection, to: dir + "/shard\(i)")
            shards.append(try DocumentIndex(path: dir + "/shard\(i)"))
        }
        return (try DocumentIndex(path: dir + "/single"), shards, model)
    }

    /// Every document's score per query, by docno.
    func scores(_ index: DocumentIndex, _ model: EmbeddingModel, _ options: RankingOptions, _ queries: [String],
                contexts: [ShardTopicContext]? = nil) throws -> [[String: Float]] {
        let rankings = try Ranker(index: index, model: model).rankBatch(queries, options: options, k: 10_000, contexts: contexts)
        return try rankings.map { r in
            var m: [String: Float] = [:]
            for h in r.hits { m[try index.docno(h.doc)] = Float(h.score) }
            return m
        }
    }

    /// "zyzzyva qwerty": BM25 terms but no word in the model (a mixture ranks by BM25 alone);
    /// "plumbago": in no document and not in the model (every scorer returns nothing).
    let queries = ["apple cherry", "running fig fig", "the honey of sage", "kiwi zyzzyva mango", "olive", "zyzzyva qwerty", "plumbago"]

    func testShardScoresEqualTheSingleIndexes() throws {
        let (single, shards, model) = try build(shards: 3)
        XCTAssertEqual(shards.map(\.count).reduce(0, +), single.count)
        // Positions: each shard's documents at their places in the collection.
        for s in shards {
            for d in 0..<s.count { XCTAssertEqual(try s.docno(d), try single.docno(s.collectionPosition(d))) }
            XCTAssertEqual(s.bm25Documents, single.count)
            XCTAssertEqual(s.bm25AverageLength, single.manifest.bm25.averageLength)
        }
        for scorer in ["bm25", "in-out", "in-in"] {
            let o = RankingOptions(scorer: try ScorerKind.parse(scorer))
            let whole = try scores(single, model, o, queries)
            var union = [[String: Float]](repeating: [:], count: queries.count)
            for s in shards { for (q, m) in try scores(s, model, o, queries).enumerated() { union[q].merge(m) { a, _ in a } } }
            XCTAssertEqual(union, whole, "\(scorer): every document's score, bit for bit")
        }
    }

    /// A shard is not a whole index: desm run (outside a shard pass), desm search and a
    /// directory of shards given as an index are refused with what to do instead.
    func testAShardRefusesToBeUsedAsTheWholeCollection() throws {
        let (single, shards, _) = try build(shards: 3)
        let dir = (single.path as NSString).deletingLastPathComponent
        XCTAssertNoThrow(try single.requireWholeCollection(for: "x"))
        assertDesmError([shards[1].path, "this is shard 1/3 of a collection (\(shards[1].count) of its \(single.count) documents)",
                         "desm search would rank a part as if it were all", "spark/desm_spark.py run"]) {
            try shards[1].requireWholeCollection(for: "desm search")
        }
        try requireDesm()
        let topics = dir + "/topics.tsv"
        try "1\tapple cherry\n".write(toFile: topics, atomically: true, encoding: .utf8)
        let run = try runDesm(["run", dir + "/shard1", "--topics", topics, "--scorer", "bm25", "--out", dir + "/x.run"])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("this is shard 1/3 of a collection"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/x.run"))
        let search = try runDesm(["search", dir + "/shard1", "apple", "--scorer", "bm25"])
        XCTAssertEqual(search.status, 1, search.stderr)
        XCTAssertTrue(search.stderr.contains("desm search would rank a part"), search.stderr)
        // A directory of shards, as desm_spark.py index writes it.
        try FileManager.default.createDirectory(atPath: dir + "/shards", withIntermediateDirectories: true)
        for i in 0..<3 { try FileManager.default.createSymbolicLink(atPath: dir + "/shards/shard-000\(i)", withDestinationPath: dir + "/shard\(i)") }
        let whole = try runDesm(["search", dir + "/shards", "apple", "--scorer", "bm25"])
        XCTAssertEqual(whole.status, 1, whole.stderr)
        XCTAssertTrue(whole.stderr.contains("a directory of 3 shards, not one index"), whole.stderr)
    }

    func testWithoutStatisticsShardsScoreBM25Differently() throws {
        let (single, shards, model) = try build(shards: 3, statistics: false)
        let o = RankingOptions(scorer: .bm25)
        let whole = try scores(single, model, o, queries)
        let part = try scores(shards[0], model, o, queries)
        XCTAssertNotEqual(part[0].map { $0.value }.sorted(), whole[0].filter { part[0][$0.key] != nil }.map { $0.value }.sorted())
    }

    func testMixtureWithAddedMomentsEqualsTheSingleIndex() throws {
        let (single, shards, model) = try build(shards: 3)
        for norm in [ScoreNormalisation.zscore, .minmax] {
            let o = RankingOptions(scorer: .mixture(.inOut), alpha: 0.4, normalisation: norm)
            let whole = try scores(single, model, o, queries)
            // First pass: each shard's moments; added in one order, and in another.
            var total = [MixtureMoments](repeating: MixtureMoments(), count: queries.count)
            var reversed = total
            var terms = [Bool](repeating: false, count: queries.count)
            let passes = try shards.map { try Ranker(index: $0, model: model).rankBatch(queries, options: o, k: 1) }
            for p in passes { for (q, r) in p.enumerated() { total[q].add(r.moments!); terms[q] = terms[q] || r.hasTerms } }
            for p in passes.reversed() { for (q, r) in p.enumerated() { reversed[q].add(r.moments!) } }
            for q in queries.indices {
                XCTAssertEqual(total[q].desm.count, single.count)
                XCTAssertEqual(total[q].normalisation(alpha: 0.4, kind: norm), reversed[q].normalisation(alpha: 0.4, kind: norm))
            }
            let contexts = queries.indices.map {
                ShardTopicContext(normalisation: total[$0].normalisation(alpha: 0.4, kind: norm), collectionHasTerms: terms[$0])
            }
            var union = [[String: Float]](repeating: [:], count: queries.count)
            for s in shards { for (q, m) in try scores(s, model, o, queries, contexts: contexts).enumerated() { union[q].merge(m) { a, _ in a } } }
            XCTAssertEqual(union, whole, "mixture \(norm): every mixed score, bit for bit")
        }
    }

    func testStatisticsOfAnotherCollectionAreRefused() throws {
        let dir = makeTemporaryDirectory("desm-shard-other")
        let collection = try writeCollection(dir)
        let model = makeModel()
        let small = documents.prefix(50).map { d -> String in
            String(decoding: try! JSONSerialization.data(withJSONObject: ["_id": d.id, "title": d.title, "text": d.text]), as: UTF8.self)
        }.joined(separator: "\n") + "\n"
        let other = writeTemp(dir, "small.jsonl", small)
        var o = IndexBuildOptions()
        o.shard = try Shard(index: 0, count: 2)
        o.statistics = try CollectionStatistics.count(collectionPath: other, settings: model.analyzer)
        o.statisticsPath = dir + "/small.tsv"
        assertDesmError(try IndexBuilder(model: model, options: o).build(collectionPath: collection, to: dir + "/x"),
                        contains: "small.tsv", "the statistics count 50 documents, the collection has 240")
        o.shard = nil
        assertDesmError(try IndexBuilder(model: model, options: o).build(collectionPath: collection, to: dir + "/y"),
                        contains: "small.tsv", "they are not this collection's")
        o.centroid = .idf
        assertDesmError(try IndexBuilder(model: model, options: o), contains: "--centroid idf")
    }

    func testMomentsDoNotDependOnTheOrderOfScores() {
        var rng = SplitMix(3)
        let s = (0..<10_000).map { _ in Float(rng.gaussian()) * 7 + 3 }
        var parts = ScoreMoments()
        for chunk in stride(from: 0, to: s.count, by: 1_237).reversed() { parts.add(ScoreMoments(Array(s[chunk..<min(chunk + 1_237, s.count)]))) }
        let whole = ScoreMoments(s), backwards = ScoreMoments(s.reversed())
        XCTAssertEqual(parts.sum.value, whole.sum.value)
        XCTAssertEqual(backwards.squares.value, whole.squares.value)
        XCTAssertEqual(ScoreNormalisation.zscore.fit(parts), ScoreNormalisation.zscore.fit(whole))
        XCTAssertEqual(ScoreNormalisation.minmax.fit(parts), ScoreNormalisation.minmax.fit(backwards))
    }
}
