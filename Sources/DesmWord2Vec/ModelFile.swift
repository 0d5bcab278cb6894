import DesmText
import Foundation

/// The model file: one little-endian binary file, memory-mappable.
///
/// ```
/// offset size
///   0     8  magic "DESMW2V\0"
///   8     4  format version (1)
///  12     4  flags: bit 0 W_OUT present, bit 1 syn1 present
///  16     8  dim
///  24     8  vocabulary size V
///  32     8  syn1 rows (V−1 with hierarchical softmax, else 0)
///  40    16  vocabulary section: offset, bytes
///  56    24  offsets of W_IN, W_OUT, syn1 (0 when absent)
///  80    16  metadata section (JSON): offset, bytes
///  96     4  model checksum (CRC-32 of W_IN then W_OUT; EmbeddingModel.checksum)
/// 100     4  CRC-32 of all matrix bytes (W_IN, W_OUT, syn1), checked on load within the
///            checksum budget (`CRC32.openBudgetBytes`) and by `verify`
/// 104     4  CRC-32 of the vocabulary and metadata sections, checked on every load
/// 108     4  CRC-32 of bytes 0..<108 (the header)
/// 112    16  zero
/// 128        vocabulary: V counts (Int64), V+1 string offsets (UInt64), UTF-8 words
///            matrices, each V×dim (syn1: (V−1)×dim) float32, 64-byte aligned
///            metadata JSON {"parameters", "analyzer"}
/// ```
public enum ModelFile {
    public static let magic: [UInt8] = Array("DESMW2V\0".utf8)
    public static let version: UInt32 = 1
    static let headerSize = 128

    struct Metadata: Codable {
        var parameters: TrainingParameters?
        var analyzer: AnalyzerSettings
    }
}

extension EmbeddingModel {
    /// Writes the model atomically (temporary file, fsync, rename).
    public func save(to path: String) throws {
        let v = vocabulary.count
        // Vocabulary section.
        var vocabBytes = [UInt8]()
        var strings = [UInt8]()
        var offsets = [UInt64](); offsets.reserveCapacity(v + 1)
        for w in vocabulary.words { offsets.append(UInt64(strings.count)); strings.append(contentsOf: w.utf8) }
        offsets.append(UInt64(strings.count))
        vocabBytes.reserveCapacity(v * 16 + 8 + strings.count)
        for c in vocabulary.counts { withUnsafeBytes(of: c.littleEndian) { vocabBytes.append(contentsOf: $0) } }
        for o in offsets { withUnsafeBytes(of: o.littleEndian) { vocabBytes.append(contentsOf: $0) } }
        vocabBytes.append(contentsOf: strings)

        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let meta = Array(try encoder.encode(ModelFile.Metadata(parameters: parameters, analyzer: analyzer)))

        func align(_ x: Int) -> Int { (x + 63) & ~63 }
        let vocabOffset = ModelFile.headerSize
        let inOffset = align(vocabOffset + vocabBytes.count)
        let matBytes = v * dim * 4
        let outOffset = output == nil ? 0 : align(inOffset + matBytes)
        let afterOut = output == nil ? inOffset + matBytes : outOffset + matBytes
        let syn1Rows = syn1?.rows ?? 0
        let syn1Offset = syn1 == nil ? 0 : align(afterOut)
        let afterSyn1 = syn1 == nil ? afterOut : syn1Offset + syn1Rows * dim * 4
        let metaOffset = afterSyn1

        var dataCRC = CRC32()
        dataCRC.update(UnsafeRawBufferPointer(input.buffer))
        if let output { dataCRC.update(UnsafeRawBufferPointer(output.buffer)) }
        if let syn1 { dataCRC.update(UnsafeRawBufferPointer(syn1.buffer)) }
        var vmCRC = CRC32()
        vmCRC.update(vocabBytes)
        vmCRC.update(meta)

        var header = [UInt8]()
        header.append(contentsOf: ModelFile.magic)
        func put32(_ x: UInt32) { withUnsafeBytes(of: x.littleEndian) { header.append(contentsOf: $0) } }
        func put64(_ x: Int) { withUnsafeBytes(of: UInt64(x).littleEndian) { header.append(contentsOf: $0) } }
        put32(ModelFile.version)
        put32((output == nil ? 0 : 1) | (syn1 == nil ? 0 : 2))
        put64(dim); put64(v); put64(syn1Rows)
        put64(vocabOffset); put64(vocabBytes.count)
        put64(inOffset); put64(outOffset); put64(syn1Offset)
        put64(metaOffset); put64(meta.count)
        put32(checksum); put32(dataCRC.value); put32(vmCRC.value)
        put32(header.withUnsafeBytes { CRC32.of($0) })
        header.append(contentsOf: [UInt8](repeating: 0, count: ModelFile.headerSize - header.count))

        let writer = try AtomicFileWriter(path: path)
        func pad(to offset: Int) throws {
            let n = offset - writer.bytesWritten
            if n > 0 { try writer.write([UInt8](repeating: 0, count: n)) }
        }
        try writer.write(header)
        try writer.write(vocabBytes)
        try pad(to: inOffset)
        try writer.write(UnsafeRawBufferPointer(input.buffer))
        if let output { try pad(to: outOffset); try writer.write(UnsafeRawBufferPointer(output.buffer)) }
        if let syn1 { try pad(to: syn1Offset); try writer.write(UnsafeRawBufferPointer(syn1.buffer)) }
        try pad(to: metaOffset)
        try writer.write(meta)
        try writer.commit()
    }

