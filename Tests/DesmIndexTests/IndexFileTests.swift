import DesmIndex
import DesmTestSupport
import DesmText
import DesmWord2Vec
import Glibc
import XCTest

/// The index directory: contents, checks on open, verification, and bad input.
final class IndexFileTests: XCTestCase {
    var dirs: [String] = []
    override func tearDown() { for d in dirs { removeTree(d) } }

    func testRoundTripOfDocnosSnippetsLengthsAndManifest() throws {
        let model = makeModel()
        var docs = makeDocuments(count: 30)
        docs.append(Document(id: "ünï-∂", title: "A  title", text: "  qwerty\n\n xylo  "))
        let (index, dir) = try buildIndex(docs, model: model); dirs.append(dir)
        XCTAssertEqual(index.count, docs.count)
        for (i, d) in docs.enumerated() { XCTAssertEqual(try index.docno(i), d.id) }
        XCTAssertEqual(try index.snippet(docs.count - 1), "A title qwerty xylo")
        let m = index.manifest
        XCTAssertEqual(m.documents, docs.count)
        XCTAssertEqual(m.dim, model.dim)
        XCTAssertEqual(m.modelChecksum, model.checksum)
        XCTAssertEqual(m.analyzer, model.analyzer)
        XCTAssertEqual(Set(m.files.keys), Set(IndexFiles.all))
        let analyzer = Analyzer(model.analyzer.bm25)
        let lengths = docs.map { analyzer.tokens($0.fullText).count }
        XCTAssertEqual((0..<docs.count).map { Int(index.lengths[$0]) }, lengths)
        XCTAssertEqual(m.bm25.totalLength, lengths.reduce(0, +))
        try index.verify()
        // Centroids are unit rows, or zero for the flagged document.
        for i in 0..<docs.count {
            let r = index.centroidsOut.row(i).map(Double.init)
            let len = r.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if index.lacksVocabulary(i) { XCTAssertEqual(len, 0) } else { XCTAssertEqual(len, 1, accuracy: 1e-5) }
        }
        XCTAssertTrue(index.lacksVocabulary(docs.count - 1))
        XCTAssertEqual(m.documentsWithoutVocabulary, (0..<docs.count).filter { index.lacksVocabulary($0) }.count)
    }

    func testOneThreadAndTwoThreadsBuildIdenticalFiles() throws {
        let model = makeModel()
        let docs = makeDocuments(count: 100)
        let (a, da) = try buildIndex(docs, model: model, threads: 1, batch: 1); dirs.append(da)
        let (b, db) = try buildIndex(docs, model: model, threads: 2, batch: 13); dirs.append(db)
        XCTAssertEqual(a.manifest.files, b.manifest.files)
    }

    func testDocumentWithoutVocabularyIsKeptFlaggedAndScoresZero() throws {
        let model = makeModel()
        let docs = [Document(id: "x", text: "qwerty zyzzyva"), Document(id: "y", text: "apple pear"),
                    Document(id: "z", text: "")]
        let (index, dir) = try buildIndex(docs, model: model); dirs.append(dir)
        XCTAssertEqual(index.manifest.documentsWithoutVocabulary, 2)
        let ranker = try Ranker(index: index, model: model)
        for v in DesmVariant.allCases {
            let hits = try ranker.rank("apple", options: RankingOptions(scorer: .desm(v)), k: 3).hits
            XCTAssertEqual(hits.count, 3)
            for h in hits where h.doc != 1 { XCTAssertEqual(h.score, 0); XCTAssertFalse(h.score.isNaN) }
        }
        let mix = try ranker.rank("apple", options: RankingOptions(scorer: .mixture(.inOut), normalisation: .zscore), k: 3).hits
        XCTAssertTrue(mix.allSatisfy { $0.score.isFinite })
    }

