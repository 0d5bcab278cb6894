/// SIMD kernels over float32 rows: dot products, accumulation, scaling, and the blocked
/// many-queries × many-rows product behind batched full-collection DESM ranking.
public enum VectorKernels {
    /// Σ a[i]·b[i] over `n` floats: one 8-wide accumulator, lanes summed, then the scalar
    /// tail — exactly the arithmetic of `dot4`, so that a document's score is bit-identical
    /// whether it comes from a single query, a batch, a re-ranking or a mixture.
    @inline(__always)
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var acc = SIMD8<Float>()
        var i = 0
        let vecEnd = n / 8 * 8
        while i < vecEnd {
            acc += ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                * rb.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        var s = acc.sum()
        while i < n { s += a[i] * b[i]; i += 1 }
        return s
    }

    /// scores[r] = q · rows[r] for a block of rows, two rows at a time (two independent
    /// accumulator chains), with the same arithmetic as `dot`.
    @inline(__always)
    static func dot1(query q: UnsafePointer<Float>, n: Int, rows: UnsafePointer<Float>, rowCount: Int,
                     scores: UnsafeMutablePointer<Float>) {
        let rq = UnsafeRawPointer(q)
        let vecEnd = n / 8 * 8
        var r = 0
        while r + 2 <= rowCount {
            let d0 = UnsafeRawPointer(rows + r * n), d1 = UnsafeRawPointer(rows + (r + 1) * n)
            var a0 = SIMD8<Float>(), a1 = SIMD8<Float>()
            var i = 0
            while i < vecEnd {
                let o = i * 4
                let qv = rq.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                a0 += qv * d0.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                a1 += qv * d1.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                i += 8
            }
            var s0 = a0.sum(), s1 = a1.sum()
            while i < n { s0 += q[i] * rows[r * n + i]; s1 += q[i] * rows[(r + 1) * n + i]; i += 1 }
            scores[r] = s0; scores[r + 1] = s1
            r += 2
        }
        if r < rowCount { scores[r] = dot(q, rows + r * n, n) }
    }

    /// y += x over `n` floats.
    @inline(__always)
    public static func add(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ n: Int) {
        var i = 0
        let ry = UnsafeMutableRawPointer(y), rx = UnsafeRawPointer(x)
        while i + 8 <= n {
            let v = ry.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                + rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            ry.storeBytes(of: v, toByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        while i < n { y[i] += x[i]; i += 1 }
    }

    /// Euclidean norm, accumulated in double for stability.
    public static func norm(_ x: UnsafePointer<Float>, _ n: Int) -> Double {
        var s = 0.0
        for i in 0..<n { s += Double(x[i]) * Double(x[i]) }
        return s.squareRoot()
    }

    /// Scales `x` to unit length; returns false (and leaves zeros) when its norm is 0 or
    /// not finite.
    @discardableResult
    public static func normalise(_ x: UnsafeMutablePointer<Float>, _ n: Int) -> Bool {
        let len = norm(x, n)
        guard len > 0, len.isFinite else {
            for i in 0..<n { x[i] = 0 }
            return false
        }
        let inv = 1 / len
        for i in 0..<n { x[i] = Float(Double(x[i]) * inv) }
        return true
    }

    /// scores[q * rowCount + r] = queries[q] · rows[r] for 4 queries at once over a block of
    /// rows: each row chunk is loaded once and multiplied into four accumulators, two rows at
    /// a time (8 SIMD8 accumulators), which keeps the loop compute-bound rather than
    /// load-bound. `queries` points at 4 rows of `n` floats, `rows` at `rowCount` rows.
    @inline(__always)
    static func dot4(queries q: UnsafePointer<Float>, n: Int, rows: UnsafePointer<Float>, rowCount: Int,
                     scores: UnsafeMutablePointer<Float>, scoreStride: Int) {
        let rq = UnsafeRawPointer(q)
        let stride = n * 4
        var r = 0
        let vecEnd = n / 8 * 8
        while r + 2 <= rowCount {
            let d0 = UnsafeRawPointer(rows + r * n), d1 = UnsafeRawPointer(rows + (r + 1) * n)
            var a00 = SIMD8<Float>(), a01 = SIMD8<Float>(), a10 = SIMD8<Float>(), a11 = SIMD8<Float>()
            var a20 = SIMD8<Float>(), a21 = SIMD8<Float>(), a30 = SIMD8<Float>(), a31 = SIMD8<Float>()
            var i = 0
            while i < vecEnd {
                let o = i * 4
                let x0 = d0.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                let x1 = d1.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                let q0 = rq.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                a00 += q0 * x0; a01 += q0 * x1
                let q1 = rq.loadUnaligned(fromByteOffset: o + stride, as: SIMD8<Float>.self)
                a10 += q1 * x0; a11 += q1 * x1
                let q2 = rq.loadUnaligned(fromByteOffset: o + 2 * stride, as: SIMD8<Float>.self)
                a20 += q2 * x0; a21 += q2 * x1
                let q3 = rq.loadUnaligned(fromByteOffset: o + 3 * stride, as: SIMD8<Float>.self)
                a30 += q3 * x0; a31 += q3 * x1
                i += 8
            }
            var s00 = a00.sum(), s01 = a01.sum(), s10 = a10.sum(), s11 = a11.sum()
            var s20 = a20.sum(), s21 = a21.sum(), s30 = a30.sum(), s31 = a31.sum()
            while i < n {
                let x0 = rows[r * n + i], x1 = rows[(r + 1) * n + i]
                s00 += q[i] * x0; s01 += q[i] * x1
                s10 += q[n + i] * x0; s11 += q[n + i] * x1
                s20 += q[2 * n + i] * x0; s21 += q[2 * n + i] * x1
                s30 += q[3 * n + i] * x0; s31 += q[3 * n + i] * x1
                i += 1
            }
            scores[r] = s00; scores[r + 1] = s01
            scores[scoreStride + r] = s10; scores[scoreStride + r + 1] = s11
            scores[2 * scoreStride + r] = s20; scores[2 * scoreStride + r + 1] = s21
            scores[3 * scoreStride + r] = s30; scores[3 * scoreStride + r + 1] = s31
            r += 2
        }
        while r < rowCount {
            let d = rows + r * n
            for j in 0..<4 { scores[j * scoreStride + r] = dot(q + j * n, d, n) }
            r += 1
        }
    }
}
