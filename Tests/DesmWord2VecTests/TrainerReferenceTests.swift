import XCTest
import DesmText
@testable import DesmWord2Vec
import DesmTestSupport

/// desm's trainer against `ReferenceWord2Vec`: a tiny vocabulary, matrices filled with fixed
/// values, one epoch over a few sentences (window 1, no subsampling, one thread, a constant
/// learning rate: it only decays every 10,000 words), then every number of W_IN, W_OUT and
/// syn1 compared with the reference's.
final class TrainerReferenceTests: XCTestCase {
    let dim = 12          // one 8-wide SIMD block and a scalar tail
    let alpha = 0.1

    /// Vocabulary for negative sampling: word 0 ("n") is the only one with a count, so the
    /// noise distribution (count^0.75) draws it every time and the negatives are known.
    let nsWords = ["n", "a", "b", "c"]
    let nsCounts: [Int64] = [1, 0, 0, 0]
    let nsSentences = [[1, 2, 3], [3, 1, 2, 1], [2, 0, 3]]

    /// A corpus holding `sentences` of word ids (the trainer's encoding: id + 1, 0 ends a
    /// sentence).
    func corpus(_ sentences: [[Int]]) -> TrainingCorpus {
        var bytes = [UInt8]()
        for s in sentences { bytes += s.map { UInt8($0 + 1) } + [0] }
        return TrainingCorpus(bytes: bytes, tokenCount: sentences.reduce(0) { $0 + $1.count }, sentenceCount: sentences.count)
    }

    /// Fixed values in (−0.6, 0.6) for a rows × dim matrix.
    func values(_ rows: Int, seed: UInt64) -> [[Float]] {
        var rng = SplitMix(seed)
        return (0..<rows).map { _ in (0..<dim).map { _ in Float(rng.uniform() * 1.2 - 0.6) } }
    }

    func fill(_ m: FloatMatrix?, _ rows: [[Float]]) {
        guard let m else { return }
        for (r, row) in rows.enumerated() { for (k, x) in row.enumerated() { m.row(r)[k] = x } }
    }

    func parameters(_ arch: TrainingParameters.Architecture, _ loss: TrainingParameters.Loss,
                    shared: Bool = true, negative: Int = 2) -> TrainingParameters {
        var p = TrainingParameters()
        p.architecture = arch
        p.loss = loss
        p.dim = dim
        p.window = 1
        p.negative = negative
        p.sample = 0
        p.minCount = 1
        p.epochs = 1
        p.threads = 1
        p.alpha = alpha
        p.sharedNegatives = shared
        return p
    }

    /// Trains desm and the reference from the same matrices and compares every number.
    /// Returns the reference after training and the matrices before, for further checks.
    @discardableResult
    func compare(_ p: TrainingParameters, model: ReferenceWord2Vec.Model, loss: ReferenceWord2Vec.Loss,
                 words: [String], counts: [Int64], sentences: [[Int]], pretrained: PretrainedStart? = nil,
                 file: StaticString = #filePath, line: UInt = #line) throws -> (after: ReferenceWord2Vec, before: ReferenceWord2Vec) {
        let vocabulary = Vocabulary(words: words, counts: counts)
        let t = try Word2VecTrainer(parameters: p, vocabulary: vocabulary, corpus: corpus(sentences), pretrained: pretrained)
        let v = words.count
        let win = values(v, seed: 1), wout = values(v, seed: 2), syn1 = values(max(v - 1, 1), seed: 3)
        fill(t.input, win)
        fill(t.output, wout)
        fill(t.syn1, syn1)
        func doubles(_ m: [[Float]]) -> [[Double]] { m.map { $0.map(Double.init) } }
        let before = ReferenceWord2Vec(model: model, loss: loss, alpha: alpha, input: doubles(win), output: doubles(wout),
                                       syn1: doubles(syn1), lockIn: t.lockIn.map(Double.init), lockOut: t.lockOut.map(Double.init))
        var reference = before
        for s in sentences { reference.train(sentence: s) }
        _ = try t.train()

        func check(_ name: String, _ m: FloatMatrix?, _ expected: [[Double]], _ start: [[Double]]) {
            guard let m else { return }
            var changed = 0
            for r in 0..<m.rows {
                for k in 0..<dim {
                    XCTAssertEqual(Double(m.row(r)[k]), expected[r][k], accuracy: 1e-5,
                                   "\(name) row \(r) (\(name == "syn1" ? "inner node" : words[r])) component \(k)", file: file, line: line)
                    if abs(expected[r][k] - start[r][k]) > 1e-4 { changed += 1 }
                }
            }
            // The comparison means something only if training moved the numbers.
            XCTAssertGreaterThan(changed, 0, "\(name): the reference changed nothing", file: file, line: line)
        }
        check("W_IN", t.input, reference.input, before.input)
        if p.loss == .ns { check("W_OUT", t.output, reference.output, before.output) }
        if p.loss == .hs { check("syn1", t.syn1, reference.syn1, before.syn1) }
        return (reference, before)
    }

