import DesmText

/// What `DocumentIndex.verifyStructure()` decoded and checked.
public struct IndexStructureSummary: Equatable, Sendable {
    public var documents: Int
    public var terms: Int
    /// (term, document) pairs decoded from the postings.
    public var postings: Int
    /// (document, term) pairs decoded from the forward index (equal to `postings`).
    public var documentTerms: Int

    public init(documents: Int, terms: Int, postings: Int, documentTerms: Int) {
        self.documents = documents
        self.terms = terms
        self.postings = postings
        self.documentTerms = documentTerms
    }
}

extension DocumentIndex {
    /// The deep structural check of `desm verify` (the checksums are `verify()`'s): every
    /// docno and snippet decodes; the term table is strictly sorted; every posting list
    /// decodes and their postings add up to the manifest's; every document's forward-index
    /// terms decode, add up to the same number of pairs, and their frequencies sum to the
    /// document's length in `doclens`; the forward index is exactly the transpose of the
    /// postings (same (document, term, tf) triples); every centroid is finite with norm 1 or
    /// 0; the mean word vectors are finite. Reads the whole index; the extra memory is 16 bytes per document. The first problem
    /// throws a DesmError naming the file.
    public func verifyStructure() throws -> IndexStructureSummary {
        let n = count
        for d in 0..<n {
            _ = try docno(d)
            _ = try snippet(d)
            if d & 0xFFFF == 0 { try Interrupt.check("verify") }
        }
        var postings = 0
        var previous: UnsafeBufferPointer<UInt8>? = nil
        for t in 0..<termCount {
            let term = try termTable.bytes(t)
            if let p = previous, !p.lexicographicallyPrecedes(term) {
                throw DesmError("term table is not strictly sorted at term \(t) (\"\(String(decoding: term, as: UTF8.self))\" after \"\(String(decoding: p, as: UTF8.self))\"): corrupted",
                                path: termTable.file.path)
            }
            previous = term
            try forEachPosting(t) { _, _ in postings += 1 }
            if t & 0xFFFF == 0 { try Interrupt.check("verify") }
        }
        guard postings == manifest.bm25.postings else {
            throw DesmError("\(postings) postings decoded, the manifest says \(manifest.bm25.postings)", path: postingsFile.path)
        }
        let pairs = try verifyForwardIndex(postings: postings)
        for (name, matrix) in [(IndexFiles.centroidsIn, centroidsIn), (IndexFiles.centroidsOut, centroidsOut)] {
            for d in 0..<matrix.rows {
                var norm: Double = 0
                for x in matrix.row(d) {
                    guard x.isFinite else { throw DesmError("centroid of document \(d) holds \(x): corrupted", path: path + "/" + name) }
                    norm += Double(x) * Double(x)
                }
                guard norm == 0 || abs(norm - 1) < 1e-3 else {
                    throw DesmError("centroid of document \(d) has norm \(norm.squareRoot()), expected 1 or 0: corrupted", path: path + "/" + name)
                }
                if d & 0xFFFF == 0 { try Interrupt.check("verify") }
            }
        }
        for (space, mu) in [("IN", wordMeans.input), ("OUT", wordMeans.output)] where mu.contains(where: { !$0.isFinite }) {
            throw DesmError("the mean \(space) word vector holds a non-finite value: corrupted", path: path + "/" + IndexFiles.means)
        }
        try verifyShardFiles()
        return IndexStructureSummary(documents: n, terms: termCount, postings: postings, documentTerms: pairs)
    }

    /// The forward index's part of `verifyStructure`; returns its number of pairs.
    private func verifyForwardIndex(postings: Int) throws -> Int {
        let n = count
        let f = forward
        guard f.offsets[0] == 0, f.offsets[n] == UInt64(f.data.count) else {
            throw DesmError.at(f.file.path, offset: IndexFileFormat.headerBytes,
                               "forward index offsets do not span its data (corrupted)")
        }
        // Each document on its own: decodes, and Σ tf is its length.
        var pairs = 0
        for d in 0..<n {
            var sum = 0
            try f.forEachTerm(d) { _, tf in sum += Int(tf); pairs += 1 }
            guard sum == Int(lengths[d]) else {
                throw DesmError("document \(d)'s term frequencies add up to \(sum), its length in \(IndexFiles.doclens) is \(lengths[d]) (corrupted or mixed builds)",
                                path: f.file.path)
            }
            if d & 0xFFFF == 0 { try Interrupt.check("verify") }
        }
        guard pairs == postings else {
            throw DesmError("\(pairs) (document, term) pairs decoded, the postings hold \(postings) (corrupted or mixed builds)", path: f.file.path)
        }
        // The transpose: walking the postings in term order consumes each document's forward
        // list in order (a cursor and the previous term id per document).
        var cursor = [Int](repeating: 0, count: n)
        for d in 0..<n { cursor[d] = Int(f.offsets[d]) }   // in range: checked above
        var prev = [Int](repeating: 0, count: n)
        var mismatch: (doc: Int, tf: UInt32)? = nil
        for t in 0..<termCount {
            try forEachPosting(t) { d, tf in
                guard mismatch == nil else { return }
                let end = Int(f.offsets[d + 1])
                guard cursor[d] < end,
                      let (delta, p1) = decodeVarint(f.data, cursor[d]), let (tf2, p2) = decodeVarint(f.data, p1),
                      p2 <= end, prev[d] + Int(delta) == t, tf2 == tf else {
                    mismatch = (d, tf)
                    return
                }
                cursor[d] = p2
                prev[d] = t
            }
            if let m = mismatch {
                throw DesmError("document \(m.doc)'s terms differ from the postings at term \(t) (\((try? term(t)) ?? "?"), tf \(m.tf)) (corrupted or mixed builds)",
                                path: f.file.path)
            }
            if t & 0xFFFF == 0 { try Interrupt.check("verify") }
        }
        for d in 0..<n where cursor[d] != Int(f.offsets[d + 1]) {
            throw DesmError("document \(d) has terms the postings lack (corrupted or mixed builds)", path: f.file.path)
        }
        return pairs
    }
}
