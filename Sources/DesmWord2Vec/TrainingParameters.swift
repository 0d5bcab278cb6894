import DesmText

/// Everything that shapes a training run. Defaults match the original word2vec C tool
/// (`-size 100 -window 5 -sample 1e-3 -negative 5 -hs 0 -iter 5 -min-count 5 -cbow 1`,
/// alpha 0.025 for skip-gram and 0.05 for CBOW). Stored as JSON in the model file.
public struct TrainingParameters: Codable, Equatable, Sendable {
    public enum Architecture: String, Codable, Sendable, CaseIterable {
        /// Skip-gram: each context word's IN row predicts the centre word.
        case sg
        /// CBOW: the mean of the context IN rows predicts the centre word.
        case cbow
    }

    public enum Loss: String, Codable, Sendable, CaseIterable {
        /// Negative sampling: keeps W_OUT (syn1neg), which DESM needs.
        case ns
        /// Hierarchical softmax over a Huffman tree: keeps syn1 (inner nodes), no W_OUT.
        case hs
    }

    public var architecture: Architecture = .cbow
    public var loss: Loss = .ns
    public var dim = 100
    public var window = 5
    public var negative = 5
    /// Frequent-word subsampling threshold (0 disables it).
    public var sample = 1e-3
    public var minCount = 5
    public var epochs = 5
    /// Starting learning rate; nil means 0.025 (skip-gram) or 0.05 (CBOW).
    public var alpha: Double? = nil
    public var threads = 1
    public var seed: UInt64 = 1
    /// Exponent of the unigram noise distribution.
    public var noiseExponent = 0.75
    /// Sentences longer than this are cut into pieces (gensim's limit).
    public var maxSentenceLength = 10_000
    /// Skip-gram with negative sampling: share one set of negatives across the context
    /// window of a centre word and update by small matrix products (HogBatch, Ji et al.
    /// 2016). Faster, same quality; false gives the C tool's per-pair updates.
    public var sharedNegatives = true

    public init() {}

    public var startingAlpha: Double { alpha ?? (architecture == .sg ? 0.025 : 0.05) }

    /// Who supplied the parameters, so that an error names the field as they wrote it.
    public enum Naming: Sendable {
        /// Command-line flags: `--dim`, `--min-count`.
        case cli
        /// An experiment config's `training` object: `training.dim`, `training.min_count`.
        case config
    }

    /// Checks the values; the error names the field in the words of `naming`.
    public func validate(naming: Naming = .cli) throws -> Void {
        func name(_ field: String) -> String {
            switch naming {
            case .cli: return "--" + field.split(separator: "_").joined(separator: "-")
            case .config: return "training." + field
            }
        }
        func bad(_ field: String, _ rule: String, _ got: Any) -> DesmError {
            DesmError("\(name(field)) \(rule) (got \(got))")
        }
        let nsLoss = naming == .cli ? "with --loss ns" : "when training.loss is ns"
        if dim < 1 || dim > 10_000 { throw bad("dim", "must be between 1 and 10000", dim) }
        if window < 1 || window > 1000 { throw bad("window", "must be between 1 and 1000", window) }
        if loss == .ns && (negative < 1 || negative > 1000) {
            throw bad("negative", "must be between 1 and 1000 \(nsLoss)", negative)
        }
        // Unused by hierarchical softmax, but it still sizes per-thread buffers.
        if negative < 0 || negative > 1000 { throw bad("negative", "must be between 0 and 1000", negative) }
        if !(sample >= 0 && sample < 1) { throw bad("sample", "must be in [0, 1)", sample) }
        if minCount < 1 { throw bad("min_count", "must be at least 1", minCount) }
        if epochs < 1 { throw bad("epochs", "must be at least 1", epochs) }
        if !(startingAlpha > 0 && startingAlpha < 10) { throw bad("alpha", "must be in (0, 10)", startingAlpha) }
        if threads < 1 || threads > 512 { throw bad("threads", "must be between 1 and 512", threads) }
        if maxSentenceLength < 1 { throw DesmError("the maximum sentence length must be positive") }
    }
}

