// Interrupts real `desm train` and `desm index` processes at random moments (SIGINT,
// SIGTERM, SIGKILL in turn) and checks what is left at the output path: the previous
// complete file, a new complete file, or nothing — never a partial one. SIGINT and SIGTERM
// must stop the job with a one-line message and leave no temporary file; after SIGKILL a
// hidden `.NAME.tmp-PID-XXXXXX` may remain (counted), which a later run of the same job
// removes when it gets as far as writing (counted); after the rounds one uninterrupted run
// must leave the output complete and no temporary at all.
//
// DESM_KILL_ROUNDS sets the number of interruptions per job (default 10; the recorded run
// in eval/reliability.md uses 50, via eval/fuzz/kill_test.sh).
import DesmFixtures
import DesmIndex
import DesmTestSupport
import DesmText
import DesmWord2Vec
import Foundation
import XCTest

final class KillTests: XCTestCase {
    var dir = ""

    override func setUp() { dir = makeTemporaryDirectory("desm-kill") }
    override func tearDown() { removeTree(dir) }

    var rounds: Int { Int(ProcessInfo.processInfo.environment["DESM_KILL_ROUNDS"] ?? "") ?? 10 }

    func testInterruptedTrainingNeverLeavesAPartialModel() throws {
        let desm = try requireDesm()
        let corpus = dir + "/corpus.txt"
        try writeCorpus(corpus, lines: 2000)
        let out = dir + "/model.bin"
        // Epochs chosen so that one run lasts about 1.5 s with this build.
        let probe = try timed(desm, ["train", "--corpus", corpus, "--out", out, "--dim", "48", "--epochs", "1", "--quiet"])
        XCTAssertEqual(probe.status, 0, probe.stderr)
        try FileManager.default.copyItem(atPath: out, toPath: out + ".previous")
        let epochs = max(1, min(200, Int((1.5 / max(probe.seconds, 0.01)).rounded(.up))))
        let args = ["train", "--corpus", corpus, "--out", out, "--dim", "48", "--epochs", "\(epochs)", "--quiet"]
        let full = try timed(desm, args)
        XCTAssertEqual(full.status, 0, full.stderr)
        let report = try interruptRepeatedly(desm, args, output: out, expected: full.seconds) { path in
            _ = try EmbeddingModel.load(path: path, verify: true)
        }
        print("kill test (train, \(epochs) epochs, \(String(format: "%.2f", full.seconds)) s per run): \(report)")
        XCTAssertEqual(report.leftAfterFinalRun, 0)
        XCTAssertEqual(report.partial, 0)
    }

    func testInterruptedIndexingNeverLeavesAPartialIndex() throws {
        let desm = try requireDesm()
        let model = dir + "/model.bin"
        try makeTinyModel(dim: 32, words: (0..<2000).map { "w\($0)" }).save(to: model)
        let out = dir + "/index"
        // Documents chosen so that one run lasts about 1.5 s with this build.
        var docs = 2000
        let probeCollection = dir + "/probe.jsonl"
        try writeCollection(probeCollection, documents: docs)
        let probe = try timed(desm, ["index", "--collection", probeCollection, "--model", model, "--out", out, "--quiet"])
        XCTAssertEqual(probe.status, 0, probe.stderr)
        try FileManager.default.copyItem(atPath: out, toPath: out + ".previous")
        docs = max(2000, min(400_000, Int(Double(docs) * 1.5 / max(probe.seconds, 0.01))))
        let collection = dir + "/docs.jsonl"
        try writeCollection(collection, documents: docs)
        let args = ["index", "--collection", collection, "--model", model, "--out", out, "--quiet"]
        let full = try timed(desm, args)
        XCTAssertEqual(full.status, 0, full.stderr)
        let report = try interruptRepeatedly(desm, args, output: out, expected: full.seconds) { path in
            try DocumentIndex(path: path).verify()
        }
        print("kill test (index, \(docs) documents, \(String(format: "%.2f", full.seconds)) s per run): \(report)")
        XCTAssertEqual(report.leftAfterFinalRun, 0)
        XCTAssertEqual(report.partial, 0)
    }

    // MARK: The interruption loop

