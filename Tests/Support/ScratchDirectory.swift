import Foundation

/// A temporary directory owned by one test class (removed when the class's instance goes),
/// with a helper to write files into it.
public final class ScratchDirectory {
    public let path: String
    public init(_ label: String = "desm-test") { path = makeTemporaryDirectory(label) }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` to `name` inside the directory and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) -> String { writeTemp(path, name, text) }
}

/// Writes `text` to `name` inside `dir` and returns its path.
@discardableResult
public func writeTemp(_ dir: String, _ name: String, _ text: String) -> String {
    let path = dir + "/" + name
    FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    return path
}
