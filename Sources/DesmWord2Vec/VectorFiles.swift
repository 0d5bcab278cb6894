import DesmText

/// Words with one vector each, as read from an interchange file.
public struct VectorSet {
    public var words: [String]
    public var vectors: FloatMatrix
    public var dim: Int { vectors.cols }
    /// The file they came from (for messages).
    public var path: String
    public var format: VectorFileFormat
    /// Lines/records skipped because the word was already seen (first one kept).
    public var duplicates: Int
}

/// Interchange formats for word vectors.
public enum VectorFileFormat: String, CaseIterable, Sendable {
    /// word2vec text: header `V dim`, then `word v1 … vdim` per line.
    case text
    /// word2vec binary: header line, then `word ` + dim little-endian float32 (+ newline).
    case binary
    /// The DESM authors' `in.txt`/`out.txt`: no header, `word<TAB>v1<TAB>…` per line.
    case tab
}

/// Reads word2vec text/binary or the DESM tab format, plain or gzip (by magic bytes), in
/// bounded memory. Malformed input (bad header, ragged rows, NaN/Inf, truncated records)
/// throws a DesmError naming the file and line or byte offset.
public func readVectors(path: String, format: VectorFileFormat? = nil) throws -> VectorSet {
    let r = BufferedBytes(try openByteSource(path))
    let first = try r.line() ?? []
    let header = parseHeader(first)
    if let header { try checkHeader(header, path: path) }
    let fmt: VectorFileFormat
    if let format {
        fmt = format
        if fmt != .tab && header == nil {
            throw DesmError.at(path, line: 1, "bad header: expected `<count> <dim>`, found \(preview(first))")
        }
    } else if header == nil {
        fmt = .tab
    } else {
        fmt = try firstRecordIsText(r, dim: header!.dim) ? .text : .binary
    }
    switch fmt {
    case .tab: return try readTab(r, first: first, path: path)
    case .text: return try readText(r, header: header!, path: path)
    case .binary: return try readBinary(r, header: header!, path: path)
    }
}

/// Whether the first record after a word2vec header is a text row: printable after the
/// word, and either a word and numbers (a ragged row too, so that the text reader reports it
/// by line) or, for dim ≥ 2, `dim` + 1 fields (a row with a bad value, likewise). Otherwise
/// it is binary: the word, a space and 4·dim arbitrary bytes, whose "line" may end at once
/// (a first byte 0x0A) or, in dimension 1, be one printable field.
private func firstRecordIsText(_ r: BufferedBytes, dim: Int) throws -> Bool {
    let reach = 4 * dim + 64 + 40 * dim
    let avail = try r.ensure(reach)
    var line = [UInt8]()
    var i = 0
    while i < avail && r.peek(i) != 0x0A { line.append(r.peek(i)); i += 1 }
    // No line end within reach of a text row of dim values: binary.
    if i == avail && avail == reach { return false }
    let separator = { (b: UInt8) in b == 0x20 || b == 0x09 || b == 0x0D }
    let rest = line.drop(while: { $0 != 0x20 && $0 != 0x09 })
    guard rest.allSatisfy({ ($0 >= 0x20 && $0 < 0x7F) || separator($0) }) else { return false }
    let fields = line.split(whereSeparator: separator)
    if fields.count >= 2 && fields.dropFirst().allSatisfy({ parseFloat($0) != nil }) { return true }
    return dim >= 2 && fields.count == dim + 1
}

private func preview(_ bytes: [UInt8]) -> String {
    let s = String(decoding: bytes.prefix(40), as: UTF8.self)
    return "\"\(s)\(bytes.count > 40 ? "…" : "")\""
}

private func parseHeader(_ line: [UInt8]) -> (count: Int, dim: Int)? {
    let parts = line.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D })
    guard parts.count == 2,
          let n = Int(String(decoding: parts[0], as: UTF8.self)),
          let d = Int(String(decoding: parts[1], as: UTF8.self)) else { return nil }
    guard n >= 0, d >= 1 else { return nil }
    return (n, d)
}

/// The largest dimension a vectors file may declare (a header above it is an error, not an
/// allocation).
let maxVectorDimension = 1 << 16

private func checkHeader(_ h: (count: Int, dim: Int), path: String) throws {
    guard h.dim <= maxVectorDimension else {
        throw DesmError.at(path, line: 1, "the header's dimension \(h.dim) is larger than desm supports (\(maxVectorDimension))")
    }
}

