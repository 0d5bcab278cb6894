import DesmText
import Foundation
import Glibc

// Putting a finished index directory in place atomically, and cleaning up after killed builds.

/// A hidden temporary directory beside `directory`, `.NAME.tmp-PID-XXXXXX`, registered for
/// removal on interrupt. Staging directories that earlier builds of the same output left
/// behind when they were killed (their pid is gone) are removed first, and an index such a
/// build had moved aside (`.NAME.tmp-PID-XXXXXX.old`) is moved back if nothing is at NAME.
func makeStagingDirectory(for directory: String) throws -> String {
    var dir = directory
    while dir.count > 1 && dir.hasSuffix("/") { dir.removeLast() }
    let parent = parentDirectory(of: dir)
    removeStaleTemporaries(of: dir) { access($0 + "/" + IndexManifest.fileName, F_OK) == 0 }
    let (_, path) = try TemporaryFiles.shared.create { () throws -> (Void, String) in
        var template = Array(temporaryTemplate(for: dir).utf8CString)
        let ok = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) != nil }
        guard ok else {
            throw DesmError("cannot create a temporary directory in \(parent): \(String(cString: strerror(errno)))", path: directory)
        }
        return ((), template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
    }
    chmod(path, 0o755) // mkdtemp makes it private; the finished index is an ordinary directory
    return path
}

/// Swaps two existing paths in one step (`renameat2(…, RENAME_EXCHANGE)`, Linux 3.15+, glibc
/// 2.28+, looked up at run time); false when the system or the filesystem cannot, and then
/// nothing changed.
func exchangePaths(_ a: String, _ b: String) -> Bool {
    guard let renameat2 = renameat2Function else { return false }
    let atCurrentDirectory: Int32 = -100   // AT_FDCWD
    let renameExchange: UInt32 = 1 << 1    // RENAME_EXCHANGE
    return renameat2(atCurrentDirectory, a, atCurrentDirectory, b, renameExchange) == 0
}

private let renameat2Function: (@convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32)? = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32).self)
}()

func parentDirectory(of path: String) -> String { AtomicFileWriter.directory(of: path) }

/// Renames the finished staging directory to `directory`, replacing an existing index there
/// (never anything else). An existing index is swapped with the staging directory in one
/// atomic `renameat2(RENAME_EXCHANGE)` where the filesystem supports it (then the staging
/// path, still registered, holds the old index until it is removed); otherwise by two
/// renames. The renames run as one `TemporaryFiles.commit` section: not at all once
/// SIGINT/SIGTERM has arrived (the build then throws "interrupted"), and never while the
/// interrupt watcher removes temporaries. The staging directory stays registered until it is
/// in place, the old index is registered once it is aside, so that either is removed if the
/// process is interrupted; with the two-rename fallback a kill -9 between them leaves the old
/// index as `.NAME.tmp-PID-XXXXXX.old`, which the next build moves back
/// (`makeStagingDirectory`).
func moveIntoPlace(staging: String, directory: String, what: String = "indexing") throws {
    var old: String? = nil
    try TemporaryFiles.shared.commit(what) {
        var st = stat()
        if lstat(directory, &st) == 0 {
            let isDir = (st.st_mode & S_IFMT) == S_IFDIR
            let isIndex = isDir && access(directory + "/" + IndexManifest.fileName, F_OK) == 0
            let isEmptyDir = isDir && ((try? FileManager.default.contentsOfDirectory(atPath: directory))?.isEmpty ?? false)
            guard isIndex || isEmptyDir else {
                throw DesmError("exists and is not a desm index: not overwriting it", path: directory)
            }
            // One atomic step where the filesystem allows it: afterwards `staging` holds the
            // old index, and no moment passes without an index at `directory`.
            if exchangePaths(staging, directory) {
                old = staging
                return
            }
            let aside = staging + ".old"
            guard rename(directory, aside) == 0 else {
                throw DesmError("cannot move the old index aside: \(String(cString: strerror(errno)))", path: directory)
            }
            guard rename(staging, directory) == 0 else {
                let why = String(cString: strerror(errno))
                _ = rename(aside, directory)
                throw DesmError("cannot rename the new index into place: \(why)", path: directory)
            }
            old = aside
            TemporaryFiles.shared.register(aside)
        } else {
            guard rename(staging, directory) == 0 else {
                throw DesmError("cannot rename the new index into place: \(String(cString: strerror(errno)))", path: directory)
            }
        }
        TemporaryFiles.shared.unregister(staging)
    }
    // The replaced index: aside, or (exchanged) in the still registered staging directory.
    if let old {
        removeTree(old)
        TemporaryFiles.shared.unregister(old)
    }
    let parent = parentDirectory(of: directory)
    let dfd = open(parent, O_RDONLY | O_DIRECTORY)
    if dfd >= 0 { fsync(dfd); close(dfd) }
}
