import CZlib

/// CRC-32 (zlib's), used as the checksum of every binary file desm writes.
public struct CRC32: Sendable {
    public private(set) var value: UInt32 = 0

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var p = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        var left = bytes.count
        var c = UInt(value)
        while left > 0, let base = p {
            let n = min(left, Int(UInt32.max >> 1))
            c = crc32(c, base, UInt32(n))
            p = base + n
            left -= n
        }
        value = UInt32(truncatingIfNeeded: c)
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    public static func of(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var c = CRC32(); c.update(bytes); return c.value
    }

    /// How many bytes of files opening an index or a model checksums (each on its own), so
    /// that the check costs at most about 100 ms of CPU. Measured once on the development
    /// machine (release build, `desm verify` of one 1 GiB index file in the page cache, 8
    /// runs): 0.27–0.34 s of CPU per GiB, i.e. 3.2–4.0 GB/s (zlib's crc32; the wall time was
    /// 0.5–0.9 s with the machine's 2 cores shared with other builds). 256 MiB therefore take
    /// 70–85 ms of CPU. Above it, opening checks headers, lengths and the smaller files only,
    /// and `desm verify` checks everything.
    public static let openBudgetBytes = 256 << 20
}
