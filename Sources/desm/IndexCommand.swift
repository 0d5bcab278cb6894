import ArgumentParser
import DesmIndex
import DesmText
import DesmWord2Vec
import Foundation

/// `desm index`: builds an index directory (IN/OUT centroids + BM25 postings) from a
/// collection and a model.
struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Index a collection: unit IN and OUT document centroids for DESM, and a BM25 inverted index.",
        discussion: """
        Reads the collection once (twice with --centroid idf; one file or a \
        directory; JSONL, plain or gzip) and writes the index directory OUT:

          manifest.json      format version, counts, model checksum, analyzer
                             settings, BM25 statistics, size and CRC-32 of
                             every file below
          centroids.in/.out  one unit vector per document: the normalised
                             mean of its in-vocabulary tokens' unit IN (OUT)
                             vectors (--centroid idf: weighted by idf;
                             --center: of mean-centred word vectors)
          postings, terms    BM25: stemmed terms (byte-sorted) and their
                             postings (document, tf), delta/varint coded
          docterms           the forward index: each document's terms and
                             their tf (the postings transposed, for feedback)
          doclens, docflags  lengths in terms; documents with no word in the
                             vocabulary (kept, zero centroid, DESM score 0)
          docnos, snippets   document ids and the first bytes of each text
          means              the model's mean IN and OUT word vectors (float64)

        Embedding tokens come from the model's embedding analyzer (unstemmed), BM25 terms \
        from its BM25 analyzer (Lucene's English stopwords, Porter stemmer): title and text \
        are indexed together.

        --center subtracts from every word vector the count-weighted mean vector of its \
        space (IN mean from IN rows, OUT mean from OUT rows) before normalising; a model \
        whose word counts are all equal (an imported one records none) gets the unweighted \
        mean of its rows instead, and a line on stderr says which. The two means are stored \
        in the index (`means`, with `wordMean` in the manifest) and `desm search` centres \
        query vectors with them, whatever model file it is given, so scores are exact \
        cosines of the centred vectors. word2vec's IN and OUT means point \
        almost opposite ways, which makes plain IN-OUT scores mostly measure how generic a \
        document's words are; centring removes that (SciFact re-ranking with the \
        collection model, IN-OUT NDCG@10 0.205 → 0.376: eval/results/scifact*.md). Off by default: \
        the default is DESM as published.

        --shard i/n indexes only shard i of n (0 ≤ i < n): the documents whose docno's \
        FNV-1a 64 hash is i mod n, stable across machines and runs; each one's position in the \
        whole collection is kept (`positions`) so that rankings merged across shards keep the \
        single index's tie order. --statistics FILE (from `desm stats --bm25-statistics`, \
        merged over all shards with `desm stats --merge-statistics`) makes BM25 use the whole \
        collection's N, document frequencies and average length (`globaldf`), so that every \
        BM25 score in the shard equals the single index's. spark/desm_spark.py builds all \
        shards this way (docs/scale-out.md).

        Every file is versioned, checksummed and written atomically; \
        an existing index at OUT is replaced only when the new one is complete. Searching \
        maps the files into memory.

        Example:
          desm index --collection scifact/corpus.jsonl --model text8.model --out sf.idx
          desm index --collection scifact/corpus.jsonl --model text8.model \\
              --out sf-idf.idx --centroid idf
          desm index --collection scifact/corpus.jsonl --model text8.model \\
              --out sf-centred.idx --center
        """
    )

    @Option(name: .long, help: "Collection file or directory.")
    var collection: String

    @Option(name: .long, help: "Model file written by `desm train` (it needs W_OUT: negative sampling).")
    var model: String

    @Option(name: .long, help: "Index directory to write (replaced if it is an index).")
    var out: String

    @Option(name: .long, help: "Force the collection format (default: detected per file).")
    var format: CollectionFormat?

    @Option(name: .long, help: ArgumentHelp("Centroid: mean (DESM's plain mean of unit word vectors) or idf (each word weighted by ln(1 + (N − df + 0.5)/(df + 0.5)); reads the collection twice).", valueName: "mean|idf"))
    var centroid: CentroidWeighting = .mean

    @Flag(name: .long, help: "Mean-centre word vectors (subtract the count-weighted mean of each space; unweighted when the model has no counts) before normalising; queries are centred with the same stored means.")
    var center = false

    @Option(name: .long, help: "Analysis threads (a separate thread reads the collection).")
    var threads: Int = 2

    @Option(name: .long, help: "Bytes of text kept per document as its search snippet (0: none).")
    var snippetBytes: Int = 200

    @Option(name: .long, help: ArgumentHelp("Index only shard i of n (0 ≤ i < n; documents by FNV-1a 64 of their docno mod n), keeping their collection positions.", valueName: "i/n"))
    var shard: String?

    @Option(name: .long, help: ArgumentHelp("BM25 statistics of the whole collection (`desm stats --bm25-statistics`, merged): BM25 scores with its N, df and average length.", valueName: "FILE"))
    var statistics: String?

    @Flag(name: .long, help: "No progress display.")
    var quiet = false

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        if let shard { do { _ = try Shard(parsing: shard) } catch let e as DesmError { throw ValidationError("--shard: \(e.message)") } }
        if centroid == .idf && (shard != nil || statistics != nil) {
            throw ValidationError("--centroid idf weighs words by the whole collection's embedding document frequencies, which a shard does not have: not with --shard or --statistics")
        }
        guard snippetBytes >= 0 else { throw ValidationError("--snippet-bytes cannot be negative") }
    }

    func run() throws {
        try checkOutput(out, .index, option: "--out")
        let start = monotonicSeconds()
        let m = try EmbeddingModel.load(path: model)
        let need = MemoryEstimate.indexing(modelVocabulary: m.vocabulary.count, dim: m.dim,
                                           collectionBytes: try MemoryEstimate.collectionTextBytes(collection) / (try shard.map { try Shard(parsing: $0).count } ?? 1),
                                           threads: threads)
        let memoryLine = try need.check()
        if !quiet { printError(memoryLine) }
        var options = IndexBuildOptions(threads: threads, snippetBytes: snippetBytes, collectionName: collection)
        options.modelPath = absolutePath(model)
        options.centroid = centroid
        options.center = center
        options.shard = try shard.map { try Shard(parsing: $0) }
        if let statistics {
            options.statistics = try CollectionStatistics.load(path: statistics)
            options.statisticsPath = absolutePath(statistics)
        }
        let builder = try IndexBuilder(model: m, options: options)
        if center { printError(builder.means.description) }
        let progress = ProgressReporter(label: "indexing", unit: "docs", quiet: quiet)
        var notes: [String] = []
        let manifest = try builder.build(collectionPath: collection, format: format, to: out, progress: progress) {
            notes = $0.notes
        }
        for note in notes { printError("note: \(note)") }
        let secs = monotonicSeconds() - start
        if manifest.documentsWithoutVocabulary > 0 {
            printError("note: \(manifest.documentsWithoutVocabulary) documents have no word in the model's vocabulary: kept, DESM scores them 0")
        }
        print("index\t\(out)")
        print("documents\t\(manifest.documents)")
        if let s = manifest.shard { print("shard\t\(s.index)/\(s.count) of \(s.collectionDocuments) documents") }
        if let s = manifest.collectionStatistics { print("collection statistics\t\(s.documents) documents, \(s.terms) terms (\(s.file))") }
        print("centroid\t\(manifest.centroid)")
        if manifest.center == true { print("word vectors\tmean-centred (\(manifest.wordMean.rawValue) mean)") }
        print("documents without vocabulary\t\(manifest.documentsWithoutVocabulary)")
        let coverage = manifest.embeddingTokens > 0 ? Double(manifest.embeddingTokensInVocabulary) / Double(manifest.embeddingTokens) : 0
        print("embedding tokens\t\(manifest.embeddingTokens) (\(String(format: "%.1f", coverage * 100))% in vocabulary)")
        print("terms\t\(manifest.bm25.terms)")
        print("postings\t\(manifest.bm25.postings)")
        print(String(format: "average length\t%.2f", manifest.bm25.averageLength))
        print(String(format: "seconds\t%.2f", secs))
        print(String(format: "documents/second\t%.0f", Double(manifest.documents) / max(secs, 1e-9)))
    }
}

extension CentroidWeighting: ExpressibleByArgument {}

func absolutePath(_ path: String) -> String {
    if path.hasPrefix("/") { return path }
    return FileManager.default.currentDirectoryPath + "/" + path
}
