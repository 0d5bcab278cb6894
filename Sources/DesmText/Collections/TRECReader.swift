/// TREC SGML documents: `<DOC> <DOCNO> id </DOCNO> ... <TEXT> ... </TEXT> </DOC>`, any number
/// per file, on any number of lines (several on one line is fine).
///
/// - Tag names are case-insensitive and may carry attributes (`<TEXT type="body">`), also
///   over several lines (up to 8); a `<` that does not start a tag is text.
/// - The id is the content of `<DOCNO>` (trimmed). The title is the content of `<HEAD>`,
///   `<HL>`, `<HEADLINE>` and `<TITLE>` elements; the text is the content of every
///   `<TEXT>`, `<LP>`, `<LEADPARA>`, `<BODY>` and `<ABSTRACT>` element, concatenated in order.
///   Tags inside these (e.g. `<P>`, `<F P=102>`) are dropped; the content of other elements
///   (`<DATE>`, `<BYLINE>`, ...) is ignored. Whitespace is collapsed to single spaces.
///   `<TI>` (FBIS) is a title too.
/// - A document with no text element at all (web collections: `<DOCHDR>` then raw HTML)
///   takes as text everything outside DOCNO, the title elements, `<DOCHDR>`, `<SCRIPT>` and
///   `<STYLE>`, with the markup dropped.
/// - Entities `&amp; &lt; &gt; &quot; &apos;` and numeric `&#NN;`/`&#xHH;` are decoded; other
///   named entities (`&hyph;`, `&blank;`) become a space. Comments `<!-- ... -->` (also over
///   several lines), `<!...>` and `<?...?>` are dropped.
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
    private var sawTextElement = false
    /// Content outside any known element (the text of documents without a text element,
    /// e.g. web pages after `<DOCHDR>`), and the element being skipped, if any.
    private var rest: [UInt8] = []
    private var skippedElement: String?
    private var title: [UInt8] = []
    private var text: [UInt8] = []
    private var inComment = false
    private var pendingTag: (name: String, closing: Bool, lines: Int)?
    private static let maxTagLines = 8

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

    private static let titleTags: Set<String> = ["HEAD", "HL", "HEADLINE", "TITLE", "TI"]
    private static let textTags: Set<String> = ["TEXT", "LP", "LEADPARA", "BODY", "ABSTRACT"]
    /// Elements whose content is never text (HTTP headers of web collections, scripts).
    private static let skippedTags: Set<String> = ["DOCHDR", "SCRIPT", "STYLE"]

    /// True when content at the current point is collected into `rest`.
    private var collectingRest: Bool { inDoc && field == .none && skippedElement == nil }

    private func append(_ b: UInt8) {
        switch field {
        case .docno: docno.append(b)
        case .title: title.append(b)
        case .text: text.append(b)
        case .none: if collectingRest { rest.append(b) }
        }
    }

    private func appendSpace() {
        switch field {
        case .title: if title.last != 0x20 { title.append(0x20) }
        case .text: if text.last != 0x20 { text.append(0x20) }
        case .docno: docno.append(0x20)
        case .none: if collectingRest && rest.last != 0x20 { rest.append(0x20) }
        }
    }

    private func scan(_ p: UnsafeBufferPointer<UInt8>) throws {
        let n = p.count
        let lineNo = lines.lineNumber
        var i = 0
        if inComment {
            guard let e = find(p, "-->", from: 0) else { return }
            inComment = false
            i = e
        } else if let (name, closing, linesSoFar) = pendingTag {
            // A tag whose attributes run over lines ends at the next '>' (given up after
            // `maxTagLines` lines: then it was text, e.g. "a <b" with no tag meant).
            let close = find(p, ">", from: 0)
            if let open = find(p, "<", from: 0), open < (close ?? Int.max) {
                // A new tag starts before this one closed: it was text after all.
                pendingTag = nil
            } else if let e = close {
                pendingTag = nil
                try handleTag(name, closing: closing, line: lineNo)
                i = e
            } else {
                pendingTag = linesSoFar + 1 >= TRECReader.maxTagLines ? nil : (name, closing, linesSoFar + 1)
                return
            }
        }
        while i < n {
            let b = p[i]
            if b == 0x3C && i + 1 < n && (p[i + 1] == 0x21 || p[i + 1] == 0x3F) {
                // <!-- comment -->, <!DOCTYPE ...>, <?xml ...?>: markup, dropped.
                if i + 3 < n && p[i + 2] == 0x2D && p[i + 3] == 0x2D {
                    appendSpace()
                    guard let e = find(p, "-->", from: i + 4) else { inComment = true; return }
                    i = e
                    continue
                }
                if let e = find(p, ">", from: i + 2) { appendSpace(); i = e; continue }
            }
            if b == 0x3C, let (name, closing, end) = parseTag(p, i) {
                if end < 0 {
                    pendingTag = (name, closing, 0)
                    return
                }
                try handleTag(name, closing: closing, line: lineNo)
                i = end
                continue
            }
            if skippedElement != nil || (field == .none && !collectingRest) { i += 1; continue }
            if b == 0x26 {
                i = decodeEntity(p, i)
                continue
            }
            if b == 0x20 || b == 0x09 || b == 0x0D { appendSpace() } else { append(b) }
            i += 1
        }
        appendSpace()
    }

    /// The index just after the first occurrence of `needle` at or after `from`, or nil.
    private func find(_ p: UnsafeBufferPointer<UInt8>, _ needle: StaticString, from: Int) -> Int? {
        let m = needle.utf8CodeUnitCount
        let q = needle.utf8Start
        var i = from
        while i + m <= p.count {
            var k = 0
            while k < m && p[i + k] == q[k] { k += 1 }
            if k == m { return i + m }
            i += 1
        }
        return nil
    }

    /// Parses a tag at `i` ('<'): its uppercased name, whether it closes, and where it ends
    /// (-1 when it does not end on this line).
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
        if k > j && !(p[j] == 0x20 || p[j] == 0x09 || p[j] == 0x2F || p[j] == 0x0D) { return nil }
        var name = ""
        for q in nameStart..<j { name.unicodeScalars.append(Unicode.Scalar(p[q] >= 0x61 && p[q] <= 0x7A ? p[q] - 0x20 : p[q])) }
        if k < p.count { return (name, closing, k + 1) }
        // No '>' on this line: a tag whose attributes go on over lines (-1 says so), but only
        // if the rest looks like attributes (nothing, or an '='); "if x <y then" is text.
        let rest = p[j...]
        guard rest.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) || rest.contains(0x3D) else { return nil }
        return (name, closing, -1)
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
                sawTextElement = false
                rest.removeAll(keepingCapacity: true)
                skippedElement = nil
            } else {
                guard inDoc else { throw DesmError.at(lines.path, line: line, "</DOC> without a <DOC>") }
                try finishDocument()
            }
            return
        }
        guard inDoc else { return }
        if let skipped = skippedElement {
            if closing && name == skipped { skippedElement = nil }
            return
        }
        if TRECReader.skippedTags.contains(name) {
            if !closing { skippedElement = name }
            return
        }
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
            sawTextElement = true
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
        let t = trimSpaces(decode(title))
        let x = trimSpaces(decode(sawTextElement ? text : rest))
        if bad { invalid.record(line: docLine) }
        queue.append(Document(id: id, title: t, text: x, path: lines.path, line: docLine))
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