@inline(__always)
private func parseFloat(_ field: ArraySlice<UInt8>) -> Float? {
    field.withUnsafeBufferPointer { b -> Float? in
        // Float(String) is strtof-exact; go through a small String.
        Float(String(decoding: b, as: UTF8.self))
    }
}

/// Collects rows, rejecting non-finite values and ragged rows.
private struct RowCollector {
    var words: [String] = []
    var values: [Float] = []
    var seen: [String: Int] = [:]
    var duplicates = 0
    let dim: Int

    mutating func add(word: String, fields: ArraySlice<ArraySlice<UInt8>>, path: String, line: Int) throws {
        guard fields.count == dim else {
            throw DesmError.at(path, line: line, "ragged row: word \"\(word)\" has \(fields.count) values, expected \(dim)")
        }
        let keep = seen[word] == nil
        if !keep { duplicates += 1 } else { seen[word] = words.count; words.append(word) }
        for (k, f) in fields.enumerated() {
            guard let x = parseFloat(f) else {
                throw DesmError.at(path, line: line, "value \(k + 1) of \"\(word)\" is not a number: \(preview(Array(f)))")
            }
            guard x.isFinite else {
                throw DesmError.at(path, line: line, "value \(k + 1) of \"\(word)\" is \(x) (NaN/Inf not allowed)")
            }
            if keep { values.append(x) }
        }
    }

    func finish(path: String, format: VectorFileFormat) -> VectorSet {
        VectorSet(words: words, vectors: FloatMatrix(rows: words.count, cols: dim, values: values),
                  path: path, format: format, duplicates: duplicates)
    }
}

private func readText(_ r: BufferedBytes, header: (count: Int, dim: Int), path: String) throws -> VectorSet {
    var rows = RowCollector(dim: header.dim)
    var lineNo = 1
    while let line = try r.line() {
        lineNo += 1
        let fields = line.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D })
        if fields.isEmpty { continue }
        guard rows.words.count + rows.duplicates < header.count else {
            throw DesmError.at(path, line: lineNo, "more vectors than the header's \(header.count)")
        }
        let word = String(decoding: fields[0], as: UTF8.self)
        try rows.add(word: word, fields: fields[1...], path: path, line: lineNo)
    }
    guard rows.words.count + rows.duplicates == header.count else {
        throw DesmError.at(path, line: lineNo, "the header announces \(header.count) vectors, the file has \(rows.words.count + rows.duplicates) (truncated?)")
    }
    return rows.finish(path: path, format: .text)
}

private func readTab(_ r: BufferedBytes, first: [UInt8], path: String) throws -> VectorSet {
    func split(_ line: [UInt8]) -> [ArraySlice<UInt8>] {
        var f = line.split(separator: 0x09, omittingEmptySubsequences: false)
        if let last = f.last, last.last == 0x0D { f[f.count - 1] = last.dropLast() }
        while let last = f.last, last.isEmpty { f.removeLast() }
        return f
    }
    let f0 = split(first)
    guard f0.count >= 2 else {
        throw DesmError.at(path, line: 1, "bad header: expected `<count> <dim>` (word2vec) or `word<TAB>v1<TAB>…` (DESM), found \(preview(first))")
    }
    var rows = RowCollector(dim: f0.count - 1)
    try rows.add(word: String(decoding: f0[0], as: UTF8.self), fields: f0[1...], path: path, line: 1)
    var lineNo = 1
    while let line = try r.line() {
        lineNo += 1
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { continue }
        let f = split(line)
        guard !f.isEmpty else {
            throw DesmError.at(path, line: lineNo, "a line of tabs only: expected `word<TAB>v1<TAB>…`")
        }
        try rows.add(word: String(decoding: f[0], as: UTF8.self), fields: f[1...], path: path, line: lineNo)
    }
    return rows.finish(path: path, format: .tab)
}

