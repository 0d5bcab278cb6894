import Foundation
import DesmTestSupport
import XCTest

/// A temporary directory for one test class, with a helper to write files into it.
final class ScratchDirectory {
    let path: String
    init() { path = makeTemporaryDirectory("desm-eval") }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let p = path + "/" + name
        FileManager.default.createFile(atPath: p, contents: Data(text.utf8))
        return p
    }
}

/// Asserts that `body` throws a DesmError whose description contains every one of `parts`.
func assertDesmError(_ parts: [String], file: StaticString = #filePath, line: UInt = #line,
                     _ body: () throws -> Void) {
    do {
        try body()
        XCTFail("expected an error containing \(parts)", file: file, line: line)
    } catch {
        let text = "\(error)"
        for p in parts where !text.contains(p) {
            XCTFail("error \"\(text)\" does not contain \"\(p)\"", file: file, line: line)
        }
    }
}
