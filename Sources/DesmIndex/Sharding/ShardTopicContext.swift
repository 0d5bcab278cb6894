import DesmText

/// What a shard needs from the whole collection to rank one query exactly as the single
/// index does (`Ranker.rankBatch(_:options:k:contexts:)`). Each part is made by a first pass
/// over every shard and merged (spark/desm_spark.py does it):
/// - `candidates`: for `--rerank K`, this shard's members of the collection's lexical top K
///   (the shards' BM25 top K merged by score, then collection position), in that order;
/// - `normalisation`: for a mixture normalised per query, both halves' normalisations
///   fitted to the moments of the whole collection (or of the whole candidate set), which
///   the shards report (`Ranking.moments`) and are added (`MixtureMoments.add`);
/// - `collectionHasTerms`: whether any shard has a query term (a mixture with no DESM query
///   vector ranks by BM25 alone if one has, and returns nothing otherwise). Without it, a
///   shard ranks such a query anyway and its hits say whether it had a term and a vector;
///   the merge drops the topic when no shard had either.
public struct ShardTopicContext: Sendable {
    public var candidates: [ScoredDocument]?
    public var normalisation: MixtureNormalisation?
    public var collectionHasTerms: Bool?

    public init(candidates: [ScoredDocument]? = nil, normalisation: MixtureNormalisation? = nil, collectionHasTerms: Bool? = nil) {
        self.candidates = candidates
        self.normalisation = normalisation
        self.collectionHasTerms = collectionHasTerms
    }

    /// Why these options cannot rank one part of a collection exactly, or nil: query
    /// expansion and vector feedback need the collection's top documents' term vectors or
    /// centroids, and topical expansion the collection's whole term list, which no shard has.
    public static func unsupported(_ options: RankingOptions, index: DocumentIndex) -> String? {
        guard index.isPartOfCollection else { return nil }
        if options.expansion != nil || options.vectorFeedback != nil {
            return "this index is one part of a collection (a shard, or built with --statistics): RM3, topical expansion and vector feedback need the whole collection's feedback documents and terms, and Ax its pool drawn from the whole collection, so a part cannot compute them exactly; rank the single index instead"
        }
        return nil
    }

    /// Why a run on one part of a collection would not be the collection's ranking, or nil:
    /// re-ranking needs the collection's candidates, a normalised mixture the collection's
    /// moments (unless this run only reports its moments).
    public static func missingInput(_ options: RankingOptions, index: DocumentIndex, hasCandidates: Bool,
                                    hasNormalisation: Bool, reportsMoments: Bool) -> String? {
        guard index.isPartOfCollection else { return nil }
        if options.rerank != nil && !hasCandidates {
            return "--rerank on one part of a collection re-ranks the collection's BM25 top K: give them with --candidates FILE (spark/desm_spark.py makes it)"
        }
        if case .mixture = options.scorer, options.normalisation != .none, !hasNormalisation, !reportsMoments {
            return "--norm \(options.normalisation.rawValue) on one part of a collection normalises over the whole collection: give its moments with --normalisation-moments FILE, made from every part's --write-moments (spark/desm_spark.py does both)"
        }
        return nil
    }
}
