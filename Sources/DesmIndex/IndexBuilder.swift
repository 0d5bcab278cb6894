import DesmText
import DesmWord2Vec
import Foundation
import Glibc

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
    /// the manifest, and the ranker centres query vectors the same way. Off by default
    /// (DESM as published).
    public var center: Bool = false

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

/// The files of an index directory.
public enum IndexFiles {
    public static let centroidsIn = "centroids.in"
    public static let centroidsOut = "centroids.out"
    public static let postings = "postings"
    public static let terms = "terms"
    public static let doclens = "doclens"
    public static let docflags = "docflags"
    public static let docnos = "docnos"
    public static let snippets = "snippets"
    /// The forward index (each document's BM25 terms and frequencies), format version 2.
    public static let docterms = "docterms"
    /// Every file but the manifest. New files go at the end (fuzz inputs select files by
    /// their position here).
    public static let all = [centroidsIn, centroidsOut, postings, terms, doclens, docflags, docnos, snippets, docterms]
}

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
    private let units: UnitVectors

    public init(model: EmbeddingModel, options: IndexBuildOptions = IndexBuildOptions()) throws {
        self.model = model
        self.options = options
        units = try UnitVectors(model: model, center: options.center)
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
            return { if let d = try reader.next() { return d }; notes?(reader); return nil }
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
            { try collection.next() }
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
        let next = try open()
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
                            a.snippet = makeSnippet(text, maxBytes: snippetBytes)
                            a.tokens = tokens.count
                            let ci = pin + i * dim, co = pout + i * dim
                            var nIn = 0, nOut = 0
                            for tokenID in tokens where tokenID >= 0 {
                                let id = Int(tokenID)
                                a.inVocabulary += 1
                                if weighted {
                                    let w = idf[id]
                                    if units.usableIn[id] { axpy(w, units.input.row(id).baseAddress!, ci, dim); nIn += 1 }
                                    if units.usableOut[id] { axpy(w, units.output.row(id).baseAddress!, co, dim); nOut += 1 }
                                } else {
                                    if units.usableIn[id] { VectorKernels.add(ci, units.input.row(id).baseAddress!, dim); nIn += 1 }
                                    if units.usableOut[id] { VectorKernels.add(co, units.output.row(id).baseAddress!, dim); nOut += 1 }
                                }
                            }
                            // The mean's direction is the sum's: normalising the sum gives D̂.
                            if nIn > 0 { VectorKernels.normalise(ci, dim) }
                            if nOut > 0 { VectorKernels.normalise(co, dim) }
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
        guard documents > 0 else { throw DesmError("collection has no documents", path: collectionName) }

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

        let manifest = IndexManifest(
            formatVersion: Int(IndexFileFormat.version), documents: documents,
            documentsWithoutVocabulary: empty, dim: dim, modelChecksum: model.checksum,
            modelVocabularySize: model.vocabulary.count, analyzer: model.analyzer, centroid: options.centroid.rawValue,
            center: options.center ? true : nil,
            embeddingTokens: tokensAll, embeddingTokensInVocabulary: tokensInVocab,
            bm25: .init(documents: documents, terms: order.count, postings: postingCount,
                        totalLength: totalLength,
                        averageLength: Double(totalLength) / Double(documents)),
            collection: collectionName, modelPath: options.modelPath, snippetBytes: snippetBytes, files: files)
        try writeFileAtomically(staging + "/" + IndexManifest.fileName, try manifest.encoded())
        try moveIntoPlace(staging: staging, directory: directory)
        stagingDone = true
        return manifest
    }
}