private func readBinary(_ r: BufferedBytes, header: (count: Int, dim: Int), path: String) throws -> VectorSet {
    let dim = header.dim
    // The header's count is not trusted for allocation: rows grow as vectors are read, so a
    // lying header ends in "truncated", never in a huge allocation.
    var words = [String](); words.reserveCapacity(min(header.count, 1 << 16))
    var seen = [String: Int]()
    var duplicates = 0
    // At most 64 MB up front, whatever the header says (dim may be up to 65,536).
    var values = [Float](); values.reserveCapacity(min(header.count, (1 << 24) / dim))
    var record = [Float](repeating: 0, count: dim)
    for i in 0..<header.count {
        // Word: skip newlines/spaces, read up to a space.
        var word = [UInt8]()
        while true {
            guard let b = try r.byte() else {
                throw DesmError.at(path, offset: r.offset, "file ends after \(i) of \(header.count) vectors (truncated?)")
            }
            if b == 0x20 { if word.isEmpty { continue }; break }
            if b == 0x0A || b == 0x0D { if word.isEmpty { continue } }
            word.append(b)
            if word.count > 4096 { throw DesmError.at(path, offset: r.offset, "word longer than 4096 bytes: not a word2vec binary file?") }
        }
        let at = r.offset
        let got = try record.withUnsafeMutableBytes { try r.read(into: $0) }
        guard got == dim * 4 else {
            throw DesmError.at(path, offset: at, "vector \(i + 1) is cut short (\(got) of \(dim * 4) bytes; truncated?)")
        }
        for k in 0..<dim {
            let x = Float(bitPattern: record[k].bitPattern.littleEndian)
            guard x.isFinite else {
                throw DesmError.at(path, offset: at + 4 * k, "value \(k + 1) of vector \(i + 1) is \(x) (NaN/Inf not allowed)")
            }
            record[k] = x
        }
        let w = String(decoding: word, as: UTF8.self)
        if seen[w] != nil { duplicates += 1; continue }
        seen[w] = words.count
        values.append(contentsOf: record)
        words.append(w)
    }
    while let b = try r.byte() {
        if b != 0x0A && b != 0x0D && b != 0x20 {
            throw DesmError.at(path, offset: r.offset - 1, "unexpected bytes after the \(header.count) vectors the header announces")
        }
    }
    let out = FloatMatrix(rows: words.count, cols: dim, values: values)
    return VectorSet(words: words, vectors: out, path: path, format: .binary, duplicates: duplicates)
}

/// Buffered reading over a ByteSource with a little look-ahead.
final class BufferedBytes {
    let source: ByteSource
    private var buf = [UInt8](repeating: 0, count: 1 << 16)
    private var pos = 0, end = 0, eof = false
    /// Uncompressed bytes consumed.
    private(set) var offset = 0

    init(_ source: ByteSource) { self.source = source }

    /// Makes at least `n` bytes available if the input has them; returns how many are.
    func ensure(_ n: Int) throws -> Int {
        while end - pos < n && !eof {
            if pos > 0 {
                let left = end - pos
                buf.withUnsafeMutableBufferPointer { b in b.baseAddress!.update(from: b.baseAddress! + pos, count: left) }
                pos = 0; end = left
            }
            if end == buf.count { buf.append(contentsOf: [UInt8](repeating: 0, count: buf.count)) }
            let got = try buf.withUnsafeMutableBytes { try source.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[end...])) }
            if got == 0 { eof = true } else { end += got }
        }
        return end - pos
    }

    func peek(_ i: Int) -> UInt8 { buf[pos + i] }

    @inline(__always)
    func byte() throws -> UInt8? {
        if pos == end { if try ensure(1) == 0 { return nil } }
        let b = buf[pos]; pos += 1; offset += 1
        return b
    }

    /// Reads up to `into.count` bytes; fewer only at the end of input.
    func read(into: UnsafeMutableRawBufferPointer) throws -> Int {
        var done = 0
        while done < into.count {
            if pos == end { if try ensure(1) == 0 { break } }
            let n = min(end - pos, into.count - done)
            buf.withUnsafeBytes { b in
                UnsafeMutableRawBufferPointer(rebasing: into[done..<(done + n)]).copyMemory(from: UnsafeRawBufferPointer(rebasing: b[pos..<(pos + n)]))
            }
            pos += n; offset += n; done += n
        }
        return done
    }

    /// The next line without its `\n` (a final line without one counts), nil at the end.
    func line(maxBytes: Int = 64 << 20) throws -> [UInt8]? {
        var out = [UInt8]()
        while true {
            if pos == end { if try ensure(1) == 0 { return out.isEmpty ? nil : out } }
            let stop = buf.withUnsafeBufferPointer { b -> Int in
                var i = pos
                while i < end && b[i] != 0x0A { i += 1 }
                return i
            }
            out.append(contentsOf: buf[pos..<stop])
            offset += stop - pos
            if out.count > maxBytes { throw DesmError.at(source.path, offset: offset, "line longer than \(maxBytes) bytes") }
            if stop < end { pos = stop + 1; offset += 1; return out }
            pos = stop
        }
    }
}

