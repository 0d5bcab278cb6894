import Foundation

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
