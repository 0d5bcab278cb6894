import Glibc

/// Memory a job will need, estimated before it allocates, so that a job too big for the
/// machine refuses at once with the estimate instead of being killed by the kernel later.
///
/// ```
/// let need = MemoryEstimate.training(vocabulary: vocab.count, dim: p.dim, corpusBytes: data.bytes.count,
///                                    outputVectors: p.loss == .ns, hierarchicalSoftmax: p.loss == .hs,
///                                    threads: p.threads)
/// printError(try need.check())        // "memory: training needs about 1.2 GB of 20.5 GB available"
/// ```
public struct MemoryEstimate: Sendable, CustomStringConvertible {
    /// What the estimate is for ("training", "indexing").
    public var job: String
    /// Bytes, by part (largest first in the description).
    public var parts: [(name: String, bytes: Int)]

    public init(job: String, parts: [(name: String, bytes: Int)]) {
        self.job = job
        self.parts = parts
    }

    /// The total, saturating instead of overflowing.
    public var bytes: Int {
        parts.reduce(0) { sum, p in
            let (s, o) = sum.addingReportingOverflow(max(p.bytes, 0))
            return o ? Int.max : s
        }
    }

    public var description: String {
        let detail = parts.filter { $0.bytes > 0 }.sorted { $0.bytes > $1.bytes }
            .map { "\($0.name) \(formatBytes($0.bytes))" }.joined(separator: ", ")
        return "\(job) needs about \(formatBytes(bytes)) (\(detail))"
    }

    /// Compares the estimate with the memory available now. Returns a one-line report for
    /// the user; throws a DesmError with the estimate when it does not fit (`headroom` is
    /// the fraction of available memory the job may take).
    @discardableResult
    public func check(available: Int? = MemoryEstimate.availableBytes(), headroom: Double = 0.9) throws -> String {
        guard let available else { return "memory: \(self) (available memory unknown)" }
        let limit = Int(Double(available) * headroom)
        if bytes > limit {
            throw DesmError("not enough memory: \(self), but only \(formatBytes(available)) is available; "
                            + "reduce the vocabulary (--min-count), the dimension, the threads or the input")
        }
        return "memory: \(self) of \(formatBytes(available)) available"
    }

    // MARK: Estimates

    /// Training: W_IN and W_OUT (V × dim float32 each, W_OUT with negative sampling), syn1
    /// ((V−1) × dim with hierarchical softmax), the vocabulary (~500 bytes per word: the
    /// strings, the hash table, counts, Huffman codes and points — gensim's rule of thumb),
    /// the corpus held as word ids, the noise table (1e8 ints in the C tool; desm samples
    /// from V cumulative weights) and per-thread scratch rows. Writing the model streams the
    /// matrices, so the file adds only its vocabulary section (~24 bytes per word).
    public static func training(vocabulary v: Int, dim: Int, corpusBytes: Int, outputVectors: Bool = true,
                                hierarchicalSoftmax: Bool = false, threads: Int = 1,
                                pretrainedVectors: Int = 0) -> MemoryEstimate {
        let matrix = mul(v, dim, 4)
        return MemoryEstimate(job: "training", parts: [
            ("W_IN", matrix),
            ("W_OUT", outputVectors ? matrix : 0),
            ("syn1", hierarchicalSoftmax ? mul(max(v - 1, 0), dim, 4) : 0),
            ("vocabulary", mul(v, 524, 1)),
            ("noise table", outputVectors ? mul(v, 8, 1) : 0),
            ("corpus", corpusBytes),
            ("pretrained vectors", add(mul(pretrainedVectors, dim, 4), mul(pretrainedVectors, 80, 1))),
            ("threads", mul(max(threads, 1), add(mul(dim, 4 * 64, 1), 1 << 20), 1)),
        ])
    }

    /// The text size of a collection (file or directory) for `indexing`: plain files count
    /// their size, gzip files 4× their compressed size.
    public static func collectionTextBytes(_ path: String) throws -> Int {
        var total = 0
        for file in try listCollectionFiles(path) {
            let source = try openByteSource(file)
            let size = source.fileSize ?? 0
            total += source is GzipSource ? size * 4 : size
        }
        return total
    }

