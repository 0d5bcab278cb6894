@testable import DesmIndex
import DesmTestSupport
import DesmText
import DesmWord2Vec
import Foundation
import Glibc
import XCTest

/// What an index build leaves behind: the reader thread and everything it holds are freed on
/// every path (success, a collection error, an error on the building side).
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
}
