import DesmText
#if canImport(Glibc)
import Glibc
#endif

/// A training corpus held in memory as word ids, compactly: each token is a variable-length
/// integer (7 bits per byte, high bit = more bytes follow) of `id + 1`, and a single 0 byte
/// ends a sentence. Frequent words (small ids) take one byte, so text8 needs ~1.6 bytes per
/// token instead of 4. A token ends at a byte below 0x80, so any byte range can be cut at a
/// token boundary (what the threads do).
public final class TrainingCorpus: @unchecked Sendable {
    public internal(set) var bytes: [UInt8]
    /// In-vocabulary tokens (what training counts as words).
    public let tokenCount: Int
    public let sentenceCount: Int

    init(bytes: [UInt8], tokenCount: Int, sentenceCount: Int) {
        self.bytes = bytes
        self.tokenCount = tokenCount
        self.sentenceCount = sentenceCount
    }

    /// Decodes every item: `body(id)` for a token, `body(nil)` for a sentence end.
    public func forEach(_ body: (Int?) -> Void) {
        bytes.withUnsafeBufferPointer { b in
            var i = 0
            while i < b.count {
                let v = readVarint(b.baseAddress!, at: &i)
                body(v == 0 ? nil : Int(v - 1))
            }
        }
    }

    /// Splits the bytes into `parts` ranges that start and end at token boundaries.
    func split(_ parts: Int) -> [Range<Int>] {
        let n = bytes.count
        var cuts = [0]
        for p in 1..<max(parts, 1) {
            var c = n * p / parts
            // Move forward to just after a byte < 0x80 (the end of a token).
            while c > 0 && c < n && bytes[c - 1] >= 0x80 { c += 1 }
            cuts.append(max(c, cuts.last!))
        }
        cuts.append(n)
        return (0..<max(parts, 1)).map { cuts[$0]..<cuts[$0 + 1] }
    }
}

/// Reads tokens once, counting words and keeping a temporary id stream, then builds the
/// vocabulary (min-count, sorted by count) and the final `TrainingCorpus`.
public final class CorpusBuilder {
    private var lookup: [String: UInt32] = [:]
    private var rawWords: [String] = []
    private var rawCounts: [Int64] = []
    /// The temporary id stream, in 1 MiB chunks so that growing it never copies (peak
    /// memory stays near the stream's size).
    private var chunks: [[UInt8]] = []
    private var current: [UInt8] = []
    private static let chunkSize = 1 << 20

    /// Appends one item (`id + 1`, or 0 for a sentence end) as a varint; chunks hold whole
    /// varints (a new chunk starts once the current one has reached `chunkSize`).
    @inline(__always)
    private func put(_ value: UInt32) {
        if current.count >= CorpusBuilder.chunkSize {
            chunks.append(current)
            current = []
            current.reserveCapacity(CorpusBuilder.chunkSize + 5)
        }
        appendVarint(&current, value)
    }
    private var tokensOnLine = 0
    public private(set) var tokens = 0
    /// Sentences longer than this are cut (gensim's limit).
    public let maxSentenceLength: Int

    public init(maxSentenceLength: Int = 10_000) {
        self.maxSentenceLength = maxSentenceLength
    }

    public func add(token: String) {
        let id: UInt32
        if let existing = lookup[token] {
            id = existing
            rawCounts[Int(id)] += 1
        } else {
            id = UInt32(rawWords.count)
            lookup[token] = id
            rawWords.append(token)
            rawCounts.append(1)
        }
        put(id + 1)
        tokens += 1
        tokensOnLine += 1
        if tokensOnLine >= maxSentenceLength { endSentence() }
    }

    public func endSentence() {
        if tokensOnLine > 0 { put(0); sentenceEnds += 1 }
        tokensOnLine = 0
    }
    /// Sentence ends written to the temporary stream (an upper bound on those kept).
    private var sentenceEnds = 0

    /// Reads a plain or gzip text corpus (one sentence per line) through the analyzer.
    public func addCorpus(path: String, analyzer: Analyzer, progress: ProgressReporter = .silent) throws {
        let tokensStream = try CorpusTokenStream(path: path, analyzer: analyzer)
        let total = tokensStream.fileSize.map(Double.init)
        var n = 0
        while let item = try tokensStream.next() {
            switch item {
            case .token(let t): add(token: t)
            case .sentenceEnd: endSentence()
            }
            n += 1
            if n & 0xFFFF == 0 {
                progress.update(done: Double(tokensStream.fileOffset), total: total, extra: "\(formatCount(Double(tokens))) words")
                try Interrupt.check("reading the corpus")
            }
        }
        endSentence()
    }