    /// Indexing: unit copies of W_IN and W_OUT (V × dim float32 each), the in-memory postings
    /// (~3 bytes per distinct (document, term) pair; a collection has at most one per ~6 bytes
    /// of text, so ~0.5 byte per byte of text), the term dictionary (~100 bytes per term),
    /// 8 bytes per document, `threads + 2` batches of `batchSize` documents in flight
    /// (~4× their text for the analysed form), and at the end, beside the postings, the forward
    /// index's buffer (about the postings' size: its varint pairs code term-id instead of
    /// document deltas) plus 12 bytes per document (its offsets and each document's previous
    /// term). The batches are gone by then, so the sum is a slight overestimate.
    /// `collectionBytes` is the size of the text: for gzip files pass the compressed size × 4
    /// (a typical text ratio).
    public static func indexing(modelVocabulary v: Int, dim: Int, collectionBytes: Int, documents: Int? = nil,
                                distinctTerms: Int? = nil, threads: Int = 2, batchSize: Int = 512,
                                averageDocumentBytes: Int = 2000) -> MemoryEstimate {
        let docs = documents ?? max(collectionBytes / max(averageDocumentBytes, 1), 1)
        let terms = distinctTerms ?? min(max(collectionBytes / 50, 1000), 20_000_000)
        return MemoryEstimate(job: "indexing", parts: [
            ("unit IN/OUT vectors", mul(v, dim, 8)),
            ("postings", collectionBytes / 2),
            ("forward index", add(collectionBytes / 2, mul(docs, 12, 1))),
            ("terms", mul(terms, 100, 1)),
            ("documents", mul(docs, 8, 1)),
            ("batches", mul(add(max(threads, 1), 2), batchSize, mul(4, averageDocumentBytes, 1))),
        ])
    }

    // MARK: The machine

    /// MemAvailable from /proc/meminfo (Linux), lowered to the cgroup's limit when a
    /// memory cgroup is tighter; nil when neither can be read.
    public static func availableBytes(meminfo: String = "/proc/meminfo",
                                      cgroupLimit: String = "/sys/fs/cgroup/memory.max",
                                      cgroupUsage: String = "/sys/fs/cgroup/memory.current") -> Int? {
        var available: Int? = nil
        if let text = readSmallFile(meminfo) {
            available = parseMemAvailable(text)
        }
        if let limitText = readSmallFile(cgroupLimit)?.trimmingCharacters(in: " \n"), let limit = Int(limitText),
           let usageText = readSmallFile(cgroupUsage)?.trimmingCharacters(in: " \n"), let usage = Int(usageText) {
            let room = max(limit - usage, 0)
            available = min(available ?? room, room)
        }
        return available
    }

    /// The MemAvailable line of /proc/meminfo, in bytes.
    public static func parseMemAvailable(_ meminfo: String) -> Int? {
        for line in meminfo.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, let kb = Int(fields[1]) else { return nil }
            let unit = fields.count >= 3 ? fields[2].lowercased() : "kb"
            return unit == "kb" ? mul(kb, 1024, 1) : kb
        }
        return nil
    }
}

/// a + b, saturating at Int.max.
private func add(_ a: Int, _ b: Int) -> Int {
    let (s, o) = a.addingReportingOverflow(b)
    return o ? Int.max : s
}

/// a × b × c, saturating at Int.max.
private func mul(_ a: Int, _ b: Int, _ c: Int) -> Int {
    let (ab, o1) = max(a, 0).multipliedReportingOverflow(by: max(b, 0))
    if o1 { return Int.max }
    let (abc, o2) = ab.multipliedReportingOverflow(by: max(c, 0))
    return o2 ? Int.max : abc
}

/// "1.2 GB", "340 MB", "12 KB", "512 B".
public func formatBytes(_ n: Int) -> String {
    let units: [(String, Double)] = [("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3)]
    for (name, size) in units where Double(n) >= size {
        let x = Double(n) / size
        let r = x >= 100 ? x.rounded() : (x * 10).rounded() / 10
        let text = r == r.rounded() ? String(Int(r)) : String(r)
        return "\(text) \(name)"
    }
    return "\(n) B"
}

/// A small system file (/proc, cgroup) as text, or nil when it cannot be read.
private func readSmallFile(_ path: String) -> String? {
    (try? readAllBytes(path, limit: 1 << 20, what: "a system file", plain: true)).map { String(decoding: $0, as: UTF8.self) }
}

private extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
