import DesmText

/// Options for building an index.
public struct IndexBuildOptions: Sendable {
    /// Analysis threads (a separate thread reads and parses the collection).
    public var threads: Int = 2
    /// Documents per batch handed from the reader to the analysis threads.
    public var batchSize: Int = 512
    /// Bytes of each document's text kept as its snippet for `desm search`.
    public var snippetBytes: Int = 200
    /// Recorded in the manifest.
    public var collectionName: String = ""
    /// The model file's path, recorded in the manifest for `desm search`.
    public var modelPath: String? = nil
    /// Plain mean centroids (DESM) or IDF-weighted ones (reads the collection twice).
    public var centroid: CentroidWeighting = .mean
    /// Mean-centre the word vectors before normalising them (`WordCentring`); recorded in
    /// the manifest, and the ranker centres query vectors with the same stored means. Off by
    /// default (DESM as published).
    public var center: Bool = false
    /// Index only this shard's documents (`Shard`), recording each one's position in the
    /// whole collection (`positions`), so that merged rankings keep the single index's tie order.
    public var shard: Shard? = nil
    /// Score BM25 with these statistics of the whole collection (N, df, average length)
    /// instead of the indexed documents' own (`globaldf`, `IndexManifest.collectionStatistics`):
    /// a shard indexed with the merged statistics of all shards scores BM25 exactly as one index.
    public var statistics: CollectionStatistics? = nil
    /// The statistics file's name, recorded in the manifest.
    public var statisticsPath: String? = nil

    public init(threads: Int = 2, batchSize: Int = 512, snippetBytes: Int = 200, collectionName: String = "") {
        self.threads = max(threads, 1)
        self.batchSize = max(batchSize, 1)
        self.snippetBytes = max(snippetBytes, 0)
        self.collectionName = collectionName
    }
}

/// How a document's word vectors are averaged into its centroid.
public enum CentroidWeighting: String, CaseIterable, Codable, Sendable {
    /// DESM's centroid: the plain mean of the tokens' unit vectors.
    case mean
    /// Each token's unit vector weighted by its word's idf over the collection's documents,
    /// idf(w) = ln(1 + (N − df(w) + 0.5)/(df(w) + 0.5)) (df from the embedding analysis).
    /// A documented variant (word-centroid studies found it closes much of the gap to
    /// TF-IDF); needs a first pass over the collection to count document frequencies.
    case idf
}

