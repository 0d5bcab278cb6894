// Bad input for the binary files desm writes: the model file and every index file.
// Lying fields are written with their checksums recomputed (an attacker's well-formed file),
// so that the checks behind the checksums are reached.
import DesmIndex
import DesmTestSupport
import DesmText
import Foundation
import XCTest

final class ModelBadInputTests: XCTestCase {
    func testModelFile() throws {
        let m = try tinyModelBytes()
        let vocabOffset = Int(getLE(m, 40, UInt64.self)), vocabBytes = Int(getLE(m, 48, UInt64.self))
        let inOffset = Int(getLE(m, 56, UInt64.self))
        let metaOffset = Int(getLE(m, 80, UInt64.self))
        let v = Int(getLE(m, 24, UInt64.self))
        let stringsAt = vocabOffset + v * 16 + 8
        func patched(_ body: (inout [UInt8]) -> Void, fix: Bool = true) -> (String) throws -> Void {
            var b = m
            body(&b)
            if fix { fixModelChecksums(&b) }
            return file(b)
        }
        func field<T: FixedWidthInteger>(_ at: Int, _ value: T) -> (String) throws -> Void {
            patched { putLE(&$0, at, value) }
        }
        var cases: [HostileCase] = [
            HostileCase(reader: "model", name: "empty file", make: file([UInt8]()), outcome: .offset, contains: ["shorter than"]),
            HostileCase(reader: "model", name: "a directory", make: makeDirectory, outcome: .named, contains: ["directory"]),
            HostileCase(reader: "model", name: "missing", make: makeNothing, outcome: .named, contains: ["o such file"]),
            HostileCase(reader: "model", name: "unreadable", make: makeUnreadable, outcome: .named),
            HostileCase(reader: "model", name: "random bytes", make: file(randomBytes(4096, seed: 77)), outcome: .offset, contains: ["magic"]),
            HostileCase(reader: "model", name: "word2vec text instead", make: file("2 3\nthe 0.1 0.2 0.3\nof 1 2 3\n" + String(repeating: " ", count: 200)),
                        outcome: .offset, contains: ["magic"]),
            HostileCase(reader: "model", name: "gzip of a model", make: file(gzip(m)), outcome: .offset, contains: ["magic"]),
            HostileCase(reader: "model", name: "header only", make: file(Array(m.prefix(100))), outcome: .offset),
            HostileCase(reader: "model", name: "version 2", make: field(8, UInt32(2)), outcome: .offset, contains: ["version 2"]),
            HostileCase(reader: "model", name: "version 0xFFFFFFFF", make: field(8, UInt32.max), outcome: .offset, contains: ["version"]),
            HostileCase(reader: "model", name: "header byte flipped", make: patched({ $0[20] ^= 1 }, fix: false), outcome: .offset, contains: ["checksum"]),
            HostileCase(reader: "model", name: "vocabulary byte flipped", make: patched({ $0[stringsAt] ^= 0x20 }, fix: false), outcome: .offset, contains: ["checksum"]),
            HostileCase(reader: "model", name: "metadata byte flipped", make: patched({ $0[metaOffset + 2] ^= 0x20 }, fix: false), outcome: .offset, contains: ["checksum"]),
            HostileCase(reader: "model-verify", name: "matrix byte flipped (verify)", make: patched({ $0[inOffset + 5] ^= 0x40 }, fix: false), outcome: .offset, contains: ["checksum"]),
            HostileCase(reader: "model", name: "matrix byte flipped (within the checksum budget)", make: patched({ $0[inOffset + 5] ^= 0x40 }, fix: false),
                        outcome: .offset, contains: ["matrix checksum"]),
            // Lying header fields, checksums recomputed.
            HostileCase(reader: "model", name: "dim 0", make: field(16, UInt64(0)), outcome: .offset, contains: ["implausible"]),
            HostileCase(reader: "model", name: "dim 2^40", make: field(16, UInt64(1) << 40), outcome: .offset, contains: ["implausible"]),
            HostileCase(reader: "model", name: "dim 2^63", make: field(16, UInt64(1) << 63), outcome: .offset),
            HostileCase(reader: "model", name: "vocabulary 2^40 words", make: field(24, UInt64(1) << 40), outcome: .offset),
            HostileCase(reader: "model", name: "vocabulary 2^30 words", make: field(24, UInt64(1) << 30), outcome: .offset),
            HostileCase(reader: "model", name: "vocabulary 11 words (one more)", make: field(24, UInt64(v + 1)), outcome: .offset),
            HostileCase(reader: "model", name: "vocabulary section longer than the file", make: field(48, UInt64(m.count)), outcome: .offset, contains: ["past the end"]),
            HostileCase(reader: "model", name: "vocabulary offset past the end", make: field(40, UInt64(m.count + 8)), outcome: .offset),
            HostileCase(reader: "model", name: "vocabulary offset 2^62", make: field(40, UInt64(1) << 62), outcome: .offset),
            HostileCase(reader: "model", name: "metadata length 2^62", make: field(88, UInt64(1) << 62), outcome: .offset),
            HostileCase(reader: "model", name: "metadata offset -1", make: field(80, UInt64.max), outcome: .offset),
            HostileCase(reader: "model", name: "W_IN offset misaligned", make: field(56, UInt64(inOffset + 2)), outcome: .offset),
            HostileCase(reader: "model", name: "W_IN offset at the end", make: field(56, UInt64(m.count)), outcome: .offset),
            HostileCase(reader: "model", name: "W_OUT offset 2^60", make: field(64, UInt64(1) << 60), outcome: .offset),
            HostileCase(reader: "model", name: "syn1 flag with rows past the end", make: patched {
                putLE(&$0, 12, UInt32(3)); putLE(&$0, 32, UInt64(v * 100)); putLE(&$0, 72, UInt64(inOffset))
            }, outcome: .offset),
            HostileCase(reader: "model", name: "word offset table not starting at 0", make: patched { putLE(&$0, vocabOffset + v * 8, UInt64(3)) },
                        outcome: .offset, contains: ["word offset"]),
            HostileCase(reader: "model", name: "word offsets decreasing", make: patched { putLE(&$0, vocabOffset + v * 8 + 16, UInt64(0)); putLE(&$0, vocabOffset + v * 8 + 8, UInt64(5)) },
                        outcome: .offset, contains: ["word offset"]),
            HostileCase(reader: "model", name: "word offset past the strings", make: patched { putLE(&$0, vocabOffset + v * 8 + v * 8, UInt64(1) << 40) },
                        outcome: .offset, contains: ["word offset"]),
            HostileCase(reader: "model", name: "metadata not JSON", make: patched { $0[metaOffset] = UInt8(ascii: "[") }, outcome: .offset, contains: ["metadata"]),
            HostileCase(reader: "model", name: "invalid UTF-8 word", make: patched { $0[stringsAt] = 0xFF }, outcome: .accepted("10 words")),
            HostileCase(reader: "model-verify", name: "NaN in W_IN with valid checksums", make: patched {
                putLE(&$0, inOffset, Float.nan.bitPattern)
                var c = CRC32()
                let vb = Int(getLE($0, 24, UInt64.self)) * Int(getLE($0, 16, UInt64.self)) * 4
                $0.withUnsafeBytes { c.update(UnsafeRawBufferPointer(rebasing: $0[inOffset..<(inOffset + vb)])) }
                let out = Int(getLE($0, 64, UInt64.self))
                $0.withUnsafeBytes { c.update(UnsafeRawBufferPointer(rebasing: $0[out..<(out + vb)])) }
                putLE(&$0, 100, c.value)
            }, outcome: .accepted("10 words")),
        ]
        for cut in [128, vocabOffset + vocabBytes / 2, inOffset + 3, metaOffset - 1, m.count - 1] {
            cases.append(HostileCase(reader: "model", name: "truncated at byte \(cut)", make: file(Array(m.prefix(cut))), outcome: .offset))
        }
        try runHostileCases(cases)
    }
}

