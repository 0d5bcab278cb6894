import DesmIndex
import DesmText
import DesmWord2Vec
import Foundation

/// The experiment's cache: models keyed by their training parameters and inputs' content,
/// indexes by the model's checksum and the collection's content.
extension ExperimentRunner {
    // MARK: The model

    /// Loads the configured model, or reuses a cached one trained with the same parameters
    /// on the same inputs, or trains and caches it.
    func obtainModel() throws -> (EmbeddingModel, ModelInfo) {
        if let path = config.model {
            let m = try EmbeddingModel.load(path: path)
            say("model: \(path) (\(m.vocabulary.count) words, dim \(m.dim))")
            return (m, ModelInfo(path: path, cached: false, trainedNow: false, parameters: nil, corpora: [],
                                 vocabulary: m.vocabulary.count, dim: m.dim, checksum: m.checksum))
        }
        guard let spec = config.training else {
            throw DesmError("the config needs \"training\" or \"model\"", path: configPath)
        }
        let parameters = try trainingParameters(spec)
        let inputs = spec.corpora.map { $0 == "collection" ? config.collection : $0 }
        let key = try cacheKey(parameters: parameters, inputs: inputs)
        let path = cacheDirectory + "/model-\(key).desm"
        if FileManager.default.fileExists(atPath: path), let m = try? EmbeddingModel.load(path: path) {
            say("model: reusing \(path) (same parameters and inputs)")
            return (m, ModelInfo(path: path, cached: true, trainedNow: false, parameters: parameters, corpora: inputs,
                                 vocabulary: m.vocabulary.count, dim: m.dim, checksum: m.checksum))
        }
        for input in inputs { say("training input: \(input)") }
        let recipe = TrainingRecipe(parameters: parameters,
                                    inputs: zip(spec.corpora, inputs).map { TrainingInput(path: $1, kind: $0 == "collection" ? .collection : .corpus) },
                                    quiet: quiet) { [self] line in say(line) }
        let report = try recipe.run(saveTo: path).report
        say(String(format: "trained in %.1f s (%.0f words/s); cached as %@", report.seconds, report.wordsPerSecond, path))
        let loaded = try EmbeddingModel.load(path: path)
        return (loaded, ModelInfo(path: path, cached: false, trainedNow: true, parameters: parameters, corpora: inputs,
                                  vocabulary: loaded.vocabulary.count, dim: loaded.dim, checksum: loaded.checksum,
                                  trainingWords: report.words, trainingSeconds: report.seconds))
    }

    /// The configured model's path: loaded, reused from the cache or trained and cached, as
    /// `run` obtains it (`desm serve` uses it to serve the built-in sample).
    public func modelPath() throws -> String { try obtainModel().1.path }

    /// The config's training parameters (`TrainingSpec.parameters`); errors name the config.
    func trainingParameters(_ spec: ExperimentConfig.TrainingSpec) throws -> TrainingParameters {
        do { return try spec.parameters() } catch let e as DesmError {
            throw DesmError(e.message, path: configPath)
        }
    }

    /// A short hash of everything that determines the model: parameters, analyzer settings
    /// and each input's identity (`fileIdentity`: size and content CRC-32).
    func cacheKey(parameters: TrainingParameters, inputs: [String]) throws -> String {
        var text = ""
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        text += String(decoding: try encoder.encode(parameters), as: UTF8.self)
        text += String(decoding: try encoder.encode(AnalyzerSettings.standard), as: UTF8.self)
        for input in inputs { text += "|" + (try fileIdentity(input)) }
        var crc = CRC32()
        crc.update(Array(text.utf8))
        var crc2 = CRC32()
        crc2.update(Array(text.utf8.reversed()))
        return String(format: "%08x%08x", crc.value, crc2.value)
    }

    /// What a cached model or index depends on in an input: each file's size and the CRC-32
    /// of its content (not its path or time, so a re-copied data folder keeps its cache; a
    /// checksum of ~100 MB costs well under a second). The CRC of a file is memoised by
    /// (path, size, modification time) for the life of the runner.
    func fileIdentity(_ path: String) throws -> String {
        let files = try listCollectionFiles(path)
        return try files.map { f -> String in
            let a = try? FileManager.default.attributesOfItem(atPath: f)
            let size = (a?[.size] as? NSNumber)?.intValue ?? -1
            let time = (a?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            let memo = "\(f):\(size):\(time)"
            if let known = contentChecksums[memo] { return known }
            let mapped = try MappedFile(path: f)
            let identity = String(format: "%d:%08x", mapped.count, CRC32.of(mapped.bytes))
            contentChecksums[memo] = identity
            return identity
        }.joined(separator: ",")
    }

    // MARK: The index

    func obtainIndex(model: EmbeddingModel, modelPath: String, center: Bool) throws -> (DocumentIndex, IndexManifest) {
        var text = String(format: "%08x", model.checksum) + "|" + (try fileIdentity(config.collection))
        text += "|" + (config.format?.rawValue ?? "auto") + (center ? "|center" : "")
        var crc = CRC32()
        crc.update(Array(text.utf8))
        let path = cacheDirectory + "/index-" + String(format: "%08x", crc.value)
        if FileManager.default.fileExists(atPath: path + "/manifest.json"), let index = try? DocumentIndex(path: path),
           index.manifest.modelChecksum == model.checksum {
            say("index: reusing \(path)")
            return (index, index.manifest)
        }
        say("indexing: \(config.collection)" + (center ? " (word vectors mean-centred)" : ""))
        // Refuse at once, with the estimate, rather than be killed mid-build.
        let need = MemoryEstimate.indexing(modelVocabulary: model.vocabulary.count, dim: model.dim,
                                           collectionBytes: try MemoryEstimate.collectionTextBytes(config.collection), threads: 2)
        say(try need.check())
        let reader = try CollectionReader(path: config.collection, format: config.format)
        var options = IndexBuildOptions(threads: 2, collectionName: config.collection)
        options.modelPath = modelPath
        options.center = center
        let builder = try IndexBuilder(model: model, options: options)
        let progress = ProgressReporter(label: "indexing", unit: "docs", quiet: quiet)
        try builder.build(collection: reader, to: path, progress: progress)
        progress.finish()
        for note in reader.notes { say("note: \(note)") }
        let index = try DocumentIndex(path: path)
        return (index, index.manifest)
    }
}