    /// Reads a document collection (any format CollectionReader supports); each document's
    /// analysed tokens are one sentence. Progress counts documents, with the fraction of the
    /// collection's bytes read for the percentage and ETA.
    public func addCollection(path: String, analyzer: Analyzer, progress: ProgressReporter = .silent) throws {
        let reader = try CollectionReader(path: path)
        while let doc = try reader.next() {
            analyzer.forEachToken(doc.fullText) { add(token: $0) }
            endSentence()
            if reader.count & 0x3FF == 0 {
                progress.setFraction(reader.fractionDone)
                progress.update(done: Double(reader.count), total: nil, extra: "\(formatCount(Double(tokens))) words")
                try Interrupt.check("reading the collection")
            }
        }
    }

    /// Builds a fresh vocabulary (words with count ≥ minCount) and the encoded corpus.
    /// With `extending`, the existing words keep their ids (their counts grow by the new
    /// counts) and new words reaching `minCount` are appended, most frequent first.
    public func finish(minCount: Int64, extending base: Vocabulary? = nil, source: String) throws
        -> (Vocabulary, TrainingCorpus) {
        guard tokens > 0 else {
            throw DesmError("the corpus has no tokens (empty, or nothing the analyzer keeps)", path: source)
        }
        let vocab: Vocabulary
        var map: [Int32]
        if let base {
            vocab = Vocabulary(words: base.words, counts: base.counts)
            map = [Int32](repeating: -1, count: rawWords.count)
            var newWords = [String](), newCounts = [Int64](), newIndex = [Int]()
            for i in 0..<rawWords.count {
                if let id = vocab.id(rawWords[i]) {
                    vocab.add(rawWords[i], count: rawCounts[i])
                    map[i] = Int32(id)
                } else if rawCounts[i] >= minCount {
                    newWords.append(rawWords[i]); newCounts.append(rawCounts[i]); newIndex.append(i)
                }
            }
            let (sortedNew, newMap) = Vocabulary.fromCounts(words: newWords, counts: newCounts, minCount: minCount)
            var rawOfNew = [Int](repeating: 0, count: sortedNew.count)
            for (j, i) in newIndex.enumerated() where newMap[j] >= 0 { rawOfNew[Int(newMap[j])] = i }
            for nid in 0..<sortedNew.count {
                map[rawOfNew[nid]] = Int32(vocab.add(sortedNew.words[nid], count: sortedNew.counts[nid]))
            }
        } else {
            (vocab, map) = Vocabulary.fromCounts(words: rawWords, counts: rawCounts, minCount: minCount)
        }
        guard vocab.count > 0 else {
            let best = rawCounts.max() ?? 0
            throw DesmError("no word occurs at least \(minCount) times (min-count); the most frequent occurs \(best) times",
                            path: source)
        }
        // Re-encode the stream with the final ids, dropping out-of-vocabulary tokens, into
        // one buffer of exactly the final size; each temporary chunk is freed once read.
        var exact = sentenceEnds
        for i in 0..<rawWords.count where map[i] >= 0 { exact += Int(rawCounts[i]) * varintSize(UInt32(map[i]) + 1) }
        chunks.append(current)
        current = []
        lookup = [:]
        var out = [UInt8](); out.reserveCapacity(exact)
        var kept = 0, sentences = 0, onLine = 0
        for c in 0..<chunks.count {
            chunks[c].withUnsafeBufferPointer { chunk in
                var p = 0
                while p < chunk.count {
                    let v = readVarint(chunk.baseAddress!, at: &p)
                    if v == 0 {
                        if onLine > 0 { out.append(0); sentences += 1; onLine = 0 }
                    } else {
                        let nid = map[Int(v - 1)]
                        if nid >= 0 { appendVarint(&out, UInt32(nid) + 1); kept += 1; onLine += 1 }
                    }
                }
            }
            chunks[c] = []
        }
        chunks = []
        rawWords = []
        rawCounts = []
        releaseFreedMemory()
        guard kept > 0 else {
            throw DesmError("no token of the corpus is in the vocabulary", path: source)
        }
        return (vocab, TrainingCorpus(bytes: out, tokenCount: kept, sentenceCount: sentences))
    }
}


/// Hands memory freed by the corpus pass back to the system (glibc keeps freed heap pages
/// otherwise, and the matrices are allocated right after).
func releaseFreedMemory() {
    #if canImport(Glibc)
    typealias Trim = @convention(c) (Int) -> Int32
    if let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {
        _ = unsafeBitCast(sym, to: Trim.self)(0)
    }
    #endif
}
