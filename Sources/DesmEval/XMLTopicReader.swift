import CLibXML2
import DesmText

/// The most text that internal entity references may add to one topics file (element text
/// and attribute values together). libxml2 refuses entity bombs itself (its amplification
/// guard, below); desm expands the references that remain, under this budget, so that a
/// blow-up libxml2 lets through ("quadratic blowup": one large entity referenced many
/// times) fails fast instead of eating memory.
public let xmlEntityExpansionLimit = 1 << 20

/// How deep internal entity references may nest.
let xmlEntityDepthLimit = 8

/// Parser options. Set: no network (XML_PARSE_NONET), errors kept for our message instead
/// of printed (NOERROR, NOWARNING), line numbers past 65,535 (BIG_LINES). Not set: entity
/// substitution (NOENT: libxml2 keeps references to internal entities as nodes, and
/// `XMLTextCollector` expands them under a budget), external DTD loading (DTDLOAD, DTDATTR,
/// DTDVALID: external entities and external DTD subsets are never read), relaxed limits
/// (HUGE: libxml2's depth and entity-amplification limits apply).
let topicXMLOptions: Int32 = Int32(bitPattern:
    XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
    | XML_PARSE_BIG_LINES.rawValue)

/// Reads XML topics with libxml2.
///
/// Topics are the element children of the root (or of its one level of containers, e.g.
/// `<trec><topics><topic>`), or the root itself when it carries a number. A topic's number
/// is its `number` attribute (also `id`, `qid`, `num`), or the text of a `<num>`/`<number>`
/// child (a "Number:" label is stripped). Every other child element is a field named after
/// the element; its text is the text of all it contains (CDATA included, comments and
/// processing instructions left out), whitespace collapsed. References to internal entities
/// (declared in the file's own DTD) are expanded in text and attribute values; references
/// to external ones expand to nothing (never read).
func parseXMLTopics(_ bytes: [UInt8], path: String, entityExpansionLimit: Int = xmlEntityExpansionLimit) throws -> [Topic] {
    xmlInitParser()
    guard let ctxt = xmlNewParserCtxt() else {
        throw DesmError("libxml2 could not allocate a parser", path: path)
    }
    defer { xmlFreeParserCtxt(ctxt) }
    let errors = XMLErrorLog()
    let doc: xmlDocPtr? = errors.recording {
        bytes.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { chars in
                xmlCtxtReadMemory(ctxt, chars.baseAddress, Int32(clamping: chars.count), path, nil, topicXMLOptions)
            }
        }
    }
    guard let doc else { throw errors.failure(ctxt, path: path) }
    defer { xmlFreeDoc(doc) }
    if ctxt.pointee.wellFormed == 0 { throw errors.failure(ctxt, path: path) }
    guard let root = xmlDocGetRootElement(doc) else {
        throw DesmError("XML has no root element", path: path)
    }
    let reader = XMLTextCollector(doc: doc, path: path, limit: entityExpansionLimit)
    let elements: [xmlNodePtr]
    if try reader.topicNumber(root) != nil {
        elements = [root]
    } else {
        let children = elementChildren(root)
        if try !children.contains(where: { try reader.topicNumber($0) != nil }),
           let deeper = try children.first(where: { try elementChildren($0).contains { try reader.topicNumber($0) != nil } }) {
            elements = elementChildren(deeper)
        } else {
            elements = children
        }
    }
    var topics: [Topic] = []
    for element in elements {
        let line = Int(xmlGetLineNo(element))
        let tag = nodeName(element)
        guard let number = try reader.topicNumber(element), !number.isEmpty else {
            throw DesmError.at(path, line: line, "<\(tag)> has no number (no number attribute, no <num> or <number> child)")
        }
        var fields: [TopicField] = []
        for child in elementChildren(element) {
            let name = nodeName(child)
            if name == "num" || name == "number" { continue }
            fields.append(TopicField(name: name, text: collapseWhitespace(try reader.text(of: child))))
        }
        var attributes: [String: String] = [:]
        for (k, v) in try reader.attributes(of: element) where k != "number" { attributes[k] = v }
        topics.append(Topic(id: number, fields: fields, attributes: attributes, path: path, line: line))
    }
    return topics
}

/// libxml2's errors while one file is parsed. libxml2 keeps only the last error on the
/// context, and the last is often a consequence ("Premature end of data in tag topics" after
/// a mismatched tag); the first error about the document itself is the cause, so a
/// structured error handler keeps it (and the first error inside an entity's replacement
/// text, which libxml2 reports at line 1 of that text and then again at the reference).
private final class XMLErrorLog {
    var first: (line: Int, code: Int32, message: String)?
    var firstInEntity: String?

    /// Runs `body` with this log as the thread's libxml2 structured error handler.
    func recording<T>(_ body: () -> T) -> T {
        xmlSetStructuredErrorFunc(Unmanaged.passUnretained(self).toOpaque()) { context, error in
            guard let context, let e = error?.pointee else { return }
            // Warnings, and namespace errors (which leave the document well-formed), are not causes.
            guard e.level.rawValue >= XML_ERR_ERROR.rawValue, e.domain != Int32(XML_FROM_NAMESPACE.rawValue) else { return }
            let log = Unmanaged<XMLErrorLog>.fromOpaque(context).takeUnretainedValue()
            let message = collapseWhitespace(e.message.map { String(cString: $0) } ?? "unknown error")
            if e.file == nil {
                if log.firstInEntity == nil { log.firstInEntity = message }
            } else if log.first == nil {
                log.first = (Int(e.line), Int32(e.code), message)
            }
        }
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        return withExtendedLifetime(self) { body() }
    }

