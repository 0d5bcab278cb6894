import DesmIndex
import DesmTestSupport
import DesmText
import DesmWord2Vec
import Foundation
import XCTest

/// Opening an index verifies the CRC-32 of its files within `CRC32.openBudgetBytes`
/// (smallest first); `verify()` checks the rest, with the same messages.
final class OpenChecksumTests: XCTestCase {
    var dirs: [String] = []
    override func tearDown() { for d in dirs { removeTree(d) } }

    func index() throws -> String {
        let (_, dir) = try buildIndex(makeDocuments(count: 40), model: makeModel()); dirs.append(dir)
        return dir + "/idx"
    }

    func size(_ path: String) throws -> Int { try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int }

    /// Flips one bit in the middle of a file's payload; returns the original bytes.
    func corrupt(_ path: String) throws -> Data {
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        var b = original
        b[IndexFileFormat.headerBytes + (b.count - IndexFileFormat.headerBytes - IndexFileFormat.trailerBytes) / 2] ^= 0x10
        try b.write(to: URL(fileURLWithPath: path))
        return original
    }

    func assertRefusedAtOpen(_ path: String, budget: Int = CRC32.openBudgetBytes, naming file: String,
                             line: UInt = #line) {
        XCTAssertThrowsError(try DocumentIndex(path: path, checksumBudget: budget), line: line) { e in
            let error = e as? DesmError
            XCTAssertEqual(error?.path, file, line: line)
            XCTAssertTrue(error?.message.contains("checksum mismatch") == true, "\(e)", line: line)
            XCTAssertFalse("\(e)".contains("\n"), "\(e)", line: line)
        }
    }

    func testACorruptByteInAnyFileIsRefusedAtOpen() throws {
        let path = try index()
        XCTAssertEqual(Set(try DocumentIndex(path: path).checksummedAtOpen), Set(IndexFiles.all))
        for name in IndexFiles.all {
            let p = path + "/" + name
            let original = try corrupt(p)
            assertRefusedAtOpen(path, naming: p)
            try original.write(to: URL(fileURLWithPath: p))
        }
        XCTAssertNoThrow(try DocumentIndex(path: path).verify())
    }

    func testAboveTheBudgetSmallerFilesAreCheckedAtOpenAndVerifyChecksTheRest() throws {
        let path = try index()
        let sizes = try IndexFiles.all.map { try size(path + "/" + $0) }
        // Smallest first, ties in IndexFiles.all order: the last one is the one left out.
        let order = IndexFiles.all.indices.sorted { (sizes[$0], $0) < (sizes[$1], $1) }.map { IndexFiles.all[$0] }
        let largest = order.last!
        let budget = sizes.reduce(0, +) - 1
        XCTAssertEqual(try DocumentIndex(path: path, checksumBudget: budget).checksummedAtOpen, Array(order.dropLast()))
        // The largest file corrupted: opens, and verify() names it.
        let original = try corrupt(path + "/" + largest)
        let opened = try DocumentIndex(path: path, checksumBudget: budget)
        XCTAssertThrowsError(try opened.verify()) { e in
            XCTAssertEqual((e as? DesmError)?.path, path + "/" + largest)
            XCTAssertTrue("\(e)".contains("checksum mismatch"), "\(e)")
        }
        try original.write(to: URL(fileURLWithPath: path + "/" + largest))
        // A smaller file corrupted: still refused at open.
        let small = path + "/" + order[0]
        _ = try corrupt(small)
        assertRefusedAtOpen(path, budget: budget, naming: small)
    }
}