extension ModelBadInputTests {
    /// Was a known bug (ModelFile.swift checked `vocabulary.count == v`, which counts
    /// duplicates); fixed on the w2v branch with `distinctCount`, kept as a regression case.
    func testModelWithDuplicateWordsIsRefused() throws {
        let m = try tinyModelBytes()
        let vocabOffset = Int(getLE(m, 40, UInt64.self))
        let v = Int(getLE(m, 24, UInt64.self))
        var b = m
        // Words "cat" (0..<3) and "cats" (3..<7): end the second word at 6, so it reads "cat"
        // and the third word takes the "s".
        putLE(&b, vocabOffset + v * 8 + 16, UInt64(6))
        fixModelChecksums(&b)
        try runHostileCases([HostileCase(reader: "model", name: "duplicate words", make: file(b), outcome: .offset, contains: ["duplicate"])])
    }
}

final class IndexBadInputTests: XCTestCase {
    func testIndexDirectory() throws {
        let t = try templateIndexFiles()
        let manifestBytes = t[IndexManifest.fileName]!
        func index(_ changes: [String: [UInt8]?] = [:]) -> (String) throws -> Void {
            { path in
                var files: [String: [UInt8]?] = t.mapValues { Optional($0) }
                for (k, v) in changes { files[k] = v }
                try writeIndex(files, to: path)
            }
        }
        /// One file changed, with the manifest's byte count (and optionally CRC) made to agree.
        func sized(_ name: String, _ bytes: [UInt8], fixCRC: Bool = false, manifestCRC: Bool = true) throws -> (String) throws -> Void {
            var b = bytes
            if fixCRC { fixIndexFileChecksum(&b) }
            let crc: UInt32? = fixCRC && manifestCRC && b.count >= 8 ? getLE(b, b.count - 8, UInt32.self) : nil
            return index([name: b, IndexManifest.fileName: try manifest(manifestBytes, file: name, bytes: b.count, crc: crc)])
        }
        func mutate(_ name: String, _ body: (inout [UInt8]) -> Void) -> [UInt8] {
            var b = t[name]!
            body(&b)
            return b
        }
        var cases: [HostileCase] = [
            HostileCase(reader: "index", name: "missing directory", make: makeNothing, outcome: .named, contains: ["no such index"]),
            HostileCase(reader: "index", name: "a file, not a directory", make: file("x"), outcome: .named),
            HostileCase(reader: "index", name: "empty directory", make: makeDirectory, outcome: .named, contains: ["not an index directory"]),
            HostileCase(reader: "index", name: "manifest empty", make: index([IndexManifest.fileName: []]), outcome: .namedPath("manifest.json"), contains: ["not valid"]),
            HostileCase(reader: "index", name: "manifest random bytes", make: index([IndexManifest.fileName: randomBytes(500, seed: 8)]), outcome: .namedPath("manifest.json")),
            HostileCase(reader: "index", name: "manifest a JSON array", make: index([IndexManifest.fileName: Array("[1,2]".utf8)]), outcome: .namedPath("manifest.json")),
            HostileCase(reader: "index", name: "manifest nested 100000 deep", make: index([IndexManifest.fileName: Array((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)]),
                        outcome: .namedPath("manifest.json")),
            HostileCase(reader: "index", name: "manifest truncated", make: index([IndexManifest.fileName: Array(manifestBytes.prefix(manifestBytes.count / 2))]), outcome: .namedPath("manifest.json")),
            HostileCase(reader: "index", name: "manifest is a directory", make: { p in
                try index([IndexManifest.fileName: nil])(p)
                try makeDirectory(p + "/" + IndexManifest.fileName)
            }, outcome: .named),
            HostileCase(reader: "index", name: "manifest without files", make: index([IndexManifest.fileName: try manifest(manifestBytes, setting: ["files": [String: Any]()])]),
                        outcome: .namedPath("manifest.json"), contains: ["lists no"]),
            HostileCase(reader: "index", name: "manifest of another format", make: index([IndexManifest.fileName: try manifest(manifestBytes, setting: ["format": "lucene"])]),
                        outcome: .namedPath("manifest.json")),
            HostileCase(reader: "index", name: "manifest format version 4", make: index([IndexManifest.fileName: try manifest(manifestBytes, setting: ["formatVersion": 4])]),
                        outcome: .namedPath("manifest.json"), contains: ["version 4"]),
            HostileCase(reader: "index", name: "manifest format version 2 (before means)", make: index([IndexManifest.fileName: try manifest(manifestBytes, setting: ["formatVersion": 2])]),
                        outcome: .namedPath("manifest.json"), contains: ["index format version 2, this desm reads version 3: rebuild the index with `desm index`"]),
            HostileCase(reader: "index", name: "manifest mean weighting unknown", make: index([IndexManifest.fileName: try manifest(manifestBytes, setting: ["wordMean": "median"])]),
                        outcome: .namedPath("manifest.json"), contains: ["not valid"]),
            HostileCase(reader: "index", name: "manifest documents -1", make: index([IndexManifest.fileName: try manifest(manifestBytes, setting: ["documents": -1])]), outcome: .named),
            HostileCase(reader: "index", name: "manifest documents 2^62", make: index([IndexManifest.fileName: try manifest(manifestBytes, setting: ["documents": 1 << 62])]), outcome: .named),
            HostileCase(reader: "index", name: "manifest dim 2^62", make: index([IndexManifest.fileName: try manifest(manifestBytes, setting: ["dim": 1 << 62])]), outcome: .named),
            HostileCase(reader: "index", name: "manifest terms wrong", make: index([IndexManifest.fileName: try manifest(manifestBytes, setting: ["bm25": ["documents": 4, "terms": 99999, "postings": 1, "totalLength": 1, "averageLength": 1.0]])]),
                        outcome: .named),
        ]
        for name in IndexFiles.all {
            let b = t[name]!
            cases += [
                HostileCase(reader: "index", name: "\(name) missing", make: index([name: nil]), outcome: .namedPath(name), contains: ["o such file"]),
                HostileCase(reader: "index", name: "\(name) empty", make: index([name: []]), outcome: .namedPath(name)),
                HostileCase(reader: "index", name: "\(name) truncated by one byte", make: index([name: Array(b.dropLast())]), outcome: .namedPath(name)),
                HostileCase(reader: "index", name: "\(name) bad magic", make: index([name: mutate(name) { $0[0] ^= 0xFF }]), outcome: .namedPath(name), contains: ["magic"]),
                HostileCase(reader: "index", name: "\(name) version 9", make: index([name: mutate(name) { putLE(&$0, 8, UInt32(9)) }]), outcome: .namedPath(name), contains: ["version 9"]),
                HostileCase(reader: "index", name: "\(name) payload byte flipped", make: index([name: mutate(name) { $0[64] ^= 0x01 }]), outcome: .namedPath(name)),
                HostileCase(reader: "index", name: "\(name) trailer count 2^60", make: try sized(name, mutate(name) { putLE(&$0, $0.count - 32, UInt64(1) << 60) }, fixCRC: true),
                            outcome: .namedPath(name)),
            ]
        }
        let docnos = t[IndexFiles.docnos]!
        let postings = t[IndexFiles.postings]!
        cases += [
            HostileCase(reader: "index", name: "docnos holds doclens (wrong kind)", make: index([IndexFiles.docnos: t[IndexFiles.doclens]!]),
                        outcome: .namedPath(IndexFiles.docnos), contains: ["expected strings"]),
            HostileCase(reader: "index", name: "payload length lies", make: try sized(IndexFiles.doclens, mutate(IndexFiles.doclens) { putLE(&$0, $0.count - 16, UInt64(4)) }, fixCRC: true),
                        outcome: .namedPath(IndexFiles.doclens), contains: ["payload length"]),
            HostileCase(reader: "index", name: "doclens one document short", make: try sized(IndexFiles.doclens, mutate(IndexFiles.doclens) { putLE(&$0, $0.count - 32, UInt64(3)) }, fixCRC: true),
                        outcome: .namedPath(IndexFiles.doclens)),
            HostileCase(reader: "index", name: "string offsets out of order", make: try sized(IndexFiles.docnos, mutate(IndexFiles.docnos) { b in
                let byteCount = Int(getLE(b, b.count - 24, UInt64.self))
                let offsetsAt = 64 + (byteCount + 7) / 8 * 8
                putLE(&b, offsetsAt + 8, UInt64(1) << 40)
            }, fixCRC: true), outcome: .namedPath(IndexFiles.docnos), contains: ["out of order"]),
            HostileCase(reader: "index", name: "posting offsets out of order", make: try sized(IndexFiles.postings, mutate(IndexFiles.postings) { b in
                putLE(&b, 64 + 8, UInt64(1) << 40)
            }, fixCRC: true), outcome: .namedPath(IndexFiles.postings), contains: ["out of order"]),
            HostileCase(reader: "index", name: "postings data all 0xFF", make: try sized(IndexFiles.postings, mutate(IndexFiles.postings) { b in
                let terms = Int(getLE(b, b.count - 32, UInt64.self))
                let dataAt = 64 + ((terms + 1) * 8 + terms * 4 + 7) / 8 * 8
                for i in dataAt..<(b.count - 32) { b[i] = 0xFF }
            }, fixCRC: true), outcome: .namedPath(IndexFiles.postings), contains: ["malformed"]),
            HostileCase(reader: "index", name: "document frequencies lie", make: try sized(IndexFiles.postings, mutate(IndexFiles.postings) { b in
                let terms = Int(getLE(b, b.count - 32, UInt64.self))
                for k in 0..<terms { putLE(&b, 64 + (terms + 1) * 8 + k * 4, UInt32.max) }
            }, fixCRC: true), outcome: .namedPath(IndexFiles.postings), contains: ["malformed"]),
            HostileCase(reader: "index", name: "docnos CRC mismatch (verify)", make: try sized(IndexFiles.docnos, mutate(IndexFiles.docnos) { $0[64] ^= 0x20 }),
                        outcome: .namedPath(IndexFiles.docnos), contains: ["checksum"]),
            HostileCase(reader: "index", name: "file from another build (CRC differs from manifest)", make: try sized(IndexFiles.docnos, mutate(IndexFiles.docnos) { $0[64] ^= 0x20 }, fixCRC: true, manifestCRC: false),
                        outcome: .namedPath(IndexFiles.docnos), contains: ["manifest"]),
            HostileCase(reader: "index-open", name: "centroids of 3 documents for 4", make: try sized(IndexFiles.centroidsIn, mutate(IndexFiles.centroidsIn) { b in
                b.removeSubrange((b.count - 32 - 32)..<(b.count - 32))
                putLE(&b, b.count - 32, UInt64(3))
                putLE(&b, b.count - 16, UInt64(b.count - 96))
            }, fixCRC: true), outcome: .namedPath(IndexFiles.centroidsIn), contains: ["manifest says"]),
            HostileCase(reader: "index-open", name: "postings of another size", make: index([IndexFiles.postings: postings + [0]]), outcome: .namedPath(IndexFiles.postings)),
            HostileCase(reader: "index-open", name: "docnos a directory", make: { p in
                try index([IndexFiles.docnos: nil])(p)
                try makeDirectory(p + "/" + IndexFiles.docnos)
            }, outcome: .namedPath(IndexFiles.docnos), contains: ["directory"]),
            HostileCase(reader: "index-open", name: "docnos unreadable", make: { p in
                try index([IndexFiles.docnos: nil])(p)
                try makeUnreadable(p + "/" + IndexFiles.docnos)
            }, outcome: .namedPath(IndexFiles.docnos)),
            // The forward index: sizes on open, entries in verifyStructure (checksums fixed).
            HostileCase(reader: "index-open", name: "docterms holds postings (wrong kind)", make: index([IndexFiles.docterms: postings]),
                        outcome: .namedPath(IndexFiles.docterms), contains: ["expected docterms"]),
            HostileCase(reader: "index-open", name: "docterms of 3 documents for 4", make: try sized(IndexFiles.docterms, mutate(IndexFiles.docterms) { b in
                putLE(&b, b.count - 32, UInt64(3))
            }, fixCRC: true), outcome: .namedPath(IndexFiles.docterms), contains: ["forward index for 3 documents"]),
            HostileCase(reader: "index-open", name: "docterms data size lies", make: try sized(IndexFiles.docterms, mutate(IndexFiles.docterms) { b in
                putLE(&b, b.count - 24, getLE(b, b.count - 24, UInt64.self) - 1)
            }, fixCRC: true), outcome: .namedPath(IndexFiles.docterms), contains: ["do not add up"]),
            HostileCase(reader: "index", name: "docterms offsets out of order", make: try sized(IndexFiles.docterms, mutate(IndexFiles.docterms) { b in
                putLE(&b, 64 + 8, UInt64(1) << 40)
            }, fixCRC: true), outcome: .namedPath(IndexFiles.docterms), contains: ["out of order"]),
            HostileCase(reader: "index", name: "docterms data all 0xFF", make: try sized(IndexFiles.docterms, mutate(IndexFiles.docterms) { b in
                let docs = Int(getLE(b, b.count - 32, UInt64.self))
                for i in (64 + (docs + 1) * 8)..<(b.count - 32) { b[i] = 0xFF }
            }, fixCRC: true), outcome: .namedPath(IndexFiles.docterms), contains: ["malformed"]),
            HostileCase(reader: "index", name: "docterms term id out of range", make: try sized(IndexFiles.docterms, mutate(IndexFiles.docterms) { b in
                let docs = Int(getLE(b, b.count - 32, UInt64.self))
                b[64 + (docs + 1) * 8] = 0x7F
            }, fixCRC: true), outcome: .namedPath(IndexFiles.docterms), contains: ["term id 127"]),
            HostileCase(reader: "index", name: "docterms tf disagrees with doclens", make: try sized(IndexFiles.docterms, mutate(IndexFiles.docterms) { b in
                let docs = Int(getLE(b, b.count - 32, UInt64.self))
                b[64 + (docs + 1) * 8 + 1] += 1
            }, fixCRC: true), outcome: .namedPath(IndexFiles.docterms), contains: ["its length in doclens"]),
            // The mean word vectors: their shape on open, their values in verifyStructure.
            HostileCase(reader: "index-open", name: "means of 3 vectors", make: try sized(IndexFiles.means, mutate(IndexFiles.means) { b in
                putLE(&b, b.count - 32, UInt64(3))
            }, fixCRC: true), outcome: .namedPath(IndexFiles.means), contains: ["mean vectors are 3 ×"]),
            HostileCase(reader: "index-open", name: "means of another dimension", make: try sized(IndexFiles.means, mutate(IndexFiles.means) { b in
                b.removeSubrange((b.count - 32 - 16)..<(b.count - 32))
                putLE(&b, b.count - 24, UInt64(7))
                putLE(&b, b.count - 16, UInt64(b.count - 96))
            }, fixCRC: true), outcome: .namedPath(IndexFiles.means), contains: ["expected 2 × 8"]),
            HostileCase(reader: "index", name: "means holding infinity", make: try sized(IndexFiles.means, mutate(IndexFiles.means) { b in
                putLE(&b, 64 + 8 * 9, Double.infinity.bitPattern)
            }, fixCRC: true), outcome: .namedPath(IndexFiles.means), contains: ["mean OUT word vector holds a non-finite value"]),
            HostileCase(reader: "index", name: "valid index reads", make: index(), outcome: .accepted("4 documents")),
            HostileCase(reader: "index", name: "docnos with invalid UTF-8 (checksums fixed) read", make: try sized(IndexFiles.docnos, mutate(IndexFiles.docnos) { $0[64] = 0xFF }, fixCRC: true),
                        outcome: .accepted("4 documents")),
        ]
        _ = docnos
        try runHostileCases(cases)
    }
}
