import DesmTestSupport
import Foundation
import XCTest

/// The child-process runner every CLI and reliability test uses.
final class ProcessRunnerTests: XCTestCase {
    func testStdinEnvironmentAndExitStatus() throws {
        let r = try runProcess("/bin/sh", ["-c", "cat; echo \"$DESM_RUNNER_TEST\" >&2; exit 3"], stdin: "hello",
                               environment: ["DESM_RUNNER_TEST": "set"])
        XCTAssertEqual(r.stdout, "hello")
        XCTAssertEqual(r.stderr, "set\n")
        XCTAssertEqual(r.status, 3)
        XCTAssertFalse(r.signalled || r.timedOut)
    }

    func testTimeoutKillsAndSignalsAreReported() throws {
        let start = Date()
        let r = try runProcess("/bin/sh", ["-c", "exec sleep 30"], timeout: 0.5)
        XCTAssertTrue(r.timedOut && r.signalled, "\(r)")
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        let aborted = try runProcess("/bin/sh", ["-c", "kill -ABRT $$"])
        XCTAssertTrue(aborted.signalled)
        XCTAssertEqual(aborted.status, SIGABRT)
    }

    func testAddressLimitStopsAHugeAllocation() throws {
        // 64 MB of address space is too little for python3 to reserve 1 GB.
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/env") else { throw XCTSkip("no /usr/bin/env") }
        let ok = try runProcess("/bin/sh", ["-c", "echo fine"], addressLimitKB: 4_000_000)
        XCTAssertEqual(ok.stdout, "fine\n")
        let big = try runProcess("/usr/bin/env", ["python3", "-c", "b = bytearray(1 << 30)"], addressLimitKB: 64_000)
        XCTAssertNotEqual(big.status, 0, big.stderr)
    }
}
