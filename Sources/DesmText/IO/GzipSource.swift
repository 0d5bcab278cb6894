import CZlib

/// Streaming gzip inflate over another byte source (a file, or bytes in memory), in constant
/// memory.
///
/// Handles multi-member files (`cat a.gz b.gz`), reports a truncated stream, corrupt data
/// and trailing bytes that are not another gzip member, each with the compressed byte offset.
public final class GzipSource: ByteSource {
    private let input: ByteSource
    private var stream = z_stream()
    private var inBuffer: UnsafeMutablePointer<UInt8>
    private let inCapacity = 1 << 16
    private var finished = false
    private var memberDone = false
    private var initialised = false

    public var path: String { input.path }
    public var fileOffset: Int { input.fileOffset - Int(stream.avail_in) }
    public var fileSize: Int? { input.fileSize }

    public init(_ input: ByteSource) throws {
        self.input = input
        inBuffer = .allocate(capacity: inCapacity)
        stream.next_in = nil
        stream.avail_in = 0
        let rc = inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            inBuffer.deallocate()
            throw DesmError("cannot initialise zlib (code \(rc))", path: input.path)
        }
        initialised = true
    }

    deinit {
        if initialised { inflateEnd(&stream) }
        inBuffer.deallocate()
    }

    private func refill() throws -> Bool {
        let n = try input.read(into: UnsafeMutableRawBufferPointer(start: inBuffer, count: inCapacity))
        stream.next_in = inBuffer
        stream.avail_in = UInt32(n)
        return n > 0
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !finished, buffer.count > 0 else { return 0 }
        let out = buffer.bindMemory(to: UInt8.self)
        stream.next_out = out.baseAddress
        stream.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
        while stream.avail_out > 0 {
            if memberDone {
                // Between members: end of file, or another member must begin here.
                if try stream.avail_in == 0 && !refill() { finished = true; break }
                if stream.next_in.pointee != 0x1f {
                    throw DesmError.at(path, offset: fileOffset, "trailing bytes after the end of the gzip stream")
                }
                inflateReset(&stream)
                memberDone = false
            }
            if try stream.avail_in == 0 && !refill() {
                throw DesmError.at(path, offset: fileOffset, "truncated gzip stream (file ends inside compressed data)")
            }
            let rc = inflate(&stream, Z_NO_FLUSH)
            switch rc {
            case Z_OK, Z_BUF_ERROR:
                continue
            case Z_STREAM_END:
                memberDone = true
            default:
                let why = stream.msg.map { String(cString: $0) } ?? "code \(rc)"
                throw DesmError.at(path, offset: fileOffset, "corrupt gzip data (\(why))")
            }
        }
        return buffer.count - Int(stream.avail_out)
    }
}

/// The content of gzip data held in memory (e.g. a file built into the binary), checked
/// against its CRC-32 as it is inflated; errors name `name`.
public func inflateGzip(_ bytes: [UInt8], name: String, limit: Int = 1 << 30) throws -> [UInt8] {
    try readAll(GzipSource(MemorySource(bytes, path: name)), limit: limit, what: name)
}
