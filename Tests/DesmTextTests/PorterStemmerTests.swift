import XCTest
import DesmTestSupport
@testable import DesmText

final class PorterStemmerTests: XCTestCase {
    /// Every pair of the fixture made by eval/make_porter_fixture.py (NLTK's Porter in
    /// MARTIN_EXTENSIONS mode = Porter's reference C version = Lucene's PorterStemmer).
    func testAgreesWithOracleFixture() throws {
        let path = packageRoot + "/Tests/DesmTextTests/Fixtures/porter.tsv"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var checked = 0
        var wrong: [String] = []
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
            XCTAssertEqual(parts.count, 2, "bad fixture line \(line)")
            guard parts.count == 2 else { continue }
            let got = PorterStemmer.stem(String(parts[0]))
            if got != parts[1] { wrong.append("\(parts[0]): expected \(parts[1]), got \(got)") }
            checked += 1
        }
        XCTAssertGreaterThan(checked, 4000)
        XCTAssertEqual(wrong.count, 0, "first mismatches: \(wrong.prefix(20))")
    }

    func testPaperExamples() {
        let cases: [(String, String)] = [
            ("caresses", "caress"), ("ponies", "poni"), ("ties", "ti"), ("cats", "cat"),
            ("feed", "feed"), ("agreed", "agre"), ("plastered", "plaster"), ("bled", "bled"),
            ("motoring", "motor"), ("sing", "sing"), ("conflated", "conflat"), ("troubled", "troubl"),
            ("sized", "size"), ("hopping", "hop"), ("falling", "fall"), ("hissing", "hiss"),
            ("filing", "file"), ("happy", "happi"), ("sky", "sky"), ("relational", "relat"),
            ("generalizations", "gener"), ("oscillators", "oscil"), ("effective", "effect"),
        ]
        for (w, s) in cases { XCTAssertEqual(PorterStemmer.stem(w), s, w) }
    }

    /// Where Porter's C version (and Lucene) depart from the 1980 paper / Snowball "porter".
    func testReferenceImplementationDepartures() {
        XCTAssertEqual(PorterStemmer.stem("is"), "is")          // <= 2 letters untouched (Snowball: "i")
        XCTAssertEqual(PorterStemmer.stem("as"), "as")
        XCTAssertEqual(PorterStemmer.stem("possibly"), "possibl") // bli -> ble (paper: abli -> able)
        XCTAssertEqual(PorterStemmer.stem("archaeology"), "archaeolog") // logi -> log
        XCTAssertEqual(PorterStemmer.stem("analogies"), "analog")
    }

    func testNonASCIIAndEdgeInputs() {
        XCTAssertEqual(PorterStemmer.stem(""), "")
        XCTAssertEqual(PorterStemmer.stem("a"), "a")
        XCTAssertEqual(PorterStemmer.stem("1990s"), "1990")
        XCTAssertEqual(PorterStemmer.stem("cafés"), "café")     // only ASCII letters are touched
        XCTAssertEqual(PorterStemmer.stem("naïvely"), "naïv")     // ï counts as a consonant, as in Lucene
        XCTAssertEqual(PorterStemmer.stem("ſss"), "ſss")
        // Valid UTF-8 stays valid whatever the stemmer removes.
        for w in ["écoles", "ωmega", "日本ing", "ééééed", "ßing", "ııies"] {
            let s = PorterStemmer.stem(w)
            XCTAssertTrue(w.hasPrefix(s.prefix(1)), "\(w) -> \(s)")
        }
        // The in-place byte API gives the same as the String API.
        for w in ["connections", "generously", "running", "xyzzy", "yyy"] {
            var bytes = Array(w.utf8) + [0]
            let n = bytes.withUnsafeMutableBufferPointer { PorterStemmer.stem($0.baseAddress!, count: w.utf8.count) }
            XCTAssertEqual(String(decoding: bytes[0..<n], as: UTF8.self), PorterStemmer.stem(w))
        }
    }
}

/// A live cross-check against NLTK (skipped when it is not installed, a failure in CI): synthetic
/// words built from every suffix the algorithm knows, so that rare rules are exercised.
final class PorterOracleTests: XCTestCase {
    func testSyntheticWordsAgainstNLTK() throws {
        try requirePythonModule("nltk", pip: "nltk")
        let stems = ["", "a", "b", "tr", "hop", "fil", "conform", "rel", "gener", "oscill", "sky", "toy", "bey",
                     "y", "ee", "agr", "pl", "ctr", "xyz", "bow", "box", "feud", "digit", "sens", "valen"]
        let suffixes = ["", "s", "es", "ies", "sses", "ss", "eed", "ed", "ing", "ated", "bled", "ized", "ying",
                        "ational", "tional", "enci", "anci", "izer", "bli", "abli", "alli", "entli", "eli", "ousli",
                        "ization", "ation", "ator", "alism", "iveness", "fulness", "ousness", "aliti", "iviti",
                        "biliti", "logi", "icate", "ative", "alize", "iciti", "ical", "ful", "ness", "al", "ance",
                        "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "sion", "tion", "ion",
                        "ou", "ism", "ate", "iti", "ous", "ive", "ize", "e", "ll", "y", "ly", "ingly", "ations"]
        var words = Set<String>()
        for s in stems { for x in suffixes { for y in ["", "s"] { words.insert(s + x + y) } } }
        let list = words.filter { !$0.isEmpty }.sorted()
        let dir = makeTemporaryDirectory("desm-porter")
        defer { removeTree(dir) }
        try writeFileAtomically(dir + "/words", text: list.joined(separator: "\n") + "\n")
        let script = """
        import sys
        from nltk.stem.porter import PorterStemmer
        p = PorterStemmer(mode=PorterStemmer.MARTIN_EXTENSIONS)
        for w in open(sys.argv[1]).read().split():
            print(w + "\\t" + p.stem(w, to_lowercase=False))
        """
        try writeFileAtomically(dir + "/oracle.py", text: script)
        let r = try runProcess("/usr/bin/env", ["python3", dir + "/oracle.py", dir + "/words"])
        XCTAssertEqual(r.status, 0, r.stderr)
        var wrong: [String] = []
        var n = 0
        for line in r.stdout.split(separator: "\n") {
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 else { continue }
            n += 1
            let got = PorterStemmer.stem(parts[0])
            if got != parts[1] { wrong.append("\(parts[0]): nltk \(parts[1]), desm \(got)") }
        }
        XCTAssertEqual(n, list.count)
        XCTAssertEqual(wrong, [], "\(wrong.count) of \(n) differ")
    }
}
