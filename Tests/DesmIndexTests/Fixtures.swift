import DesmIndex
import DesmText
import DesmTestSupport
import DesmWord2Vec
import Foundation
import XCTest

/// A model over `words` with random IN and OUT rows (dimension 19 by default: not a multiple
/// of the SIMD width, so the kernels' tails are exercised).
func makeModel(words: [String] = fixtureWords, dim: Int = 19, seed: UInt64 = 7,
               zeroOut: Set<String> = []) -> EmbeddingModel {
    var rng = SplitMix(seed)
    let vocab = Vocabulary(words: words, counts: words.indices.map { Int64(1000 - $0) })
    var inV = [Float](), outV = [Float]()
    for w in words {
        for _ in 0..<dim { inV.append(Float(rng.gaussian())) }
        for _ in 0..<dim { outV.append(zeroOut.contains(w) ? 0 : Float(rng.gaussian())) }
    }
    return EmbeddingModel(vocabulary: vocab, dim: dim,
                          input: FloatMatrix(rows: words.count, cols: dim, values: inV),
                          output: FloatMatrix(rows: words.count, cols: dim, values: outV))
}

let fixtureWords = ["apple", "banana", "cherry", "date", "elder", "fig", "grape", "honey", "iris", "jade",
                    "kiwi", "lemon", "mango", "nut", "olive", "pear", "quince", "rose", "sage", "thyme",
                    "running", "runs", "runner", "the", "of"]

/// Random documents over the fixture words plus some words outside the vocabulary.
func makeDocuments(count: Int, seed: UInt64 = 11) -> [Document] {
    var rng = SplitMix(seed)
    let extra = ["zyzzyva", "qwerty", "xylo"]
    return (0..<count).map { i in
        let len = 1 + rng.below(30)
        let span = 3 + rng.below(fixtureWords.count - 3)
        let words = (0..<len).map { _ -> String in
            rng.below(10) == 0 ? extra[rng.below(extra.count)] : fixtureWords[rng.below(span)]
        }
        return Document(id: "d\(i)", title: i % 3 == 0 ? "Title \(words[0])" : "", text: words.joined(separator: " "))
    }
}

/// A fresh temporary directory and an index path inside it (not created).
func temporaryIndexPath(_ label: String = "idx") -> (dir: String, index: String) {
    let dir = makeTemporaryDirectory("desm-index-test")
    return (dir, dir + "/" + label)
}

/// Builds an index of `docs` with `model` and opens it.
func buildIndex(_ docs: [Document], model: EmbeddingModel, threads: Int = 2, batch: Int = 7) throws -> (DocumentIndex, String) {
    let (dir, path) = temporaryIndexPath()
    let builder = try IndexBuilder(model: model, options: IndexBuildOptions(threads: threads, batchSize: batch))
    try builder.build(documents: docs, to: path)
    return (try DocumentIndex(path: path), dir)
}

/// Float64 unit vector of a model row.
func unitRow(_ m: FloatMatrix, _ id: Int) -> [Double] {
    let r = m.row(id).map(Double.init)
    let n = r.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return r.map { $0 / n }
}

func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }

/// Writes `docs` as a BEIR JSONL collection ({"_id","title","text"} per line) to `path`.
func writeJSONL(_ docs: [Document], to path: String) throws {
    var lines = ""
    for d in docs {
        let obj: [String: String] = ["_id": d.id, "title": d.title, "text": d.text]
        lines += String(decoding: try JSONSerialization.data(withJSONObject: obj), as: UTF8.self) + "\n"
    }
    try lines.write(toFile: path, atomically: true, encoding: .utf8)
}

/// Writes the fixture model (`DIR/m.model`) and a 63-document collection (`DIR/c.jsonl`: 60
/// fixture documents and three with rarer words, in under 10 % of the documents, which RM3
/// can use), and indexes them with the `desm` binary into `DIR/idx`.
func buildIndexWithDesm(in dir: String) throws -> String {
    _ = try requireDesm()
    let modelPath = dir + "/m.model"
    try makeModel().save(to: modelPath)
    let rare = [Document(id: "r1", title: "", text: "apple banana kumquat"), Document(id: "r2", title: "", text: "apple durian kumquat"),
                Document(id: "r3", title: "", text: "banana kumquat rambutan")]
    try writeJSONL(makeDocuments(count: 60) + rare, to: dir + "/c.jsonl")
    let index = dir + "/idx"
    let r = try runDesm(["index", "--collection", dir + "/c.jsonl", "--model", modelPath, "--out", index, "--quiet"])
    XCTAssertEqual(r.status, 0, r.stderr)
    return index
}

/// A fixture model whose IN rows share a common offset and whose OUT rows share the
/// opposite one (as word2vec's do), with one OUT row zero (never trained).
func makeShiftedModel() -> EmbeddingModel {
    let base = makeModel(zeroOut: ["fig"])
    let v = base.vocabulary.count, dim = base.dim
    var rng = SplitMix(31)
    let offset = (0..<dim).map { _ in Float(2 * rng.gaussian()) }
    var inV = [Float](), outV = [Float]()
    for r in 0..<v {
        let zero = base.output!.row(r).allSatisfy { $0 == 0 }
        for i in 0..<dim { inV.append(base.input.row(r)[i] + offset[i]) }
        for i in 0..<dim { outV.append(zero ? 0 : base.output!.row(r)[i] - offset[i]) }
    }
    return EmbeddingModel(vocabulary: base.vocabulary, dim: dim,
                          input: FloatMatrix(rows: v, cols: dim, values: inV),
                          output: FloatMatrix(rows: v, cols: dim, values: outV))
}

/// μ = count-weighted mean of the non-zero rows, in float64.
func directMean(_ m: FloatMatrix, _ model: EmbeddingModel) -> [Double] {
    var mu = [Double](repeating: 0, count: model.dim)
    var total = 0.0
    for r in 0..<model.vocabulary.count where m.row(r).contains(where: { $0 != 0 }) {
        let c = Double(model.vocabulary.counts[r])
        for i in 0..<model.dim { mu[i] += c * Double(m.row(r)[i]) }
        total += c
    }
    return mu.map { $0 / total }
}

/// The same vectors with no word counts (0, as `desm import` stores them): the same model
/// checksum, so an index built with `model` accepts it.
func withoutCounts(_ model: EmbeddingModel, count: Int64 = 0) -> EmbeddingModel {
    EmbeddingModel(vocabulary: Vocabulary(words: model.vocabulary.words, counts: model.vocabulary.words.map { _ in count }),
                   dim: model.dim, input: model.input, output: model.output, analyzer: model.analyzer)
}
