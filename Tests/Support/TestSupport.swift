// Helpers shared by the test targets (not part of the desm tool).
import Foundation
#if canImport(Glibc)
import Glibc
#endif

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
public var desmExecutable: String { builtExecutable("desm") }

/// The `desm-serve` executable (what `desm serve` runs) built beside the test bundle.
public var desmServeExecutable: String { builtExecutable("desm-serve") }

/// The executable `name` of this package, built beside the test bundle.
public func builtExecutable(_ name: String) -> String {
    let bundle = Bundle.main.bundlePath
    var dir = URL(fileURLWithPath: bundle)
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent(name).path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        dir.deleteLastPathComponent()
    }
    for config in ["release", "debug"] {
        let candidate = packageRoot + "/.build/\(config)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return name
}

/// The result of running a process.
public struct ProcessResult {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    /// Ended by a signal (a trap, an abort, or the timeout's SIGKILL); `status` is the signal.
    public var signalled = false
    /// Killed because it outlived its timeout.
    public var timedOut = false
    /// The child's process id.
    public var pid: Int32 = 0
}

/// Runs `desm` with `arguments` and captures its output.
@discardableResult
public func runDesm(_ arguments: [String], stdin: String? = nil) throws -> ProcessResult {
    try runProcess(desmExecutable, arguments, stdin: stdin)
}

/// Output read from a pipe on another thread.
private final class PipeReader: @unchecked Sendable {
    private(set) var data = Data()
    private let done = DispatchSemaphore(value: 0)
    init(_ pipe: Pipe) {
        DispatchQueue.global().async { [self] in
            data = pipe.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
    }
    /// Waits for the end of the output (false when `deadline` passed first).
    func wait(until deadline: DispatchTime) -> Bool { done.wait(timeout: deadline) == .success }
}

/// Runs an executable and captures its output, optionally feeding `stdin`, adding
/// `environment` to the inherited one, running it in `currentDirectory` (default: this
/// process's), killing it (SIGKILL) after `timeout` seconds, and limiting its address space
/// to `addressLimitKB` (`ulimit -v`, through /bin/sh).
/// `whileRunning` is called with the child's pid once it has started (e.g. to signal it); the
/// pid is also in the result.
public func runProcess(_ executable: String, _ arguments: [String], stdin: String? = nil,
                       environment: [String: String] = [:], currentDirectory: String? = nil, timeout: Double? = nil,
                       addressLimitKB: Int? = nil, whileRunning: ((Int32) -> Void)? = nil) throws -> ProcessResult {
    let p = Process()
    if let limit = addressLimitKB {
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "ulimit -v \(limit); exec \"$0\" \"$@\"", executable] + arguments
    } else {
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
    }
    if let currentDirectory { p.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
    if !environment.isEmpty {
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    let input = stdin.map { _ in Pipe() }
    if let input { p.standardInput = input } else { p.standardInput = FileHandle.nullDevice }
    try p.run()
    if let input, let stdin {
        let handle = input.fileHandleForWriting
        DispatchQueue.global().async {
            handle.write(Data(stdin.utf8))
            try? handle.close()
        }
    }
    let outReader = PipeReader(out), errReader = PipeReader(err)
    whileRunning?(p.processIdentifier)
    var timedOut = false
    let deadline: DispatchTime = timeout.map { .now() + $0 } ?? .distantFuture
    if !(outReader.wait(until: deadline) && errReader.wait(until: deadline)) {
        timedOut = true
        kill(p.processIdentifier, SIGKILL)
        // A grandchild may still hold the pipes: do not wait for their end forever.
        _ = outReader.wait(until: .now() + 5)
        _ = errReader.wait(until: .now() + 5)
    }
    p.waitUntilExit()
    return ProcessResult(status: p.terminationStatus,
                         stdout: String(decoding: outReader.data, as: UTF8.self),
                         stderr: String(decoding: errReader.data, as: UTF8.self),
                         signalled: p.terminationReason == .uncaughtSignal, timedOut: timedOut,
                         pid: p.processIdentifier)
}

/// Whether this process runs under AddressSanitizer (its runtime is linked in), whose shadow
/// memory and quarantine make resident-memory bounds meaningless.
public let runningUnderAddressSanitizer: Bool = dlsym(nil, "__asan_init") != nil
