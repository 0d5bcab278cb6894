import DesmText

// The forward index (`docterms`): for each document, its distinct BM25 terms in increasing
// term id with their frequencies — what pseudo-relevance feedback (RM3) reads for the
// top-ranked documents. It is the transpose of the postings, written at the end of a build
// from the in-memory postings; see `IndexFileKind.documentTerms` for the layout.

// MARK: Writing

/// Writes `docterms` from the builder's in-memory postings (`postings[t]`: varint(docid
/// delta), varint(tf) pairs of term `t` in document order) once the final term order is known
/// (`order[rank]` = the builder's term number of the term with id `rank` in the sorted term
/// table, the id the postings file uses).
///
/// No per-document term maps are kept: pass 1 walks every posting in term-id order and adds
/// each pair's encoded size to its document (term ids reach a document in increasing order,
/// so its deltas are known from the previous id seen, `prev`); the sizes are prefix-summed
/// into the offsets, which are written out and then reused as per-document write cursors by
/// pass 2, which encodes each posting into one flat buffer at its document's cursor.
/// Memory: the buffer (about the postings' size) + 12 bytes per document.
func writeForwardIndex(path: String, postings: [[UInt8]], order: [Int], documents n: Int) throws -> IndexManifest.FileEntry {
    var offsets = [UInt64](repeating: 0, count: n + 1)
    var prev = [UInt32](repeating: 0, count: n)
    // Pass 1: each document's byte size, in offsets[doc + 1].
    try forEachBuiltPosting(postings, order, documents: n) { id, doc, tf in
        offsets[doc + 1] += UInt64(varintSize(id &- prev[doc]) + varintSize(tf))
        prev[doc] = id
    }
    for d in 0..<n { offsets[d + 1] += offsets[d] }
    let total = Int(offsets[n])

    let writer = try IndexFileWriter(path: path, kind: .documentTerms)
    var chunk: [UInt64] = []
    chunk.reserveCapacity(min(n + 1, 1 << 13))
    for start in stride(from: 0, through: n, by: 1 << 13) {
        chunk.removeAll(keepingCapacity: true)
        for d in start..<min(start + (1 << 13), n + 1) { chunk.append(offsets[d].littleEndian) }
        try writer.write(array: chunk)
    }
    try writer.pad(to: 8)

    // Pass 2: encode every posting at its document's cursor (offsets[doc] from here on).
    let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(total, 1))
    defer { buffer.deallocate() }
    let base = buffer.baseAddress!
    for d in 0..<n { prev[d] = 0 }
    try forEachBuiltPosting(postings, order, documents: n) { id, doc, tf in
        var at = Int(offsets[doc])
        storeVarint(base, &at, id &- prev[doc])
        storeVarint(base, &at, tf)
        offsets[doc] = UInt64(at)
        prev[doc] = id
    }
    // Every cursor ends where the next document starts: the last one at the end.
    guard n == 0 || offsets[n - 1] == UInt64(total) else {
        throw DesmError("internal error: forward index sizes disagree between passes", path: path)
    }
    try writer.write(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buffer[0..<total])))
    return try writer.finish(count: n, aux: total)
}

/// Calls `body(term id, doc, tf)` for every in-memory posting, terms in id order.
private func forEachBuiltPosting(_ postings: [[UInt8]], _ order: [Int], documents n: Int,
                                 _ body: (UInt32, Int, UInt32) -> Void) throws {
    for (rank, t) in order.enumerated() {
        if rank & 0xFFFF == 0 { try Interrupt.check("indexing") }
        let id = UInt32(rank)
        let ok = postings[t].withUnsafeBufferPointer { bytes -> Bool in
            var p = 0
            var doc = 0
            while p < bytes.count {
                guard let (delta, p1) = decodeVarint(bytes, p), let (tf, p2) = decodeVarint(bytes, p1) else { return false }
                doc += Int(delta)
                guard doc < n else { return false }
                body(id, doc, tf)
                p = p2
            }
            return true
        }
        guard ok else { throw DesmError("internal error: in-memory postings of term \(rank) are malformed") }
    }
}

