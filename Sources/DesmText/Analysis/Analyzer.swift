import Foundation

/// The one analyzer shared by trainer, indexer and queries.
///
/// Rules (`AnalyzerConfig.currentVersion` = 1):
/// - A token is a maximal run of letters (Unicode `Alphabetic`), digits (any Unicode numeric
///   character) and combining marks (a mark never starts a token). Everything else separates
///   tokens: spaces, punctuation, symbols, hyphens, underscores, dots, slashes, `@`.
///   So "COVID-19" → "covid", "19"; "3.14" → "3", "14"; "state-of-the-art" → "state", "of",
///   "the", "art"; a URL or e-mail address falls apart into its words
///   ("john.doe@example.com" → "john", "doe", "example", "com"). Hyphens split as in
///   Lucene's StandardTokenizer (and Anserini) and as text8 spells such words.
/// - An apostrophe (' U+0027 or ’ U+2019) between a letter or digit and a letter joins the
///   two sides ("don't" → "dont", "O’Brien" → "obrien"), except a possessive "'s" that ends a
///   word, which is dropped ("John's" → "john", "it’s" → "it"); any other apostrophe separates
///   ("'quoted'" → "quoted", "students'" → "students").
/// - Han ideographs, Hiragana and Katakana are one token per character (no segmenter);
///   other scripts (Greek, Cyrillic, Arabic, Hangul, ...) follow the run rule.
/// - Tokens are lowercased (full Unicode case mapping) and NFC-normalised, so NFC and NFD
///   spellings of "café" give the same token.
/// - Tokens longer than `maxTokenLength` characters (Unicode scalars after NFC) are dropped
///   (noise such as base64 or chemical names glued by the source).
/// - Stopwords (compared after lowercasing) are removed, then the Porter stemmer is applied.
///
/// Unlike Lucene's StandardTokenizer (UAX #29), dots and commas never join ("3.14", "U.S.",
/// "e.g." split), underscores split, and apostrophes are removed rather than kept.
///
/// Speed: tokens made of ASCII and Latin characters below U+0300 are lowercased in their
/// UTF-8 bytes (a table for U+0080..U+02FF; nothing there changes under NFC) with no
/// per-character allocation; a token with any character from U+0300 up (combining marks,
/// Greek, Cyrillic, CJK, ...) goes through Foundation's lowercasing and NFC. The analyzer
/// keeps no mutable state (scratch space is on the stack), so threads may share one.
public final class Analyzer: @unchecked Sendable {
    public let config: AnalyzerConfig
    private let stopwords: Set<String>
    private let asciiStopwords: StopwordTable
    private let porter: Bool
    private let lowercase: Bool
    private let maxLength: Int
    /// Scratch capacity for one token's raw bytes (an NFD token may be longer than its NFC).
    private let scratchCapacity: Int

    public init(_ config: AnalyzerConfig) {
        self.config = config
        self.porter = config.stemmer == .porter
        self.lowercase = config.lowercase
        self.maxLength = max(config.maxTokenLength, 1)
        self.scratchCapacity = max(config.maxTokenLength, 1) * 4 + 16
        switch config.stopwords {
        case .none: stopwords = []
        case .english: stopwords = Set(englishStopwords)
        case .custom(let list):
            stopwords = Set(list.map { w in
                let n = w.precomposedStringWithCanonicalMapping
                return config.lowercase ? n.lowercased().precomposedStringWithCanonicalMapping : n
            })
        }
        asciiStopwords = StopwordTable(stopwords)
    }

    /// True when `token` (an output of an analyzer with the same lowercasing, i.e. already
    /// lowercased and NFC) is one of this analyzer's stopwords. Custom lists are compared
    /// after the same lowercasing and NFC as tokens.
    public func isStopword(_ token: String) -> Bool {
        stopwords.contains(token)
    }

    /// The tokens of `text`, in order.
    public func tokens(_ text: String) -> [String] {
        var out: [String] = []
        forEachToken(text) { out.append($0) }
        return out
    }

    /// Calls `body` with each token of `text`, in order.
    public func forEachToken(_ text: String, _ body: (String) -> Void) {
        var t = text
        t.withUTF8 { forEachToken(utf8: $0, body) }
    }

