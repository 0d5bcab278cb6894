/// SIMD dot products and axpy over raw float rows, the hot path of training and search.

@inline(__always)
func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always)
func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}

/// Σ a[i]·b[i].
@inline(__always)
public func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var s0 = SIMD8<Float>(), s1 = SIMD8<Float>()
    var i = 0
    while i + 16 <= n {
        s0 += load8(a + i) * load8(b + i)
        s1 += load8(a + i + 8) * load8(b + i + 8)
        i += 16
    }
    if i + 8 <= n { s0 += load8(a + i) * load8(b + i); i += 8 }
    var s = (s0 + s1).sum()
    while i < n { s += a[i] * b[i]; i += 1 }
    return s
}

/// y += alpha·x.
@inline(__always)
public func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
    let av = SIMD8<Float>(repeating: alpha)
    var i = 0
    while i + 8 <= n {
        store8(load8(y + i) + av * load8(x + i), y + i)
        i += 8
    }
    while i < n { y[i] += alpha * x[i]; i += 1 }
}

/// neu += a·y and then y += b·x, in one pass over y (neu sees the old y, as in word2vec).
@inline(__always)
func accumulateThenUpdate(_ a: Float, _ y: UnsafeMutablePointer<Float>, into neu: UnsafeMutablePointer<Float>,
                          _ b: Float, _ x: UnsafePointer<Float>, _ n: Int) {
    let av = SIMD8<Float>(repeating: a), bv = SIMD8<Float>(repeating: b)
    var i = 0
    while i + 8 <= n {
        let yv = load8(y + i)
        store8(load8(neu + i) + av * yv, neu + i)
        store8(yv + bv * load8(x + i), y + i)
        i += 8
    }
    while i < n {
        let yi = y[i]
        neu[i] += a * yi
        y[i] = yi + b * x[i]
        i += 1
    }
}

/// Reads one float from every cache line of the given rows, all independent loads, so the
/// cache misses of randomly chosen rows overlap instead of arriving one by one inside the
/// dependent dot/axpy chains (Swift has no prefetch intrinsic). Returns a sum to keep.
@inline(__always)
func touchRows(_ base: UnsafePointer<Float>, _ ids: UnsafePointer<Int32>, _ count: Int, _ dim: Int) -> Float {
    var s: Float = 0
    for j in 0..<count {
        let r = base + Int(ids[j]) * dim
        var k = 0
        while k < dim { s += r[k]; k += 16 }
    }
    return s
}

/// The logistic function tabulated over [-maxExp, maxExp] as word2vec does (1000 entries
/// by default); outside that range callers clip. Tests build a fine table to check
/// gradients against finite differences.
public final class SigmoidTable: @unchecked Sendable {
    public let size: Int
    public let maxExp: Float
    let values: UnsafeMutablePointer<Float>
    let scale: Float

    public init(size: Int = 1000, maxExp: Float = 6) {
        self.size = size
        self.maxExp = maxExp
        values = .allocate(capacity: size + 1)
        for i in 0...size {
            let x = (Double(i) / Double(size) * 2 - 1) * Double(maxExp)
            let e = exp(x)
            values[i] = Float(e / (e + 1))
        }
        scale = Float(size) / maxExp / 2
    }

    deinit { values.deallocate() }

    /// σ(f) for -maxExp < f < maxExp.
    @inline(__always)
    func callAsFunction(_ f: Float) -> Float {
        values[Int((f + maxExp) * scale)]
    }
}

/// xorshift64* — a small, fast per-thread generator.
struct XorShift64 {
    var state: UInt64

    init(seed: UInt64) {
        // splitmix64 to spread nearby seeds.
        var z = seed &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        state = z == 0 ? 0x2545_F491_4F6C_DD1D : z
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }

    /// Uniform in [0, n).
    @inline(__always)
    mutating func below(_ n: Int) -> Int {
        Int(truncatingIfNeeded: ((next() >> 32) &* UInt64(n)) >> 32)
    }

    /// Uniform in [0, 1).
    @inline(__always)
    mutating func unit() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }
}

/// Draws words from the unigram distribution raised to a power (0.75), in O(1) per draw
/// with Walker's alias method: V buckets, one 64-bit random number per draw.
final class NoiseSampler: @unchecked Sendable {
    let count: Int
    let threshold: UnsafeMutablePointer<UInt32>
    let alias: UnsafeMutablePointer<Int32>

    init(counts: [Int64], power: Double) {
        let n = max(counts.count, 1)
        count = n
        threshold = .allocate(capacity: n)
        alias = .allocate(capacity: n)
        var p = counts.map { pow(Double(max($0, 0)), power) }
        if p.isEmpty { p = [1] }
        let total = p.reduce(0, +)
        let scaled = p.map { total > 0 ? $0 / total * Double(n) : 1 }
        var prob = scaled
        var small = [Int](), large = [Int]()
        for i in 0..<n { if prob[i] < 1 { small.append(i) } else { large.append(i) } }
        for i in 0..<n { alias[i] = Int32(i); threshold[i] = UInt32.max }
        while let s = small.popLast() {
            guard let l = large.last else { break }
            threshold[s] = UInt32(min(max(prob[s], 0), 1) * 4_294_967_295.0)
            alias[s] = Int32(l)
            prob[l] -= 1 - prob[s]
            if prob[l] < 1 { large.removeLast(); small.append(l) }
        }
    }

    deinit { threshold.deallocate(); alias.deallocate() }

    @inline(__always)
    func draw(_ rng: inout XorShift64) -> Int {
        let r = rng.next()
        let bucket = Int(truncatingIfNeeded: ((r >> 32) &* UInt64(count)) >> 32)
        return UInt32(truncatingIfNeeded: r) < threshold[bucket] ? bucket : Int(alias[bucket])
    }
}

import Foundation
