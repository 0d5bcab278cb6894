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
        removeStaleTemporaries(of: path)
        let (fd, temporaryPath) = try TemporaryFiles.shared.create { () throws -> (Int32, String) in
            var template = Array(temporaryTemplate(for: path).utf8CString)
            let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard fd >= 0 else {
                throw DesmError("cannot create a temporary file in \(dir): \(String(cString: strerror(errno)))", path: path)
            }
            return (fd, template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        }
        self.fd = fd
        self.temporaryPath = temporaryPath
        fchmod(fd, 0o644)
    }

    deinit {
        if !committed {
            if fd >= 0 { close(fd) }
            unlink(temporaryPath)
            TemporaryFiles.shared.unregister(temporaryPath)
        }
    }

    /// The directory part of `path` ("." for a bare name, "/" for a file at the root).
    public static func directory(of path: String) -> String {
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

    /// Writes in pieces of at most 16 MB, stopping between them on SIGINT/SIGTERM.
    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var off = 0
        while off < bytes.count {
            try Interrupt.check("writing \(path)")
            let n = Glibc.write(fd, bytes.baseAddress! + off, min(bytes.count - off, 16 << 20))
            if n < 0 {
                if errno == EINTR { continue }
                throw DesmError("write failed: \(String(cString: strerror(errno)))", path: temporaryPath)
            }
            off += n
        }
    }

    /// Flushes, fsyncs, renames into place and fsyncs the directory. Once SIGINT/SIGTERM has
    /// arrived it throws "interrupted" instead (here and every 16 MB while writing), and the
    /// temporary goes when the writer is dropped.
    public func commit() throws {
        try flushPending()
        guard fsync(fd) == 0 else {
            throw DesmError("fsync failed: \(String(cString: strerror(errno)))", path: temporaryPath)
        }
        close(fd)
        fd = -1
        try TemporaryFiles.shared.commit("writing \(path)") {
            guard rename(temporaryPath, path) == 0 else {
                let why = String(cString: strerror(errno))
                throw DesmError("cannot rename \(temporaryPath) into place: \(why)", path: path)
            }
            committed = true
            TemporaryFiles.shared.unregister(temporaryPath)
        }
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

/// Temporary files and directories in flight, so that an interrupted job (or the interrupt
/// watcher, see `Interrupt`) can remove them before the process exits. Kill -9 leaves only
/// a hidden `.NAME.tmp-PID-XXXXXX`, never a partial file under the real name; the next write
/// of NAME removes it (`removeStaleTemporaries`).
public final class TemporaryFiles: @unchecked Sendable {
    public static let shared = TemporaryFiles()
    private var lock = pthread_mutex_t()
    /// Held while a temporary is renamed into place (and by the interrupt watcher, for good,
    /// before it removes the temporaries), so that the watcher never removes a directory
    /// while it is being renamed.
    private var commitLock = pthread_mutex_t()
    private var paths = Set<String>()

    init() {
        pthread_mutex_init(&lock, nil)
        pthread_mutex_init(&commitLock, nil)
    }

    public func register(_ path: String) {
        pthread_mutex_lock(&lock); paths.insert(path); pthread_mutex_unlock(&lock)
    }

    public func unregister(_ path: String) {
        pthread_mutex_lock(&lock); paths.remove(path); pthread_mutex_unlock(&lock)
    }

    /// Creates a temporary with `make` (which returns its path, or a value and its path) and
    /// registers it, under the lock: the watcher never misses one created while it cleans up.
    public func create<T>(_ make: () throws -> (T, String)) throws -> (T, String) {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        let made = try make()
        paths.insert(made.1)
        return made
    }

    /// Runs `body` (a rename into place) unless SIGINT/SIGTERM has arrived (then throws
    /// "interrupted: WHAT stopped"), with the commit lock held. Not reentrant.
    public func commit(_ what: String, _ body: () throws -> Void) throws {
        pthread_mutex_lock(&commitLock)
        defer { pthread_mutex_unlock(&commitLock) }
        try Interrupt.check(what)
        try body()
    }

    /// Waits for a rename into place in progress and keeps others from starting (for good:
    /// only for the interrupt watcher, which ends the process next).
    func holdCommits() { pthread_mutex_lock(&commitLock) }

    /// Removes every registered temporary path (files, or directories with their files) and
    /// keeps the lock, so that no new temporary appears (interrupt watcher only).
    func removeAllAndHold() {
        pthread_mutex_lock(&lock)
        for p in paths { removeTree(p) }
        paths.removeAll()
    }
}

/// The `mkstemp`/`mkdtemp` template of a temporary beside `path`: `.NAME.tmp-PID-XXXXXX`,
/// hidden, in the same directory (so that the rename is atomic), with the owner's pid.
public func temporaryTemplate(for path: String) -> String {
    var p = path
    while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
    let dir = AtomicFileWriter.directory(of: p)
    let base = p.split(separator: "/").last.map(String.init) ?? "file"
    return "\(dir)/.\(base).tmp-\(getpid())-XXXXXX"
}

/// The pid in a temporary's name, if `name` is exactly `.BASE.tmp-PID-XXXXXX` or
/// `.BASE.tmp-PID-XXXXXX.old` (XXXXXX: six letters or digits, as mkstemp makes them).
public func temporaryOwner(_ name: String, base: String) -> (pid: pid_t, old: Bool)? {
    let prefix = ".\(base).tmp-"
    guard name.hasPrefix(prefix) else { return nil }
    var rest = Substring(name.dropFirst(prefix.count))
    let old = rest.hasSuffix(".old")
    if old { rest = rest.dropLast(4) }
    let parts = rest.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 10,
          parts[0].allSatisfy({ $0 >= "0" && $0 <= "9" }), parts[0].first != "0",
          parts[1].count == 6, parts[1].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
          let pid = pid_t(parts[0]), pid > 0 else { return nil }
    return (pid, old)
}

/// Whether the process `pid` no longer exists (`kill(pid, 0)` fails with ESRCH). A live
/// process, one of another user (EPERM) or a reused pid all count as alive.
public func processIsGone(_ pid: pid_t) -> Bool {
    kill(pid, 0) == -1 && errno == ESRCH
}

/// Removes the temporaries that writers of `path` killed before they could clean up (kill -9,
/// a crash, power loss) left beside it: entries named exactly `.NAME.tmp-PID-XXXXXX` or
/// `.NAME.tmp-PID-XXXXXX.old` whose process `PID` is gone. Temporaries of live processes,
/// and any other name, are never touched. A stale `.old` (a directory moved aside by an index
/// build killed between its two renames) is moved back to `path` when nothing is there and
/// `restorable` accepts it, so that the previous output comes back; otherwise removed.
/// Returns the names removed or restored. (Pids are of this machine: writers on other hosts
/// sharing the directory are not recognised as alive.)
@discardableResult
public func removeStaleTemporaries(of path: String, restorable: (String) -> Bool = { _ in false }) -> [String] {
    var p = path
    while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
    let dir = AtomicFileWriter.directory(of: p)
    guard let base = p.split(separator: "/").last.map(String.init), base != ".", base != ".." else { return [] }
    var stale: [(name: String, old: Bool)] = []
    guard let d = opendir(dir) else { return [] }
    while let e = readdir(d) {
        let name = entryName(e)
        if let owner = temporaryOwner(name, base: base), processIsGone(owner.pid) {
            stale.append((name, owner.old))
        }
    }
    closedir(d)
    var done: [String] = []
    // Moved-aside outputs first, so that one can be restored before anything else goes.
    for entry in stale.sorted(by: { $0.old && !$1.old }) {
        let full = dir + "/" + entry.name
        var st = stat()
        if entry.old && lstat(p, &st) != 0 && restorable(full) && rename(full, p) == 0 {
            done.append(entry.name)
            continue
        }
        removeTree(full)
        done.append(entry.name)
    }
    if !done.isEmpty { syncDirectory(dir) }
    return done
}

/// The name in a `readdir` entry, read in place: the kernel's record may end right after the
/// name's NUL, so copying the whole 256-byte `d_name` field would read past it.
func entryName(_ e: UnsafeMutablePointer<dirent>) -> String {
    let offset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
    return String(cString: (UnsafeRawPointer(e) + offset).assumingMemoryBound(to: CChar.self))
}

/// Removes a file, or a directory and everything below it.
public func removeTree(_ path: String) {
    var st = stat()
    guard lstat(path, &st) == 0 else { return }
    if (st.st_mode & S_IFMT) == S_IFDIR {
        if let d = opendir(path) {
            while let e = readdir(d) {
                let name = entryName(e)
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
