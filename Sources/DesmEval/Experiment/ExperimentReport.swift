import DesmIndex
import DesmText
import Foundation

/// The experiment's report: a Markdown file with the comparison table (NDCG@1/3/10, MAP,
/// recall@100, significance marks against BM25, and a second table against BM25+RM3), the
/// IN-OUT vs IN-IN tests, each tuned system's parameters and how they were chosen, the exact
/// settings and the command that reproduces it; two SVG charts; and the results as JSON
/// (`<name>.json`: per system its tag, parameters, means and per-topic values).
struct ExperimentReport {
    let config: ExperimentConfig
    let runner: ExperimentRunner
    let outcome: ExperimentRunner.Outcome

    static let measures: [Measure] = [.ndcgCut(1), .ndcgCut(3), .ndcgCut(10), .map, .recall(100)]
    static let shown: [(Measure, String)] = [
        (.ndcgCut(1), "NDCG@1"), (.ndcgCut(3), "NDCG@3"), (.ndcgCut(10), "NDCG@10"), (.map, "MAP"), (.recall(100), "R@100"),
    ]

    var comparison: RunComparison { outcome.comparison }

    /// An input's path as the report names it: as the config wrote it, or relative to
    /// `ExperimentRunner.inputRoot` when one is set (the built-in sample, extracted to a
    /// temporary directory, reads as `collections/sample/…`).
    func input(_ path: String) -> String {
        runner.inputRoot.map { displayPath(path, relativeTo: $0) } ?? config.asWritten(path)
    }

