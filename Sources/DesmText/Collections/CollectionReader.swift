import Foundation

/// Reads a whole collection: one file or a directory of files (read in sorted order), in any
/// supported format (detected per file from its first bytes unless forced), plain or gzip.
/// Checks that document ids are unique across the collection and that it is not empty.
public final class CollectionReader {
    public let path: String
    public let forcedFormat: CollectionFormat?
    private let files: [String]
    private var nextFile = 0
    private var currentSource: ByteSource?
    /// The number of files in the collection.
    public var fileCount: Int { files.count }

    /// How far reading has got, from 0 to 1, for progress display: whole files done plus the
    /// fraction of the current file's (compressed) bytes consumed.
    public var fractionDone: Double {
        guard !files.isEmpty else { return 1 }
        var done = Double(max(nextFile - 1, 0))
        if let s = currentSource, let size = s.fileSize, size > 0 {
            done += min(Double(s.fileOffset) / Double(size), 1)
        } else if currentSource == nil {
            done = Double(nextFile)
        }
        return min(done / Double(files.count), 1)
    }
    private var current: DocumentReader?
    /// Where each id was first seen, packed as file index << 40 | line (8 bytes a document
    /// beside its id, so that millions of ids fit).
    private var seen: [String: Int] = [:]
    public private(set) var count = 0
    /// Notes for the user (invalid UTF-8 replaced, empty files skipped, ...), one line each.
    public private(set) var notes: [String] = []
    /// The files opened so far with the format each was read as.
    public private(set) var filesRead: [(path: String, format: CollectionFormat)] = []

    public init(path: String, format: CollectionFormat? = nil) throws {
        self.path = path
        self.forcedFormat = format
        self.files = try listCollectionFiles(path)
        if let corpus = beirCorpus(path) {
            notes.append("\(path) is a BEIR folder: its documents are \((corpus as NSString).lastPathComponent); queries and qrels are not read as documents")
        }
    }

    /// The next document of the collection, or nil when all files are read.
    public func next() throws -> Document? {
        while true {
            if let reader = current {
                if let doc = try reader.next() {
                    if let packed = seen[doc.id] {
                        let p = files[min(packed >> 40, files.count - 1)], l = packed & ((1 << 40) - 1)
                        throw DesmError.at(doc.path, line: doc.line,
                                           "duplicate document id \"\(doc.id)\" (first seen at \(p):\(l))")
                    }
                    seen[doc.id] = (nextFile - 1) << 40 | min(doc.line, (1 << 40) - 1)
                    count += 1
                    return doc
                }
                if let note = reader.note { notes.append(note) }
                current = nil
                currentSource = nil
            }
            guard nextFile < files.count else {
                if count == 0 { throw DesmError("collection has no documents", path: path) }
                return nil
            }
            let file = files[nextFile]
            nextFile += 1
            let lines = try LineReader(path: file)
            let format: CollectionFormat
            if let forcedFormat {
                format = forcedFormat
            } else if let detected = try detectCollectionFormat(lines) {
                format = detected
            } else {
                if fileCount == 1 { throw DesmError("file is empty: no documents", path: file) }
                notes.append("\(file): empty file skipped")
                continue
            }
            filesRead.append((file, format))
            current = makeDocumentReader(format, lines)
            currentSource = lines.source
        }
    }
}

/// A reader of `format` over `lines`.
public func makeDocumentReader(_ format: CollectionFormat, _ lines: LineReader) -> DocumentReader {
    switch format {
    case .jsonl: return JSONLReader(lines)
    case .tsv: return TSVReader(lines)
    case .trec: return TRECReader(lines)
    case .smart: return SMARTReader(lines)
    }
}

/// The corpus file of a BEIR folder (`corpus.jsonl[.gz]` beside `queries.jsonl[.gz]` or a
/// `qrels/` folder), or nil when `path` is not one.
public func beirCorpus(_ path: String) -> String? {
    let fm = FileManager.default
    var isDir: ObjCBool = false
    guard fm.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else { return nil }
    guard let corpus = ["corpus.jsonl", "corpus.jsonl.gz"].map({ path + "/" + $0 }).first(where: { fm.fileExists(atPath: $0) }) else { return nil }
    let hasQueries = ["queries.jsonl", "queries.jsonl.gz"].contains { fm.fileExists(atPath: path + "/" + $0) }
    var qrelsDir: ObjCBool = false
    let hasQrels = fm.fileExists(atPath: path + "/qrels", isDirectory: &qrelsDir) && qrelsDir.boolValue
    return hasQueries || hasQrels ? corpus : nil
}

/// The files of a collection: the path itself, a BEIR folder's corpus file, or a directory's
/// regular files (recursively, hidden files skipped) in sorted order.
public func listCollectionFiles(_ path: String) throws -> [String] {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
        throw DesmError("no such file or directory", path: path)
    }
    guard isDir.boolValue else { return [path] }
    if let corpus = beirCorpus(path) { return [corpus] }
    guard let walker = FileManager.default.enumerator(atPath: path) else {
        throw DesmError("cannot read directory", path: path)
    }
    var files: [String] = []
    while let rel = walker.nextObject() as? String {
        if rel.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
        let full = path + "/" + rel
        var sub: ObjCBool = false
        if FileManager.default.fileExists(atPath: full, isDirectory: &sub), !sub.boolValue,
           FileManager.default.isReadableFile(atPath: full) {
            files.append(full)
        }
    }
    files.sort()
    if files.isEmpty { throw DesmError("directory has no readable files", path: path) }
    return files
}

/// Guesses the format of a collection file from its first non-blank bytes (after
/// decompression): `{` JSONL, `<` TREC SGML, `.I` SMART, a line with a tab TSV. Returns nil
/// for an empty or blank file; throws when the bytes fit no format or hold NUL bytes.
public func detectCollectionFormat(_ lines: LineReader) throws -> CollectionFormat? {
    let head = try lines.peek(1 << 16)
    var i = 0
    while i < head.count && (head[i] == 0x20 || head[i] == 0x09 || head[i] == 0x0A || head[i] == 0x0D) { i += 1 }
    if i == head.count {
        if head.count < 1 << 16 { return nil }
        throw DesmError("the first 64 KB are blank: cannot tell the collection format; use --format", path: lines.path)
    }
    if head.contains(0) {
        throw DesmError("binary data (NUL bytes) in the first 64 KB: not a text collection", path: lines.path)
    }
    switch head[i] {
    case 0x7B: return .jsonl
    case 0x3C: return .trec
    case 0x2E where i + 1 < head.count && head[i + 1] == 0x49
                && (i + 2 == head.count || [0x20, 0x09, 0x0D, 0x0A].contains(head[i + 2])):
        return .smart
    default:
        var j = i
        while j < head.count && head[j] != 0x0A {
            if head[j] == 0x09 { return .tsv }
            j += 1
        }
        throw DesmError("cannot tell the collection format from the first bytes (expected JSONL '{', "
                        + "TREC '<DOC>', SMART '.I id' or TSV 'id<TAB>text'); use --format", path: lines.path)
    }
}
