import Glibc

/// Reads a byte source line by line in bounded memory.
///
/// Lines end at `\n`; a `\r` before it is dropped. A UTF-8 byte order mark at the start of
/// the input is skipped. A line longer than `maxLineBytes` is an
/// error naming the file and line, never an unbounded allocation. Text is decoded as UTF-8;
/// invalid sequences become U+FFFD and are counted (see `invalidUTF8`).
public final class LineReader {
    public let source: ByteSource
    public let maxLineBytes: Int
    /// The number of the line last returned (1-based).
    public private(set) var lineNumber = 0
    /// Counts and the first place of invalid UTF-8, for a once-only report.
    public private(set) var invalidUTF8 = InvalidUTF8Tally()

    private var buffer: [UInt8]
    private var start = 0   // first unread byte in buffer
    private var end = 0     // one past the last valid byte in buffer
    private var eof = false
    private var atStart = true

    public var path: String { source.path }

    public init(_ source: ByteSource, maxLineBytes: Int = 64 << 20, chunk: Int = 1 << 16) {
        self.source = source
        self.maxLineBytes = maxLineBytes
        self.buffer = [UInt8](repeating: 0, count: chunk)
    }

    public convenience init(path: String, maxLineBytes: Int = 64 << 20) throws {
        self.init(try openByteSource(path), maxLineBytes: maxLineBytes)
    }

    /// Calls `body` with the bytes of the next line (without its terminator), valid only
    /// during the call. Returns false at the end of input.
    public func withNextLine<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) throws -> R? {
        if atStart { try skipByteOrderMark() }
        var scanFrom = start
        while true {
            let found: Int? = scanFrom < end ? buffer.withUnsafeBufferPointer { buf in
                guard let hit = memchr(buf.baseAddress! + scanFrom, 0x0A, end - scanFrom) else { return nil }
                return buf.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            } : nil
            if let nl = found {
                lineNumber += 1
                var stop = nl
                if stop > start && buffer[stop - 1] == 0x0D { stop -= 1 }
                let lineStart = start
                start = nl + 1
                return try buffer.withUnsafeBufferPointer {
                    try body(UnsafeBufferPointer(rebasing: $0[lineStart..<stop]))
                }
            }
            scanFrom = end
            if end - start > maxLineBytes {
                throw DesmError.at(path, line: lineNumber + 1, "line longer than \(maxLineBytes) bytes")
            }
            if eof {
                if start == end { return nil }
                lineNumber += 1
                var stop = end
                if buffer[stop - 1] == 0x0D { stop -= 1 }
                let lineStart = start
                start = end
                return try buffer.withUnsafeBufferPointer {
                    try body(UnsafeBufferPointer(rebasing: $0[lineStart..<stop]))
                }
            }
            // Everything between start and end has been scanned; after fill() those bytes
            // sit at the front, so scanning resumes right after them.
            scanFrom = try fill()
        }
    }

    /// Up to `count` of the next unread bytes, without consuming them (for format detection).
    /// Fewer only at the end of input.
    public func peek(_ count: Int) throws -> [UInt8] {
        if atStart { try skipByteOrderMark() }
        while end - start < count && !eof { _ = try fill() }
        let n = min(count, end - start)
        return Array(buffer[start..<(start + n)])
    }

    private func skipByteOrderMark() throws {
        atStart = false
        while end - start < 3 && !eof { _ = try fill() }
        if end - start >= 3 && buffer[start] == 0xEF && buffer[start + 1] == 0xBB && buffer[start + 2] == 0xBF {
            start += 3
        }
    }

    /// Moves unread bytes to the front, grows the buffer if it is full, and reads more.
    /// Returns where the newly read bytes begin.
    private func fill() throws -> Int {
        let pending = end - start
        if start > 0 {
            if pending > 0 {
                buffer.withUnsafeMutableBufferPointer { b in
                    let base = b.baseAddress!
                    base.update(from: base + start, count: pending)
                }
            }
            start = 0
            end = pending
        }
        let firstNew = end
        if end == buffer.count {
            buffer.append(contentsOf: repeatElement(0, count: buffer.count))
        }
        let n = try buffer.withUnsafeMutableBytes { raw in
            try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[end...]))
        }
        if n == 0 { eof = true }
        end += n
        return firstNew
    }

    /// The next line as a String (invalid UTF-8 replaced and counted), or nil at the end.
    public func nextLine() throws -> String? {
        try withNextLine { bytes in invalidUTF8.decode(bytes, line: lineNumber) }
    }
}

/// Decodes UTF-8, replacing invalid sequences with U+FFFD, and remembers how many lines
/// needed it and where the first one was, so that a reader can report it once.
public struct InvalidUTF8Tally: Sendable {
    public private(set) var lines = 0
    public private(set) var firstLine: Int?

    public init() {}

    public mutating func decode(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) -> String {
        if let s = String(validating: bytes, as: UTF8.self) { return s }
        lines += 1
        if firstLine == nil { firstLine = line }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Counts a line whose invalid bytes were replaced elsewhere.
    public mutating func record(line: Int) {
        lines += 1
        if firstLine == nil { firstLine = line }
    }

    /// A one-line note for the user, or nil when every line was valid.
    public func note(path: String) -> String? {
        guard lines > 0, let first = firstLine else { return nil }
        return "\(path):\(first): invalid UTF-8 replaced by U+FFFD on \(lines) line\(lines == 1 ? "" : "s") (first here)"
    }
}
