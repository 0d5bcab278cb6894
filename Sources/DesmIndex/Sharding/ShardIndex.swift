import DesmText

/// What BM25 scores with, and where a document stands in the whole collection: the index's
/// own statistics and document numbers, or — for a shard or an index built with
/// `--statistics` — the whole collection's (`globaldf`, `positions`). Every BM25 computation
/// (`BM25Scorer`, RM3's and topical expansion's df filters) asks these, never the postings'
/// own counts.
extension DocumentIndex {
    /// N in the idf.
    public var bm25Documents: Int { manifest.collectionStatistics?.documents ?? count }

    /// avgdl in the length normalisation.
    public var bm25AverageLength: Double { manifest.collectionStatistics?.averageLength ?? manifest.bm25.averageLength }

    /// n in the idf: the term's document frequency in the collection.
    public func bm25DocumentFrequency(_ term: Int) -> Int {
        if let g = globalFrequencies { return Int(UInt32(littleEndian: g[term])) }
        return documentFrequency(term)
    }

    /// Refuses a shard where a command would treat it as the whole collection (a run or a
    /// search over a third of the documents, without a word): only the shard passes of
    /// `spark/desm_spark.py` (`desm run --hits`, `--write-moments`) rank one shard.
    public func requireWholeCollection(for what: String) throws {
        guard let s = manifest.shard else { return }
        throw DesmError("this is shard \(s.index)/\(s.count) of a collection (\(count) of its \(s.collectionDocuments) documents), not a whole index: "
                        + "\(what) would rank a part as if it were all; rank the shards with spark/desm_spark.py run (docs/scale-out.md)", path: path)
    }

    /// Whether this index is one part of a larger collection (a shard, or statistics given).
    public var isPartOfCollection: Bool { manifest.shard != nil || manifest.collectionStatistics != nil }

    /// The document's position in the whole collection (its number, for an index of the
    /// whole collection): the single index's tie order.
    public func collectionPosition(_ doc: Int) -> Int {
        if let p = positions { return Int(UInt64(littleEndian: p[doc])) }
        return doc
    }

    /// The document holding a collection position, nil when this index lacks it.
    public func document(atCollectionPosition position: Int) -> Int? {
        guard let p = positions else { return position >= 0 && position < count ? position : nil }
        var lo = 0, hi = p.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Int(UInt64(littleEndian: p[mid])) < position { lo = mid + 1 } else { hi = mid }
        }
        return lo < p.count && Int(UInt64(littleEndian: p[lo])) == position ? lo : nil
    }

    /// Maps and checks the optional files against the manifest.
    static func openShardFiles(_ files: [String: IndexFile], manifest m: IndexManifest,
                               terms: Int) throws -> (UnsafeBufferPointer<UInt64>?, UnsafeBufferPointer<UInt32>?) {
        var positions: UnsafeBufferPointer<UInt64>? = nil
        var frequencies: UnsafeBufferPointer<UInt32>? = nil
        if let f = files[IndexFiles.positions], let s = m.shard {
            guard f.count == m.documents, f.aux == s.collectionDocuments, f.payload.count == 8 * m.documents else {
                throw DesmError("positions are \(f.count) of \(f.aux), the manifest says \(m.documents) of \(s.collectionDocuments) (corrupted or mixed builds)", path: f.path)
            }
            positions = try f.view(UInt64.self, at: 0, count: m.documents)
        }
        if let f = files[IndexFiles.globalDocumentFrequencies], let s = m.collectionStatistics {
            guard f.count == terms, f.aux == s.documents, f.payload.count == 4 * terms else {
                throw DesmError("collection document frequencies are \(f.count) terms of \(f.aux) documents, the index has \(terms) terms and the manifest \(s.documents) documents (corrupted or mixed builds)", path: f.path)
            }
            frequencies = try f.view(UInt32.self, at: 0, count: terms)
        }
        return (positions, frequencies)
    }

    /// `desm verify`'s check of the optional files: positions strictly increasing and below
    /// the collection's size; each collection df at least the index's own and at most N.
    func verifyShardFiles() throws {
        if let p = positions, let s = manifest.shard {
            var previous = -1
            for d in 0..<p.count {
                let x = Int(UInt64(littleEndian: p[d]))
                guard x > previous, x < s.collectionDocuments else {
                    throw DesmError("position \(x) of document \(d) is not increasing or not below the collection's \(s.collectionDocuments) documents (corrupted)", path: path + "/" + IndexFiles.positions)
                }
                previous = x
            }
        }
        if globalFrequencies != nil {
            for t in 0..<termCount {
                let g = bm25DocumentFrequency(t)
                guard g >= documentFrequency(t), g <= bm25Documents else {
                    throw DesmError("term \(t) has collection df \(g), below its df \(documentFrequency(t)) here or above N = \(bm25Documents) (corrupted)", path: path + "/" + IndexFiles.globalDocumentFrequencies)
                }
            }
        }
    }
}
