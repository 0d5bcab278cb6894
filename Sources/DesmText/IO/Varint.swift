// LEB128-style varints (7 bits per byte, low bits first, high bit = more follows) for UInt32
// values, desm's one varint codec: the index's postings and forward index (`docterms`) are
// pairs of them (read with the bounds-checked `decodeVarint`: files may be corrupt), and the
// trainer's in-memory corpus is a stream of them (read with `readVarint`: its own data).
// Inlinable so that the trainer's and the ranker's inner loops inline them across modules.

/// Appends `value` to `bytes` (1–5 bytes).
@inlinable @inline(__always)
public func appendVarint(_ bytes: inout [UInt8], _ value: UInt32) {
    var v = value
    while v >= 0x80 {
        bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
        v >>= 7
    }
    bytes.append(UInt8(v))
}

/// The number of bytes `appendVarint` writes for `value` (1–5).
@inlinable @inline(__always)
public func varintSize(_ value: UInt32) -> Int {
    value < 1 << 7 ? 1 : value < 1 << 14 ? 2 : value < 1 << 21 ? 3 : value < 1 << 28 ? 4 : 5
}

/// Writes `value` at `base[at]` and advances `at`; the caller has made room (`varintSize`).
@inlinable @inline(__always)
public func storeVarint(_ base: UnsafeMutablePointer<UInt8>, _ at: inout Int, _ value: UInt32) {
    var v = value
    while v >= 0x80 {
        base[at] = UInt8(truncatingIfNeeded: v) | 0x80
        at += 1
        v >>= 7
    }
    base[at] = UInt8(v)
    at += 1
}

/// The varint at `bytes[start]` and the position after it; nil when it runs past the end
/// or is longer than 5 bytes (malformed data), never reading out of bounds.
@inlinable @inline(__always)
public func decodeVarint(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> (UInt32, Int)? {
    var p = start
    var shift: UInt32 = 0
    var v: UInt32 = 0
    while p < bytes.count {
        let b = bytes[p]
        p += 1
        v |= UInt32(b & 0x7F) << shift
        if b < 0x80 { return (v, p) }
        shift += 7
        if shift > 28 { return nil }
    }
    return nil
}

/// The varint at `bytes[pos]`, moving `pos` past it, without bounds checks: only for data
/// desm wrote itself in this process (the trainer's corpus), never for a file.
@inlinable @inline(__always)
public func readVarint(_ bytes: UnsafePointer<UInt8>, at pos: inout Int) -> UInt32 {
    var v: UInt32 = 0, shift: UInt32 = 0
    while true {
        let x = bytes[pos]; pos += 1
        v |= UInt32(x & 0x7F) << shift
        if x < 0x80 { return v }
        shift += 7
    }
}
