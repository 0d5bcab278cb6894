import ArgumentParser
import DesmText
import Foundation

/// `desm demo`: the experiment on the built-in sample collection.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole experiment on the built-in sample collection (collections/sample): train, index, rank, evaluate, report.",
        discussion: """
        Equivalent to `desm experiment collections/sample/experiment.json`, run from the \
        repository's root. It trains word2vec (skip-gram, negative sampling) on the sample's \
        323 documents, indexes them, ranks the 40 topics with BM25, BM25+RM3, DESM IN-IN and \
        IN-OUT (over the whole collection and re-ranking BM25's top 100), their mixtures with \
        BM25, and the recommended system (the IN-IN mixture over embedding-weighted RM3), every \
        tuned parameter chosen on the 20 tuning topics; evaluates with trec_eval's definitions \
        and writes eval/results/sample.md (and .json) with its charts.
        """
    )

    @Option(name: .long, help: "Experiment config to run instead of the sample's.")
    var config: String = "collections/sample/experiment.json"

    @Flag(name: .long, help: "No progress lines.")
    var quiet = false

    func run() throws {
        guard FileManager.default.fileExists(atPath: config) else {
            throw DesmError("not found: run `desm demo` from the root of the desm repository (or pass --config)", path: config)
        }
        try runExperiment(configPath: config, command: "desm demo", quiet: quiet)
    }
}
