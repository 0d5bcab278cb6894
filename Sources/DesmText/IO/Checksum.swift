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
}
