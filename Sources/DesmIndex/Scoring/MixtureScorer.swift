/// The mixture α·DESM + (1 − α)·lexical, DESM's answer to its drift over a whole
/// collection: both score lists are normalised per query over the same candidates (the whole
/// collection, or the re-ranked set) with `ScoreNormalisation`, then mixed. The lexical side is
/// BM25, or BM25 with an expanded query when feedback is on.
enum MixtureScorer {
    /// α·d[i] + (1 − α)·b[i] after normalising both lists in place, offered to `body(score, i)`.
    static func mix(desm d: inout [Float], lexical b: inout [Float], alpha: Double,
                    normalisation: ScoreNormalisation, _ body: (Float, Int) -> Void) {
        normalise(&d, normalisation)
        normalise(&b, normalisation)
        let a = Float(alpha)
        for i in d.indices { body(a * d[i] + (1 - a) * b[i], i) }
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
}

/// Normalises scores in place over the candidate set (computed in double).
func normalise(_ s: inout [Float], _ kind: ScoreNormalisation) {
    guard !s.isEmpty else { return }
    switch kind {
    case .none:
        return
    case .minmax:
        var lo = Float.infinity, hi = -Float.infinity
        for x in s { lo = min(lo, x); hi = max(hi, x) }
        let range = Double(hi) - Double(lo)
        guard range > 0, range.isFinite else { for i in s.indices { s[i] = 0 }; return }
        for i in s.indices { s[i] = Float((Double(s[i]) - Double(lo)) / range) }
    case .zscore:
        var sum = 0.0, sq = 0.0
        for x in s { sum += Double(x); sq += Double(x) * Double(x) }
        let mean = sum / Double(s.count)
        let sd = max(sq / Double(s.count) - mean * mean, 0).squareRoot()
        guard sd > 1e-12 else { for i in s.indices { s[i] = 0 }; return }
        for i in s.indices { s[i] = Float((Double(s[i]) - mean) / sd) }
    }
}

/// Applies `normalise` to a copy (public for tests and the evaluation helper).
public func normalisedScores(_ s: [Float], _ kind: ScoreNormalisation) -> [Float] {
    var c = s
    normalise(&c, kind)
    return c
}