/// Writes `words` × `matrix` in word2vec text or binary format (the DESM tab format too),
/// gzip-compressed when `gzip` is set, atomically.
public func writeVectors(path: String, words: [String], matrix: FloatMatrix, format: VectorFileFormat,
                         gzip: Bool = false, progress: ProgressReporter = .silent) throws {
    guard words.count == matrix.rows else { throw DesmError("internal: \(words.count) words for \(matrix.rows) rows", path: path) }
    for w in words where w.isEmpty || w.utf8.contains(where: { $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D }) {
        throw DesmError("the word \"\(w)\" cannot be written in word2vec format (empty or contains whitespace)", path: path)
    }
    // Plain files through AtomicFileWriter, gzip through DesmText's GzipWriter (level 6, also
    // atomic): either way nothing appears at `path` until the last byte is written.
    let plain = gzip ? nil : try AtomicFileWriter(path: path)
    let zipped = gzip ? try GzipWriter(path: path) : nil
    func write(_ bytes: [UInt8]) throws {
        if let zipped { try zipped.write(bytes) } else { try plain!.write(bytes) }
    }
    let dim = matrix.cols
    var chunk = [UInt8](); chunk.reserveCapacity(1 << 17)
    if format != .tab { chunk.append(contentsOf: "\(words.count) \(dim)\n".utf8) }
    for (i, w) in words.enumerated() {
        let row = matrix.row(i)
        chunk.append(contentsOf: w.utf8)
        switch format {
        case .binary:
            chunk.append(0x20)
            for x in row { withUnsafeBytes(of: x.bitPattern.littleEndian) { chunk.append(contentsOf: $0) } }
        case .text, .tab:
            let sep: UInt8 = format == .tab ? 0x09 : 0x20
            for x in row { chunk.append(sep); chunk.append(contentsOf: x.description.utf8) }
        }
        chunk.append(0x0A)
        if chunk.count >= 1 << 16 { try write(chunk); chunk.removeAll(keepingCapacity: true) }
        if i & 0x3FF == 0 {
            progress.update(done: Double(i), total: Double(words.count))
            try Interrupt.check("export")
        }
    }
    try write(chunk)
    if let zipped { try zipped.commit() } else { try plain!.commit() }
    progress.finish()
}

extension EmbeddingModel {
    /// A model from interchange files: `input` gives the vocabulary (its order) and W_IN;
    /// `output`, when given, must hold exactly the same words (any order) and dimension and
    /// becomes W_OUT. Imported files carry no counts, so every count is 0.
    public static func imported(input: VectorSet, output: VectorSet?, analyzer: AnalyzerSettings = .standard) throws -> EmbeddingModel {
        guard !input.words.isEmpty else { throw DesmError("no vectors in the file", path: input.path) }
        let vocab = Vocabulary(words: input.words, counts: [Int64](repeating: 0, count: input.words.count))
        var out: FloatMatrix?
        if let output {
            guard output.dim == input.dim else {
                throw DesmError("OUT vectors have dimension \(output.dim), IN vectors \(input.dim) (\(input.path))", path: output.path)
            }
            guard output.words.count == input.words.count else {
                throw DesmError("OUT file has \(output.words.count) words, the IN file \(input.words.count) (\(input.path)); they must hold the same words", path: output.path)
            }
            let m = FloatMatrix(rows: input.words.count, cols: input.dim)
            for (i, w) in output.words.enumerated() {
                guard let id = vocab.id(w) else {
                    throw DesmError("word \"\(w)\" has an OUT vector but no IN vector in \(input.path)", path: output.path)
                }
                m.row(id).baseAddress!.update(from: output.vectors.row(i).baseAddress!, count: input.dim)
            }
            out = m
        }
        return EmbeddingModel(vocabulary: vocab, dim: input.dim, input: input.vectors, output: out, analyzer: analyzer)
    }
}
