import ArgumentParser
import DesmText

/// `desm stats`: reads a collection and reports its documents and tokens.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Read a collection (any supported format, plain or gzip) and count its documents and tokens.",
        discussion: """
        Formats: BEIR JSONL ({"_id","title","text"} per line), TSV (id<TAB>text or \
        id<TAB>title<TAB>text, optional header), TREC SGML (<DOC><DOCNO>..</DOCNO>..<TEXT>..</TEXT></DOC>) \
        and SMART (.I/.T/.A/.B/.W, e.g. Cranfield). The format is detected per file from its first \
        bytes unless --format forces one; gzip is detected by its magic bytes. A directory is read \
        as all its files in sorted order. Document ids must be unique.

        Output (tab-separated): the files read with their formats, documents, tokens of the \
        embedding analysis (unstemmed, no stopwords) and of the BM25 analysis (stopwords removed, \
        Porter-stemmed), distinct terms of each, and mean document length. With --timing, the \
        analyzer's speed (tokens/s) measured on the collection held in memory.
        """
    )

    @Option(name: .long, help: "Collection file or directory.")
    var collection: String

    @Option(name: .long, help: "Force the format: jsonl, tsv, trec or smart (default: detected per file).")
    var format: CollectionFormat?

    @Flag(name: .long, help: "Also time the analyzers alone over the documents held in memory (tokens/s).")
    var timing = false

    @Flag(name: .long, help: "No progress display.")
    var quiet = false

    func run() throws {
        Interrupt.install()
        let reader = try CollectionReader(path: collection, format: format)
        let embedding = Analyzer(.embedding)
        let bm25 = Analyzer(.bm25)
        let progress = ProgressReporter(label: "reading", unit: "docs", quiet: quiet)
        var embeddingTokens = 0, bm25Tokens = 0
        var embeddingTerms = Set<String>(), bm25Terms = Set<String>()
        var texts: [String] = []
        let start = monotonicSeconds()
        while let doc = try reader.next() {
            let text = doc.fullText
            embedding.forEachToken(text) { embeddingTokens += 1; embeddingTerms.insert($0) }
            bm25.forEachToken(text) { bm25Tokens += 1; bm25Terms.insert($0) }
            if timing { texts.append(text) }
            progress.update(done: Double(reader.count), total: nil)
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
