import XCTest
import DesmText
@testable import DesmWord2Vec
import DesmTestSupport

final class TrainerTests: TempDirTestCase {
    func testLossFallsForEveryArchitectureAndLoss() throws {
        let path = writeTemp(dir, "c.txt", syntheticCorpus(sentences: 150))
        let (vocab, corpus) = try buildCorpus(path)
        XCTAssertEqual(vocab.count, 48)
        for arch in TrainingParameters.Architecture.allCases {
            for loss in TrainingParameters.Loss.allCases {
                for shared in [true, false] where shared || (arch == .sg && loss == .ns) {
                    var p = smallParameters(arch, loss)
                    p.sharedNegatives = shared
                    let t = try Word2VecTrainer(parameters: p, vocabulary: vocab, corpus: corpus)
                    t.trackLoss = true
                    let r = try t.train()
                    XCTAssertEqual(r.words, corpus.tokenCount * p.epochs)
                    XCTAssertEqual(r.epochLoss.count, p.epochs)
                    let first = r.epochLoss.first!, last = r.epochLoss.last!
                    XCTAssertLessThan(last, first * 0.9, "\(arch) \(loss) shared \(shared): \(r.epochLoss)")
                    // Untrained binary decisions cost ln 2 each; trained ones less.
                    XCTAssertLessThan(last, log(2.0) * 0.9, "\(arch) \(loss)")
                }
            }
        }
    }

    func testSameTopicWordsEndUpCloser() throws {
        let path = writeTemp(dir, "c.txt", syntheticCorpus(sentences: 250))
        let (vocab, corpus) = try buildCorpus(path)
        var p = smallParameters(.sg, .ns)
        p.epochs = 5
        let t = try Word2VecTrainer(parameters: p, vocabulary: vocab, corpus: corpus)
        _ = try t.train()
        let m = t.model()
        func cos(_ a: String, _ b: String) -> Float {
            let x = m.inRow(vocab.id(a)!).baseAddress!, y = m.inRow(vocab.id(b)!).baseAddress!
            return dot(x, y, m.dim) / (dot(x, x, m.dim).squareRoot() * dot(y, y, m.dim).squareRoot())
        }
        XCTAssertGreaterThan(cos("t0w1", "t0w2"), cos("t0w1", "t1w2") + 0.2)
    }

    func testOneThreadIsBitIdentical() throws {
        let path = writeTemp(dir, "c.txt", syntheticCorpus(sentences: 60))
        let (vocab, corpus) = try buildCorpus(path)
        for (arch, loss) in [(TrainingParameters.Architecture.sg, TrainingParameters.Loss.ns), (.cbow, .hs)] {
            var p = smallParameters(arch, loss)
            p.sample = 1e-2
            func run(_ seed: UInt64) throws -> EmbeddingModel {
                p.seed = seed
                let t = try Word2VecTrainer(parameters: p, vocabulary: vocab, corpus: corpus)
                _ = try t.train()
                return t.model()
            }
            let a = try run(9), b = try run(9), c = try run(10)
            XCTAssertEqual(bytesOf(a.input), bytesOf(b.input))
            XCTAssertEqual(bytesOf(a.output), bytesOf(b.output))
            XCTAssertEqual(bytesOf(a.syn1), bytesOf(b.syn1))
            XCTAssertEqual(a.checksum, b.checksum)
            XCTAssertNotEqual(bytesOf(a.input), bytesOf(c.input))
        }
    }

    func testInitialisation() throws {
        let path = writeTemp(dir, "c.txt", syntheticCorpus(sentences: 50))
        let (vocab, corpus) = try buildCorpus(path)
        let p = smallParameters(.sg, .ns)
        let t = try Word2VecTrainer(parameters: p, vocabulary: vocab, corpus: corpus)
        let bound = 0.5 / Float(p.dim)
        XCTAssertTrue(t.input.buffer.allSatisfy { abs($0) <= bound })
        XCTAssertTrue(t.input.buffer.contains { abs($0) > bound / 2 })
        XCTAssertTrue(t.output!.buffer.allSatisfy { $0 == 0 })
        XCTAssertNil(t.syn1)
        let hs = try Word2VecTrainer(parameters: smallParameters(.cbow, .hs), vocabulary: vocab, corpus: corpus)
        XCTAssertNil(hs.output)
        XCTAssertEqual(hs.syn1?.rows, vocab.count - 1)
        XCTAssertTrue(hs.syn1!.buffer.allSatisfy { $0 == 0 })
    }

