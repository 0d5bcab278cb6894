import ArgumentParser
import DesmIndex
import DesmText
import DesmWord2Vec

/// `desm stats`: reads a collection and reports its documents and tokens.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Read a collection or a training corpus (plain or gzip) and count its documents, tokens and terms.",
        discussion: """
        Formats: BEIR JSONL ({"_id","title","text"} per line), TSV (id<TAB>text or \
        id<TAB>title<TAB>text, optional header), TREC SGML (<DOC><DOCNO>..</DOCNO>..<TEXT>..</TEXT></DOC>) \
        and SMART (.I/.T/.A/.B/.W, e.g. Cranfield). The format is detected per file from its first \
        bytes unless --format forces one; gzip is detected by its magic bytes. A directory is read \
        as all its files in sorted order. Document ids must be unique.

        Output (tab-separated): the files read with their formats, documents, tokens of the \
        embedding analysis (unstemmed, no stopwords) and of the BM25 analysis (stopwords removed, \
        Porter-stemmed), distinct terms of each, mean document length and seconds taken. \
        With --timing: reading alone (documents/s, MB/s of text) and each analyzer alone \
        (tokens/s) on the documents held in memory.

        With --bm25-statistics OUT, the collection's BM25 statistics are written to OUT instead \
        of the report: documents, total length in BM25 terms and each term's document \
        frequency (a checksummed text file, described in docs/scale-out.md), with the BM25 analysis of \
        --model (default: desm's standard one). --shard i/n counts only shard i of n (documents \
        by FNV-1a 64 of their docno mod n, shards numbered from 0). --merge-statistics A B … \
        --out OUT adds parts: N, lengths and every df are sums, so the merged shards equal the \
        whole collection's statistics, which `desm index --shard i/n --statistics OUT` needs to \
        score BM25 exactly as one index (spark/desm_spark.py runs both passes).

        With --corpus instead of --collection, a plain training corpus (one sentence per line, \
        e.g. text8) is streamed as the trainer reads it: tokens, sentences (non-empty lines), \
        distinct words; with --timing, the stream's own speed.

        Examples:
          desm stats --collection data/scifact/corpus.jsonl
          desm stats --collection trec-disks/ --format trec --timing
          desm stats --corpus text8.gz
          desm stats --collection corpus.jsonl --model sf.model --shard 0/4 --bm25-statistics part0.tsv
          desm stats --merge-statistics part0.tsv part1.tsv part2.tsv part3.tsv --out all.tsv
        """
    )

    @Option(name: .long, help: "Collection file or directory.")
    var collection: String?

    @Option(name: .long, help: ArgumentHelp(
        "A training corpus instead (plain text, one sentence per line, e.g. text8; plain or gzip).",
        discussion: "Reports the tokens and sentences the trainer would see (embedding analysis)."))
    var corpus: String?

    @Option(name: .long, help: "Force the format: jsonl, tsv, trec or smart (default: detected per file).")
    var format: CollectionFormat?

    @Option(name: .long, help: ArgumentHelp("Write the collection's BM25 statistics (N, total length, df per term) to this file instead of the report.", valueName: "OUT"))
    var bm25Statistics: String?

    @Option(name: .long, help: ArgumentHelp("With --bm25-statistics: count only shard i of n (0 ≤ i < n; documents by FNV-1a 64 of their docno mod n).", valueName: "i/n"))
    var shard: String?

    @Option(name: .long, help: ArgumentHelp("With --bm25-statistics: the model whose BM25 analysis to use (the one the index will be built with; default: desm's standard analysis).", valueName: "MODEL"))
    var model: String?

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Merge statistics files of disjoint parts (e.g. every shard) into --out.", valueName: "FILE"))
    var mergeStatistics: [String] = []

    @Option(name: .long, help: ArgumentHelp("With --merge-statistics: the merged statistics file.", valueName: "OUT"))
    var out: String?

    @Flag(name: .long, help: "Also time the analyzers alone over the documents held in memory (tokens/s).")
    var timing = false

    @Flag(name: .long, help: "No progress display.")
    var quiet = false

    func validate() throws {
        if !mergeStatistics.isEmpty {
            guard collection == nil, corpus == nil, bm25Statistics == nil, shard == nil, model == nil, !timing else {
                throw ValidationError("--merge-statistics merges files: use it with --out only")
            }
            guard out != nil else { throw ValidationError("--merge-statistics needs --out FILE") }
            return
        }
        if out != nil { throw ValidationError("--out names the merged file of --merge-statistics (counting a collection writes --bm25-statistics FILE)") }
        if (collection == nil) == (corpus == nil) {
            throw ValidationError("give exactly one of --collection and --corpus")
        }
        if bm25Statistics == nil && (shard != nil || model != nil) {
            throw ValidationError("--shard and --model choose what --bm25-statistics counts: add --bm25-statistics FILE")
        }
        if bm25Statistics != nil && (corpus != nil || timing) {
            throw ValidationError("--bm25-statistics counts a collection (--collection), without --timing")
        }
        if let shard { do { _ = try Shard(parsing: shard) } catch let e as DesmError { throw ValidationError("--shard: \(e.message)") } }
    }

    func run() throws {
        if !mergeStatistics.isEmpty { return try mergeFiles(mergeStatistics, into: out!) }
        if let bm25Statistics { return try countStatistics(into: bm25Statistics) }
        if let corpus { return try corpusStats(corpus) }
        let reader = try CollectionReader(path: collection!, format: format)
        let embedding = Analyzer(.embedding)
        let bm25 = Analyzer(.bm25)
        let progress = ProgressReporter(label: "reading", unit: "%", quiet: quiet)
        var embeddingTokens = 0, bm25Tokens = 0
        var embeddingTerms = Set<String>(), bm25Terms = Set<String>()
        var texts: [String] = []
        let start = monotonicSeconds()
        while let doc = try reader.next() {
            let text = doc.fullText
            embedding.forEachToken(text) { embeddingTokens += 1; embeddingTerms.insert($0) }
            bm25.forEachToken(text) { bm25Tokens += 1; bm25Terms.insert($0) }
            if timing { texts.append(text) }
            if reader.count % 256 == 0 {
                progress.update(done: reader.fractionDone * 100, total: 100, extra: "\(reader.count) documents")
            }
            if reader.count % 1024 == 0 { try Interrupt.check("stats") }
        }
        let seconds = monotonicSeconds() - start
        progress.finish()
        for note in reader.notes { printError("note: \(note)") }
        for (file, fmt) in reader.filesRead { print("file\t\(file)\t\(fmt.rawValue)") }
        print("documents\t\(reader.count)")
        print("tokens\t\(embeddingTokens)")
        print("terms\t\(embeddingTerms.count)")
        print("bm25_tokens\t\(bm25Tokens)")
        print("bm25_terms\t\(bm25Terms.count)")
        print("mean_doc_tokens\t\(formatFixed(Double(embeddingTokens) / Double(max(reader.count, 1)), 1))")
        print("seconds\t\(formatFixed(seconds, 2))")
        if timing {
            // Reading alone (decompression + parsing), without analysis.
            let again = try CollectionReader(path: collection!, format: format)
            var bytes = 0
            let t0 = monotonicSeconds()
            while let d = try again.next() { bytes += d.title.utf8.count + d.text.utf8.count }
            let dt = max(monotonicSeconds() - t0, 1e-9)
            print("read_seconds\t\(formatFixed(dt, 2))")
            print("read_documents_per_second\t\(Int(Double(again.count) / dt))")
            print("read_text_megabytes_per_second\t\(formatFixed(Double(bytes) / dt / 1e6, 1))")
            for (name, analyzer) in [("embedding", embedding), ("bm25", bm25)] {
                var n = 0
                let t0 = monotonicSeconds()
                for text in texts { analyzer.forEachToken(text) { _ in n += 1 } }
                let dt = max(monotonicSeconds() - t0, 1e-9)
                print("\(name)_tokens_per_second\t\(Int(Double(n) / dt))")
            }
        }
    }
}

