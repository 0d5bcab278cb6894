import ArgumentParser
import DesmIndex
import DesmText
import DesmWord2Vec
import Foundation

/// `desm bench fixture`: synthesises a large collection, queries and a random model from a
/// text8-like corpus, for the index and search benchmarks.
struct BenchFixtureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fixture",
        abstract: "Synthesise a benchmark collection, queries and a random model from text8.",
        discussion: """
        Writes, into DIR:
          collection.jsonl  N documents, each 50–100 consecutive text8 words
                            from a random (seeded) position: synthetic, as
                            text8 has no documents
          queries.tsv       Q queries (qid<TAB>text), 2–4 consecutive words
          random.model      a model over text8's words with count ≥
                            --min-count, IN and OUT random Gaussian (seeded):
                            speed does not depend on the values, quality
                            does (use a trained model for quality)

        Example:
          desm bench fixture --text8 text8.gz --documents 1000000 --out /tmp/b
        """
    )

    @Option(name: .long, help: "The text8 corpus (plain or gzip).")
    var text8: String

    @Option(name: .long, help: "Output directory (created).")
    var out: String

    @Option(name: .long, help: "Number of documents.")
    var documents: Int = 1_000_000

    @Option(name: .long, help: "Number of queries.")
    var queries: Int = 1000

    @Option(name: .long, help: "Dimension of the random model.")
    var dim: Int = 200

    @Option(name: .long, help: "Smallest word count kept in the model's vocabulary.")
    var minCount: Int = 5

    @Option(name: .long, help: "Random seed.")
    var seed: UInt64 = 1

    func validate() throws {
        guard documents >= 1, queries >= 1, dim >= 1, minCount >= 1 else {
            throw ValidationError("--documents, --queries, --dim and --min-count must be positive")
        }
    }

    func run() throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        // Read the corpus into word ids.
        let stream = try CorpusTokenStream(path: text8, analyzer: Analyzer(.embedding))
        var ids: [String: Int32] = [:]
        var words: [String] = []
        var counts: [Int64] = []
        var corpus: [Int32] = []
        while let item = try stream.next() {
            guard case .token(let w) = item else { continue }
            if let id = ids[w] { corpus.append(id); counts[Int(id)] += 1; continue }
            let id = Int32(words.count)
            ids[w] = id; words.append(w); counts.append(1); corpus.append(id)
        }
        guard corpus.count > 200 else { throw DesmError("corpus too small (\(corpus.count) words)", path: text8) }
        var rng = SplitMix64(seed: seed)

        // Collection.
        let cw = try AtomicFileWriter(path: out + "/collection.jsonl")
        for i in 0..<documents {
            let len = 50 + rng.below(51)
            let start = rng.below(corpus.count - len)
            var line = "{\"_id\":\"s\(i)\",\"title\":\"\",\"text\":\""
            for j in 0..<len {
                if j > 0 { line += " " }
                line += words[Int(corpus[start + j])]
            }
            line += "\"}\n"
            try cw.write(line)
            if i % 10000 == 0 { try Interrupt.check("writing the collection") }
        }
        try cw.commit()

        // Queries.
        var q = ""
        for i in 0..<queries {
            let len = 2 + rng.below(3)
            let start = rng.below(corpus.count - len)
            q += "b\(i)\t" + (0..<len).map { words[Int(corpus[start + $0])] }.joined(separator: " ") + "\n"
        }
        try writeFileAtomically(out + "/queries.tsv", text: q)

        // Random model over the frequent words, sorted by count.
        let kept = (0..<words.count).filter { counts[$0] >= Int64(minCount) }
            .sorted { counts[$0] > counts[$1] || (counts[$0] == counts[$1] && $0 < $1) }
        let vocab = Vocabulary(words: kept.map { words[$0] }, counts: kept.map { counts[$0] })
        let input = FloatMatrix(rows: kept.count, cols: dim), output = FloatMatrix(rows: kept.count, cols: dim)
        for i in 0..<(kept.count * dim) {
            input.base[i] = Float(rng.gaussian())
            output.base[i] = Float(rng.gaussian())
        }
        try EmbeddingModel(vocabulary: vocab, dim: dim, input: input, output: output).save(to: out + "/random.model")
        print("collection\t\(out)/collection.jsonl\t\(documents) documents")
        print("queries\t\(out)/queries.tsv\t\(queries) queries")
        print("model\t\(out)/random.model\t\(kept.count) words × \(dim)")
    }
}
