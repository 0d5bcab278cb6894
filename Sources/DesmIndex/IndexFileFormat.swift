import DesmText

/// The binary container every index file uses (all little-endian):
///
/// ```
/// header  64 bytes  magic "DESMINDX", format version u32, kind u32, 48 zero bytes
/// payload           kind-specific (see `IndexFileKind`)
/// trailer 32 bytes  count u64, aux u64, payload length u64, CRC-32 u32, magic "DEND"
/// ```
///
/// The CRC-32 covers the header, the payload and the first 24 trailer bytes. Counts live in
/// the trailer so that a file can be streamed out before its size is known. Opening checks
/// header, trailer and length (cheap); `verify` recomputes the CRC (reads every byte).
public enum IndexFileFormat {
    public static let magic: [UInt8] = Array("DESMINDX".utf8)
    public static let trailerMagic: UInt32 = 0x444E_4544 // "DEND" little-endian
    /// Bumped whenever any index file layout or the manifest changes meaning.
    /// 2: the forward index (`docterms`) was added.
    /// 3: the mean word vectors (`means`) were added; opening verifies checksums (budget).
    public static let version: UInt32 = 3
    public static let headerBytes = 64
    public static let trailerBytes = 32
}

/// What an index file holds; the number is stored in its header.
public enum IndexFileKind: UInt32, Sendable, CaseIterable {
    /// N × dim float32 unit rows. count = N, aux = dim.
    case centroids = 1
    /// Offsets u64 × (T+1) into the data, document frequency u32 × T (padded to 8 bytes),
    /// then for each term its postings: varint(docid delta), varint(tf) pairs.
    /// count = T, aux = data bytes.
    case postings = 2
    /// A string table (see `StringTable`). count = number of strings, aux = byte length.
    case strings = 3
    /// u32 per document (BM25 length in terms). count = N.
    case doclens = 4
    /// u8 per document: bit 0 = no in-vocabulary word (DESM scores 0). count = N.
    case docflags = 5
    /// The forward index: offsets u64 × (N+1) into the data, then (8-byte aligned) for each
    /// document its distinct BM25 terms in increasing term id (the id the postings use):
    /// varint(term id delta from the document's previous term; the first is the id itself),
    /// varint(tf) pairs. count = N, aux = data bytes.
    case documentTerms = 6
    /// The model's mean word vectors the index was built with (`WordMeans`): μ_IN then
    /// μ_OUT, float64 × dim each — double, as they are computed and subtracted, so that query
    /// vectors are centred exactly as the indexed ones were. count = 2, aux = dim.
    case means = 7
    /// u64 per document: its position in the whole collection (0-based), increasing (a
    /// shard's documents, `IndexFiles.positions`). count = N, aux = documents in the collection.
    case positions = 8
    /// u32 per term (in term-table order): its document frequency in the whole collection
    /// (`IndexFiles.globalDocumentFrequencies`). count = T, aux = documents in the collection.
    case documentFrequencies = 9

    var name: String {
        switch self {
        case .centroids: return "centroids"
        case .postings: return "postings"
        case .strings: return "strings"
        case .doclens: return "doclens"
        case .docflags: return "docflags"
        case .documentTerms: return "docterms"
        case .means: return "means"
        case .positions: return "positions"
        case .documentFrequencies: return "globaldf"
        }
    }
}

/// The files of an index directory.
public enum IndexFiles {
    public static let centroidsIn = "centroids.in"
    public static let centroidsOut = "centroids.out"
    public static let postings = "postings"
    public static let terms = "terms"
    public static let doclens = "doclens"
    public static let docflags = "docflags"
    public static let docnos = "docnos"
    public static let snippets = "snippets"
    /// The forward index (each document's BM25 terms and frequencies), format version 2.
    public static let docterms = "docterms"
    /// The mean word vectors μ_IN, μ_OUT (`WordMeans`), format version 3.
    public static let means = "means"
    /// A shard's documents' positions in the whole collection (u64 each, increasing).
    public static let positions = "positions"
    /// The whole collection's document frequency of each term (u32 × T), when the index was
    /// built with `--statistics`.
    public static let globalDocumentFrequencies = "globaldf"
    /// Every file but the manifest. New files go at the end (fuzz inputs select files by
    /// their position here).
    public static let all = [centroidsIn, centroidsOut, postings, terms, doclens, docflags, docnos, snippets, docterms, means]
    /// Files only some indexes have (shards; indexes with collection statistics): present
    /// exactly when the manifest lists them and says why (`shard`, `collectionStatistics`).
    public static let optional = [positions, globalDocumentFrequencies]

    /// The kind each file's header must hold.
    static func kind(of name: String) -> IndexFileKind {
        switch name {
        case centroidsIn, centroidsOut: return .centroids
        case postings: return .postings
        case terms, docnos, snippets: return .strings
        case doclens: return .doclens
        case docflags: return .docflags
        case docterms: return .documentTerms
        case means: return .means
        case positions: return .positions
        case globalDocumentFrequencies: return .documentFrequencies
        default: preconditionFailure("\(name) is not an index file")
        }
    }
}

