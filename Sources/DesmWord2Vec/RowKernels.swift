import CPrefetch
/// SIMD kernels over raw float32 rows of the word2vec matrices: `dot` and `axpy` (public:
/// the trainer, nearest-neighbour search and DesmIndex's centroids use them), the fused
/// `accumulateThenUpdate` of the training kernels, and `prefetchRows`, which asks for the
/// cache lines of rows about to be used. The ranking kernels (batched query × document products)
/// are DesmIndex's `VectorKernels`; the training steps built on these are in
/// TrainingKernels.swift.

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

/// Prefetches every cache line of the given rows, so that the cache misses of randomly
/// chosen rows overlap instead of arriving one by one inside the dependent dot/axpy chains.
/// (It used to read one float per line, which made the core wait on them: 22 % of CBOW's
/// samples sat on those loads.)
@inline(__always)
func prefetchRows(_ base: UnsafePointer<Float>, _ ids: UnsafePointer<Int32>, _ count: Int, _ dim: Int) {
    for j in 0..<count {
        let r = base + Int(ids[j]) * dim
        var k = 0
        while k < dim { desm_prefetch(r + k); k += 16 }
        desm_prefetch(r + dim - 1)
    }
}
