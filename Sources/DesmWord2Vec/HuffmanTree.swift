/// The Huffman tree of hierarchical softmax, built from word counts exactly as the original
/// word2vec does (two-queue merge over the counts sorted descending). Word `w` has a code of
/// `length(w)` bits and as many points: the inner nodes on its path from the root, each the
/// index (0 ..< V-1) of a row of syn1. Stored flat: code and points of word `w` start at
/// `start[w]`.
public struct HuffmanTree: Sendable {
    public let wordCount: Int
    /// Offsets into `codes`/`points`, `wordCount + 1` entries.
    public let start: [Int32]
    /// Bits, 0 or 1, root first.
    public let codes: [UInt8]
    /// Inner-node indices, root first (the root is V-2).
    public let points: [Int32]

    /// `counts` in any order: the leaves are merged in descending count order (ties by word
    /// id), which is the identity for a fresh vocabulary; a vocabulary extended by `--resume`
    /// keeps old ids whose counts grew, so it need not be sorted.
    public init(counts: [Int64]) {
        let v = counts.count
        wordCount = v
        if v < 2 {
            // One word: a single node with an empty code path (nothing to learn).
            start = [Int32](repeating: 0, count: v + 1)
            codes = []
            points = []
            return
        }
        let sorted = zip(counts, counts.dropFirst()).allSatisfy { $0 >= $1 }
        let order = sorted ? Array(0..<v)
            : counts.indices.sorted { counts[$0] > counts[$1] || (counts[$0] == counts[$1] && $0 < $1) }
        var leaf = [Int](repeating: 0, count: v)   // word id → leaf position
        for (position, w) in order.enumerated() { leaf[w] = position }
        var count = [Int64](repeating: Int64.max / 4, count: 2 * v)
        for i in 0..<v { count[i] = counts[order[i]] }
        var binary = [UInt8](repeating: 0, count: 2 * v)
        var parent = [Int](repeating: 0, count: 2 * v)
        var pos1 = v - 1
        var pos2 = v
        for a in 0..<(v - 1) {
            var min1: Int, min2: Int
            if pos1 >= 0 && count[pos1] < count[pos2] { min1 = pos1; pos1 -= 1 } else { min1 = pos2; pos2 += 1 }
            if pos1 >= 0 && count[pos1] < count[pos2] { min2 = pos1; pos1 -= 1 } else { min2 = pos2; pos2 += 1 }
            count[v + a] = count[min1] + count[min2]
            parent[min1] = v + a
            parent[min2] = v + a
            binary[min2] = 1
        }
        var start = [Int32](); start.reserveCapacity(v + 1)
        var codes = [UInt8](), points = [Int32]()
        var pathCodes = [UInt8](), pathPoints = [Int32]()
        let root = 2 * v - 2
        for w in 0..<v {
            pathCodes.removeAll(keepingCapacity: true)
            pathPoints.removeAll(keepingCapacity: true)
            var b = leaf[w]
            while b != root {
                pathCodes.append(binary[b])
                b = parent[b]
                pathPoints.append(Int32(b - v))
            }
            start.append(Int32(codes.count))
            // Collected leaf-to-root; stored root-to-leaf.
            codes.append(contentsOf: pathCodes.reversed())
            points.append(contentsOf: pathPoints.reversed())
        }
        start.append(Int32(codes.count))
        self.start = start
        self.codes = codes
        self.points = points
    }

    public func length(_ w: Int) -> Int { Int(start[w + 1] - start[w]) }
    public func code(_ w: Int) -> ArraySlice<UInt8> { codes[Int(start[w])..<Int(start[w + 1])] }
    public func path(_ w: Int) -> ArraySlice<Int32> { points[Int(start[w])..<Int(start[w + 1])] }
}
