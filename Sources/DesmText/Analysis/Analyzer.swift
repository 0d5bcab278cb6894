import Foundation

/// The one analyzer shared by trainer, indexer and queries.
///
/// Rules (version 1):
/// - Text is NFC-normalised and, by default, lowercased (full Unicode case mapping).
/// - A token is a maximal run of letters, digits and combining marks.
/// - An apostrophe (' or ’) between two letters joins them ("don't" → "dont"); a trailing
///   possessive "'s" is dropped ("john's" → "john").
/// - Everything else separates tokens, hyphens included: "COVID-19" → "covid", "19"
///   (as Lucene's StandardTokenizer and Anserini do, and as text8 spells it).
/// - Han, Hiragana and Katakana characters are single-character tokens.
/// - Tokens longer than `maxTokenLength` characters are dropped (noise such as base64).
/// - Stopwords are removed after lowercasing; stemming (Porter) is applied last.
public final class Analyzer: @unchecked Sendable {
    public let config: AnalyzerConfig
    private let stopwords: Set<String>

    public init(_ config: AnalyzerConfig) {
        self.config = config
        switch config.stopwords {
        case .none: stopwords = []
        case .english: stopwords = Set(englishStopwords)
        case .custom(let list): stopwords = Set(list)
        }
    }

    /// The tokens of `text`, in order.
    public func tokens(_ text: String) -> [String] {
        var out: [String] = []
        forEachToken(text) { out.append($0) }
        return out
    }

    /// Calls `body` with each token of `text`, in order.
    public func forEachToken(_ text: String, _ body: (String) -> Void) {
        var normalised = text
        if !text.utf8.allSatisfy({ $0 < 0x80 }) {
            normalised = text.precomposedStringWithCanonicalMapping
        }
        if config.lowercase { normalised = normalised.lowercased() }
        var current = String.UnicodeScalarView()
        var length = 0
        var pendingApostrophe = false

        func emit() {
            defer { current = String.UnicodeScalarView(); length = 0; pendingApostrophe = false }
            guard length > 0, length <= config.maxTokenLength else { return }
            var token = String(current)
            if !stopwords.isEmpty && stopwords.contains(token) { return }
            if config.stemmer == .porter { token = PorterStemmer.stem(token) }
            body(token)
        }

        let scalars = Array(normalised.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            let p = s.properties
            if isIdeograph(s) {
                emit()
                current.append(s); length = 1
                emit()
            } else if p.isAlphabetic || p.numericType != nil || p.generalCategory == .nonspacingMark
                        || p.generalCategory == .spacingMark || p.generalCategory == .enclosingMark {
                current.append(s); length += 1
            } else if (s == "'" || s == "\u{2019}") && length > 0 && i + 1 < scalars.count
                        && scalars[i + 1].properties.isAlphabetic && !isIdeograph(scalars[i + 1]) {
                // Possessive 's at the end of a word is dropped; other inner apostrophes join.
                let nextIsS = scalars[i + 1] == "s" || scalars[i + 1] == "S"
                let afterS = i + 2 < scalars.count ? scalars[i + 2] : nil
                let endsAfterS = afterS.map { !($0.properties.isAlphabetic || $0.properties.numericType != nil) } ?? true
                if nextIsS && endsAfterS {
                    i += 2
                    emit()
                    continue
                }
            } else {
                emit()
            }
            i += 1
        }
        emit()
    }

    private func isIdeograph(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2FA1F:
            return true
        default:
            return false
        }
    }
}

/// Lucene's EnglishAnalyzer stopword list (the one Anserini uses).
public let englishStopwords = [
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with",
]
