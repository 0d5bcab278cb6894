import Glibc

/// Writes a file so that readers see either the previous complete file or the new complete
/// one, never a partial file: bytes go to a temporary file in the same directory, which is
/// flushed with fsync and renamed over the destination only when `commit()` is called.
/// A writer dropped without `commit()` removes its temporary file.
public final class AtomicFileWriter {
    public let path: String
    public let temporaryPath: String
    private var fd: Int32
    private var committed = false
    private var pending: [UInt8] = []
    private let flushAt = 1 << 20
    public private(set) var bytesWritten = 0

    public init(path: String) throws {
        self.path = path
        let dir = AtomicFileWriter.directory(of: path)
        let base = path.split(separator: "/").last.map(String.init) ?? "file"
        var template = Array("\(dir)/.\(base).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw DesmError("cannot create a temporary file in \(dir): \(String(cString: strerror(errno)))", path: path)
        }
        self.fd = fd
        self.temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        fchmod(fd, 0o644)
        TemporaryFiles.shared.register(temporaryPath)
    }

    deinit {
        if !committed {
            if fd >= 0 { close(fd) }
            unlink(temporaryPath)
            TemporaryFiles.shared.unregister(temporaryPath)
        }
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let d = String(path[..<slash])
        return d.isEmpty ? "/" : d
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        if pending.count + bytes.count > flushAt { try flushPending() }
        if bytes.count > flushAt {
            try writeAll(bytes)
        } else {
            pending.append(contentsOf: bytes)
        }
        bytesWritten += bytes.count
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    public func write(_ text: String) throws {
        var t = text
        try t.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    public func write<T>(pod value: T) throws {
        var v = value
        try withUnsafeBytes(of: &v) { try write($0) }
    }

    private func flushPending() throws {
        guard !pending.isEmpty else { return }
        try pending.withUnsafeBytes { try writeAll($0) }
        pending.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var off = 0
        while off < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + off, bytes.count - off)
            if n < 0 {
                if errno == EINTR { continue }
                throw DesmError("write failed: \(String(cString: strerror(errno)))", path: temporaryPath)
            }
            off += n
        }
    }

    /// Flushes, fsyncs, renames into place and fsyncs the directory.
    public func commit() throws {
        try flushPending()
        guard fsync(fd) == 0 else {
            throw DesmError("fsync failed: \(String(cString: strerror(errno)))", path: temporaryPath)
        }
        close(fd)
        fd = -1
        guard rename(temporaryPath, path) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw DesmError("cannot rename \(temporaryPath) into place: \(why)", path: path)
        }
        committed = true
        TemporaryFiles.shared.unregister(temporaryPath)
        syncDirectory(AtomicFileWriter.directory(of: path))
    }
}

/// Writes `bytes` to `path` atomically (temporary file, fsync, rename).
public func writeFileAtomically(_ path: String, _ bytes: [UInt8]) throws {
    let w = try AtomicFileWriter(path: path)
    try w.write(bytes)
    try w.commit()
}

/// Writes `text` to `path` atomically.
public func writeFileAtomically(_ path: String, text: String) throws {
    try writeFileAtomically(path, Array(text.utf8))
}

func syncDirectory(_ dir: String) {
    let dfd = open(dir, O_RDONLY | O_DIRECTORY)
    if dfd >= 0 { fsync(dfd); close(dfd) }
}

/// Temporary files and directories in flight, so that a SIGINT/SIGTERM handler can remove
/// them before the process exits (kill -9 leaves only a hidden `.NAME.tmp-*`, never a
/// partial file under the real name).
public final class TemporaryFiles: @unchecked Sendable {
    public static let shared = TemporaryFiles()
    private var lock = pthread_mutex_t()
    private var paths = Set<String>()

    init() { pthread_mutex_init(&lock, nil) }

    public func register(_ path: String) {
        pthread_mutex_lock(&lock); paths.insert(path); pthread_mutex_unlock(&lock)
    }

    public func unregister(_ path: String) {
        pthread_mutex_lock(&lock); paths.remove(path); pthread_mutex_unlock(&lock)
    }

    /// Removes every registered temporary path (files, or directories with their files).
    public func removeAll() {
        pthread_mutex_lock(&lock)
        let all = paths
        paths.removeAll()
        pthread_mutex_unlock(&lock)
        for p in all { removeTree(p) }
    }
}

/// Removes a file, or a directory and everything below it.
public func removeTree(_ path: String) {
    var st = stat()
    guard lstat(path, &st) == 0 else { return }
    if (st.st_mode & S_IFMT) == S_IFDIR {
        if let d = opendir(path) {
            while let e = readdir(d) {
                let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
                    String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
                }
                if name == "." || name == ".." { continue }
                removeTree(path + "/" + name)
            }
            closedir(d)
        }
        rmdir(path)
    } else {
        unlink(path)
    }
}
