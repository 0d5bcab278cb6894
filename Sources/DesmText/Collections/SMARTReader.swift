import Foundation

/// SMART records (Cranfield, CACM, ...): `.I id` starts a record; a line `.T` starts the
/// title, `.W` the text; `.A` (authors), `.B` (bibliographic source) and any other one-letter
/// marker start a field that is skipped. A marker line is `.` + one uppercase letter, alone
/// or followed by a space (text after `.T ` or `.W ` on the same line belongs to the field).
/// Fields have their whitespace collapsed to single spaces (CRLF line ends are fine). Lines
/// before the first `.I` must be blank; a `.I` without an id is an error.
public final class SMARTReader: DocumentReader {
    private let lines: LineReader
    private var pendingId: (id: String, line: Int)?
    private var done = false

    public init(_ lines: LineReader) { self.lines = lines }

    public var note: String? { lines.invalidUTF8.note(path: lines.path) }

    private enum Field { case title, text, skipped, none }

    /// The marker letter of a marker line, and the rest of the line after it.
    private func marker(_ line: String) -> (Character, Substring)? {
        let u = line.utf8
        guard u.count >= 2, u.first == 0x2E else { return nil }
        let second = u[u.index(after: u.startIndex)]
        guard second >= 0x41 && second <= 0x5A else { return nil }
        if u.count > 2 {
            let third = u[u.index(u.startIndex, offsetBy: 2)]
            guard third == 0x20 || third == 0x09 else { return nil }
        }
        let rest = line.dropFirst(2)
        return (Character(Unicode.Scalar(second)), rest)
    }

    public func next() throws -> Document? {
        if done { return nil }
        // Find the record start.
        while pendingId == nil {
            guard let line = try lines.nextLine() else { done = true; return nil }
            if let (m, rest) = marker(line), m == "I" {
                pendingId = (try recordId(rest), lines.lineNumber)
            } else if !line.allSatisfy({ $0.isWhitespace }) {
                throw DesmError.at(lines.path, line: lines.lineNumber, "expected a SMART record start '.I id'")
            }
        }
        let (id, startLine) = pendingId!
        pendingId = nil
        var title: [Substring] = [], text: [Substring] = []
        var field = Field.none
        while let line = try lines.nextLine() {
            if let (m, rest) = marker(line) {
                if m == "I" {
                    pendingId = (try recordId(rest), lines.lineNumber)
                    break
                }
                field = m == "T" ? .title : m == "W" ? .text : .skipped
                let r = rest.drop(while: { $0.isWhitespace })
                if !r.isEmpty {
                    if field == .title { title.append(r) } else if field == .text { text.append(r) }
                }
                continue
            }
            switch field {
            case .title: title.append(Substring(line))
            case .text: text.append(Substring(line))
            case .skipped: break
            case .none:
                if !line.allSatisfy({ $0.isWhitespace }) {
                    throw DesmError.at(lines.path, line: lines.lineNumber, "text before any field marker (.T, .A, .B, .W) in record \(id)")
                }
            }
        }
        if pendingId == nil { done = true }
        return Document(id: id, title: collapseWhitespace(title.joined(separator: " ")),
                        text: collapseWhitespace(text.joined(separator: " ")),
                        path: lines.path, line: startLine)
    }

    private func recordId(_ rest: Substring) throws -> String {
        let id = rest.trimmingCharacters(in: .whitespaces)
        guard !id.isEmpty, !id.contains(where: { $0.isWhitespace }) else {
            throw DesmError.at(lines.path, line: lines.lineNumber, "'.I' must be followed by one document id")
        }
        return id
    }
}