    /// Calls `body` with each token of UTF-8 `bytes`, in order. Invalid UTF-8 sequences
    /// separate tokens (as U+FFFD would).
    public func forEachToken(utf8 bytes: UnsafeBufferPointer<UInt8>, _ body: (String) -> Void) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: scratchCapacity) { scratch in
            var state = TokenState(scratch: scratch.baseAddress!, capacity: scratchCapacity)
            scan(base, bytes.count, &state, body)
            emit(&state, body)
        }
    }

    struct TokenState {
        let scratch: UnsafeMutablePointer<UInt8>
        let capacity: Int
        var length = 0
        var nonASCII = false
        /// A scalar at or above U+0300 (marks, Greek, CJK, ...) or with a multi-scalar
        /// lowercase: the token needs Foundation's lowercasing and NFC.
        var complex = false
        /// Scalars appended (exact when not `complex`).
        var scalars = 0
        var overlong = false

        init(scratch: UnsafeMutablePointer<UInt8>, capacity: Int) {
            self.scratch = scratch
            self.capacity = capacity
        }

        @inline(__always) mutating func append(_ b: UInt8) {
            if length < capacity { scratch[length] = b; length += 1 } else { overlong = true }
            scalars += 1
        }

        /// Appends a scalar below U+0800 as UTF-8 (two bytes when non-ASCII).
        @inline(__always) mutating func appendTwoByte(_ v: UInt32) {
            if length + 2 <= capacity {
                scratch[length] = UInt8(0xC0 | v >> 6)
                scratch[length + 1] = UInt8(0x80 | v & 0x3F)
                length += 2
            } else { overlong = true }
            scalars += 1
            nonASCII = true
        }

        @inline(__always) mutating func append(_ p: UnsafePointer<UInt8>, _ n: Int) {
            if length + n <= capacity {
                scratch.advanced(by: length).update(from: p, count: n)
                length += n
            } else {
                overlong = true
                if length == 0 { length = 1 } // remember that a token is in progress
            }
        }
    }

    @inline(__always)
    private func scan(_ p: UnsafePointer<UInt8>, _ n: Int, _ st: inout TokenState, _ body: (String) -> Void) {
        var i = 0
        let lower = lowercase
        while i < n {
            let b = p[i]
            if b < 0x80 {
                if isLowerOrDigit(b) {
                    st.append(b); i += 1
                } else if b &- 0x41 < 26 {
                    st.append(lower ? b | 0x20 : b); i += 1
                } else if b == 0x27 {
                    i = apostrophe(p, n, at: i, width: 1, &st, body)
                } else {
                    if st.length > 0 { emit(&st, body) }
                    i += 1
                }
                continue
            }
            let (s, w) = decodeScalar(p, n, i)
            if s < 0x300 {
                // Latin-1 and Latin Extended: class and lowercase from a table, no NFC needed.
                let entry = latinTable[Int(s) - 0x80]
                if entry == 0 {
                    if st.length > 0 { emit(&st, body) }
                } else if entry == UInt32.max || !lower {
                    st.append(p + i, w); st.nonASCII = true; st.scalars += 1
                    if entry == UInt32.max && lower { st.complex = true }
                } else if entry < 0x80 {
                    st.append(UInt8(entry)); st.nonASCII = true
                } else {
                    st.appendTwoByte(entry)
                }
                i += w
                continue
            }
            if s == 0x2019 {
                i = apostrophe(p, n, at: i, width: w, &st, body)
                continue
            }
            switch classify(s) {
            case .ideograph:
                emit(&st, body)
                st.append(p + i, w); st.nonASCII = true; st.complex = true
                emit(&st, body)
            case .word:
                st.append(p + i, w); st.nonASCII = true; st.complex = true
            case .mark:
                if st.length > 0 { st.append(p + i, w); st.nonASCII = true; st.complex = true }
            case .separator:
                if st.length > 0 { emit(&st, body) }
            }
            i += w
        }
    }

    /// Handles an apostrophe at `i` (of `width` bytes); returns where scanning resumes.
    @inline(__always)
    private func apostrophe(_ p: UnsafePointer<UInt8>, _ n: Int, at i: Int, width: Int,
                            _ st: inout TokenState, _ body: (String) -> Void) -> Int {
        let next = i + width
        guard st.length > 0, next < n, isLetter(p, n, next) else {
            emit(&st, body)
            return next
        }
        if p[next] | 0x20 == 0x73 /* s or S */ && !isTokenChar(p, n, next + 1) {
            emit(&st, body)          // possessive 's: dropped
            return next + 1
        }
        return next                  // inner apostrophe: the two sides join
    }

    /// Finishes the token in progress: checks length, stopwords, stems and calls `body`.
    @inline(__always)
    private func emit(_ st: inout TokenState, _ body: (String) -> Void) {
        guard st.length > 0 else { return }
        defer { st.length = 0; st.nonASCII = false; st.complex = false; st.scalars = 0; st.overlong = false }
        if st.overlong { return }
        if st.nonASCII && !st.complex {
            // Already lowercased scalar by scalar, and NFC (nothing below U+0300 composes).
            if st.scalars > maxLength { return }
            if !stopwords.isEmpty {
                let word = String(decoding: UnsafeBufferPointer(start: st.scratch, count: st.length), as: UTF8.self)
                if stopwords.contains(word) { return }
            }
            if porter { st.length = PorterStemmer.stem(st.scratch, count: st.length) }
            body(String(decoding: UnsafeBufferPointer(start: st.scratch, count: st.length), as: UTF8.self))
            return
        }
        if !st.nonASCII {
            if st.length > maxLength { return }
            if asciiStopwords.contains(st.scratch, st.length) { return }
            if porter { st.length = PorterStemmer.stem(st.scratch, count: st.length) }
            body(String(decoding: UnsafeBufferPointer(start: st.scratch, count: st.length), as: UTF8.self))
            return
        }
        var word = String(decoding: UnsafeBufferPointer(start: st.scratch, count: st.length), as: UTF8.self)
        if lowercase { word = word.lowercased() }
        word = word.precomposedStringWithCanonicalMapping
        if word.unicodeScalars.count > maxLength { return }
        if stopwords.contains(word) { return }
        if porter { word = PorterStemmer.stem(word) }
        body(word)
    }

    private enum ScalarClass { case word, ideograph, mark, separator }

    private func classify(_ v: UInt32) -> ScalarClass {
        guard let s = Unicode.Scalar(v) else { return .separator }
        let p = s.properties
        switch p.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return .mark
        default: break
        }
        guard p.isAlphabetic || p.numericType != nil else { return .separator }
        return isIdeograph(v) ? .ideograph : .word
    }

    @inline(__always) private func isLowerOrDigit(_ b: UInt8) -> Bool {
        (b &- 0x61) < 26 || (b &- 0x30) < 10
    }

    /// True when the character at `i` is a letter (not an ideograph).
    private func isLetter(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int) -> Bool {
        let b = p[i]
        if b < 0x80 { return (b | 0x20) &- 0x61 < 26 }
        let (s, _) = decodeScalar(p, n, i)
        guard let u = Unicode.Scalar(s) else { return false }
        return u.properties.isAlphabetic && !isIdeograph(s)
    }

    /// True when the character at `i` (if any) would continue a token.
    private func isTokenChar(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int) -> Bool {
        guard i < n else { return false }
        let b = p[i]
        if b < 0x80 { return (b | 0x20) &- 0x61 < 26 || (b &- 0x30) < 10 }
        let (s, _) = decodeScalar(p, n, i)
        return classify(s) != .separator
    }

    private func isIdeograph(_ v: UInt32) -> Bool {
        switch v {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2FA1F:
            return true
        default:
            return false
        }
    }
}