    /// The one-line error: libxml2's first error about the document, with its line (the
    /// context's last error when none was recorded).
    func failure(_ ctxt: xmlParserCtxtPtr, path: String) -> DesmError {
        var found = first
        if found == nil, let e = xmlCtxtGetLastError(ctxt) {
            found = (Int(e.pointee.line), Int32(e.pointee.code),
                     collapseWhitespace(e.pointee.message.map { String(cString: $0) } ?? "unknown error"))
        }
        guard let (line, code, message) = found else {
            return DesmError("malformed XML (libxml2 gave no message)", path: path)
        }
        var text = "malformed XML: " + message
        if code == Int32(XML_ERR_ENTITY_LOOP.rawValue) {
            text += " (libxml2 says so of entities that refer to themselves or expand too much: refused)"
        } else if let inner = firstInEntity, inner != message {
            text += " (in an entity's replacement text: \(inner))"
        }
        return line > 0 ? DesmError.at(path, line: line, text) : DesmError(text, path: path)
    }
}

private func nodeName(_ node: xmlNodePtr) -> String {
    guard let name = node.pointee.name else { return "" }
    return String(cString: name)
}

private func elementChildren(_ node: xmlNodePtr) -> [xmlNodePtr] {
    var out: [xmlNodePtr] = []
    var child = node.pointee.children
    while let c = child {
        if c.pointee.type == XML_ELEMENT_NODE { out.append(c) }
        child = c.pointee.next
    }
    return out
}

/// Gathers the text of elements and attribute values, expanding references to internal
/// entities (libxml2 keeps them as entity-reference nodes; the entity's parsed content is
/// its children) at most `xmlEntityDepthLimit` deep and `limit` bytes in all.
private final class XMLTextCollector {
    let doc: xmlDocPtr
    let path: String
    let limit: Int
    var expanded = 0
    /// The line of the element being read, for nodes inside entities (which have none).
    var currentLine = 0
    /// Memos, so that nothing is expanded (and counted against the budget) twice.
    var numbers: [xmlNodePtr: String?] = [:]
    var attributeValues: [xmlNodePtr: [(String, String)]] = [:]

    init(doc: xmlDocPtr, path: String, limit: Int) {
        self.doc = doc
        self.path = path
        self.limit = limit
    }

    /// The text of all a node contains; an element inside counts as a space.
    func text(of node: xmlNodePtr) throws -> String {
        currentLine = Int(xmlGetLineNo(node))
        var out = ""
        try append(node.pointee.children, to: &out, depth: 0, inEntity: false)
        return out
    }

    /// An element's attributes, each value whitespace-collapsed.
    func attributes(of node: xmlNodePtr) throws -> [(String, String)] {
        if let known = attributeValues[node] { return known }
        var out: [(String, String)] = []
        var attr = node.pointee.properties
        while let a = attr {
            currentLine = Int(xmlGetLineNo(node))
            var value = ""
            try append(a.pointee.children, to: &value, depth: 0, inEntity: false)
            out.append((a.pointee.name.map { String(cString: $0) } ?? "", collapseWhitespace(value)))
            attr = a.pointee.next
        }
        attributeValues[node] = out
        return out
    }

    /// The topic number of an element, or nil when it has none.
    func topicNumber(_ node: xmlNodePtr) throws -> String? {
        if let known = numbers[node] { return known }
        var number: String? = nil
        let attrs = try attributes(of: node)
        for key in ["number", "id", "qid", "num"] {
            if let v = attrs.first(where: { $0.0 == key })?.1, !v.isEmpty { number = v; break }
        }
        if number == nil, let child = elementChildren(node).first(where: { ["num", "number"].contains(nodeName($0)) }) {
            var s = collapseWhitespace(try text(of: child))
            if s.lowercased().hasPrefix("number:") { s = collapseWhitespace(String(s.dropFirst(7))) }
            number = s
        }
        numbers[node] = number
        return number
    }

    private func append(_ first: xmlNodePtr?, to out: inout String, depth: Int, inEntity: Bool) throws {
        var node = first
        while let n = node {
            switch n.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = n.pointee.content {
                    let s = String(cString: content)
                    if inEntity {
                        expanded += s.utf8.count
                        try checkBudget(n)
                    }
                    out += s
                }
            case XML_ELEMENT_NODE:
                out += " "
                try append(n.pointee.children, to: &out, depth: depth, inEntity: inEntity)
                out += " "
            case XML_ENTITY_REF_NODE:
                guard depth < xmlEntityDepthLimit else {
                    throw DesmError.at(path, line: line(n),
                        "entity references nested deeper than \(xmlEntityDepthLimit) levels: refusing to expand")
                }
                // External entities are never loaded: no content, nothing added.
                if let name = n.pointee.name, let ent = xmlGetDocEntity(doc, name),
                   ent.pointee.etype == XML_INTERNAL_GENERAL_ENTITY {
                    if let children = ent.pointee.children {
                        try append(children, to: &out, depth: depth + 1, inEntity: true)
                    } else if let content = ent.pointee.content {
                        // Never parsed into nodes: use the replacement text when it is plain.
                        let s = String(cString: content)
                        if !s.contains("&") && !s.contains("<") {
                            expanded += s.utf8.count
                            try checkBudget(n)
                            out += s
                        }
                    }
                }
            default:
                break   // comments, processing instructions
            }
            node = n.pointee.next
        }
    }

    /// A node's line, or the current element's for nodes inside entities (which have none).
    private func line(_ n: xmlNodePtr) -> Int {
        let l = Int(xmlGetLineNo(n))
        return l > 0 ? l : currentLine
    }

    private func checkBudget(_ n: xmlNodePtr) throws {
        if expanded > limit {
            throw DesmError.at(path, line: line(n),
                "entity references expand to more than \(limit) bytes (an entity bomb?): refusing to expand")
        }
    }
}
