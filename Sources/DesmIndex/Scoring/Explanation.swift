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
    /// A mixture score from its halves: each normalised as the ranking normalised it.
    public struct MixtureParts: Sendable {
        public var alpha: Double
        /// The DESM score after the query's normalisation (min-max, z-score or none).
        public var desm: Double
        /// The BM25 score after the query's normalisation.
        public var bm25: Double
        /// α·desm + (1 − α)·bm25: the ranked score.
        public var score: Double
    }
    public var desm: [WordCosine]
    /// The DESM score, raw (the mixture normalises it: `mixture`).
    public var desmScore: Double?
    /// With vector feedback, the share of `desmScore` that the feedback documents add,
    /// β·mean(D̂_feedback)·D̂; each word's contribution is then scaled by 1 − β.
    public var desmFeedback: Double? = nil
    public var bm25: [TermScore]
    /// The BM25 score, raw.
    public var bm25Score: Double?
    public var mixture: MixtureParts? = nil
}