/// For U+0080..<U+0300: 0 when the scalar separates tokens, `UInt32.max` for a token
/// character whose lowercase is not a single scalar below U+0800 (U+0130 İ, U+023A Ⱥ), else
/// its lowercase scalar
/// (itself when it has no lowercase). Nothing in this range is a mark or changes under NFC.
let latinTable: [UInt32] = (0x80..<0x300).map { v -> UInt32 in
    guard let s = Unicode.Scalar(UInt32(v)) else { return 0 }
    let p = s.properties
    guard p.isAlphabetic || p.numericType != nil else { return 0 }
    let lower = Array(p.lowercaseMapping.unicodeScalars)
    return lower.count == 1 && lower[0].value < 0x800 ? lower[0].value : UInt32.max
}

/// Membership of ASCII words without building a String: words of up to 8 bytes are packed
/// into a UInt64 and found in a small open-addressing table; longer ones in a Set.
struct StopwordTable {
    private let slots: [UInt64]
    private let mask: Int
    private let long: Set<String>
    let isEmpty: Bool

    init(_ words: Set<String>) {
        let short = words.filter { $0.utf8.count <= 8 && $0.utf8.allSatisfy { $0 < 0x80 } }
        long = Set(words.filter { !short.contains($0) })
        var size = 16
        while size < short.count * 4 { size *= 2 }
        var table = [UInt64](repeating: 0, count: size)
        for w in short {
            let key = w.utf8.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            var h = StopwordTable.hash(key) & (size - 1)
            while table[h] != 0 && table[h] != key { h = (h + 1) & (size - 1) }
            table[h] = key
        }
        slots = table
        mask = size - 1
        isEmpty = words.isEmpty
    }

