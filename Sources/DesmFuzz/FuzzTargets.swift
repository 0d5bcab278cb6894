// Fuzz targets over every desm reader. Each target takes arbitrary bytes, hands them to a
// reader the way the CLI would (through a file: the readers take paths), and consumes the
// whole result. Any DesmError is a correct outcome; a trap, a sanitizer report, a hang or an
// unbounded allocation is a finding.
//
// Built two ways:
//  - for libFuzzer (eval/fuzz/run.sh): `-sanitize=fuzzer,address -DFUZZING`, the target is
//    chosen by the environment variable DESM_FUZZ_TARGET;
//  - plainly (swift build --product desm-fuzz): `desm-fuzz TARGET FILE...` replays inputs,
//    `desm-fuzz TARGET --seeds DIR` writes the seed corpus of a target.
import DesmEval
import DesmFixtures
import DesmIndex
import DesmText
import DesmWord2Vec
import Foundation
import Glibc

/// The targets, by name.
let fuzzTargets: [String: ([UInt8]) throws -> Void] = [
    "gzip": fuzzGzip,
    "lines": fuzzLines,
    "topics": fuzzTopics,
    "qrels": fuzzQrels,
    "run": fuzzRun,
    "collection": fuzzCollection,
    "vectors": fuzzVectors,
    "model": { try fuzzModel($0, fixChecksums: false) },
    "model-fixcrc": { try fuzzModel($0, fixChecksums: true) },
    "index": fuzzIndex,
]

/// A private scratch directory (in /dev/shm when it exists: inputs are written per run).
let scratch: String = {
    let base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : NSTemporaryDirectory()
    let dir = "\(base)/desm-fuzz-\(getpid())"
    mkdir(dir, 0o755)
    atexit { removeTree(scratch) }
    return dir
}()

/// Writes `bytes` to the scratch input file and returns its path.
func inputFile(_ bytes: [UInt8], name: String = "input") -> String {
    let path = scratch + "/" + name
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    precondition(fd >= 0, "cannot write \(path)")
    bytes.withUnsafeBytes { b in
        var off = 0
        while off < b.count {
            let n = write(fd, b.baseAddress! + off, b.count - off)
            precondition(n > 0)
            off += n
        }
    }
    close(fd)
    return path
}

func fuzzGzip(_ data: [UInt8]) throws {
    let src = try openByteSource(inputFile(data))
    var buf = [UInt8](repeating: 0, count: 4096)
    while try buf.withUnsafeMutableBytes({ try src.read(into: $0) }) > 0 {}
}

func fuzzLines(_ data: [UInt8]) throws {
    // A small line limit so that the over-long-line path is reachable.
    let r = LineReader(try openByteSource(inputFile(data)), maxLineBytes: 1024, chunk: 64)
    while let line = try r.nextLine() { _ = line.utf8.count }
    _ = r.invalidUTF8.note(path: r.path)
}

func fuzzTopics(_ data: [UInt8]) throws {
    let topics = try loadTopics(path: inputFile(data), entityExpansionLimit: 1 << 16)
    for t in topics { for f in t.fields { _ = f.text.utf8.count } }
}

func fuzzQrels(_ data: [UInt8]) throws {
    let q = try Qrels.load(path: inputFile(data))
    for t in q.topicIDs { _ = q.relevantCount(topic: t) }
}

func fuzzRun(_ data: [UInt8]) throws {
    let run = try RunFile.load(path: inputFile(data))
    // Evaluate against itself as qrels-free input: sort each topic as trec_eval does.
    for (_, entries) in run.topics { _ = entries.sorted { $0.score > $1.score } }
}

/// The first byte picks the format: 0–3 force jsonl/tsv/trec/smart, anything else detects.
func fuzzCollection(_ data: [UInt8]) throws {
    guard let selector = data.first else { return }
    let formats = CollectionFormat.allCases
    let forced: CollectionFormat? = Int(selector) < formats.count ? formats[Int(selector)] : nil
    let c = try CollectionReader(path: inputFile(Array(data.dropFirst())), format: forced)
    while let d = try c.next() { _ = d.fullText.utf8.count }
}

func fuzzVectors(_ data: [UInt8]) throws {
    let v = try readVectors(path: inputFile(data))
    precondition(v.vectors.rows == v.words.count)
    for i in 0..<v.vectors.rows { for x in v.vectors.row(i) { precondition(x.isFinite) } }
}

/// Loads a model file. With `fixChecksums` the header, vocabulary/metadata and matrix CRCs
/// are recomputed first (where the fuzzed offsets allow), so that the fuzzer gets past the
/// checksums into the structural checks behind them.
func fuzzModel(_ data: [UInt8], fixChecksums: Bool) throws {
    var bytes = data
    if fixChecksums && bytes.count >= 128 { fixModelChecksums(&bytes) }
    let m = try EmbeddingModel.load(path: inputFile(bytes), verify: true)
    for w in m.vocabulary.words { _ = m.vocabulary.id(w) }
    var sum: Float = 0
    for i in 0..<m.vocabulary.count { sum += m.inRow(i).reduce(0, +) }
    if let out = m.output { for i in 0..<out.rows { sum += out.row(i).reduce(0, +) } }
    _ = sum
}

