import DesmText
import DesmWord2Vec
import Foundation
import Glibc

/// Builds an index directory from a stream of documents in one pass: a reader thread parses
/// the collection into batches, `threads` workers analyse each batch (embedding tokens →
/// IN/OUT centroids, stemmed terms → term frequencies), and the calling thread appends the
/// results in collection order to the centroid, length, flag, docno and snippet files (all
/// streamed) and to the in-memory postings (delta/varint coded, ~2–3 bytes per posting),
/// which are written sorted by term at the end, followed by their transpose, the forward
/// index (`writeForwardIndex`). Memory: the postings plus 8 bytes per document plus a few
/// batches; at the end, the forward index's buffer (about the postings' size) and 12 more
/// bytes per document.
public final class IndexBuilder {
    public let model: EmbeddingModel
    public let options: IndexBuildOptions
    /// The model's mean word vectors, stored in every index (`means`): subtracted from the
    /// word vectors with `center`, and used by the embedding expansions in any case.
    public let means: WordMeans
    private let units: UnitVectors

    public init(model: EmbeddingModel, options: IndexBuildOptions = IndexBuildOptions()) throws {
        self.model = model
        self.options = options
        if options.centroid == .idf && (options.shard != nil || options.statistics != nil) {
            throw DesmError("IDF-weighted centroids (--centroid idf) weigh words by the collection's embedding document frequencies, which a shard does not have: not supported with --shard or --statistics")
        }
        if let s = options.statistics, s.analyzer != model.analyzer.bm25 {
            throw DesmError("the statistics were counted with another BM25 analysis than the model's (count them with `desm stats --bm25-statistics … --model` and this model)",
                            path: options.statisticsPath)
        }
        means = try WordCentring.means(of: model)
        units = try UnitVectors(model: model, centring: options.center ? means : nil)
    }

    /// Builds from a collection file or directory. With IDF-weighted centroids the
    /// collection is read twice (document frequencies first).
    @discardableResult
    public func build(collectionPath: String, format: CollectionFormat? = nil, to directory: String,
                      progress: ProgressReporter = .silent,
                      notes: ((CollectionReader) -> Void)? = nil) throws -> IndexManifest {
        let name = options.collectionName.isEmpty ? collectionPath : options.collectionName
        return try build(to: directory, collectionName: name, progress: progress) {
            let reader = try CollectionReader(path: collectionPath, format: format)
            progress.restart()
            return { if let d = try reader.next() { progress.setFraction(reader.fractionDone); return d }; notes?(reader); return nil }
        }
    }

    /// Builds from an open collection reader (one pass: mean centroids only).
    @discardableResult
    public func build(collection: CollectionReader, to directory: String,
                      progress: ProgressReporter = .silent) throws -> IndexManifest {
        guard options.centroid == .mean else {
            throw DesmError("IDF-weighted centroids read the collection twice: use build(collectionPath:)", path: collection.path)
        }
        let name = options.collectionName.isEmpty ? collection.path : options.collectionName
        return try build(to: directory, collectionName: name, progress: progress) {
            { try collection.next().map { progress.setFraction(collection.fractionDone); return $0 } }
        }
    }

    /// Builds from documents in memory (tests, small collections).
    @discardableResult
    public func build(documents: [Document], to directory: String) throws -> IndexManifest {
        try build(to: directory, collectionName: options.collectionName, progress: .silent) {
            var i = 0
            return {
                defer { i += 1 }
                return i < documents.count ? documents[i] : nil
            }
        }
    }

    /// Document frequencies of the vocabulary's words over a pass of the collection
    /// (embedding analysis), and the number of documents.
    private func documentFrequencies(_ next: @escaping () throws -> Document?, progress: ProgressReporter) throws -> ([Int32], Int) {
        let v = model.vocabulary.count
        let threads = options.threads
        var perThread = [[Int32]](repeating: [Int32](repeating: 0, count: v), count: threads)
        let analysers = (0..<threads).map { _ in TextAnalysis(settings: model.analyzer) }
        let vocabulary = model.vocabulary
        let reader = BatchReader(batchSize: options.batchSize, next: next)
        defer { reader.stop() }
        try reader.start()
        var documents = 0
        while let batch = try reader.take() {
            try Interrupt.check("counting document frequencies")
            let n = batch.count
            perThread.withUnsafeMutableBufferPointer { tables in
                DispatchQueue.concurrentPerform(iterations: threads) { t in
                    var seen = Set<Int>()
                    for i in (n * t / threads)..<(n * (t + 1) / threads) {
                        seen.removeAll(keepingCapacity: true)
                        for tok in analysers[t].embeddingTokens(batch[i].fullText) {
                            if let id = vocabulary.id(tok), seen.insert(id).inserted { tables[t][id] += 1 }
                        }
                    }
                }
            }
            documents += n
            progress.update(done: Double(documents), total: nil, extra: "(pass 1: document frequencies)")
        }
        var df = perThread[0]
        for t in 1..<threads { for i in 0..<v { df[i] += perThread[t][i] } }
        return (df, documents)
    }

