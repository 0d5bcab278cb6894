@testable import DesmEval
import XCTest

/// The per-collection recommendation (`SystemChoice`): systems judged by cross-validated
/// NDCG@10, the simpler preferred within one standard error, nested cross-validation that
/// never lets a fold's own topics into its choice.
final class SystemChoiceTests: XCTestCase {
    typealias Candidate = SystemChoice.Candidate

    /// An untuned system: one value per topic.
    func flat(_ name: String, complexity: Int, _ values: [String: Double]) -> Candidate {
        Candidate(name: name, complexity: complexity, grid: ParameterGrid([]), perTopic: [values])
    }

    let topics = ["t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8"]

    /// A's topics all 0.5; B = A + d, d alternating `up`, `down`.
    func pair(up: Double, down: Double) -> [Candidate] {
        var b: [String: Double] = [:]
        for (i, t) in topics.enumerated() { b[t] = 0.5 + (i % 2 == 0 ? up : down) }
        return [flat("simple", complexity: 1, Dictionary(uniqueKeysWithValues: topics.map { ($0, 0.5) })),
                flat("complex", complexity: 3, b)]
    }

    func testTheSimplerSystemWinsWithinOneStandardErrorAndLosesBeyondIt() {
        // d = +0.3, −0.1, …: mean 0.1; deviations ±0.2, sample variance 8·0.04/7, SE = √(0.32/7/8) = 0.0756.
        let clear = SystemChoice.choose(pair(up: 0.3, down: -0.1), topics: topics, folds: 4, what: "the tuning topics")
        XCTAssertEqual(clear.system, 1, "a lead of 0.1 is more than one standard error (0.0756)")
        XCTAssertEqual(clear.best, 1)
        XCTAssertEqual(clear.standardError, 0)
        XCTAssertEqual(clear.estimates[1], 0.6, accuracy: 1e-12)
        XCTAssertTrue(clear.reason.hasPrefix("`complex` has the highest cross-validated NDCG@10 on the tuning topics (0.6000 over 8 topics)"), clear.reason)
        // d = +0.25, −0.15: mean 0.05, the same SE: within it, so the simpler system.
        let close = SystemChoice.choose(pair(up: 0.25, down: -0.15), topics: topics, folds: 4, what: "the tuning topics")
        XCTAssertEqual(close.system, 0)
        XCTAssertEqual(close.best, 1)
        XCTAssertEqual(close.lead, 0.05, accuracy: 1e-12)
        XCTAssertEqual(close.standardError, (0.32 / 7 / 8).squareRoot(), accuracy: 1e-12)
        XCTAssertTrue(close.reason.contains("leads the simpler `simple` (0.5000) by only 0.0500, within one standard error of the paired difference (0.0756)"), close.reason)
    }

    func testAmongEquallySimpleSystemsTheHigherEstimateWins() {
        let a = flat("a", complexity: 2, Dictionary(uniqueKeysWithValues: topics.map { ($0, 0.50) }))
        let b = flat("b", complexity: 2, Dictionary(uniqueKeysWithValues: topics.map { ($0, 0.51) }))
        let best = flat("best", complexity: 5, Dictionary(uniqueKeysWithValues: topics.enumerated().map { ($1, $0 % 2 == 0 ? 0.9 : 0.2) }))
        // best: mean 0.55, far from constant, so a and b are both within its standard error.
        let c = SystemChoice.choose([a, b, best], topics: topics, folds: 4, what: "x")
        XCTAssertEqual(c.best, 2)
        XCTAssertEqual(c.system, 1, "b and a are equally simple; b scores higher")
    }

    /// A system that a simpler one outscores is never chosen, however noisy its differences
    /// from the best (which would put it within one standard error).
    func testADominatedSystemIsNeverChosen() {
        let best = flat("best", complexity: 4, Dictionary(uniqueKeysWithValues: topics.map { ($0, 0.6) }))
        let steady = flat("steady", complexity: 2, Dictionary(uniqueKeysWithValues: topics.map { ($0, 0.55) }))
        let noisy = flat("noisy", complexity: 3, Dictionary(uniqueKeysWithValues: topics.enumerated().map { ($1, $0 % 2 == 0 ? 0.9 : 0.1) }))
        // noisy (mean 0.5) is within one standard error of best (0.15), steady (0.55) is not
        // (its difference is a constant 0.05): but steady is simpler and better than noisy.
        let c = SystemChoice.choose([best, steady, noisy], topics: topics, folds: 4, what: "x")
        XCTAssertEqual(c.best, 0)
        XCTAssertEqual(c.system, 0, "noisy is dominated by steady; steady trails best by more than a standard error")
        let withoutSteady = SystemChoice.choose([best, noisy], topics: topics, folds: 4, what: "x")
        XCTAssertEqual(withoutSteady.system, 1, "alone, the noisy simpler system is within a standard error")
    }