/// Streams one index file: header, payload, trailer with CRC, through `AtomicFileWriter`.
final class IndexFileWriter {
    let path: String
    let kind: IndexFileKind
    private let writer: AtomicFileWriter
    private var crc = CRC32()
    private(set) var payloadBytes = 0

    init(path: String, kind: IndexFileKind) throws {
        self.path = path
        self.kind = kind
        writer = try AtomicFileWriter(path: path)
        var header = IndexFileFormat.magic
        appendLE(&header, IndexFileFormat.version)
        appendLE(&header, kind.rawValue)
        header += [UInt8](repeating: 0, count: IndexFileFormat.headerBytes - header.count)
        try header.withUnsafeBytes { try raw($0) }
    }

    private func raw(_ bytes: UnsafeRawBufferPointer) throws {
        crc.update(bytes)
        try writer.write(bytes)
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try raw(bytes)
        payloadBytes += bytes.count
    }

    func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }

    func write<T>(array: [T]) throws { try array.withUnsafeBytes { try write($0) } }

    /// Zero bytes up to the next multiple of `alignment` in the payload.
    func pad(to alignment: Int) throws {
        let r = payloadBytes % alignment
        if r != 0 { try write([UInt8](repeating: 0, count: alignment - r)) }
    }

    /// Writes the trailer and renames the file into place. Returns (bytes, CRC-32).
    func finish(count: Int, aux: Int) throws -> IndexManifest.FileEntry {
        var t: [UInt8] = []
        appendLE(&t, UInt64(count))
        appendLE(&t, UInt64(aux))
        appendLE(&t, UInt64(payloadBytes))
        try t.withUnsafeBytes { try raw($0) }
        let value = crc.value
        var tail: [UInt8] = []
        appendLE(&tail, value)
        appendLE(&tail, IndexFileFormat.trailerMagic)
        try writer.write(tail)
        try writer.commit()
        return IndexManifest.FileEntry(bytes: writer.bytesWritten, crc32: value)
    }
}

@inline(__always)
func appendLE<T: FixedWidthInteger>(_ bytes: inout [UInt8], _ value: T) {
    var v = value.littleEndian
    withUnsafeBytes(of: &v) { bytes.append(contentsOf: $0) }
}

/// One mapped index file whose header and trailer have been checked.
public final class IndexFile: @unchecked Sendable {
    let file: MappedFile
    let kind: IndexFileKind
    let count: Int
    let aux: Int
    /// The payload bytes (between header and trailer).
    let payload: UnsafeRawBufferPointer
    var path: String { file.path }

    /// Maps and checks `path`; `kind` nil accepts any known kind (`desm verify FILE`).
    init(path: String, kind expected: IndexFileKind?) throws {
        file = try MappedFile(path: path)
        let h = IndexFileFormat.headerBytes, t = IndexFileFormat.trailerBytes
        guard file.count >= h + t else {
            throw DesmError.at(path, offset: file.count, "file ends early: \(file.count) bytes is shorter than an index file's header and trailer (truncated?)")
        }
        guard Array(file.bytes[0..<8]) == IndexFileFormat.magic else {
            throw DesmError.at(path, offset: 0, "not a desm index file (bad magic)")
        }
        let version = try file.load(UInt32.self, at: 8)
        guard version == IndexFileFormat.version else {
            throw DesmError.at(path, offset: 8, "index format version \(version), this desm reads version \(IndexFileFormat.version): rebuild the index with `desm index`")
        }
        let k = try file.load(UInt32.self, at: 12)
        let found = IndexFileKind(rawValue: k)
        if let expected, found != expected {
            throw DesmError.at(path, offset: 12, "file holds \(found?.name ?? "kind \(k)"), expected \(expected.name)")
        }
        guard let found else { throw DesmError.at(path, offset: 12, "unknown index file kind \(k)") }
        kind = found
        let tail = file.count - t
        guard try file.load(UInt32.self, at: tail + 28) == IndexFileFormat.trailerMagic else {
            throw DesmError.at(path, offset: tail + 28, "trailer missing (file truncated or corrupted)")
        }
        let payloadLength = try file.load(UInt64.self, at: tail + 16)
        guard payloadLength == UInt64(file.count - h - t) else {
            throw DesmError.at(path, offset: tail + 16, "payload length \(payloadLength) does not match the file size \(file.count) (truncated or corrupted)")
        }
        let c = try file.load(UInt64.self, at: tail)
        let a = try file.load(UInt64.self, at: tail + 8)
        guard c < UInt64(Int32.max) * 16, a < UInt64(1) << 48 else {
            throw DesmError.at(path, offset: tail, "implausible counts in the trailer (corrupted)")
        }
        count = Int(c)
        aux = Int(a)
        payload = UnsafeRawBufferPointer(rebasing: file.bytes[h..<(h + Int(payloadLength))])
    }