    /// Opens a model file by memory map: the header, vocabulary and metadata are checked
    /// (CRC-32) and parsed; the matrices are views into the mapping. Their CRC-32 is checked
    /// too when they hold at most `CRC32.openBudgetBytes` bytes (they are then read at once),
    /// or always with `verify: true`; a larger model's matrices are paged in on use.
    public static func load(path: String, verify: Bool = false,
                            checksumBudget: Int = CRC32.openBudgetBytes) throws -> EmbeddingModel {
        let file = try MappedFile(path: path)
        func fail(_ offset: Int, _ m: String) -> DesmError { DesmError.at(path, offset: offset, m) }
        guard file.count >= ModelFile.headerSize else {
            throw fail(0, "not a desm model: file has \(file.count) bytes, shorter than the \(ModelFile.headerSize)-byte header")
        }
        let bytes = file.bytes
        guard Array(bytes[0..<8]) == ModelFile.magic else {
            throw fail(0, "not a desm model file (bad magic; word2vec vectors are read with `--init-in` or imported, not loaded)")
        }
        let version = try file.load(UInt32.self, at: 8)
        guard version == ModelFile.version else {
            throw fail(8, "model format version \(version) is not supported (this desm reads version \(ModelFile.version))")
        }
        let headerCRC = try file.load(UInt32.self, at: 108)
        guard CRC32.of(UnsafeRawBufferPointer(rebasing: bytes[0..<108])) == headerCRC else {
            throw fail(0, "model header checksum mismatch (file corrupted)")
        }
        let flags = try file.load(UInt32.self, at: 12)
        func int(_ at: Int) throws -> Int {
            let x = try file.load(UInt64.self, at: at)
            guard x < UInt64(Int.max / 8) else { throw fail(at, "header field out of range") }
            return Int(x)
        }
        let dim = try int(16), v = try int(24), syn1Rows = try int(32)
        let vocabOffset = try int(40), vocabBytes = try int(48)
        let inOffset = try int(56), outOffset = try int(64), syn1Offset = try int(72)
        let metaOffset = try int(80), metaBytes = try int(88)
        let modelChecksum = try file.load(UInt32.self, at: 96)
        let dataCRC = try file.load(UInt32.self, at: 100)
        let vmCRC = try file.load(UInt32.self, at: 104)
        guard dim > 0, dim <= 100_000, v <= Int(Int32.max) else { throw fail(16, "implausible dimension \(dim) or vocabulary size \(v)") }
        func inside(_ off: Int, _ len: Int, _ what: String) throws {
            guard off >= 0, len >= 0, off <= file.count, len <= file.count - off else {
                throw fail(off, "\(what) (\(len) bytes at offset \(off)) runs past the end of the file (truncated?)")
            }
        }
        try inside(vocabOffset, vocabBytes, "the vocabulary")
        try inside(metaOffset, metaBytes, "the metadata")
        var crc = CRC32()
        crc.update(UnsafeRawBufferPointer(rebasing: bytes[vocabOffset..<(vocabOffset + vocabBytes)]))
        crc.update(UnsafeRawBufferPointer(rebasing: bytes[metaOffset..<(metaOffset + metaBytes)]))
        guard crc.value == vmCRC else { throw fail(vocabOffset, "vocabulary/metadata checksum mismatch (file corrupted)") }

        // Vocabulary.
        guard vocabBytes >= v * 16 + 8 else { throw fail(vocabOffset, "vocabulary section too small for \(v) words") }
        var counts = [Int64](repeating: 0, count: v)
        var words = [String](); words.reserveCapacity(v)
        let countsAt = vocabOffset, offsetsAt = vocabOffset + v * 8, stringsAt = offsetsAt + (v + 1) * 8
        let stringBytes = vocabBytes - (stringsAt - vocabOffset)
        for i in 0..<v { counts[i] = Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: countsAt + i * 8, as: Int64.self)) }
        var previous = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offsetsAt, as: UInt64.self))
        guard previous == 0 else { throw fail(offsetsAt, "bad word offset table") }
        for i in 0..<v {
            let next = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offsetsAt + (i + 1) * 8, as: UInt64.self))
            guard next >= previous, next <= UInt64(stringBytes) else { throw fail(offsetsAt + (i + 1) * 8, "bad word offset table") }
            let s = UnsafeRawBufferPointer(rebasing: bytes[(stringsAt + Int(previous))..<(stringsAt + Int(next))])
            words.append(String(decoding: s, as: UTF8.self))
            previous = next
        }
        let vocabulary = Vocabulary(words: words, counts: counts)
        guard vocabulary.distinctCount == v else { throw fail(vocabOffset, "vocabulary has duplicate words") }

        let meta: ModelFile.Metadata
        do {
            meta = try JSONDecoder().decode(ModelFile.Metadata.self,
                                            from: Data(bytes[metaOffset..<(metaOffset + metaBytes)]))
        } catch {
            throw fail(metaOffset, "unreadable metadata: \(error)")
        }

        let input = try FloatMatrix(mapped: file, offset: inOffset, rows: v, cols: dim)
        let output = flags & 1 != 0 ? try FloatMatrix(mapped: file, offset: outOffset, rows: v, cols: dim) : nil
        let syn1 = flags & 2 != 0 ? try FloatMatrix(mapped: file, offset: syn1Offset, rows: syn1Rows, cols: dim) : nil
        let matrixBytes = (input.buffer.count + (output?.buffer.count ?? 0) + (syn1?.buffer.count ?? 0)) * 4
        if verify || matrixBytes <= checksumBudget {
            var c = CRC32()
            c.update(UnsafeRawBufferPointer(input.buffer))
            if let output { c.update(UnsafeRawBufferPointer(output.buffer)) }
            if let syn1 { c.update(UnsafeRawBufferPointer(syn1.buffer)) }
            guard c.value == dataCRC else { throw fail(inOffset, "matrix checksum mismatch (file corrupted)") }
        }
        return EmbeddingModel(vocabulary: vocabulary, dim: dim, input: input, output: output,
                              analyzer: meta.analyzer, checksum: modelChecksum, syn1: syn1,
                              parameters: meta.parameters)
    }
}
