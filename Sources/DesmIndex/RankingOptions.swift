import Foundation
import DesmText

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
    /// Expansion of the lexical query (RM3, embedding-weighted RM3, Ax, topical): changes BM25's
    /// ranking, the candidates re-ranked, and the mixture's lexical half.
    public var expansion: QueryExpansion?
    /// Feedback that moves the DESM query vector towards the lexical ranking's top documents.
    public var vectorFeedback: VectorFeedback?

    public init(scorer: ScorerKind = .desm(.inOut), bm25: BM25Parameters = BM25Parameters(),
                alpha: Double = 0.97, normalisation: ScoreNormalisation = .none, rerank: Int? = nil,
                queryStoplist: QueryStoplist = .none, expansion: QueryExpansion? = nil,
                vectorFeedback: VectorFeedback? = nil) {
        self.scorer = scorer
        self.bm25 = bm25
        self.alpha = alpha
        self.normalisation = normalisation
        self.rerank = rerank
        self.queryStoplist = queryStoplist
        self.expansion = expansion
        self.vectorFeedback = vectorFeedback
    }

    /// Whether ranking needs the embedding model: a DESM scorer, embedding-weighted RM3 or
    /// topical expansion (not plain RM3 or Ax).
    public var usesModel: Bool {
        if scorer.usesDesm { return true }
        switch expansion {
        case .rm3(let p): return p.embeddingWeight > 0
        case .topical: return true
        case .ax, nil: return false
        }
    }

    /// Whether there is a lexical ranking for expansion and feedback to act on.
    public var hasLexicalRanking: Bool { scorer.usesBM25 || rerank != nil }

    /// What is wrong with this combination of options, in the words of the command line
    /// (`desm experiment` reports it with the system's name), or nil.
    public var problem: String? {
        if let p = bm25.problem { return p }
        guard alpha >= 0, alpha <= 1 else { return "alpha must be in [0, 1] (got \(alpha))" }
        if let r = rerank, r < 1 { return "the re-ranking depth must be at least 1 (got \(r))" }
        switch expansion {
        case .rm3(let p):
            if p.documents < 1 || p.terms < 1 { return "RM3 needs at least 1 feedback document and 1 feedback term (got \(p.documents), \(p.terms))" }
            if !(p.originalQueryWeight >= 0 && p.originalQueryWeight <= 1) { return "the original query weight must be in [0, 1] (got \(p.originalQueryWeight))" }
            if !(p.embeddingWeight >= 0 && p.embeddingWeight.isFinite) { return "the RM3 embedding weight must be a number ≥ 0 (got \(p.embeddingWeight))" }
        case .ax(let p):
            if p.topDocuments < 1 { return "--ax-r (Ax's top documents) must be at least 1 (got \(p.topDocuments))" }
            if p.poolFactor < 1 { return "--ax-n (Ax's pool factor) must be at least 1 (got \(p.poolFactor))" }
            let (pool, overflow) = p.topDocuments.multipliedReportingOverflow(by: p.poolFactor)
            if overflow || pool > Axiomatic.largestPool {
                return "Ax's pool, --ax-r × --ax-n, must be at most \(Axiomatic.largestPool) documents (got \(p.topDocuments) × \(p.poolFactor))"
            }
            if !(p.beta >= 0 && p.beta.isFinite) { return "--ax-beta must be a number ≥ 0 (got \(p.beta))" }
            if p.terms < 1 { return "--ax-terms (Ax's expansion terms) must be at least 1 (got \(p.terms))" }
        case .topical(let p):
            if p.words < 1 { return "topical expansion needs at least 1 word (got \(p.words))" }
            if !(p.originalQueryWeight >= 0 && p.originalQueryWeight <= 1) { return "the original query weight must be in [0, 1] (got \(p.originalQueryWeight))" }
        case nil: break
        }
        if expansion != nil && !hasLexicalRanking {
            return "query expansion changes the BM25 query: use it with bm25, a mixture or --rerank (the \(scorer) scorer alone ranks by embeddings only)"
        }
        if let f = vectorFeedback {
            if f.documents < 1 { return "vector feedback needs at least 1 document (got \(f.documents))" }
            if !(f.weight >= 0 && f.weight <= 1) { return "the vector feedback weight must be in [0, 1] (got \(f.weight))" }
            if !scorer.usesDesm { return "vector feedback moves the DESM query vector: use it with a DESM scorer or a mixture" }
        }
        return nil
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
        var bm = "bm25-k\(num(bm25.k1))-b\(num(bm25.b))"
        switch expansion {
        case .rm3(let p):
            bm += "-rm3-fd\(p.documents)-ft\(p.terms)-ow\(num(p.originalQueryWeight))"
            if p.embeddingWeight > 0 { bm += "-emb\(num(p.embeddingWeight))" }
        case .ax(let p):
            bm += "-ax-r\(p.topDocuments)-n\(p.poolFactor)-b\(num(p.beta))-t\(p.terms)-s\(p.seed)"
        case .topical(let p):
            bm += "-topical-n\(p.words)-ow\(num(p.originalQueryWeight))"
        case nil: break
        }
        var t: String
        switch scorer {
        case .desm(let v): t = "desm-\(v.rawValue)"
        case .bm25: t = bm
        case .mixture(let v): t = "desm-mixture-\(v.rawValue)-a\(num(alpha))-norm-\(normalisation.rawValue)-\(bm)"
        }
        if let k = rerank { t += "-rerank\(k)" + (scorer.usesBM25 ? "" : "-\(bm)") }
        if let f = vectorFeedback { t += "-vfb-d\(f.documents)-w\(num(f.weight))" }
        if !queryStoplist.isEmpty { t += "-qstop-\(queryStoplist.name)" }
        return t
    }
}