    @inline(__always) static func hash(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 40)
    }

    @inline(__always) func contains(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        if isEmpty { return false }
        if n > 8 {
            if long.isEmpty { return false }
            return long.contains(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
        }
        var key: UInt64 = 0
        for k in 0..<n { key |= UInt64(p[k]) << (8 * UInt64(k)) }
        var h = StopwordTable.hash(key) & mask
        return slots.withUnsafeBufferPointer { t in
            while true {
                let v = t[h]
                if v == key { return true }
                if v == 0 { return false }
                h = (h + 1) & mask
            }
        }
    }
}

/// Decodes the UTF-8 sequence starting at `i`: the scalar value and its length in bytes.
/// An invalid or truncated sequence yields (U+FFFD, 1).
@inline(__always)
func decodeScalar(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int) -> (UInt32, Int) {
    let b0 = UInt32(p[i])
    if b0 < 0x80 { return (b0, 1) }
    @inline(__always) func cont(_ k: Int) -> UInt32? {
        guard k < n else { return nil }
        let c = p[k]
        return c & 0xC0 == 0x80 ? UInt32(c & 0x3F) : nil
    }
    if b0 >= 0xC2 && b0 < 0xE0 {
        guard let c1 = cont(i + 1) else { return (0xFFFD, 1) }
        return ((b0 & 0x1F) << 6 | c1, 2)
    }
    if b0 >= 0xE0 && b0 < 0xF0 {
        guard let c1 = cont(i + 1), let c2 = cont(i + 2) else { return (0xFFFD, 1) }
        let v = (b0 & 0x0F) << 12 | c1 << 6 | c2
        if v < 0x800 || (v >= 0xD800 && v <= 0xDFFF) { return (0xFFFD, 1) }
        return (v, 3)
    }
    if b0 >= 0xF0 && b0 < 0xF5 {
        guard let c1 = cont(i + 1), let c2 = cont(i + 2), let c3 = cont(i + 3) else { return (0xFFFD, 1) }
        let v = (b0 & 0x07) << 18 | c1 << 12 | c2 << 6 | c3
        if v < 0x10000 || v > 0x10FFFF { return (0xFFFD, 1) }
        return (v, 4)
    }
    return (0xFFFD, 1)
}

/// Lucene's EnglishAnalyzer stopword list (the one Anserini uses).
public let englishStopwords = [
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with",
]

/// Reads a stopword list: one word per line; blank lines and lines starting with `#` are
/// skipped; surrounding spaces are trimmed. Plain or gzip.
public func readStopwordList(path: String) throws -> [String] {
    let lines = try LineReader(path: path)
    var words: [String] = []
    while let line = try lines.nextLine() {
        let w = line.trimmingCharacters(in: .whitespaces)
        if w.isEmpty || w.hasPrefix("#") { continue }
        words.append(w)
    }
    if let note = lines.invalidUTF8.note(path: path) {
        throw DesmError("stopword list is not valid UTF-8 (\(note))", path: path)
    }
    return words
}
