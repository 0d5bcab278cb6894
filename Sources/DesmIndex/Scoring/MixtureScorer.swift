/// The mixture α·DESM + (1 − α)·lexical, DESM's answer to its drift over a whole
/// collection: both score lists are normalised per query over the same candidates (the whole
/// collection, or the re-ranked set) with `ScoreNormalisation`, then mixed. The lexical side is
/// BM25, or BM25 with an expanded query when feedback is on.
enum MixtureScorer {
    /// α·d[i] + (1 − α)·b[i] after normalising both lists in place, offered to `body(score, i)`;
    /// returns the two normalisations used (fitted to these scores' moments, or `given`: a
    /// shard's, fitted to the whole collection's moments) and the moments of these scores.
    @discardableResult
    static func mix(desm d: inout [Float], lexical b: inout [Float], alpha: Double,
                    normalisation: ScoreNormalisation, given: MixtureNormalisation? = nil,
                    _ body: (Float, Int) -> Void) -> (normalisation: MixtureNormalisation, moments: MixtureMoments) {
        let moments = normalisation == .none && given == nil ? MixtureMoments() : MixtureMoments(desm: ScoreMoments(d), lexical: ScoreMoments(b))
        let fitted = given ?? moments.normalisation(alpha: alpha, kind: normalisation)
        fitted.desm.apply(&d)
        fitted.lexical.apply(&b)
        let a = Float(alpha)
        for i in d.indices { body(a * d[i] + (1 - a) * b[i], i) }
        return (fitted, moments)
    }
}

/// How one query's mixture turned raw scores into mixed ones: α and each half's fitted
/// normalisation. `--explain` uses it to show the normalised DESM and BM25 parts.
public struct MixtureNormalisation: Sendable, Equatable {
    public var alpha: Double
    public var desm: FittedNormalisation
    public var lexical: FittedNormalisation

    /// The mixed score of a document whose raw scores are `desm` and `lexical`, with both parts.
    public func parts(desm d: Double, lexical l: Double) -> (desm: Double, lexical: Double, score: Double) {
        let nd = desm.normalised(d), nl = lexical.normalised(l)
        return (nd, nl, alpha * nd + (1 - alpha) * nl)
    }
}

/// Per-query score normalisation applied to both DESM and BM25 before mixing, over the
/// candidate set (the whole collection, or BM25's top K when re-ranking).
public enum ScoreNormalisation: String, CaseIterable, Sendable {
    /// Raw scores (DESM in [−1, 1], BM25 unbounded: α must be close to 1).
    case none
    /// (s − min)/(max − min); 0 when all scores are equal.
    case minmax
    /// (s − mean)/stddev (population); 0 when the deviation is 0.
    case zscore

    /// The normalisation of this kind for the scores `s`.
    public func fit(_ s: [Float]) -> FittedNormalisation { fit(ScoreMoments(s)) }

    /// The normalisation of this kind for scores with these moments (`ScoreMoments`: sums
    /// compensated, so any order of the scores, or of shards, gives the same fit).
    public func fit(_ m: ScoreMoments) -> FittedNormalisation {
        switch self {
        case .none:
            return FittedNormalisation(shift: 0, divisor: 1)
        case .minmax:
            guard m.count > 0 else { return FittedNormalisation(shift: 0, divisor: 1) }
            let range = Double(m.maximum) - Double(m.minimum)
            guard range > 0, range.isFinite else { return .constant }
            return FittedNormalisation(shift: Double(m.minimum), divisor: range)
        case .zscore:
            guard m.count > 0 else { return FittedNormalisation(shift: 0, divisor: 1) }
            let mean = m.sum.value / Double(m.count)
            let sd = max(m.squares.value / Double(m.count) - mean * mean, 0).squareRoot()
            guard sd > 1e-12 else { return .constant }
            return FittedNormalisation(shift: mean, divisor: sd)
        }
    }
}

/// (s − shift)/divisor, or 0 for every score when the scores did not vary (`divisor` 0).
public struct FittedNormalisation: Sendable, Equatable {
    public var shift: Double
    public var divisor: Double

    static let constant = FittedNormalisation(shift: 0, divisor: 0)

    public func normalised(_ s: Double) -> Double { divisor == 0 ? 0 : (s - shift) / divisor }

    func apply(_ s: inout [Float]) {
        if shift == 0 && divisor == 1 { return }
        for i in s.indices { s[i] = Float(normalised(Double(s[i]))) }
    }
}

/// Normalises a copy of `s` over itself (for tests and the evaluation helper).
public func normalisedScores(_ s: [Float], _ kind: ScoreNormalisation) -> [Float] {
    var c = s
    kind.fit(s).apply(&c)
    return c
}
