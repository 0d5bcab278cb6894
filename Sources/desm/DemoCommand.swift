import ArgumentParser
import DesmEval
import DesmSample
import DesmText
import Foundation

/// `desm demo`: the experiment on the built-in sample collection, from any directory.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole experiment on the built-in sample collection: train, index, rank, evaluate, report.",
        discussion: """
        The sample (collections/sample in the repository: 323 documents on 8 domains, 40 test \
        and 20 tuning topics, their qrels and experiment.json) is built into desm, so the demo \
        runs from any directory. It is extracted to a temporary directory (removed afterwards), \
        and the experiment trains word2vec (skip-gram, negative sampling) on the documents, \
        indexes them, ranks the 40 topics with BM25, BM25+RM3, DESM IN-IN and IN-OUT (over the \
        whole collection and re-ranking BM25's top 100), their mixtures with BM25 and the IN-IN \
        mixture over embedding-weighted RM3, every tuned parameter chosen on the 20 tuning \
        topics, and recommends the system that does best on the tuning topics; evaluates with trec_eval's definitions and \
        writes sample.md (and sample.json and two SVG charts) to the current directory, or to \
        --out DIR. The report names the inputs collections/sample/….

        The model and index are built in the temporary directory too, unless --cache DIR keeps \
        them (a later run with the same --cache reuses them). --config runs another \
        experiment config instead, with its own results and cache folders unless --out and \
        --cache are given.

        Example (what ./build.sh demo runs, from the repository's root):
          desm demo --out eval/results --cache eval/cache
        """
    )

    @Option(name: .long, help: "Directory for the report (sample.md, sample.json, charts); default: the current directory.")
    var out: String?

    @Option(name: .long, help: "Directory that keeps the model, index and runs for later runs; default: a temporary one, removed afterwards.")
    var cache: String?

    @Option(name: .long, help: "Experiment config to run instead of the built-in sample's.")
    var config: String?

    @Flag(name: .long, help: "No progress lines.")
    var quiet = false

    func run() throws {
        for (option, path) in [("--out", out), ("--cache", cache)] {
            guard let path else { continue }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                throw DesmError("\(option) must be a directory, and this is a file", path: path)
            }
        }
        if let config {
            guard FileManager.default.fileExists(atPath: config) else { throw DesmError("not found", path: config) }
            try runExperiment(runner(config: try ExperimentConfig.load(path: config), at: config))
            return
        }
        let work = try WorkDirectory(label: "desm-demo")
        defer { work.remove() }
        let configPath = try SampleCollection.extract(to: work.path)
        var sample = try ExperimentConfig.load(path: configPath)
        sample.results = FileManager.default.currentDirectoryPath   // unless --out
        sample.cache = work.path + "/cache"                          // unless --cache
        let runner = runner(config: sample, at: configPath)
        runner.inputRoot = work.path
        runner.temporaryCache = cache == nil
        try runExperiment(runner)
    }

    /// The experiment's runner, with --out and --cache in place of the config's folders and
    /// the command as given (for the report's "Reproduce with").
    func runner(config: ExperimentConfig, at path: String) -> ExperimentRunner {
        var config = config
        if let out { config.results = (absolutePath(out) as NSString).standardizingPath }
        if let cache { config.cache = (absolutePath(cache) as NSString).standardizingPath }
        var command = "desm demo"
        for (option, value) in [("--config", self.config), ("--out", out), ("--cache", cache)] {
            if let value { command += " \(option) \(value)" }
        }
        return ExperimentRunner(config: config, configPath: path, command: command, quiet: quiet) { printError($0) }
    }
}
