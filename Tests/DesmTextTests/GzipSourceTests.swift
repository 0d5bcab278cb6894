import XCTest
@testable import DesmText

final class GzipSourceTests: XCTestCase {
    func testPlaceholderCompiles() throws {
        let dir = NSTemporaryDirectory()
        let p = dir + "/desm-plain-\(getpid()).txt"
        try writeFileAtomically(p, text: "a\nb\r\nc")
        let r = try LineReader(path: p)
        var lines: [String] = []
        while let l = try r.nextLine() { lines.append(l) }
        XCTAssertEqual(lines, ["a", "b", "c"])
    }
}
