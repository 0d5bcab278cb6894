import DesmIndex
import DesmTestSupport
import DesmText
import DesmWord2Vec
import Foundation
import XCTest

/// The forward index (`docterms`): contents against the postings and the analysis, the
/// structural verification, and corrupted files.
final class ForwardIndexTests: XCTestCase {
    var dirs: [String] = []
    override func tearDown() { for d in dirs { removeTree(d) } }

    /// Repeated words, stemming, stopwords, a title, words outside the model's vocabulary
    /// (still BM25 terms), documents with no term at all (one of them last).
    let handMade = [
        Document(id: "a", text: "apple banana apple cherry apple"),
        Document(id: "b", title: "Running", text: "runs runner running the of"),
        Document(id: "c", text: "qwerty zyzzyva qwerty"),
        Document(id: "d", text: "the of"),
        Document(id: "e", text: "fig fig fig fig grape banana"),
        Document(id: "f", text: "cherry date elder fig grape honey iris jade kiwi lemon"),
        Document(id: "g", text: ""),
    ]

    /// Each document's (term, tf) pairs from the postings, in increasing term id.
    func invertedPostings(_ index: DocumentIndex) throws -> [[Pair]] {
        var perDoc = [[Pair]](repeating: [], count: index.count)
        for t in 0..<index.termCount {
            try index.forEachPosting(t) { d, tf in perDoc[d].append(Pair(term: t, tf: tf)) }
        }
        return perDoc
    }

    struct Pair: Equatable { var term: Int; var tf: UInt32 }

    func documentTerms(_ index: DocumentIndex, _ d: Int) throws -> [Pair] {
        try index.documentTerms(d).map { Pair(term: $0.term, tf: $0.tf) }
    }

    func testForwardIndexIsThePostingsInvertedAndTheAnalysedCounts() throws {
        let model = makeModel()
        let analyzer = Analyzer(model.analyzer.bm25)
        for (docs, threads, batch) in [(handMade, 1, 1), (handMade, 2, 3), (makeDocuments(count: 150) + handMade, 2, 7)] {
            let (index, dir) = try buildIndex(docs, model: model, threads: threads, batch: batch); dirs.append(dir)
            let inverted = try invertedPostings(index)
            var pairs = 0
            for (d, doc) in docs.enumerated() {
                let forward = try documentTerms(index, d)
                XCTAssertEqual(forward, inverted[d], "document \(d)")
                // The same pairs through the callback.
                var seen: [Pair] = []
                try index.forEachDocumentTerm(d) { seen.append(Pair(term: $0, tf: $1)) }
                XCTAssertEqual(seen, forward)
                // And the document's own analysis, counted.
                var counts: [String: UInt32] = [:]
                for term in analyzer.tokens(doc.fullText) { counts[term, default: 0] += 1 }
                let expected = try counts.map { Pair(term: try XCTUnwrap(index.termID($0.key)), tf: $0.value) }
                    .sorted { $0.term < $1.term }
                XCTAssertEqual(forward, expected, "document \(d): \(doc.fullText)")
                XCTAssertEqual(forward.reduce(0) { $0 + Int($1.tf) }, Int(index.lengths[d]), "document \(d): Σ tf ≠ doclens")
                pairs += forward.count
            }
            XCTAssertEqual(pairs, index.manifest.bm25.postings)
            let summary = try index.verifyStructure()
            XCTAssertEqual(summary, IndexStructureSummary(documents: docs.count, terms: index.termCount,
                                                          postings: index.manifest.bm25.postings, documentTerms: pairs))
            try index.verify()
        }
        // The hand-made documents by name.
        let (index, dir) = try buildIndex(handMade, model: model); dirs.append(dir)
        func named(_ d: Int) throws -> [String: UInt32] {
            Dictionary(uniqueKeysWithValues: try index.documentTerms(d).map { (try index.term($0.term), $0.tf) })
        }
        XCTAssertEqual(try named(0), ["appl": 3, "banana": 1, "cherri": 1])
        XCTAssertEqual(try named(2), ["qwerti": 2, "zyzzyva": 1])
        XCTAssertEqual(try named(3), [:])
        XCTAssertEqual(try named(6), [:])
        XCTAssertEqual(try named(4)["fig"], 4)
    }

