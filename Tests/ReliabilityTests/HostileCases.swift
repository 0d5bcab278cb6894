// The machinery of the bad-input suite: a hostile case is a reader, a file (or directory)
// the test generates, and what must happen. Every case runs in a child process
// (`desm-fuzz --read READER PATH`, built beside `desm`) under a time limit and an
// address-space limit, so that a trap, a hang or a runaway allocation fails that case alone
// and is reported as such instead of taking the test process down.
import DesmTestSupport
import DesmText
import Foundation
import XCTest

/// What a hostile case must end with.
enum Outcome {
    /// A DesmError naming the file, with this 1-based line.
    case line(Int)
    /// A DesmError naming the file, with some line.
    case someLine
    /// A DesmError naming the file, with a byte offset.
    case offset
    /// A DesmError naming the file (position optional).
    case named
    /// A DesmError that names this path instead of the case's own (e.g. a file inside a
    /// directory).
    case namedPath(String)
    /// Read successfully (defined behaviour, e.g. invalid UTF-8 replaced, entities left
    /// unexpanded); the reader's summary must contain the given text.
    case accepted(String)
}

struct HostileCase {
    var reader: String
    var name: String
    /// Creates the input at the given path (a file, a directory, a symlink, or nothing).
    var make: (String) throws -> Void
    var outcome: Outcome
    /// Text the error message (or the accepted summary) must contain.
    var contains: [String] = []
    /// Text the whole output must not contain (e.g. the contents of /etc/passwd).
    var mustNotContain: [String] = []
}

func file(_ bytes: [UInt8]) -> (String) throws -> Void {
    { path in
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw DesmError("test could not write the fixture", path: path)
        }
    }
}

func file(_ text: String) -> (String) throws -> Void { file(Array(text.utf8)) }

let makeDirectory: (String) throws -> Void = { path in
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
}

let makeNothing: (String) throws -> Void = { _ in }

/// A file whose reads fail: mode 000 for an ordinary user; for root (who reads any file),
/// a symlink to /proc/self/mem, which opens but fails every read at offset 0 with EIO.
let makeUnreadable: (String) throws -> Void = { path in
    if getuid() == 0 {
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "/proc/self/mem")
    } else {
        FileManager.default.createFile(atPath: path, contents: Data("1 0 d 1\n".utf8))
        chmod(path, 0)
    }
}

/// gzip of `bytes` (via the gzip tool: the package only inflates).
func gzip(_ bytes: [UInt8]) -> [UInt8] {
    let dir = makeTemporaryDirectory("desm-gz")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let p = dir + "/f"
    FileManager.default.createFile(atPath: p, contents: Data(bytes))
    _ = try? runProcess("/bin/gzip", ["-n", p])
    return Array(FileManager.default.contents(atPath: p + ".gz") ?? Data())
}

func gzip(_ text: String) -> [UInt8] { gzip(Array(text.utf8)) }

/// Deterministic pseudo-random bytes.
func randomBytes(_ n: Int, seed: UInt64) -> [UInt8] {
    var s = seed | 1
    return (0..<n).map { _ in
        s ^= s << 13; s ^= s >> 7; s ^= s << 17
        return UInt8(truncatingIfNeeded: s >> 24)
    }
}

/// The generic cases every file reader gets: empty, directory, missing, unreadable, random
/// bytes, NUL bytes, a 10 MB line, and broken gzip around a valid file.
func commonCases(_ reader: String, valid: String, emptyError: String? = nil) -> [HostileCase] {
    let gz = gzip(valid)
    var corrupt = gz
    for i in 12..<min(corrupt.count - 8, 24) { corrupt[i] ^= 0x5A }
    return [
        HostileCase(reader: reader, name: "empty file", make: file([UInt8]()), outcome: .named,
                    contains: emptyError.map { [$0] } ?? []),
        HostileCase(reader: reader, name: "blank lines only", make: file("\n \n\t\n\r\n"), outcome: .named),
        HostileCase(reader: reader, name: "a directory", make: makeDirectory, outcome: .named, contains: ["directory"]),
        HostileCase(reader: reader, name: "missing file", make: makeNothing, outcome: .named, contains: ["o such file"]),
        HostileCase(reader: reader, name: "unreadable file", make: makeUnreadable, outcome: .named),
        HostileCase(reader: reader, name: "random bytes", make: file(randomBytes(4096, seed: 42)), outcome: .named),
        HostileCase(reader: reader, name: "NUL bytes", make: file([UInt8](repeating: 0, count: 1000)), outcome: .named),
        HostileCase(reader: reader, name: "one 10 MB line", make: file([UInt8](repeating: 0x78, count: 10 << 20)), outcome: .named),
        HostileCase(reader: reader, name: "gzip truncated in the middle", make: file(Array(gz.prefix(gz.count / 2))),
                    outcome: .offset, contains: ["truncated gzip"]),
        HostileCase(reader: reader, name: "gzip without its trailer", make: file(Array(gz.prefix(gz.count - 4))),
                    outcome: .offset, contains: ["gzip"]),
        HostileCase(reader: reader, name: "gzip with corrupt deflate data", make: file(corrupt), outcome: .offset, contains: ["gzip"]),
        HostileCase(reader: reader, name: "gzip followed by garbage", make: file(gz + Array("garbage".utf8)),
                    outcome: .offset, contains: ["trailing bytes"]),
    ]
}