    // MARK: CBOW

    func testCBOWUsesTheContextMeanAndGivesEachContextTheFullGradient() throws {
        try compare(parameters(.cbow, .ns), model: .cbow, loss: .negative(noise: 0, count: 2),
                    words: nsWords, counts: nsCounts, sentences: nsSentences)
    }

    /// The reference itself: CBOW's input is the mean (not the sum) of the context rows, and
    /// each context row gets the whole gradient (not a share), worked out by hand for one
    /// decision from zero-free rows.
    func testReferenceCBOWStepWorkedByHand() {
        var r = ReferenceWord2Vec(model: .cbow, loss: .negative(noise: 0, count: 0), alpha: 0.5,
                                  input: [[0, 0], [1, 0], [0, 0], [0, 1]], output: [[0, 0], [0, 0], [2, 2], [0, 0]],
                                  syn1: [[0, 0]], lockIn: [1, 1, 1, 1], lockOut: [1, 1, 1, 1])
        r.train(sentence: [1, 2, 3])
        // Centre 1: h = row 2 = (0, 0), f = 0: W_OUT[1] stays 0 (h is 0), nothing else moves.
        // Centre 2: h = mean(rows 1, 3) = (0.5, 0.5); f = h·(2, 2) = 2, σ(2) from the table
        // (bin 666, x = 1.992); g = (1 − σ)·0.5; each of rows 1 and 3 gets g·(2, 2).
        let g = (1 - 1 / (1 + exp(-1.992))) * 0.5
        XCTAssertEqual(r.input[1][0], 1 + 2 * g, accuracy: 1e-12)
        XCTAssertEqual(r.input[1][1], 2 * g, accuracy: 1e-12)
        XCTAssertEqual(r.input[3][0], 2 * g, accuracy: 1e-12)
        XCTAssertEqual(r.output[2][0], 2 + g * 0.5, accuracy: 1e-12)
    }

    // MARK: hierarchical softmax

    /// Counts 5, 4, 3, 2, 1 give, by word2vec's two-queue merge (done by hand): e+d → node 0
    /// (3), c+node 0 → node 1 (6), b+a → node 2 (9), node 1+node 2 → node 3, the root. Paths
    /// from the root as (inner node, code bit: 1 for the second-smaller child of a merge).
    let hsWords = ["a", "b", "c", "d", "e"]
    let hsCounts: [Int64] = [5, 4, 3, 2, 1]
    let hsPaths: [[(node: Int, code: Int)]] = [
        [(3, 1), (2, 1)],           // a
        [(3, 1), (2, 0)],           // b
        [(3, 0), (1, 1)],           // c
        [(3, 0), (1, 0), (0, 1)],   // d
        [(3, 0), (1, 0), (0, 0)],   // e
    ]

