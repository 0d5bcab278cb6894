import XCTest
@testable import DesmText

/// The shared whitespace collapsing gives exactly what the three copies it replaced gave:
/// TSVReader's (split on whitespace, joined by spaces), Topic's (the same, one Character at a
/// time) and the index builder's `makeSnippet` (scalars, a byte limit).
final class WhitespaceTests: XCTestCase {
    /// TSVReader's former `collapseWhitespace`.
    func splitJoin(_ s: String) -> String {
        var out = ""
        for part in s.split(whereSeparator: { $0.isWhitespace }) {
            if !out.isEmpty { out += " " }
            out += part
        }
        return out
    }

    /// IndexBuilder's former `makeSnippet`, verbatim.
    func makeSnippet(_ text: String, maxBytes: Int) -> String {
        guard maxBytes > 0 else { return "" }
        var out = String.UnicodeScalarView()
        var bytes = 0
        var pendingSpace = false
        for s in text.unicodeScalars {
            let white = s.value < 0x80 ? (s.value == 0x20 || (s.value >= 0x09 && s.value <= 0x0D)) : s.properties.isWhitespace
            if white { pendingSpace = bytes > 0; continue }
            let add = (pendingSpace ? 1 : 0) + UTF8.width(s)
            if bytes + add > maxBytes { break }
            if pendingSpace { out.append(" ") }
            out.append(s)
            bytes += add
            pendingSpace = false
        }
        return String(out)
    }

    /// Pieces that exercise every branch: ASCII and Unicode whitespace, CRLF, multi-byte
    /// letters, combining marks (after a letter and after a space), emoji sequences.
    let pieces = ["a", "bc", " ", "  ", "\t", "\n", "\r\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{A0}",
                  "\u{2003}", "\u{3000}", "\u{2028}", "é", "e\u{301}", "\u{301}", "日本", "🇫🇷", "👩‍👩‍👧",
                  "\u{200B}", "x"]

    func randomStrings() -> [String] {
        var state: UInt64 = 12345
        func below(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        var out = ["", " ", "a", "  a  b  ", "\n\ta\r\n b\u{A0}", " \u{301}x", "x \u{301} y"]
        for _ in 0..<3000 {
            out.append((0..<below(12)).map { _ in pieces[below(pieces.count)] }.joined())
        }
        return out
    }

    func testCollapseWhitespaceMatchesTheFormerReaderCopies() {
        for s in randomStrings() {
            XCTAssertEqual(collapseWhitespace(s), splitJoin(s), "\(Array(s.unicodeScalars))")
        }
        XCTAssertEqual(collapseWhitespace("  a \t\n b\r\nc  "), "a b c")
    }

    func testByteLimitedCollapseMatchesTheFormerSnippet() {
        for s in randomStrings() {
            for limit in [0, 1, 2, 3, 4, 5, 7, 10, 16, 33, 1000] {
                let got = collapseWhitespace(s, maxBytes: limit)
                XCTAssertEqual(Array(got.utf8), Array(makeSnippet(s, maxBytes: limit).utf8), "\(Array(s.unicodeScalars)) limit \(limit)")
                XCTAssertLessThanOrEqual(got.utf8.count, limit)
            }
        }
        XCTAssertEqual(collapseWhitespace("  ab  cd ", maxBytes: 4), "ab c")  // cut inside a word
        XCTAssertEqual(collapseWhitespace("aé", maxBytes: 2), "a")  // é is 2 bytes: cut before it
    }
}
