import DesmText

/// The joint grid of a system's tuned parameters: the cartesian product of one list of
/// values per parameter (α, γ, topical words and weight, β). Points are numbered in
/// mixed radix, the last parameter varying fastest.
public struct ParameterGrid: Sendable, Equatable {
    public struct Dimension: Sendable, Equatable {
        /// The parameter's name in configs, reports and the JSON (`alpha`, `gamma`, …).
        public var name: String
        /// Ascending, without repeats.
        public var values: [Double]

        public init(name: String, values: [Double]) {
            self.name = name
            var seen = Set<Double>()
            self.values = values.sorted().filter { seen.insert($0).inserted }
        }
    }

    public var dimensions: [Dimension]

    public init(_ dimensions: [Dimension]) { self.dimensions = dimensions }

    /// Points in the grid (1 when nothing is tuned: the empty point).
    public var count: Int { dimensions.reduce(1) { $0 * $1.values.count } }
    public var isEmpty: Bool { dimensions.isEmpty }
    public var names: [String] { dimensions.map(\.name) }

    /// The value indexes of point `i`, one per dimension.
    public func indexes(_ i: Int) -> [Int] {
        var rest = i
        var out = [Int](repeating: 0, count: dimensions.count)
        for d in dimensions.indices.reversed() {
            let n = dimensions[d].values.count
            out[d] = rest % n
            rest /= n
        }
        return out
    }

    /// The values of point `i`, one per dimension.
    public func point(_ i: Int) -> [Double] {
        zip(dimensions, indexes(i)).map { $0.values[$1] }
    }

    /// Point `i` as name → value.
    public func parameters(_ i: Int) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: zip(names, point(i)))
    }

    /// How far point `i` is from the grid's middle: per dimension, the distance of its value's
    /// position from the middle position, as a fraction of the half-width; summed. For α over
    /// 0, 0.1, …, 1 this prefers the α closest to 0.5.
    public func distanceFromMiddle(_ i: Int) -> Double {
        zip(dimensions, indexes(i)).reduce(0) { sum, pair in
            let half = Double(pair.0.values.count - 1) / 2
            return half > 0 ? sum + abs(Double(pair.1) - half) / half : sum
        }
    }

    /// The best point for `scores` (one per point, higher is better). Scores within 1e-12 of
    /// the best tie; among ties the point nearest the grid's middle wins (the least extreme
    /// setting), then the lowest-numbered point.
    public func best(_ scores: [Double]) -> Int {
        precondition(scores.count == count && count > 0, "one score per grid point")
        let top = scores.max()!
        var chosen = -1
        for i in scores.indices where scores[i] >= top - 1e-12 {
            if chosen < 0 || distanceFromMiddle(i) < distanceFromMiddle(chosen) - 1e-12 { chosen = i }
        }
        return chosen
    }

    /// The mean of `values` over `topics` (topics absent from `values`, i.e. not evaluated,
    /// are left out, as trec_eval's mean leaves them out); nil when none is present.
    public static func mean(_ values: [String: Double], over topics: [String]) -> Double? {
        var sum = 0.0, n = 0
        for t in topics { if let v = values[t] { sum += v; n += 1 } }
        return n > 0 ? sum / Double(n) : nil
    }

    // MARK: Cross-validation

    /// `k` folds over `topics`: sorted by id in byte order, the i-th goes to fold i mod k.
    public static func folds(_ topics: [String], k: Int) -> [[String]] {
        precondition(k >= 1)
        var out = [[String]](repeating: [], count: k)
        for (i, t) in topics.sorted(by: byteOrderLess).enumerated() { out[i % k].append(t) }
        return out
    }

    /// One fold's choice: the point chosen on the *other* folds' topics, its mean there, and
    /// its mean on the fold's own (held-out) topics.
    public struct FoldChoice: Sendable, Equatable {
        public var fold: Int
        public var topics: [String]
        public var point: Int
        public var trainingScore: Double
        public var heldOutScore: Double?
    }

    /// k-fold cross-validation: for each fold, the best point by the mean of `perTopic[point]`
    /// over the topics of all the other folds (the fold's own topics are never looked at for
    /// the choice), and that point's mean on the fold.
    public func crossValidate(perTopic: [[String: Double]], folds: [[String]]) -> [FoldChoice] {
        precondition(perTopic.count == count)
        return folds.enumerated().map { f, held in
            let training = folds.enumerated().filter { $0.offset != f }.flatMap(\.element)
            let scores = perTopic.map { ParameterGrid.mean($0, over: training) ?? -.infinity }
            let p = best(scores)
            return FoldChoice(fold: f, topics: held, point: p, trainingScore: scores[p],
                              heldOutScore: ParameterGrid.mean(perTopic[p], over: held))
        }
    }
}

/// How a system's tuned parameters were chosen, for the report and the JSON.
public struct TuningOutcome: Sendable {
    public enum Method: Sendable, Equatable {
        /// On the config's tuning topics; the choice ranks the test topics.
        case tuningTopics
        /// k-fold cross-validation over the test topics.
        case crossValidation(folds: Int)
    }

    public var grid: ParameterGrid
    public var method: Method
    /// Mean NDCG@10 per grid point: on the tuning topics, or (cross-validation) on all test
    /// topics, shown for reference only and never used for a choice.
    public var means: [Double]
    /// The chosen point (tuning topics).
    public var chosen: Int?
    /// Cross-validation: each fold's choice.
    public var folds: [ParameterGrid.FoldChoice]
    /// NDCG@10 per topic at each grid point, on the topics the means are over (what the
    /// per-collection recommendation chooses from, `SystemChoice`).
    public var perTopic: [[String: Double]]

    /// Cross-validation: the point chosen on all the test topics, the same rule as each
    /// fold's (for new queries; its score on these topics is not an honest estimate).
    public var chosenOnAllTopics: Int { chosen ?? grid.best(means) }

    /// Point `i` as `alpha 0.3, beta 0.2`.
    public func describe(_ i: Int) -> String { ExperimentRunner.describe(grid.parameters(i)) }

    /// The choice on the tuning topics as `alpha 0.3, beta 0.2`.
    public func describeChoice() -> String { chosen.map(describe) ?? "" }

    /// The chosen point's NDCG@10 on the tuning topics.
    public var tuningNDCG10: Double? { chosen.map { means[$0] } }

    /// The chosen values: one number per parameter, or (cross-validation) one list per
    /// parameter with each fold's value, fold 0 first.
    public var chosenParameters: [String: Any] {
        if let chosen { return grid.parameters(chosen) }
        var out: [String: Any] = [:]
        for (d, name) in grid.names.enumerated() { out[name] = folds.map { grid.point($0.point)[d] } }
        return out
    }
}

/// A parameter value for reports and logs: `10`, `0.3`, `0.25` (at most 4 decimals).
public func formatParameter(_ x: Double) -> String {
    var s = String(format: "%.4f", x)
    while s.hasSuffix("0") { s.removeLast() }
    if s.hasSuffix(".") { s.removeLast() }
    return s
}