    struct Report: CustomStringConvertible {
        var rounds = 0
        var bySignal: [Int32: Int] = [:]
        var finishedFirst = 0
        var stoppedCleanly = 0
        var keptPrevious = 0
        var leftNothing = 0
        var newComplete = 0
        var partial = 0
        var leftoversAfterKill9 = 0
        /// Hidden temporaries of killed runs that a later run removed (or moved back).
        var removedByLaterRun = 0
        /// Hidden temporaries still there after the final uninterrupted run (must be 0).
        var leftAfterFinalRun = 0
        var missingAfterKill9WithPrevious = 0
        /// Longest time from SIGINT/SIGTERM to a clean stop.
        var slowestCleanStop = 0.0
        /// Runs that completed (exit 0) although SIGINT/SIGTERM arrived this long before the end.
        var finishedDespiteSignal: [Double] = []
        var description: String {
            "\(rounds) interruptions (SIGINT \(bySignal[SIGINT] ?? 0), SIGTERM \(bySignal[SIGTERM] ?? 0), SIGKILL \(bySignal[SIGKILL] ?? 0)): "
                + "\(finishedFirst) finished before the signal, \(stoppedCleanly) stopped cleanly on SIGINT/SIGTERM; "
                + "output afterwards: previous file \(keptPrevious), none \(leftNothing), new complete \(newComplete), partial \(partial); "
                + "hidden temporaries left by SIGKILL \(leftoversAfterKill9), removed by a later run \(removedByLaterRun), left after a final uninterrupted run \(leftAfterFinalRun); output missing after SIGKILL although a previous one existed \(missingAfterKill9WithPrevious); "
                + String(format: "slowest clean stop %.3f s; ", slowestCleanStop)
                + "completed although signalled > 0.2 s before the end: \(finishedDespiteSignal.filter { $0 > 0.2 }.count)"
                + (finishedDespiteSignal.isEmpty ? "" : String(format: " (longest %.3f s)", finishedDespiteSignal.max()!))
        }
    }

