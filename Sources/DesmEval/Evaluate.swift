import DesmText
import Foundation

/// Options of an evaluation, named as trec_eval's flags.
public struct EvalOptions: Sendable {
    /// `-l`: the smallest grade that counts as relevant for the binary measures (map, P,
    /// recall, recip_rank, Rprec, num_rel, num_rel_ret). NDCG always uses the grades as gains.
    public var relevanceLevel: Int = 1
    /// `-c`: average over every topic of the qrels, a topic missing from the run adding 0.
    public var averageOverAllQrelsTopics = false
    /// `-M`: evaluate only the first N documents of each topic (after sorting); nil = all,
    /// which is trec_eval's default (MAXLONG) and pytrec_eval's.
    public var maxDocsPerTopic: Int? = nil

    public init(relevanceLevel: Int = 1, averageOverAllQrelsTopics: Bool = false, maxDocsPerTopic: Int? = nil) {
        self.relevanceLevel = relevanceLevel
        self.averageOverAllQrelsTopics = averageOverAllQrelsTopics
        self.maxDocsPerTopic = maxDocsPerTopic
    }
}

/// The values of one run: per topic and summarised.
public struct RunEvaluation: Sendable {
    public var runName: String
    public var runTag: String
    /// The measures evaluated, in trec_eval's printing order (`runid` and `num_q` are kept
    /// here when asked for, but only have summary values).
    public var measures: [Measure]
    /// Topics evaluated (in both the run and the qrels), byte-wise ascending.
    public var topics: [String]
    /// `values[t][m]`: measure m on topic t.
    public var values: [[Double]]
    /// The summary per measure: the mean over topics (over all qrels topics with
    /// `averageOverAllQrelsTopics`), the sum for the count measures.
    public var summary: [Double]
    /// trec_eval's `num_q`: topics evaluated, or qrels topics with `-c`.
    public var numQ: Int
    /// Qrels topics absent from the run (they score 0 with `-c`, and are ignored otherwise).
    public var missingTopics: [String]
    /// Run topics absent from the qrels (always ignored, as trec_eval does).
    public var unjudgedTopics: [String]
    /// How much of what the run retrieved for the evaluated topics the qrels judge.
    public var coverage: JudgmentCoverage

    public func index(of m: Measure) -> Int? { measures.firstIndex(of: m) }

    /// A measure's value on one topic.
    public func value(_ m: Measure, topic: String) -> Double? {
        guard let mi = index(of: m), let ti = topics.firstIndex(of: topic) else { return nil }
        return values[ti][mi]
    }

    /// A measure's summary value.
    public func summary(_ m: Measure) -> Double? { index(of: m).map { summary[$0] } }

    /// topic → value for one measure; with `complete`, every qrels topic missing from the run
    /// is present with 0 (what `-c` averages).
    public func perTopic(_ m: Measure, complete: Bool = false) -> [String: Double] {
        guard let mi = index(of: m) else { return [:] }
        var out: [String: Double] = [:]
        for (ti, t) in topics.enumerated() { out[t] = values[ti][mi] }
        if complete { for t in missingTopics { out[t] = 0 } }
        return out
    }
}

/// A topic's ranking as trec_eval sees it: the grades of the retrieved documents in order
/// (nil = unjudged) and the grades of all judged documents.
struct RankedJudgments {
    var retrieved: [Int?]
    var judged: [Int]
    /// The retrieved documents' docnos, in the same order as `retrieved`.
    var docnos: [String]

    /// Sorts like trec_eval 9.x: score descending with scores held as 32-bit floats (so
    /// scores equal as Float tie), ties by docno descending in byte order.
    init(entries: [RunFile.Entry], judgments: [String: Int], maxDocs: Int?) {
        var keyed = entries.map { (score: Float($0.score), docno: $0.docno) }
        keyed.sort { a, b in
            if a.score != b.score { return a.score > b.score }
            return byteOrderLess(b.docno, a.docno)
        }
        if let m = maxDocs, keyed.count > m { keyed.removeLast(keyed.count - m) }
        retrieved = keyed.map { judgments[$0.docno] }
        judged = Array(judgments.values)
        docnos = keyed.map(\.docno)
    }

    /// True when no retrieved document has a grade of 0 or more (negative grades count as
    /// unjudged, as for every measure).
    var retrievedNoJudgedDocument: Bool { !retrieved.contains { ($0 ?? -1) >= 0 } }
}