    /// Recomputes the CRC-32 over the whole file and compares it with the stored one.
    func verify() throws -> UInt32 {
        let n = file.count - 8
        var crc = CRC32()
        var off = 0
        while off < n {
            let step = min(1 << 24, n - off)
            crc.update(UnsafeRawBufferPointer(rebasing: file.bytes[off..<(off + step)]))
            off += step
            try Interrupt.check("verifying \(path)")
        }
        let stored = try file.load(UInt32.self, at: n)
        guard stored == crc.value else {
            throw DesmError(String(format: "checksum mismatch (stored %08x, computed %08x): the file is corrupted", stored, crc.value), path: path)
        }
        return stored
    }

    /// Checks one index file on its own (`desm verify FILE`): magic, version, kind, trailer,
    /// payload length and the CRC-32 of the whole file.
    public static func verifyStandalone(path: String) throws -> (kind: String, count: Int, bytes: Int) {
        let f = try IndexFile(path: path, kind: nil)
        _ = try f.verify()
        return ("\(f.kind)", f.count, f.file.count)
    }

    /// A typed view of `count` elements at `offset` in the payload, bounds-checked.
    func view<T>(_ type: T.Type, at offset: Int, count n: Int) throws -> UnsafeBufferPointer<T> {
        let size = MemoryLayout<T>.stride
        guard offset >= 0, n >= 0, offset % MemoryLayout<T>.alignment == 0,
              offset + n * size <= payload.count else {
            throw DesmError.at(path, offset: IndexFileFormat.headerBytes + offset,
                               "section of \(n) × \(size) bytes does not fit in the file (truncated or corrupted)")
        }
        let base = payload.baseAddress.map { ($0 + offset).assumingMemoryBound(to: T.self) }
        return UnsafeBufferPointer(start: n == 0 ? nil : base, count: n)
    }
}

/// A table of strings stored as their UTF-8 bytes, then (8-byte aligned) u64 offsets × (n+1).
/// Bytes come first so that the table can be streamed; the offsets are kept in memory while
/// writing (8 bytes per string).
struct StringTable: @unchecked Sendable {
    let file: IndexFile
    let offsets: UnsafeBufferPointer<UInt64>
    let bytes: UnsafeBufferPointer<UInt8>
    var count: Int { file.count }

    init(_ file: IndexFile) throws {
        self.file = file
        let byteCount = file.aux
        let offsetsAt = (byteCount + 7) / 8 * 8
        bytes = try file.view(UInt8.self, at: 0, count: byteCount)
        offsets = try file.view(UInt64.self, at: offsetsAt, count: file.count + 1)
        guard offsetsAt + (file.count + 1) * 8 == file.payload.count else {
            throw DesmError.at(file.path, offset: IndexFileFormat.headerBytes, "string table sizes do not add up (corrupted)")
        }
    }

    /// The bytes of string `i`, bounds-checked against corruption.
    func bytes(_ i: Int) throws -> UnsafeBufferPointer<UInt8> {
        guard i >= 0, i < count else { throw DesmError("string \(i) out of range 0..<\(count)", path: file.path) }
        guard let a = Int(exactly: offsets[i]), let b = Int(exactly: offsets[i + 1]),
              a >= 0, a <= b, b <= bytes.count else {
            throw DesmError.at(file.path, offset: IndexFileFormat.headerBytes + (bytes.count + 7) / 8 * 8 + i * 8,
                               "string offsets out of order (corrupted)")
        }
        return UnsafeBufferPointer(rebasing: bytes[a..<b])
    }

    func string(_ i: Int) throws -> String {
        String(decoding: try bytes(i), as: UTF8.self)
    }

    /// Binary search in a table sorted by byte order.
    func find(_ key: [UInt8]) throws -> Int? {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            let s = try bytes(mid)
            if lexicographicallyLess(s, key) { lo = mid + 1 } else { hi = mid }
        }
        if lo < count, try bytes(lo).elementsEqual(key) { return lo }
        return nil
    }
}

@inline(__always)
func lexicographicallyLess<A: Collection, B: Collection>(_ a: A, _ b: B) -> Bool
where A.Element == UInt8, B.Element == UInt8 {
    a.lexicographicallyPrecedes(b)
}

/// Streams a string table.
final class StringTableWriter {
    private let writer: IndexFileWriter
    private var offsets: [UInt64] = [0]

    init(path: String) throws { writer = try IndexFileWriter(path: path, kind: .strings) }

    func append(_ s: String) throws {
        var copy = s
        try copy.withUTF8 { try writer.write(UnsafeRawBufferPointer($0)) }
        offsets.append(UInt64(writer.payloadBytes))
    }

    func finish() throws -> IndexManifest.FileEntry {
        let byteCount = writer.payloadBytes
        try writer.pad(to: 8)
        try writer.write(array: offsets.map { $0.littleEndian })
        return try writer.finish(count: offsets.count - 1, aux: byteCount)
    }
}
