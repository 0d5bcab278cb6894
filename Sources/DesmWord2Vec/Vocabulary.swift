import DesmText

/// Words with their corpus counts, sorted by count descending (ties by first occurrence),
/// and a word → id lookup.
public final class Vocabulary: @unchecked Sendable {
    public private(set) var words: [String]
    public private(set) var counts: [Int64]
    /// Open-addressing hash index: slot → word id + 1 (0 = empty). Cheaper to build than a
    /// Dictionary, which matters when a million-word model is opened. Words that occur twice
    /// in `words` keep the first id.
    private var slots: [Int32] = []
    private var mask = 0

    public init(words: [String], counts: [Int64]) {
        precondition(words.count == counts.count)
        self.words = words
        self.counts = counts
        rebuildIndex()
    }

    public var count: Int { words.count }

    /// Distinct words (equals `count` unless the input repeated a word).
    public private(set) var distinctCount = 0

    public func id(_ word: String) -> Int? {
        var i = Vocabulary.hash(word) & mask
        while true {
            let s = slots[i]
            if s == 0 { return nil }
            if words[Int(s) - 1] == word { return Int(s) - 1 }
            i = (i + 1) & mask
        }
    }

    @inline(__always)
    static func hash(_ word: String) -> Int {
        var w = word
        return w.withUTF8 { b -> Int in
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for x in b { h = (h ^ UInt64(x)) &* 0x100_0000_01b3 }
            h ^= h >> 29
            h = h &* 0xbf58_476d_1ce4_e5b9
            h ^= h >> 32
            return Int(truncatingIfNeeded: h)
        }
    }

    private func rebuildIndex() {
        var cap = 16
        while cap < words.count * 2 { cap <<= 1 }
        slots = [Int32](repeating: 0, count: cap)
        mask = cap - 1
        distinctCount = 0
        for i in 0..<words.count { insert(i) }
    }

    /// Inserts word `i` unless present; returns the id it ends up with.
    @discardableResult
    private func insert(_ i: Int) -> Int {
        let word = words[i]
        var j = Vocabulary.hash(word) & mask
        while true {
            let s = slots[j]
            if s == 0 { slots[j] = Int32(i + 1); distinctCount += 1; return i }
            if words[Int(s) - 1] == word { return Int(s) - 1 }
            j = (j + 1) & mask
        }
    }

    /// Sum of all counts.
    public var totalCount: Int64 { counts.reduce(0, +) }

    /// Appends a word (used when training resumes on a new corpus); returns its id, or the
    /// existing id (with `count` added) when the word is already present.
    @discardableResult
    public func add(_ word: String, count: Int64) -> Int {
        if let i = id(word) {
            counts[i] += count
            return i
        }
        words.append(word)
        counts.append(count)
        if words.count * 2 > slots.count { rebuildIndex() } else { insert(words.count - 1) }
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
