import DesmText

/// Words with their corpus counts, sorted by count descending (ties by first occurrence),
/// and a word → id lookup.
public final class Vocabulary: @unchecked Sendable {
    public private(set) var words: [String]
    public private(set) var counts: [Int64]
    private var ids: [String: Int32]

    public init(words: [String], counts: [Int64]) {
        precondition(words.count == counts.count)
        self.words = words
        self.counts = counts
        var ids = [String: Int32](minimumCapacity: words.count)
        for (i, w) in words.enumerated() { ids[w] = Int32(i) }
        self.ids = ids
    }

    public var count: Int { words.count }

    public func id(_ word: String) -> Int? { ids[word].map(Int.init) }

    /// Sum of all counts.
    public var totalCount: Int64 { counts.reduce(0, +) }

    /// Appends a word (used when training resumes on a new corpus); returns its id, or the
    /// existing id (with `count` added) when the word is already present.
    @discardableResult
    public func add(_ word: String, count: Int64) -> Int {
        if let i = ids[word] {
            counts[Int(i)] += count
            return Int(i)
        }
        ids[word] = Int32(words.count)
        words.append(word)
        counts.append(count)
        return words.count - 1
    }

    /// Builds a vocabulary from raw counts: words below `minCount` are dropped, the rest are
    /// sorted by count descending, ties in the order given (first occurrence). Returns the
    /// vocabulary and, for every input index, its new id or -1 when dropped.
    public static func fromCounts(words: [String], counts: [Int64], minCount: Int64)
        -> (Vocabulary, [Int32]) {
        var kept = [Int](); kept.reserveCapacity(words.count)
        for i in 0..<words.count where counts[i] >= minCount { kept.append(i) }
        // Stable sort: ties keep their first-occurrence order.
        kept = kept.enumerated().sorted { a, b in
            counts[a.element] != counts[b.element] ? counts[a.element] > counts[b.element] : a.offset < b.offset
        }.map { $0.element }
        var map = [Int32](repeating: -1, count: words.count)
        var w = [String](); w.reserveCapacity(kept.count)
        var c = [Int64](); c.reserveCapacity(kept.count)
        for (newId, old) in kept.enumerated() {
            map[old] = Int32(newId)
            w.append(words[old])
            c.append(counts[old])
        }
        return (Vocabulary(words: w, counts: c), map)
    }
}
