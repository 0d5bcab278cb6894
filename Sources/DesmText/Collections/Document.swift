/// One document of a collection, as every reader yields it.
public struct Document: Equatable, Sendable {
    public var id: String
    public var title: String
    public var text: String
    /// Where the document starts: file path and line (for error messages naming both places).
    public var path: String
    public var line: Int

    public init(id: String, title: String = "", text: String, path: String = "", line: Int = 0) {
        self.id = id
        self.title = title
        self.text = text
        self.path = path
        self.line = line
    }

    /// Title and text joined, the text that is analysed and indexed.
    public var fullText: String { title.isEmpty ? text : title + "\n" + text }
}

/// The collection formats desm reads.
public enum CollectionFormat: String, CaseIterable, Codable, Sendable {
    /// BEIR JSONL: `{"_id": ..., "title": ..., "text": ...}` per line.
    case jsonl
    /// `id<TAB>text` or `id<TAB>title<TAB>text` per line, optional header line.
    case tsv
    /// TREC SGML: `<DOC><DOCNO>id</DOCNO> ... <TEXT>...</TEXT></DOC>`, many per file.
    case trec
    /// SMART: `.I id`, `.T` title, `.A` authors, `.B` source, `.W` text (Cranfield, CACM).
    case smart
}

/// A stream of documents from one file.
public protocol DocumentReader: AnyObject {
    /// The next document, or nil at the end of the file.
    func next() throws -> Document?
    /// A one-line note for the user once the file is read (e.g. invalid UTF-8 replaced), or nil.
    var note: String? { get }
}

extension DocumentReader {
    public var note: String? { nil }
}
