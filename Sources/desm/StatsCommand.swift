import ArgumentParser
import DesmText

/// `desm stats`: reads a collection and reports its documents and tokens.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Read a collection (any supported format, plain or gzip) and count its documents and tokens."
    )

    @Option(name: .long, help: "Collection file or directory.")
    var collection: String

    @Option(name: .long, help: "Force the format: jsonl, tsv, trec or smart (default: detected per file).")
    var format: CollectionFormat?

    @Flag(name: .long, help: "No progress display.")
    var quiet = false

    func run() throws {
        let reader = try CollectionReader(path: collection, format: format)
        let analyzer = Analyzer(.embedding)
        let progress = ProgressReporter(label: "reading", unit: "docs", quiet: quiet)
        var tokens = 0
        while let doc = try reader.next() {
            tokens += analyzer.tokens(doc.fullText).count
            progress.update(done: Double(reader.count), total: nil)
        }
        progress.finish()
        for note in reader.notes { printError("note: \(note)") }
        print("documents\t\(reader.count)")
        print("tokens\t\(tokens)")
    }
}

extension CollectionFormat: ExpressibleByArgument {}
