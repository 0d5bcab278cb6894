import ArgumentParser
import DesmText
import DesmWord2Vec
import Foundation

/// `desm bench`: performance comparisons with peer tools, one subcommand per part.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure desm against peer tools on the same data in one run.",
        subcommands: [BenchTrainCommand.self, BenchFixtureCommand.self, BenchIndexCommand.self, BenchSearchCommand.self]
    )
}

/// `desm bench train`: desm vs the original C word2vec vs gensim, same corpus and settings.
struct BenchTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Training speed: desm, the original C word2vec and gensim on the same corpus and settings.",
        discussion: """
        The corpus is read once by desm; every tool is then timed over its training phase only \
        (desm: the trainer; gensim: train() after build_vocab(); C word2vec: the whole process \
        started with -read-vocab, so its vocabulary pass is skipped — its setup and the writing \
        of its vectors to /dev/null are included). Speeds are corpus words in the vocabulary × \
        epochs per wall-clock second, the same numerator for every tool. Peers that are not \
        installed are reported as skipped. Build desm in release mode for meaningful numbers: \
        swift build -c release.

        Example: desm bench train --corpus text8-1k --threads 2
        """
    )

    @Option(name: .long, help: "Training corpus (one sentence per line; give gensim a line break every <10,000 words).")
    var corpus: String
    @Option(name: .long, parsing: .upToNextOption, help: "Architectures to time (sg, cbow).")
    var arch: [TrainingParameters.Architecture] = [.sg, .cbow]
    @OptionGroup
    var training: TrainingOptions<BenchTrainingDefaults>
    @Option(name: .long, parsing: .upToNextOption, help: "Tools to run: desm, c, gensim.")
    var tools: [String] = ["desm", "c", "gensim"]
    @Option(name: .customLong("c-word2vec"), help: "The C word2vec binary (default: `word2vec` beside python3, e.g. from pip's word2vec package, or on PATH).")
    var cWord2vec: String?
    @Option(name: .long, help: "Python interpreter with gensim.")
    var python = "python3"
    @Flag(name: .long, help: "No progress display.")
    var quiet = false

    func run() throws {
        let t0 = monotonicSeconds()
        let builder = CorpusBuilder()
        try builder.addCorpus(path: corpus, analyzer: Analyzer(.embedding),
                              progress: ProgressReporter(label: "reading", unit: "bytes", quiet: quiet))
        let (vocab, data) = try builder.finish(minCount: Int64(training.minCount), source: corpus)
        print(String(format: "corpus: %@: %d words in vocabulary, %d sentences, vocabulary %d (read in %.1f s)",
                     corpus, data.tokenCount, data.sentenceCount, vocab.count, monotonicSeconds() - t0))
        print("settings: threads \(training.threads), epochs \(training.epochs), dim \(training.dim), window \(training.window), negative \(training.negative), sample \(training.sample), min-count \(training.minCount)")
        let words = Double(data.tokenCount * training.epochs)
        let workDirectory = try WorkDirectory(label: "desm-bench")
        defer { workDirectory.remove() }
        let work = workDirectory.path
        let vocabFile = work + "/vocab.txt"
        if tools.contains("c") {
            var text = "</s> \(data.sentenceCount)\n"
            for (w, c) in zip(vocab.words, vocab.counts) { text += "\(w) \(c)\n" }
            try writeFileAtomically(vocabFile, text: text)
        }
        print("| arch | tool | wall s | words/s | words/s/thread | desm ÷ tool | CPU s | words/CPU-s | desm ÷ tool (CPU) |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
        for a in arch {
            var rates: [String: Double] = [:], cpuRates: [String: Double] = [:]
            func report(_ tool: String, _ t: Timing?) {
                guard let t else { print("| \(a.rawValue) | \(tool) | skipped | | | | | | |"); return }
                let r = words / t.wall, c = words / t.cpu
                rates[tool] = r
                cpuRates[tool] = c
                let ratio = rates["desm"].map { String(format: "%.2f×", $0 / r) } ?? ""
                let cpuRatio = cpuRates["desm"].map { String(format: "%.2f×", $0 / c) } ?? ""
                print(String(format: "| %@ | %@ | %.1f | %.0f | %.0f | %@ | %.1f | %.0f | %@ |", a.rawValue, tool, t.wall, r,
                             r / Double(training.threads), ratio, t.cpu, c, cpuRatio))
                fflush(stdout)
            }
            for tool in tools {
                switch tool {
                case "desm": report("desm", try timeDesm(a, vocab, data))
                case "c": report("c-word2vec", try timeC(a, vocabFile, work))
                case "gensim": report("gensim", try timeGensim(a))
                default: throw ValidationError("unknown tool \(tool) (desm, c, gensim)")
                }
            }
        }
    }

    func validate() throws {
        // The C tool and gensim are run with -hs 0 / hs=0: compare like with like.
        if training.loss != .ns { throw ValidationError("desm bench train times negative sampling only (--loss ns)") }
    }

    func parameters(_ a: TrainingParameters.Architecture) -> TrainingParameters {
        training.parameters(architecture: a)
    }

    /// Wall-clock and CPU seconds (user + system, all threads) of a training phase. CPU time
    /// is the fairer measure on a machine shared with other jobs.
    struct Timing { var wall: Double; var cpu: Double }

    static func cpuSeconds(_ who: Int32) -> Double {
        var u = rusage()
        getrusage(who, &u)
        return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) * 1e-6
            + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) * 1e-6
    }

    func timeDesm(_ a: TrainingParameters.Architecture, _ vocab: Vocabulary, _ data: TrainingCorpus) throws -> Timing {
        let t = try Word2VecTrainer(parameters: parameters(a), vocabulary: vocab, corpus: data)
        let c0 = BenchTrainCommand.cpuSeconds(RUSAGE_SELF.rawValue)
        let wall = try t.train(progress: ProgressReporter(label: "desm \(a.rawValue)", unit: "words", quiet: quiet)).seconds
        return Timing(wall: wall, cpu: BenchTrainCommand.cpuSeconds(RUSAGE_SELF.rawValue) - c0)
    }

    func findC() -> String? {
        if let cWord2vec { return cWord2vec }
        if let r = try? capture(python, ["-c", "import sys,os;print(os.path.dirname(sys.executable))"]), r.status == 0 {
            let p = r.out.trimmingCharacters(in: .whitespacesAndNewlines) + "/word2vec"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let p = "\(dir)/word2vec"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    func timeC(_ a: TrainingParameters.Architecture, _ vocabFile: String, _ work: String) throws -> Timing? {
        guard let exe = findC() else { printError("note: C word2vec not found (pip install word2vec, or --c-word2vec)"); return nil }
        let p = parameters(a)
        let args = ["-train", corpus, "-read-vocab", vocabFile, "-output", "/dev/null", "-binary", "1",
                    "-cbow", a == .cbow ? "1" : "0", "-size", "\(p.dim)", "-window", "\(p.window)",
                    "-negative", "\(p.negative)", "-hs", "0", "-sample", "\(p.sample)", "-threads", "\(p.threads)",
                    "-iter", "\(p.epochs)", "-min-count", "\(p.minCount)", "-alpha", "\(p.startingAlpha)"]
        let t = monotonicSeconds(), c0 = BenchTrainCommand.cpuSeconds(RUSAGE_CHILDREN.rawValue)
        let r = try capture(exe, args)
        let secs = monotonicSeconds() - t
        guard r.status == 0 else { throw DesmError("C word2vec failed (exit \(r.status)): \(r.err.suffix(300))", path: exe) }
        return Timing(wall: secs, cpu: BenchTrainCommand.cpuSeconds(RUSAGE_CHILDREN.rawValue) - c0)
    }

    func timeGensim(_ a: TrainingParameters.Architecture) throws -> Timing? {
        let p = parameters(a)
        let script = """
        import sys, time, logging
        try:
            from gensim.models import Word2Vec
        except ImportError:
            print("missing"); sys.exit(0)
        f = sys.argv[1]
        m = Word2Vec(sg=int(sys.argv[2]), vector_size=\(p.dim), window=\(p.window), negative=\(p.negative), hs=0,
                     sample=\(p.sample), min_count=\(p.minCount), workers=\(p.threads), epochs=\(p.epochs), alpha=\(p.startingAlpha))
        m.build_vocab(corpus_file=f)
        t, c = time.time(), time.process_time()
        m.train(corpus_file=f, total_words=m.corpus_total_words, epochs=\(p.epochs))
        print(time.time() - t, time.process_time() - c)
        """
        let r = try capture(python, ["-c", script, corpus, a == .sg ? "1" : "0"])
        let out = r.out.trimmingCharacters(in: .whitespacesAndNewlines)
        if r.status != 0 || out.hasSuffix("missing") {
            printError("note: gensim not available (\(out.hasSuffix("missing") ? "not installed" : r.err.suffix(200)))")
            return nil
        }
        let pairs = out.split(separator: "\n").reversed().lazy.map { $0.split(separator: " ").compactMap { Double($0) } }
        guard let last = pairs.first(where: { $0.count == 2 }) else {
            throw DesmError("unexpected gensim output: \(out.suffix(200))")
        }
        return Timing(wall: last[0], cpu: last[1])
    }

    struct Captured { var status: Int32; var out: String; var err: String }

    func capture(_ exe: String, _ args: [String]) throws -> Captured {
        let proc = Process()
        if exe.contains("/") {
            proc.executableURL = URL(fileURLWithPath: exe)
            proc.arguments = args
        } else {
            proc.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            proc.arguments = [exe] + args
        }
        let out = Pipe()
        proc.standardOutput = out
        proc.standardError = out   // one pipe: nothing can block on an unread second pipe
        do { try proc.run() } catch { throw DesmError("cannot run \(exe): \(error)") }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        proc.waitUntilExit()
        let text = String(decoding: outData, as: UTF8.self)
        return Captured(status: proc.terminationStatus, out: text, err: text)
    }
}

/// `desm bench train`'s defaults differ from `desm train`'s so that a timing run is quick and
/// like-for-like with the peers: 2 threads, 1 epoch, subsampling 1e-4 (the rest as `train`).
enum BenchTrainingDefaults: TrainingOptionDefaults {
    static var parameters: TrainingParameters {
        var p = TrainingParameters()
        p.threads = 2
        p.epochs = 1
        p.sample = 1e-4
        return p
    }
}
