import DesmText

/// A trained dual-embedding model: the vocabulary, W_IN and W_OUT (one row per word), and the
/// analyzer settings its tokens were made with.
public final class EmbeddingModel: @unchecked Sendable {
    public let vocabulary: Vocabulary
    public let dim: Int
    /// W_IN: the word vectors.
    public let input: FloatMatrix
    /// W_OUT: negative sampling's output vectors (gensim's syn1neg), if trained with NS.
    public let output: FloatMatrix?
    /// Hierarchical softmax's inner-node vectors (V−1 rows), if trained with HS.
    public let syn1: FloatMatrix?
    public let analyzer: AnalyzerSettings
    /// How the model was trained (nil for imported vectors).
    public let parameters: TrainingParameters?
    /// A checksum that identifies this model (an index records it): CRC-32 of W_IN then W_OUT.
    public let checksum: UInt32

    public init(vocabulary: Vocabulary, dim: Int, input: FloatMatrix, output: FloatMatrix?,
                analyzer: AnalyzerSettings = .standard, checksum: UInt32? = nil,
                syn1: FloatMatrix? = nil, parameters: TrainingParameters? = nil) {
        precondition(input.rows == vocabulary.count && input.cols == dim)
        if let output { precondition(output.rows == vocabulary.count && output.cols == dim) }
        if let syn1 { precondition(syn1.cols == dim) }
        self.vocabulary = vocabulary
        self.dim = dim
        self.input = input
        self.output = output
        self.syn1 = syn1
        self.analyzer = analyzer
        self.parameters = parameters
        self.checksum = checksum ?? EmbeddingModel.computeChecksum(input: input, output: output)
    }

    static func computeChecksum(input: FloatMatrix, output: FloatMatrix?) -> UInt32 {
        var c = CRC32()
        c.update(UnsafeRawBufferPointer(input.buffer))
        if let output { c.update(UnsafeRawBufferPointer(output.buffer)) }
        return c.value
    }

    @inline(__always) public func inRow(_ id: Int) -> UnsafeMutableBufferPointer<Float> { input.row(id) }

    /// The matrix of one space.
    public func matrix(_ space: EmbeddingSpace) throws -> FloatMatrix {
        switch space {
        case .input: return input
        case .output:
            guard let output else {
                throw DesmError("this model has no OUT vectors (trained with hierarchical softmax; use --loss ns)")
            }
            return output
        }
    }
}

/// W_IN or W_OUT.
public enum EmbeddingSpace: String, CaseIterable, Sendable {
    case input = "in"
    case output = "out"
}
