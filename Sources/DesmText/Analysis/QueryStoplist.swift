import Foundation

/// Words dropped from queries only, before both query analyses (embedding words and BM25
/// terms). Documents and the index keep them, so a stoplist can change between runs without
/// re-indexing; it is part of the ranking options and of every run's tag.
///
/// Why: MS MARCO / TREC DL queries are questions ("what is the daily life of thai people"),
/// and BM25 scores the question words as content terms. On the TREC DL passage subset this
/// costs about 0.02 NDCG@10; dropping the `questions` list from the queries restores it while
/// SciFact (claims, no question words) is unchanged — eval/bench/bm25_dl_variants.md.
public struct QueryStoplist: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// `none`, `questions`, or `file-<basename>` for a list read from a file; used in run tags.
    public let name: String
    /// The words, lowercased and NFC, compared with the query's lowercased tokens.
    public let words: Set<String>

    public init(name: String, words: some Sequence<String>) {
        self.name = name
        self.words = Set(words.map { $0.precomposedStringWithCanonicalMapping.lowercased().precomposedStringWithCanonicalMapping })
    }

    public static let none = QueryStoplist(name: "none", words: [String]())

    /// Question words and the auxiliaries that open questions (16 words; "is", "are",
    /// "was" are also Lucene stopwords, so this matters to DESM's query words for them).
    public static let questionWords = [
        "what", "how", "who", "whom", "when", "where", "which", "why",
        "do", "does", "did", "can", "is", "are", "was", "were",
    ]
    public static let questions = QueryStoplist(name: "questions", words: questionWords)

    public static let builtInNames = ["none", "questions"]

    /// `none`, `questions`, or the path of a stopword file (one word per line, `#` comments,
    /// plain or gzip; see `readStopwordList`).
    public static func parse(_ spec: String) throws -> QueryStoplist {
        switch spec {
        case "none", "": return .none
        case "questions": return .questions
        default:
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: spec, isDirectory: &isDirectory) else {
                throw DesmError("no such query stoplist: use none, questions or the path of a stopword file (one word per line)", path: spec)
            }
            if isDirectory.boolValue { throw DesmError("the query stoplist is a directory, not a file", path: spec) }
            let words = try readStopwordList(path: spec)
            return QueryStoplist(name: "file-" + tagSafe(spec), words: words)
        }
    }

    public var isEmpty: Bool { words.isEmpty }

    /// True when `token` (lowercased by the analyzer, or not) is on the list.
    public func contains(_ token: String) -> Bool {
        guard !words.isEmpty else { return false }
        return words.contains(token) || words.contains(token.lowercased())
    }

    public var description: String { name }

    /// A file's base name without extensions, reduced to letters, digits, `_` and `-`.
    private static func tagSafe(_ path: String) -> String {
        var base = (path as NSString).lastPathComponent
        if let dot = base.firstIndex(of: "."), dot != base.startIndex { base = String(base[..<dot]) }
        let kept = base.unicodeScalars.map { s -> Character in
            (s.isASCII && (CharacterSet.alphanumerics.contains(s) || s == "_" || s == "-")) ? Character(s) : "_"
        }
        return kept.isEmpty ? "list" : String(kept)
    }
}
