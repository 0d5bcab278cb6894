/// BEIR-style JSONL: one object per line with `_id` (string or number), `title`, `text`
/// (missing, null or non-string title/text are empty); other members are ignored. Blank lines are skipped.
/// A line that is not one valid JSON object, or whose `_id` is missing or empty, is an error naming the
/// file, line and column.
public final class JSONLReader: DocumentReader {
    private let lines: LineReader
    private var invalid = InvalidUTF8Tally()

    public init(_ lines: LineReader) { self.lines = lines }

    public var note: String? { invalid.note(path: lines.path) }

    public func next() throws -> Document? {
        while true {
            let result: Document?? = try lines.withNextLine { bytes -> Document? in
                var k = 0
                while k < bytes.count && (bytes[k] == 0x20 || bytes[k] == 0x09) { k += 1 }
                if k == bytes.count { return nil }
                let n = lines.lineNumber
                var parser = JSONLineParser(bytes)
                let fields: JSONLineParser.Fields
                do {
                    fields = try parser.parse()
                } catch let f as JSONLineParser.Failure {
                    throw DesmError.at(lines.path, line: n, "not a valid JSON object: \(f.message) (column \(f.column))")
                }
                if parser.sawInvalidUTF8 { invalid.record(line: n) }
                guard let id = fields.id else {
                    throw DesmError.at(lines.path, line: n, fields.idIsInvalid
                                       ? "\"_id\" must be a string or a number"
                                       : "JSON object has no \"_id\"")
                }
                guard !id.isEmpty else { throw DesmError.at(lines.path, line: n, "empty \"_id\"") }
                return Document(id: id, title: fields.title ?? "", text: fields.text ?? "",
                                path: lines.path, line: n)
            }
            guard let r = result else { return nil }   // end of file
            if let doc = r { return doc }               // else a blank line
        }
    }
}
