import ArgumentParser
import DesmEval
import DesmText
import Foundation

/// `desm experiment`: one config file → trained (or cached) model, index, runs, evaluation
/// and a report.
struct ExperimentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiment",
        abstract: "Run a whole experiment from one JSON or YAML config: train or reuse a model, index, rank every system, evaluate, report.",
        discussion: """
        The config names the collection, topics, qrels, the training inputs (or a pretrained \
        model) and the systems to compare. Relative paths are relative to the config file. \
        JSON, or YAML (.yaml/.yml) with the same keys. Keys (snake_case or camelCase):
          name            report name: <results>/<name>.md, <name>.json,
                          <name>.svg, <name>-in-out-minus-in-in.svg
          collection      collection file or directory (detected, or "format")
          topics, fields  topic file and the field(s) forming queries
                          (default ["query"])
          qrels           judgments; relevance_level for binary measures (1)
          tuning          {"topics": …, "qrels": …}: other queries on which
                          every tuned parameter is chosen (by NDCG@10);
                          without it, k-fold cross-validation over the test
                          topics
          folds           folds of that cross-validation (default 5; topics
                          sorted by id in byte order, the i-th in fold i mod k)
          training        {"corpora": ["collection", "text8.gz"], "arch": "sg",
                           "dim": 100, "window": 5, "negative": 5,
                           "sample": 1e-3, "min_count": 5, "epochs": 5,
                           "alpha": 0.025, "threads": 2, "seed": 1}
          model           a model file instead of training
          systems         <base>[+<modifier>]...: base bm25, in-out, in-in,
                          out-out, out-in, rerank:<variant> or
                          mixture:<variant>; modifiers rm3 (Anserini's RM3,
                          untuned), rm3e (RM3 re-weighted by the embeddings,
                          γ and λ tuned), topical (IN-OUT neighbour expansion, words
                          and weight tuned), ax (Anserini's Ax, untuned; one of
                          rm3, rm3e, topical, ax), vfb (vector feedback, β tuned;
                          DESM bases). Default: the whole family,
                          \(ExperimentConfig.defaultSystems.joined(separator: ", ")).
          rerank_depth    BM25 candidates re-ranked by rerank:* systems (100)
          alphas, norm    α values tried for mixtures (default 0, 0.1, …, 1)
                          and the per-query normalisation (default zscore)
          grids           other values tried, by default {"gamma": [0, 1, 2,
                          4], "rm3_weight": [0.5, 0.7, 0.9],
                          "topical_words": [5, 10, 20],
                          "topical_weight": [0.5, 0.6, 0.7, 0.8, 0.9],
                          "beta": [0.1, 0.2, 0.3, 0.5]}; a system's parameters
                          are searched jointly (every combination)
          center          mean-centre the word vectors (desm index --center;
                          default false)
          query_stopwords words dropped from queries: none (default), questions
                          or a stopword file (desm run --query-stopwords)
          k1, b, depth    BM25 parameters (0.9, 0.4) and documents per topic
                          (1000)
          results, cache  output folders (default results/ and cache/ beside
                          the config)
        The report marks each system against bm25 and against bm25+rm3 (paired t-test and \
        randomization test, p < 0.05). Results are also written as <results>/<name>.json.
        The model is cached under a key made of its parameters and its inputs' sizes and \
        content checksums (CRC-32), so a copied or touched data file keeps its cache; the \
        index under the model's checksum and the collection's. The runs are \
        kept in <cache>/runs-<name>/ for `desm eval`.

        Example:
          desm experiment eval/scifact.json
        """
    )

    @Argument(help: "Experiment config: JSON, or YAML when the name ends in .yaml or .yml.")
    var config: String

    @Flag(name: .long, help: "No progress lines.")
    var quiet = false

    func run() throws {
        try runExperiment(configPath: config, command: "desm experiment \(config)", quiet: quiet)
    }
}

/// Runs the experiment of a config file and prints its table.
func runExperiment(configPath: String, command: String, quiet: Bool) throws {
    let config = try ExperimentConfig.load(path: configPath)
    try runExperiment(ExperimentRunner(config: config, configPath: configPath, command: command, quiet: quiet) {
        printError($0)
    })
}

/// Runs an experiment and prints its table (shared by `experiment` and `demo`).
func runExperiment(_ runner: ExperimentRunner) throws {
    let outcome = try runner.run()
    print(outcome.comparison.table(alpha: 0.05))
    if let rm3 = outcome.rm3Comparison {
        print("")
        print(rm3.table(alpha: 0.05))
    }
    for name in outcome.systems {
        guard let t = outcome.tunings[name] else { continue }
        switch t.method {
        case .tuningTopics:
            print("\(name): \(t.describeChoice()) chosen on the tuning topics")
        case .crossValidation(let k):
            print("\(name): \(k)-fold cross-validation: " + t.folds.map { "fold \($0.fold + 1) \(t.describe($0.point))" }.joined(separator: "; "))
        }
    }
    let r = outcome.recommendation
    let parameters = r.parameters.isEmpty ? "" : " " + ExperimentRunner.describe(r.parameters)
    switch r.method {
    case .tuningTopics:
        print("recommended: \(r.system)\(parameters) (chosen on the tuning topics)")
    case .nestedCrossValidation(let k):
        print("recommended: nested \(k)-fold cross-validation: " + r.folds.map { "fold \($0.fold + 1) \($0.system)" }.joined(separator: "; "))
        print("recommended for new queries: \(r.system)\(parameters) (chosen the same way on all the topics)")
    }
    print("why: " + r.choice.reason.replacingOccurrences(of: "`", with: ""))
    print("recipe: desm run INDEX --topics TOPICS --recipe \(displayPath(outcome.jsonPath))")
    print(String(format: "report: %@ (%.1f s)", displayPath(outcome.reportPath), outcome.seconds))
}