/// A hidden temporary directory beside `directory`, `.NAME.tmp-PID-XXXXXX`, registered for
/// removal on interrupt. Staging directories that earlier builds of the same output left
/// behind when they were killed (their pid is gone) are removed first, and an index such a
/// build had moved aside (`.NAME.tmp-PID-XXXXXX.old`) is moved back if nothing is at NAME.
func makeStagingDirectory(for directory: String) throws -> String {
    var dir = directory
    while dir.count > 1 && dir.hasSuffix("/") { dir.removeLast() }
    let parent = parentDirectory(of: dir)
    removeStaleTemporaries(of: dir) { access($0 + "/" + IndexManifest.fileName, F_OK) == 0 }
    let (_, path) = try TemporaryFiles.shared.create { () throws -> (Void, String) in
        var template = Array(temporaryTemplate(for: dir).utf8CString)
        let ok = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) != nil }
        guard ok else {
            throw DesmError("cannot create a temporary directory in \(parent): \(String(cString: strerror(errno)))", path: directory)
        }
        return ((), template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
    }
    chmod(path, 0o755) // mkdtemp makes it private; the finished index is an ordinary directory
    return path
}

/// Swaps two existing paths in one step (`renameat2(…, RENAME_EXCHANGE)`, Linux 3.15+, glibc
/// 2.28+, looked up at run time); false when the system or the filesystem cannot, and then
/// nothing changed.
func exchangePaths(_ a: String, _ b: String) -> Bool {
    guard let renameat2 = renameat2Function else { return false }
    let atCurrentDirectory: Int32 = -100   // AT_FDCWD
    let renameExchange: UInt32 = 1 << 1    // RENAME_EXCHANGE
    return renameat2(atCurrentDirectory, a, atCurrentDirectory, b, renameExchange) == 0
}

private let renameat2Function: (@convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32)? = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32).self)
}()

func parentDirectory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    let d = String(path[..<slash])
    return d.isEmpty ? "/" : d
}

/// Renames the finished staging directory to `directory`, replacing an existing index there
/// (never anything else). An existing index is swapped with the staging directory in one
/// atomic `renameat2(RENAME_EXCHANGE)` where the filesystem supports it (then the staging
/// path, still registered, holds the old index until it is removed); otherwise by two
/// renames. The renames run as one `TemporaryFiles.commit` section: not at all once
/// SIGINT/SIGTERM has arrived (the build then throws "interrupted"), and never while the
/// interrupt watcher removes temporaries. The staging directory stays registered until it is
/// in place, the old index is registered once it is aside, so that either is removed if the
/// process is interrupted; with the two-rename fallback a kill -9 between them leaves the old
/// index as `.NAME.tmp-PID-XXXXXX.old`, which the next build moves back
/// (`makeStagingDirectory`).
func moveIntoPlace(staging: String, directory: String, what: String = "indexing") throws {
    var old: String? = nil
    try TemporaryFiles.shared.commit(what) {
        var st = stat()
        if lstat(directory, &st) == 0 {
            let isDir = (st.st_mode & S_IFMT) == S_IFDIR
            let isIndex = isDir && access(directory + "/" + IndexManifest.fileName, F_OK) == 0
            let isEmptyDir = isDir && ((try? FileManager.default.contentsOfDirectory(atPath: directory))?.isEmpty ?? false)
            guard isIndex || isEmptyDir else {
                throw DesmError("exists and is not a desm index: not overwriting it", path: directory)
            }
            // One atomic step where the filesystem allows it: afterwards `staging` holds the
            // old index, and no moment passes without an index at `directory`.
            if exchangePaths(staging, directory) {
                old = staging
                return
            }
            let aside = staging + ".old"
            guard rename(directory, aside) == 0 else {
                throw DesmError("cannot move the old index aside: \(String(cString: strerror(errno)))", path: directory)
            }
            guard rename(staging, directory) == 0 else {
                let why = String(cString: strerror(errno))
                _ = rename(aside, directory)
                throw DesmError("cannot rename the new index into place: \(why)", path: directory)
            }
            old = aside
            TemporaryFiles.shared.register(aside)
        } else {
            guard rename(staging, directory) == 0 else {
                throw DesmError("cannot rename the new index into place: \(String(cString: strerror(errno)))", path: directory)
            }
        }
        TemporaryFiles.shared.unregister(staging)
    }
    // The replaced index: aside, or (exchanged) in the still registered staging directory.
    if let old {
        removeTree(old)
        TemporaryFiles.shared.unregister(old)
    }
    let parent = parentDirectory(of: directory)
    let dfd = open(parent, O_RDONLY | O_DIRECTORY)
    if dfd >= 0 { fsync(dfd); close(dfd) }
}

