import DesmText
import Foundation
import XCTest

/// Asserts that `body` throws a one-line `DesmError` whose description contains every one of
/// `parts`.
public func assertDesmError(_ parts: [String], file: StaticString = #filePath, line: UInt = #line,
                            _ body: () throws -> Void) {
    do {
        try body()
        XCTFail("expected an error containing \(parts)", file: file, line: line)
    } catch let e as DesmError {
        let text = e.description
        for p in parts where !text.contains(p) {
            XCTFail("error \"\(text)\" does not contain \"\(p)\"", file: file, line: line)
        }
        XCTAssertFalse(text.contains("\n"), "error \"\(text)\" is more than one line", file: file, line: line)
    } catch {
        XCTFail("not a DesmError: \(error)", file: file, line: line)
    }
}

/// `assertDesmError(parts) { ... }` for one expression: `assertDesmError(try f(), contains: "x")`.
public func assertDesmError(_ body: @autoclosure () throws -> Any, contains parts: String...,
                            file: StaticString = #filePath, line: UInt = #line) {
    assertDesmError(parts, file: file, line: line) { _ = try body() }
}
