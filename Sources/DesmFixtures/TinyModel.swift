// The deterministic tiny model and the four documents that the fuzz targets' template index
// (Sources/DesmFuzz) and the reliability suite's hostile cases (Tests/ReliabilityTests) are
// made from: one copy for both (the fuzz target is an executable and cannot use test support).
import DesmText
import DesmWord2Vec

/// A deterministic tiny model over the words of `fixtureDocuments` (or `words`), IN and OUT
/// rows drawn from a linear congruential generator started at `seed`.
public func makeTinyModel(dim: Int = 8, seed: UInt64 = 0x9E3779B97F4A7C15, words: [String]? = nil) -> EmbeddingModel {
    let words = words ?? ["cat", "cats", "mat", "dog", "dogs", "chase", "mice", "sat", "hat", "another"]
    var s = seed
    func next() -> Float {
        s = s &* 6364136223846793005 &+ 1442695040888963407
        return Float(Int64(bitPattern: s >> 11) % 2001 - 1000) / 1000
    }
    let n = words.count * dim
    let inp = FloatMatrix(rows: words.count, cols: dim, values: (0..<n).map { _ in next() })
    let out = FloatMatrix(rows: words.count, cols: dim, values: (0..<n).map { _ in next() })
    return EmbeddingModel(vocabulary: Vocabulary(words: words, counts: words.indices.map { Int64(100 - $0) }),
                          dim: dim, input: inp, output: out)
}

/// Four small documents over the tiny model's words.
public let fixtureDocuments = [
    Document(id: "d1", title: "Cats", text: "the cat sat on the mat with another cat"),
    Document(id: "d2", text: "dogs chase cats and cats chase mice"),
    Document(id: "d3", text: "zzzz qqqq"),   // no in-vocabulary word
    Document(id: "d4", text: "a mat for a dog, a hat for a cat"),
]
