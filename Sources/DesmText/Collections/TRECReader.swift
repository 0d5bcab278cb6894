/// TREC SGML documents: `<DOC> <DOCNO> id </DOCNO> ... <TEXT> ... </TEXT> </DOC>`, any number
/// per file, on any number of lines (several on one line is fine).
///
/// - Tag names are case-insensitive and may carry attributes (`<TEXT type="body">`). A tag
///   must close on the line it opens; a `<` that does not start a tag is text.
/// - The id is the content of `<DOCNO>` (trimmed). The title is the content of `<HEAD>`,
///   `<HL>`, `<HEADLINE>` and `<TITLE>` elements; the text is the content of every
///   `<TEXT>`, `<LP>`, `<LEADPARA>`, `<BODY>` and `<ABSTRACT>` element, concatenated in order.
///   Tags inside these (e.g. `<P>`, `<F P=102>`) are dropped; the content of other elements
///   (`<DATE>`, `<BYLINE>`, ...) is ignored. Whitespace is collapsed to single spaces.
/// - Entities `&amp; &lt; &gt; &quot; &apos;` and numeric `&#NN;`/`&#xHH;` are decoded; other
///   named entities (`&hyph;`, `&blank;`) become a space.
/// - Errors (file and line): a `<DOC>` without `<DOCNO>`, two `<DOCNO>`s, a `<DOC>` inside a
///   `<DOC>`, a `</DOC>` without `<DOC>`, a `<DOC>` still open at the end of the file, and a
///   file with no `<DOC>` at all.
public final class TRECReader: DocumentReader {
    private let lines: LineReader
    private var invalid = InvalidUTF8Tally()
    private var queue: [Document] = []
    private var head = 0
    private var docsSeen = 0
    private var finished = false

    private enum Field { case none, docno, title, text }
    private var inDoc = false
    private var docLine = 0
    private var field = Field.none
    private var docno: [UInt8] = []
    private var sawDocno = false
    private var title: [UInt8] = []
    private var text: [UInt8] = []
    private var docInvalidUTF8 = false

    public init(_ lines: LineReader) { self.lines = lines }

    public var note: String? { invalid.note(path: lines.path) }

    public func next() throws -> Document? {
        while head >= queue.count {
            queue.removeAll(keepingCapacity: true)
            head = 0
            if finished { return nil }
            let more: Void? = try lines.withNextLine { try scan($0) }
            if more == nil {
                finished = true
                if inDoc {
                    throw DesmError.at(lines.path, line: docLine, "unterminated <DOC>: the file ends before its </DOC>")
                }
                if docsSeen == 0 {
                    throw DesmError.at(lines.path, line: max(lines.lineNumber, 1), "no <DOC> element found in a TREC file")
                }
            }
        }
        defer { head += 1 }
        return queue[head]
    }

    private static let titleTags: Set<String> = ["HEAD", "HL", "HEADLINE", "TITLE"]
    private static let textTags: Set<String> = ["TEXT", "LP", "LEADPARA", "BODY", "ABSTRACT"]

    private func append(_ b: UInt8) {
        switch field {
        case .docno: docno.append(b)
        case .title: title.append(b)
        case .text: text.append(b)
        case .none: break
        }
    }

    private func appendSpace() {
        switch field {
        case .title: if title.last != 0x20 { title.append(0x20) }
        case .text: if text.last != 0x20 { text.append(0x20) }
        case .docno: docno.append(0x20)
        case .none: break
        }
    }

    private func scan(_ p: UnsafeBufferPointer<UInt8>) throws {
        let n = p.count
        let lineNo = lines.lineNumber
        var i = 0
        while i < n {
            let b = p[i]
            if b == 0x3C, let (name, closing, end) = parseTag(p, i) {
                try handleTag(name, closing: closing, line: lineNo)
                i = end
                continue
            }
            if field == .none { i += 1; continue }
            if b == 0x26 {
                i = decodeEntity(p, i)
                continue
            }
            if b == 0x20 || b == 0x09 || b == 0x0D { appendSpace() } else { append(b) }
            i += 1
        }
        appendSpace()
    }