// MARK: Reading

/// The mapped `docterms` file of an open index, its sections checked against the document
/// count on open; every read is bounds-checked.
struct ForwardIndex: @unchecked Sendable {
    let file: IndexFile
    let offsets: UnsafeBufferPointer<UInt64>
    let data: UnsafeBufferPointer<UInt8>
    let termCount: Int
    /// Where the data section starts in the payload.
    let dataAt: Int

    /// `documents` has been checked against the other files already (bounded).
    init(_ file: IndexFile, documents n: Int, termCount: Int) throws {
        guard file.count == n else {
            throw DesmError("forward index for \(file.count) documents, the manifest says \(n) (corrupted or mixed builds)", path: file.path)
        }
        self.file = file
        self.termCount = termCount
        dataAt = (n + 1) * 8
        offsets = try file.view(UInt64.self, at: 0, count: n + 1)
        data = try file.view(UInt8.self, at: dataAt, count: file.aux)
        guard dataAt + file.aux == file.payload.count else {
            throw DesmError("forward index sections do not add up (corrupted)", path: file.path)
        }
    }

    /// The encoded terms of a document, bounds-checked.
    func bytes(_ doc: Int) throws -> (bytes: UnsafeBufferPointer<UInt8>, start: Int) {
        guard doc >= 0, doc < file.count else {
            throw DesmError("document \(doc) out of range 0..<\(file.count)", path: file.path)
        }
        guard let a = Int(exactly: offsets[doc]), let b = Int(exactly: offsets[doc + 1]),
              a >= 0, a <= b, b <= data.count else {
            throw DesmError.at(file.path, offset: IndexFileFormat.headerBytes + doc * 8,
                               "forward index offsets out of order at document \(doc) (corrupted)")
        }
        return (UnsafeBufferPointer(rebasing: data[a..<b]), a)
    }

    /// Calls `body(term id, tf)` for each term of a document in increasing id; malformed data
    /// throws a DesmError naming the file and the byte, never reads out of bounds.
    @inline(__always)
    func forEachTerm(_ doc: Int, _ body: (Int, UInt32) -> Void) throws {
        let (bytes, start) = try bytes(doc)
        var p = 0
        var term = 0
        let end = bytes.count
        while p < end {
            guard let (delta, p1) = decodeVarint(bytes, p), let (tf, p2) = decodeVarint(bytes, p1) else {
                throw malformed(doc, start + p, "a varint runs past the document's end")
            }
            guard p == 0 || delta > 0 else { throw malformed(doc, start + p, "term ids do not increase") }
            term += Int(delta)
            guard term < termCount else { throw malformed(doc, start + p, "term id \(term) is not below the \(termCount) terms") }
            guard tf > 0 else { throw malformed(doc, start + p1, "term frequency 0") }
            body(term, tf)
            p = p2
        }
    }

    func malformed(_ doc: Int, _ dataOffset: Int, _ what: String) -> DesmError {
        DesmError.at(file.path, offset: IndexFileFormat.headerBytes + dataAt + dataOffset,
                     "terms of document \(doc) are malformed: \(what) (corrupted)")
    }
}

extension DocumentIndex {
    /// Calls `body(term id, tf)` for each distinct BM25 term of document `doc`, in increasing
    /// term id (the id of `term(_:)`, `termID(_:)` and `forEachPosting`). A document out of
    /// range or malformed data (offsets out of order, a varint running past the document,
    /// term ids not increasing or not below `termCount`, a zero frequency) throws a DesmError
    /// naming `docterms`; nothing is read out of bounds.
    public func forEachDocumentTerm(_ doc: Int, _ body: (Int, UInt32) -> Void) throws {
        try forward.forEachTerm(doc, body)
    }

    /// The distinct BM25 terms of document `doc` with their frequencies, in increasing term id
    /// (see `forEachDocumentTerm`).
    public func documentTerms(_ doc: Int) throws -> [(term: Int, tf: UInt32)] {
        var out: [(term: Int, tf: UInt32)] = []
        try forward.forEachTerm(doc) { out.append((term: $0, tf: $1)) }
        return out
    }
}