    func testDocumentOutOfRangeThrows() throws {
        let (index, dir) = try buildIndex(handMade, model: makeModel()); dirs.append(dir)
        for d in [-1, handMade.count, Int.max] {
            XCTAssertThrowsError(try index.documentTerms(d)) { e in
                XCTAssertEqual((e as? DesmError)?.path, dir + "/idx/" + IndexFiles.docterms, "\(e)")
                XCTAssertTrue("\(e)".contains("out of range"), "\(e)")
            }
        }
    }

    // MARK: Corrupted docterms

    /// A fresh index of the hand-made documents (all varints one byte: < 128 terms, tf < 128)
    /// whose docterms file `change` edits; returns the index path.
    func corrupted(_ change: (inout [UInt8], Layout) throws -> Void) throws -> String {
        let (_, dir) = try buildIndex(handMade, model: makeModel()); dirs.append(dir)
        let path = dir + "/idx"
        let file = path + "/" + IndexFiles.docterms
        var b = Array(try XCTUnwrap(FileManager.default.contents(atPath: file)))
        try change(&b, Layout(bytes: b, documents: handMade.count))
        XCTAssertTrue(FileManager.default.createFile(atPath: file, contents: Data(b)))
        return path
    }

    /// Where things are in a docterms file.
    struct Layout {
        var documents: Int
        var offsets: [Int]
        /// File offset of the data section.
        var dataAt: Int
        init(bytes b: [UInt8], documents n: Int) {
            documents = n
            offsets = (0...n).map { Int(readLE(b, 64 + $0 * 8)) }
            dataAt = 64 + (n + 1) * 8
        }
        /// File offset of document d's first byte.
        func start(_ d: Int) -> Int { dataAt + offsets[d] }
    }

    func assertNamesDocterms(_ error: Error, _ path: String, contains text: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let e = error as? DesmError else { return XCTFail("not a DesmError: \(error)", file: file, line: line) }
        XCTAssertEqual(e.path, path + "/" + IndexFiles.docterms, "\(e)", file: file, line: line)
        XCTAssertTrue(e.description.contains(text), "\(e) lacks \"\(text)\"", file: file, line: line)
    }

    // The files below are corrupted behind their checksums: they are opened without the
    // open-time checksums (`checksumBudget: 0`, as an index above the budget is), so that
    // the checks behind them are reached.

    func testCorruptedSizesAreRefusedOnOpen() throws {
        // Truncated.
        var path = try corrupted { b, _ in b.removeLast(5) }
        XCTAssertThrowsError(try DocumentIndex(path: path, checksumBudget: 0)) { assertNamesDocterms($0, path, contains: "docterms") }
        // Same size, but the trailer counts another number of documents.
        path = try corrupted { b, l in putLE(&b, b.count - 32, UInt64(l.documents - 1)) }
        XCTAssertThrowsError(try DocumentIndex(path: path, checksumBudget: 0)) { assertNamesDocterms($0, path, contains: "forward index for 6 documents, the manifest says 7") }
        // The data size in the trailer disagrees with the payload.
        path = try corrupted { b, _ in putLE(&b, b.count - 24, readLE(b, b.count - 24) - 1) }
        XCTAssertThrowsError(try DocumentIndex(path: path, checksumBudget: 0)) { assertNamesDocterms($0, path, contains: "do not add up") }
        path = try corrupted { b, _ in putLE(&b, b.count - 24, readLE(b, b.count - 24) + 1) }
        XCTAssertThrowsError(try DocumentIndex(path: path, checksumBudget: 0)) { assertNamesDocterms($0, path, contains: "does not fit") }
    }