    func interruptRepeatedly(_ desm: String, _ args: [String], output: String, expected: Double,
                             check: (String) throws -> Void) throws -> Report {
        var report = Report()
        var rng = SystemRandomNumberGenerator()
        let signals: [Int32] = [SIGINT, SIGTERM, SIGKILL]
        let parent = (output as NSString).deletingLastPathComponent
        let base = (output as NSString).lastPathComponent
        // A complete output of an earlier, different run (the probe), restored before the
        // odd rounds; the even rounds start with no output at all.
        let previous = output + ".previous"
        func hiddenTemporaries() -> Set<String> {
            Set(((try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []).filter { $0.hasPrefix(".\(base).tmp-") })
        }
        // Temporaries left by SIGKILL rounds, not yet removed by a later run.
        var stale = Set<String>()
        for round in 0..<rounds {
            let sig = signals[round % 3]
            let withPrevious = round % 2 == 1
            removeTree(output)
            if withPrevious { try FileManager.default.copyItem(atPath: previous, toPath: output) }
            // Half the moments uniform over the run, half near its end (writing, renaming).
            let t = Bool.random(using: &rng)
                ? Double.random(in: 0...(expected * 0.95), using: &rng)
                : Double.random(in: (expected * 0.8)...(expected * 1.1), using: &rng)
            var signalledAt = Date()
            let r = try runProcess(desm, args, environment: ["SWIFT_BACKTRACE": "enable=no"], timeout: t + 30) { pid in
                usleep(UInt32(t * 1e6))
                signalledAt = Date()
                kill(pid, sig)
            }
            if r.timedOut { XCTFail("round \(round): desm \(args[0]) did not stop within 30 s of signal \(sig)") }
            let stopSeconds = Date().timeIntervalSince(signalledAt)
            let stderr = r.stderr
            report.rounds += 1
            report.bySignal[sig, default: 0] += 1
            let finished = !r.signalled && r.status == 0
            if finished {
                report.finishedFirst += 1
                if sig != SIGKILL { report.finishedDespiteSignal.append(stopSeconds) }
            } else if sig != SIGKILL {
                // Stopped by the handler (exit 1, "interrupted"), or killed by the signal's
                // default action before the handler was installed (nothing written yet).
                let lines = stderr.split(separator: "\n", omittingEmptySubsequences: true)
                if !r.signalled {
                    XCTAssertEqual(lines.count, 1, "round \(round): expected one line on stderr, got: \(stderr)")
                    XCTAssertTrue(stderr.contains("interrupted"), "round \(round): \(stderr)")
                    XCTAssertLessThan(stopSeconds, 10, "round \(round): took \(stopSeconds) s to stop")
                    report.stoppedCleanly += 1
                    report.slowestCleanStop = max(report.slowestCleanStop, stopSeconds)
                }
            }
            // What is at the output path now? Temporaries of earlier killed runs that are gone
            // were removed by this run; every one left must be named with its (dead) owner.
            let temporaries = hiddenTemporaries()
            report.removedByLaterRun += stale.subtracting(temporaries).count
            stale.formIntersection(temporaries)
            let leftovers = temporaries.subtracting(stale)
            for l in leftovers {
                let owner = temporaryOwner(l, base: base)
                XCTAssertEqual(owner?.pid, r.pid, "round \(round): unexpected temporary \(l)")
            }
            var exists = false
            var st = stat()
            exists = lstat(output, &st) == 0
            if exists {
                do {
                    try check(output)
                    if withPrevious && filesEqual(output, previous) { report.keptPrevious += 1 } else { report.newComplete += 1 }
                } catch {
                    report.partial += 1
                    XCTFail("round \(round) (signal \(sig) after \(String(format: "%.3f", t)) s): \(output) is not complete: \(error)")
                }
            } else {
                report.leftNothing += 1
                XCTAssertFalse(finished, "round \(round): desm exited 0 but left no output")
                if withPrevious {
                    // Only kill -9 in the instant between moving the old index aside and the
                    // new one in may do this; anything else must keep the previous output.
                    XCTAssertEqual(sig, SIGKILL, "round \(round): the previous output vanished after signal \(sig)")
                    report.missingAfterKill9WithPrevious += 1
                }
            }
            if !leftovers.isEmpty {
                if sig == SIGKILL {
                    report.leftoversAfterKill9 += leftovers.count
                    stale.formUnion(leftovers)          // left for the next runs to remove
                } else {
                    XCTFail("round \(round): signal \(sig) left temporary files: \(leftovers)")
                    for l in leftovers { removeTree(parent + "/" + l) }
                }
            }
        }
        // One run to the end: it removes whatever killed runs left and writes a complete output.
        let final = try timed(desm, args)
        XCTAssertEqual(final.status, 0, final.stderr)
        XCTAssertNoThrow(try check(output), "the final run's output")
        let remaining = hiddenTemporaries()
        report.removedByLaterRun += stale.subtracting(remaining).count
        report.leftAfterFinalRun = remaining.count
        XCTAssertEqual(remaining, [], "temporaries left after an uninterrupted run")
        for l in remaining { removeTree(parent + "/" + l) }
        return report
    }

    // MARK: Helpers

    func timed(_ exe: String, _ args: [String]) throws -> (status: Int32, seconds: Double, stderr: String) {
        let t0 = Date()
        let r = try runProcess(exe, args)
        return (r.status, Date().timeIntervalSince(t0), r.stderr)
    }

    func writeCorpus(_ path: String, lines: Int) throws {
        var rng = SplitMix(3)
        var text = ""
        text.reserveCapacity(lines * 120)
        for _ in 0..<lines {
            let topic = rng.below(20)
            for k in 0..<20 {
                if k > 0 { text += " " }
                text += "w\(topic * 100 + rng.below(100))"
            }
            text += "\n"
        }
        try writeFileAtomically(path, text: text)
    }

    func writeCollection(_ path: String, documents: Int) throws {
        var rng = SplitMix(5)
        var text = ""
        for i in 0..<documents {
            var words: [String] = []
            for _ in 0..<40 { words.append("w\(rng.below(2000))") }
            text += "{\"_id\": \"doc\(i)\", \"text\": \"\(words.joined(separator: " "))\"}\n"
        }
        try writeFileAtomically(path, text: text)
    }
}

/// Whether two files or two directories (compared file by file) hold the same bytes.
func filesEqual(_ a: String, _ b: String) -> Bool {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: a, isDirectory: &isDir) else { return false }
    if isDir.boolValue {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: a),
              let other = try? FileManager.default.contentsOfDirectory(atPath: b),
              Set(names) == Set(other) else { return false }
        return names.allSatisfy { filesEqual(a + "/" + $0, b + "/" + $0) }
    }
    return FileManager.default.contentsEqual(atPath: a, andPath: b)
}