func fixModelChecksums(_ b: inout [UInt8]) {
    func u64(_ at: Int) -> Int? {
        var x: UInt64 = 0
        for k in 0..<8 { x |= UInt64(b[at + k]) << (8 * k) }
        return x < UInt64(b.count) ? Int(x) : nil
    }
    func put32(_ at: Int, _ v: UInt32) { for k in 0..<4 { b[at + k] = UInt8(truncatingIfNeeded: v >> (8 * k)) } }
    if let vo = u64(40), let vl = u64(48), let mo = u64(80), let ml = u64(88),
       vl <= b.count - vo, ml <= b.count - mo {
        var c = CRC32()
        b.withUnsafeBytes { raw in
            c.update(UnsafeRawBufferPointer(rebasing: raw[vo..<(vo + vl)]))
            c.update(UnsafeRawBufferPointer(rebasing: raw[mo..<(mo + ml)]))
        }
        put32(104, c.value)
    }
    let crc = b.withUnsafeBytes { CRC32.of(UnsafeRawBufferPointer(rebasing: $0[0..<108])) }
    put32(108, crc)
}

// MARK: Index

/// A small valid model and index built once, which index inputs are applied to.
final class IndexTemplate {
    static let shared = IndexTemplate()
    let directory: String
    let model: EmbeddingModel
    let files: [String: [UInt8]]
    let manifest: [UInt8]

    private init() {
        directory = scratch + "/template-index"
        model = makeTinyModel()
        let docs = fixtureDocuments
        do {
            try IndexBuilder(model: model).build(documents: docs, to: directory)
        } catch {
            fatalError("cannot build the template index: \(error)")
        }
        var files: [String: [UInt8]] = [:]
        for name in IndexFiles.all { files[name] = Array(FileManager.default.contents(atPath: directory + "/" + name)!) }
        self.files = files
        manifest = Array(FileManager.default.contents(atPath: directory + "/" + IndexManifest.fileName)!)
    }
}

/// The index target: the first byte picks which file of a valid index the rest of the input
/// replaces (0–9 one of `IndexFiles.all`, 10 `manifest.json`; taken modulo 11); bit 7 set
/// means "also make the manifest's byte count for that file agree", so that the fuzzer gets
/// past the size check into the structure behind it. The index is then opened without the
/// open-time checksums (`checksumBudget: 0`, as for an index above the budget), a BM25 and
/// a DESM query are ranked (first, so that the ranker meets whatever the files hold), its
/// structure is checked (`verifyStructure`: every docno, snippet, posting list, document's
/// forward-index terms and centroid), and the CRCs are verified (last, so that the
/// structure behind a bad checksum is reached).
func fuzzIndex(_ data: [UInt8]) throws {
    guard let selector = data.first else { return }
    let template = IndexTemplate.shared
    let dir = scratch + "/index"
    mkdir(dir, 0o755)
    let which = Int(selector & 0x7F) % (IndexFiles.all.count + 1)
    let body = Array(data.dropFirst())
    var manifest = template.manifest
    for (i, name) in IndexFiles.all.enumerated() {
        _ = inputFile(i == which ? body : template.files[name]!, name: "index/" + name)
    }
    if which == IndexFiles.all.count {
        manifest = body
    } else if selector & 0x80 != 0 {
        let text = String(decoding: manifest, as: UTF8.self)
        let name = IndexFiles.all[which]
        let old = "\"bytes\" : \(template.files[name]!.count)"
        // The manifest is pretty-printed with sorted keys: the file's entry is the first
        // "bytes" after its name.
        if let r = text.range(of: "\"\(name)\" : {"), let b = text.range(of: old, range: r.upperBound..<text.endIndex) {
            manifest = Array(text.replacingCharacters(in: b, with: "\"bytes\" : \(body.count)").utf8)
        }
    }
    _ = inputFile(manifest, name: "index/" + IndexManifest.fileName)
    let index = try DocumentIndex(path: dir, checksumBudget: 0)
    for d in 0..<index.count { _ = index.lacksVocabulary(d) }
    let ranker = try Ranker(index: index, model: template.model.checksum == index.manifest.modelChecksum ? template.model : nil)
    ranker.threads = 1
    _ = try ranker.rank("cat chase mat", options: RankingOptions(scorer: .bm25), k: 3)
    if ranker.model != nil {
        _ = try ranker.rank("cat chase mat", options: RankingOptions(scorer: .desm(.inOut)), k: 3)
    }
    _ = try index.verifyStructure()
    try index.verify()
}

/// Runs one input through a target; errors are expected outcomes.
@discardableResult
func runOne(_ target: ([UInt8]) throws -> Void, _ data: [UInt8]) -> String? {
    do {
        try target(data)
        return nil
    } catch let e as DesmError {
        return e.description
    } catch {
        return "non-DesmError: \(error)"
    }
}
