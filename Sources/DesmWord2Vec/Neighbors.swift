import DesmText

/// Which spaces a neighbour query pairs: the query word's row comes from the first, the
/// candidates from the second. IN-IN neighbours are "typical" (same type: yale → harvard),
/// IN-OUT neighbours "topical" (yale → faculty, alumni).
public enum NeighborSpace: String, CaseIterable, Sendable {
    case inIn = "in-in"
    case inOut = "in-out"
    case outOut = "out-out"

    public var query: EmbeddingSpace { self == .outOut ? .output : .input }
    public var candidates: EmbeddingSpace { self == .inIn ? .input : .output }
}

public struct Neighbor: Equatable, Sendable {
    public var id: Int
    public var word: String
    public var cosine: Float
}

/// The vector each space's rows are centred on (`desm neighbors --center`: the count-weighted
/// means that `desm index --center` subtracts, `WordCentring` in DesmIndex), in double.
public struct SpaceMeans: Sendable {
    public var input: [Double]
    public var output: [Double]?

    public init(input: [Double], output: [Double]?) {
        self.input = input
        self.output = output
    }

    public func mean(of space: EmbeddingSpace) -> [Double]? { space == .input ? input : output }
}

extension EmbeddingModel {
    /// The `k` words whose candidate-space rows have the highest cosine with `word`'s
    /// query-space row (the word itself excluded). Unknown words are an error. With `means`,
    /// each row has its space's mean subtracted first (mean-centred cosines), and rows of norm
    /// 0 (never trained) are skipped, as the index skips them.
    public func neighbors(of word: String, space: NeighborSpace, k: Int, means: SpaceMeans? = nil) throws -> [Neighbor] {
        guard let id = vocabulary.id(word) else {
            throw DesmError("the word \"\(word)\" is not in the model's vocabulary (\(vocabulary.count) words; did the analyzer change it? queries are lowercased)")
        }
        let c = try matrix(space.candidates)
        let k = max(0, min(k, vocabulary.count - 1))
        guard k > 0 else { return [] }
        let muQuery = means?.mean(of: space.query), muCandidate = means?.mean(of: space.candidates)
        var q = rowVector(try matrix(space.query), id, minus: muQuery)
        var r = [Float](repeating: 0, count: dim)
        var heap = [(Float, Int)]()   // kept sorted descending, at most k
        q.withUnsafeMutableBufferPointer { qb in
            r.withUnsafeMutableBufferPointer { rb in
                let q = qb.baseAddress!
                let qn = dot(q, q, dim).squareRoot()
                for w in 0..<vocabulary.count where w != id {
                    var row = UnsafePointer(c.base + w * dim)
                    if let mu = muCandidate {
                        guard dot(row, row, dim) > 0 else { continue }
                        for j in 0..<dim { rb[j] = Float(Double(row[j]) - mu[j]) }
                        row = UnsafePointer(rb.baseAddress!)
                    }
                    let n = dot(row, row, dim).squareRoot()
                    let cos = n > 0 && qn > 0 ? dot(q, row, dim) / (n * qn) : 0
                    if heap.count < k || cos > heap[heap.count - 1].0 {
                        var i = heap.count
                        while i > 0 && heap[i - 1].0 < cos { i -= 1 }
                        heap.insert((cos, w), at: i)
                        if heap.count > k { heap.removeLast() }
                    }
                }
            }
        }
        return heap.map { Neighbor(id: $0.1, word: vocabulary.words[$0.1], cosine: $0.0) }
    }

    /// Row `id` of `matrix`, minus `mean` when given.
    public func rowVector(_ matrix: FloatMatrix, _ id: Int, minus mean: [Double]? = nil) -> [Float] {
        let row = matrix.row(id)
        guard let mean else { return Array(row) }
        return (0..<dim).map { Float(Double(row[$0]) - mean[$0]) }
    }
}

/// The plane of a neighbour plot: each group of points (the IN vectors, the OUT vectors)
/// centred on its own mean, then the top two principal components of all of them together
/// (`principalPlane`). In word2vec, IN and OUT vectors point in nearly opposite directions on
/// average: uncentred, that offset is the first principal component and the plot shows two
/// clusters, IN and OUT, instead of the neighbourhoods. Returns each group's 2-D coordinates.
public func groupCentredPlane(_ groups: [[[Float]]]) -> [[(Double, Double)]] {
    let centred = groups.map { points -> [[Float]] in
        guard let d = points.first?.count else { return points }
        var mean = [Double](repeating: 0, count: d)
        for p in points { for i in 0..<d { mean[i] += Double(p[i]) / Double(points.count) } }
        return points.map { p in (0..<d).map { Float(Double(p[$0]) - mean[$0]) } }
    }
    var plane = principalPlane(centred.flatMap { $0 })[...]
    return centred.map { group in
        defer { plane = plane.dropFirst(group.count) }
        return Array(plane.prefix(group.count))
    }
}

/// The top two principal components of `points` (rows, equal length): returns each point's
/// 2-D coordinates. Power iteration on the covariance, deterministic.
public func principalPlane(_ points: [[Float]]) -> [(Double, Double)] {
    guard let d = points.first?.count, points.count >= 2, d >= 1 else { return points.map { _ in (0, 0) } }
    let n = Double(points.count)
    var mean = [Double](repeating: 0, count: d)
    for p in points { for i in 0..<d { mean[i] += Double(p[i]) / n } }
    let centred = points.map { p in (0..<d).map { Double(p[$0]) - mean[$0] } }
    func covTimes(_ v: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: d)
        for x in centred {
            var s = 0.0
            for i in 0..<d { s += x[i] * v[i] }
            for i in 0..<d { out[i] += s * x[i] }
        }
        return out
    }
    func normalise(_ v: [Double]) -> [Double] {
        let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return n > 0 ? v.map { $0 / n } : v
    }
    var comps = [[Double]]()
    for c in 0..<2 {
        var v = normalise((0..<d).map { Double(($0 * 7 + c * 3) % 11) - 5 + 0.5 })
        for _ in 0..<200 {
            var w = covTimes(v)
            for prev in comps {
                let s = zip(w, prev).reduce(0) { $0 + $1.0 * $1.1 }
                for i in 0..<d { w[i] -= s * prev[i] }
            }
            v = normalise(w)
        }
        comps.append(v)
    }
    return centred.map { x in
        (zip(x, comps[0]).reduce(0) { $0 + $1.0 * $1.1 }, zip(x, comps[1]).reduce(0) { $0 + $1.0 * $1.1 })
    }
}
