/// A sum of doubles kept as an unevaluated pair hi + lo (Knuth's TwoSum at each step), so
/// that its value, hi + lo, does not depend on the order of the terms (the error left is
/// about 2⁻¹⁰⁰ of the sum, far below a double's rounding). A sharded collection's per-query
/// moments, added shard by shard, therefore equal the single index's added document by
/// document.
public struct CompensatedSum: Equatable, Sendable {
    public private(set) var hi: Double = 0
    public private(set) var lo: Double = 0

    public init() {}

    public init(hi: Double, lo: Double) {
        self.hi = hi
        self.lo = lo
    }

    @inline(__always)
    public mutating func add(_ x: Double) {
        let s = hi + x
        let bp = s - hi
        let e = (hi - (s - bp)) + (x - bp)
        hi = s
        lo += e
    }

    public mutating func add(_ other: CompensatedSum) {
        add(other.hi)
        lo += other.lo
    }

    public var value: Double { hi + lo }
}

/// The moments of one list of scores that the per-query normalisations need: count, sum and
/// sum of squares (compensated, in double), minimum and maximum. Moments of disjoint parts
/// combine (`add`), which is how shards normalise over the whole collection.
public struct ScoreMoments: Equatable, Sendable {
    public var count = 0
    public var sum = CompensatedSum()
    public var squares = CompensatedSum()
    public var minimum = Float.infinity
    public var maximum = -Float.infinity

    public init() {}

    public init(_ s: [Float]) {
        for x in s { add(x) }
    }

    @inline(__always)
    public mutating func add(_ x: Float) {
        let d = Double(x)
        count += 1
        sum.add(d)
        squares.add(d * d)   // exact: a float's square fits in a double
        minimum = min(minimum, x)
        maximum = max(maximum, x)
    }

    public mutating func add(_ other: ScoreMoments) {
        count += other.count
        sum.add(other.sum)
        squares.add(other.squares)
        minimum = min(minimum, other.minimum)
        maximum = max(maximum, other.maximum)
    }
}

/// The moments of a mixture's two halves over its candidates (a query, or a shard's part).
public struct MixtureMoments: Equatable, Sendable {
    public var desm: ScoreMoments
    public var lexical: ScoreMoments

    public init(desm: ScoreMoments = ScoreMoments(), lexical: ScoreMoments = ScoreMoments()) {
        self.desm = desm
        self.lexical = lexical
    }

    public mutating func add(_ other: MixtureMoments) {
        desm.add(other.desm)
        lexical.add(other.lexical)
    }

    /// Both halves' normalisations for `alpha` and `kind`.
    public func normalisation(alpha: Double, kind: ScoreNormalisation) -> MixtureNormalisation {
        MixtureNormalisation(alpha: alpha, desm: kind.fit(desm), lexical: kind.fit(lexical))
    }
}
