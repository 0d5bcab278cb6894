import CZlib

/// Writes a gzip file (one member) as a stream, in constant memory, through
/// `AtomicFileWriter`: nothing appears under `path` until `commit()` succeeds.
public final class GzipWriter {
    public let path: String
    private let file: AtomicFileWriter
    private var stream = z_stream()
    private var initialised = false
    private var finished = false
    private let outCapacity = 1 << 16
    private let outBuffer: UnsafeMutablePointer<UInt8>
    /// Uncompressed bytes written so far.
    public private(set) var bytesIn = 0

    /// - Parameter level: zlib compression level, 1 (fastest) to 9 (smallest); 6 is gzip's default.
    public init(path: String, level: Int = 6) throws {
        self.path = path
        file = try AtomicFileWriter(path: path)
        outBuffer = .allocate(capacity: outCapacity)
        let rc = deflateInit2_(&stream, Int32(max(1, min(level, 9))), Z_DEFLATED, 15 + 16, 8,
                               Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            outBuffer.deallocate()
            throw DesmError("cannot initialise zlib for writing (code \(rc))", path: path)
        }
        initialised = true
    }

    deinit {
        if initialised { deflateEnd(&stream) }
        outBuffer.deallocate()
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !finished else { throw DesmError("write after commit", path: path) }
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        bytesIn += bytes.count
        var offset = 0
        while offset < bytes.count {
            let n = min(bytes.count - offset, Int(UInt32.max >> 1))
            stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self) + offset)
            stream.avail_in = UInt32(n)
            try run(Z_NO_FLUSH)
            offset += n
        }
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    public func write(_ text: String) throws {
        var t = text
        try t.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    /// Deflates pending input; with Z_FINISH, until the stream ends.
    private func run(_ flush: Int32) throws {
        while true {
            stream.next_out = outBuffer
            stream.avail_out = UInt32(outCapacity)
            let rc = deflate(&stream, flush)
            guard rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR else {
                throw DesmError("zlib deflate failed (code \(rc))", path: path)
            }
            let produced = outCapacity - Int(stream.avail_out)
            if produced > 0 { try file.write(UnsafeRawBufferPointer(start: outBuffer, count: produced)) }
            if flush == Z_FINISH {
                if rc == Z_STREAM_END { return }
            } else if stream.avail_in == 0 && stream.avail_out > 0 {
                return
            }
        }
    }

    /// Ends the gzip stream and moves the file into place (fsync + rename).
    public func commit() throws {
        guard !finished else { return }
        stream.next_in = nil
        stream.avail_in = 0
        try run(Z_FINISH)
        finished = true
        try file.commit()
    }
}

/// Writes `bytes` to `path` as a gzip file, atomically.
public func writeGzipFile(_ path: String, _ bytes: [UInt8], level: Int = 6) throws {
    let w = try GzipWriter(path: path, level: level)
    try w.write(bytes)
    try w.commit()
}

/// Compresses the file at `source` (plain or gzip: it is read through `openByteSource`) into
/// a gzip file at `destination`, in constant memory.
public func gzipFile(_ source: String, to destination: String, level: Int = 6) throws {
    let input = try openByteSource(source)
    let w = try GzipWriter(path: destination, level: level)
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = try buffer.withUnsafeMutableBytes { try input.read(into: $0) }
        if n == 0 { break }
        try buffer.withUnsafeBytes { try w.write(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
    }
    try w.commit()
}
