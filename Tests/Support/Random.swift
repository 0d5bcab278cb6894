import DesmText

/// The tests' generator: DesmText's SplitMix64, seeded positionally (`SplitMix(7)`), so that
/// tests are reproducible; the index, evaluation and reliability tests draw their data from it.
public typealias SplitMix = SplitMix64

extension SplitMix64 {
    public init(_ seed: UInt64) { self.init(seed: seed) }
}