    /// Markdown table rows: one per system, marks against the comparison's first system
    /// (BM25 in the main table, BM25+RM3 in the second).
    func table(_ comparison: RunComparison) -> String {
        var out = "| system | " + Self.shown.map(\.1).joined(separator: " | ") + " |\n"
        out += "|---|" + Self.shown.map { _ in "---:" }.joined(separator: "|") + "|\n"
        for (ri, e) in comparison.evaluations.enumerated() {
            let marked = e.runName == outcome.recommended && outcome.recommendation.method == .tuningTopics
            var cells = ["`\(e.runName)`" + (marked ? " (recommended)" : "")]
            for (m, _) in Self.shown {
                var cell = String(format: "%.4f", comparison.mean(ri, m) ?? 0)
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

    /// Paired tests of IN-OUT against IN-IN, in every setting both are present: the full
    /// collection, re-ranking and the mixture, and each of those with the same modifiers
    /// (`mixture:in-in+rm3` against `mixture:in-out+rm3`).
    func inOutVersusInIn() -> [(String, PairedTestResult?, PairedTestResult?, Int)] {
        var rows: [(String, PairedTestResult?, PairedTestResult?, Int)] = []
        let byName = Dictionary(comparison.evaluations.map { ($0.runName, $0) }, uniquingKeysWith: { a, _ in a })
        for e in comparison.evaluations {
            guard let system = try? ExperimentRunner.System(e.runName, path: ""), let setting = Self.setting(system.base),
                  system.base == .desm(.inIn) || system.base == .rerank(.inIn) || system.base == .mixture(.inIn) else { continue }
            var partner = system
            switch system.base {
            case .desm: partner.base = .desm(.inOut)
            case .rerank: partner.base = .rerank(.inOut)
            default: partner.base = .mixture(.inOut)
            }
            guard let b = comparison.evaluations.first(where: { (try? ExperimentRunner.System($0.runName, path: ""))?.canonicalName == partner.canonicalName }),
                  let a = byName[e.runName] else { continue }
            let m = Measure.ndcgCut(10)
            let pa = a.perTopic(m), pb = b.perTopic(m)
            let topics = comparison.sharedTopics
            let x = topics.map { pa[$0]! }, y = topics.map { pb[$0]! }
            rows.append((setting + system.modifiers.map { "+" + $0.rawValue }.joined(),
                         pairedTTest(x, y), pairedRandomizationTest(x, y, permutations: comparison.permutations, seed: comparison.seed),
                         topics.count))
        }
        return rows
    }

    /// The setting a DESM base ranks in, for the IN-OUT against IN-IN table.
    static func setting(_ base: ExperimentRunner.System.Base) -> String? {
        switch base {
        case .desm: return "full collection"
        case .rerank: return "rerank"
        case .mixture: return "mixture"
        case .bm25: return nil
        }
    }

    /// Per-topic NDCG@10 differences IN-OUT minus IN-IN, in the re-ranking setting when
    /// present (the paper's headline), else over the full collection.
    func topicDifferences() -> (String, [Double])? {
        let byName = Dictionary(comparison.evaluations.map { ($0.runName, $0) }, uniquingKeysWith: { a, _ in a })
        for prefix in ["rerank:", "", "mixture:"] {
            guard let a = byName[prefix + "in-in"], let b = byName[prefix + "in-out"] else { continue }
            let pa = a.perTopic(.ndcgCut(10)), pb = b.perTopic(.ndcgCut(10))
            let topics = comparison.sharedTopics
            return (prefix.isEmpty ? "full collection" : String(prefix.dropLast()), topics.map { pb[$0]! - pa[$0]! })
        }
        return nil
    }

    func markdown(chart: String, diffChart: String?) -> String {
        let e0 = comparison.evaluations.first
        var md = "# Experiment `\(config.name)`\n\n"
        md += "desm \(desmVersion); results also in [`\(config.name).json`](\(config.name).json).\n\n"
        if let d = config.description { md += d + "\n\n" }
        if runner.temporaryCache {
            md += "Reproduce with \(reproduction()) (the model and index were built in a temporary directory, removed afterwards).\n\n"
        } else {
            md += "Reproduce with \(reproduction()) (the model and index are cached in \(cacheSetting()); delete them to retrain).\n\n"
        }
        md += "## Results\n\n"
        md += "\(e0?.numQ ?? 0) topics evaluated (topics missing from the qrels are skipped, as trec_eval 9.0.8 does; a system that retrieves nothing for a judged topic scores 0 on it, as trec_eval -c counts it)"
        if let l = config.relevanceLevel, l != 1 { md += "; binary measures count grade ≥ \(l) as relevant" }
        md += ".\n\n"
        if comparison.topicsDiffer {
            let lacking = zip(comparison.evaluations, comparison.lackingTopics).filter { !$1.isEmpty }
                .map { "`\($0.runName)` \($1.count) (\(listed($1, limit: 3)))" }
            md += "Some systems retrieved nothing for some topics, so every table and chart compares the systems over "
            md += "the \(comparison.sharedTopics.count) topics they all have (the JSON's `mean` is each system's own trec_eval mean). "
            md += "Topics lacking: " + lacking.joined(separator: ", ") + ".\n\n"
        }
        md += table(comparison)
        md += "\nMarks: ▲/▼ significantly above/below `\(e0?.runName ?? "")` by a paired two-sided t-test (†) and/or a paired "
        md += "randomization test (‡, \(comparison.permutations) permutations, seed \(comparison.seed)), p < 0.05, uncorrected for multiple comparisons.\n\n"
        md += recommendation()
        if let rm3 = outcome.rm3Comparison, let base = rm3.evaluations.first {
            md += "### Against `\(base.runName)`\n\n"
            md += "The same systems, each marked against `\(base.runName)` (BM25 with RM3 pseudo-relevance feedback, Anserini's defaults: "
            md += "the strong lexical baseline):\n\n"
            md += table(rm3)
            md += "\nMarks: ▲/▼ significantly above/below `\(base.runName)`, same tests as above (†: t-test, ‡: randomization), p < 0.05.\n\n"
        } else {
            md += "`bm25+rm3` is not among this experiment's systems, so there is no comparison against it.\n\n"
        }
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
        md += tuningSection()
        md += settingsSection()
        if !outcome.notes.isEmpty {
            md += "\n## Notes\n\n"
            for n in outcome.notes.prefix(20) { md += "- \(n)\n" }
            if outcome.notes.count > 20 { md += "- … and \(outcome.notes.count - 20) more\n" }
        }
        return md
    }

    /// The recommendation for this collection: which system, with which parameters, how it
    /// was chosen and why, each candidate's estimate, and how to run it on new queries.
    func recommendation() -> String {
        let r = outcome.recommendation
        let params = r.parameters.isEmpty ? "" : " (" + ExperimentRunner.describe(r.parameters) + ")"
        var md = "### Recommended for this collection\n\n"
        switch r.method {
        case .tuningTopics:
            md += "**`\(r.system)`**\(params), chosen on the tuning topics among the \(r.candidates.count) systems above; "
            md += "its row is its score on the test topics, which played no part in the choice. " + r.choice.reason + "\n\n"
        case .nestedCrossValidation(let k):
            md += "The row `recommended` is nested \(k)-fold cross-validation: for each fold, the system and its parameters were chosen "
            md += "on the other folds' topics alone (each system judged there by its own cross-validated NDCG@10, the simpler one preferred "
            md += "within a standard error) and the fold was ranked with that choice, so its score is an honest estimate of choosing this way:\n\n"
            md += "| fold | topics | chosen | NDCG@10 on the fold | why |\n|---:|---:|---|---:|---|\n"
            for f in r.folds {
                let p = f.parameters.isEmpty ? "" : " " + ExperimentRunner.describe(f.parameters)
                md += "| \(f.fold + 1) | \(f.topics) | `\(f.system)`\(p) | " + (f.heldOutNDCG10.map { String(format: "%.4f", $0) } ?? "–")
                md += " | " + f.reason + " |\n"
            }
            md += "\nFor new queries the choice is made the same way on all \(r.choice.topics) topics: **`\(r.system)`**\(params). "
            md += r.choice.reason + " (Its own row above is not an honest estimate of it: it was chosen on these topics.)\n\n"
        }
        md += "How each system fared in the choice (cross-validated NDCG@10 on \(r.method == .tuningTopics ? "the tuning topics" : "all the topics"); "
        md += "complexity counts the scorers, modifiers and tuned parameters):\n\n"
        md += "| system | complexity | cross-validated NDCG@10 |\n|---|---:|---:|\n"
        for (i, name) in r.candidates.enumerated() {
            let mark = i == r.choice.system ? " (chosen)" : i == r.choice.best ? " (best)" : ""
            md += String(format: "| `%@`%@ | %d | %.4f |\n", name, mark, r.complexities[i], r.choice.estimates[i])
        }
        md += "\nRun it on new queries, on an index built as this one was"
        if r.recipe.index.center && (try? r.recipe.options().usesModel) == true {
            md += " (with mean-centred word vectors: `desm index --center`"
            md += r.recipe.index.centroid == "mean" ? ")" : ", `--centroid \(r.recipe.index.centroid)`)"
        }
        md += ": `desm run INDEX --topics TOPICS --recipe \(config.name).json` "
        md += "(the recipe, every setting of the system, is `recommended.recipe` in the JSON).\n\n"
        return md
    }

    /// Each tuned system's choice: on the tuning topics (with the α sweep for mixtures), or
    /// by cross-validation (each fold's choice and its held-out NDCG@10).
    func tuningSection() -> String {
        let tuned = outcome.systems.compactMap { name in outcome.tunings[name].map { (name, $0) } }
        guard !tuned.isEmpty else { return "" }
        var md = "## Tuned parameters\n\n"
        md += "Each parameter is chosen by NDCG@10 over a grid: "
        md += config.tuning != nil ? "on the tuning topics, never on the test topics. "
            : "by \(runner.folds)-fold cross-validation over the test topics (topics sorted by id in byte order, the i-th, counting from 0, in fold 1 + i mod \(runner.folds)); each fold is ranked with the parameters chosen on the other folds, and the system's run is the union. "
        md += "Ties go to the setting nearest the middle of the grid.\n\n"
        for (name, t) in tuned {
            let grid = t.grid
            let values = grid.dimensions.map { d in "\(d.name) ∈ {" + d.values.map(formatParameter).joined(separator: ", ") + "}" }
            switch t.method {
            case .tuningTopics:
                let chosen = t.chosen!
                md += String(format: "`%@`: %@, NDCG@10 %.4f on the tuning topics (%d setting(s): %@).\n\n", name,
                             ExperimentRunner.describe(grid.parameters(chosen)), t.means[chosen], grid.count, values.joined(separator: "; "))
                if let sweep = alphaSweep(t, around: chosen) {
                    md += "| α | " + sweep.map { formatParameter($0.alpha) }.joined(separator: " | ") + " |\n"
                    md += "|---|" + sweep.map { _ in "---:" }.joined(separator: "|") + "|\n"
                    md += "| NDCG@10 (tuning) | " + sweep.map { String(format: "%.4f", $0.ndcg10) }.joined(separator: " | ") + " |\n\n"
                }
            case .crossValidation(let k):
                md += "`\(name)`: \(k)-fold cross-validation (\(grid.count) setting(s): \(values.joined(separator: "; "))).\n\n"
                md += "| fold | topics | chosen | NDCG@10 on the other folds | NDCG@10 on the fold |\n|---:|---:|---|---:|---:|\n"
                for f in t.folds {
                    md += String(format: "| %d | %d | %@ | %.4f | %@ |\n", f.fold + 1, f.topics.count,
                                 ExperimentRunner.describe(grid.parameters(f.point)), f.trainingScore,
                                 f.heldOutScore.map { String(format: "%.4f", $0) } ?? "–")
                }
                md += "\n"
                if grid.names == ["alpha"] {
                    md += "For reference only (never used to choose): NDCG@10 of each α on all the test topics.\n\n"
                    md += "| α | " + grid.dimensions[0].values.map(formatParameter).joined(separator: " | ") + " |\n"
                    md += "|---|" + t.means.map { _ in "---:" }.joined(separator: "|") + "|\n"
                    md += "| NDCG@10 (test) | " + t.means.map { String(format: "%.4f", $0) }.joined(separator: " | ") + " |\n\n"
                }
            }
        }
        return md
    }

    /// NDCG@10 on the tuning topics for each α, the other parameters at their chosen values.
    func alphaSweep(_ t: TuningOutcome, around chosen: Int) -> [(alpha: Double, ndcg10: Double)]? {
        guard let d = t.grid.names.firstIndex(of: "alpha") else { return nil }
        let fixed = t.grid.indexes(chosen)
        return (0..<t.grid.count).compactMap { i in
            let ix = t.grid.indexes(i)
            guard ix.indices.allSatisfy({ $0 == d || ix[$0] == fixed[$0] }) else { return nil }
            return (t.grid.dimensions[d].values[ix[d]], t.means[i])
        }
    }

    /// The results as JSON: `{"name", "desm_version", "topics", "systems": [{"system", "tag",
    /// "uses_embeddings", "recommended", "parameters", "mean", "per_topic"}]}`, measures
    /// under trec_eval's names; tuned systems also say how they were tuned (`tuning`).
    func json() throws -> String {
        var systems: [[String: Any]] = []
        let byName = Dictionary(comparison.evaluations.map { ($0.runName, $0) }, uniquingKeysWith: { a, _ in a })
        for (i, name) in outcome.systems.enumerated() {
            guard let e = byName[name] else { continue }
            var mean: [String: Any] = [:]
            for m in Self.measures { mean[m.name] = e.summary(m) ?? 0 }
            var perTopic: [String: Any] = [:]
            for (ti, topic) in e.topics.enumerated() {
                var values: [String: Any] = [:]
                for (mi, m) in e.measures.enumerated() { values[m.name] = e.values[ti][mi] }
                perTopic[topic] = values
            }
            var system: [String: Any] = [
                "system": name, "tag": outcome.tags[i], "uses_embeddings": outcome.usesEmbeddings[i],
                "recommended": name == outcome.recommended,
                "parameters": outcome.tunings[name]?.chosenParameters ?? [:],
                "mean": mean, "per_topic": perTopic,
            ]
            if let recipe = outcome.recipes[name] { system["recipe"] = try recipe.jsonObject() }
            if let t = outcome.tunings[name] {
                switch t.method {
                case .tuningTopics:
                    system["tuning"] = ["method": "tuning_topics", "ndcg_cut_10": t.tuningNDCG10 ?? 0, "settings": t.grid.count] as [String: Any]
                case .crossValidation(let k):
                    system["tuning"] = [
                        "method": "cross_validation", "folds": k, "settings": t.grid.count,
                        "fold_choices": t.folds.map { f -> [String: Any] in
                            var c: [String: Any] = ["fold": f.fold + 1, "topics": f.topics.count,
                                                    "parameters": t.grid.parameters(f.point),
                                                    "training_ndcg_cut_10": f.trainingScore]
                            if let h = f.heldOutScore { c["held_out_ndcg_cut_10"] = h }
                            return c
                        },
                    ] as [String: Any]
                }
            }
            systems.append(system)
        }
        let r = outcome.recommendation
        var recommended: [String: Any] = [
            "system": r.system, "parameters": r.parameters, "reason": r.choice.reason, "recipe": try r.recipe.jsonObject(),
            "topics": r.choice.topics,
            "estimates": Dictionary(uniqueKeysWithValues: zip(r.candidates, r.choice.estimates)),
        ]
        switch r.method {
        case .tuningTopics:
            recommended["method"] = "tuning_topics"
        case .nestedCrossValidation(let k):
            recommended["method"] = "nested_cross_validation"
            recommended["folds"] = r.folds.map { f -> [String: Any] in
                var c: [String: Any] = ["fold": f.fold + 1, "topics": f.topics, "system": f.system, "parameters": f.parameters, "reason": f.reason]
                if let h = f.heldOutNDCG10 { c["held_out_ndcg_cut_10"] = h }
                return c
            }
            recommended["fold_count"] = k
        }
        let root: [String: Any] = [
            "name": config.name, "desm_version": desmVersion, "topics": outcome.judgedTopics, "systems": systems,
            "recommended": recommended,
        ]
        let data = try JSONSerialization.data(withJSONObject: root, options: [.sortedKeys])   // compact: 39 systems × per-topic values pretty-printed passed 2 MB
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    func write() throws {
        let dir = runner.resultsDirectory
        let name = config.name
        var labels: [String] = [], values: [Double] = [], lower: [Double] = [], upper: [Double] = []
        for (r, e) in comparison.evaluations.enumerated() {
            let ci = tConfidenceInterval(comparison.sharedValues(r, .ndcgCut(10)))
            labels.append(e.runName)
            values.append(comparison.mean(r, .ndcgCut(10)) ?? 0)
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
        try writeFileAtomically(outcome.jsonPath, text: try json())
        try writeFileAtomically(outcome.reportPath, text: markdown(chart: "\(name).svg", diffChart: diffName))
    }
}

/// A path shown relative to `root` (by default the current directory) when it lies below it
/// (reports, messages).
public func displayPath(_ p: String, relativeTo root: String? = nil) -> String {
    let base = root ?? FileManager.default.currentDirectoryPath
    let std = (p as NSString).standardizingPath
    return std.hasPrefix(base + "/") ? String(std.dropFirst(base.count + 1)) : std
}
