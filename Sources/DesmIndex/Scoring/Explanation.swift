/// Why a document scored what it did: each scorer family fills its part with the same
/// arithmetic as its score (`DesmScorer.explain`, `BM25Scorer.explain`), in double; a test
/// checks that the parts add up to the ranked scores.
public struct Explanation: Sendable {
    public struct WordCosine: Sendable {
        public var word: String
        /// cos(w_q, D̂) in the scorer's spaces.
        public var cosine: Double
        /// cosine / |Q|: the word's share of the DESM score.
        public var contribution: Double
    }
    public struct TermScore: Sendable {
        public var term: String
        /// The term's count in the user's query (0: added by query expansion).
        public var queryCount: Int
        /// Its weight in the BM25 query: the count for a plain query, the expanded query's
        /// weight otherwise.
        public var weight: Double
        public var tf: Int
        public var idf: Double
        /// weight · idf · tf-saturation: the term's share of the BM25 score.
        public var score: Double
    }
    public var desm: [WordCosine]
    public var desmScore: Double?
    public var bm25: [TermScore]
    public var bm25Score: Double?
}
