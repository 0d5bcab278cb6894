import DesmText
import Foundation

/// An index directory opened for searching. Every file is memory-mapped, and resident
/// memory grows only with the pages a search touches. Opening reads the manifest and checks
/// each file's header and trailer (format version, kind, sizes) against it and against the
/// other files, and verifies the CRC-32 of the files in increasing size while their total
/// stays within `CRC32.openBudgetBytes` (all of them for indexes up to that size): a
/// corrupt index of that size is refused at open, and opening a larger one stays fast.
/// `verify()` checks the CRC-32 of the rest.
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
    /// The model's mean word vectors the index was built with (`means`): what a `--center`
    /// index subtracted, and what query-time centring subtracts, whatever the model file.
    public let wordMeans: WordMeans
    let docnoTable: StringTable
    let snippetTable: StringTable
    let termTable: StringTable
    let postingsFile: IndexFile
    let postingOffsets: UnsafeBufferPointer<UInt64>
    let documentFrequencies: UnsafeBufferPointer<UInt32>
    let postingData: UnsafeBufferPointer<UInt8>
    /// Each document's terms and frequencies (`docterms`, see ForwardIndex.swift).
    let forward: ForwardIndex
    /// A shard's documents' positions in the whole collection (`positions`), else nil.
    let positions: UnsafeBufferPointer<UInt64>?
    /// The whole collection's df per term (`globaldf`), when built with collection statistics.
    let globalFrequencies: UnsafeBufferPointer<UInt32>?
    private let files: [String: IndexFile]
    /// The files whose CRC-32 opening verified (all of them when the index is within the
    /// budget), in the order it verified them.
    public let checksummedAtOpen: [String]

    public var count: Int { manifest.documents }
    public var dim: Int { manifest.dim }
    public var termCount: Int { termTable.count }

    /// Opens the index at `path`; `checksumBudget` bytes of files are CRC-checked (see above).
    public init(path: String, checksumBudget: Int = CRC32.openBudgetBytes) throws {
        self.path = path
        let m = try IndexManifest.load(directory: path)
        manifest = m
        var files: [String: IndexFile] = [:]
        for name in IndexFiles.all {
            let p = path + "/" + name
            guard let entry = m.files[name] else { throw DesmError("manifest lists no \(name)", path: path + "/" + IndexManifest.fileName) }
            let f = try IndexFile(path: p, kind: IndexFiles.kind(of: name))
            guard f.file.count == entry.bytes else {
                throw DesmError("file is \(f.file.count) bytes, the manifest says \(entry.bytes) (truncated, or from another build)", path: p)
            }
            files[name] = f
        }
        for name in IndexFiles.optional {
            let listed = m.files[name] != nil
            let expected = name == IndexFiles.positions ? m.shard != nil : m.collectionStatistics != nil
            guard listed == expected else {
                throw DesmError(listed ? "manifest lists \(name) but the index is not a shard with collection statistics (corrupted manifest)"
                                       : "manifest lists no \(name)", path: path + "/" + IndexManifest.fileName)
            }
            guard let entry = m.files[name] else { continue }
            let p = path + "/" + name
            let f = try IndexFile(path: p, kind: IndexFiles.kind(of: name))
            guard f.file.count == entry.bytes else {
                throw DesmError("file is \(f.file.count) bytes, the manifest says \(entry.bytes) (truncated, or from another build)", path: p)
            }
            files[name] = f
        }
        self.files = files
        checksummedAtOpen = try DocumentIndex.checksumsWithinBudget(files, manifest: m, budget: checksumBudget)
        let n = m.documents
        let ci = files[IndexFiles.centroidsIn]!, co = files[IndexFiles.centroidsOut]!
        let centroidBytes = n.multipliedReportingOverflow(by: m.dim).partialValue.multipliedReportingOverflow(by: 4)
        let centroidOverflow = n.multipliedReportingOverflow(by: m.dim).overflow || centroidBytes.overflow
        for f in [ci, co] where f.count != n || f.aux != m.dim || centroidOverflow || f.payload.count != centroidBytes.partialValue {
            throw DesmError("centroids are \(f.count) × \(f.aux), the manifest says \(n) × \(m.dim) (corrupted or mixed builds)", path: f.path)
        }
        centroidsIn = try FloatMatrix(mapped: ci.file, offset: IndexFileFormat.headerBytes, rows: n, cols: m.dim)
        centroidsOut = try FloatMatrix(mapped: co.file, offset: IndexFileFormat.headerBytes, rows: n, cols: m.dim)
        let dl = files[IndexFiles.doclens]!, fl = files[IndexFiles.docflags]!
        guard dl.count == n, dl.payload.count == n * 4 else { throw DesmError("document lengths do not match \(n) documents (corrupted)", path: dl.path) }
        guard fl.count == n, fl.payload.count == n else { throw DesmError("document flags do not match \(n) documents (corrupted)", path: fl.path) }
        lengths = try dl.view(UInt32.self, at: 0, count: n)
        flags = try fl.view(UInt8.self, at: 0, count: n)
        docnoTable = try StringTable(files[IndexFiles.docnos]!)
        snippetTable = try StringTable(files[IndexFiles.snippets]!)
        guard docnoTable.count == n, snippetTable.count == n else {
            throw DesmError("docno or snippet table does not match \(n) documents (corrupted)", path: path)
        }
        termTable = try StringTable(files[IndexFiles.terms]!)
        let pf = files[IndexFiles.postings]!
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
        forward = try ForwardIndex(files[IndexFiles.docterms]!, documents: n, termCount: t)
        let mf = files[IndexFiles.means]!
        guard mf.count == 2, mf.aux == m.dim, mf.payload.count == 16 * m.dim else {
            throw DesmError("mean vectors are \(mf.count) × \(mf.aux), expected 2 × \(m.dim) (corrupted or mixed builds)", path: mf.path)
        }
        let mu = try mf.view(UInt64.self, at: 0, count: 2 * m.dim).map { Double(bitPattern: UInt64(littleEndian: $0)) }
        wordMeans = WordMeans(input: Array(mu[0..<m.dim]), output: Array(mu[m.dim...]), weighting: m.wordMean)
        (positions, globalFrequencies) = try DocumentIndex.openShardFiles(files, manifest: m, terms: t)
    }

    /// Verifies the CRC-32 of the files in increasing size (ties in `IndexFiles.all` order)
    /// while their total stays within `budget` bytes; returns their names.
    private static func checksumsWithinBudget(_ files: [String: IndexFile], manifest: IndexManifest, budget: Int) throws -> [String] {
        var checked: [String] = []
        var total = 0
        let bySize = (IndexFiles.all + IndexFiles.optional).filter { files[$0] != nil }.enumerated().sorted {
            (files[$0.element]!.file.count, $0.offset) < (files[$1.element]!.file.count, $1.offset)
        }
        for (_, name) in bySize {
            let f = files[name]!
            guard total + f.file.count <= budget else { break }
            total += f.file.count
            try verifyChecksum(f, expected: manifest.files[name]!.crc32)
            checked.append(name)
        }
        return checked
    }

    /// Recomputes one file's CRC-32 and compares it with its trailer and the manifest's.
    private static func verifyChecksum(_ f: IndexFile, expected: UInt32) throws {
        let crc = try f.verify()
        guard crc == expected else {
            throw DesmError(String(format: "checksum %08x differs from the manifest's %08x (file from another build?)", crc, expected), path: f.path)
        }
    }

    /// Recomputes the CRC-32 of every file that opening did not verify and compares it with
    /// the file's trailer and the manifest (the files opening verified were checked the same
    /// way). Reads the rest of the index.
    public func verify() throws {
        for name in IndexFiles.all + IndexFiles.optional where files[name] != nil && !checksummedAtOpen.contains(name) {
            try DocumentIndex.verifyChecksum(files[name]!, expected: manifest.files[name]!.crc32)
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
