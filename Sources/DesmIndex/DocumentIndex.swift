import DesmText
import Foundation

/// An index directory opened for searching. Every file is memory-mapped; opening reads only
/// the manifest and each file's header and trailer (sizes, format version, kind), so it
/// takes milliseconds whatever the collection's size, and resident memory grows only with
/// the pages a search touches. `verify()` recomputes every file's CRC-32.
public final class DocumentIndex: @unchecked Sendable {
    public let path: String
    public let manifest: IndexManifest
    /// Unit IN and OUT centroids, one row per document (zero rows for flagged documents).
    public let centroidsIn: FloatMatrix
    public let centroidsOut: FloatMatrix
    /// Document lengths in BM25 terms.
    public let lengths: UnsafeBufferPointer<UInt32>
    /// Per document: bit 0 set when it had no in-vocabulary word.
    public let flags: UnsafeBufferPointer<UInt8>
    let docnoTable: StringTable
    let snippetTable: StringTable
    let termTable: StringTable
    let postingsFile: IndexFile
    let postingOffsets: UnsafeBufferPointer<UInt64>
    let documentFrequencies: UnsafeBufferPointer<UInt32>
    let postingData: UnsafeBufferPointer<UInt8>
    /// Each document's terms and frequencies (`docterms`, see ForwardIndex.swift).
    let forward: ForwardIndex
    private let files: [String: IndexFile]

    public var count: Int { manifest.documents }
    public var dim: Int { manifest.dim }
    public var termCount: Int { termTable.count }

    public init(path: String) throws {
        self.path = path
        let m = try IndexManifest.load(directory: path)
        manifest = m
        var files: [String: IndexFile] = [:]
        func open(_ name: String, _ kind: IndexFileKind) throws -> IndexFile {
            let p = path + "/" + name
            guard let entry = m.files[name] else { throw DesmError("manifest lists no \(name)", path: path + "/" + IndexManifest.fileName) }
            let f = try IndexFile(path: p, kind: kind)
            guard f.file.count == entry.bytes else {
                throw DesmError("file is \(f.file.count) bytes, the manifest says \(entry.bytes) (truncated, or from another build)", path: p)
            }
            files[name] = f
            return f
        }
        let n = m.documents
        let ci = try open(IndexFiles.centroidsIn, .centroids)
        let co = try open(IndexFiles.centroidsOut, .centroids)
        let centroidBytes = n.multipliedReportingOverflow(by: m.dim).partialValue.multipliedReportingOverflow(by: 4)
        let centroidOverflow = n.multipliedReportingOverflow(by: m.dim).overflow || centroidBytes.overflow
        for f in [ci, co] where f.count != n || f.aux != m.dim || centroidOverflow || f.payload.count != centroidBytes.partialValue {
            throw DesmError("centroids are \(f.count) × \(f.aux), the manifest says \(n) × \(m.dim) (corrupted or mixed builds)", path: f.path)
        }
        centroidsIn = try FloatMatrix(mapped: ci.file, offset: IndexFileFormat.headerBytes, rows: n, cols: m.dim)
        centroidsOut = try FloatMatrix(mapped: co.file, offset: IndexFileFormat.headerBytes, rows: n, cols: m.dim)
        let dl = try open(IndexFiles.doclens, .doclens)
        let fl = try open(IndexFiles.docflags, .docflags)
        guard dl.count == n, dl.payload.count == n * 4 else { throw DesmError("document lengths do not match \(n) documents (corrupted)", path: dl.path) }
        guard fl.count == n, fl.payload.count == n else { throw DesmError("document flags do not match \(n) documents (corrupted)", path: fl.path) }
        lengths = try dl.view(UInt32.self, at: 0, count: n)
        flags = try fl.view(UInt8.self, at: 0, count: n)
        docnoTable = try StringTable(try open(IndexFiles.docnos, .strings))
        snippetTable = try StringTable(try open(IndexFiles.snippets, .strings))
        guard docnoTable.count == n, snippetTable.count == n else {
            throw DesmError("docno or snippet table does not match \(n) documents (corrupted)", path: path)
        }
        termTable = try StringTable(try open(IndexFiles.terms, .strings))
        let pf = try open(IndexFiles.postings, .postings)
        let t = pf.count
        guard t == termTable.count, t == m.bm25.terms else {
            throw DesmError("postings for \(t) terms, the term table has \(termTable.count) (corrupted)", path: pf.path)
        }
        postingsFile = pf
        postingOffsets = try pf.view(UInt64.self, at: 0, count: t + 1)
        documentFrequencies = try pf.view(UInt32.self, at: (t + 1) * 8, count: t)
        let dataAt = ((t + 1) * 8 + t * 4 + 7) / 8 * 8
        postingData = try pf.view(UInt8.self, at: dataAt, count: pf.aux)
        guard dataAt + pf.aux == pf.payload.count else {
            throw DesmError("postings sections do not add up (corrupted)", path: pf.path)
        }
        forward = try ForwardIndex(try open(IndexFiles.docterms, .documentTerms), documents: n, termCount: t)
        self.files = files
    }

