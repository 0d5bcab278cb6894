import Glibc

/// A whole file mapped read-only into memory. Pages are loaded on first touch, so opening
/// is fast whatever the file's size.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    public let count: Int
    public let bytes: UnsafeRawBufferPointer
    private let base: UnsafeMutableRawPointer?

    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw DesmError(String(cString: strerror(errno)), path: path) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw DesmError(String(cString: strerror(errno)), path: path) }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw DesmError("is a directory, expected a file", path: path) }
        count = Int(st.st_size)
        if count == 0 {
            base = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let p = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else {
            throw DesmError("cannot map file: \(String(cString: strerror(errno)))", path: path)
        }
        base = p
        bytes = UnsafeRawBufferPointer(start: p, count: count)
    }

    deinit { if let base { munmap(base, count) } }

    /// Reads a little-endian value at `offset`, checking bounds.
    public func load<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) throws -> T {
        guard offset >= 0, offset + MemoryLayout<T>.size <= count else {
            throw DesmError.at(path, offset: offset, "file ends early (truncated?)")
        }
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}

/// A dense row-major matrix of Float, either owned (zeroed allocation) or a view into a
/// memory-mapped file that it keeps alive.
public final class FloatMatrix: @unchecked Sendable {
    public let rows: Int
    public let cols: Int
    public let base: UnsafeMutablePointer<Float>
    private let owned: Bool
    private let keepAlive: AnyObject?

    /// A zero-filled matrix.
    public init(rows: Int, cols: Int) {
        self.rows = rows
        self.cols = cols
        let n = max(rows * cols, 1)
        base = .allocate(capacity: n)
        base.initialize(repeating: 0, count: n)
        owned = true
        keepAlive = nil
    }

    /// A matrix holding a copy of `values` (rows × cols).
    public convenience init(rows: Int, cols: Int, values: [Float]) {
        precondition(values.count == rows * cols)
        self.init(rows: rows, cols: cols)
        values.withUnsafeBufferPointer { base.update(from: $0.baseAddress!, count: values.count) }
    }

    /// A read-only view of `rows × cols` floats at `offset` in a mapped file (offset must be
    /// 4-byte aligned).
    public init(mapped file: MappedFile, offset: Int, rows: Int, cols: Int) throws {
        let (cells, o1) = rows.multipliedReportingOverflow(by: cols)
        let (bytes, o2) = cells.multipliedReportingOverflow(by: 4)
        let (end, o3) = offset.addingReportingOverflow(bytes)
        guard rows >= 0, cols >= 0, !o1, !o2, !o3, offset % 4 == 0, offset >= 0, end <= file.count else {
            throw DesmError.at(file.path, offset: offset, "matrix of \(rows)×\(cols) floats does not fit in the file")
        }
        self.rows = rows
        self.cols = cols
        let raw = UnsafeMutableRawPointer(mutating: file.bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 4)!)
        base = (raw + offset).assumingMemoryBound(to: Float.self)
        owned = false
        keepAlive = file
    }

    deinit { if owned { base.deallocate() } }

    @inline(__always)
    public func row(_ i: Int) -> UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: base + i * cols, count: cols)
    }

    public var count: Int { rows * cols }

    public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: base, count: rows * cols)
    }
}
