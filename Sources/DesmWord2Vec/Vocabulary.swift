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
}
