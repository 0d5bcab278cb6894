@testable import DesmIndex
import DesmTestSupport
import DesmText
import DesmWord2Vec
import Foundation
import Glibc
import XCTest

/// What an index build leaves behind: the reader thread and everything it holds are freed on
/// every path (success, a collection error, an error on the building side), and stale staging
/// directories of killed builds are removed by the next build of the same output, never those
/// of live builds.
final class BuildCleanupTests: XCTestCase {
    var dirs: [String] = []
    override func tearDown() { for d in dirs { removeTree(d) } }

    /// A document source that counts how far it was read; `failAt` throws there.
    final class Source {
        let limit: Int
        let failAt: Int?
        var served = 0
        init(limit: Int = .max, failAt: Int? = nil) { self.limit = limit; self.failAt = failAt }
        func next() throws -> Document? {
            if served == failAt { throw DesmError("source failed at \(served)") }
            guard served < limit else { return nil }
            served += 1
            return Document(id: "d\(served)", text: "apple banana cherry \(served)")
        }
    }

    func testBatchReaderStoppedMidStreamJoinsItsThreadAndFreesTheSource() throws {
        weak var weakSource: Source?
        weak var weakReader: BatchReader?
        do {
            let source = Source()                       // endless: the thread fills the queue and waits
            weakSource = source
            let reader = BatchReader(batchSize: 4, next: { try source.next() })
            weakReader = reader
            try reader.start()
            XCTAssertEqual(try reader.take()?.count, 4)
            reader.stop()
            let served = source.served
            usleep(50_000)
            XCTAssertEqual(source.served, served, "the reader thread kept reading after stop()")
            reader.stop()                               // idempotent
        }
        XCTAssertNil(weakReader, "BatchReader not freed after stop(): a reference cycle with its thread")
        XCTAssertNil(weakSource, "the document source outlived the reader")
    }

    func testBatchReaderErrorEndsTheThreadAndFreesTheSource() throws {
        weak var weakSource: Source?
        do {
            let source = Source(failAt: 6)
            weakSource = source
            let reader = BatchReader(batchSize: 4, next: { try source.next() })
            defer { reader.stop() }
            try reader.start()
            XCTAssertEqual(try reader.take()?.count, 4)
            XCTAssertThrowsError(try reader.take())
        }
        XCTAssertNil(weakSource)
    }

    func testFailedAndSuccessfulBuildsFreeTheCollectionReader() throws {
        let (dir, path) = temporaryIndexPath(); dirs.append(dir)
        let model = makeModel()
        // Fails on line 600 (after whole batches were handed over), succeeds, fails on line 1.
        let cases: [(String, Bool)] = [
            ((1...599).map { "{\"_id\":\"\($0)\",\"text\":\"apple banana\"}\n" }.joined() + "not json\n", false),
            ((1...50).map { "{\"_id\":\"\($0)\",\"text\":\"apple banana\"}\n" }.joined(), true),
            ("not json\n", false),
        ]
        for (n, (text, ok)) in cases.enumerated() {
            let file = dir + "/c\(n).jsonl"
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            weak var weakCollection: CollectionReader?
            do {
                let collection = try CollectionReader(path: file)
                weakCollection = collection
                let builder = try IndexBuilder(model: model, options: IndexBuildOptions(threads: 2, batchSize: 16))
                if ok {
                    XCTAssertEqual(try builder.build(collection: collection, to: path).documents, 50)
                } else {
                    XCTAssertThrowsError(try builder.build(collection: collection, to: path))
                }
            }
            XCTAssertNil(weakCollection, "case \(n): the collection reader (and its thread) outlived the build")
        }
    }

    func testIDFBuildFreesBothPasses() throws {
        let (dir, path) = temporaryIndexPath(); dirs.append(dir)
        var options = IndexBuildOptions(threads: 2, batchSize: 8)
        options.centroid = .idf
        let builder = try IndexBuilder(model: makeModel(), options: options)
        for failAt in [nil, 30] as [Int?] {
            var weakSources: [() -> Source?] = []
            do {
                try builder.build(to: path, collectionName: "c", progress: .silent) {
                    let s = Source(limit: 40, failAt: failAt)
                    weakSources.append { [weak s] in s }
                    return { try s.next() }
                }
                XCTAssertNil(failAt)
            } catch {
                XCTAssertNotNil(failAt, "\(error)")
            }
            XCTAssertEqual(weakSources.count, failAt == nil ? 2 : 1)
            for w in weakSources { XCTAssertNil(w(), "failAt \(String(describing: failAt)): a source outlived the build") }
        }
    }

    // MARK: Stale staging directories

    /// The pid of a process that has ended (and was reaped).
    func deadPID() throws -> pid_t {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        let pid = p.processIdentifier
        XCTAssertTrue(processIsGone(pid))
        return pid
    }

    func makeFakeStaging(_ path: String, withManifestFrom index: String? = nil) throws {
        if let index {
            try FileManager.default.copyItem(atPath: index, toPath: path)
        } else {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            try "partial".write(toFile: path + "/centroids.in", atomically: false, encoding: .utf8)
        }
    }

