// Small valid files that the hostile cases are made from (generated, never committed).
import DesmFixtures
import DesmIndex
import DesmTestSupport
import DesmText
import DesmWord2Vec
import Foundation

/// Bytes of a saved tiny model.
func tinyModelBytes() throws -> [UInt8] {
    let dir = makeTemporaryDirectory("desm-model")
    defer { removeTree(dir) }
    try makeTinyModel().save(to: dir + "/m.model")
    return Array(FileManager.default.contents(atPath: dir + "/m.model")!)
}

/// A template index directory built from `fixtureDocuments` with the tiny model; every
/// file's bytes by name (manifest included).
func templateIndexFiles() throws -> [String: [UInt8]] {
    let dir = makeTemporaryDirectory("desm-index-template")
    defer { removeTree(dir) }
    try IndexBuilder(model: makeTinyModel(), options: IndexBuildOptions(threads: 1)).build(documents: fixtureDocuments, to: dir + "/idx")
    var files: [String: [UInt8]] = [:]
    for name in IndexFiles.all + [IndexManifest.fileName] {
        files[name] = Array(FileManager.default.contents(atPath: dir + "/idx/" + name)!)
    }
    return files
}

/// Writes an index directory from file bytes (a file mapped to nil is left out).
func writeIndex(_ files: [String: [UInt8]?], to path: String) throws {
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    for (name, bytes) in files {
        if let bytes { FileManager.default.createFile(atPath: path + "/" + name, contents: Data(bytes)) }
    }
}

// MARK: Little-endian patching

func putLE<T: FixedWidthInteger>(_ bytes: inout [UInt8], _ at: Int, _ value: T) {
    withUnsafeBytes(of: value.littleEndian) { for (k, b) in $0.enumerated() { bytes[at + k] = b } }
}

func getLE<T: FixedWidthInteger>(_ bytes: [UInt8], _ at: Int, _ type: T.Type) -> T {
    var v: T = 0
    for k in 0..<MemoryLayout<T>.size { v |= T(truncatingIfNeeded: bytes[at + k]) << (8 * k) }
    return v
}

/// Recomputes a model file's vocabulary/metadata, matrix and header CRCs so that a lying
/// field gets past the checksums to the checks behind them (the model of an attacker who
/// writes a well-formed file with absurd contents).
func fixModelChecksums(_ b: inout [UInt8]) {
    func u64(_ at: Int) -> Int? {
        let x = getLE(b, at, UInt64.self)
        return x < UInt64(b.count) ? Int(x) : nil
    }
    if let vo = u64(40), let vl = u64(48), let mo = u64(80), let ml = u64(88), vl <= b.count - vo, ml <= b.count - mo {
        var c = CRC32()
        b.withUnsafeBytes { raw in
            c.update(UnsafeRawBufferPointer(rebasing: raw[vo..<(vo + vl)]))
            c.update(UnsafeRawBufferPointer(rebasing: raw[mo..<(mo + ml)]))
        }
        putLE(&b, 104, c.value)
    }
    let crc = b.withUnsafeBytes { CRC32.of(UnsafeRawBufferPointer(rebasing: $0[0..<108])) }
    putLE(&b, 108, crc)
}

/// Recomputes an index file's trailer CRC (over everything but the last 8 bytes).
func fixIndexFileChecksum(_ b: inout [UInt8]) {
    guard b.count >= 96 else { return }
    let crc = b.withUnsafeBytes { CRC32.of(UnsafeRawBufferPointer(rebasing: $0[0..<(b.count - 8)])) }
    putLE(&b, b.count - 8, crc)
}

/// The manifest with one file's "bytes" (and optionally its CRC) replaced.
func manifest(_ m: [UInt8], file name: String, bytes: Int, crc: UInt32? = nil) throws -> [UInt8] {
    var json = try JSONSerialization.jsonObject(with: Data(m)) as! [String: Any]
    var files = json["files"] as! [String: Any]
    var entry = files[name] as! [String: Any]
    entry["bytes"] = bytes
    if let crc { entry["crc32"] = crc }
    files[name] = entry
    json["files"] = files
    return Array(try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]))
}

/// The manifest with top-level fields replaced.
func manifest(_ m: [UInt8], setting fields: [String: Any]) throws -> [UInt8] {
    var json = try JSONSerialization.jsonObject(with: Data(m)) as! [String: Any]
    for (k, v) in fields { json[k] = v }
    return Array(try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]))
}
