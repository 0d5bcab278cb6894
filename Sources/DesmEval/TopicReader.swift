import DesmText
import Foundation

/// The topic file layouts desm reads; `loadTopics` tells them apart by content, never by name.
public enum TopicFormat: String, CaseIterable, Sendable {
    /// XML topics parsed with libxml2 (TREC-COVID `<topics><topic number="1"><query>…`, other
    /// roots, DTDs, comments, CDATA, attributes, `<subtopic>` children).
    case xml
    /// Classic TREC SGML topics (`<top> <num> Number: 301 <title> … <desc> Description: …`).
    case sgml
    /// BEIR `queries.jsonl`: one object per line with `_id` and `text`.
    case jsonl
    /// `qid<TAB>text`, one query per line (MS MARCO, TREC DL).
    case tsv
}

/// Reads a topics file in any supported format (plain or gzip), detected from its content.
/// Topic numbers must be unique; an empty file, a topic without a number, or malformed
/// content is an error naming the file and the line.
///
/// `entityExpansionLimit` bounds the text that custom XML entities may add (libxml2's own
/// amplification guard stops entity bombs first; this is the second line).
public func loadTopics(path: String, entityExpansionLimit: Int = xmlEntityExpansionLimit) throws -> [Topic] {
    let bytes = try readAllBytes(path, what: "a topics file")
    let format = try detectTopicFormat(bytes, path: path)
    let topics: [Topic]
    switch format {
    case .xml: topics = try parseXMLTopics(bytes, path: path, entityExpansionLimit: entityExpansionLimit)
    case .sgml: topics = try parseSGMLTopics(bytes, path: path)
    case .jsonl: topics = try parseJSONLTopics(bytes, path: path)
    case .tsv: topics = try parseTSVTopics(bytes, path: path)
    }
    if topics.isEmpty { throw DesmError("no topics found (read as \(format.rawValue))", path: path) }
    var seen: [String: Int] = [:]
    for t in topics {
        if let first = seen[t.id] {
            throw DesmError.at(path, line: t.line, "topic \(t.id) occurs twice (first at line \(first))")
        }
        seen[t.id] = t.line
    }
    return topics
}

/// Decides the layout of a topics file from its first non-blank byte and, for markup, whether
/// it looks like classic TREC SGML (`<top>` blocks with unclosed `<num>`, `<title>`,
/// `<desc>` or `<narr>` fields).
public func detectTopicFormat(_ bytes: [UInt8], path: String) throws -> TopicFormat {
    var i = 0
    if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { i = 3 }
    while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
    guard i < bytes.count else { throw DesmError("empty topics file", path: path) }
    switch bytes[i] {
    case UInt8(ascii: "{"): return .jsonl
    case UInt8(ascii: "<"):
        let head = String(decoding: bytes.prefix(1 << 20), as: UTF8.self).lowercased()
        // SGML when there are <top> blocks whose fields are not all closed.
        guard head.contains("<top>") else { return .xml }
        for tag in ["num", "title", "desc", "narr"] {
            let opened = head.components(separatedBy: "<\(tag)>").count - 1
            let closed = head.components(separatedBy: "</\(tag)>").count - 1
            if opened > closed { return .sgml }
        }
        return .xml
    default: return .tsv
    }
}

/// Splits bytes into lines (LF or CRLF) with their 1-based numbers.
private func lines(of bytes: [UInt8]) -> [(Int, String)] {
    var out: [(Int, String)] = []
    var start = 0
    var n = 0
    var i = 0
    if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { start = 3; i = 3 }
    func emit(_ end: Int) {
        n += 1
        var stop = end
        if stop > start && bytes[stop - 1] == 0x0D { stop -= 1 }
        out.append((n, String(decoding: bytes[start..<stop], as: UTF8.self)))
    }
    while i < bytes.count {
        if bytes[i] == 0x0A { emit(i); start = i + 1 }
        i += 1
    }
    if start < bytes.count { emit(bytes.count) }
    return out
}

/// BEIR `queries.jsonl`: `_id` (string or number; `id` and `qid` accepted too) and `text`
/// (or `query`) become the topic number and its `query` field; every other string-valued key
/// becomes a field of its own name.
func parseJSONLTopics(_ bytes: [UInt8], path: String) throws -> [Topic] {
    var topics: [Topic] = []
    for (n, line) in lines(of: bytes) {
        if line.allSatisfy({ $0.isWhitespace }) { continue }
        let obj: Any
        do {
            obj = try JSONSerialization.jsonObject(with: Data(line.utf8), options: [])
        } catch {
            throw DesmError.at(path, line: n, "line is not valid JSON")
        }
        guard let dict = obj as? [String: Any] else {
            throw DesmError.at(path, line: n, "line is not a JSON object")
        }
        var id: String?
        for key in ["_id", "id", "qid"] {
            if let s = dict[key] as? String { id = s; break }
            if let x = dict[key] as? NSNumber { id = x.stringValue; break }
        }
        guard let qid = id, !qid.isEmpty else {
            throw DesmError.at(path, line: n, "query has no \"_id\" (topic without a number)")
        }
        guard let text = (dict["text"] as? String) ?? (dict["query"] as? String) else {
            throw DesmError.at(path, line: n, "query \(qid) has no \"text\" string")
        }
        var fields = [TopicField(name: "query", text: collapseWhitespace(text))]
        for key in dict.keys.sorted() where !["_id", "id", "qid", "text", "query"].contains(key) {
            if let s = dict[key] as? String { fields.append(TopicField(name: key, text: collapseWhitespace(s))) }
        }
        topics.append(Topic(id: qid, fields: fields, path: path, line: n))
    }
    return topics
}