    func testMultipleThreadsTrainEveryWord() throws {
        let path = writeTemp(dir, "c.txt", syntheticCorpus(sentences: 100))
        let (vocab, corpus) = try buildCorpus(path)
        var p = smallParameters(.cbow, .ns)
        p.threads = 3
        let t = try Word2VecTrainer(parameters: p, vocabulary: vocab, corpus: corpus)
        t.trackLoss = true
        let r = try t.train()
        XCTAssertEqual(r.words, corpus.tokenCount * p.epochs)
        XCTAssertLessThan(r.epochLoss.last!, r.epochLoss.first!)
    }

    func testVocabularyAndCorpusEncoding() throws {
        let path = writeTemp(dir, "c.txt", "b a b c\n\nc b a z\nb\n")
        let (vocab, corpus) = try buildCorpus(path, minCount: 2)
        XCTAssertEqual(vocab.words, ["b", "a", "c"])   // b 4, then a and c (2 each) by first occurrence
        XCTAssertEqual(vocab.counts, [4, 2, 2])
        var items = [Int?]()
        corpus.forEach { items.append($0) }
        XCTAssertEqual(items, [0, 1, 0, 2, nil, 2, 0, 1, nil, 0, nil])
        XCTAssertEqual(corpus.tokenCount, 8)
        XCTAssertEqual(corpus.sentenceCount, 3)
        // Thread ranges cut at token boundaries and cover everything.
        let big = CorpusBuilder()
        for i in 0..<5000 { big.add(token: "w\(i % 300)"); if i % 37 == 0 { big.endSentence() } }
        big.endSentence()
        let (_, c2) = try big.finish(minCount: 1, source: "mem")
        var all = 0
        for r in c2.split(7) {
            XCTAssertTrue(r.lowerBound == 0 || c2.bytes[r.lowerBound - 1] < 0x80)
            all += r.count
        }
        XCTAssertEqual(all, c2.bytes.count)
    }

    func testPretrainedRowsFrozenWithLockFactorZero() throws {
        let path = writeTemp(dir, "c.txt", syntheticCorpus(sentences: 60))
        let (vocab, corpus) = try buildCorpus(path)
        let p = smallParameters(.sg, .ns)
        // Pretrained IN and OUT vectors for three words (one unknown to the corpus).
        let words = ["t0w0", "t1w3", "unknownword"]
        let values = (0..<(3 * p.dim)).map { Float($0 % 7) * 0.01 - 0.03 }
        let set = VectorSet(words: words, vectors: FloatMatrix(rows: 3, cols: p.dim, values: values),
                            path: "mem", format: .text, duplicates: 0)
        let t = try Word2VecTrainer(parameters: p, vocabulary: vocab, corpus: corpus,
                                    pretrained: PretrainedStart(input: set, output: set, lockFactor: 0))
        XCTAssertEqual(t.matchedPretrained.input, 2)
        XCTAssertEqual(t.matchedPretrained.output, 2)
        let other = vocab.id("t2w0")!
        let otherBefore = Array(t.input.row(other))
        _ = try t.train()
        for (i, w) in words.prefix(2).enumerated() {
            let id = vocab.id(w)!
            XCTAssertEqual(Array(t.input.row(id)), Array(set.vectors.row(i)), "IN of \(w) moved")
            XCTAssertEqual(Array(t.output!.row(id)), Array(set.vectors.row(i)), "OUT of \(w) moved")
        }
        XCTAssertNotEqual(Array(t.input.row(other)), otherBefore)
        // A half-free lock moves them.
        let t2 = try Word2VecTrainer(parameters: p, vocabulary: vocab, corpus: corpus,
                                     pretrained: PretrainedStart(input: set, lockFactor: 0.5))
        _ = try t2.train()
        XCTAssertNotEqual(Array(t2.input.row(vocab.id("t0w0")!)), Array(set.vectors.row(0)))
    }

