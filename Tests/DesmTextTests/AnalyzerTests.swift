import XCTest
@testable import DesmText

final class AnalyzerTests: XCTestCase {
    let plain = Analyzer(.embedding)
    let bm25 = Analyzer(.bm25)

    func testBasicsAndCase() {
        XCTAssertEqual(plain.tokens("The Quick, brown FOX!"), ["the", "quick", "brown", "fox"])
        XCTAssertEqual(plain.tokens(""), [])
        XCTAssertEqual(plain.tokens("   \t\n\r  "), [])
        XCTAssertEqual(plain.tokens("...!?;"), [])
        XCTAssertEqual(Analyzer(AnalyzerConfig(lowercase: false)).tokens("Hello World"), ["Hello", "World"])
    }

    func testHyphensDigitsAndNumbers() {
        XCTAssertEqual(plain.tokens("COVID-19 and SARS-CoV-2"), ["covid", "19", "and", "sars", "cov", "2"])
        XCTAssertEqual(plain.tokens("state-of-the-art"), ["state", "of", "the", "art"])
        XCTAssertEqual(plain.tokens("3.14 1,000 2x 10^6"), ["3", "14", "1", "000", "2x", "10", "6"])
        XCTAssertEqual(plain.tokens("under_score"), ["under", "score"])
        // Non-ASCII digits are digits; superscripts are numeric too.
        XCTAssertEqual(plain.tokens("٣٤ x²"), ["٣٤", "x²"])
    }

    func testApostrophes() {
        XCTAssertEqual(plain.tokens("don't"), ["dont"])
        XCTAssertEqual(plain.tokens("don’t"), ["dont"])                 // curly
        XCTAssertEqual(plain.tokens("John's book"), ["john", "book"])   // possessive dropped
        XCTAssertEqual(plain.tokens("John’s book"), ["john", "book"])
        XCTAssertEqual(plain.tokens("it's O'Brien's"), ["it", "obrien"])
        XCTAssertEqual(plain.tokens("'quoted' students' rock'n'roll"), ["quoted", "students", "rocknroll"])
        XCTAssertEqual(plain.tokens("the 1990's"), ["the", "1990"])
        XCTAssertEqual(plain.tokens("'s"), ["s"])
        XCTAssertEqual(plain.tokens("x'sy"), ["xsy"])                   // not possessive: joins
        XCTAssertEqual(plain.tokens("a' b"), ["a", "b"])
    }

    func testURLsAndEmails() {
        XCTAssertEqual(plain.tokens("see https://www.example.com/a-b?q=1#top"),
                       ["see", "https", "www", "example", "com", "a", "b", "q", "1", "top"])
        XCTAssertEqual(plain.tokens("mail john.doe@example.org"), ["mail", "john", "doe", "example", "org"])
    }

    func testNFCAndNFDGiveSameTokens() {
        let nfc = "Caf\u{E9} na\u{EF}ve \u{C5}ngstr\u{F6}m"
        let nfd = "Cafe\u{301} nai\u{308}ve A\u{30A}ngstro\u{308}m"
        XCTAssertNotEqual(Array(nfc.utf8), Array(nfd.utf8))
        XCTAssertEqual(plain.tokens(nfc), ["caf\u{E9}", "na\u{EF}ve", "\u{E5}ngstr\u{F6}m"])
        XCTAssertEqual(plain.tokens(nfd), plain.tokens(nfc))
        // Every produced token is NFC.
        for t in plain.tokens(nfd) { XCTAssertEqual(Array(t.utf8), Array(t.precomposedStringWithCanonicalMapping.utf8)) }
        XCTAssertEqual(bm25.tokens(nfd), bm25.tokens(nfc))
    }

    func testUnicodeCaseAndScripts() {
        XCTAssertEqual(plain.tokens("ÉCOLE Straße ΑΘΗΝΑ Москва"), ["école", "straße", "αθηνα", "москва"])
        XCTAssertEqual(plain.tokens("中文分词"), ["中", "文", "分", "词"])
        XCTAssertEqual(plain.tokens("東京タワーへ"), ["東", "京", "タ", "ワ", "ー", "へ"])
        XCTAssertEqual(plain.tokens("한국어 텍스트"), ["한국어", "텍스트"])
        XCTAssertEqual(plain.tokens("abc中def"), ["abc", "中", "def"])              // mixed scripts
        XCTAssertEqual(plain.tokens("Ωmega-3 x·y"), ["ωmega", "3", "x", "y"])
        XCTAssertEqual(plain.tokens("グレイ・フルバスター"), ["グ", "レ", "イ", "フ", "ル", "バ", "ス", "タ", "ー"])
        // CJK compatibility ideographs are normalised to their unified forms.
        XCTAssertEqual(plain.tokens("\u{F900}"), ["\u{8C48}"])
    }

    /// The Latin table path (U+0080..<U+0300) gives what Foundation's lowercasing + NFC give.
    func testLatinFastPathMatchesFoundation() {
        for v in UInt32(0x80)..<0x300 {
            let s = Unicode.Scalar(v)!
            let p = s.properties
            let text = "Ab\(Character(s))Cd"
            let expected: [String]
            if p.isAlphabetic || p.numericType != nil {
                expected = [text.lowercased().precomposedStringWithCanonicalMapping]
            } else {
                expected = ["ab", "cd"]
            }
            XCTAssertEqual(plain.tokens(text), expected, String(format: "U+%04X", v))
            XCTAssertEqual(Analyzer(AnalyzerConfig(lowercase: false)).tokens(text).joined(),
                           expected.count == 1 ? text : "AbCd", String(format: "U+%04X", v))
        }
        // Mixed with a combining mark the token takes the Foundation path and still composes.
        XCTAssertEqual(plain.tokens("ÀE\u{301}"), ["àé"])
        XCTAssertEqual(bm25.tokens("Élèves écoles"), ["élève", "école"])
        XCTAssertEqual(Analyzer(AnalyzerConfig(maxTokenLength: 3)).tokens("ééé éééé"), ["ééé"])
    }

