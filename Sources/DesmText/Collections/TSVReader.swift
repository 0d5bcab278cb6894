/// Tab-separated documents, one per line: `id<TAB>text`, or `id<TAB>title<TAB>text` (fields
/// after the third are appended to the text, separated by a space). A first line whose first
/// field is a column name (`id`, `_id`, `docid`, `doc_id`, `docno`, `pid`, case-insensitive)
/// is a header and is skipped. Blank lines are skipped; a line without a tab or with an
/// empty id is an error naming the file and line.
public final class TSVReader: DocumentReader {
    private let lines: LineReader
    private var invalid = InvalidUTF8Tally()
    private var first = true

    static let headerNames: Set<String> = ["id", "_id", "docid", "doc_id", "docno", "pid", "doc-id", "corpus-id"]

    public init(_ lines: LineReader) { self.lines = lines }

    public var note: String? { invalid.note(path: lines.path) }

    public func next() throws -> Document? {
        while true {
            let result: Document?? = try lines.withNextLine { bytes -> Document? in
                let n = lines.lineNumber
                var fields: [String] = []
                var bad = false
                var s = 0
                for k in 0...bytes.count where k == bytes.count || bytes[k] == 0x09 {
                    let f = UnsafeBufferPointer(rebasing: bytes[s..<k])
                    if let v = String(validating: f, as: UTF8.self) { fields.append(v) }
                    else { bad = true; fields.append(String(decoding: f, as: UTF8.self)) }
                    s = k + 1
                }
                if bad { invalid.record(line: n) }
                let isFirst = first
                first = false
                if fields.count == 1 && fields[0].allSatisfy({ $0 == " " }) { return nil }
                if isFirst && TSVReader.headerNames.contains(fields[0].lowercased()) { return nil }
                guard fields.count >= 2 else {
                    throw DesmError.at(lines.path, line: n, "expected id<TAB>text or id<TAB>title<TAB>text, found no tab")
                }
                let id = trimSpaces(fields[0])
                guard !id.isEmpty else { throw DesmError.at(lines.path, line: n, "empty document id") }
                if fields.count == 2 {
                    return Document(id: id, text: fields[1], path: lines.path, line: n)
                }
                let text = fields.count == 3 ? fields[2] : fields[2...].joined(separator: " ")
                return Document(id: id, title: fields[1], text: text, path: lines.path, line: n)
            }
            guard let r = result else { return nil }
            if let doc = r { return doc }
        }
    }
}

/// `s` without leading and trailing ASCII spaces and tabs.
func trimSpaces(_ s: String) -> String {
    let u = s.utf8
    guard let a = u.firstIndex(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return "" }
    let b = u.lastIndex(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D })!
    if a == u.startIndex && b == u.index(before: u.endIndex) { return s }
    return String(s[a...b])
}
