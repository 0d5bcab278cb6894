import DesmEval
import DesmIndex
import DesmSample
import DesmText
import DesmWord2Vec
import Foundation

/// What `desm serve` without an index serves: the built-in sample (collections/sample, as
/// `desm demo` runs it), its embeddings trained as the sample's experiment.json says, and an
/// index that keeps each document's whole text (the sample's documents are short), so the
/// page can shade all of it.
public enum SampleIndex {
    public static let snippetBytes = 4096

    /// Extracts the sample to `directory`, trains (or, in a cache from an earlier run, reuses)
    /// the model and builds (or reuses) the index; returns the index's path.
    public static func prepare(in directory: String, quiet: Bool, log: @escaping (String) -> Void) throws -> String {
        let root = directory + "/sample"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let configPath = try SampleCollection.extract(to: root)
        var config = try ExperimentConfig.load(path: configPath)
        config.cache = directory + "/cache"
        try FileManager.default.createDirectory(atPath: config.cache!, withIntermediateDirectories: true)
        let runner = ExperimentRunner(config: config, configPath: configPath, command: "desm serve", quiet: quiet, log: log)
        runner.inputRoot = root
        let modelPath = try runner.modelPath()
        let model = try EmbeddingModel.load(path: modelPath)
        let indexPath = directory + "/sample.idx"
        if let existing = try? DocumentIndex(path: indexPath), existing.manifest.modelChecksum == model.checksum,
           existing.manifest.snippetBytes == snippetBytes {
            if !quiet { log("index: reusing \(indexPath)") }
            return indexPath
        }
        var options = IndexBuildOptions(threads: 2, snippetBytes: snippetBytes, collectionName: SampleCollection.directory + "/corpus.jsonl")
        options.modelPath = modelPath
        try IndexBuilder(model: model, options: options).build(collectionPath: config.collection, to: indexPath)
        if !quiet { log("index: built \(indexPath)") }
        return indexPath
    }
}
