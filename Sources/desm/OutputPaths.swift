import DesmIndex
import DesmText
import DesmWord2Vec
import Foundation
import Glibc

/// What a command is about to write, checked before any work starts: the directory must
/// exist and be writable, and an existing file is replaced only when it is of the same kind
/// (a run replaces a run, a model a model), never a model, an index, topics or qrels.
enum OutputKind: String {
    case run = "a TREC run"
    case model = "a desm model"
    case vectors = "word vectors"
    case index = "a desm index"
    case report = "a text report"
    case svg = "an SVG chart"
    case statistics = "BM25 collection statistics"
    case shardResults = "a shard's hits or moments"

    /// The kinds of existing file this output may replace.
    fileprivate var replaces: Set<ExistingFileKind> {
        switch self {
        case .run: return [.empty, .run]
        case .model: return [.empty, .model]
        case .vectors: return [.empty, .vectors]
        case .index: return [.index]
        case .report: return [.empty, .text]
        case .svg: return [.empty, .svg]
        case .statistics: return [.empty, .statistics]
        case .shardResults: return [.empty, .shardResults]
        }
    }
}

/// Checks `path` as the destination of `kind` (given by `option`, e.g. `--out`). `-` is
/// refused (the commands that can write to standard output handle it before calling this).
func checkOutput(_ path: String, _ kind: OutputKind, option: String) throws {
    if path == "-" {
        throw DesmError("\(option) -: \(kind.rawValue) cannot be written to standard output; give a file name")
    }
    guard !path.isEmpty else { throw DesmError("\(option) needs a file name") }
    var p = path
    while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
    let dir = AtomicFileWriter.directory(of: p)
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
        throw DesmError("\(option): the directory \(dir) does not exist", path: path)
    }
    guard access(dir, W_OK) == 0 else { throw DesmError("\(option): the directory \(dir) is not writable", path: path) }
    guard let existing = ExistingFileKind.of(p) else { return }
    guard kind.replaces.contains(existing) else {
        throw DesmError("\(option): exists and is \(existing.description), not \(kind.rawValue): not overwriting it (remove it or choose another name)", path: path)
    }
}

/// What is at a path, from its first bytes.
fileprivate enum ExistingFileKind: Hashable, CustomStringConvertible {
    case empty, model, index, directory, compressed, binary, unreadable, run, qrels, vectors, xml, svg, json, text, statistics, shardResults

    var description: String {
        switch self {
        case .empty: return "an empty file"
        case .model: return "a desm model"
        case .index: return "a desm index"
        case .directory: return "a directory"
        case .compressed: return "a gzip file"
        case .binary: return "a binary file"
        case .unreadable: return "a file desm cannot read (so cannot tell what it is)"
        case .run: return "a TREC run"
        case .qrels: return "a qrels file"
        case .vectors: return "a word vector file"
        case .xml: return "an XML/SGML file (topics or documents)"
        case .svg: return "an SVG file"
        case .json: return "a JSON file (a collection, topics or a config)"
        case .text: return "a text file"
        case .statistics: return "BM25 collection statistics"
        case .shardResults: return "a shard's hits or moments"
        }
    }

    /// nil when nothing is at `path`.
    static func of(_ path: String) -> ExistingFileKind? {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { return nil }
        if isDir.boolValue {
            return FileManager.default.fileExists(atPath: path + "/" + IndexManifest.fileName) ? .index : .directory
        }
        guard let h = FileHandle(forReadingAtPath: path) else { return .unreadable }
        defer { try? h.close() }
        let head = [UInt8]((try? h.read(upToCount: 4096)) ?? Data())
        if head.isEmpty { return .empty }
        if head.starts(with: ModelFile.magic) { return .model }
        if head.starts(with: [0x1f, 0x8b]) { return .compressed }
        // The first line decides for text; word2vec's binary format has a text header line.
        let lineEnd = head.firstIndex(of: 0x0a) ?? head.count
        let first = String(decoding: head[..<lineEnd], as: UTF8.self)
        let fields = first.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
        if fields.count == 2, Int(fields[0]) != nil, Int(fields[1]) != nil { return .vectors }
        if head.contains(0) { return .binary }
        if first.hasPrefix(CollectionStatistics.fileMagic + "\t") { return .statistics }
        if first.hasPrefix("#desm-hits\t") || first.hasPrefix("#desm-moments\t") { return .shardResults }
        let trimmed = first.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("<svg") || (trimmed.hasPrefix("<?xml") && String(decoding: head, as: UTF8.self).contains("<svg")) {
            return .svg
        }
        if trimmed.hasPrefix("<") { return .xml }
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") { return .json }
        if fields.count == 6, Int(fields[3]) != nil, Double(fields[4]) != nil { return .run }
        if fields.count == 4, Int(fields[3]) != nil { return .qrels }
        return .text
    }
}