    /// Parses a tag at `i` ('<'): its uppercased name, whether it closes, and where it ends.
    private func parseTag(_ p: UnsafeBufferPointer<UInt8>, _ i: Int) -> (String, Bool, Int)? {
        var j = i + 1
        var closing = false
        if j < p.count && p[j] == 0x2F { closing = true; j += 1 }
        let nameStart = j
        while j < p.count {
            let c = p[j] | 0x20
            if (c >= 0x61 && c <= 0x7A) || (p[j] >= 0x30 && p[j] <= 0x39) || p[j] == 0x5F || p[j] == 0x2D || p[j] == 0x2E {
                j += 1
            } else { break }
        }
        guard j > nameStart, (p[nameStart] | 0x20) >= 0x61, (p[nameStart] | 0x20) <= 0x7A else { return nil }
        var k = j
        while k < p.count && p[k] != 0x3E { k += 1 }
        guard k < p.count else { return nil }
        if k > j && !(p[j] == 0x20 || p[j] == 0x09 || p[j] == 0x2F) { return nil }
        var name = ""
        for q in nameStart..<j { name.unicodeScalars.append(Unicode.Scalar(p[q] >= 0x61 && p[q] <= 0x7A ? p[q] - 0x20 : p[q])) }
        return (name, closing, k + 1)
    }

    private func handleTag(_ name: String, closing: Bool, line: Int) throws {
        if name == "DOC" {
            if !closing {
                if inDoc {
                    throw DesmError.at(lines.path, line: line, "<DOC> inside the document that starts at line \(docLine) (missing </DOC>?)")
                }
                inDoc = true
                docLine = line
                field = .none
                docno.removeAll(keepingCapacity: true)
                title.removeAll(keepingCapacity: true)
                text.removeAll(keepingCapacity: true)
                sawDocno = false
            } else {
                guard inDoc else { throw DesmError.at(lines.path, line: line, "</DOC> without a <DOC>") }
                try finishDocument()
            }
            return
        }
        guard inDoc else { return }
        if name == "DOCNO" {
            if closing { field = .none; return }
            if sawDocno {
                throw DesmError.at(lines.path, line: line, "second <DOCNO> in the document that starts at line \(docLine)")
            }
            sawDocno = true
            field = .docno
            return
        }
        if TRECReader.titleTags.contains(name) {
            if closing { if field == .title { field = .none } } else { field = .title; appendSpace() }
            return
        }
        if TRECReader.textTags.contains(name) {
            if closing { if field == .text { field = .none } } else { field = .text; appendSpace() }
            return
        }
        // Any other tag inside a field is markup: it separates words.
        appendSpace()
    }

    private func finishDocument() throws {
        inDoc = false
        field = .none
        guard sawDocno else {
            throw DesmError.at(lines.path, line: docLine, "<DOC> without a <DOCNO>")
        }
        var bad = false
        func decode(_ bytes: [UInt8]) -> String {
            bytes.withUnsafeBufferPointer { buf in
                if let s = String(validating: buf, as: UTF8.self) { return s }
                bad = true
                return String(decoding: buf, as: UTF8.self)
            }
        }
        let id = trimSpaces(decode(docno))
        guard !id.isEmpty else { throw DesmError.at(lines.path, line: docLine, "empty <DOCNO>") }
        if bad { invalid.record(line: docLine) }
        queue.append(Document(id: id, title: trimSpaces(decode(title)), text: trimSpaces(decode(text)),
                              path: lines.path, line: docLine))
        docsSeen += 1
    }

    /// Decodes an entity at `i` ('&') into the current field; returns where scanning resumes.
    private func decodeEntity(_ p: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        var j = i + 1
        while j < p.count && j - i <= 10 && p[j] != 0x3B && p[j] != 0x20 && p[j] != 0x26 { j += 1 }
        guard j < p.count, p[j] == 0x3B, j > i + 1 else { append(0x26); return i + 1 }
        let body = Array(p[(i + 1)..<j])
        let name = String(decoding: body, as: UTF8.self)
        var scalar: UInt32?
        switch name {
        case "amp": scalar = 0x26
        case "lt": scalar = 0x3C
        case "gt": scalar = 0x3E
        case "quot": scalar = 0x22
        case "apos": scalar = 0x27
        default:
            if name.hasPrefix("#x") || name.hasPrefix("#X") { scalar = UInt32(name.dropFirst(2), radix: 16) }
            else if name.hasPrefix("#") { scalar = UInt32(name.dropFirst(1)) }
            else if name.allSatisfy({ $0.isASCII && $0.isLetter }) { appendSpace(); return j + 1 }
            else { append(0x26); return i + 1 }
        }
        guard let v = scalar, let u = Unicode.Scalar(v) else { appendSpace(); return j + 1 }
        for b in String(Character(u)).utf8 { append(b) }
        return j + 1
    }
}