    func testMalformedEntriesThrowOnReadAndInVerification() throws {
        let cases: [(what: String, doc: Int, change: (inout [UInt8], Layout) -> Void)] = [
            ("out of order", 0, { b, _ in putLE(&b, 64 + 8, UInt64(1) << 40) }),
            ("out of order", 4, { b, l in putLE(&b, 64 + 5 * 8, UInt64(l.offsets[4] - 1)) }),
            ("term id 127 is not below", 0, { b, l in b[l.start(0)] = 0x7F }),
            ("do not increase", 0, { b, l in b[l.start(0) + 2] = 0 }),
            ("term frequency 0", 4, { b, l in b[l.start(4) + 1] = 0 }),
            ("runs past the document's end", 0, { b, l in b[l.start(1) - 1] = 0x83 }),
        ]
        for c in cases {
            let path = try corrupted { b, l in c.change(&b, l) }
            let index = try DocumentIndex(path: path, checksumBudget: 0)   // sizes are right: opens
            XCTAssertThrowsError(try index.forEachDocumentTerm(c.doc) { _, _ in }) { assertNamesDocterms($0, path, contains: c.what) }
            XCTAssertThrowsError(try index.documentTerms(c.doc)) { assertNamesDocterms($0, path, contains: c.what) }
            XCTAssertThrowsError(try index.verifyStructure()) { assertNamesDocterms($0, path, contains: c.what) }
            // The postings and the other documents still read.
            XCTAssertNoThrow(try index.documentTerms(c.doc == 0 ? 5 : 0))
            XCTAssertNoThrow(try Ranker(index: index, model: nil).rank("apple fig", options: RankingOptions(scorer: .bm25), k: 3))
        }
    }

    func testWellFormedButWrongEntriesFailVerification() throws {
        // A frequency changed: decodes, but Σ tf no longer equals the document's length.
        var path = try corrupted { b, l in b[l.start(0) + 1] += 1 }
        XCTAssertNoThrow(try DocumentIndex(path: path, checksumBudget: 0).documentTerms(0))
        XCTAssertThrowsError(try DocumentIndex(path: path, checksumBudget: 0).verifyStructure()) {
            assertNamesDocterms($0, path, contains: "add up to 6, its length in doclens is 5")
        }
        // A term replaced by its predecessor (ids still increasing, Σ tf and pair counts
        // unchanged): only the transpose check sees it.
        path = try corrupted { b, l in
            // Document 4's terms: banana (id 1, after appl), fig, grape.
            let s = l.start(4)
            guard b[s] > 0, b[s + 2] < 0x7F else { return XCTFail("unexpected layout of document 4") }
            b[s] -= 1
            b[s + 2] += 1
        }
        XCTAssertNoThrow(try DocumentIndex(path: path, checksumBudget: 0).documentTerms(4))
        XCTAssertThrowsError(try DocumentIndex(path: path, checksumBudget: 0).verifyStructure()) {
            assertNamesDocterms($0, path, contains: "differ from the postings")
        }
        // Two documents' lists swapped (both 3 pairs, 6 bytes): each decodes, the pairs add
        // up, but the documents' lengths and the postings disagree.
        path = try corrupted { b, l in
            let zero = l.start(0)..<l.start(1), four = l.start(4)..<l.start(5)
            XCTAssertEqual(zero.count, 6)
            XCTAssertEqual(four.count, 6)
            let a = Array(b[zero]), c = Array(b[four])
            b.replaceSubrange(zero, with: c)
            b.replaceSubrange(four, with: a)
        }
        XCTAssertNoThrow(try DocumentIndex(path: path, checksumBudget: 0).documentTerms(0))
        XCTAssertThrowsError(try DocumentIndex(path: path, checksumBudget: 0).verifyStructure()) { e in
            XCTAssertEqual((e as? DesmError)?.path, path + "/" + IndexFiles.docterms, "\(e)")
        }
    }
}

func readLE(_ b: [UInt8], _ at: Int) -> UInt64 {
    var v: UInt64 = 0
    for k in 0..<8 { v |= UInt64(b[at + k]) << (8 * k) }
    return v
}

func putLE(_ b: inout [UInt8], _ at: Int, _ value: UInt64) {
    for k in 0..<8 { b[at + k] = UInt8(truncatingIfNeeded: value >> (8 * k)) }
}
