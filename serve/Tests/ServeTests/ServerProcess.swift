import DesmTestSupport
import Foundation
import XCTest

/// `desm-serve` started as users start it, on a free port (`--port 0`): the port is read
/// from the line it prints when listening; `stop` sends SIGTERM and waits for the exit.
final class ServerProcess {
    let process = Process()
    private let lock = NSLock()
    private var out = Data(), err = Data()
    private(set) var port = 0

    init(_ arguments: [String], startTimeout: Double = 300) throws {
        let server = desmServeExecutable
        guard FileManager.default.isExecutableFile(atPath: server) else {
            throw XCTSkip("desm-serve is not built (./build.sh serve, or swift build --package-path serve): server test skipped")
        }
        process.executableURL = URL(fileURLWithPath: server)
        process.arguments = ["--port", "0", "--quiet"] + arguments
        let o = Pipe(), e = Pipe()
        process.standardOutput = o
        process.standardError = e
        process.standardInput = FileHandle.nullDevice
        o.fileHandleForReading.readabilityHandler = { [weak self] h in
            let d = h.availableData
            guard let self, !d.isEmpty else { return }
            self.lock.lock(); self.out.append(d); self.lock.unlock()
        }
        e.fileHandleForReading.readabilityHandler = { [weak self] h in
            let d = h.availableData
            guard let self, !d.isEmpty else { return }
            self.lock.lock(); self.err.append(d); self.lock.unlock()
        }
        try process.run()
        let deadline = Date().addingTimeInterval(startTimeout)
        while Date() < deadline {
            if let p = listeningPort() { port = p; return }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        if process.isRunning { process.terminate() }
        throw HTTPTestError("desm-serve did not start: \(stderr)")
    }

    var stdout: String { lock.lock(); defer { lock.unlock() }; return String(decoding: out, as: UTF8.self) }
    var stderr: String { lock.lock(); defer { lock.unlock() }; return String(decoding: err, as: UTF8.self) }

    private func listeningPort() -> Int? {
        let text = stdout
        guard let r = text.range(of: "listening on http://127.0.0.1:") else { return nil }
        return Int(text[r.upperBound...].prefix { $0.isNumber })
    }

    func get(_ target: String) throws -> HTTPReply { try HTTPTestClient.get(port: port, target) }

    /// SIGTERM, then the exit status (nil when it did not exit within `timeout` seconds).
    @discardableResult
    func stop(timeout: Double = 30) -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit(); return nil }
        return process.terminationStatus
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}
