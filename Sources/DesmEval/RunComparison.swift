/// One run compared with the first (baseline) run on one measure, over the topics every
/// run of the comparison has.
public struct MeasureComparison: Sendable {
    public var measure: Measure
    /// The baseline's and this run's means (sums for the counts) over the shared topics.
    public var baselineMean: Double
    public var mean: Double
    /// Topics used by the paired tests: the shared topics.
    public var pairedTopics: Int
    public var tTest: PairedTestResult?
    public var randomization: PairedTestResult?
}

/// Several runs side by side, over the topics they share: each run's means there, and paired
/// tests of each run against the first on every (non-count) measure.
///
/// Runs that cover different topics (one stopped early, one filtered) would otherwise be
/// compared through means over different topic sets, which differ even where the runs agree;
/// so every value of the comparison is taken over `sharedTopics`, and `lackingTopics` says
/// what each run lacks. Each run's own trec_eval summary stays in its `RunEvaluation`.
public struct RunComparison: Sendable {
    public var evaluations: [RunEvaluation]
    public var measures: [Measure]
    /// `comparisons[r][m]` for run r ≥ 1 (index 0 is empty).
    public var comparisons: [[MeasureComparison]]
    public var permutations: Int
    public var seed: UInt64
    public var complete: Bool
    /// Topics every run has, byte-wise ascending: the evaluated topics common to all runs, or
    /// with `complete` (`-c`) every qrels topic (a missing one scoring 0).
    public var sharedTopics: [String]
    /// Topics evaluated in at least one run.
    public var anyTopics: Int
    /// Per run, the topics some other run has and it lacks (left out of the comparison).
    public var lackingTopics: [[String]]
    /// `means[r][m]`: run r's mean of measure m over the shared topics (the sum for counts,
    /// the number of shared topics for `num_q`); its own summary when no run lacks a topic.
    public var means: [[Double]]

    /// Whether some run lacks topics that another has (the comparison then differs from the
    /// runs' own means).
    public var topicsDiffer: Bool { lackingTopics.contains { !$0.isEmpty } }

    /// Compares runs over the topics they share (with `complete`, every qrels topic).
    public init(_ evaluations: [RunEvaluation], complete: Bool, permutations: Int = 10_000, seed: UInt64 = 0x5EED_DE5A) {
        self.evaluations = evaluations
        self.measures = evaluations.first?.measures.filter { $0.kind != .runid } ?? []
        self.permutations = permutations
        self.seed = seed
        self.complete = complete
        let topicSets = evaluations.map { Set($0.topics + (complete ? $0.missingTopics : [])) }
        let any = topicSets.reduce(into: Set<String>()) { $0.formUnion($1) }
        let shared = topicSets.first.map { first in topicSets.dropFirst().reduce(first) { $0.intersection($1) } } ?? []
        sharedTopics = shared.sorted(by: byteOrderLess)
        anyTopics = any.count
        lackingTopics = topicSets.map { any.subtracting($0).sorted(by: byteOrderLess) }
        let differ = lackingTopics.contains { !$0.isEmpty }
        let topics = sharedTopics, measures = self.measures
        let perTopic = evaluations.map { e in measures.map { m in e.perTopic(m, complete: complete) } }
        let means = evaluations.indices.map { r in
            measures.indices.map { mi -> Double in
                let m = measures[mi]
                if !differ { return evaluations[r].summary(m) ?? 0 }
                if m.kind == .numQ { return Double(topics.count) }
                let sum = topics.reduce(0.0) { $0 + perTopic[r][mi][$1]! }
                return m.kind.isCount ? sum : sum / Double(topics.count)
            }
        }
        self.means = means
        var all: [[MeasureComparison]] = [[]]
        for r in evaluations.indices.dropFirst() {
            var row: [MeasureComparison] = []
            for (mi, m) in measures.enumerated() {
                let av = topics.map { perTopic[0][mi][$0]! }, bv = topics.map { perTopic[r][mi][$0]! }
                let tested = !m.kind.isCount
                row.append(MeasureComparison(
                    measure: m, baselineMean: means[0][mi], mean: means[r][mi], pairedTopics: topics.count,
                    tTest: tested ? pairedTTest(av, bv) : nil,
                    randomization: tested ? pairedRandomizationTest(av, bv, permutations: permutations, seed: seed) : nil))
            }
            all.append(row)
        }
        comparisons = evaluations.isEmpty ? [] : all
    }

    /// Run r's mean of `m` over the shared topics (nil when `m` is not compared).
    public func mean(_ r: Int, _ m: Measure) -> Double? {
        measures.firstIndex(of: m).map { means[r][$0] }
    }

    /// Run r's values of `m` on the shared topics, in their order.
    public func sharedValues(_ r: Int, _ m: Measure) -> [Double] {
        let values = evaluations[r].perTopic(m, complete: complete)
        return sharedTopics.compactMap { values[$0] }
    }
}
