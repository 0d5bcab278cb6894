import DesmIndex
import DesmText
import Foundation

/// The experiment's report: a Markdown file with the comparison table (NDCG@1/3/10, MAP,
/// recall@100, significance marks against BM25), the IN-OUT vs IN-IN tests, the α choice,
/// the exact settings and the command that reproduces it; and two SVG charts.
struct ExperimentReport {
    let config: ExperimentConfig
    let runner: ExperimentRunner
    let outcome: ExperimentRunner.Outcome

    static let measures: [Measure] = [.ndcgCut(1), .ndcgCut(3), .ndcgCut(10), .map, .recall(100)]
    static let shown: [(Measure, String)] = [
        (.ndcgCut(1), "NDCG@1"), (.ndcgCut(3), "NDCG@3"), (.ndcgCut(10), "NDCG@10"), (.map, "MAP"), (.recall(100), "R@100"),
    ]

    var comparison: RunComparison { outcome.comparison }

    /// Markdown table rows: one per system, marks against the first system (BM25).
    func table() -> String {
        var out = "| system | " + Self.shown.map(\.1).joined(separator: " | ") + " |\n"
        out += "|---|" + Self.shown.map { _ in "---:" }.joined(separator: "|") + "|\n"
        for (ri, e) in comparison.evaluations.enumerated() {
            var cells = ["`\(e.runName)`"]
            for (m, _) in Self.shown {
                var cell = String(format: "%.4f", e.summary(m) ?? 0)
                if ri > 0, let mi = comparison.measures.firstIndex(of: m) {
                    let c = comparison.comparisons[ri][mi]
                    var marks = ""
                    if let t = c.tTest, t.p < 0.05 { marks += "†" }
                    if let r = c.randomization, r.p < 0.05 { marks += "‡" }
                    if !marks.isEmpty { cell += (c.mean > c.baselineMean ? " ▲" : " ▼") + marks }
                }
                cells.append(cell)
            }
            out += "| " + cells.joined(separator: " | ") + " |\n"
        }
        return out
    }

    /// Paired tests of IN-OUT against IN-IN, in every setting both are present.
    func inOutVersusInIn() -> [(String, PairedTestResult?, PairedTestResult?, Int)] {
        var rows: [(String, PairedTestResult?, PairedTestResult?, Int)] = []
        let byName = Dictionary(comparison.evaluations.map { ($0.runName, $0) }, uniquingKeysWith: { a, _ in a })
        for prefix in ["", "rerank:", "mixture:"] {
            guard let a = byName[prefix + "in-in"], let b = byName[prefix + "in-out"] else { continue }
            let m = Measure.ndcgCut(10)
            let pa = a.perTopic(m), pb = b.perTopic(m)
            let topics = pa.keys.filter { pb[$0] != nil }.sorted(by: byteOrderLess)
            let x = topics.map { pa[$0]! }, y = topics.map { pb[$0]! }
            rows.append((prefix.isEmpty ? "full collection" : String(prefix.dropLast()),
                         pairedTTest(x, y), pairedRandomizationTest(x, y, permutations: comparison.permutations, seed: comparison.seed),
                         topics.count))
        }
        return rows
    }

    /// Per-topic NDCG@10 differences IN-OUT minus IN-IN, in the re-ranking setting when
    /// present (the paper's headline), else over the full collection.
    func topicDifferences() -> (String, [Double])? {
        let byName = Dictionary(comparison.evaluations.map { ($0.runName, $0) }, uniquingKeysWith: { a, _ in a })
        for prefix in ["rerank:", "", "mixture:"] {
            guard let a = byName[prefix + "in-in"], let b = byName[prefix + "in-out"] else { continue }
            let pa = a.perTopic(.ndcgCut(10)), pb = b.perTopic(.ndcgCut(10))
            let topics = pa.keys.filter { pb[$0] != nil }.sorted(by: byteOrderLess)
            return (prefix.isEmpty ? "full collection" : String(prefix.dropLast()), topics.map { pb[$0]! - pa[$0]! })
        }
        return nil
    }