    /// A large grid that only fits the topics' noise scores what it is worth under
    /// cross-validation: here 0, though its best point averages 0.5 on all the topics.
    func testSystemsAreJudgedByCrossValidatedScoresSoAGridCannotFitNoise() {
        let grid = ParameterGrid([.init(name: "alpha", values: [0, 1])])
        // Folds of 2 over a, b, c, d (byte order): {a, c} and {b, d}. Point 0 is right on a
        // and c, point 1 on b and d: each fold is ranked by the point the other fold prefers.
        let overfit = Candidate(name: "overfit", complexity: 1, grid: grid,
                                perTopic: [["a": 1, "b": 0, "c": 1, "d": 0], ["a": 0, "b": 1, "c": 0, "d": 1]])
        XCTAssertEqual(SystemChoice.crossValidated(overfit, topics: ["a", "b", "c", "d"], folds: 2), ["a": 0, "b": 0, "c": 0, "d": 0])
        let steady = flat("steady", complexity: 1, ["a": 0.4, "b": 0.4, "c": 0.4, "d": 0.4])
        let c = SystemChoice.choose([overfit, steady], topics: ["a", "b", "c", "d"], folds: 2, what: "x")
        XCTAssertEqual(c.estimates, [0, 0.4])
        XCTAssertEqual(c.system, 1)
    }

    /// The chosen system's parameters: its best grid point on all the topics (ties to the middle).
    func testTheChosenPointIsTheBestOnAllTheTopics() {
        let grid = ParameterGrid([.init(name: "alpha", values: [0, 0.5, 1])])
        let values: [[String: Double]] = [["a": 0.1, "b": 0.2], ["a": 0.6, "b": 0.5], ["a": 0.9, "b": 0.0]]
        let c = SystemChoice.choose([Candidate(name: "m", complexity: 3, grid: grid, perTopic: values)],
                                    topics: ["a", "b"], folds: 2, what: "x")
        XCTAssertEqual(c.system, 0)
        XCTAssertEqual(c.point, 1, "α 0.5 has the best mean (0.55)")
        XCTAssertTrue(c.reason.contains("and no system is simpler"), c.reason)
    }

    /// Nested cross-validation: a fold's choice depends only on the other folds' topics.
    /// Making a system perfect on fold 0's topics alone changes no choice of fold 0, and
    /// does change the choice of a fold whose training topics include them.
    func testNestedChoicesNeverLookAtTheirOwnFold() {
        let ids = (0..<12).map { String(format: "q%02d", $0) }
        let folds = ParameterGrid.folds(ids, k: 3)
        var weak: [String: Double] = [:], steady: [String: Double] = [:]
        for (i, t) in ids.enumerated() { weak[t] = 0.2 + 0.01 * Double(i % 3); steady[t] = 0.5 }
        let before = SystemChoice.nested([flat("steady", complexity: 1, steady), flat("weak", complexity: 1, weak)],
                                         folds: folds, judged: Set(ids), innerFolds: 3)
        XCTAssertEqual(before.map(\.system), [0, 0, 0])
        for t in folds[0] { weak[t] = 1 }
        let after = SystemChoice.nested([flat("steady", complexity: 1, steady), flat("weak", complexity: 1, weak)],
                                        folds: folds, judged: Set(ids), innerFolds: 3)
        XCTAssertEqual(after[0], before[0], "fold 0's choice never sees fold 0's topics")
        XCTAssertEqual(after[1].system, 1, "fold 1 trains on fold 0's topics, where weak is now perfect")
        XCTAssertEqual(after[0].topics, 8)
        // Unjudged topics are left out of the choice.
        let judgedOnly = SystemChoice.nested([flat("steady", complexity: 1, steady), flat("weak", complexity: 1, weak)],
                                             folds: folds, judged: Set(folds[2]), innerFolds: 3)
        XCTAssertEqual(judgedOnly.map(\.topics), [4, 4, 0])
    }
}
