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
    public let analyzer: AnalyzerSettings
    /// A checksum that identifies this model (an index records it).
    public let checksum: UInt32

    public init(vocabulary: Vocabulary, dim: Int, input: FloatMatrix, output: FloatMatrix?,
                analyzer: AnalyzerSettings = .standard, checksum: UInt32? = nil) {
        precondition(input.rows == vocabulary.count && input.cols == dim)
        if let output { precondition(output.rows == vocabulary.count && output.cols == dim) }
        self.vocabulary = vocabulary
        self.dim = dim
        self.input = input
        self.output = output
        self.analyzer = analyzer
        if let checksum {
            self.checksum = checksum
        } else {
            var c = CRC32()
            c.update(UnsafeRawBufferPointer(input.buffer))
            if let output { c.update(UnsafeRawBufferPointer(output.buffer)) }
            self.checksum = c.value
        }
    }

    @inline(__always) public func inRow(_ id: Int) -> UnsafeMutableBufferPointer<Float> { input.row(id) }
    @inline(__always) public func outRow(_ id: Int) -> UnsafeMutableBufferPointer<Float> { output!.row(id) }
}
