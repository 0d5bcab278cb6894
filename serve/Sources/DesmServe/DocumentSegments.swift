import DesmText

/// A document's text cut into the pieces the page shades: runs of letters and digits (with
/// an apostrophe inside a word, as in "don't") and the text between them, which together
/// give back the text exactly. Each run is analysed by the model's embedding analyzer; a run
/// that makes exactly one token gets that word, the unit of the shading.
public struct TextSegment: Codable, Equatable, Sendable {
    public var text: String
    /// The run's token as the model's analyzer gives it (nil: no word, e.g. spaces or
    /// punctuation, a stopword-free analyzer's dropped token, or a run that splits further).
    public var word: String?
    /// (1/|Q|) Σ_q cos(q_IN, w_OUT) for the word (nil: not in the vocabulary, or no query).
    public var cosine: Double?
    /// The word is one of the query's words.
    public var queryWord: Bool?

    public init(text: String, word: String? = nil) {
        self.text = text
        self.word = word
    }
}

public enum DocumentSegments {
    static func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber }
    static func isApostrophe(_ c: Character) -> Bool { c == "'" || c == "\u{2019}" }

    /// `text` as runs and separators; the runs carry the analyzer's token.
    public static func split(_ text: String, analyzer: Analyzer) -> [TextSegment] {
        var out: [TextSegment] = []
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let start = i
            if isWordCharacter(chars[i]) {
                while i < chars.count {
                    if isWordCharacter(chars[i]) { i += 1; continue }
                    if isApostrophe(chars[i]), i + 1 < chars.count, chars[i + 1].isLetter { i += 1; continue }
                    break
                }
                let run = String(chars[start..<i])
                let tokens = analyzer.tokens(run)
                out.append(TextSegment(text: run, word: tokens.count == 1 ? tokens[0] : nil))
            } else {
                while i < chars.count, !isWordCharacter(chars[i]) { i += 1 }
                out.append(TextSegment(text: String(chars[start..<i])))
            }
        }
        return out
    }
}
