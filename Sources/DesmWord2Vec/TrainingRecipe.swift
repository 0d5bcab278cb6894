import DesmText
import Foundation

/// One training input: a plain/gzip text corpus (one sentence per line) or a document
/// collection (each document one sentence).
public struct TrainingInput: Sendable, Hashable {
    public enum Kind: Sendable, Hashable { case corpus, collection }
    public var path: String
    public var kind: Kind

    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }
}

/// What a training run did, for the caller's messages and reports.
public struct TrainingOutcome {
    public var model: EmbeddingModel
    public var report: TrainingReport
    /// Tokens read from the inputs, and those kept (in the vocabulary).
    public var tokensRead: Int
    public var tokensKept: Int
    public var sentences: Int
    /// Pretrained rows matched (IN, OUT), when a pretrained start was given.
    public var matchedPretrained: (input: Int, output: Int)
}

/// The whole training recipe, shared by `desm train` and `desm experiment`: read the inputs
/// through the embedding analyzer (the one queries use), build or extend the vocabulary,
/// refuse at once when the memory estimate exceeds what is available, train, and save the
/// model atomically.
public struct TrainingRecipe {
    public var parameters: TrainingParameters
    public var inputs: [TrainingInput]
    /// Continue training this model: its vocabulary is extended, its analyzer reused.
    public var resume: EmbeddingModel?
    public var pretrained: PretrainedStart?
    /// Progress bars off.
    public var quiet: Bool
    /// Receives one line per step (corpus statistics, memory estimate, pretrained matches).
    public var log: (String) -> Void
    /// Makes the progress display of each stage from its label and unit (reading a corpus:
    /// bytes; a collection: documents; training: words). By default the terminal's, off
    /// when `quiet`.
    public var progress: (_ label: String, _ unit: String) -> ProgressReporter

    public init(parameters: TrainingParameters, inputs: [TrainingInput], resume: EmbeddingModel? = nil,
                pretrained: PretrainedStart? = nil, quiet: Bool = false, log: @escaping (String) -> Void = { _ in }) {
        self.parameters = parameters
        self.inputs = inputs
        self.resume = resume
        self.pretrained = pretrained
        self.quiet = quiet
        self.log = log
        progress = { ProgressReporter(label: $0, unit: $1, quiet: quiet) }
    }

    /// Trains and writes the model to `path` (temporary file, fsync, rename).
    public func run(saveTo path: String) throws -> TrainingOutcome {
        let p = parameters
        try p.validate()
        try Word2VecTrainer.checkStart(parameters: p, resume: resume, pretrained: pretrained)
        let settings = resume?.analyzer ?? .standard
        let analyzer = Analyzer(settings.embedding)
        let builder = CorpusBuilder(maxSentenceLength: p.maxSentenceLength)
        for input in inputs {
            let reading = progress("reading", input.kind == .corpus ? "bytes" : "docs")
            switch input.kind {
            case .corpus: try builder.addCorpus(path: input.path, analyzer: analyzer, progress: reading)
            case .collection: try builder.addCollection(path: input.path, analyzer: analyzer, progress: reading)
            }
            reading.finish()
        }
        let source = inputs.map(\.path).joined(separator: " + ")
        let (vocabulary, corpus) = try builder.finish(minCount: Int64(p.minCount), extending: resume?.vocabulary, source: source)
        log("corpus: \(corpus.tokenCount) words in vocabulary (of \(builder.tokens) read), \(corpus.sentenceCount) sentences, vocabulary \(vocabulary.count) words (min-count \(p.minCount))")
        if let resume {
            log("resume: \(resume.vocabulary.count) words kept, \(vocabulary.count - resume.vocabulary.count) new")
        }
        // Refuse at once, with the estimate, rather than be killed mid-training.
        let need = MemoryEstimate.training(vocabulary: vocabulary.count, dim: p.dim, corpusBytes: corpus.bytes.count,
                                           outputVectors: p.loss == .ns, hierarchicalSoftmax: p.loss == .hs,
                                           threads: p.threads)
        log(try need.check())
        let trainer = try Word2VecTrainer(parameters: p, vocabulary: vocabulary, corpus: corpus, analyzer: settings,
                                          resume: resume, pretrained: pretrained)
        log("training: \(p.architecture.rawValue)/\(p.loss.rawValue), dim \(p.dim), window \(p.window), \(p.epochs) epochs, \(p.threads) thread(s)")
        let report = try trainer.train(progress: progress("training", "words"))  // clears its progress line
        let model = trainer.model()
        try model.save(to: path)
        return TrainingOutcome(model: model, report: report, tokensRead: builder.tokens, tokensKept: corpus.tokenCount,
                               sentences: corpus.sentenceCount, matchedPretrained: trainer.matchedPretrained)
    }
}
