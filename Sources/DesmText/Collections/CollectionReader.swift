import Foundation

/// Reads a whole collection: one file or a directory of files (read in sorted order), in any
/// supported format (detected per file unless forced), plain or gzip. Checks that document
/// ids are unique and that the collection is not empty.
public final class CollectionReader {
    public let path: String
    public let forcedFormat: CollectionFormat?
    private var files: [String]
    private var current: DocumentReader?
    private var currentLines: LineReader?
    private var seen: [String: (String, Int)] = [:]
    public private(set) var count = 0
    /// Notes for the user (invalid UTF-8 replaced, ...), one line each.
    public private(set) var notes: [String] = []

    public init(path: String, format: CollectionFormat? = nil) throws {
        self.path = path
        self.forcedFormat = format
        self.files = try listCollectionFiles(path)
    }

    /// The next document of the collection, or nil when all files are read.
    public func next() throws -> Document? {
        while true {
            if let reader = current, let doc = try reader.next() {
                if let (p, l) = seen[doc.id] {
                    throw DesmError.at(doc.path, line: doc.line,
                                       "duplicate document id \"\(doc.id)\" (first seen at \(p):\(l))")
                }
                seen[doc.id] = (doc.path, doc.line)
                count += 1
                return doc
            }
            if let lines = currentLines, let note = lines.invalidUTF8.note(path: lines.path) { notes.append(note) }
            current = nil
            currentLines = nil
            guard !files.isEmpty else {
                if count == 0 { throw DesmError("collection has no documents", path: path) }
                return nil
            }
            let file = files.removeFirst()
            let lines = try LineReader(path: file)
            let format = try forcedFormat ?? detectCollectionFormat(lines, path: file)
            currentLines = lines
            current = makeReader(format, lines)
        }
    }

    func makeReader(_ format: CollectionFormat, _ lines: LineReader) -> DocumentReader {
        switch format {
        case .jsonl: return JSONLReader(lines)
        case .tsv, .trec, .smart: fatalError("format \(format) not yet supported")
        }
    }
}

/// The files of a collection: the path itself, or a directory's regular files (recursively,
/// hidden files skipped) in sorted order.
public func listCollectionFiles(_ path: String) throws -> [String] {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
        throw DesmError("no such file or directory", path: path)
    }
    guard isDir.boolValue else { return [path] }
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

/// Guesses the format of a collection file from its first non-blank bytes.
public func detectCollectionFormat(_ lines: LineReader, path: String) throws -> CollectionFormat {
    .jsonl
}