    func markdown(chart: String, diffChart: String?) -> String {
        let e0 = comparison.evaluations.first
        var md = "# Experiment `\(config.name)`\n\n"
        if let d = config.description { md += d + "\n\n" }
        md += "Reproduce with `\(runner.command)` (the model and index are cached in `\(displayPath(runner.cacheDirectory))`; "
        md += "delete them to retrain).\n\n"
        md += "## Results\n\n"
        md += "\(e0?.numQ ?? 0) topics evaluated (topics missing from the qrels are skipped, as trec_eval 9.0.8 does)"
        if let l = config.relevanceLevel, l != 1 { md += "; binary measures count grade ≥ \(l) as relevant" }
        md += ".\n\n"
        md += table()
        md += "\nMarks: ▲/▼ significantly above/below `\(e0?.runName ?? "")` by a paired two-sided t-test (†) and/or a paired "
        md += "randomization test (‡, \(comparison.permutations) permutations, seed \(comparison.seed)), p < 0.05, uncorrected for multiple comparisons.\n\n"
        let versus = inOutVersusInIn()
        if !versus.isEmpty {
            md += "IN-OUT against IN-IN (NDCG@10, paired over topics):\n\n| setting | mean difference | t-test p | randomization p | topics |\n|---|---:|---:|---:|---:|\n"
            for (setting, t, r, n) in versus {
                md += String(format: "| %@ | %+.4f | %@ | %@ | %d |\n", setting, t?.meanDifference ?? r?.meanDifference ?? 0,
                             t.map { String(format: "%.4f", $0.p) } ?? "–", r.map { String(format: "%.4f", $0.p) } ?? "–", n)
            }
            md += "\n"
        }
        md += "![NDCG@10 with 95% confidence intervals](\(chart))\n\n"
        if let diffChart { md += "![Per-topic NDCG@10, IN-OUT minus IN-IN](\(diffChart))\n\n" }
        if !outcome.alphaChoices.isEmpty {
            md += "## Mixture weight α\n\n"
            for (name, choice) in outcome.alphaChoices.sorted(by: { $0.key < $1.key }) {
                md += String(format: "`%@`: α = %.2f, chosen by NDCG@10 on the %@ topics", name, choice.chosen,
                             choice.onTuningTopics ? "tuning" : "**test**")
                md += choice.onTuningTopics ? ".\n\n" : " (no tuning set was given, so this is an optimistic, oracle choice; the sweep is the honest result).\n\n"
                md += "| α | " + choice.sweep.map { String(format: "%.2f", $0.alpha) }.joined(separator: " | ") + " |\n"
                md += "|---|" + choice.sweep.map { _ in "---:" }.joined(separator: "|") + "|\n"
                md += "| NDCG@10 | " + choice.sweep.map { String(format: "%.4f", $0.ndcg10) }.joined(separator: " | ") + " |\n\n"
            }
        }
        md += "## Settings\n\n"
        md += "- Collection: `\(displayPath(config.collection))`, \(outcome.index.documents) documents"
        if outcome.index.documentsWithoutVocabulary > 0 { md += " (\(outcome.index.documentsWithoutVocabulary) with no in-vocabulary word: DESM scores them 0)" }
        md += String(format: "; BM25 statistics: %d terms, average length %.1f.\n", outcome.index.bm25.terms, outcome.index.bm25.averageLength)
        md += "- Topics: `\(displayPath(config.topics))`, field(s) \(runner.fields.joined(separator: " + ")); qrels `\(displayPath(config.qrels))`.\n"
        if let t = config.tuning { md += "- Tuning topics for α: `\(displayPath(t.topics))`, qrels `\(displayPath(t.qrels))`.\n" }
        let m = outcome.model
        if let p = m.parameters {
            md += "- Embeddings trained on \(m.corpora.map { "`\(displayPath($0))`" }.joined(separator: " + ")): "
            md += "\(p.architecture.rawValue), negative sampling (\(p.negative) noise words), dim \(p.dim), window \(p.window), "
            md += "sample \(p.sample), min-count \(p.minCount), \(p.epochs) epochs, learning rate \(p.startingAlpha), \(p.threads) thread(s), seed \(p.seed); "
            md += "vocabulary \(m.vocabulary) words.\n"
        } else {
            md += "- Embeddings: pretrained model `\(displayPath(m.path))`, vocabulary \(m.vocabulary) words, dim \(m.dim).\n"
        }
        if config.center == true {
            md += "- Word vectors mean-centred (count-weighted mean of each space subtracted) before centroids and query vectors (`desm index --center`).\n"
        }
        md += String(format: "- Model checksum %08x; analyzer: embedding tokens unstemmed, BM25 terms Porter-stemmed with Lucene's English stopwords.\n", m.checksum)
        if let q = try? runner.queryStoplist(), !q.isEmpty {
            md += "- Query stoplist `\(q.name)` (\(q.words.sorted().joined(separator: " "))): removed from every query (DESM words and BM25 terms) before scoring; documents and index unchanged.\n"
        }
        md += "- BM25 k1 \(runner.bm25.k1), b \(runner.bm25.b); re-ranking depth \(runner.rerankDepth); run depth \(runner.depth); mixture normalisation \(runner.normalisation.rawValue).\n"
        md += "- Run tags:\n"
        for (name, tag) in zip(outcome.systems, outcome.tags) { md += "  - `\(name)`: `\(tag)`\n" }
        if !outcome.notes.isEmpty {
            md += "\n## Notes\n\n"
            for n in outcome.notes.prefix(20) { md += "- \(n)\n" }
            if outcome.notes.count > 20 { md += "- … and \(outcome.notes.count - 20) more\n" }
        }
        return md
    }

    func write() throws {
        let dir = runner.resultsDirectory
        let name = config.name
        var labels: [String] = [], values: [Double] = [], lower: [Double] = [], upper: [Double] = []
        for e in comparison.evaluations {
            let v = e.perTopic(.ndcgCut(10)).sorted { byteOrderLess($0.key, $1.key) }.map(\.value)
            let ci = tConfidenceInterval(v)
            labels.append(e.runName)
            values.append(e.summary(.ndcgCut(10)) ?? 0)
            lower.append(ci?.lower ?? values.last!)
            upper.append(ci?.upper ?? values.last!)
        }
        let chart = SVGChart.barsWithIntervals(title: "\(name): NDCG@10 with 95% confidence intervals",
                                               labels: labels, values: values, lower: lower, upper: upper)
        try writeFileAtomically(dir + "/\(name).svg", text: chart)
        var diffName: String?
        if let (setting, diffs) = topicDifferences() {
            diffName = "\(name)-in-out-minus-in-in.svg"
            let svg = SVGChart.sortedDifferences(title: "\(name): per-topic NDCG@10, IN-OUT minus IN-IN (\(setting))", values: diffs)
            try writeFileAtomically(dir + "/" + diffName!, text: svg)
        }
        try writeFileAtomically(outcome.reportPath, text: markdown(chart: "\(name).svg", diffChart: diffName))
    }
}

/// A path shown relative to the current directory when it lies below it (reports, messages).
public func displayPath(_ p: String) -> String {
    let cwd = FileManager.default.currentDirectoryPath
    let std = (p as NSString).standardizingPath
    return std.hasPrefix(cwd + "/") ? String(std.dropFirst(cwd.count + 1)) : std
}
