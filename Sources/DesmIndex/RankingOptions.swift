import Foundation
import DesmText

/// Which embedding spaces a DESM score compares: the query words' space, then the
/// documents' centroid space. IN-OUT is the paper's main scorer.
public enum DesmVariant: String, CaseIterable, Sendable {
    case inOut = "in-out"
    case inIn = "in-in"
    case outOut = "out-out"
    case outIn = "out-in"

    public var querySpace: EmbeddingSpace { self == .inOut || self == .inIn ? .input : .output }
    public var documentSpace: EmbeddingSpace { self == .inOut || self == .outOut ? .output : .input }
}

/// A scorer: DESM in one of its four variants, BM25, or the mixture α·DESM + (1−α)·BM25.
public enum ScorerKind: Equatable, Sendable, CustomStringConvertible {
    case desm(DesmVariant)
    case bm25
    case mixture(DesmVariant)

    /// Parses `in-out`, `in-in`, `out-out`, `out-in`, `bm25`, `mixture` (= mixture with
    /// IN-OUT) or `mixture:<variant>`.
    public init?(name: String) {
        if name == "bm25" { self = .bm25; return }
        if name == "mixture" { self = .mixture(.inOut); return }
        if name.hasPrefix("mixture:"), let v = DesmVariant(rawValue: String(name.dropFirst(8))) {
            self = .mixture(v); return
        }
        guard let v = DesmVariant(rawValue: name) else { return nil }
        self = .desm(v)
    }

    public static let names = ["in-out", "in-in", "out-out", "out-in", "bm25", "mixture", "mixture:in-in"]

    public var description: String {
        switch self {
        case .desm(let v): return v.rawValue
        case .bm25: return "bm25"
        case .mixture(let v): return v == .inOut ? "mixture" : "mixture:\(v.rawValue)"
        }
    }

    var usesDesm: Bool { if case .bm25 = self { return false } else { return true } }
    var usesBM25: Bool { if case .desm = self { return false } else { return true } }
    var variant: DesmVariant? {
        switch self {
        case .desm(let v), .mixture(let v): return v
        case .bm25: return nil
        }
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

/// BM25 as Lucene/Anserini compute it: idf = ln(1 + (N − n + 0.5)/(n + 0.5)),
/// term score = idf · tf·(k1+1) / (tf + k1·(1 − b + b·dl/avgdl)); repeated query terms
/// weigh their count (Anserini's bag-of-words query).
public struct BM25Parameters: Hashable, Sendable {
    public var k1: Double
    public var b: Double

    public init(k1: Double = 0.9, b: Double = 0.4) {
        self.k1 = k1
        self.b = b
    }

    /// What is wrong with these values (k1 finite and ≥ 0, b in [0, 1]), or nil. Checked by
    /// `desm search/run` and `desm experiment` alike.
    public var problem: String? {
        k1 >= 0 && k1.isFinite && b >= 0 && b <= 1 ? nil : "k1 must be ≥ 0 and b in [0, 1] (got k1 \(k1), b \(b))"
    }

    public static func idf(documents: Int, documentFrequency n: Int) -> Double {
        log(1 + (Double(documents) - Double(n) + 0.5) / (Double(n) + 0.5))
    }

    /// One term's score in one document.
    public func termScore(tf: Double, documentLength dl: Double, averageLength avgdl: Double, idf: Double) -> Double {
        guard tf > 0 else { return 0 }
        let ratio = avgdl > 0 ? dl / avgdl : 1
        return idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * ratio))
    }
}

/// Everything that decides a ranking. `tag` spells it out for run files.
public struct RankingOptions: Equatable, Sendable {
    public var scorer: ScorerKind
    public var bm25: BM25Parameters
    /// Mixture weight of DESM (BM25 gets 1 − α).
    public var alpha: Double
    public var normalisation: ScoreNormalisation
    /// Re-rank BM25's top K with the scorer (telescoping); nil ranks the whole collection.
    public var rerank: Int?
    /// Words removed from every query (both DESM words and BM25 terms) before scoring.
    public var queryStoplist: QueryStoplist

    public init(scorer: ScorerKind = .desm(.inOut), bm25: BM25Parameters = BM25Parameters(),
                alpha: Double = 0.97, normalisation: ScoreNormalisation = .none, rerank: Int? = nil,
                queryStoplist: QueryStoplist = .none) {
        self.scorer = scorer
        self.bm25 = bm25
        self.alpha = alpha
        self.normalisation = normalisation
        self.rerank = rerank
        self.queryStoplist = queryStoplist
    }

    /// A run tag without spaces that states the scorer and every parameter that matters,
    /// e.g. `desm-mixture-in-out-a0.97-norm-none-bm25-k0.9-b0.4-rerank100` (plus
    /// `-qstop-questions` when a query stoplist is in use).
    public var tag: String {
        func num(_ x: Double) -> String {
            var s = String(format: "%.4f", x)
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
            return s
        }
        let bm = "bm25-k\(num(bm25.k1))-b\(num(bm25.b))"
        var t: String
        switch scorer {
        case .desm(let v): t = "desm-\(v.rawValue)"
        case .bm25: t = bm
        case .mixture(let v): t = "desm-mixture-\(v.rawValue)-a\(num(alpha))-norm-\(normalisation.rawValue)-\(bm)"
        }
        if let k = rerank { t += "-rerank\(k)" + (scorer.usesBM25 ? "" : "-\(bm)") }
        if !queryStoplist.isEmpty { t += "-qstop-\(queryStoplist.name)" }
        return t
    }
}
