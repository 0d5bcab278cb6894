import ArgumentParser
import DesmText
import DesmWord2Vec

/// `desm import`: a model file from word2vec text/binary or DESM tab vectors.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Make a desm model from pretrained IN (and OUT) vectors, e.g. the DESM authors' in.txt/out.txt.",
        discussion: """
        Reads word2vec text or binary, or the tab-separated header-less format of the DESM \
        release, plain or gzip, detected automatically. The IN file's word order becomes the \
        vocabulary order; the OUT file must hold the same words. Imported vectors carry no word \
        counts (stored as 0). The model records the standard analyzer settings: queries are \
        lowercased and unstemmed, as for the released DESM vectors.

        Example: desm import --in in.txt --out-vectors out.txt --out desm-bing.model
        """
    )

    @Option(name: .customLong("in"), help: "IN vectors (W_IN).")
    var inVectors: String
    @Option(name: .customLong("out-vectors"), help: "OUT vectors (W_OUT), optional.")
    var outVectors: String?
    @Option(name: .long, help: "Model file to write.")
    var out: String

    func run() throws {
        try checkOutput(out, .model, option: "--out")
        let input = try readVectors(path: inVectors)
        let output = try outVectors.map { try readVectors(path: $0) }
        let model = try EmbeddingModel.imported(input: input, output: output)
        try model.save(to: out)
        var note = "imported \(model.vocabulary.count) words, dim \(model.dim), IN from \(inVectors) (\(input.format.rawValue))"
        if let output { note += ", OUT from \(outVectors!) (\(output.format.rawValue))" }
        if input.duplicates + (output?.duplicates ?? 0) > 0 { note += "; repeated words skipped (first kept)" }
        printError(note + "; wrote " + out)
    }
}
