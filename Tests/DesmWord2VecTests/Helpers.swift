import XCTest
import DesmText
@testable import DesmWord2Vec
import DesmTestSupport

/// A small synthetic corpus: `topics` groups of `wordsPerTopic` words; each sentence draws
/// its words from one topic, so co-occurrence is learnable.
func syntheticCorpus(sentences: Int = 400, length: Int = 20, topics: Int = 4, wordsPerTopic: Int = 12,
                     seed: UInt64 = 7) -> String {
    var rng = XorShift64(seed: seed)
    var lines = [String]()
    for _ in 0..<sentences {
        let t = rng.below(topics)
        var words = [String]()
        for _ in 0..<length {
            // Zipf-ish inside a topic so that Huffman codes and subsampling vary.
            let r = rng.below(wordsPerTopic * (wordsPerTopic + 1) / 2)
            var k = 0, acc = wordsPerTopic
            while r >= acc && k < wordsPerTopic - 1 { k += 1; acc += wordsPerTopic - k }
            words.append("t\(t)w\(k)")
        }
        lines.append(words.joined(separator: " "))
    }
    return lines.joined(separator: "\n") + "\n"
}

func buildCorpus(_ path: String, minCount: Int64 = 1) throws -> (Vocabulary, TrainingCorpus) {
    let b = CorpusBuilder()
    try b.addCorpus(path: path, analyzer: Analyzer(.embedding))
    return try b.finish(minCount: minCount, source: path)
}

func smallParameters(_ arch: TrainingParameters.Architecture, _ loss: TrainingParameters.Loss) -> TrainingParameters {
    var p = TrainingParameters()
    p.architecture = arch
    p.loss = loss
    p.dim = 16
    p.window = 3
    p.negative = 4
    p.sample = 0
    p.minCount = 1
    p.epochs = 4
    p.threads = 1
    p.seed = 42
    return p
}

func bytesOf(_ m: FloatMatrix?) -> [UInt8] {
    guard let m else { return [] }
    return Array(UnsafeRawBufferPointer(m.buffer))
}

class TempDirTestCase: XCTestCase {
    var dir = ""
    override func setUp() { dir = makeTemporaryDirectory("desm-w2v") }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }
}
