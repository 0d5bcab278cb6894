import Foundation
import Glibc

/// Writes one line to standard error.
func printError(_ line: String) {
    fputs(line + "\n", stderr)
}

/// A path shown relative to the current directory when it lies below it.
func displayPath(_ path: String) -> String {
    let cwd = FileManager.default.currentDirectoryPath
    let p = (path as NSString).standardizingPath
    return p.hasPrefix(cwd + "/") ? String(p.dropFirst(cwd.count + 1)) : p
}
