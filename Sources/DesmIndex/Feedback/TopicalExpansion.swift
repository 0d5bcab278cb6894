import DesmText

/// Topical expansion, desm's embedding counterpart of Anserini's axiomatic expansion: the
/// BM25 terms whose vocabulary words have OUT vectors closest to the query's IN centroid —
/// the query's IN-OUT neighbours, words that occur *around* the query words in the training
/// text rather than in their place — are added to the query. No feedback documents are
/// needed. Each added term weighs its best word's cosine (L1-normalised over the added
/// terms); the expansion is interpolated with the L1-normalised query like RM3's model.
/// Candidates follow RM3's rules: 2–20 characters of [a-z0-9], in at most 10 % of the
/// documents, in the index, not already in the query.
enum TopicalExpansion {
    /// The added terms (term id, weight summing to 1), best first; empty when no query word
    /// has a usable vector or no neighbour qualifies.
    static func neighbours(words: [(word: String, id: Int)], query: [WeightedTerm], embeddings: TermEmbeddings,
                           index: DocumentIndex, count: Int) throws -> [(term: Int, weight: Double)] {
        guard let q = embeddings.queryVector(words) else { return [] }
        let cosines = embeddings.outCosines(q)
        let queryTerms = Set(query.map(\.term))
        // Enough of the nearest words to find `count` distinct qualifying terms (most are
        // inflections of each other or of the query words).
        var heap = TopK(k: max(64, 40 * count))
        for (w, c) in cosines.enumerated() where c > 0 && embeddings.termOfWord[w] != nil { heap.offer(c, w) }
        var chosen: [(term: Int, weight: Double)] = []
        var seen = Set<String>()
        for hit in heap.sorted() {
            guard let term = embeddings.termOfWord[hit.doc], !queryTerms.contains(term), seen.insert(term).inserted,
                  RelevanceModel.isFeedbackTerm(term), let id = try index.termID(term),
                  !RelevanceModel.isTooCommon(documentFrequency: index.bm25DocumentFrequency(id), documents: index.bm25Documents)
            else { continue }
            chosen.append((id, hit.score))
            if chosen.count == count { break }
        }
        let total = chosen.reduce(0) { $0 + $1.weight }
        return total > 0 ? chosen.map { ($0.term, $0.weight / total) } : []
    }
}