    /// One document's analysis, produced by a worker.
    private struct Analysed {
        var id = ""
        var snippet = ""
        var tokens = 0
        var inVocabulary = 0
        var length: UInt32 = 0
        var terms: [(String, UInt32)] = []
    }

    /// Builds from any source of documents: `open` starts a pass over them (once, or twice
    /// for IDF-weighted centroids); the pass's function returns nil at the end.
    @discardableResult
    public func build(to directory: String, collectionName: String, progress: ProgressReporter,
                      open: () throws -> (() throws -> Document?)) throws -> IndexManifest {
        var directory = directory
        while directory.count > 1 && directory.hasSuffix("/") { directory.removeLast() }
        let dim = model.dim
        var weights: [Float]? = nil
        if options.centroid == .idf {
            let (df, n) = try documentFrequencies(try open(), progress: progress)
            guard n > 0 else { throw DesmError("collection has no documents", path: collectionName) }
            weights = df.map { Float(BM25Parameters.idf(documents: n, documentFrequency: Int($0))) }
        }
        let filter = ShardFilter(shard: options.shard)
        let source = try open()
        let next = { try filter.next(source) }
        let staging = try makeStagingDirectory(for: directory)
        var stagingDone = false
        defer { if !stagingDone { removeTree(staging); TemporaryFiles.shared.unregister(staging) } }

        let centIn = try IndexFileWriter(path: staging + "/" + IndexFiles.centroidsIn, kind: .centroids)
        let centOut = try IndexFileWriter(path: staging + "/" + IndexFiles.centroidsOut, kind: .centroids)
        let lens = try IndexFileWriter(path: staging + "/" + IndexFiles.doclens, kind: .doclens)
        let flags = try IndexFileWriter(path: staging + "/" + IndexFiles.docflags, kind: .docflags)
        let docnos = try StringTableWriter(path: staging + "/" + IndexFiles.docnos)
        let snippets = try StringTableWriter(path: staging + "/" + IndexFiles.snippets)

        var termIDs: [String: Int32] = [:]
        var termNames: [String] = []
        var postings: [[UInt8]] = []
        var lastDoc: [UInt32] = []
        var df: [UInt32] = []
        var postingCount = 0
        var totalLength = 0
        var documents = 0
        var empty = 0
        var tokensAll = 0
        var tokensInVocab = 0

        let reader = BatchReader(batchSize: options.batchSize, next: next)
        defer { reader.stop() }
        try reader.start()

        let threads = options.threads
        let analysers = (0..<threads).map { _ in TextAnalysis(settings: model.analyzer) }
        let vocabulary = model.vocabulary
        let units = self.units
        let snippetBytes = options.snippetBytes
        let idf = weights ?? []
        let weighted = weights != nil
        var bufIn = [Float](), bufOut = [Float](), flagBytes = [UInt8](), lenWords = [UInt32]()

        while let batch = try reader.take() {
            try Interrupt.check("indexing")
            let n = batch.count
            bufIn = [Float](repeating: 0, count: n * dim)
            bufOut = [Float](repeating: 0, count: n * dim)
            let results = UnsafeMutableBufferPointer<Analysed>.allocate(capacity: n)
            results.initialize(repeating: Analysed())
            defer { results.deinitialize(); results.deallocate() }
            bufIn.withUnsafeMutableBufferPointer { bin in
                bufOut.withUnsafeMutableBufferPointer { bout in
                    let pin = bin.baseAddress!, pout = bout.baseAddress!
                    DispatchQueue.concurrentPerform(iterations: threads) { t in
                        let analysis = analysers[t]
                        for i in (n * t / threads)..<(n * (t + 1) / threads) {
                            let doc = batch[i]
                            let text = doc.fullText
                            let (tokens, terms) = analysis.analyse(text, vocabulary: vocabulary)
                            var a = Analysed()
                            a.id = doc.id
                            a.snippet = collapseWhitespace(text, maxBytes: snippetBytes)
                            a.tokens = tokens.count
                            let ci = pin + i * dim, co = pout + i * dim
                            a.inVocabulary = units.centroids(of: tokens, weights: weighted ? idf : nil, intoIn: ci, intoOut: co)
                            a.length = UInt32(clamping: terms.count)
                            var counts: [String: UInt32] = [:]
                            counts.reserveCapacity(terms.count)
                            for term in terms { counts[term, default: 0] += 1 }
                            a.terms = counts.map { ($0.key, $0.value) }
                            results[i] = a
                        }
                    }
                }
            }
            // Merge in collection order.
            flagBytes.removeAll(keepingCapacity: true)
            lenWords.removeAll(keepingCapacity: true)
            for i in 0..<n {
                let a = results[i]
                let doc = UInt32(documents)
                if documents >= Int(Int32.max) - 1 { throw DesmError("more than 2^31 documents: not supported", path: collectionName) }
                try docnos.append(a.id)
                try snippets.append(a.snippet)
                tokensAll += a.tokens
                tokensInVocab += a.inVocabulary
                let noVocab = a.inVocabulary == 0
                if noVocab { empty += 1 }
                flagBytes.append(noVocab ? 1 : 0)
                lenWords.append(a.length.littleEndian)
                totalLength += Int(a.length)
                for (term, tf) in a.terms {
                    let id: Int
                    if let known = termIDs[term] {
                        id = Int(known)
                    } else {
                        id = termNames.count
                        termIDs[term] = Int32(id)
                        termNames.append(term)
                        postings.append([])
                        lastDoc.append(0)
                        df.append(0)
                    }
                    appendVarint(&postings[id], doc - lastDoc[id])
                    appendVarint(&postings[id], tf)
                    lastDoc[id] = doc
                    df[id] += 1
                    postingCount += 1
                }
                documents += 1
            }
            try bufIn.withUnsafeBytes { try centIn.write($0) }
            try bufOut.withUnsafeBytes { try centOut.write($0) }
            try flags.write(flagBytes)
            try lens.write(array: lenWords)
            progress.update(done: Double(documents), total: nil)
        }
        progress.finish()
        guard documents > 0 else {
            throw DesmError(options.shard.map { "shard \($0) has none of the collection's \(filter.seen) documents: use fewer shards" }
                            ?? "collection has no documents", path: collectionName)
        }

        var files: [String: IndexManifest.FileEntry] = [:]
        files[IndexFiles.centroidsIn] = try centIn.finish(count: documents, aux: dim)
        files[IndexFiles.centroidsOut] = try centOut.finish(count: documents, aux: dim)
        files[IndexFiles.doclens] = try lens.finish(count: documents, aux: 0)
        files[IndexFiles.docflags] = try flags.finish(count: documents, aux: 0)
        files[IndexFiles.docnos] = try docnos.finish()
        files[IndexFiles.snippets] = try snippets.finish()

        // Terms sorted by byte order; postings in the same order.
        let keys = termNames.map { Array($0.utf8) }
        let order = (0..<termNames.count).sorted { keys[$0].lexicographicallyPrecedes(keys[$1]) }
        let terms = try StringTableWriter(path: staging + "/" + IndexFiles.terms)
        for t in order { try terms.append(termNames[t]) }
        files[IndexFiles.terms] = try terms.finish()

        let post = try IndexFileWriter(path: staging + "/" + IndexFiles.postings, kind: .postings)
        var offsets: [UInt64] = [0]
        offsets.reserveCapacity(order.count + 1)
        var dataBytes = 0
        for t in order { dataBytes += postings[t].count; offsets.append(UInt64(dataBytes).littleEndian) }
        try post.write(array: offsets)
        try post.write(array: order.map { df[$0].littleEndian })
        try post.pad(to: 8)
        for t in order { try post.write(postings[t]) }
        files[IndexFiles.postings] = try post.finish(count: order.count, aux: dataBytes)
        files[IndexFiles.docterms] = try writeForwardIndex(path: staging + "/" + IndexFiles.docterms,
                                                           postings: postings, order: order, documents: documents)
        let meansFile = try IndexFileWriter(path: staging + "/" + IndexFiles.means, kind: .means)
        try meansFile.write(array: (means.input + means.output).map { $0.bitPattern.littleEndian })
        files[IndexFiles.means] = try meansFile.finish(count: 2, aux: dim)

        if let shard = options.shard {
            files[IndexFiles.positions] = try writePositions(filter.positions, in: staging, collectionDocuments: filter.seen)
            if let s = options.statistics, s.documents != filter.seen {
                throw DesmError("the statistics count \(s.documents) documents, the collection has \(filter.seen): they are not this collection's (shard \(shard))",
                                path: options.statisticsPath)
            }
        }
        if let s = options.statistics {
            files[IndexFiles.globalDocumentFrequencies] = try writeGlobalFrequencies(
                s, terms: order.map { termNames[$0] }, localFrequencies: order.map { Int(df[$0]) },
                documents: documents, totalLength: totalLength, in: staging)
        }
        var manifest = IndexManifest(
            formatVersion: Int(IndexFileFormat.version), documents: documents,
            documentsWithoutVocabulary: empty, dim: dim, modelChecksum: model.checksum,
            modelVocabularySize: model.vocabulary.count, analyzer: model.analyzer, centroid: options.centroid.rawValue,
            center: options.center ? true : nil, wordMean: means.weighting,
            embeddingTokens: tokensAll, embeddingTokensInVocabulary: tokensInVocab,
            bm25: .init(documents: documents, terms: order.count, postings: postingCount,
                        totalLength: totalLength,
                        averageLength: Double(totalLength) / Double(documents)),
            collection: collectionName, modelPath: options.modelPath, snippetBytes: snippetBytes, files: files)
        manifest.shard = options.shard.map { IndexManifest.ShardInfo(shard: $0, collectionDocuments: filter.seen) }
        manifest.collectionStatistics = options.statistics.map {
            IndexManifest.CollectionStatisticsInfo(documents: $0.documents, totalLength: $0.totalLength, averageLength: $0.averageLength,
                                                   terms: $0.terms.count, file: options.statisticsPath ?? "")
        }
        try writeFileAtomically(staging + "/" + IndexManifest.fileName, try manifest.encoded())
        try moveIntoPlace(staging: staging, directory: directory)
        stagingDone = true
        return manifest
    }
}