    func testZeroOutVectorsAreSkippedNotNaN() throws {
        let model = makeModel(zeroOut: ["apple"])
        let docs = [Document(id: "a", text: "apple"), Document(id: "b", text: "apple pear")]
        let (index, dir) = try buildIndex(docs, model: model); dirs.append(dir)
        let ranker = try Ranker(index: index, model: model)
        let hits = try ranker.rank("pear", options: RankingOptions(scorer: .desm(.inOut)), k: 2).hits
        XCTAssertEqual(hits.map(\.doc), [1, 0])
        XCTAssertEqual(hits[1].score, 0)
        XCTAssertEqual(hits[0].score, Double(cosine(model.input.row(model.vocabulary.id("pear")!), model.output!.row(model.vocabulary.id("pear")!))), accuracy: 1e-5)
    }

    func cosine(_ a: UnsafeMutableBufferPointer<Float>, _ b: UnsafeMutableBufferPointer<Float>) -> Double {
        let x = a.map(Double.init), y = b.map(Double.init)
        return dot(x, y) / norm(x) / norm(y)
    }

    func testEmptyCollectionIsAnErrorAndLeavesNothing() throws {
        let model = makeModel()
        let (dir, path) = temporaryIndexPath(); dirs.append(dir)
        XCTAssertThrowsError(try IndexBuilder(model: model).build(documents: [], to: path)) { e in
            XCTAssertTrue("\(e)".contains("no documents"), "\(e)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [])
    }

    func testModelWithoutOutVectorsIsRefused() {
        let m = makeModel()
        let noOut = EmbeddingModel(vocabulary: m.vocabulary, dim: m.dim, input: m.input, output: nil)
        XCTAssertThrowsError(try IndexBuilder(model: noOut)) { XCTAssertTrue("\($0)".contains("OUT"), "\($0)") }
    }

    func testIndexFromAnotherModelIsRefused() throws {
        let (index, dir) = try buildIndex(makeDocuments(count: 5), model: makeModel()); dirs.append(dir)
        XCTAssertThrowsError(try Ranker(index: index, model: makeModel(seed: 8))) { e in
            XCTAssertTrue("\(e)".contains("another model"), "\(e)")
        }
        // BM25 needs no model.
        let ranker = try Ranker(index: index, model: nil)
        XCTAssertNoThrow(try ranker.rank("apple", options: RankingOptions(scorer: .bm25), k: 3))
        XCTAssertThrowsError(try ranker.rank("apple", options: RankingOptions(scorer: .desm(.inOut)), k: 3))
    }

    func testOtherFormatVersionIsAClearError() throws {
        let (_, dir) = try buildIndex(makeDocuments(count: 5), model: makeModel()); dirs.append(dir)
        let path = dir + "/idx"
        // Manifest from a future version.
        let mpath = path + "/manifest.json"
        let text = try String(contentsOfFile: mpath, encoding: .utf8)
        XCTAssertTrue(text.contains("\"formatVersion\" : 3"), text)
        try text.replacingOccurrences(of: "\"formatVersion\" : 3", with: "\"formatVersion\" : 99")
            .write(toFile: mpath, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try DocumentIndex(path: path)) { e in
            XCTAssertTrue("\(e)".contains("version 99"), "\(e)")
        }
        // Manifest of version 2 (an index from before the stored mean vectors): rebuild.
        try text.replacingOccurrences(of: "\"formatVersion\" : 3", with: "\"formatVersion\" : 2")
            .write(toFile: mpath, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try DocumentIndex(path: path)) { e in
            XCTAssertEqual((e as? DesmError)?.path, mpath)
            XCTAssertEqual((e as? DesmError)?.message,
                           "index format version 2, this desm reads version 3: rebuild the index with `desm index`")
        }
        try text.write(toFile: mpath, atomically: true, encoding: .utf8)
        // A data file whose header says another version.
        try patch(path + "/" + IndexFiles.doclens, at: 8, [1, 0, 0, 0])
        XCTAssertThrowsError(try DocumentIndex(path: path)) { e in
            XCTAssertTrue("\(e)".contains("doclens: byte 8: index format version 1, this desm reads version 3: rebuild the index"), "\(e)")
        }
    }

    func testCorruptedFileFailsVerificationAndTruncatedFileFailsToOpen() throws {
        let (_, dir) = try buildIndex(makeDocuments(count: 40), model: makeModel()); dirs.append(dir)
        let path = dir + "/idx"
        XCTAssertNoThrow(try DocumentIndex(path: path).verify())
        // Flip one byte inside the centroids: beyond the checksum budget the index opens
        // (headers and sizes are right) and verify catches it.
        try patch(path + "/" + IndexFiles.centroidsIn, at: 100, [0x5A])
        let index = try DocumentIndex(path: path, checksumBudget: 0)
        XCTAssertEqual(index.checksummedAtOpen, [])
        XCTAssertThrowsError(try index.verify()) { e in
            XCTAssertTrue("\(e)".contains("centroids.in: checksum mismatch"), "\(e)")
        }
        // Truncate files (in reverse order of opening): opening fails naming each.
        for name in [IndexFiles.docterms, IndexFiles.docnos, IndexFiles.postings, IndexFiles.centroidsOut] {
            let p = path + "/" + name
            let size = try FileManager.default.attributesOfItem(atPath: p)[.size] as! Int
            XCTAssertEqual(truncate(p, off_t(size - 5)), 0)
            XCTAssertThrowsError(try DocumentIndex(path: path)) { e in
                XCTAssertTrue(e is DesmError)
                XCTAssertTrue("\(e)".contains(name), "\(e)")
            }
        }
        // Missing directory / not an index.
        XCTAssertThrowsError(try DocumentIndex(path: dir + "/nope")) { XCTAssertTrue("\($0)".contains("no such index")) }
        XCTAssertThrowsError(try DocumentIndex(path: dir)) { XCTAssertTrue("\($0)".contains("not an index")) }
    }

    func testCorruptedPostingsThrowInsteadOfReadingOutOfBounds() throws {
        let (_, dir) = try buildIndex(makeDocuments(count: 40), model: makeModel()); dirs.append(dir)
        let path = dir + "/idx"
        let p = path + "/" + IndexFiles.postings
        let size = try FileManager.default.attributesOfItem(atPath: p)[.size] as! Int
        // Overwrite the posting data (just before the trailer) with continuation bytes.
        try patch(p, at: size - 32 - 24, [UInt8](repeating: 0xFF, count: 24))
        let index = try DocumentIndex(path: path, checksumBudget: 0)   // as above the budget
        let ranker = try Ranker(index: index, model: nil)
        var threw = 0
        for w in try (0..<index.termCount).map({ try index.term($0) }) {
            do { _ = try ranker.rank(w, options: RankingOptions(scorer: .bm25), k: 5) } catch {
                XCTAssertTrue("\(error)".contains("malformed"), "\(error)")
                threw += 1
            }
        }
        XCTAssertGreaterThan(threw, 0)
    }

    func testRebuildReplacesAnIndexButNeverOtherData() throws {
        let model = makeModel()
        let (dir, path) = temporaryIndexPath(); dirs.append(dir)
        try IndexBuilder(model: model).build(documents: makeDocuments(count: 5), to: path)
        try IndexBuilder(model: model).build(documents: makeDocuments(count: 9), to: path + "/")
        XCTAssertEqual(try DocumentIndex(path: path).count, 9)
        let other = dir + "/precious"
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        try "keep".write(toFile: other + "/file", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try IndexBuilder(model: model).build(documents: makeDocuments(count: 5), to: other))
        XCTAssertTrue(FileManager.default.fileExists(atPath: other + "/file"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(), ["idx", "precious"])
    }

    func testCollectionReaderErrorsPropagateWithTheirPlace() throws {
        let (dir, path) = temporaryIndexPath(); dirs.append(dir)
        let jsonl = dir + "/c.jsonl"
        try "{\"_id\":\"1\",\"text\":\"apple\"}\nnot json\n".write(toFile: jsonl, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try IndexBuilder(model: makeModel()).build(collection: CollectionReader(path: jsonl), to: path)) { e in
            XCTAssertTrue("\(e)".hasPrefix("\(jsonl):2: not a valid JSON object"), "\(e)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }

    func patch(_ path: String, at offset: Int, _ bytes: [UInt8]) throws {
        let fd = open(path, O_WRONLY)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, bytes.count, off_t(offset)) }
        XCTAssertEqual(n, bytes.count)
    }
}
