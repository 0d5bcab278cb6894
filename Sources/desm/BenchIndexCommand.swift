import ArgumentParser
import DesmIndex
import DesmText
import DesmWord2Vec
import Foundation

/// `desm bench index`: times building an index.
struct BenchIndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Time `desm index` on a collection: documents/second, MB/second, peak memory.",
        discussion: """
        Builds the index exactly as `desm index` does and reports the throughput. Use \
        `desm bench fixture` to synthesise a 1M-document collection from text8.

        Example:
          desm bench index --collection /tmp/b/collection.jsonl \\
              --model /tmp/b/random.model --out /tmp/b/idx
        """
    )

    @Option(name: .long, help: "Collection file or directory.")
    var collection: String

    @Option(name: .long, help: "Model file.")
    var model: String

    @Option(name: .long, help: "Index directory to write.")
    var out: String

    @Option(name: .long, help: "Analysis threads.")
    var threads: Int = 2

    @Flag(name: .long, help: "No progress display.")
    var quiet = false

    func run() throws {
        let bytes = try listCollectionFiles(collection).reduce(0) { total, f in
            total + ((try? FileManager.default.attributesOfItem(atPath: f)[.size] as? Int) ?? 0)
        }
        let t0 = monotonicSeconds()
        let m = try EmbeddingModel.load(path: model)
        var options = IndexBuildOptions(threads: threads, collectionName: collection)
        options.modelPath = absolutePath(model)
        let builder = try IndexBuilder(model: m, options: options)
        let progress = ProgressReporter(label: "indexing", unit: "docs", quiet: quiet)
        let manifest = try builder.build(collection: try CollectionReader(path: collection), to: out, progress: progress)
        let secs = monotonicSeconds() - t0
        let indexBytes = manifest.files.values.reduce(0) { $0 + $1.bytes }
        print("documents\t\(manifest.documents)")
        print(String(format: "seconds\t%.2f", secs))
        print(String(format: "documents/second\t%.0f", Double(manifest.documents) / secs))
        print(String(format: "collection MB/second\t%.1f", Double(bytes) / secs / 1e6))
        print(String(format: "index MB\t%.1f", Double(indexBytes) / 1e6))
        print("postings\t\(manifest.bm25.postings)")
        print("threads\t\(threads) analysis + 1 reader")
        print("peak resident MB\t\(processMemoryMB("VmHWM"))")
    }
}

/// A field of /proc/self/status in MB (VmRSS: resident now, VmHWM: peak resident).
func processMemoryMB(_ field: String) -> Int {
    guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in s.split(separator: "\n") where line.hasPrefix(field + ":") {
        let kb = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
        return kb / 1024
    }
    return -1
}
