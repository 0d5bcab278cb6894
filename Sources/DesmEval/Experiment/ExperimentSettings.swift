import DesmIndex
import DesmText
import Foundation

/// The report's "Settings" section: every input named by its path as the config wrote it
/// (relative to the config's directory), never by this machine's absolute paths, and every
/// setting that changes a score: the model, the index's centroids and centring, the query
/// stoplist, each expansion and feedback, BM25, depths, normalisation and the run tags.
extension ExperimentReport {
    func settingsSection() -> String {
        var md = "## Settings\n\n"
        md += runner.inputRoot != nil ? "Paths are those of the built-in sample in the repository.\n\n"
                                      : "Paths are as the config writes them (relative to its directory).\n\n"
        let index = outcome.index
        md += "- Collection: `\(input(config.collection))`, \(index.documents) documents"
        if index.documentsWithoutVocabulary > 0 { md += " (\(index.documentsWithoutVocabulary) with no in-vocabulary word: DESM scores them 0)" }
        md += String(format: "; BM25 statistics: %d terms, average length %.1f.\n", index.bm25.terms, index.bm25.averageLength)
        md += "- Topics: `\(input(config.topics))`, field(s) \(runner.fields.joined(separator: " + ")); qrels `\(input(config.qrels))`.\n"
        if let t = config.tuning {
            md += "- Tuning topics (every tuned parameter): `\(input(t.topics))`, qrels `\(input(t.qrels))`.\n"
        } else if !outcome.tunings.isEmpty {
            md += "- No tuning topics: tuned parameters chosen by \(runner.folds)-fold cross-validation over the test topics.\n"
        }
        let m = outcome.model
        if let p = m.parameters {
            md += "- Embeddings trained on \(m.corpora.map { "`\(input($0))`" }.joined(separator: " + ")): "
            md += "\(p.architecture.rawValue), negative sampling (\(p.negative) noise words), dim \(p.dim), window \(p.window), "
            md += "sample \(p.sample), min-count \(p.minCount), \(p.epochs) epochs, learning rate \(p.startingAlpha), \(p.threads) thread(s), seed \(p.seed); "
            md += "vocabulary \(m.vocabulary) words.\n"
        } else {
            md += "- Embeddings: pretrained model `\(input(m.path))`, vocabulary \(m.vocabulary) words, dim \(m.dim).\n"
        }
        md += String(format: "- Model checksum %08x; analyzer: embedding tokens unstemmed, BM25 terms Porter-stemmed with Lucene's English stopwords.\n", m.checksum)
        md += "- Index: document centroids `\(index.centroid)` ("
        md += index.centroid == "idf" ? "the idf-weighted mean" : "the mean"
        md += " of the document's in-vocabulary words' unit vectors); word vectors "
        md += index.center == true
            ? "mean-centred (count-weighted mean of each space subtracted) before centroids and query vectors (`desm index --center`).\n"
            : "not centred (the paper's DESM).\n"
        if outcome.centredIndex != nil {
            md += "- Systems named `…@centred` rank on a second index of the same model and collection whose word vectors are mean-centred "
            md += "(count-weighted mean of each space subtracted, `desm index --center`), so that the recommendation weighs the paper's DESM against centring.\n"
        }
        md += "- Query stoplist" + stoplistSetting() + "\n"
        md += "- Query expansion and feedback: " + expansionSettings() + "\n"
        md += "- BM25 k1 \(runner.bm25.k1), b \(runner.bm25.b); re-ranking depth \(runner.rerankDepth); run depth \(runner.depth); mixture normalisation \(runner.normalisation.rawValue).\n"
        md += "- Run tags:\n"
        for (name, tag) in zip(outcome.systems, outcome.tags) { md += "  - `\(name)`: `\(tag)`\n" }
        return md
    }

    /// `: none.`, or the list's name, source and words.
    func stoplistSetting() -> String {
        guard let q = try? runner.queryStoplist(), !q.isEmpty else { return ": none." }
        var s = " `\(q.name)`"
        if let spec = config.queryStopwords, !QueryStoplist.builtInNames.contains(spec) { s += " from `\(input(spec))`" }
        return s + " (\(q.words.sorted().joined(separator: " "))): removed from every query (DESM words and BM25 terms) before scoring; documents and index unchanged."
    }

    /// Each expansion or feedback some system uses, with its fixed parameters and the ones
    /// it tunes (their values: the run tags and "Tuned parameters"), and which systems use it.
    func expansionSettings() -> String {
        var described: [(String, [String])] = []
        func add(_ text: String, _ system: String) {
            if let i = described.firstIndex(where: { $0.0 == text }) { described[i].1.append(system) } else { described.append((text, [system])) }
        }
        for name in outcome.systems {
            guard let system = try? ExperimentRunner.System(name, path: "") else { continue }
            let o = system.baseOptions
            let tuned = Set(system.tunedParameters)
            switch o.expansion {
            case .rm3(let p):
                var text = "RM3 with \(p.documents) feedback documents and \(p.terms) feedback terms, original query weight "
                text += tuned.contains("rm3_weight") ? "λ tuned" : formatParameter(p.originalQueryWeight)
                if tuned.contains("gamma") { text += ", feedback terms re-weighted by the embeddings with γ tuned" }
                else if p.embeddingWeight > 0 { text += ", feedback terms re-weighted by the embeddings with γ \(formatParameter(p.embeddingWeight))" }
                add(text, name)
            case .ax(let p):
                add("Ax (Anserini's axiomatic term matching) with the top \(p.topDocuments) documents in a pool of \(p.topDocuments * p.poolFactor), β \(formatParameter(p.beta)), \(p.terms) terms, seed \(p.seed)", name)
            case .topical(let p):
                add("topical expansion by the query's IN-OUT neighbours, " + (tuned.contains("topical_words")
                    ? "number of words and original query weight tuned"
                    : "\(p.words) words, original query weight \(formatParameter(p.originalQueryWeight))"), name)
            case nil: break
            }
            if let f = o.vectorFeedback {
                add("vector feedback moving the DESM query vector towards the top \(f.documents) lexical documents, weight " +
                    (tuned.contains("beta") ? "β tuned" : formatParameter(f.weight)), name)
            }
        }
        if described.isEmpty { return "none." }
        return described.map { text, systems in text + " (" + systems.map { "`\($0)`" }.joined(separator: ", ") + ")" }
            .joined(separator: "; ") + "."
    }

    /// The command that reproduces the report, without this machine's absolute paths: the
    /// config as typed when relative, relative to the current directory when below it, else
    /// by its file name, run in the config's directory.
    func reproduction() -> String {
        let path = runner.configPath, command = runner.command
        guard path.hasPrefix("/"), command.contains(path) else { return "`\(command)`" }
        let shown = displayPath(path)
        if !shown.hasPrefix("/") { return "`" + command.replacingOccurrences(of: path, with: shown) + "`" }
        return "`" + command.replacingOccurrences(of: path, with: (path as NSString).lastPathComponent) + "` in the config's directory"
    }

    /// Where the model and index are cached, as the config says it.
    func cacheSetting() -> String {
        if runner.inputRoot != nil { return "`\(displayPath(runner.cacheDirectory))`" }
        return config.cache.map { "`\(input($0))`" } ?? "`cache/` beside the config"
    }
}
