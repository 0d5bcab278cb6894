import DesmText

/// The two files only a shard (or an index with collection statistics) has.
extension IndexBuilder {
    /// `positions`: each document's position in the whole collection.
    func writePositions(_ positions: [UInt64], in staging: String, collectionDocuments: Int) throws -> IndexManifest.FileEntry {
        let f = try IndexFileWriter(path: staging + "/" + IndexFiles.positions, kind: .positions)
        try f.write(array: positions.map { $0.littleEndian })
        return try f.finish(count: positions.count, aux: collectionDocuments)
    }

    /// `globaldf`: each term's document frequency in the whole collection, checked against
    /// the indexed documents (a term the statistics lack, or in fewer documents than here,
    /// means the statistics are of another collection or analysis).
    func writeGlobalFrequencies(_ s: CollectionStatistics, terms: [String], localFrequencies: [Int],
                                documents: Int, totalLength: Int, in staging: String) throws -> IndexManifest.FileEntry {
        let path = options.statisticsPath
        guard s.documents >= documents, s.totalLength >= totalLength else {
            throw DesmError("the statistics count \(s.documents) documents of total length \(s.totalLength), fewer than the \(documents) (length \(totalLength)) indexed here: they are not this collection's",
                            path: path)
        }
        let global = s.frequencies
        var out: [UInt32] = []
        out.reserveCapacity(terms.count)
        for (t, local) in zip(terms, localFrequencies) {
            guard let g = global[t], g >= local else {
                throw DesmError("term \"\(t)\" is in \(local) documents here, the statistics say \(global[t] ?? 0): they are not this collection's",
                                path: path)
            }
            out.append(UInt32(clamping: g).littleEndian)
        }
        let f = try IndexFileWriter(path: staging + "/" + IndexFiles.globalDocumentFrequencies, kind: .documentFrequencies)
        try f.write(array: out)
        return try f.finish(count: out.count, aux: s.documents)
    }
}
