import ArgumentParser
import DesmText
import DesmWord2Vec
import Foundation

/// `desm train`: word2vec that keeps W_IN and W_OUT.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train word embeddings (word2vec skip-gram or CBOW) keeping both W_IN and W_OUT.",
        discussion: """
        Input is a plain or gzip text corpus, one sentence per line (--corpus, e.g. text8), or a \
        document collection in any format `desm stats` reads (--collection; each document is one \
        sentence). Tokens go through the embedding analyzer (lowercase, unstemmed), the same one \
        queries use. Defaults match the original word2vec C tool: CBOW, negative sampling with 5 \
        noise words, dim 100, window 5, sample 1e-3, min-count 5, 5 epochs, alpha 0.05 (CBOW) or \
        0.025 (skip-gram) decaying linearly to alpha·1e-4. DESM needs W_OUT, which only negative \
        sampling (--loss ns) produces.

        The model file (one binary file: vocabulary with counts, W_IN, W_OUT or syn1, the \
        training parameters and the analyzer settings, with checksums) is written atomically: an \
        error or Ctrl-C leaves no partial file.

        With --threads 1 and a fixed --seed two runs are bit-identical; with more threads the \
        matrices are shared without locks (Hogwild) and results vary slightly.

        Examples:
          desm train --corpus text8.gz --out text8.model --arch sg --sample 1e-4 --threads 2
          desm train --collection corpus.jsonl --out docs.model --dim 200
          desm train --corpus new.txt --resume text8.model --out text8+new.model
        """
    )

    @Option(name: .long, help: "Text corpus (plain or gzip), one sentence per line.")
    var corpus: String?
    @Option(name: .long, help: "Document collection (file or directory; jsonl, tsv, trec or smart) instead of --corpus.")
    var collection: String?
    @Option(name: .long, help: "Model file to write.")
    var out: String
    @Option(name: .long, help: "sg (skip-gram) or cbow.")
    var arch: TrainingParameters.Architecture = .cbow
    @OptionGroup
    var training: TrainingOptions<StandardTrainingDefaults>
    @Option(name: .customLong("init-in"), help: "Start from pretrained IN vectors (word2vec text/binary or DESM tab, .gz ok) for the words they share.")
    var initIn: String?
    @Option(name: .customLong("init-out"), help: "Start from pretrained OUT vectors (with --init-in).")
    var initOut: String?
    @Option(name: .customLong("lock-factor"), help: "Update multiplier for pretrained rows: 0 frozen, 1 free.")
    var lockFactor: Float = 1
    @Option(name: .long, help: "Continue training this model on the new corpus; new words are added (random IN, zero OUT).")
    var resume: String?
    @Flag(name: .long, help: "No progress display.")
    var quiet = false

    func validate() throws {
        if (corpus == nil) == (collection == nil) { throw ValidationError("give exactly one of --corpus and --collection") }
        if initOut != nil && initIn == nil { throw ValidationError("--init-out needs --init-in") }
        if !(lockFactor >= 0 && lockFactor <= 1) { throw ValidationError("--lock-factor must be in [0, 1]") }
    }

    func run() throws {
        try checkOutput(out, .model, option: "--out")
        var p = training.parameters(architecture: arch)
        var base: EmbeddingModel?
        if let resume {
            let m = try EmbeddingModel.load(path: resume)
            base = m
            if let asked = training.givenDim, asked != m.dim {
                throw DesmError("the model to resume has dimension \(m.dim): --dim \(asked) does not match it (leave out --dim to continue at \(m.dim))",
                                path: resume)
            }
            p.dim = m.dim
            if let old = m.parameters, old.loss == .hs, p.loss == .hs {
                printError("note: syn1 (hierarchical softmax) restarts from zero: the Huffman tree changes with the vocabulary")
            }
            if m.analyzer != .standard { printError("note: using the analyzer settings stored in \(resume)") }
        }
        var pre: PretrainedStart?
        if let initIn {
            pre = PretrainedStart(input: try readVectors(path: initIn), output: try initOut.map { try readVectors(path: $0) },
                                  lockFactor: lockFactor)
        }
        let inputs = corpus.map { [TrainingInput(path: $0, kind: .corpus)] } ?? [TrainingInput(path: collection!, kind: .collection)]
        let quiet = self.quiet
        let recipe = TrainingRecipe(parameters: p, inputs: inputs, resume: base, pretrained: pre, quiet: quiet) { line in
            if !quiet { printError(line) }
        }
        let outcome = try recipe.run(saveTo: out)
        if let pre {
            printError("pretrained: \(outcome.matchedPretrained.input) of \(outcome.model.vocabulary.count) words took IN vectors from \(initIn!)"
                + (pre.output != nil ? ", \(outcome.matchedPretrained.output) OUT vectors from \(initOut!)" : "")
                + " (lock factor \(lockFactor))")
        }
        let report = outcome.report
        let rate = report.wordsPerSecond
        printError(String(format: "trained %d words in %.1f s: %.0f words/s (%.0f words/s per thread, %d threads); wrote %@",
                          report.words, report.seconds, rate, rate / Double(report.threads), report.threads, out))
    }
}
