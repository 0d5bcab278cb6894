import ArgumentParser
import DesmEval
import DesmText
import Glibc

/// The `desm` command: one subcommand per verb, each in its own file.
struct Desm: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "desm",
        abstract: "Rank documents with dual word embeddings (DESM: IN-OUT, IN-IN), BM25 and their mixture.",
        discussion: """
        A word2vec trainer that keeps both W_IN and W_OUT, an indexer that stores IN and OUT \
        document centroids beside a BM25 index, a ranker, and a trec_eval-compatible evaluation \
        harness. Run `desm help <verb>` for each verb's options.
        """,
        version: desmVersion,
        subcommands: [
            StatsCommand.self,
            TrainCommand.self,
            ExportCommand.self,
            ImportCommand.self,
            NeighborsCommand.self,
            IndexCommand.self,
            SearchCommand.self,
            RunCommand.self,
            EvalCommand.self,
            ExperimentCommand.self,
            DemoCommand.self,
            BenchCommand.self,
            VerifyCommand.self,
        ]
    )
}

@main
enum Main {
    static func main() {
        // Interrupt.beginExit: from here on the interrupt watcher (SIGINT/SIGTERM during a
        // phase that does not poll) neither ends the process nor adds a second line.
        do {
            var command = try Desm.parseAsRoot()
            // Every verb: SIGINT/SIGTERM stop it with one line and no temporary left.
            Interrupt.install()
            try command.run()
            Interrupt.beginExit()
        } catch let error as DesmError {
            Interrupt.beginExit()
            fputs("desm: error: \(error)\n", stderr)
            exit(1)
        } catch {
            Interrupt.beginExit()
            Desm.exit(withError: error)
        }
    }
}
