import Foundation

/// BEIR-style JSONL: one object per line with `_id` (string or number), `title`, `text`.
public final class JSONLReader: DocumentReader {
    private let lines: LineReader

    public init(_ lines: LineReader) { self.lines = lines }

    public func next() throws -> Document? {
        while let line = try lines.nextLine() {
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let n = lines.lineNumber
            let obj: Any
            do {
                obj = try JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed])
            } catch {
                throw DesmError.at(lines.path, line: n, "line is not valid JSON")
            }
            guard let dict = obj as? [String: Any] else {
                throw DesmError.at(lines.path, line: n, "line is not a JSON object")
            }
            let id: String
            switch dict["_id"] {
            case let s as String: id = s
            case let x as NSNumber: id = x.stringValue
            default: throw DesmError.at(lines.path, line: n, "JSON object has no \"_id\" string")
            }
            let title = dict["title"] as? String ?? ""
            let text = dict["text"] as? String ?? ""
            return Document(id: id, title: title, text: text, path: lines.path, line: n)
        }
        return nil
    }
}