/// Runs hostile cases, each in a child process, and fails the test for each case that does
/// not end as it must. Returns the number of cases run.
@discardableResult
func runHostileCases(_ cases: [HostileCase], file: StaticString = #filePath, line: UInt = #line) throws -> Int {
    let tool = try readerTool()
    let dir = makeTemporaryDirectory("desm-hostile")
    defer { chmodTree(dir); removeTree(dir) }
    for (i, c) in cases.enumerated() {
        let path = dir + "/case\(i)-" + c.name.filter { $0.isLetter || $0.isNumber }.prefix(24)
        try c.make(path)
        let label = "[\(c.reader)] \(c.name)"
        // Sanitizer builds (no address limit possible) are ~10× slower on the 10 MB cases.
        let limit: Double = addressLimitWorks ? 30 : 180
        let r = try runLimited(tool, ["--read", c.reader, path], seconds: limit)
        if r.timedOut { XCTFail("\(label): no answer within \(Int(limit)) s (a hang?)", file: file, line: line); continue }
        guard r.status == 0 else {
            XCTFail("\(label): child ended with status \(r.status)\(r.signalled ? " (signal: a trap or an abort)" : ""): \(r.stdout.prefix(300)) \(r.stderr.suffix(600))",
                    file: file, line: line)
            continue
        }
        let out = r.stdout.trimmingCharacters(in: .newlines)
        XCTAssertFalse(out.contains("\n"), "\(label): more than one line: \(out.prefix(300))", file: file, line: line)
        for bad in c.mustNotContain where out.contains(bad) {
            XCTFail("\(label): output contains \"\(bad)\": \(out.prefix(300))", file: file, line: line)
        }
        if case .accepted(let summary) = c.outcome {
            XCTAssertTrue(out.hasPrefix("ok ") && out.contains(summary), "\(label): expected success with \"\(summary)\", got: \(out.prefix(300))", file: file, line: line)
            for s in c.contains where !out.contains(s) {
                XCTFail("\(label): summary lacks \"\(s)\": \(out.prefix(300))", file: file, line: line)
            }
            continue
        }
        guard out.hasPrefix("error: ") else {
            XCTFail("\(label): expected an error, got: \(out.prefix(300))", file: file, line: line)
            continue
        }
        let message = String(out.dropFirst(7))
        var named = path
        if case .namedPath(let p) = c.outcome { named = p.hasPrefix("/") ? p : path + "/" + p }
        XCTAssertTrue(message.hasPrefix(named), "\(label): error does not start with the file \(named): \(message.prefix(300))", file: file, line: line)
        let rest = message.dropFirst(min(named.count, message.count))
        switch c.outcome {
        case .line(let n):
            XCTAssertTrue(rest.hasPrefix(":\(n): "), "\(label): error does not name line \(n): \(message.prefix(300))", file: file, line: line)
        case .someLine:
            XCTAssertNotNil(rest.range(of: #"^:[0-9]+: "#, options: .regularExpression), "\(label): error names no line: \(message.prefix(300))", file: file, line: line)
        case .offset:
            XCTAssertNotNil(rest.range(of: #"^: byte [0-9]+: "#, options: .regularExpression), "\(label): error names no byte offset: \(message.prefix(300))", file: file, line: line)
        default: break
        }
        for s in c.contains where !message.contains(s) {
            XCTFail("\(label): error lacks \"\(s)\": \(message.prefix(300))", file: file, line: line)
        }
    }
    let readersUsed = Set(cases.map(\.reader)).sorted().joined(separator: ", ")
    print("hostile cases: \(cases.count) (\(readersUsed))")
    return cases.count
}

/// Gives the owner access to everything below `dir` again (mode-000 fixtures), for removal.
func chmodTree(_ dir: String) {
    guard let e = FileManager.default.enumerator(atPath: dir) else { return }
    while let rel = e.nextObject() as? String { chmod(dir + "/" + rel, 0o755) }
}

/// `desm-fuzz` beside `desm`, or the one named by DESM_FUZZ_TOOL (e.g. a release build's,
/// to run the hostile cases against -Ounchecked readers from a debug test build).
func readerTool() throws -> String {
    if let tool = ProcessInfo.processInfo.environment["DESM_FUZZ_TOOL"] { return tool }
    let desm = desmExecutable
    let tool = URL(fileURLWithPath: desm).deletingLastPathComponent().appendingPathComponent("desm-fuzz").path
    guard FileManager.default.isExecutableFile(atPath: tool) else {
        throw XCTSkip("desm-fuzz not built beside \(desm) (swift build builds it)")
    }
    return tool
}

/// Whether children may run under `ulimit -v` (not under AddressSanitizer, whose shadow
/// memory needs terabytes of address space).
let addressLimitWorks: Bool = {
    guard let tool = try? readerTool() else { return false }
    let r = try? runProcess(tool, ["--read", "lines", "/dev/null"], addressLimitKB: 4_000_000)
    return r?.status == 0
}()

/// Runs a child with a wall-clock limit and (when possible) a 4 GB address-space limit, and
/// no Swift backtracer: a crash ends it by its signal at once (the backtracer, left behind as
/// an orphan holding the pipes, once hung an ASan run).
func runLimited(_ executable: String, _ arguments: [String], seconds: Double) throws -> ProcessResult {
    try runProcess(executable, arguments, environment: ["SWIFT_BACKTRACE": "enable=no"], timeout: seconds,
                   addressLimitKB: addressLimitWorks ? 4_000_000 : nil)
}
