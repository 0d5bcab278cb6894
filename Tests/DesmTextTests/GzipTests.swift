import XCTest
import DesmTestSupport
@testable import DesmText

/// Reads a whole byte source.
func readAll(_ path: String, chunk: Int = 4096) throws -> [UInt8] {
    let s = try openByteSource(path)
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: chunk)
    while true {
        let n = try buf.withUnsafeMutableBytes { try s.read(into: $0) }
        if n == 0 { return out }
        out.append(contentsOf: buf[0..<n])
    }
}

func errorText(_ body: () throws -> Void) -> String? {
    do { try body(); return nil } catch { return "\(error)" }
}

final class GzipTests: XCTestCase {
    var dir = ""
    override func setUp() { dir = makeTemporaryDirectory("desm-gzip") }
    override func tearDown() { removeTree(dir) }

    /// Deterministic bytes that compress a little but not too well.
    func sample(_ n: Int) -> [UInt8] {
        var x: UInt32 = 12345
        return (0..<n).map { i in
            x = x &* 1664525 &+ 1013904223
            return i % 7 == 0 ? 0x0A : UInt8(0x61 + (x >> 24) % 20)
        }
    }

    func testRoundTripAndDetectionByMagicNotName() throws {
        let data = sample(300_000)
        let gz = dir + "/data.txt"            // gzip content, no .gz name
        try writeGzipFile(gz, data)
        let raw = try Array(Data(contentsOf: URL(fileURLWithPath: gz)))
        XCTAssertEqual(Array(raw.prefix(2)), [0x1f, 0x8b])
        XCTAssertLessThan(raw.count, data.count)
        XCTAssertEqual(try readAll(gz), data)
        XCTAssertEqual(try readAll(gz, chunk: 1), data) // byte-at-a-time reads
        let plain = dir + "/plain.gz"         // plain content with a .gz name
        try writeFileAtomically(plain, data)
        XCTAssertEqual(try readAll(plain), data)
        XCTAssertTrue(try openByteSource(plain) is FileSource)
    }

    func testGzipFileHelperAndStreamingWriter() throws {
        let src = dir + "/src"
        try writeFileAtomically(src, sample(100_000))
        try gzipFile(src, to: dir + "/src.gz", level: 1)
        XCTAssertEqual(try readAll(dir + "/src.gz"), try readAll(src))
        let w = try GzipWriter(path: dir + "/w.gz")
        try w.write("hello ")
        try w.write(Array("world\n".utf8))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/w.gz")) // atomic: not yet there
        try w.commit()
        XCTAssertEqual(String(decoding: try readAll(dir + "/w.gz"), as: UTF8.self), "hello world\n")
    }

    func testEmptyFiles() throws {
        try writeGzipFile(dir + "/empty.gz", [])
        XCTAssertEqual(try readAll(dir + "/empty.gz"), [])
        try writeFileAtomically(dir + "/empty", [])
        XCTAssertEqual(try readAll(dir + "/empty"), [])
        let lines = try LineReader(path: dir + "/empty.gz")
        XCTAssertNil(try lines.nextLine())
    }

    func testMultiMember() throws {
        try writeGzipFile(dir + "/a.gz", Array("first\n".utf8))
        try writeGzipFile(dir + "/b.gz", [])
        try writeGzipFile(dir + "/c.gz", Array("second\nthird".utf8))
        var joined: [UInt8] = []
        for f in ["a", "b", "c"] { joined += try Array(Data(contentsOf: URL(fileURLWithPath: dir + "/\(f).gz"))) }
        try writeFileAtomically(dir + "/multi.gz", joined)
        XCTAssertEqual(String(decoding: try readAll(dir + "/multi.gz"), as: UTF8.self), "first\nsecond\nthird")
        let r = try LineReader(path: dir + "/multi.gz")
        var got: [String] = []
        while let l = try r.nextLine() { got.append(l) }
        XCTAssertEqual(got, ["first", "second", "third"])
    }

    func testTruncatedAtSeveralOffsetsNamesFileAndOffset() throws {
        let data = sample(200_000)
        try writeGzipFile(dir + "/full.gz", data)
        let full = try Array(Data(contentsOf: URL(fileURLWithPath: dir + "/full.gz")))
        for cut in [1, 2, 5, 10, 11, 100, full.count / 2, full.count - 8, full.count - 4, full.count - 1] {
            let p = dir + "/cut\(cut).gz"
            try writeFileAtomically(p, Array(full.prefix(cut)))
            let msg = errorText { _ = try readAll(p) }
            if cut == 1 {
                // One byte 0x1f is not a gzip magic: read as a plain one-byte file.
                XCTAssertNil(msg)
                continue
            }
            let m = try XCTUnwrap(msg, "cut at \(cut) was not reported")
            XCTAssertTrue(m.hasPrefix(p + ": byte "), m)
            XCTAssertTrue(m.contains("truncated"), m)
        }
    }

