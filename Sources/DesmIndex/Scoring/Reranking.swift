/// Telescoping (the DESM paper's re-ranking setting): the lexical ranking's top K
/// candidates — BM25, or BM25 with an expanded query — re-scored by the scorer: DESM alone,
/// the mixture (both halves normalised over the K candidates), or the lexical scores
/// themselves.
extension Ranker {
    func rerank(_ candidates: [ScoredDocument], scorer: ScorerKind, queryVector qvec: [Float]?,
                options: RankingOptions, k: Int,
                given: MixtureNormalisation? = nil) -> (hits: [ScoredDocument], mixture: (normalisation: MixtureNormalisation, moments: MixtureMoments)?) {
        switch scorer {
        case .bm25:
            return (Array(candidates.prefix(k)), nil)
        case .desm(let v):
            var top = TopK(k: k)
            for h in candidates { top.offer(desm!.score(qvec!, doc: h.doc, space: v.documentSpace), h.doc) }
            return (top.sorted(), nil)
        case .mixture(let v):
            var d = candidates.map { h in qvec.map { desm!.score($0, doc: h.doc, space: v.documentSpace) } ?? 0 }
            var b = candidates.map { Float($0.score) }
            var top = TopK(k: k)
            let mixture = MixtureScorer.mix(desm: &d, lexical: &b, alpha: options.alpha, normalisation: options.normalisation, given: given) { s, i in
                top.offer(s, candidates[i].doc)
            }
            return (top.sorted(), mixture)
        }
    }
}
