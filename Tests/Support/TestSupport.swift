// Helpers shared by the test targets (not part of the desm tool).
import Foundation

/// The package's root directory (where Package.swift is).
public let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() } // Tests/Support/TestSupport.swift
    return url.path
}()

/// `../shared/data/<relative>` beside the package, or nil (with a note on stderr) when the
/// shared data is absent, so that a test can skip saying why.
public func sharedData(_ relative: String) -> String? {
    let path = packageRoot + "/../shared/data/" + relative
    if FileManager.default.fileExists(atPath: path) { return path }
    return nil
}

/// The message a test skips with when shared data is missing.
public func missingSharedData(_ relative: String) -> String {
    "../shared/data/\(relative) not found beside the package: test skipped"
}

/// A fresh temporary directory, removed when the process exits is not guaranteed; callers
/// remove it in tearDown.
public func makeTemporaryDirectory(_ label: String = "desm-test") -> String {
    let path = NSTemporaryDirectory() + "/\(label)-\(getpid())-\(UUID().uuidString.prefix(8))"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// The `desm` executable built beside the test bundle.
public var desmExecutable: String {
    let bundle = Bundle.main.bundlePath
    var dir = URL(fileURLWithPath: bundle)
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("desm").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        dir.deleteLastPathComponent()
    }
    for config in ["release", "debug"] {
        let candidate = packageRoot + "/.build/\(config)/desm"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return "desm"
}

/// The result of running a process.
public struct ProcessResult {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs `desm` with `arguments` and captures its output.
@discardableResult
public func runDesm(_ arguments: [String], stdin: String? = nil) throws -> ProcessResult {
    try runProcess(desmExecutable, arguments)
}

/// Runs an executable and captures its output.
public func runProcess(_ executable: String, _ arguments: [String]) throws -> ProcessResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    var outData = Data(), errData = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    errData = err.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    p.waitUntilExit()
    return ProcessResult(status: p.terminationStatus,
                         stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
}

/// Whether a Python module can be imported (for oracle tests that skip without it).
public func pythonHas(_ module: String) -> Bool {
    guard let r = try? runProcess("/usr/bin/env", ["python3", "-c", "import \(module)"]) else { return false }
    return r.status == 0
}