    func testCorruptDataAndTrailingGarbage() throws {
        let data = sample(100_000)
        try writeGzipFile(dir + "/ok.gz", data)
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: dir + "/ok.gz")))
        // Trailing garbage after a complete member.
        try writeFileAtomically(dir + "/trail.gz", bytes + Array("garbage".utf8))
        let t = try XCTUnwrap(errorText { _ = try readAll(dir + "/trail.gz") })
        XCTAssertTrue(t.hasPrefix(dir + "/trail.gz: byte \(bytes.count):"), t)
        XCTAssertTrue(t.contains("trailing"), t)
        // Corrupt the CRC32 in the trailer.
        var badCRC = bytes
        badCRC[badCRC.count - 8] ^= 0xFF
        try writeFileAtomically(dir + "/crc.gz", badCRC)
        let c = try XCTUnwrap(errorText { _ = try readAll(dir + "/crc.gz") })
        XCTAssertTrue(c.contains("corrupt gzip data"), c)
        XCTAssertTrue(c.hasPrefix(dir + "/crc.gz: byte "), c)
        // Flip bytes in the middle of the deflate stream.
        for k in 0..<64 { bytes[bytes.count / 2 + k] ^= 0x5A }
        try writeFileAtomically(dir + "/mid.gz", bytes)
        let mmsg = try XCTUnwrap(errorText { _ = try readAll(dir + "/mid.gz") })
        XCTAssertTrue(mmsg.hasPrefix(dir + "/mid.gz: byte "), mmsg)
        // A bad header (wrong compression method).
        try writeFileAtomically(dir + "/hdr.gz", [0x1f, 0x8b, 0x07, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3])
        let h = try XCTUnwrap(errorText { _ = try readAll(dir + "/hdr.gz") })
        XCTAssertTrue(h.contains("corrupt gzip data"), h)
    }

    func testOpenErrors() {
        let m = errorText { _ = try openByteSource(dir + "/missing") }
        XCTAssertEqual(m, "\(dir)/missing: No such file or directory")
        let d = errorText { _ = try openByteSource(dir) }
        XCTAssertEqual(d, "\(dir): is a directory, expected a file")
    }
}

final class LineReaderTests: XCTestCase {
    var dir = ""
    override func setUp() { dir = makeTemporaryDirectory("desm-lines") }
    override func tearDown() { removeTree(dir) }

    func lines(_ bytes: [UInt8], gzip: Bool = false, maxLineBytes: Int = 1 << 20) throws -> [String] {
        let p = dir + "/f\(gzip ? ".gz" : "")"
        if gzip { try writeGzipFile(p, bytes) } else { try writeFileAtomically(p, bytes) }
        let r = LineReader(try openByteSource(p), maxLineBytes: maxLineBytes, chunk: 7)
        var out: [String] = []
        while let l = try r.nextLine() { out.append(l) }
        return out
    }

    func testLineEndsBOMAndSmallChunks() throws {
        for gz in [false, true] {
            XCTAssertEqual(try lines(Array("a\nb\r\nc".utf8), gzip: gz), ["a", "b", "c"])
            XCTAssertEqual(try lines(Array("a\n\n".utf8), gzip: gz), ["a", ""])
            XCTAssertEqual(try lines([0xEF, 0xBB, 0xBF] + Array("x\ny\n".utf8), gzip: gz), ["x", "y"])
            XCTAssertEqual(try lines(Array("a longer line than the chunk\r\nz".utf8), gzip: gz),
                           ["a longer line than the chunk", "z"])
            XCTAssertEqual(try lines([], gzip: gz), [])
        }
    }

    func testPeekDoesNotConsume() throws {
        let p = dir + "/p.gz"
        try writeGzipFile(p, Array("{\"a\":1}\nsecond\n".utf8))
        let r = LineReader(try openByteSource(p), chunk: 4)
        XCTAssertEqual(try r.peek(3), Array("{\"a".utf8))
        XCTAssertEqual(try r.peek(100).count, 15)
        XCTAssertEqual(try r.nextLine(), "{\"a\":1}")
        XCTAssertEqual(try r.peek(2), Array("se".utf8))
        XCTAssertEqual(try r.nextLine(), "second")
        XCTAssertNil(try r.nextLine())
        XCTAssertEqual(try r.peek(5), [])
    }

    func testOverlongLineIsAnErrorWithLineNumber() throws {
        let bytes = Array("ok\n".utf8) + [UInt8](repeating: 0x61, count: 100) + [0x0A]
        let m = errorText { _ = try self.lines(bytes, maxLineBytes: 50) }
        XCTAssertEqual(m, "\(dir)/f:2: line longer than 50 bytes")
    }

    func testInvalidUTF8ReplacedAndCounted() throws {
        let p = dir + "/bad"
        try writeFileAtomically(p, Array("ok\n".utf8) + [0x61, 0xFF, 0x62, 0x0A] + [0xC3, 0x0A, 0x0A])
        let r = try LineReader(path: p)
        var got: [String] = []
        while let l = try r.nextLine() { got.append(l) }
        XCTAssertEqual(got, ["ok", "a\u{FFFD}b", "\u{FFFD}", ""])
        XCTAssertEqual(r.invalidUTF8.lines, 2)
        XCTAssertEqual(r.invalidUTF8.note(path: p), "\(p):2: invalid UTF-8 replaced by U+FFFD on 2 lines (first here)")
    }
}

/// Writes a test input quickly (no fsync: test inputs need no durability).
func writeTestFile(_ path: String, _ bytes: [UInt8]) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}
