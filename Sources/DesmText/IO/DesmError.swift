/// The one error type every desm module throws for bad input or failed I/O.
///
/// Its description is a single line that names the file and, when known, the line or the
/// byte offset: `corpus.jsonl:17: line is not a JSON object`.
public struct DesmError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Position: Equatable, Sendable {
        case none
        case line(Int)
        case offset(Int)
    }

    public var path: String?
    public var position: Position
    public var message: String

    public init(_ message: String, path: String? = nil, position: Position = .none) {
        self.message = message
        self.path = path
        self.position = position
    }

    public static func at(_ path: String, line: Int, _ message: String) -> DesmError {
        DesmError(message, path: path, position: .line(line))
    }

    public static func at(_ path: String, offset: Int, _ message: String) -> DesmError {
        DesmError(message, path: path, position: .offset(offset))
    }

    public var description: String {
        var where_ = path ?? ""
        switch position {
        case .none: break
        case .line(let n): where_ += ":\(n)"
        case .offset(let o): where_ += ": byte \(o)"
        }
        let text = message.replacingOccurrences(of: "\n", with: " ")
        return where_.isEmpty ? text : "\(where_): \(text)"
    }
}
