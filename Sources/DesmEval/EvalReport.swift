import DesmText
import Foundation

/// trec_eval's own output for one run: `%-22s\t%s\t%6.4f` lines (counts as integers), the
/// per-topic lines first when `perTopic` (`-q`), then the summary with topic `all`.
public func formatTrecEval(_ e: RunEvaluation, perTopic: Bool) -> String {
    var out = ""
    func line(_ name: String, _ topic: String, _ value: String) {
        out += name.padding(toLength: max(22, name.count), withPad: " ", startingAt: 0)
        out += "\t\(topic)\t\(value)\n"
    }
    func value(_ m: Measure, _ v: Double) -> String {
        m.kind.isCount ? String(Int(v.rounded())) : String(format: "%6.4f", v)
    }
    if perTopic {
        for (ti, t) in e.topics.enumerated() {
            for (mi, m) in e.measures.enumerated() where m.kind != .runid && m.kind != .numQ {
                line(m.name, t, value(m, e.values[ti][mi]))
            }
        }
    }
    for (mi, m) in e.measures.enumerated() {
        if m.kind == .runid { line(m.name, "all", e.runTag) }
        else { line(m.name, "all", value(m, e.summary[mi])) }
    }
    return out
}

extension RunComparison {
    /// A plain-text table: rows are measures, columns runs; after the first run each cell
    /// shows the value, the difference to the first run, and marks for p < `alpha`:
    /// `†` paired t-test, `‡` randomization test; with `pValues`, both p-values too.
    public func table(alpha: Double = 0.05, pValues: Bool = false) -> String {
        var header = ["measure"] + evaluations.map(\.runName)
        var rows: [[String]] = []
        for (mi, m) in measures.enumerated() {
            var row = [m.name]
            for ri in evaluations.indices {
                let v = means[ri][mi]
                var cell = !v.isFinite ? "-" : m.kind.isCount ? String(Int(v.rounded())) : String(format: "%.4f", v)
                if ri > 0 && !m.kind.isCount && v.isFinite {
                    let c = comparisons[ri][mi]
                    cell += String(format: " (%+.4f)", c.mean - c.baselineMean)
                    var marks = ""
                    if let t = c.tTest, t.p < alpha { marks += "†" }
                    if let r = c.randomization, r.p < alpha { marks += "‡" }
                    cell += marks.isEmpty ? "" : " " + marks
                    if pValues {
                        let tp = c.tTest.map { String(format: "%.4f", $0.p) } ?? "-"
                        let rp = c.randomization.map { String(format: "%.4f", $0.p) } ?? "-"
                        cell += " [t \(tp), r \(rp)]"
                    }
                }
                row.append(cell)
            }
            rows.append(row)
        }
        if evaluations.count > 1 { header[1] += " (baseline)" }
        let widths = (0..<header.count).map { c in
            max(header[c].count, rows.map { $0[c].count }.max() ?? 0)
        }
        func render(_ cells: [String]) -> String {
            cells.enumerated().map { c, s in s.padding(toLength: widths[c], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var out = render(header) + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for r in rows { out += render(r) + "\n" }
        out += String(format: "† paired t-test p < %g, ‡ paired randomization test p < %g (%d permutations, seed %llu); differences are to %@; ",
                      alpha, alpha, permutations, seed, evaluations.first?.runName ?? "")
        if topicsDiffer {
            out += "values, differences and tests over the \(sharedTopics.count) topic(s) every run has\n"
            out += topicsLackingLine() + "\n"
        } else {
            out += complete ? "tests over all qrels topics (missing = 0)\n" : "tests over the topics evaluated in both runs\n"
        }
        return out
    }

    /// Which runs lack topics another run has: `topics lacking (of the 50 evaluated in any
    /// run; left out of every value above): a.run 0, half.run 25 (q26, q27, …)`.
    func topicsLackingLine() -> String {
        let parts = zip(evaluations, lackingTopics).map { e, lacking in
            "\(e.runName) \(lacking.count)" + (lacking.isEmpty ? "" : " (\(listed(lacking, limit: 3)))")
        }
        return "topics lacking (of the \(anyTopics) evaluated in any run; left out of every value above): " + parts.joined(separator: ", ")
    }

    /// The comparison as JSON: per run, its summary, per-topic values and the paired tests
    /// against the first run.
    public func json(perTopic: Bool) throws -> String {
        var runs: [[String: Any]] = []
        for (ri, e) in evaluations.enumerated() {
            var summary: [String: Any] = [:]
            for m in measures { summary[m.name] = jsonNumber(m, e.summary(m) ?? 0) }
            var shared: [String: Any] = [:]
            for (mi, m) in measures.enumerated() where means[ri][mi].isFinite { shared[m.name] = jsonNumber(m, means[ri][mi]) }
            var run: [String: Any] = [
                "name": e.runName, "tag": e.runTag, "num_q": e.numQ, "summary": summary,
                "summary_over_shared_topics": shared, "lacking_topics": lackingTopics[ri],
                "missing_topics": e.missingTopics, "unjudged_topics": e.unjudgedTopics,
                "topics_without_judged_documents": e.coverage.topicsWithoutJudgedDocuments,
                "retrieved_docnos": e.coverage.retrievedDocnos, "docnos_not_in_qrels": e.coverage.docnosNotInQrels,
            ]
            if perTopic {
                var topics: [String: Any] = [:]
                for (ti, t) in e.topics.enumerated() {
                    var vals: [String: Any] = [:]
                    for (mi, m) in e.measures.enumerated() where m.kind != .runid && m.kind != .numQ {
                        vals[m.name] = jsonNumber(m, e.values[ti][mi])
                    }
                    topics[t] = vals
                }
                run["per_topic"] = topics
            }
            if ri > 0 {
                var tests: [String: Any] = [:]
                for c in comparisons[ri] where !c.measure.kind.isCount && c.mean.isFinite && c.baselineMean.isFinite {
                    var t: [String: Any] = ["difference": c.mean - c.baselineMean, "topics": c.pairedTopics]
                    if let tt = c.tTest {
                        if tt.statistic.isFinite { t["t"] = tt.statistic }
                        if tt.p.isFinite { t["t_test_p"] = tt.p }
                    }
                    if let r = c.randomization, r.p.isFinite { t["randomization_p"] = r.p }
                    tests[c.measure.name] = t
                }
                run["versus_baseline"] = tests
            }
            runs.append(run)
        }
        let root: [String: Any] = [
            "measures": measures.map(\.name), "runs": runs,
            "baseline": evaluations.first?.runName ?? "",
            "randomization": ["permutations": permutations, "seed": seed],
            "average_over_all_qrels_topics": complete, "shared_topics": sharedTopics.count,
        ]
        let data = try JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

private func jsonNumber(_ m: Measure, _ v: Double) -> Any {
    m.kind.isCount ? Int(v.rounded()) : v
}
