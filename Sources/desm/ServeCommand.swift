import ArgumentParser
import DesmText
import Foundation

/// `desm serve`: runs `desm-serve`, the program beside `desm` that holds the HTTP server
/// (Hummingbird), with the same arguments. It is built from its own package (serve/) so that
/// building `desm` (and `./build.sh demo`) never fetches or builds the server's dependencies.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve an index over HTTP: a JSON API and a page comparing two scorers (runs desm-serve).",
        discussion: """
        desm serve [INDEX] [--model M] [--host 127.0.0.1] [--port 8080] [--workers N] \
        [--idle-timeout S] [--cache DIR] [--quiet]

        `desm serve --help` shows desm-serve's full help (endpoints, limits, examples). \
        Without INDEX the built-in sample is served. desm-serve is built by `./build.sh serve` \
        (the package in serve/), which links it next to desm.
        """
    )

    @Argument(parsing: .allUnrecognized, help: "Arguments for desm-serve.")
    var arguments: [String] = []

    /// `desm-serve` in the directory of the running `desm` (symbolic links followed).
    static func serverExecutable() -> String {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return ((me as NSString).deletingLastPathComponent as NSString).appendingPathComponent("desm-serve")
    }

    func run() throws { try Self.runServer(arguments) }

    /// Replaces this process with desm-serve (returns only by throwing).
    static func runServer(_ arguments: [String]) throws -> Never {
        let server = serverExecutable()
        guard FileManager.default.isExecutableFile(atPath: server) else {
            throw DesmError("desm serve runs desm-serve, which is not built beside desm: run ./build.sh serve", path: server)
        }
        var argv: [UnsafeMutablePointer<CChar>?] = ([server] + arguments).map { strdup($0) }
        argv.append(nil)
        execv(server, argv)
        throw DesmError("cannot run desm-serve: \(String(cString: strerror(errno)))", path: server)
    }
}
