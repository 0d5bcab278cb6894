import DesmText
import Foundation

/// RM3 pseudo-relevance feedback, as Anserini's `Rm3Reranker` defines it (Lavrenko & Croft's
/// relevance model interpolated with the query, Abdul-Jaleel et al. 2004):
///
/// 1. the top `documents` of the first BM25 ranking are the feedback documents;
/// 2. each one's term-frequency vector over the BM25 analysis (the index's forward index),
///    keeping terms of 2–20 characters of `[a-z0-9]` in at most 10 % of the documents, is
///    pruned to its `terms` most frequent terms (ties: term order);
/// 3. a term's weight is Σ_d (tf_d / ‖pruned vector_d‖₁) · score_d over the feedback
///    documents (documents whose pruned vector is empty are skipped);
/// 4. optionally (γ > 0, desm's embedding-weighted RM3) each weight is multiplied by
///    exp(γ · cos(Q̄_IN, t_OUT));
/// 5. the model is pruned to `terms` terms and L1-normalised, then interpolated with the
///    L1-normalised query: w(t) = λ·q(t) + (1 − λ)·rm(t).
///
/// The expanded query is a new BM25 query over the whole collection with these weights as
/// boosts (`WeightedTerm.weight`).
enum RelevanceModel {
    /// Anserini's rule for feedback terms (`filterTerms`): 2–20 characters of [a-z0-9].
    static func isFeedbackTerm(_ term: String) -> Bool {
        let u = term.utf8
        guard u.count >= 2, u.count <= 20 else { return false }
        return u.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) }
    }

    /// Anserini drops feedback terms in more than 10 % of the documents (compared in float).
    static func isTooCommon(documentFrequency df: Int, documents n: Int) -> Bool {
        Float(df) / Float(n) > 0.1
    }

    /// The relevance model of the feedback documents: (term id, weight) pairs, best first,
    /// pruned to `terms` and L1-normalised. `similarity(term id)` gives cos(Q̄_IN, t_OUT)
    /// for the embedding re-weighting (nil: no re-weighting of that term).
    static func estimate(feedback: [ScoredDocument], index: DocumentIndex, parameters p: RM3Parameters,
                         similarity: ((Int) -> Double?)? = nil) throws -> [(term: Int, weight: Double)] {
        var accepted: [Int: Bool] = [:]
        func keep(_ t: Int) throws -> Bool {
            if let known = accepted[t] { return known }
            let ok = isFeedbackTerm(try index.term(t)) && !isTooCommon(documentFrequency: index.bm25DocumentFrequency(t), documents: index.bm25Documents)
            accepted[t] = ok
            return ok
        }
        var model: [Int: Double] = [:]
        for hit in feedback.prefix(p.documents) {
            var vector: [(term: Int, tf: UInt32)] = []
            try index.forEachDocumentTerm(hit.doc) { t, tf in vector.append((t, tf)) }
            vector = try vector.filter { try keep($0.term) }
            // Most frequent first; ties by term id (= byte order of the terms).
            vector.sort { $0.tf > $1.tf || ($0.tf == $1.tf && $0.term < $1.term) }
            let pruned = vector.prefix(p.terms)
            let norm = Double(pruned.reduce(0) { $0 + Int($1.tf) })
            guard norm > 0.001 else { continue }
            for (t, tf) in pruned { model[t, default: 0] += Double(tf) / norm * hit.score }
        }
        if p.embeddingWeight > 0, let similarity {
            for (t, w) in model { if let s = similarity(t) { model[t] = w * exp(p.embeddingWeight * s) } }
        }
        let best = model.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.prefix(p.terms)
        let total = best.reduce(0) { $0 + $1.value }
        guard total > 0 else { return [] }
        return best.map { ($0.key, $0.value / total) }
    }

    /// λ·q(t) + (1 − λ)·e(t) over the union of the query's terms (q: counts, L1-normalised,
    /// including terms in no document, as Anserini's query vector does) and the expansion
    /// `e` (term id → weight, summing to 1). Original terms first in query order, then new
    /// terms by weight.
    static func interpolate(_ query: [WeightedTerm], with expansion: [(term: Int, weight: Double)],
                            originalQueryWeight lambda: Double, index: DocumentIndex) throws -> [WeightedTerm] {
        let qTotal = query.reduce(0) { $0 + $1.weight }
        var e: [Int: Double] = [:]
        for (t, w) in expansion { e[t, default: 0] += w }
        var out: [WeightedTerm] = []
        for t in query {
            let q = qTotal > 0 ? t.weight / qTotal : 0
            let x = t.id.flatMap { e.removeValue(forKey: $0) } ?? 0
            out.append(WeightedTerm(term: t.term, id: t.id, weight: lambda * q + (1 - lambda) * x, queryCount: t.queryCount))
        }
        for (t, w) in expansion where e[t] != nil {
            out.append(WeightedTerm(term: try index.term(t), id: t, weight: (1 - lambda) * w, queryCount: 0))
            e[t] = nil
        }
        return out
    }
}