/// `qid<TAB>text` lines; the text (everything after the first tab) becomes the `query` field.
func parseTSVTopics(_ bytes: [UInt8], path: String) throws -> [Topic] {
    var topics: [Topic] = []
    for (n, line) in lines(of: bytes) {
        if line.allSatisfy({ $0.isWhitespace }) { continue }
        guard let tab = line.firstIndex(of: "\t") else {
            throw DesmError.at(path, line: n, "expected \"qid<TAB>query text\", found no tab")
        }
        let qid = line[..<tab].trimmingCharacters(in: .whitespaces)
        guard !qid.isEmpty else { throw DesmError.at(path, line: n, "query without a number before the tab") }
        let text = collapseWhitespace(String(line[line.index(after: tab)...]))
        topics.append(Topic(id: qid, fields: [TopicField(name: "query", text: text)], path: path, line: n))
    }
    return topics
}

/// Labels that classic TREC topics put at the start of a field, stripped from its text.
private let sgmlLabels: Set<String> = [
    "number", "topic", "title", "description", "narrative", "summary", "concept", "concepts",
    "concept(s)", "factor", "factors", "factor(s)", "definition", "definitions", "definition(s)",
    "domain", "nationality",
]

private func stripLabel(_ text: String) -> String {
    guard let colon = text.firstIndex(of: ":") else { return text }
    let label = text[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
    guard sgmlLabels.contains(label) else { return text }
    return String(text[text.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
}

/// Classic TREC SGML topics: `<top>` … `</top>` blocks; each `<tag>` opens a field that runs
/// to the next tag (closing tags are optional and ignored); `<num>` gives the number. Labels
/// such as "Number:", "Description:" and "Narrative:" are stripped.
func parseSGMLTopics(_ bytes: [UInt8], path: String) throws -> [Topic] {
    let u = bytes
    var topics: [Topic] = []
    var line = 1
    var i = 0
    var inTop = false
    var topLine = 0
    var current: String? = nil     // the open field's tag
    var textStart = 0
    var fields: [TopicField] = []
    var number: String? = nil

    func closeField(at end: Int) {
        guard let tag = current else { return }
        let raw = String(decoding: u[textStart..<end], as: UTF8.self)
        let text = stripLabel(collapseWhitespace(raw))
        if tag == "num" { if number == nil { number = text } }
        else { fields.append(TopicField(name: tag, text: text)) }
        current = nil
    }

    while i < u.count {
        let c = u[i]
        if c == 0x0A { line += 1; i += 1; continue }
        guard c == UInt8(ascii: "<") else { i += 1; continue }
        // A tag: <name ...> or </name>
        var j = i + 1
        var closing = false
        if j < u.count && u[j] == UInt8(ascii: "/") { closing = true; j += 1 }
        let nameStart = j
        while j < u.count, (u[j] >= 0x61 && u[j] <= 0x7A) || (u[j] >= 0x41 && u[j] <= 0x5A) || (u[j] >= 0x30 && u[j] <= 0x39) || u[j] == UInt8(ascii: "_") || u[j] == UInt8(ascii: "-") { j += 1 }
        if j == nameStart { i += 1; continue }   // a lone '<' in text
        let name = String(decoding: u[nameStart..<j], as: UTF8.self).lowercased()
        var k = j
        while k < u.count && u[k] != UInt8(ascii: ">") && u[k] != UInt8(ascii: "<") { k += 1 }
        guard k < u.count, u[k] == UInt8(ascii: ">") else {
            throw DesmError.at(path, line: line, "unterminated tag <\(closing ? "/" : "")\(name)")
        }
        if name == "top" {
            if closing {
                guard inTop else { throw DesmError.at(path, line: line, "</top> without <top>") }
                closeField(at: i)
                guard let id = number, !id.isEmpty else {
                    throw DesmError.at(path, line: topLine, "topic without a number (no <num>)")
                }
                topics.append(Topic(id: id, fields: fields, path: path, line: topLine))
                inTop = false
            } else {
                if inTop { throw DesmError.at(path, line: line, "<top> inside a topic (missing </top> for the topic at line \(topLine))") }
                inTop = true
                topLine = line
                fields = []
                number = nil
                current = nil
            }
        } else if inTop {
            closeField(at: i)
            if !closing {
                current = name
                textStart = k + 1
            }
        }
        for b in u[i...k] where b == 0x0A { line += 1 }
        i = k + 1
    }
    if inTop { throw DesmError.at(path, line: topLine, "topic not closed: missing </top>") }
    return topics
}
