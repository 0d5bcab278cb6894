import DesmSample
import DesmTestSupport
import Foundation
import XCTest

/// `desm demo`: the sample built into the binary is the repository's, and the demo runs from
/// any directory, writing its report there (or to --out) and nothing into the repository.
final class DemoCLITests: XCTestCase {
    var dir = ""

    override func setUp() { dir = (makeTemporaryDirectory("desm-demo-cli") as NSString).standardizingPath }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    /// If this fails, run Sources/DesmSample/regenerate.sh: the copy built into desm must be
    /// collections/sample, byte for byte, every file but the README.
    func testBuiltInSampleIsTheRepositorys() throws {
        let folder = packageRoot + "/" + SampleCollection.directory
        let expected = try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { $0 != "README.md" }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let embedded = try SampleCollection.files()
        XCTAssertEqual(embedded.map(\.name), expected, "regenerate with Sources/DesmSample/regenerate.sh")
        XCTAssertTrue(expected.contains(SampleCollection.config))
        for file in embedded {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/" + file.name)))
            XCTAssertTrue(bytes == file.bytes, "\(file.name) differs from the built-in copy: regenerate with Sources/DesmSample/regenerate.sh")
        }
    }

    /// Every file below the repository (but build products), with its size and time.
    func repositorySnapshot() -> [String: String] {
        var files: [String: String] = [:]
        let root = URL(fileURLWithPath: packageRoot)
        guard let walk = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.fileSizeKey, .contentModificationDateKey]) else {
            return files
        }
        for case let url as URL in walk {
            let name = url.lastPathComponent
            if name.hasPrefix(".build") || name == ".git" || name.hasPrefix(".venv") || name == ".swiftpm" {
                walk.skipDescendants()
                continue
            }
            let values = try? url.resourceValues(forKeys: [.fileSizeKey, .contentModificationDateKey])
            files[url.path] = "\(values?.fileSize ?? -1) \(values?.contentModificationDate?.timeIntervalSince1970 ?? 0)"
        }
        return files
    }

    func contents(_ path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    func testDemoRunsFromAnyDirectoryAndWritesOnlyItsReport() throws {
        try requireDesm()
        let tmp = dir + "/tmp", first = dir + "/first", second = dir + "/second", report = dir + "/report"
        for d in [tmp, first, second] { try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true) }
        let before = repositorySnapshot()
        // The report to --out; the model and index in a temporary directory, removed.
        var r = try runProcess(desmExecutable, ["demo", "--out", report, "--quiet"], environment: ["TMPDIR": tmp],
                               currentDirectory: first)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("report: " + report + "/sample.md"), r.stdout)
        let written = ["sample-in-out-minus-in-in.svg", "sample.json", "sample.md", "sample.svg"]
        XCTAssertEqual(contents(report), written)
        XCTAssertEqual(contents(first), [], "nothing in the current directory with --out")
        XCTAssertEqual(contents(tmp), [], "the extracted sample and the temporary cache are removed")
        let md = try String(contentsOfFile: report + "/sample.md", encoding: .utf8)
        XCTAssertTrue(md.contains("Reproduce with `desm demo --out \(report)` (the model and index were built in a temporary directory, removed afterwards)."), md)
        XCTAssertTrue(md.contains("- Collection: `collections/sample/corpus.jsonl`, 323 documents"), md)
        XCTAssertTrue(md.contains("- Tuning topics (every tuned parameter): `collections/sample/topics-tune.xml`, qrels `collections/sample/qrels.txt`."), md)
        XCTAssertFalse(md.contains(tmp), md)

        // No --out: the report to the current directory; --cache keeps the model and index.
        r = try runProcess(desmExecutable, ["demo", "--cache", "../cache", "--quiet"], environment: ["TMPDIR": tmp],
                           currentDirectory: second)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("report: sample.md"), r.stdout)
        XCTAssertEqual(contents(second), written)
        XCTAssertEqual(contents(tmp), [])
        XCTAssertTrue(contents(dir + "/cache").contains { $0.hasPrefix("model-") && $0.hasSuffix(".desm") }, "\(contents(dir + "/cache"))")
        let md2 = try String(contentsOfFile: second + "/sample.md", encoding: .utf8)
        XCTAssertTrue(md2.contains("Reproduce with `desm demo --cache ../cache` (the model and index are cached in `\(dir)/cache`"), md2)
        // The same experiment, the same numbers.
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: second + "/sample.json")),
                       try Data(contentsOf: URL(fileURLWithPath: report + "/sample.json")))
        XCTAssertEqual(repositorySnapshot(), before, "desm demo wrote into the repository")
    }

    func testDemoRefusesAFileForADirectoryBeforeAnyWork() throws {
        try requireDesm()
        let tmp = dir + "/tmp"
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        let file = dir + "/file"
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        for option in ["--out", "--cache"] {
            let r = try runProcess(desmExecutable, ["demo", option, file], environment: ["TMPDIR": tmp], currentDirectory: dir)
            XCTAssertEqual(r.status, 1)
            XCTAssertEqual(r.stderr, "desm: error: \(file): \(option) must be a directory, and this is a file\n")
            XCTAssertEqual(contents(tmp), [])
            XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), "x")
        }
    }
}
