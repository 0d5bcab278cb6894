import DesmText

/// One named part of a topic: an XML child element (`query`, `question`, `narrative`, …), a
/// TREC SGML field (`title`, `desc`, `narr`, …) or, for JSONL and TSV queries, `query`.
public struct TopicField: Equatable, Sendable {
    public var name: String
    /// The field's text with whitespace collapsed to single spaces.
    public var text: String

    public init(name: String, text: String) {
        self.name = name
        self.text = text
    }
}

/// A search topic: its number (as a string, the way qrels and runs spell it) and its fields in
/// file order. A name may occur more than once (e.g. several `<subtopic>` elements).
public struct Topic: Equatable, Sendable {
    public var id: String
    public var fields: [TopicField]
    /// Attributes of the topic element in XML topics (e.g. `type="faceted"`), without `number`.
    public var attributes: [String: String]
    /// Where the topic was read (file and line), for error messages.
    public var path: String
    public var line: Int

    public init(id: String, fields: [TopicField], attributes: [String: String] = [:],
                path: String = "", line: Int = 0) {
        self.id = id
        self.fields = fields
        self.attributes = attributes
        self.path = path
        self.line = line
    }

    /// The names of the fields, in order, each once.
    public var fieldNames: [String] {
        var seen = Set<String>()
        return fields.map(\.name).filter { seen.insert($0).inserted }
    }

    /// The text of every field called `name` (exact match first, then ignoring case), joined
    /// with a space, or nil when the topic has no such field.
    public func field(_ name: String) -> String? {
        var parts = fields.filter { $0.name == name }
        if parts.isEmpty {
            let lower = name.lowercased()
            parts = fields.filter { $0.name.lowercased() == lower }
        }
        if parts.isEmpty { return nil }
        return parts.map(\.text).filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// The text of the requested fields joined with a space (e.g. `["query"]`, or
    /// `["title", "desc"]`). An empty list means the first field. A missing field is an error
    /// naming the file, the topic and the fields it does have.
    public func text(fields names: [String]) throws -> String {
        if names.isEmpty {
            guard let first = fields.first else {
                throw DesmError.at(path, line: line, "topic \(id) has no fields")
            }
            return first.text
        }
        var parts: [String] = []
        for name in names {
            guard let t = field(name) else {
                throw DesmError.at(path, line: line,
                    "topic \(id) has no field \"\(name)\" (it has: \(fieldNames.joined(separator: ", ")))")
            }
            if !t.isEmpty { parts.append(t) }
        }
        return parts.joined(separator: " ")
    }
}

