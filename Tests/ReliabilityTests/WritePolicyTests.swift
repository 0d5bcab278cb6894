// Every file desm writes goes through AtomicFileWriter (temporary file in the same
// directory, fsync, rename): a scan of the sources for any other way of creating files.
import DesmTestSupport
import DesmText
import Foundation
import XCTest

final class WritePolicyTests: XCTestCase {
    func testNoSourceWritesFilesExceptThroughAtomicFileWriter() throws {
        let forbidden = ["createFile(", ".write(to:", "write(toFile", "FileHandle(forWriting", "fopen(", "O_CREAT",
                         "O_WRONLY", "O_RDWR"]
        // The writer itself; the fuzz harness writes its scratch inputs (not desm output).
        let allowed = ["Sources/DesmText/IO/AtomicFile.swift", "Sources/DesmFuzz/FuzzTargets.swift"]
        let root = packageRoot + "/Sources"
        guard let walker = FileManager.default.enumerator(atPath: root) else { throw XCTSkip("no Sources beside the tests") }
        var scanned = 0
        while let rel = walker.nextObject() as? String {
            guard rel.hasSuffix(".swift") else { continue }
            let path = "Sources/" + rel
            if allowed.contains(path) { continue }
            let text = try String(contentsOfFile: root + "/" + rel, encoding: .utf8)
            scanned += 1
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.components(separatedBy: "//").first ?? ""
                for f in forbidden where code.contains(f) {
                    XCTFail("\(path):\(n + 1): writes a file without AtomicFileWriter (\(f)): \(line.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        XCTAssertGreaterThan(scanned, 20)
    }

    func testAtomicWriterLeavesThePreviousFileUntilCommitAndNoTemporaryAfterwards() throws {
        let dir = makeTemporaryDirectory("desm-atomic")
        defer { removeTree(dir) }
        let path = dir + "/out.bin"
        try writeFileAtomically(path, text: "previous\n")
        do {
            let w = try AtomicFileWriter(path: path)
            try w.write(String(repeating: "new ", count: 1 << 19))   // past the 1 MB buffer: on disk
            XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "previous\n")
            XCTAssertTrue(FileManager.default.fileExists(atPath: w.temporaryPath))
            XCTAssertTrue(w.temporaryPath.hasPrefix(dir + "/.out.bin.tmp-"))
            // Dropped without commit (an error in the job): the temporary goes away.
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["out.bin"])
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "previous\n")
        let w = try AtomicFileWriter(path: path)
        try w.write("complete\n")
        try w.commit()
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "complete\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["out.bin"])
        // A directory where the file should go: an error naming it, and nothing left behind.
        try FileManager.default.createDirectory(atPath: dir + "/taken", withIntermediateDirectories: false)
        XCTAssertThrowsError(try writeFileAtomically(dir + "/taken", text: "x")) { error in
            XCTAssertTrue("\(error)".contains(dir + "/taken"), "\(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(), ["out.bin", "taken"])
        // A directory that does not exist.
        XCTAssertThrowsError(try writeFileAtomically(dir + "/no/such/dir/f", text: "x")) { error in
            XCTAssertTrue("\(error)".contains(dir + "/no/such/dir"), "\(error)")
        }
    }

    /// A writer killed with -9 leaves `.NAME.tmp-PID-XXXXXX`; the next writer of NAME removes
    /// it once that process is gone, and never a live process's temporary or another name.
    func testNextWriterRemovesTemporariesOfDeadWritersOnly() throws {
        let dir = makeTemporaryDirectory("desm-atomic-stale")
        defer { removeTree(dir) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        let dead = p.processIdentifier
        XCTAssertTrue(processIsGone(dead))
        let stale = [".out.bin.tmp-\(dead)-a1B2c3"]
        let kept = [".out.bin.tmp-\(getpid())-a1B2c3", ".out.bin.tmp-1-a1B2c3", ".out.bin.tmp-a1B2c3",
                    ".out.bin.tmp-\(dead)-a1B2c", ".other.tmp-\(dead)-a1B2c3"]
        for name in stale + kept { try writeFileAtomically(dir + "/" + name, text: "partial") }
        let w = try AtomicFileWriter(path: dir + "/out.bin")
        XCTAssertEqual(temporaryOwner((w.temporaryPath as NSString).lastPathComponent, base: "out.bin")?.pid, getpid())
        try w.write("complete\n")
        try w.commit()
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: dir)), Set(kept + ["out.bin"]))
    }
}
