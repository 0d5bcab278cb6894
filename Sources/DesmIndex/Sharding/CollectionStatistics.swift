import DesmText
import Foundation

/// The collection statistics BM25 needs — N documents, their total length in BM25 terms
/// (average length = total / N) and each term's document frequency — for a whole collection
/// or a part of it. Parts add up exactly (`merged`): N, lengths and every df are sums, so the
/// statistics of shards merged equal the whole collection's, and a shard indexed with them
/// (`IndexBuildOptions.statistics`) scores BM25 exactly as the single index does.
/// Stored as a text file (`CollectionStatisticsFile.swift`).
public struct CollectionStatistics: Equatable, Sendable {
    /// The BM25 analysis the terms come from (a model's `analyzer.bm25`).
    public var analyzer: AnalyzerConfig
    public var documents: Int
    public var totalLength: Int
    /// Terms sorted by UTF-8 bytes, each with its document frequency (≥ 1).
    public var terms: [(term: String, df: Int)]
    /// The shard these are of (nil: the whole collection, or merged parts).
    public var shard: Shard?

    public init(analyzer: AnalyzerConfig, documents: Int, totalLength: Int, terms: [(term: String, df: Int)], shard: Shard? = nil) {
        self.analyzer = analyzer
        self.documents = documents
        self.totalLength = totalLength
        self.terms = terms
        self.shard = shard
    }

    /// Average document length as the index computes it.
    public var averageLength: Double { documents > 0 ? Double(totalLength) / Double(documents) : 0 }

    public static func == (a: CollectionStatistics, b: CollectionStatistics) -> Bool {
        a.analyzer == b.analyzer && a.documents == b.documents && a.totalLength == b.totalLength && a.shard == b.shard
            && a.terms.count == b.terms.count && zip(a.terms, b.terms).allSatisfy { $0.term == $1.term && $0.df == $1.df }
    }

    /// Counts a collection (or one shard of it) with the BM25 analysis of `settings`, exactly
    /// as `IndexBuilder` analyses documents.
    public static func count(collectionPath: String, format: CollectionFormat? = nil, settings: AnalyzerSettings,
                             shard: Shard? = nil, progress: ProgressReporter = .silent) throws -> CollectionStatistics {
        let reader = try CollectionReader(path: collectionPath, format: format)
        let filter = ShardFilter(shard: shard)
        let analysis = TextAnalysis(settings: settings)
        var df: [String: Int] = [:]
        var documents = 0, total = 0
        var seen = Set<String>()
        while let doc = try filter.next({ try reader.next() }) {
            let terms = analysis.analyse(doc.fullText).terms
            total += terms.count
            seen.removeAll(keepingCapacity: true)
            for t in terms where seen.insert(t).inserted { df[t, default: 0] += 1 }
            documents += 1
            if documents % 256 == 0 {
                progress.setFraction(reader.fractionDone)
                try Interrupt.check("counting statistics")
            }
        }
        progress.finish()
        return CollectionStatistics(analyzer: settings.bm25, documents: documents, totalLength: total,
                                    terms: sortedTerms(df), shard: shard)
    }

    static func sortedTerms(_ df: [String: Int]) -> [(term: String, df: Int)] {
        df.map { (term: $0.key, df: $0.value) }.sorted { $0.term.utf8.lexicographicallyPrecedes($1.term.utf8) }
    }

    /// The statistics of the union of disjoint parts: documents, lengths and document
    /// frequencies add. The parts must share their analyzer; shards must be distinct shards
    /// of one split (the same shard twice would count its documents twice). `paths` name the
    /// parts in errors.
    public static func merged(_ parts: [CollectionStatistics], paths: [String]) throws -> CollectionStatistics {
        guard let first = parts.first else { throw DesmError("no statistics to merge") }
        var df: [String: Int] = [:]
        var documents = 0, total = 0
        var shards: [Int: String] = [:]
        for (i, p) in parts.enumerated() {
            let path = i < paths.count ? paths[i] : "part \(i + 1)"
            guard p.analyzer == first.analyzer else {
                throw DesmError("its BM25 analysis differs from \(paths.first ?? "the first part")'s: statistics of different analyses cannot be merged", path: path)
            }
            if let s = p.shard, let f = first.shard {
                guard s.count == f.count else { throw DesmError("shard \(s) is not of the same split as \(f) (\(paths.first ?? "the first part"))", path: path) }
                if let other = shards[s.index] { throw DesmError("shard \(s) is also \(other): merging it twice would count its documents twice", path: path) }
                shards[s.index] = path
            }
            documents += p.documents
            total += p.totalLength
            for (t, n) in p.terms { df[t, default: 0] += n }
        }
        return CollectionStatistics(analyzer: first.analyzer, documents: documents, totalLength: total, terms: sortedTerms(df))
    }

    /// Term → df, for looking terms up.
    public var frequencies: [String: Int] {
        var d: [String: Int] = [:]
        d.reserveCapacity(terms.count)
        for (t, n) in terms { d[t] = n }
        return d
    }
}
