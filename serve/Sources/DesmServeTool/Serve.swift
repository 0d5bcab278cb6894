import ArgumentParser
import DesmIndex
import DesmServe
import DesmText
import DesmWord2Vec
import Foundation

/// `desm serve` (this program, `desm-serve`, is what `desm serve` runs: a separate product
/// so that building `desm` never waits for the HTTP server's dependencies).
@main
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "desm serve",
        abstract: "Serve an index over HTTP: a JSON API and a page that compares two scorers side by side.",
        discussion: """
        Opens the index (memory-mapped) and its model once and answers, on all cores:

        GET / : the page: a query box, two result columns, each with its scorer; every         result's words shaded by their IN-OUT cosine with the query; the query words'         neighbours. /?q=…&left=bm25&right=in-out runs the query on load (a link shares it).

        GET /health : the index's name, documents, dim, model checksum.

        GET /api/search?q=…&scorer=in-out&k=10 (and alpha, norm, rerank, explain=1): ranked         documents; explain=1 adds what `desm search --explain --json` shows, the same numbers.         With --recipe, scorer=recipe (the default then) runs the experiment's system exactly.

        GET /api/document/{docno} (and q, space): the stored text cut into words; with q,         each word's cosine with the query (space=in-out by default).

        GET /api/neighbors?word=…&space=in-in|in-out|out-out&k=10: nearest words.

        Errors are {"error": "…"} with 400 (bad parameter: unknown scorer or parameter, k outside \
        1…\(SearchService.maxK), empty query or one over \(SearchService.maxQueryBytes) bytes, \
        alpha outside [0, 1], bad UTF-8) or 404 (unknown docno, word or path).

        Without INDEX, serves the built-in sample (the collection `desm demo` uses): its model is \
        trained and the index built first (about half a minute), in a temporary directory or \
        in --cache DIR, reused by later runs.

        Binds to 127.0.0.1 (this machine only) unless --host says otherwise: the service has no \
        authentication. Stops gracefully on Ctrl-C (SIGINT) or SIGTERM.

        Examples:
          desm serve                                   # the built-in sample on http://127.0.0.1:8080/
          desm serve sf.idx --port 9000
          curl 'http://127.0.0.1:8080/api/search?q=stem+cells&scorer=bm25&k=3'
        """
    )

    @Argument(help: "Index directory written by `desm index` (default: the built-in sample).")
    var index: String?

    @Option(name: .long, help: "Model file (default: the one recorded in the index manifest).")
    var model: String?

    @Option(name: .long, help: ArgumentHelp("Serve the system a `desm experiment` recommended (its results JSON, or a recipe file) as scorer=recipe, the default scorer; the index must be built as the experiment's was.", valueName: "results.json"))
    var recipe: String?

    @Option(name: .long, help: ArgumentHelp("With --recipe RESULTS.json: another system of the experiment, by its name there.", valueName: "name"))
    var recipeSystem: String?

    @Option(name: .long, help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on (0: any free port; the URL is printed).")
    var port = 8080

    @Option(name: .long, help: "Threads that rank requests. (default: all cores)")
    var workers: Int?

    @Option(name: .long, help: ArgumentHelp("Seconds a connection may stay idle, or a client take to send its request, before it is closed.", valueName: "seconds"))
    var idleTimeout = 30

    @Option(name: .long, help: "With no INDEX: directory that keeps the sample's model and index for later runs (default: a temporary one, removed on exit).")
    var cache: String?

    @Flag(name: .long, help: "No progress lines.")
    var quiet = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
        guard idleTimeout >= 1 else { throw ValidationError("--idle-timeout must be at least 1 second") }
        if index != nil && cache != nil { throw ValidationError("--cache keeps the built-in sample's model and index: it has no use with INDEX") }
        if index == nil && model != nil { throw ValidationError("--model goes with INDEX (the built-in sample trains its own)") }
        if recipe == nil && recipeSystem != nil { throw ValidationError("--recipe-system picks a system of --recipe RESULTS.json: add --recipe") }
    }

    func run() async throws {
        do {
            try await serve()
        } catch let e as DesmError {
            printError("desm serve: \(e)")
            throw ExitCode(1)
        }
    }

    func serve() async throws {
        let recipe = try self.recipe.map { try RankingRecipe.load(path: $0, system: recipeSystem) }
        var work: WorkDirectory? = nil
        defer { work?.remove() }
        let indexPath: String
        if let index {
            indexPath = index
        } else {
            let directory: String
            if let cache {
                try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
                directory = cache
            } else {
                work = try WorkDirectory(label: "desm-serve")
                directory = work!.path
            }
            if !quiet { printError("desm serve: no index given: serving the built-in sample") }
            indexPath = try SampleIndex.prepare(in: directory, quiet: quiet) { printError($0) }
        }
        let documentIndex = try DocumentIndex(path: indexPath)
        try documentIndex.requireWholeCollection(for: "desm serve")
        guard let modelPath = model ?? documentIndex.manifest.modelPath else {
            throw DesmError("the index does not record its model: pass --model", path: indexPath)
        }
        let loaded: EmbeddingModel
        do { loaded = try EmbeddingModel.load(path: modelPath) } catch let e as DesmError where model == nil {
            throw DesmError("cannot load the index's model (\(e)); pass --model", path: indexPath)
        }
        let ranker = try Ranker(index: documentIndex, model: loaded)
        ranker.threads = 1   // requests run side by side on the workers, each on one thread
        let name = ((indexPath as NSString).standardizingPath as NSString).lastPathComponent
        let service = try SearchService(ranker: ranker, name: name, recipe: recipe)
        let configuration = ServeConfiguration(host: host, port: port,
                                               workers: workers ?? ProcessInfo.processInfo.activeProcessorCount,
                                               idleTimeout: idleTimeout)
        let host = self.host, quiet = self.quiet
        let documents = documentIndex.count
        do {
            try await ServerApplication.run(service: service, configuration: configuration) { bound in
                let shown = host.contains(":") ? "[\(host)]" : host
                // The one line on standard output: scripts (and the tests) read the port from it.
                print("desm serve: listening on http://\(shown):\(bound)/ (\(name): \(documents) documents)")
                fflush(stdout)
                if !quiet { printError("desm serve: Ctrl-C stops") }
            }
        } catch let e as DesmError {
            throw e
        } catch {
            throw DesmError("cannot serve on \(host):\(port): \(error)")
        }
        if !quiet { printError("desm serve: stopped") }
    }
}


func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