/// The first `maxBytes` bytes of `text` with runs of whitespace collapsed, cut at a
/// Unicode scalar boundary.
func makeSnippet(_ text: String, maxBytes: Int) -> String {
    guard maxBytes > 0 else { return "" }
    var out = String.UnicodeScalarView()
    var bytes = 0
    var pendingSpace = false
    for s in text.unicodeScalars {
        let white = s.value < 0x80 ? (s.value == 0x20 || (s.value >= 0x09 && s.value <= 0x0D)) : s.properties.isWhitespace
        if white { pendingSpace = bytes > 0; continue }
        let add = (pendingSpace ? 1 : 0) + UTF8.width(s)
        if bytes + add > maxBytes { break }
        if pendingSpace { out.append(" ") }
        out.append(s)
        bytes += add
        pendingSpace = false
    }
    return String(out)
}

/// Reads documents on its own thread into a small bounded queue of batches, so that parsing
/// overlaps analysis. Errors are handed over in order and rethrown by `take`.
///
/// The thread is a plain pthread that holds the reader (one retain, released when the thread
/// ends) and nothing else holds the thread: there is no reference cycle, and `stop()` (which
/// every caller runs in a `defer` right after `start()`) ends and joins the thread on every
/// path, so that a failed build frees the reader, its collection reader and the documents.
final class BatchReader: @unchecked Sendable {
    private let batchSize: Int
    private let next: () throws -> Document?
    private let condition = NSCondition()
    private var queue: [Result<[Document], Error>] = []
    private var finished = false
    private var stopping = false
    private let capacity = 3
    private var thread: pthread_t?

    init(batchSize: Int, next: @escaping () throws -> Document?) {
        self.batchSize = batchSize
        self.next = next
    }

    /// Only reached once the thread has ended (it holds the reader until then); joins were
    /// done by `stop()`, this only keeps a forgotten `stop()` from leaking the thread's slot.
    deinit { if let t = thread { pthread_detach(t) } }

    /// Starts the reading thread (8 MB stack: deeply nested JSON/XML is parsed there).
    func start() throws {
        precondition(thread == nil, "BatchReader started twice")
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, 8 << 20)
        let context = Unmanaged.passRetained(self).toOpaque()
        var t = pthread_t()
        let rc = pthread_create(&t, &attributes, { context in
            let reader = Unmanaged<BatchReader>.fromOpaque(context!).takeRetainedValue()
            reader.run()
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<BatchReader>.fromOpaque(context).release()
            throw DesmError("cannot start the collection reader thread: \(String(cString: strerror(rc)))")
        }
        thread = t
    }

    private func run() {
        var done = false
        while !done {
            var batch: [Document] = []
            batch.reserveCapacity(batchSize)
            var item: Result<[Document], Error>
            do {
                while batch.count < batchSize, let d = try next() { batch.append(d) }
                done = batch.count < batchSize
                item = .success(batch)
            } catch {
                item = .failure(error)
                done = true
            }
            condition.lock()
            while queue.count >= capacity && !stopping { condition.wait() }
            if stopping { condition.unlock(); break }
            queue.append(item)
            if done { finished = true }
            condition.broadcast()
            condition.unlock()
        }
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next non-empty batch, nil at the end.
    func take() throws -> [Document]? {
        while true {
            condition.lock()
            while queue.isEmpty && !finished { condition.wait() }
            if queue.isEmpty { condition.unlock(); return nil }
            let item = queue.removeFirst()
            condition.broadcast()
            condition.unlock()
            let batch = try item.get()
            if !batch.isEmpty { return batch }
        }
    }

    /// Asks the thread to stop, waits until it has ended (joined) and drops what it had
    /// queued. Idempotent; a no-op if the thread was never started.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
        if let t = thread {
            pthread_join(t, nil)
            thread = nil
        }
        condition.lock()
        queue.removeAll()
        condition.unlock()
    }
}
