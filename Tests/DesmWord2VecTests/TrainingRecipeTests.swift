import DesmTestSupport
import DesmText
@testable import DesmWord2Vec
import XCTest

/// The recipe `desm train` and `desm experiment` share.
final class TrainingRecipeTests: TempDirTestCase {
    func testCorpusAndCollectionInputsTrainOneModelLikeTheTrainerDoes() throws {
        let corpus = writeTemp(dir, "c.txt", syntheticCorpus(sentences: 60))
        let collection = writeTemp(dir, "docs.jsonl", """
            {"_id": "a", "title": "Zebra crossing", "text": "zebra zebra okapi"}
            {"_id": "b", "title": "", "text": "okapi giraffe zebra"}

            """)
        var lines: [String] = []
        let p = smallParameters(.sg, .ns)
        let recipe = TrainingRecipe(parameters: p, inputs: [TrainingInput(path: corpus, kind: .corpus),
                                                            TrainingInput(path: collection, kind: .collection)],
                                    quiet: true) { lines.append($0) }
        let out = dir + "/m.model"
        let outcome = try recipe.run(saveTo: out)
        let saved = try EmbeddingModel.load(path: out, verify: true)
        XCTAssertEqual(saved.checksum, outcome.model.checksum)
        // Words of both inputs (the collection's title and text) are in one vocabulary.
        for w in ["t0w1", "zebra", "okapi", "giraffe", "crossing"] { XCTAssertNotNil(saved.vocabulary.id(w), w) }
        XCTAssertEqual(outcome.sentences, 60 + 2)
        XCTAssertEqual(outcome.tokensRead, 60 * 20 + 8)
        XCTAssertTrue(lines.contains { $0.hasPrefix("memory: training needs about") }, "\(lines)")
        XCTAssertTrue(lines.contains { $0.hasPrefix("corpus: \(outcome.tokensKept) words") }, "\(lines)")
        // Same as building the corpus and running the trainer by hand (one thread: exact).
        let b = CorpusBuilder()
        try b.addCorpus(path: corpus, analyzer: Analyzer(.embedding))
        try b.addCollection(path: collection, analyzer: Analyzer(.embedding))
        let (v, c) = try b.finish(minCount: 1, source: "x")
        let t = try Word2VecTrainer(parameters: p, vocabulary: v, corpus: c, analyzer: .standard)
        _ = try t.train()
        XCTAssertEqual(bytesOf(t.model().input), bytesOf(saved.input))
        XCTAssertEqual(bytesOf(t.model().output), bytesOf(saved.output))
    }

    func testAFailingInputWritesNoModel() throws {
        let out = dir + "/m.model"
        let recipe = TrainingRecipe(parameters: smallParameters(.cbow, .ns),
                                    inputs: [TrainingInput(path: dir + "/missing.txt", kind: .corpus)], quiet: true)
        XCTAssertThrowsError(try recipe.run(saveTo: out)) { XCTAssertTrue("\($0)".contains("missing.txt"), "\($0)") }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testNegativeIsCheckedForHierarchicalSoftmaxToo() {
        var p = smallParameters(.sg, .hs)
        p.negative = -2
        XCTAssertThrowsError(try p.validate()) { XCTAssertTrue("\($0)".contains("--negative must be between 0 and 1000 (got -2)"), "\($0)") }
        p.negative = 0
        XCTAssertNoThrow(try p.validate())
    }
}
