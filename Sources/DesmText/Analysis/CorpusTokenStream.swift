import Glibc

/// Streams the tokens of a plain training corpus (one sentence per line, e.g. text8, which
/// is a single 100 MB line) in constant memory, plain or gzip.
///
/// The bytes are read in 256 KB chunks cut at the last whitespace, each line's text goes
/// through the shared analyzer (the same rules as documents and queries), and a line break
/// ends a sentence (`.sentenceEnd` is yielded after a line that had at least one token, and
/// after the last tokens of the file even without a final newline). A whitespace-free piece
/// longer than `maxPieceBytes` is skipped whole (binary junk, base64), so memory stays
/// bounded whatever the input. Invalid UTF-8 separates tokens and is counted per line in
/// `invalidUTF8`.
public final class CorpusTokenStream {
    public enum Item: Equatable {
        case token(String)
        case sentenceEnd
    }

    private let source: ByteSource
    private let analyzer: Analyzer
    private let chunkSize: Int
    /// Pieces (runs without ASCII whitespace) longer than this are skipped.
    public let maxPieceBytes: Int
    private let buffer: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private var carry = 0
    private var skipping = false
    private var eof = false
    @exclusivity(unchecked) private var queue: [Item] = []
    @exclusivity(unchecked) private var queueHead = 0
    @exclusivity(unchecked) private var tokensOnLine = false
    /// Lines (1-based) with invalid UTF-8, for a once-only note.
    public private(set) var invalidUTF8 = InvalidUTF8Tally()
    /// Line breaks seen so far.
    public private(set) var lineCount = 0
    /// Pieces skipped for being longer than `maxPieceBytes`.
    public private(set) var skippedPieces = 0

    public var path: String { source.path }
    /// Compressed-file bytes consumed so far, for progress.
    public var fileOffset: Int { source.fileOffset }
    public var fileSize: Int? { source.fileSize }

    public init(_ source: ByteSource, analyzer: Analyzer, chunkSize: Int = 1 << 18, maxPieceBytes: Int = 1 << 12) {
        self.source = source
        self.analyzer = analyzer
        self.chunkSize = max(chunkSize, 16)
        self.maxPieceBytes = max(maxPieceBytes, 1)
        capacity = self.chunkSize + self.maxPieceBytes + 1
        buffer = .allocate(capacity: capacity)
    }

    public convenience init(path: String, analyzer: Analyzer) throws {
        self.init(try openByteSource(path), analyzer: analyzer)
    }

    deinit { buffer.deallocate() }

    /// The next token or sentence end, or nil at the end of the corpus.
    @inline(__always)
    public func next() throws -> Item? {
        if queueHead < queue.count {
            defer { queueHead += 1 }
            return queue[queueHead]
        }
        queue.removeAll(keepingCapacity: true)
        queueHead = 0
        while queue.isEmpty {
            if eof { return nil }
            try refill()
        }
        queueHead = 1
        return queue[0]
    }

    @inline(__always) private static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D || b == 0x0B || b == 0x0C
    }

    /// Reads one chunk and queues the items of its complete pieces.
    private func refill() throws {
        let n = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer + carry, count: chunkSize))
        if n == 0 {
            eof = true
            if !skipping && carry > 0 { process(0, carry) }
            carry = 0
            if tokensOnLine { queue.append(.sentenceEnd); tokensOnLine = false }
            return
        }
        let total = carry + n
        var from = 0
        if skipping {
            while from < total && !CorpusTokenStream.isSpace(buffer[from]) { from += 1 }
            if from == total { carry = 0; return }
            skipping = false
        }
        var last = total - 1
        while last >= from && !CorpusTokenStream.isSpace(buffer[last]) { last -= 1 }
        if last < from {
            keep(from, total)
            return
        }
        process(from, last + 1)
        keep(last + 1, total)
    }

    /// Moves the unfinished piece [a, b) to the front, or starts skipping it if overlong.
    private func keep(_ a: Int, _ b: Int) {
        let rest = b - a
        if rest > maxPieceBytes {
            skipping = true
            skippedPieces += 1
            carry = 0
        } else {
            if rest > 0 && a > 0 { buffer.update(from: buffer + a, count: rest) }
            carry = rest
        }
    }

    /// Queues the items of the complete bytes [a, b): lines, each analysed.
    private func process(_ a: Int, _ b: Int) {
        var s = a
        while s < b {
            let nl = memchr(buffer + s, 0x0A, b - s).map { buffer.distance(to: $0.assumingMemoryBound(to: UInt8.self)) }
            let e = nl ?? b
            processLine(s, e)
            if nl != nil {
                lineCount += 1
                if tokensOnLine { queue.append(.sentenceEnd); tokensOnLine = false }
                s = e + 1
            } else {
                s = b
            }
        }
    }

    /// Analyses [a, b) (no newline inside), leaving out overlong pieces. Instead of testing
    /// every byte, it probes `maxPieceBytes` ahead of the last known whitespace and scans
    /// back to the nearest whitespace, so it touches a few bytes per `maxPieceBytes`.
    private func processLine(_ a: Int, _ b: Int) {
        guard b > a else { return }
        var segment = a
        var s = a                       // start of the current piece
        while b - s > maxPieceBytes {
            let probe = s + maxPieceBytes
            var k = probe
            while k >= s && !CorpusTokenStream.isSpace(buffer[k]) { k -= 1 }
            if k >= s { s = k + 1; continue }
            // No whitespace in [s, probe]: the piece at s is longer than maxPieceBytes.
            var e = probe + 1
            while e < b && !CorpusTokenStream.isSpace(buffer[e]) { e += 1 }
            analyse(segment, s)
            skippedPieces += 1
            segment = e
            s = e + 1
        }
        analyse(segment, b)
    }

    private func analyse(_ a: Int, _ b: Int) {
        guard b > a else { return }
        let bytes = UnsafeBufferPointer(start: buffer + a, count: b - a)
        if !isASCII(bytes) && !isValidUTF8(bytes) { invalidUTF8.record(line: lineCount + 1) }
        analyzer.forEachToken(utf8: bytes) { token in
            queue.append(.token(token))
            tokensOnLine = true
        }
    }
}

/// True when every byte is below 0x80 (eight at a time).
func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = bytes.baseAddress else { return true }
    let n = bytes.count
    var i = 0
    let raw = UnsafeRawPointer(base)
    while i + 8 <= n {
        if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
        i += 8
    }
    while i < n { if base[i] >= 0x80 { return false }; i += 1 }
    return true
}

/// True when the bytes are valid UTF-8.
func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = bytes.baseAddress else { return true }
    var i = 0
    while i < bytes.count {
        if base[i] < 0x80 { i += 1; continue }
        let (v, w) = decodeScalar(base, bytes.count, i)
        if v == 0xFFFD && w == 1 { return false }
        i += w
    }
    return true
}
