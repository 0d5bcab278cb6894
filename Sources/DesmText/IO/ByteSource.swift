import Glibc

/// A stream of bytes read in chunks: a plain file or a gzip file, decided by magic bytes.
public protocol ByteSource: AnyObject {
    /// The file this stream reads (for error messages).
    var path: String { get }
    /// Fills `buffer` with up to `buffer.count` bytes; returns 0 at the end of the stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Offset in the *compressed* file, for error messages and progress.
    var fileOffset: Int { get }
    /// Size of the underlying file in bytes (compressed size for gzip), if known.
    var fileSize: Int? { get }
}

/// Opens `path` for reading: gzip (by its magic bytes 1f 8b, never by its name) is inflated
/// as a stream, anything else is read as is. Directories and unreadable files are errors.
public func openByteSource(_ path: String) throws -> ByteSource {
    let file = try FileSource(path)
    var magic = [UInt8](repeating: 0, count: 2)
    let n = try file.peek(&magic)
    if n == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
        return try GzipSource(file)
    }
    return file
}

/// Reads every byte of a small file (topics, a manifest, a config) into memory: through
/// `openByteSource` (gzip inflated) or, with `plain`, as is. More than `limit` bytes is an
/// error naming `what`. (Foundation's `FileManager.contents(atPath:)` leaks on empty files.)
public func readAllBytes(_ path: String, limit: Int = 1 << 30, what: String,
                         plain: Bool = false) throws -> [UInt8] {
    try readAll(plain ? try FileSource(path) : try openByteSource(path), limit: limit, what: what)
}

/// Every byte of `source`; more than `limit` bytes is an error naming `what`.
func readAll(_ source: ByteSource, limit: Int, what: String) throws -> [UInt8] {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
        if n == 0 { break }
        bytes.append(contentsOf: chunk[0..<n])
        if bytes.count > limit {
            throw DesmError("file larger than \(limit) bytes, too large for \(what)", path: source.path)
        }
    }
    return bytes
}

/// A plain file read with `read(2)`.
public final class FileSource: ByteSource {
    public let path: String
    private let fd: Int32
    public private(set) var fileOffset: Int = 0
    public let fileSize: Int?
    private var peeked: [UInt8] = []

    public init(_ path: String) throws {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw DesmError(String(cString: strerror(errno)), path: path)
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            throw DesmError("is a directory, expected a file", path: path)
        }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw DesmError(String(cString: strerror(errno)), path: path) }
        self.fd = fd
        self.path = path
        self.fileSize = Int(st.st_size)
    }

    deinit { close(fd) }

    /// Reads the first bytes without consuming them.
    func peek(_ bytes: inout [UInt8]) throws -> Int {
        let n = try bytes.withUnsafeMutableBytes { try readRaw(into: $0) }
        peeked = Array(bytes[0..<n])
        fileOffset -= n
        return n
    }

    private func readRaw(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw DesmError.at(path, offset: fileOffset, String(cString: strerror(errno)))
            }
            fileOffset += n
            return n
        }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        if !peeked.isEmpty {
            let n = min(buffer.count, peeked.count)
            buffer.copyBytes(from: peeked[0..<n])
            peeked.removeFirst(n)
            fileOffset += n
            return n
        }
        return try readRaw(into: buffer)
    }
}

/// Bytes held in memory, read as a stream (`path` names them in messages).
public final class MemorySource: ByteSource {
    public let path: String
    private let bytes: [UInt8]
    public private(set) var fileOffset = 0
    public var fileSize: Int? { bytes.count }

    public init(_ bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, bytes.count - fileOffset)
        guard n > 0 else { return 0 }
        buffer.copyBytes(from: bytes[fileOffset..<fileOffset + n])
        fileOffset += n
        return n
    }
}
