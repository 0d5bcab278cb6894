import DesmIndex
import DesmTestSupport
import DesmText
import DesmWord2Vec
import Foundation
import XCTest

/// The mean word vectors an index stores (`means`) and uses at query time: rankings must not
/// depend on the word counts of the model file given at search time (issue 12, item 5: a
/// model imported from exported vectors has the same checksum but no counts).
final class StoredMeansTests: XCTestCase {
    var dirs: [String] = []
    override func tearDown() { for d in dirs { removeTree(d) } }

    let queries = ["apple fig", "banana banana cherry", "the of lemon", "fig", "rose sage thyme", "mango pear kiwi"]

    /// Documents of two fixture words each, every word in under 10 % of them (so that the
    /// embedding expansions find candidate terms).
    let docs = (0..<250).map { i in
        Document(id: "d\(i)", text: "\(fixtureWords[i % fixtureWords.count]) \(fixtureWords[(i * 7 + 3) % fixtureWords.count])")
    }
    let topical = RankingOptions(scorer: .bm25, expansion: .topical(TopicalExpansionParameters(words: 3)))

    /// The scores of the queries' hits, in ranking order.
    func scores(_ ranker: Ranker, _ options: RankingOptions, k: Int) throws -> [[Double]] {
        try queries.map { try ranker.rank($0, options: options, k: k).hits.map(\.score) }
    }

    func testCentredIndexRanksIdenticallyWithACountlessModelOfTheSameVectors() throws {
        let model = makeShiftedModel()
        let countless = withoutCounts(model)
        XCTAssertEqual(countless.checksum, model.checksum)
        var options = IndexBuildOptions()
        options.center = true
        let (dir, path) = temporaryIndexPath(); dirs.append(dir)
        try IndexBuilder(model: model, options: options).build(documents: docs, to: path)
        let index = try DocumentIndex(path: path)
        XCTAssertEqual(index.manifest.wordMean, .counts)
        XCTAssertEqual(index.wordMeans, try WordCentring.means(of: model))
        let withCounts = try Ranker(index: index, model: model)
        let withoutThem = try Ranker(index: index, model: countless)
        // The two models' own means differ: the scores below would too if either were used.
        XCTAssertNotEqual(try WordCentring.means(of: countless).input, index.wordMeans.input)
        for variant in DesmVariant.allCases {
            let o = RankingOptions(scorer: .desm(variant))
            XCTAssertEqual(try scores(withCounts, o, k: docs.count), try scores(withoutThem, o, k: docs.count), "\(variant)")
        }
        let others = [RankingOptions(scorer: .mixture(.inOut)), RankingOptions(scorer: .desm(.inOut), rerank: 20),
                      topical,
                      RankingOptions(scorer: .desm(.inOut), vectorFeedback: VectorFeedback(documents: 3, weight: 0.5))]
        for o in others {
            XCTAssertEqual(try scores(withCounts, o, k: 20), try scores(withoutThem, o, k: 20), o.tag)
        }
    }

    func testEmbeddingExpansionOnAPlainIndexUsesTheStoredMeansToo() throws {
        let model = makeShiftedModel()
        let (index, dir) = try buildIndex(docs, model: model); dirs.append(dir)
        XCTAssertNil(index.manifest.center)
        XCTAssertEqual(index.wordMeans, try WordCentring.means(of: model))
        let ranker = try Ranker(index: index, model: model)
        XCTAssertNotEqual(try scores(ranker, topical, k: 20), try scores(ranker, RankingOptions(scorer: .bm25), k: 20),
                          "the expansion added nothing: the fixture does not exercise it")
        XCTAssertEqual(try scores(ranker, topical, k: 20),
                       try scores(try Ranker(index: index, model: withoutCounts(model)), topical, k: 20))
    }

    func testAModelWithoutCountsIsCentredWithTheUnweightedMean() throws {
        let model = makeShiftedModel()
        let countless = try WordCentring.means(of: withoutCounts(model))
        XCTAssertEqual(countless.weighting, .uniform)
        // All counts 1: the count-weighted mean is the unweighted one.
        let plainIn = directMean(model.input, withoutCounts(model, count: 1))
        let plainOut = directMean(model.output!, withoutCounts(model, count: 1))
        for (a, b) in zip(countless.input, plainIn) { XCTAssertEqual(a, b, accuracy: 1e-12) }
        for (a, b) in zip(countless.output, plainOut) { XCTAssertEqual(a, b, accuracy: 1e-12) }
        // Any equal counts give the same mean, bit for bit, and say so.
        XCTAssertEqual(try WordCentring.means(of: withoutCounts(model, count: 7)), countless)
        // Indexing with it: the manifest records the fallback, the index stores its means.
        var options = IndexBuildOptions()
        options.center = true
        let (dir, path) = temporaryIndexPath(); dirs.append(dir)
        try IndexBuilder(model: withoutCounts(model), options: options).build(documents: makeDocuments(count: 20), to: path)
        let index = try DocumentIndex(path: path)
        XCTAssertEqual(index.manifest.wordMean, .uniform)
        XCTAssertEqual(index.wordMeans, countless)
        XCTAssertTrue(countless.description.contains("unweighted"), countless.description)
    }

    func testNonFiniteStoredMeansFailVerification() throws {
        let (_, dir) = try buildIndex(makeDocuments(count: 10), model: makeModel()); dirs.append(dir)
        let path = dir + "/idx"
        let p = path + "/" + IndexFiles.means
        var b = Array(FileManager.default.contents(atPath: p)!)
        withUnsafeBytes(of: Double.nan.bitPattern.littleEndian) { for (k, x) in $0.enumerated() { b[64 + 8 + k] = x } }
        let crc = b.withUnsafeBytes { CRC32.of(UnsafeRawBufferPointer(rebasing: $0[0..<(b.count - 8)])) }
        withUnsafeBytes(of: crc.littleEndian) { for (k, x) in $0.enumerated() { b[b.count - 8 + k] = x } }
        FileManager.default.createFile(atPath: p, contents: Data(b))
        // The manifest still holds the old CRC: opening refuses the file as from another build.
        XCTAssertThrowsError(try DocumentIndex(path: path)) { XCTAssertTrue("\($0)".contains("means: checksum"), "\($0)") }
        var manifest = try JSONDecoder().decode(IndexManifest.self, from: Data(contentsOf: URL(fileURLWithPath: path + "/manifest.json")))
        manifest.files[IndexFiles.means]?.crc32 = crc
        try JSONEncoder().encode(manifest).write(to: URL(fileURLWithPath: path + "/manifest.json"))
        let index = try DocumentIndex(path: path)
        XCTAssertThrowsError(try index.verifyStructure()) { e in
            XCTAssertEqual("\(e)", "\(p): the mean IN word vector holds a non-finite value: corrupted")
        }
    }
}
