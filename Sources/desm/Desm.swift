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
            ServeCommand.self,
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
            let arguments = joiningNegativeNumbers(Array(CommandLine.arguments.dropFirst()))
            if arguments.first == "help", arguments.count > 1, !arguments[1].hasPrefix("-") {
                let verbs = Desm.configuration.subcommands.map { $0.configuration.commandName ?? "" }
                if !verbs.contains(arguments[1]) {
                    fputs("desm: error: no such command '\(arguments[1])' (commands: \(verbs.joined(separator: ", ")))\n", stderr)
                    exit(64)
                }
            }
            // `desm serve …` is desm-serve's, help included: handed over before parsing.
            if arguments.first == "serve" { try ServeCommand.runServer(Array(arguments.dropFirst())) }
            var command = try Desm.parseAsRoot(arguments)
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

/// `-k -3` → `-k=-3`: swift-argument-parser reads a value that starts with a dash as an
/// option and says "Missing value"; joined to its option, a negative number reaches the
/// option's own check ("-k must be at least 1"). Only a token that is a number and follows
/// an option name (not `--`, not `--name=value`) is joined.
func joiningNegativeNumbers(_ arguments: [String]) -> [String] {
    var out: [String] = []
    var ended = false
    for a in arguments {
        if !ended, let previous = out.last, previous.hasPrefix("-"), previous != "--", !previous.contains("="), Double(previous) == nil,
           a.hasPrefix("-"), a.count > 1, Double(a) != nil {
            out[out.count - 1] = previous + "=" + a
            continue
        }
        if a == "--" { ended = true }
        out.append(a)
    }
    return out
}