    func testNextBuildRemovesStaleStagingOfDeadBuildsOnly() throws {
        let (dir, path) = temporaryIndexPath(); dirs.append(dir)
        let dead = try deadPID()
        let live = getpid()
        let stale = [".idx.tmp-\(dead)-Ab3xYz", ".idx.tmp-\(dead)-Qq0000.old"]
        let kept = [
            ".idx.tmp-\(live)-Ab3xYz",          // a live build (this process)
            ".idx.tmp-\(live)-Ab3xYz.old",
            ".idx.tmp-1-Ab3xYz",                // pid 1 is alive
            ".idx.tmp-Ab3xYz",                  // old naming, no pid: owner unknown
            ".idx.tmp-\(dead)-Ab3xY",           // not the exact pattern
            ".idx.tmp-\(dead)-Ab3xYz.bak",
            ".idx.tmp-\(dead)-Ab3xYz-1",
            ".idx.tmp-0\(dead)-Ab3xYz",
            ".idx.tmp--Ab3xYz",
            ".idx2.tmp-\(dead)-Ab3xYz",         // another output's
            "idx.tmp-\(dead)-Ab3xYz",
        ]
        for name in stale + kept { try makeFakeStaging(dir + "/" + name) }
        try IndexBuilder(model: makeModel()).build(documents: makeDocuments(count: 5), to: path)
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: dir))
        XCTAssertEqual(left, Set(kept + ["idx"]))
        XCTAssertEqual(try DocumentIndex(path: path).count, 5)
        // A second build (replacing the index) leaves the same set: no temporary of its own.
        try IndexBuilder(model: makeModel()).build(documents: makeDocuments(count: 7), to: path)
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: dir)), left)
    }

    func testIndexMovedAsideByAKilledBuildComesBack() throws {
        let (dir, path) = temporaryIndexPath(); dirs.append(dir)
        let model = makeModel()
        try IndexBuilder(model: model).build(documents: makeDocuments(count: 6), to: path)
        let dead = try deadPID()
        // Killed between its two renames: the old index aside, the complete new one staged.
        let aside = dir + "/.idx.tmp-\(dead)-Zz9Zz9.old"
        XCTAssertEqual(rename(path, aside), 0)
        try IndexBuilder(model: model).build(documents: makeDocuments(count: 8), to: dir + "/scratch")
        XCTAssertEqual(rename(dir + "/scratch", dir + "/.idx.tmp-\(dead)-Zz9Zz9"), 0)
        // The next build fails (no documents), after it has cleaned up: the previous index is back.
        XCTAssertThrowsError(try IndexBuilder(model: model).build(documents: [], to: path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["idx"])
        let restored = try DocumentIndex(path: path)
        XCTAssertEqual(restored.count, 6)
        try restored.verify()
        // With an index in place, a stale moved-aside one is just removed.
        try makeFakeStaging(aside, withManifestFrom: path)
        try IndexBuilder(model: model).build(documents: makeDocuments(count: 3), to: path)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["idx"])
        XCTAssertEqual(try DocumentIndex(path: path).count, 3)
    }

    func testStagingDirectoryNameCarriesThePid() throws {
        let (dir, path) = temporaryIndexPath(); dirs.append(dir)
        let staging = try makeStagingDirectory(for: path + "/")
        defer { removeTree(staging); TemporaryFiles.shared.unregister(staging) }
        let name = (staging as NSString).lastPathComponent
        XCTAssertEqual(temporaryOwner(name, base: "idx")?.pid, getpid(), name)
        XCTAssertEqual(temporaryOwner(name, base: "idx")?.old, false)
        XCTAssertEqual(temporaryOwner(name + ".old", base: "idx")?.old, true)
        // A concurrent build of the same output in this process keeps its staging directory.
        let other = try makeStagingDirectory(for: path)
        defer { removeTree(other); TemporaryFiles.shared.unregister(other) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: staging))
    }

    func testExchangeSwapsTwoDirectoriesInOneStep() throws {
        let dir = makeTemporaryDirectory("desm-exchange"); dirs.append(dir)
        for (name, marker) in [("a", "first"), ("b", "second")] {
            try FileManager.default.createDirectory(atPath: dir + "/" + name, withIntermediateDirectories: false)
            try marker.write(toFile: dir + "/\(name)/marker", atomically: false, encoding: .utf8)
        }
        guard exchangePaths(dir + "/a", dir + "/b") else {
            // Nothing may have changed when the system or filesystem cannot exchange.
            XCTAssertEqual(try String(contentsOfFile: dir + "/a/marker", encoding: .utf8), "first")
            throw XCTSkip("renameat2(RENAME_EXCHANGE) is not available here: index replacement uses two renames")
        }
        XCTAssertEqual(try String(contentsOfFile: dir + "/a/marker", encoding: .utf8), "second")
        XCTAssertEqual(try String(contentsOfFile: dir + "/b/marker", encoding: .utf8), "first")
        XCTAssertFalse(exchangePaths(dir + "/a", dir + "/missing"), "an exchange needs both paths")
        // Replacing an index goes through the exchange and leaves only the new index.
        let path = dir + "/idx"
        try IndexBuilder(model: makeModel()).build(documents: makeDocuments(count: 4), to: path)
        try IndexBuilder(model: makeModel()).build(documents: makeDocuments(count: 9), to: path)
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: dir)), ["a", "b", "idx"])
        XCTAssertEqual(try DocumentIndex(path: path).count, 9)
    }
}
