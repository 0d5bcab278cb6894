import Foundation
import Glibc

/// Writes one line to standard error.
func printError(_ line: String) {
    fputs(line + "\n", stderr)
}

/// Whether one of the raw command-line arguments that decodes to `value` had bytes that are
/// not valid UTF-8 (Swift replaced each with U+FFFD in `CommandLine.arguments`).
func argumentHadInvalidUTF8(_ value: String) -> Bool {
    guard value.unicodeScalars.contains("\u{FFFD}") else { return false }
    for i in 0..<Int(CommandLine.argc) {
        guard let p = CommandLine.unsafeArgv[i] else { continue }
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: strlen(p))
        if String(decoding: bytes, as: UTF8.self) == value && String(validating: bytes, as: UTF8.self) == nil { return true }
    }
    return false
}
