// Replays every seed (eval/fuzz/seeds/TARGET) and every fuzz finding
// (eval/fuzz/regressions/TARGET, the exact crashing inputs libFuzzer saved) through its fuzz
// target in a child process: each must end normally (success or a DesmError), never by a
// trap, an abort or a non-DesmError.
import DesmTestSupport
import Foundation
import XCTest

final class FuzzRegressionTests: XCTestCase {
    func replay(_ folder: String, targets: [String: String] = [:]) throws -> Int {
        let tool = try readerTool()
        let root = packageRoot + "/eval/fuzz/" + folder
        guard let dirs = try? FileManager.default.contentsOfDirectory(atPath: root) else { return 0 }
        var replayed = 0
        for target in dirs.sorted() {
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: root + "/" + target)) ?? [])
                .sorted().map { root + "/" + target + "/" + $0 }
            guard !files.isEmpty else { continue }
            for t in [target] + (targets[target].map { [$0] } ?? []) {
                for f in files {
                    let r = try runLimited(tool, [t, f], seconds: 60)
                    replayed += 1
                    XCTAssertFalse(r.timedOut, "\(t) \(f): timed out")
                    XCTAssertEqual(r.status, 0, "\(t) \(f): \(r.signalled ? "killed by a signal" : "exit \(r.status)"): \(r.stdout.prefix(300)) \(r.stderr.prefix(300))")
                }
            }
        }
        return replayed
    }

    func testSeedCorporaReadCleanly() throws {
        // Every seed is a valid file: it must read without any error at all.
        let tool = try readerTool()
        let root = packageRoot + "/eval/fuzz/seeds"
        let targets = try FileManager.default.contentsOfDirectory(atPath: root)
        XCTAssertGreaterThanOrEqual(targets.count, 9)
        for target in targets.sorted() {
            let files = try FileManager.default.contentsOfDirectory(atPath: root + "/" + target).sorted().map { root + "/" + target + "/" + $0 }
            let r = try runLimited(tool, [target] + files, seconds: 60)
            XCTAssertEqual(r.status, 0, "\(target): \(r.stderr.prefix(300))")
            for line in r.stdout.split(separator: "\n") {
                XCTAssertTrue(line.hasSuffix(": ok"), "\(target): a seed is not valid: \(line)")
            }
        }
        // model-fixcrc shares the model seeds.
        XCTAssertGreaterThan(try replay("seeds", targets: ["model": "model-fixcrc"]), 40)
    }

    func testFuzzFindingsNeverCrash() throws {
        let n = try replay("regressions", targets: ["model": "model-fixcrc"])
        print("fuzz regressions replayed: \(n)")
        // The committed findings (eval/fuzz/regressions): an empty or moved folder must fail.
        XCTAssertGreaterThanOrEqual(n, 4)
    }
}
