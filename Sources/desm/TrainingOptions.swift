import ArgumentParser
import DesmWord2Vec

/// The defaults a command gives its training options.
protocol TrainingOptionDefaults {
    static var parameters: TrainingParameters { get }
}

/// `desm train`: `TrainingParameters`' own defaults (the original word2vec C tool's).
enum StandardTrainingDefaults: TrainingOptionDefaults {
    static var parameters: TrainingParameters { TrainingParameters() }
}

/// The word2vec options shared by `desm train` and `desm bench train`, declared once: flag
/// names and help here, defaults from `Defaults.parameters` (so `desm train`'s are those of
/// `TrainingParameters`). The architecture is not among them: `train` takes one, `bench
/// train` a list to time.
struct TrainingOptions<Defaults: TrainingOptionDefaults>: ParsableArguments {
    @Option(name: .long, help: "ns (negative sampling; keeps W_OUT) or hs (hierarchical softmax).")
    var loss: TrainingParameters.Loss = Defaults.parameters.loss
    /// `--dim` as given (nil: not given), so that `desm train --resume` can tell a dimension
    /// asked for from the default.
    @Option(name: .customLong("dim"), help: ArgumentHelp("Vector dimension (default: \(Defaults.parameters.dim); with --resume, the model's).",
                                                         valueName: "dim"))
    var givenDim: Int?
    var dim: Int { givenDim ?? Defaults.parameters.dim }
    @Option(name: .long, help: "Maximum context window on each side (shrunk at random per word).")
    var window: Int = Defaults.parameters.window
    @Option(name: .long, help: "Noise words per target with --loss ns.")
    var negative: Int = Defaults.parameters.negative
    @Option(name: .long, help: "Subsampling threshold for frequent words (0 = off).")
    var sample: Double = Defaults.parameters.sample
    @Option(name: .customLong("min-count"), help: "Drop words occurring fewer times.")
    var minCount: Int = Defaults.parameters.minCount
    @Option(name: .long, help: "Passes over the corpus.")
    var epochs: Int = Defaults.parameters.epochs
    @Option(name: .long, help: "Starting learning rate (default 0.025 for sg, 0.05 for cbow).")
    var alpha: Double?
    @Option(name: .long, help: "Training threads.")
    var threads: Int = Defaults.parameters.threads
    @Option(name: .long, help: "Random seed (initial vectors, window sizes, negatives, subsampling).")
    var seed: UInt64 = Defaults.parameters.seed
    @Flag(name: .customLong("no-shared-negatives"),
          help: "Skip-gram + ns: draw fresh negatives per (word, context) pair like the C tool, instead of sharing them across the window (HogBatch; faster).")
    var noSharedNegatives = !Defaults.parameters.sharedNegatives

    init() {}

    /// The parameters these options give, for `architecture`.
    func parameters(architecture: TrainingParameters.Architecture) -> TrainingParameters {
        var p = Defaults.parameters
        p.architecture = architecture; p.loss = loss; p.dim = dim; p.window = window; p.negative = negative
        p.sample = sample; p.minCount = minCount; p.epochs = epochs; p.alpha = alpha; p.threads = threads
        p.seed = seed; p.sharedNegatives = !noSharedNegatives
        return p
    }
}

extension TrainingParameters.Architecture: ExpressibleByArgument {}
extension TrainingParameters.Loss: ExpressibleByArgument {}