    /// Recomputes the CRC-32 of every file and compares it with the file's trailer and the
    /// manifest. Reads the whole index.
    public func verify() throws {
        for name in IndexFiles.all {
            guard let f = files[name], let entry = manifest.files[name] else { continue }
            let crc = try f.verify()
            guard crc == entry.crc32 else {
                throw DesmError(String(format: "checksum %08x differs from the manifest's %08x (file from another build?)", crc, entry.crc32), path: f.path)
            }
        }
    }

    /// The document's id in the collection.
    public func docno(_ doc: Int) throws -> String { try docnoTable.string(doc) }

    /// The first bytes of the document's text (whitespace collapsed).
    public func snippet(_ doc: Int) throws -> String { try snippetTable.string(doc) }

    /// Whether the document had no in-vocabulary word (its DESM score is 0).
    public func lacksVocabulary(_ doc: Int) -> Bool { flags[doc] & 1 != 0 }

    /// The term's number in the sorted term table, or nil when no document has it.
    public func termID(_ term: String) throws -> Int? { try termTable.find(Array(term.utf8)) }

    public func documentFrequency(_ term: Int) -> Int { Int(documentFrequencies[term]) }

    public func term(_ id: Int) throws -> String { try termTable.string(id) }

    /// The encoded postings of a term, bounds-checked.
    func postingBytes(_ term: Int) throws -> UnsafeBufferPointer<UInt8> {
        guard let a = Int(exactly: postingOffsets[term]), let b = Int(exactly: postingOffsets[term + 1]),
              a >= 0, a <= b, b <= postingData.count else {
            throw DesmError.at(postingsFile.path, offset: IndexFileFormat.headerBytes + term * 8,
                               "posting offsets out of order (corrupted)")
        }
        return UnsafeBufferPointer(rebasing: postingData[a..<b])
    }

    /// Calls `body(doc, tf)` for each posting of a term, in document order. A malformed list
    /// (a corrupted file) throws rather than reading out of bounds.
    @inline(__always)
    public func forEachPosting(_ term: Int, _ body: (Int, UInt32) -> Void) throws {
        let bytes = try postingBytes(term)
        var p = 0
        var doc = 0
        let end = bytes.count
        let n = count
        var seen = 0
        while p < end {
            guard let (delta, p1) = decodeVarint(bytes, p), let (tf, p2) = decodeVarint(bytes, p1) else {
                throw corruptPostings(term)
            }
            doc += Int(delta)
            guard doc < n, seen == 0 || delta > 0 else { throw corruptPostings(term) }
            body(doc, tf)
            seen += 1
            p = p2
        }
        guard seen == documentFrequency(term) else { throw corruptPostings(term) }
    }

    private func corruptPostings(_ term: Int) -> DesmError {
        DesmError("postings of term \(term) (\((try? self.term(term)) ?? "?")) are malformed (corrupted file)", path: postingsFile.path)
    }

    /// The term frequencies of one document for the given terms (for explanations):
    /// a binary-search-free scan of each term's postings.
    func termFrequency(_ term: Int, doc: Int) throws -> UInt32 {
        var found: UInt32 = 0
        try forEachPosting(term) { d, tf in if d == doc { found = tf } }
        return found
    }
}
