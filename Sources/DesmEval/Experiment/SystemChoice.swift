import Foundation

/// Choosing the system to recommend, with its parameters, from NDCG@10 on a set of topics
/// (the tuning topics, or an outer fold's training topics), never from the topics it is
/// then scored on.
///
/// Each candidate is judged by its *cross-validated* NDCG@10 on the topics: k folds (as
/// `ParameterGrid.folds`), each fold scored with the parameters chosen on the others, so a
/// system with a large grid gains nothing from fitting the topics' noise. Few topics make
/// these estimates noisy, so the choice prefers the simpler system (`complexity`): the
/// simplest candidate whose estimate is within one standard error of the paired per-topic
/// difference from the best estimate (the one-standard-error rule), leaving out every system
/// that another at most as complex outscores. Its parameters are then the best grid point on
/// all the topics.
public enum SystemChoice {
    /// One system's NDCG@10 per topic at every point of its grid.
    public struct Candidate: Sendable {
        public var name: String
        /// Smaller is simpler (`ExperimentRunner.System.complexity`).
        public var complexity: Int
        public var grid: ParameterGrid
        /// Per grid point: topic → NDCG@10.
        public var perTopic: [[String: Double]]

        public init(name: String, complexity: Int, grid: ParameterGrid, perTopic: [[String: Double]]) {
            self.name = name
            self.complexity = complexity
            self.grid = grid
            self.perTopic = perTopic
        }
    }

    public struct Outcome: Sendable, Equatable {
        /// The chosen candidate (an index into the candidates) and its grid point.
        public var system: Int
        public var point: Int
        /// Each candidate's cross-validated NDCG@10 on the topics.
        public var estimates: [Double]
        /// The candidate with the highest estimate.
        public var best: Int
        /// The chosen candidate's estimate below the best one's, and the standard error of
        /// that paired difference over the topics (0 when the best was chosen).
        public var lead: Double
        public var standardError: Double
        /// How many topics the choice was made on.
        public var topics: Int
        /// Why this system was chosen, one sentence (names in backticks).
        public var reason: String
    }

    /// The cross-validated NDCG@10 of each topic: each fold's topics scored at the point
    /// chosen on the other folds (one point: its own scores).
    public static func crossValidated(_ c: Candidate, topics: [String], folds k: Int) -> [String: Double] {
        if c.grid.count == 1 {
            let wanted = Set(topics)
            return c.perTopic[0].filter { wanted.contains($0.key) }
        }
        var out: [String: Double] = [:]
        let folds = ParameterGrid.folds(topics, k: max(2, min(k, topics.count)))
        for choice in c.grid.crossValidate(perTopic: c.perTopic, folds: folds) {
            for t in choice.topics { if let v = c.perTopic[choice.point][t] { out[t] = v } }
        }
        return out
    }

    /// Nested cross-validation: for each fold of `folds`, the choice made on the other folds'
    /// topics (those in `judged`) alone; the fold's own topics never enter it.
    public static func nested(_ candidates: [Candidate], folds: [[String]], judged: Set<String>, innerFolds k: Int) -> [Outcome] {
        folds.indices.map { f in
            let training = folds.enumerated().filter { $0.offset != f }.flatMap(\.element).filter { judged.contains($0) }
            return choose(candidates, topics: training, folds: k, what: "the other folds' topics")
        }
    }

    /// The choice among `candidates` on `topics` (topics a candidate has no value for are
    /// left out of every mean); `what` names the topics in the reason ("the tuning topics").
    public static func choose(_ candidates: [Candidate], topics: [String], folds k: Int, what: String) -> Outcome {
        precondition(!candidates.isEmpty, "at least one candidate")
        let shared = topics.filter { t in candidates.allSatisfy { c in c.perTopic.allSatisfy { $0[t] != nil } } }
        let cv = candidates.map { crossValidated($0, topics: shared, folds: k) }
        let estimates = cv.map { ParameterGrid.mean($0, over: shared) ?? -.infinity }
        var best = 0
        for i in estimates.indices where estimates[i] > estimates[best] + 1e-12 { best = i }
        func standardError(_ i: Int) -> Double {
            let d = shared.map { cv[best][$0]! - cv[i][$0]! }
            guard d.count > 1 else { return 0 }
            let m = d.reduce(0, +) / Double(d.count)
            let v = d.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(d.count - 1)
            return (v / Double(d.count)).squareRoot()
        }
        // A system that is no simpler than another and scores lower is never chosen: it is
        // dominated (without this, a system could win only because its per-topic differences
        // from the best are noisier than a simpler, better system's).
        let dominated = candidates.indices.map { i in
            candidates.indices.contains { j in j != i && candidates[j].complexity <= candidates[i].complexity && estimates[j] > estimates[i] + 1e-12 }
        }
        var chosen = best
        var chosenSE = 0.0
        for i in candidates.indices where i != best && !dominated[i] {
            let se = standardError(i)
            guard estimates[i] >= estimates[best] - se - 1e-12 else { continue }
            let simpler = candidates[i].complexity < candidates[chosen].complexity
            let sameButBetter = candidates[i].complexity == candidates[chosen].complexity && estimates[i] > estimates[chosen] + 1e-12
            if simpler || sameButBetter { chosen = i; chosenSE = se }
        }
        let c = candidates[chosen]
        let point = c.grid.best(c.grid.count == 1 ? [0] : c.perTopic.map { ParameterGrid.mean($0, over: shared) ?? -.infinity })
        let f = { (x: Double) in String(format: "%.4f", x) }
        let reason: String
        if chosen == best {
            let simpler = candidates.indices.filter { candidates[$0].complexity < c.complexity }
            reason = "`\(c.name)` has the highest cross-validated NDCG@10 on \(what) (\(f(estimates[chosen])) over \(shared.count) topics)"
                + (simpler.isEmpty ? ", and no system is simpler." : ", and every simpler system trails it by more than one standard error of the paired difference.")
        } else {
            reason = "`\(candidates[best].name)` has the highest cross-validated NDCG@10 on \(what) (\(f(estimates[best])) over \(shared.count) topics), "
                + "but leads the simpler `\(c.name)` (\(f(estimates[chosen]))) by only \(f(estimates[best] - estimates[chosen])), "
                + "within one standard error of the paired difference (\(f(chosenSE))), so the simpler system was chosen."
        }
        return Outcome(system: chosen, point: point, estimates: estimates, best: best,
                       lead: estimates[best] - estimates[chosen], standardError: chosenSE, topics: shared.count, reason: reason)
    }
}
