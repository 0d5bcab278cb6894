import ArgumentParser
import DesmText
import DesmWord2Vec

/// `desm export`: W_IN or W_OUT in word2vec text/binary (or the DESM tab format).
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a model's IN or OUT vectors in word2vec text or binary format (gensim loads them).",
        discussion: """
        Both spaces are written in the model's vocabulary order (most frequent first), so an IN \
        file and an OUT file line up row by row. A name ending in .gz is gzip-compressed. Load in \
        gensim with KeyedVectors.load_word2vec_format(FILE, binary=(format == binary)). The tab \
        format is the DESM authors' in.txt/out.txt layout (no header, tab-separated).

        Example: desm export text8.model --space out --format binary --out text8.out.bin.gz
        """
    )

    @Argument(help: "Model file written by `desm train`.")
    var model: String
    @Option(name: .long, help: "in (W_IN, the word vectors) or out (W_OUT, needs --loss ns).")
    var space: EmbeddingSpace = .input
    @Option(name: .long, help: "text, binary or tab.")
    var format: VectorFileFormat = .text
    @Option(name: .long, help: "File to write (.gz: compressed).")
    var out: String
    @Flag(name: .long, help: "No progress display.")
    var quiet = false

    func run() throws {
        try checkOutput(out, .vectors, option: "--out")
        let m = try EmbeddingModel.load(path: model)
        let matrix = try m.matrix(space)
        try writeVectors(path: out, words: m.vocabulary.words, matrix: matrix, format: format,
                         gzip: out.hasSuffix(".gz"), progress: ProgressReporter(label: "export", unit: "words", quiet: quiet))
    }
}

extension EmbeddingSpace: ExpressibleByArgument {}
extension VectorFileFormat: ExpressibleByArgument {}