extension StatsCommand {
    /// `--bm25-statistics`: counts the collection (or a shard) and writes the file.
    func countStatistics(into path: String) throws {
        try checkOutput(path, .statistics, option: "--bm25-statistics")
        let settings = try model.map { try EmbeddingModel.load(path: $0).analyzer } ?? .standard
        let part = try shard.map { try Shard(parsing: $0) }
        let progress = ProgressReporter(label: "counting", unit: "%", quiet: quiet)
        let s = try CollectionStatistics.count(collectionPath: collection!, format: format, settings: settings, shard: part, progress: progress)
        try s.save(to: path)
        printStatistics(s, path: path)
    }

    /// `--merge-statistics`: adds the parts and writes the sum.
    func mergeFiles(_ paths: [String], into path: String) throws {
        try checkOutput(path, .statistics, option: "--out")
        let merged = try CollectionStatistics.merged(try paths.map { try CollectionStatistics.load(path: $0) }, paths: paths)
        try merged.save(to: path)
        printStatistics(merged, path: path)
    }

    private func printStatistics(_ s: CollectionStatistics, path: String) {
        print("statistics\t\(path)")
        if let shard = s.shard { print("shard\t\(shard)") }
        print("documents\t\(s.documents)")
        print("total_length\t\(s.totalLength)")
        print("terms\t\(s.terms.count)")
    }

    func corpusStats(_ path: String) throws {
        let stream = try CorpusTokenStream(path: path, analyzer: Analyzer(.embedding))
        let progress = ProgressReporter(label: "reading", unit: "MB", quiet: quiet)
        var tokens = 0, sentences = 0
        var words = Set<String>()
        let start = monotonicSeconds()
        while let item = try stream.next() {
            switch item {
            case .token(let w):
                tokens += 1
                words.insert(w)
                if tokens & 0xFFFFF == 0 {
                    progress.update(done: Double(stream.fileOffset), total: stream.fileSize.map(Double.init))
                    try Interrupt.check("stats")
                }
            case .sentenceEnd:
                sentences += 1
            }
        }
        let seconds = monotonicSeconds() - start
        progress.finish()
        if let note = stream.invalidUTF8.note(path: path) { printError("note: \(note)") }
        if stream.skippedPieces > 0 {
            printError("note: \(path): \(stream.skippedPieces) pieces longer than \(stream.maxPieceBytes) bytes skipped")
        }
        print("tokens\t\(tokens)")
        print("sentences\t\(sentences)")
        print("terms\t\(words.count)")
        print("seconds\t\(formatFixed(seconds, 2))")
        if timing {
            // The stream alone (inflate + analysis), without counting distinct words.
            let again = try CorpusTokenStream(path: path, analyzer: Analyzer(.embedding))
            var n = 0
            let t0 = monotonicSeconds()
            while let item = try again.next() { if case .token = item { n += 1 } }
            let dt = max(monotonicSeconds() - t0, 1e-9)
            print("stream_seconds\t\(formatFixed(dt, 2))")
            print("stream_tokens_per_second\t\(Int(Double(n) / dt))")
        }
    }
}

private func formatFixed(_ x: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let r = (x * scale).rounded() / scale
    var s = "\(r)"
    if let dot = s.firstIndex(of: ".") {
        let have = s.distance(from: dot, to: s.endIndex) - 1
        if have < digits { s += String(repeating: "0", count: digits - have) }
    }
    return s
}

extension CollectionFormat: ExpressibleByArgument {}
