import Foundation

/// The SplitMix64 generator (Steele, Lea, Flood 2014): small, fast and seedable. desm's one
/// reproducible generator: the randomization test's permutations (`PermutationRNG`), the
/// benchmark's synthetic data and the tests' data all draw from it. (The trainer keeps its
/// own `XorShift64`, the C tool's kind of generator, for speed in the inner loop.)
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) (53 random bits).
    public mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Uniform in 0..<n (0 when n < 1).
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }

    /// A standard normal draw (Box–Muller).
    public mutating func gaussian() -> Double {
        let u = max(uniform(), 1e-300), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}