/// Measure values for one topic, in the order of `measures`.
func topicValues(_ r: RankedJudgments, measures: [Measure], level: Int) -> [Double] {
    let numRet = r.retrieved.count
    let numRel = r.judged.reduce(0) { $0 + ($1 >= level ? 1 : 0) }
    // relevant-so-far prefix counts
    var relPrefix = [Int](repeating: 0, count: numRet + 1)
    var apSum = 0.0
    var firstRel: Int? = nil
    for (i, g) in r.retrieved.enumerated() {
        let isRel = (g ?? Int.min) >= level
        relPrefix[i + 1] = relPrefix[i] + (isRel ? 1 : 0)
        if isRel {
            apSum += Double(relPrefix[i + 1]) / Double(i + 1)
            if firstRel == nil { firstRel = i + 1 }
        }
    }
    func relAt(_ k: Int) -> Int { relPrefix[min(k, numRet)] }
    // DCG prefix sums over gains = positive grades; ideal from judged positive grades.
    var dcgPrefix = [Double](repeating: 0, count: numRet + 1)
    for (i, g) in r.retrieved.enumerated() {
        let gain = max(g ?? 0, 0)
        dcgPrefix[i + 1] = dcgPrefix[i] + (gain > 0 ? Double(gain) / log2(Double(i + 2)) : 0)
    }
    let ideal = r.judged.filter { $0 > 0 }.sorted(by: >)
    var idcgPrefix = [Double](repeating: 0, count: ideal.count + 1)
    for (i, g) in ideal.enumerated() { idcgPrefix[i + 1] = idcgPrefix[i] + Double(g) / log2(Double(i + 2)) }
    func ndcgAt(_ k: Int) -> Double {
        let idcg = idcgPrefix[min(k, ideal.count)]
        return idcg > 0 ? dcgPrefix[min(k, numRet)] / idcg : 0
    }

    return measures.map { m in
        switch m.kind {
        case .runid, .numQ: return 0
        case .numRet: return Double(numRet)
        case .numRel: return Double(numRel)
        case .numRelRet: return Double(relPrefix[numRet])
        case .map: return numRel > 0 ? apSum / Double(numRel) : 0
        case .rprec: return numRel > 0 ? Double(relAt(numRel)) / Double(numRel) : 0
        case .recipRank: return firstRel.map { 1 / Double($0) } ?? 0
        case .precision: return Double(relAt(m.cutoff ?? numRet)) / Double(m.cutoff ?? max(numRet, 1))
        case .recall: return numRel > 0 ? Double(relAt(m.cutoff ?? numRet)) / Double(numRel) : 0
        case .ndcg: return ndcgAt(Int.max)
        case .ndcgCut: return ndcgAt(m.cutoff ?? Int.max)
        }
    }
}

/// Evaluates a run against qrels as trec_eval 9.0.8 does.
///
/// - Topics of the run absent from the qrels are ignored.
/// - Without `-c`, means are over the topics in both run and qrels (a topic judged only with
///   grade 0 is among them and scores 0). With `-c` (trec_eval 9.0.8's
///   `average_complete_flag`), means divide by the number of qrels topics: topics missing from
///   the run add 0 to every mean and nothing to the count sums, and `num_q` is the number of
///   qrels topics. (9.0.8 does not evaluate missing topics, so their `num_rel` is not added to
///   the `num_rel` sum; that is the behaviour of the trec_eval distributed by NIST and bundled
///   in pytrec_eval, chosen because published numbers come from it.)
/// - No topic in common is an error, as in trec_eval.
public func evaluate(run: RunFile, qrels: Qrels, measures: [Measure], options: EvalOptions = EvalOptions()) throws -> RunEvaluation {
    guard options.relevanceLevel >= 1 else {
        throw DesmError("relevance level must be at least 1 (got \(options.relevanceLevel))")
    }
    let runTopics = Set(run.topics.keys)
    let common = qrels.topicIDs.filter { runTopics.contains($0) }
    guard !common.isEmpty else {
        throw DesmError("no topic is in both the run and the qrels (\(qrels.path))", path: run.path)
    }
    var values: [[Double]] = []
    values.reserveCapacity(common.count)
    var coverage = JudgmentCoverage()
    for t in common {
        let ranked = RankedJudgments(entries: run.topics[t]!, judgments: qrels.judgments[t]!,
                                     maxDocs: options.maxDocsPerTopic)
        values.append(topicValues(ranked, measures: measures, level: options.relevanceLevel))
        coverage.add(topic: t, ranked, qrels: qrels)
    }
    let numQ = options.averageOverAllQrelsTopics ? qrels.judgments.count : common.count
    var summary = [Double](repeating: 0, count: measures.count)
    for (mi, m) in measures.enumerated() {
        switch m.kind {
        case .runid: summary[mi] = 0
        case .numQ: summary[mi] = Double(numQ)
        default:
            var sum = 0.0
            for row in values { sum += row[mi] }
            summary[mi] = m.kind.isCount ? sum : sum / Double(numQ)
        }
    }
    let commonSet = Set(common)
    return RunEvaluation(
        runName: run.name, runTag: run.tag, measures: measures, topics: common, values: values,
        summary: summary, numQ: numQ,
        missingTopics: qrels.topicIDs.filter { !commonSet.contains($0) },
        unjudgedTopics: run.topics.keys.filter { qrels.judgments[$0] == nil }.sorted(by: byteOrderLess),
        coverage: coverage)
}
