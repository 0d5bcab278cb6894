import ArgumentParser
import DesmEval
import DesmText

/// `desm eval`: trec_eval-compatible evaluation of one run, or a side-by-side comparison of
/// several runs with paired significance tests.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate TREC runs against qrels, as trec_eval 9.0.8 does; compare runs with significance tests.",
        discussion: """
        With one run the output is trec_eval's own (`measure<TAB>topic<TAB>value`, values \
        %6.4f, counts as integers, the mean under topic `all`), so scripts written for \
        trec_eval keep working. With several runs the output is a table (rows = measures, \
        columns = runs) with each run's difference to the first and marks for a two-sided \
        paired t-test (†) and a two-sided paired randomization test (‡, 10,000 permutations, \
        fixed seed) at p < --alpha. The table compares the runs over the topics they all have: \
        when one run lacks topics another has, every value, difference and test is over the \
        shared topics, and the table's last lines say so and how many topics each run lacks. \
        --json prints everything (each run's own summary and its summary over the shared \
        topics, tests, per-topic values with -q) for machines.

        Notes on stderr, per run: topics not in the qrels, qrels topics not in the run, topics \
        that retrieved no judged document (they score 0), and how many retrieved docnos appear \
        in no qrels line (with examples; all of them means the run and the qrels name documents \
        differently). The numbers are trec_eval's either way.

        Semantics (trec_eval 9.0.8, also pytrec_eval's): the rank column is ignored; documents \
        are sorted by score (compared as 32-bit floats) descending, ties by docno descending; \
        negative grades count as unjudged; NDCG gains are the grades, discount log2(rank+1); \
        run topics absent from the qrels are ignored; means are over the topics in both run \
        and qrels, or over all qrels topics with -c (missing topics add 0); num_ret, num_rel \
        and num_rel_ret are summed, not averaged.

        Measures (-m, repeatable, trec_eval names): num_q, num_ret, num_rel, num_rel_ret, map, \
        Rprec, recip_rank, P.k, recall.k, ndcg, ndcg_cut.k (several cutoffs as ndcg_cut.5,10; \
        no cutoff = 5,10,15,20,30,100,200,500,1000), runid, all_trec (all of them, the default).

        Qrels: TREC `qid iter docno grade` or BEIR `query-id corpus-id score` (with header). \
        Runs: TREC `qid Q0 docno rank score tag`. Plain or gzip.

        Examples:
          desm eval --qrels qrels-dl19.txt -m ndcg_cut.10 -m map bm25.run
          desm eval --qrels qrels-dl19.txt -l 2 -q bm25.run
          desm eval --qrels qrels.txt -m ndcg_cut.10 bm25.run in-out.run mix.run
          desm eval --qrels qrels.txt --json -q bm25.run in-out.run > eval.json
          desm eval --qrels qrels.txt --chart ci.svg --diff-chart d.svg \\
                    in-in.run in-out.run
        """
    )

    @Option(name: .long, help: "Relevance judgments (TREC qrels or BEIR qrels/test.tsv).")
    var qrels: String

    @Argument(help: "Run files (TREC 6-column). The first one is the baseline of comparisons.")
    var runs: [String]

    @Option(name: [.customShort("m"), .customLong("measure")],
            help: ArgumentHelp("Measure to report, trec_eval style (repeatable): map, ndcg_cut.10, P.5,10, all_trec …", valueName: "measure"))
    var measures: [String] = []

    @Flag(name: [.customShort("q"), .customLong("per-topic")], help: "Also print per-topic values (trec_eval -q; per-topic values in --json).")
    var perTopic = false

    @Flag(name: [.customShort("c"), .customLong("complete")], help: "Average over all qrels topics, a topic missing from a run scoring 0 (trec_eval -c).")
    var complete = false

    @Option(name: [.customShort("l"), .customLong("level")], help: "Smallest grade counted as relevant by the binary measures (trec_eval -l; TREC DL uses 2).")
    var level: Int = 1

    @Option(name: [.customShort("M"), .customLong("max-docs")], help: "Evaluate only the first N documents of each topic, after sorting (trec_eval -M; default: all).")
    var maxDocs: Int?

    @Flag(name: .long, help: "Print JSON (summaries, paired tests, per-topic values with -q).")
    var json = false

    @Option(name: .long, help: "Permutations of the randomization test.")
    var permutations: Int = 10_000

    @Option(name: .long, help: "Seed of the randomization test.")
    var seed: UInt64 = 0x5EED_DE5A

    @Flag(name: .long, help: "Show the p-values of both tests in the comparison table ([t p, r p]).")
    var pValues = false

    @Option(name: .long, help: "Significance level for the marks in the comparison table.")
    var alpha: Double = 0.05

    @Flag(name: .long, help: "No progress display while reading runs.")
    var quiet = false

    @Option(name: .long, help: "Write the output to this file (atomically) instead of standard output.")
    var output: String?

    @Option(name: .long, help: "Write an SVG bar chart of each run's mean with its 95% t confidence interval.")
    var chart: String?

    @Option(name: .long, help: "Write an SVG of the sorted per-topic differences, last run minus first (needs two runs or more).")
    var diffChart: String?

    @Option(name: .long, help: "The measure the charts show.")
    var chartMeasure: String = "ndcg_cut.10"

    func validate() throws {
        if runs.isEmpty { throw ValidationError("give at least one run file") }
        if level < 1 { throw ValidationError("-l must be at least 1") }
        if let m = maxDocs, m < 1 { throw ValidationError("-M must be at least 1") }
        if permutations < 1 { throw ValidationError("--permutations must be at least 1") }
        if !(alpha > 0 && alpha < 1) { throw ValidationError("--alpha must be between 0 and 1") }
        if diffChart != nil && runs.count < 2 { throw ValidationError("--diff-chart needs two runs or more") }
    }

    func run() throws {
        if let output { try checkOutput(output, .report, option: "--output") }
        if let chart { try checkOutput(chart, .svg, option: "--chart") }
        if let diffChart { try checkOutput(diffChart, .svg, option: "--diff-chart") }
        var wanted = try measures.isEmpty ? Measure.all : Measure.parse(measures)
        let chartMeasures = (chart != nil || diffChart != nil) ? try Measure.parse([chartMeasure]) : []
        if chartMeasures.count > 1 { throw DesmError("--chart-measure must name one measure (got \(chartMeasure))") }
        let chartM = chartMeasures.first
        if let m = chartM, !wanted.contains(m) { wanted = Measure.ordered(Set(wanted + [m])) }
        let judgments = try Qrels.load(path: qrels)
        let options = EvalOptions(relevanceLevel: level, averageOverAllQrelsTopics: complete, maxDocsPerTopic: maxDocs)
        var evaluations: [RunEvaluation] = []
        for path in runs {
            let r = try RunFile.load(path: path, progress: ProgressReporter(label: "reading \(path)", unit: "bytes", quiet: quiet))
            let e = try evaluate(run: r, qrels: judgments, measures: wanted, options: options)
            for note in e.notes(complete: complete) { printError("note: \(path): \(note)") }
            evaluations.append(e)
        }
        let comparison = RunComparison(evaluations, complete: complete, permutations: permutations, seed: seed)
        if comparison.sharedTopics.isEmpty {
            let counts = evaluations.map { "\($0.runName): \($0.topics.count + (complete ? $0.missingTopics.count : 0)) topics" }
            throw DesmError("the runs have no evaluated topic in common (\(counts.joined(separator: ", "))): nothing to compare")
        }
        var text: String
        if json || evaluations.count > 1 {
            text = json ? try comparison.json(perTopic: perTopic) : comparison.table(alpha: alpha, pValues: pValues)
        } else {
            text = formatTrecEval(evaluations[0], perTopic: perTopic)
        }
        if let path = output { try writeFileAtomically(path, text: text) } else { print(text, terminator: "") }

        // The charts show what the table compares: every run over the shared topics.
        if let m = chartM, let path = chart {
            var labels: [String] = [], means: [Double] = [], lows: [Double] = [], highs: [Double] = []
            for (r, e) in evaluations.enumerated() {
                guard let ci = tConfidenceInterval(comparison.sharedValues(r, m)) else { continue }
                labels.append(e.runName); means.append(comparison.mean(r, m) ?? ci.mean)
                lows.append(ci.lower); highs.append(ci.upper)
            }
            let svg = SVGChart.barsWithIntervals(title: "\(m.name), mean with 95% confidence interval",
                                                 labels: labels, values: means, lower: lows, upper: highs)
            try writeFileAtomically(path, text: svg)
        }
        if let m = chartM, let path = diffChart, let first = evaluations.first, let last = evaluations.last {
            let a = comparison.sharedValues(0, m), b = comparison.sharedValues(evaluations.count - 1, m)
            let svg = SVGChart.sortedDifferences(
                title: "\(m.name) per topic: \(last.runName) minus \(first.runName)", values: zip(a, b).map { $1 - $0 })
            try writeFileAtomically(path, text: svg)
        }
    }
}
