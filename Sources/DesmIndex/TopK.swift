/// One ranked document: its number in the index (0-based, collection order) and its score.
public struct ScoredDocument: Equatable, Sendable {
    public var doc: Int
    public var score: Double

    public init(doc: Int, score: Double) {
        self.doc = doc
        self.score = score
    }
}

/// The k best (score, doc) pairs seen so far: a bounded min-heap whose root is the worst
/// kept entry. Ties on score keep the lower document number (collection order), so the
/// result never depends on the order in which documents were offered.
public struct TopK {
    public let k: Int
    private var scores: [Float]
    private var docs: [Int32]
    public private(set) var count = 0

    /// Storage grows as entries arrive, so a huge `k` (a run depth far beyond the collection)
    /// costs only what is actually kept.
    public init(k: Int) {
        self.k = max(k, 0)
        scores = []; scores.reserveCapacity(min(self.k, 1 << 12))
        docs = []; docs.reserveCapacity(min(self.k, 1 << 12))
    }

    /// The score a new entry must beat to be kept (−∞ until the heap is full).
    @inline(__always)
    public var threshold: Float { count < k ? -.infinity : scores[0] }

    /// a is worse than b: lower score, or equal score and higher document number.
    @inline(__always)
    private static func worse(_ sa: Float, _ da: Int32, _ sb: Float, _ db: Int32) -> Bool {
        sa < sb || (sa == sb && da > db)
    }

    @inline(__always)
    public mutating func offer(_ score: Float, _ doc: Int) {
        guard k > 0, !score.isNaN else { return }
        let d = Int32(truncatingIfNeeded: doc)
        if count < k {
            var i = count
            count += 1
            scores.append(score); docs.append(d)
            while i > 0 {
                let p = (i - 1) / 2
                if TopK.worse(scores[i], docs[i], scores[p], docs[p]) {
                    scores.swapAt(i, p); docs.swapAt(i, p); i = p
                } else { break }
            }
        } else if TopK.worse(scores[0], docs[0], score, d) {
            scores[0] = score; docs[0] = d
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < k && TopK.worse(scores[l], docs[l], scores[m], docs[m]) { m = l }
                if r < k && TopK.worse(scores[r], docs[r], scores[m], docs[m]) { m = r }
                if m == i { break }
                scores.swapAt(i, m); docs.swapAt(i, m); i = m
            }
        }
    }

    /// Adds every entry of another heap.
    public mutating func merge(_ other: TopK) {
        for i in 0..<other.count { offer(other.scores[i], Int(other.docs[i])) }
    }

    /// The kept entries, best first (score descending, then document number ascending).
    public func sorted() -> [ScoredDocument] {
        var out: [ScoredDocument] = []
        out.reserveCapacity(count)
        for i in 0..<count { out.append(ScoredDocument(doc: Int(docs[i]), score: Double(scores[i]))) }
        out.sort { $0.score > $1.score || ($0.score == $1.score && $0.doc < $1.doc) }
        return out
    }
}
