import CLibXML2
import DesmText

/// The most text that custom (DTD-declared) entity references may add to one topics file.
/// Predefined entities and character references are expanded by libxml2 itself; custom
/// internal entities are expanded here, under this budget, so that an entity bomb
/// ("billion laughs") fails fast instead of eating memory.
public let xmlEntityExpansionLimit = 1 << 20

/// How deep custom entity references may nest.
let xmlEntityDepthLimit = 8

/// Parser options: no network (XML_PARSE_NONET), no entity substitution (no
/// XML_PARSE_NOENT), no external DTD loading (no XML_PARSE_DTDLOAD/DTDATTR), no relaxed
/// limits (no XML_PARSE_HUGE), and errors kept for our message instead of printed.
let topicXMLOptions: Int32 = Int32(bitPattern:
    XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
    | XML_PARSE_BIG_LINES.rawValue)  // line numbers past 65,535 in errors, not capped

/// Reads XML topics with libxml2.
///
/// Topics are the element children of the root (or of its one level of containers, e.g.
/// `<trec><topics><topic>`), or the root itself when it carries a number. A topic's number
/// is its `number` attribute (also `id`, `qid`, `num`), or the text of a `<num>`/`<number>`
/// child (a "Number:" label is stripped). Every other child element is a field named after
/// the element; its text is the text of all it contains (CDATA included, comments and
/// processing instructions left out), whitespace collapsed.
func parseXMLTopics(_ bytes: [UInt8], path: String, entityExpansionLimit: Int = xmlEntityExpansionLimit) throws -> [Topic] {
    xmlInitParser()
    guard let ctxt = xmlNewParserCtxt() else {
        throw DesmError("libxml2 could not allocate a parser", path: path)
    }
    defer { xmlFreeParserCtxt(ctxt) }
    let doc: xmlDocPtr? = bytes.withUnsafeBufferPointer { buf in
        buf.withMemoryRebound(to: CChar.self) { chars in
            xmlCtxtReadMemory(ctxt, chars.baseAddress, Int32(clamping: chars.count), path, nil, topicXMLOptions)
        }
    }
    guard let doc else {
        throw xmlFailure(ctxt, path: path)
    }
    defer { xmlFreeDoc(doc) }
    if ctxt.pointee.wellFormed == 0 { throw xmlFailure(ctxt, path: path) }
    guard let root = xmlDocGetRootElement(doc) else {
        throw DesmError("XML has no root element", path: path)
    }
    var reader = XMLTextCollector(doc: doc, path: path, limit: entityExpansionLimit)
    let elements: [xmlNodePtr]
    if topicNumber(root) != nil {
        elements = [root]
    } else {
        let children = elementChildren(root)
        if !children.contains(where: { topicNumber($0) != nil }),
           let deeper = children.first(where: { elementChildren($0).contains { topicNumber($0) != nil } }) {
            elements = elementChildren(deeper)
        } else {
            elements = children
        }
    }
    var topics: [Topic] = []
    for element in elements {
        let line = Int(xmlGetLineNo(element))
        let tag = nodeName(element)
        guard let number = topicNumber(element), !number.isEmpty else {
            throw DesmError.at(path, line: line, "<\(tag)> has no number (no number attribute, no <num> or <number> child)")
        }
        var fields: [TopicField] = []
        for child in elementChildren(element) {
            let name = nodeName(child)
            if name == "num" || name == "number" { continue }
            let text = try reader.text(of: child)
            fields.append(TopicField(name: name, text: collapseWhitespace(text)))
        }
        var attributes: [String: String] = [:]
        for (k, v) in nodeAttributes(element) where k != "number" { attributes[k] = v }
        topics.append(Topic(id: number, fields: fields, attributes: attributes, path: path, line: line))
    }
    return topics
}

/// A DesmError from libxml2's last error: file, line and libxml2's own message.
private func xmlFailure(_ ctxt: xmlParserCtxtPtr, path: String) -> DesmError {
    if let err = xmlCtxtGetLastError(ctxt) {
        let message = err.pointee.message.map { String(cString: $0) } ?? "unknown error"
        let line = Int(err.pointee.line)
        let text = "malformed XML: " + collapseWhitespace(message)
        return line > 0 ? DesmError.at(path, line: line, text) : DesmError(text, path: path)
    }
    return DesmError("malformed XML (libxml2 gave no message)", path: path)
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

/// An attribute's value: the concatenated text of its children (libxml2 keeps it as text
/// nodes, entity references already resolved for the predefined entities).
private func nodeAttributes(_ node: xmlNodePtr) -> [(String, String)] {
    var out: [(String, String)] = []
    var attr = node.pointee.properties
    while let a = attr {
        let name = a.pointee.name.map { String(cString: $0) } ?? ""
        var value = ""
        var child = a.pointee.children
        while let c = child {
            if let content = c.pointee.content { value += String(cString: content) }
            child = c.pointee.next
        }
        out.append((name, collapseWhitespace(value)))
        attr = a.pointee.next
    }
    return out
}

/// The topic number of an element, or nil when it has none.
private func topicNumber(_ node: xmlNodePtr) -> String? {
    let attrs = nodeAttributes(node)
    for key in ["number", "id", "qid", "num"] {
        if let v = attrs.first(where: { $0.0 == key })?.1, !v.isEmpty { return v }
    }
    for child in elementChildren(node) {
        let name = nodeName(child)
        if name == "num" || name == "number" {
            var text = ""
            var c = child.pointee.children
            while let t = c {
                if (t.pointee.type == XML_TEXT_NODE || t.pointee.type == XML_CDATA_SECTION_NODE),
                   let content = t.pointee.content { text += String(cString: content) }
                c = t.pointee.next
            }
            var s = collapseWhitespace(text)
            if s.lowercased().hasPrefix("number:") { s = collapseWhitespace(String(s.dropFirst(7))) }
            return s
        }
    }
    return nil
}

/// Gathers the text under a node, expanding custom entity references under a budget.
private struct XMLTextCollector {
    let doc: xmlDocPtr
    let path: String
    let limit: Int
    var expanded = 0

    var fieldLine = 0

    mutating func text(of node: xmlNodePtr) throws -> String {
        fieldLine = Int(xmlGetLineNo(node))
        var out = ""
        try append(node.pointee.children, to: &out, depth: 0, inEntity: false)
        return out
    }

    private mutating func append(_ first: xmlNodePtr?, to out: inout String, depth: Int, inEntity: Bool) throws {
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
                if let name = n.pointee.name, let ent = xmlGetDocEntity(doc, name) {
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

    /// A node's line, or the field's line for nodes inside entities (which have none).
    private func line(_ n: xmlNodePtr) -> Int {
        let l = Int(xmlGetLineNo(n))
        return l > 0 ? l : fieldLine
    }

    private func checkBudget(_ n: xmlNodePtr) throws {
        if expanded > limit {
            throw DesmError.at(path, line: line(n),
                "entity references expand to more than \(limit) bytes (an entity bomb?): refusing to expand")
        }
    }
}