    func testMarksAndSymbols() {
        // A combining mark never starts a token; emoji and symbols separate.
        XCTAssertEqual(plain.tokens("( \u{361}° \u{35C}ʖ \u{361}°)"), ["ʖ"])
        XCTAssertEqual(plain.tokens("sun☀️moon 🇦🇫x"), ["sun", "moon", "x"])
        XCTAssertEqual(plain.tokens("a\u{FFFD}b"), ["a", "b"])
    }

    func testLongTokensDropped() {
        let long = String(repeating: "a", count: 65)
        let ok = String(repeating: "b", count: 64)
        XCTAssertEqual(plain.tokens("x \(long) \(ok) y"), ["x", ok, "y"])
        let hugeNonASCII = String(repeating: "é", count: 5000)
        XCTAssertEqual(plain.tokens("x \(hugeNonASCII) y"), ["x", "y"])
        // Length is counted in characters after NFC, not in NFD scalars.
        let nfd64 = String(repeating: "e\u{301}", count: 64)
        XCTAssertEqual(plain.tokens(nfd64).count, 1)
        XCTAssertEqual(plain.tokens(String(repeating: "e\u{301}", count: 65)).count, 0)
        XCTAssertEqual(Analyzer(AnalyzerConfig(maxTokenLength: 3)).tokens("ab abc abcd"), ["ab", "abc"])
    }

    func testStopwordsAndStemming() {
        XCTAssertEqual(bm25.tokens("The effects of running on the Hearts"), ["effect", "run", "heart"])
        XCTAssertEqual(bm25.tokens("THIS is NOT it"), [])
        let custom = Analyzer(AnalyzerConfig(stopwords: .custom(["Foo", "café"])))
        XCTAssertEqual(custom.tokens("foo FOO bar Cafe\u{301}"), ["bar"])
        XCTAssertEqual(englishStopwords.count, 33)
        // Stopwords are removed before stemming: "this" is a stopword, "thi" is not.
        XCTAssertEqual(Analyzer(AnalyzerConfig(stemmer: .porter)).tokens("this"), ["thi"])
    }

    func testIsStopwordUsesNormalisedList() {
        XCTAssertTrue(bm25.isStopword("the"))
        XCTAssertFalse(bm25.isStopword("The"))
        XCTAssertFalse(plain.isStopword("the"))
        let custom = Analyzer(AnalyzerConfig(stopwords: .custom(["Über"])))
        XCTAssertTrue(custom.isStopword("über"))
        XCTAssertEqual(custom.tokens("UBER Über ÜBER"), ["uber"])
    }

    /// The analyzer keeps no mutable state: threads can share one.
    func testConcurrentUseGivesSameTokens() {
        let texts = (0..<64).map { "Doc \($0): The naïve CAFÉ-owner's 中文 tokens, running \($0 * 7) times." }
        let expected = texts.map { bm25.tokens($0) }
        var results = [[String]](repeating: [], count: texts.count)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: texts.count) { i in
            var t: [String] = []
            for _ in 0..<50 { t = bm25.tokens(texts[i]) }
            lock.lock(); results[i] = t; lock.unlock()
        }
        XCTAssertEqual(results, expected)
    }

    func testStopwordFile() throws {
        let path = NSTemporaryDirectory() + "/desm-stop-\(getpid()).txt"
        try writeFileAtomically(path, text: "# my list\nFoo\n\n  bar  \n")
        defer { unlink(path) }
        let words = try readStopwordList(path: path)
        XCTAssertEqual(words, ["Foo", "bar"])
        XCTAssertEqual(Analyzer(AnalyzerConfig(stopwords: .custom(words))).tokens("foo baz bar"), ["baz"])
    }

    func testByteAPIMatchesStringAPIAndSurvivesInvalidUTF8() {
        let text = "Héllo, wörld! don't 中文 x"
        var viaBytes: [String] = []
        Array(text.utf8).withUnsafeBufferPointer { plain.forEachToken(utf8: $0) { viaBytes.append($0) } }
        XCTAssertEqual(viaBytes, plain.tokens(text))
        // Invalid bytes separate tokens; truncated sequences at the end are ignored.
        let bad: [UInt8] = Array("ab".utf8) + [0xFF] + Array("cd".utf8) + [0xC3] + Array("ef".utf8) + [0xE2, 0x80]
        var out: [String] = []
        bad.withUnsafeBufferPointer { plain.forEachToken(utf8: $0) { out.append($0) } }
        XCTAssertEqual(out, ["ab", "cd", "ef"])
    }

    func testConfigsRoundTripAsJSON() throws {
        let s = AnalyzerSettings(embedding: .embedding, bm25: AnalyzerConfig(stopwords: .custom(["x"]), stemmer: .porter))
        let data = try JSONEncoder().encode(s)
        XCTAssertEqual(try JSONDecoder().decode(AnalyzerSettings.self, from: data), s)
    }
}
