// Hostile inputs that once crashed a reader or were wrongly accepted (found by the bad-input
// suite and the fuzzers); kept as regression tests now that the readers reject them.
import DesmTestSupport
import DesmText
import Foundation
import XCTest

final class KnownBugTests: XCTestCase {
    /// VectorFiles.swift readBinary reserves `header.count` words and allocates a
    /// `header.count × dim` matrix before reading a single vector: a 40-byte file whose
    /// header announces 10^12 vectors aborts the process (allocation failure). Found by the
    /// `vectors` fuzz target (eval/fuzz/regressions/vectors/crash-394b8362…, header
    /// "888888888888888883 8", replayed by FuzzRegressionTests).
    func testBinaryVectorsWithLyingCountEndInAnError() throws {
        var b = Array("1000000000000 3\nthe ".utf8)
        for x: Float in [0.1, 0.2, 0.3] { withUnsafeBytes(of: x.bitPattern.littleEndian) { b += $0 } }
        b.append(0x0A)
        try runHostileCases([
            HostileCase(reader: "vectors", name: "binary header lies: 10^12 vectors", make: file(b), outcome: .offset, contains: ["truncated"]),
            // Same bug, dimension side (VectorFiles.swift:167 allocates a `dim`-float record
            // first): "0 2444444488" asks for 9.8 GB (fuzz finding oom-089c9604…).
            HostileCase(reader: "vectors", name: "binary header lies: dim 2444444488, 0 vectors", make: file(Array("0 2444444488\n".utf8) + [0xFF, 0x20, 0xF9]),
                        outcome: .named),
        ])
    }

    /// VectorFiles.swift readVectors computes `4 * dim + 64 + 40 * dim` for format detection:
    /// a header `1 9223372036854775807` overflows Int and traps.
    func testVectorHeaderWithHugeDimEndsInAnError() throws {
        try runHostileCases([
            HostileCase(reader: "vectors", name: "text huge dim", make: file("1 9223372036854775807\nthe 1 2 3\n"), outcome: .named),
            HostileCase(reader: "vectors", name: "text dim 2^60", make: file("1 1152921504606846976\nthe 1 2 3\n"), outcome: .named),
        ])
    }

    /// ModelFile.swift takes syn1Rows from the header unchecked, and MappedFile.swift:74
    /// (`FloatMatrix(mapped:)`) computes `offset + rows * cols * 4`: a model whose flags say
    /// "syn1 present" with 2^59 syn1 rows (checksums valid) traps on the overflow instead of
    /// failing with "does not fit in the file". In release builds (-Ounchecked) the product
    /// wraps instead: the model loads, and even `verify: true` passes (the CRC runs over a
    /// wrapped, empty byte count), leaving a syn1 matrix that points far outside the mapping.
    func testModelWithHugeSyn1RowCountEndsInAnError() throws {
        let m = try tinyModelBytes()
        let inOffset = Int(getLE(m, 56, UInt64.self))
        var b = m
        putLE(&b, 12, UInt32(3))
        putLE(&b, 32, UInt64(1) << 59)
        putLE(&b, 72, UInt64(inOffset))
        fixModelChecksums(&b)
        try runHostileCases([
            HostileCase(reader: "model", name: "syn1 flag with 2^59 rows", make: file(b), outcome: .offset),
            HostileCase(reader: "model-verify", name: "syn1 flag with 2^59 rows (verify)", make: file(b), outcome: .offset),
        ])
    }

    /// VectorFiles.swift:156 (readTab): a line made only of tabs splits into no fields
    /// (empty fields are dropped from the end), and `f[0]` traps: "Index out of range".
    /// Found by the `vectors` fuzz target (eval/fuzz/regressions/vectors/crash-dd30a147…).
    func testTabVectorsWithATabsOnlyLineEndInAnError() throws {
        try runHostileCases([
            HostileCase(reader: "vectors", name: "tab line of tabs only", make: file("a\t1\n\t\n"), outcome: .line(2)),
            HostileCase(reader: "vectors-tab", name: "tab line of tabs only (forced)", make: file("a\t1\t2\n\t\t\n"), outcome: .line(2)),
        ])
    }
}