    func testPretrainedDimensionMismatchIsAnError() throws {
        let path = writeTemp(dir, "c.txt", syntheticCorpus(sentences: 20))
        let (vocab, corpus) = try buildCorpus(path)
        let set = VectorSet(words: ["t0w0"], vectors: FloatMatrix(rows: 1, cols: 5), path: "pre.txt", format: .text, duplicates: 0)
        assertDesmError(try Word2VecTrainer(parameters: smallParameters(.sg, .ns), vocabulary: vocab, corpus: corpus,
                                            pretrained: PretrainedStart(input: set)),
                        contains: "pre.txt", "dimension 5", "16")
    }

    func testResumeKeepsOldRowsAndAddsWords() throws {
        let first = writeTemp(dir, "a.txt", syntheticCorpus(sentences: 100, topics: 2))
        let (vocab, corpus) = try buildCorpus(first)
        let p = smallParameters(.sg, .ns)
        let t = try Word2VecTrainer(parameters: p, vocabulary: vocab, corpus: corpus)
        _ = try t.train()
        let old = t.model()
        let second = writeTemp(dir, "b.txt", syntheticCorpus(sentences: 100, topics: 3, seed: 99))
        let b = CorpusBuilder()
        try b.addCorpus(path: second, analyzer: Analyzer(.embedding))
        let (v2, c2) = try b.finish(minCount: 1, extending: old.vocabulary, source: second)
        XCTAssertEqual(Array(v2.words.prefix(old.vocabulary.count)), old.vocabulary.words)
        XCTAssertEqual(v2.count, 36)
        let t2 = try Word2VecTrainer(parameters: p, vocabulary: v2, corpus: c2, resume: old)
        for w in 0..<old.vocabulary.count { XCTAssertEqual(Array(t2.input.row(w)), Array(old.input.row(w))) }
        for w in old.vocabulary.count..<v2.count { XCTAssertTrue(t2.output!.row(w).allSatisfy { $0 == 0 }) }
        XCTAssertFalse(t2.input.row(v2.count - 1).allSatisfy { $0 == 0 })
        _ = try t2.train()
    }

    func testCollectionDocumentsAreSentences() throws {
        let path = writeTemp(dir, "docs.jsonl", """
        {"_id": "d1", "title": "COVID-19 Vaccines", "text": "Vaccines work."}
        {"_id": "d2", "title": "", "text": "Don't panic: vaccines, vaccines!"}

        """)
        let b = CorpusBuilder()
        try b.addCollection(path: path, analyzer: Analyzer(.embedding))
        let (vocab, corpus) = try b.finish(minCount: 1, source: path)
        XCTAssertEqual(vocab.words.first, "vaccines")
        XCTAssertEqual(vocab.counts.first, 4)
        XCTAssertEqual(corpus.sentenceCount, 2)
        var words = [String]()
        corpus.forEach { words.append($0.map { vocab.words[$0] } ?? "|") }
        XCTAssertEqual(words, ["covid", "19", "vaccines", "vaccines", "work", "|", "dont", "panic", "vaccines", "vaccines", "|"])
    }

    func testBadCorpora() throws {
        let empty = writeTemp(dir, "empty.txt", "")
        assertDesmError(try buildCorpus(empty), contains: "empty.txt", "no tokens")
        let blank = writeTemp(dir, "blank.txt", "  \n\n ... ,,, \n")
        assertDesmError(try buildCorpus(blank), contains: "blank.txt", "no tokens")
        let rare = writeTemp(dir, "rare.txt", "alpha beta gamma\nbeta delta\n")
        assertDesmError(try buildCorpus(rare, minCount: 5), contains: "rare.txt", "min-count", "2 times")
        var p = smallParameters(.sg, .ns)
        p.dim = 0
        assertDesmError(try p.validate(), contains: "--dim must be between 1 and 10000 (got 0)")
        // An experiment config's parameters are named as the config writes them.
        assertDesmError(try p.validate(naming: .config), contains: "training.dim must be between 1 and 10000 (got 0)")
        p.dim = 50
        p.minCount = 0
        assertDesmError(try p.validate(), contains: "--min-count must be at least 1 (got 0)")
        assertDesmError(try p.validate(naming: .config), contains: "training.min_count must be at least 1 (got 0)")
    }
}
