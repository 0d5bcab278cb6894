import DesmText
import Foundation

/// `manifest.json` of an index directory: what was built, from what, and the size and
/// CRC-32 of every other file.
public struct IndexManifest: Codable, Equatable, Sendable {
    public struct FileEntry: Codable, Equatable, Sendable {
        public var bytes: Int
        public var crc32: UInt32
    }

    public struct BM25Statistics: Codable, Equatable, Sendable {
        /// Documents (N in the idf).
        public var documents: Int
        /// Distinct terms.
        public var terms: Int
        /// Postings (term, document) pairs.
        public var postings: Int
        /// Sum of document lengths in terms.
        public var totalLength: Int
        public var averageLength: Double
    }

    public var format: String = "desm-index"
    public var formatVersion: Int
    public var documents: Int
    /// Documents with no in-vocabulary word: kept, flagged, zero centroids, DESM score 0.
    public var documentsWithoutVocabulary: Int
    public var dim: Int
    public var modelChecksum: UInt32
    public var modelVocabularySize: Int
    public var analyzer: AnalyzerSettings
    /// "mean" (DESM's plain centroid) or "idf" (IDF-weighted centroid).
    public var centroid: String
    /// true: word vectors were mean-centred before normalising (`desm index --center`, see
    /// `WordCentring`), and query vectors must be too, with the index's stored means.
    /// Absent (nil) or false: plain DESM.
    public var center: Bool?
    /// How the mean word vectors stored in `means` were weighted: "count-weighted" or
    /// "unweighted" (the model's counts are all equal, e.g. none recorded).
    public var wordMean: WordMeanWeighting
    /// Embedding tokens that were in the vocabulary / all embedding tokens.
    public var embeddingTokens: Int
    public var embeddingTokensInVocabulary: Int
    public var bm25: BM25Statistics
    public var collection: String
    /// The model file given at build time (`desm search` loads it unless told otherwise).
    public var modelPath: String?
    public var snippetBytes: Int
    public var files: [String: FileEntry]
    /// Set for a shard (`desm index --shard i/n`): which one, of how many documents in all.
    /// Its documents' collection positions are in `positions`.
    public var shard: ShardInfo?
    /// Set when BM25 scores with a whole collection's statistics (`desm index --statistics`):
    /// N and the average length here, each term's df in `globaldf`; `bm25` stays the indexed
    /// documents' own.
    public var collectionStatistics: CollectionStatisticsInfo?

    public struct ShardInfo: Codable, Equatable, Sendable {
        public var index: Int
        public var count: Int
        /// How documents are assigned to shards (`Shard.rule`).
        public var rule: String
        /// Documents in the whole collection.
        public var collectionDocuments: Int

        init(shard: Shard, collectionDocuments: Int) {
            index = shard.index
            count = shard.count
            rule = Shard.rule
            self.collectionDocuments = collectionDocuments
        }
    }

    public struct CollectionStatisticsInfo: Codable, Equatable, Sendable {
        public var documents: Int
        public var totalLength: Int
        public var averageLength: Double
        /// Terms in the statistics file.
        public var terms: Int
        /// The statistics file given at build time.
        public var file: String
    }

    public static let fileName = "manifest.json"

    static func load(directory: String) throws -> IndexManifest {
        let path = directory + "/" + fileName
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir) else {
            throw DesmError("no such index directory", path: directory)
        }
        guard FileManager.default.fileExists(atPath: path) else {
            let shards = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
                .filter { $0.hasPrefix("shard-") && FileManager.default.fileExists(atPath: directory + "/" + $0 + "/" + fileName) }
            if !shards.isEmpty {
                throw DesmError("a directory of \(shards.count) shards, not one index: rank it with spark/desm_spark.py run (docs/scale-out.md), or give a whole index", path: directory)
            }
            throw DesmError("not an index directory (no \(fileName))", path: directory)
        }
        let data = Data(try readAllBytes(path, limit: 1 << 24, what: "an index manifest", plain: true))
        let m: IndexManifest
        do {
            m = try JSONDecoder().decode(IndexManifest.self, from: data)
        } catch {
            throw DesmError("manifest is not valid: \(describeDecodingError(error))", path: path)
        }
        guard m.format == "desm-index" else { throw DesmError("not a desm index manifest", path: path) }
        guard m.formatVersion == Int(IndexFileFormat.version) else {
            throw DesmError("index format version \(m.formatVersion), this desm reads version \(IndexFileFormat.version): rebuild the index with `desm index`", path: path)
        }
        return m
    }

    func encoded() throws -> [UInt8] {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return Array(try e.encode(self)) + [0x0A]
    }
}