    func testHuffmanCodesAndPointsAreWord2Vecs() {
        let tree = HuffmanTree(counts: hsCounts)
        for (w, path) in hsPaths.enumerated() {
            XCTAssertEqual(Array(tree.path(w)), path.map { Int32($0.node) }, "points of word \(w)")
            XCTAssertEqual(Array(tree.code(w)), path.map { UInt8($0.code) }, "code of word \(w)")
        }
    }

    /// Only the targets c, d and e are trained: syn1 rows 3, 1 and 0 (their paths) change, and
    /// row 2 (a's and b's node) stays as it was.
    func testHierarchicalSoftmaxTrainsAlongTheTargetsHuffmanPath() throws {
        for (arch, model) in [(TrainingParameters.Architecture.sg, ReferenceWord2Vec.Model.skipGramPairs), (.cbow, .cbow)] {
            let (after, before) = try compare(parameters(arch, .hs), model: model, loss: .softmax(paths: hsPaths),
                                              words: hsWords, counts: hsCounts, sentences: [[2, 4], [3, 2, 4]])
            let moved = (0..<4).filter { after.syn1[$0] != before.syn1[$0] }
            XCTAssertEqual(moved, [0, 1, 3], "\(arch): inner nodes moved")
        }
    }

    /// The sign of a decision: skip-gram on "c e" reaches node 0 once, for e (code 0, label
    /// 1), with c's IN row as input: the row moves towards it; on "c d" once for d (code 1,
    /// label 0): it moves away.
    func testHierarchicalSoftmaxSignFollowsTheCode() throws {
        for (sentence, code) in [([2, 4], 0), ([2, 3], 1)] {
            let (after, before) = try compare(parameters(.sg, .hs), model: .skipGramPairs, loss: .softmax(paths: hsPaths),
                                              words: hsWords, counts: hsCounts, sentences: [sentence])
            let step = zip(after.syn1[0], before.syn1[0]).map { $0 - $1 }
            let towards = zip(step, before.input[2]).reduce(0) { $0 + $1.0 * $1.1 }
            XCTAssertEqual(towards > 0, code == 0, "\(sentence): node 0 moved \(towards > 0 ? "towards" : "away from") the input")
            XCTAssertEqual((0..<4).filter { after.syn1[$0] != before.syn1[$0] }, [0, 1, 3])
        }
    }

    // MARK: lock factor

    /// Pretrained rows with --lock-factor 0.25 (IN of n and a, OUT of n and b) take a quarter
    /// of each update; the other rows take all of it. Gradients are computed as usual.
    func testFractionalLockFactorScalesTheUpdatesOfPretrainedRows() throws {
        func set(_ words: [String]) -> VectorSet {
            VectorSet(words: words, vectors: FloatMatrix(rows: words.count, cols: dim), path: "mem", format: .text, duplicates: 0)
        }
        let start = PretrainedStart(input: set(["n", "a"]), output: set(["n", "b"]), lockFactor: 0.25)
        for (arch, model, shared) in [(TrainingParameters.Architecture.cbow, ReferenceWord2Vec.Model.cbow, true),
                                      (.sg, .skipGramPairs, false), (.sg, .skipGramShared, true)] {
            let (after, before) = try compare(parameters(arch, .ns, shared: shared), model: model, loss: .negative(noise: 0, count: 2),
                                              words: nsWords, counts: nsCounts, sentences: nsSentences, pretrained: start)
            XCTAssertEqual(before.lockIn, [0.25, 0.25, 1, 1])
            XCTAssertEqual(before.lockOut, [0.25, 1, 0.25, 1])
            // The factor matters here: fully free rows would end elsewhere.
            var free = before
            free.lockIn = [1, 1, 1, 1]
            free.lockOut = [1, 1, 1, 1]
            for s in nsSentences { free.train(sentence: s) }
            XCTAssertGreaterThan(zip(free.input[1], after.input[1]).map { abs($0 - $1) }.max()!, 1e-3, "\(model)")
            XCTAssertGreaterThan(zip(free.output[2], after.output[2]).map { abs($0 - $1) }.max()!, 1e-3, "\(model)")
        }
    }
}
