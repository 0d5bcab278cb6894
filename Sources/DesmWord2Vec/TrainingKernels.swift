import Foundation

/// One training step of each kind, on raw rows. All of them read the shared matrices
/// without locks (Hogwild). `alpha` is the current learning rate; gradients are applied as
/// word2vec does: g = (label − σ(f))·alpha, clipped outside the sigmoid table's range.
struct KernelState {
    let dim: Int
    let win: UnsafeMutablePointer<Float>
    /// W_OUT (syn1neg); only with negative sampling.
    let wout: UnsafeMutablePointer<Float>
    /// syn1 (inner nodes); only with hierarchical softmax.
    let syn1: UnsafeMutablePointer<Float>
    /// Per-word update multipliers (1 = free, 0 = frozen).
    let lockIn: UnsafePointer<Float>
    let lockOut: UnsafePointer<Float>
    let sigmoid: UnsafePointer<Float>
    let sigmoidScale: Float
    let maxExp: Float
    let trackLoss: Bool

    @inline(__always)
    func gradient(_ f: Float, label: Float, alpha: Float) -> Float {
        if f > maxExp { return (label - 1) * alpha }
        if f < -maxExp { return label * alpha }
        return (label - sigmoid[Int((f + maxExp) * sigmoidScale)]) * alpha
    }
}

/// −log σ(±f), the loss of one binary decision (label 1: −log σ(f), label 0: −log σ(−f)).
@inline(__always)
func binaryLoss(_ f: Float, label: Float) -> Double {
    let z = Double(label > 0.5 ? -f : f)
    return z > 30 ? z : log1p(exp(z))
}

extension KernelState {
    /// Negative sampling for one input vector `x`: outputs[0] is the target (label 1), the
    /// rest negatives (label 0). W_OUT rows are updated at once (as the C tool does); the
    /// input gradient is added to `neu` for the caller to apply. Returns the loss when
    /// `trackLoss`, else 0.
    @inline(__always)
    func negativeUpdates(x: UnsafePointer<Float>, outputs: UnsafePointer<Int32>, count m: Int,
                         alpha: Float, neu: UnsafeMutablePointer<Float>) -> Double {
        var loss = 0.0
        for j in 0..<m {
            let o = Int(outputs[j])
            let y = wout + o * dim
            let label: Float = j == 0 ? 1 : 0
            let f = dot(x, y, dim)
            if trackLoss { loss += binaryLoss(f, label: label) }
            let g = gradient(f, label: label, alpha: alpha)
            accumulateThenUpdate(g, y, into: neu, g * lockOut[o], x, dim)
        }
        return loss
    }

    /// Hierarchical softmax for one input vector `x` along a word's Huffman path; decisions
    /// with |f| ≥ maxExp are skipped (as in word2vec). The input gradient goes to `neu`.
    @inline(__always)
    func softmaxUpdates(x: UnsafePointer<Float>, codes: UnsafePointer<UInt8>, points: UnsafePointer<Int32>,
                        length: Int, alpha: Float, neu: UnsafeMutablePointer<Float>) -> Double {
        var loss = 0.0
        for d in 0..<length {
            let y = syn1 + Int(points[d]) * dim
            let f = dot(x, y, dim)
            let label: Float = codes[d] == 0 ? 1 : 0
            if trackLoss { loss += binaryLoss(f, label: label) }
            if f <= -maxExp || f >= maxExp { continue }
            let g = (label - sigmoid[Int((f + maxExp) * sigmoidScale)]) * alpha
            accumulateThenUpdate(g, y, into: neu, g, x, dim)
        }
        return loss
    }

    /// Skip-gram with negative sampling, HogBatch style: the `n` context rows share the
    /// outputs (target + negatives); all scores are computed from the current rows, then
    /// both sides are updated by small matrix products. `g` needs n·m floats, `neu` n·dim.
    @inline(__always)
    func skipGramBatch(contexts: UnsafePointer<Int32>, count n: Int, outputs: UnsafePointer<Int32>, count m: Int,
                       alpha: Float, g: UnsafeMutablePointer<Float>, neu: UnsafeMutablePointer<Float>,
                       column: UnsafeMutablePointer<Float>) -> Double {
        var loss = 0.0
        // Scores and gradients: g[a·m + j].
        for a in 0..<n {
            let x = win + Int(contexts[a]) * dim
            for j in 0..<m {
                let f = dot(x, wout + Int(outputs[j]) * dim, dim)
                let label: Float = j == 0 ? 1 : 0
                if trackLoss { loss += binaryLoss(f, label: label) }
                g[a * m + j] = gradient(f, label: label, alpha: alpha)
            }
        }
        let main = dim & ~7
        // neu[a] = Σ_j g[a][j]·out[j]  (old W_OUT)
        for a in 0..<n {
            let dst = neu + a * dim
            let ga = g + a * m
            var k = 0
            while k < main {
                var acc = SIMD8<Float>()
                for j in 0..<m { acc += SIMD8(repeating: ga[j]) * load8(wout + Int(outputs[j]) * dim + k) }
                store8(acc, dst + k)
                k += 8
            }
            while k < dim {
                var s: Float = 0
                for j in 0..<m { s += ga[j] * wout[Int(outputs[j]) * dim + k] }
                dst[k] = s
                k += 1
            }
        }
        // out[j] += lock·Σ_a g[a][j]·in[a]  (old W_IN)
        for j in 0..<m {
            let o = Int(outputs[j])
            let y = wout + o * dim
            let lock = lockOut[o]
            for a in 0..<n { column[a] = g[a * m + j] * lock }
            var k = 0
            while k < main {
                var acc = load8(y + k)
                for a in 0..<n { acc += SIMD8(repeating: column[a]) * load8(win + Int(contexts[a]) * dim + k) }
                store8(acc, y + k)
                k += 8
            }
            while k < dim {
                var s = y[k]
                for a in 0..<n { s += column[a] * win[Int(contexts[a]) * dim + k] }
                y[k] = s
                k += 1
            }
        }
        // in[a] += lock·neu[a]
        for a in 0..<n {
            let c = Int(contexts[a])
            axpy(lockIn[c], neu + a * dim, win + c * dim, dim)
        }
        return loss
    }
}
