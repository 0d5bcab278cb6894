import Foundation
import Glibc

/// A fresh private directory of one run's own under the system's temporary directory
/// (`$TMPDIR`, else /tmp), never a shared one: registered with `TemporaryFiles`, so that an
/// interrupted run leaves nothing behind; `remove()` deletes it with everything in it.
public struct WorkDirectory: Sendable {
    public let path: String

    /// Creates `<tmp>/<label>-XXXXXX`.
    public init(label: String) throws {
        let base = NSTemporaryDirectory()
        var template = Array(((base as NSString).appendingPathComponent("\(label)-XXXXXX")).utf8CString)
        path = try TemporaryFiles.shared.create { () throws -> ((), String) in
            guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) != nil }) else {
                throw DesmError("cannot create a work directory: \(String(cString: strerror(errno)))", path: base)
            }
            return ((), template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        }.1
    }

    /// Removes the directory and everything in it.
    public func remove() {
        removeTree(path)
        TemporaryFiles.shared.unregister(path)
    }
}
