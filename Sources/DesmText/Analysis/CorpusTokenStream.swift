/// Streams the tokens of a plain training corpus (one sentence per line, e.g. text8, which
/// is a single 100 MB line) in constant memory: the bytes are cut at ASCII whitespace into
/// pieces, each piece goes through the shared analyzer, and a line break ends a sentence.
public final class CorpusTokenStream {
    public enum Item: Equatable {
        case token(String)
        case sentenceEnd
    }

    private let source: ByteSource
    private let analyzer: Analyzer
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)
    private var chunkCount = 0
    private var position = 0
    private var piece: [UInt8] = []
    private var queue: [Item] = []
    private var queueHead = 0
    private var eof = false
    /// Pieces longer than this are skipped (no unbounded growth on binary input).
    public let maxPieceBytes = 1 << 12
    public private(set) var invalidUTF8 = InvalidUTF8Tally()
    private var pieceIndex = 0

    public var path: String { source.path }
    /// Compressed-file bytes consumed so far, for progress.
    public var fileOffset: Int { source.fileOffset }
    public var fileSize: Int? { source.fileSize }

    public init(_ source: ByteSource, analyzer: Analyzer) {
        self.source = source
        self.analyzer = analyzer
    }

    public convenience init(path: String, analyzer: Analyzer) throws {
        self.init(try openByteSource(path), analyzer: analyzer)
    }

    /// The next token or sentence end, or nil at the end of the corpus. The corpus always
    /// ends with a `.sentenceEnd` if it had any token after the last line break.
    public func next() throws -> Item? {
        while queueHead >= queue.count {
            queue.removeAll(keepingCapacity: true)
            queueHead = 0
            if try !refillQueue() { return nil }
        }
        defer { queueHead += 1 }
        return queue[queueHead]
    }

    private var pendingTokensOnLine = false

    /// Reads bytes until at least one item is queued; false at the end.
    private func refillQueue() throws -> Bool {
        while queue.isEmpty {
            if position >= chunkCount {
                if eof { return false }
                chunkCount = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
                position = 0
                if chunkCount == 0 {
                    eof = true
                    flushPiece()
                    if pendingTokensOnLine { queue.append(.sentenceEnd); pendingTokensOnLine = false }
                    return !queue.isEmpty
                }
            }
            while position < chunkCount {
                let b = chunk[position]
                position += 1
                if b == 0x0A {
                    flushPiece()
                    if pendingTokensOnLine { queue.append(.sentenceEnd); pendingTokensOnLine = false }
                    break
                } else if b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0B || b == 0x0C {
                    flushPiece()
                    if !queue.isEmpty { break }
                } else if piece.count < maxPieceBytes {
                    piece.append(b)
                } else {
                    piece.append(b) // overlong: dropped at flush
                }
            }
        }
        return true
    }

    private func flushPiece() {
        guard !piece.isEmpty else { return }
        defer { piece.removeAll(keepingCapacity: true); pieceIndex += 1 }
        if piece.count > maxPieceBytes { return }
        // Fast path: a plain lowercase ASCII word needs no analysis beyond stopwords/stemming.
        let simple = piece.allSatisfy { $0 >= 0x61 && $0 <= 0x7A }
        let text = piece.withUnsafeBufferPointer { invalidUTF8.decode($0, line: pieceIndex) }
        if simple && analyzer.config.stopwords == .none && analyzer.config.stemmer == .none
            && piece.count <= analyzer.config.maxTokenLength {
            queue.append(.token(text))
            pendingTokensOnLine = true
            return
        }
        analyzer.forEachToken(text) {
            queue.append(.token($0))
            pendingTokensOnLine = true
        }
    }
}
