import DesmText
import DesmWord2Vec

extension ExperimentConfig {
    /// The config's `training` object: the inputs, and any training parameters that differ
    /// from `TrainingParameters`' defaults (keys as in the JSON, snake_case: `min_count`).
    /// `parameters()` is the one place where it becomes `TrainingParameters`.
    public struct TrainingSpec: Codable, Sendable, Hashable {
        /// Training inputs: "collection" for the collection itself, or paths of plain/gzip
        /// corpora (one sentence per line), e.g. text8. All are read in order, each epoch.
        public var corpora: [String]
        public var arch: String?
        public var loss: String?
        public var dim: Int?
        public var window: Int?
        public var negative: Int?
        public var sample: Double?
        public var minCount: Int?
        public var epochs: Int?
        public var alpha: Double?
        public var threads: Int?
        public var seed: UInt64?

        /// Experiments train with 2 threads unless `threads` says otherwise (`desm train`: 1).
        public static let defaultThreads = 2

        /// The training parameters: `TrainingParameters`' defaults, overridden by the fields
        /// given. Errors name the fields as the config writes them (`training.dim`). DESM
        /// needs W_OUT, so only negative sampling is accepted.
        public func parameters() throws -> TrainingParameters {
            var p = TrainingParameters()
            if let a = arch {
                guard let x = TrainingParameters.Architecture(rawValue: a) else { throw DesmError("training.arch must be sg or cbow") }
                p.architecture = x
            }
            if let l = loss {
                guard let x = TrainingParameters.Loss(rawValue: l) else { throw DesmError("training.loss must be ns or hs") }
                p.loss = x
            }
            guard p.loss == .ns else {
                throw DesmError("DESM needs W_OUT, which only negative sampling trains: set training.loss to ns")
            }
            if let x = dim { p.dim = x }
            if let x = window { p.window = x }
            if let x = negative { p.negative = x }
            if let x = sample { p.sample = x }
            if let x = minCount { p.minCount = x }
            if let x = epochs { p.epochs = x }
            p.alpha = alpha
            p.threads = threads ?? Self.defaultThreads
            if let x = seed { p.seed = x }
            try p.validate(naming: .config)
            return p
        }
    }
}
