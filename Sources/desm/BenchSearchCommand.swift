import ArgumentParser
import DesmIndex
import DesmText
import DesmWord2Vec
import Foundation

/// `desm bench search`: times opening an index and ranking queries with full-collection
/// DESM (one by one and batched) and BM25.
struct BenchSearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Time searching an index: open time, DESM (single and batched) and BM25 queries/second and latency percentiles.",
        discussion: """
        Queries come from a file with one `qid<TAB>text` per line (or just text). \
        Reports the time to open the index and model, resident memory, full-collection DESM IN-OUT \
        one query at a time (latency p50/p90/p99, both threads), DESM batched (all queries as \
        one blocked matrix product), and BM25 (one thread per query; then the batch on all \
        threads). With --dump DIR it also writes the query vectors (queries.f32, float32 \
        Q × dim), the DESM top-k (desm_topk.tsv) and the BM25 top-k (bm25_topk.tsv) so that \
        eval/bench/peers.py can time faiss and bm25s on the same search and compare results.

        Example:
          desm bench search --index /tmp/b/idx --queries /tmp/b/queries.tsv \\
              --dump /tmp/b/dump
        """
    )

    @Option(name: .long, help: "Index directory.")
    var index: String

    @Option(name: .long, help: "Model file (default: the one recorded in the index).")
    var model: String?

    @Option(name: .long, help: "Queries: qid<TAB>text per line.")
    var queries: String

    @Option(name: .short, help: "Documents per query.")
    var k: Int = 10

    @Option(name: .long, help: "Queries timed one at a time for DESM (each scans every centroid).")
    var singleDesm: Int = 50

    @Option(name: .long, help: "Threads for ranking.")
    var threads: Int = 2

    @Option(name: .long, help: "Directory for query vectors and top-k lists (for eval/bench/peers.py).")
    var dump: String?

    func validate() throws {
        guard k >= 1 else { throw ValidationError("-k must be at least 1") }
        guard singleDesm >= 1 else { throw ValidationError("--single-desm must be at least 1 (its p50 is reported)") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let rssStart = processMemoryMB("VmRSS")
        let t0 = monotonicSeconds()
        let idx = try DocumentIndex(path: index)
        let tOpen = monotonicSeconds() - t0
        let t1 = monotonicSeconds()
        guard let modelPath = model ?? idx.manifest.modelPath else { throw DesmError("pass --model", path: index) }
        let m = try EmbeddingModel.load(path: modelPath)
        let ranker = try Ranker(index: idx, model: m)
        ranker.threads = threads
        let tModel = monotonicSeconds() - t1
        let rssOpen = processMemoryMB("VmRSS")
        var texts: [String] = [], qids: [String] = []
        let reader = try LineReader(path: queries)
        while let line = try reader.nextLine() {
            if line.isEmpty { continue }
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            qids.append(parts.count == 2 ? parts[0] : "\(qids.count)")
            texts.append(parts.count == 2 ? parts[1] : parts[0])
        }
        guard !texts.isEmpty else { throw DesmError("no queries", path: queries) }
        print("documents\t\(idx.count)\tdim\t\(idx.dim)\tqueries\t\(texts.count)\tk\t\(k)\tthreads\t\(threads)")
        print("dense products\t\(DenseProducts.description)")
        print(String(format: "open index seconds\t%.4f", tOpen))
        print(String(format: "load model seconds\t%.4f", tModel))
        print("resident MB before/after open\t\(rssStart)\t\(rssOpen)")

        let desm = RankingOptions(scorer: .desm(.inOut))
        // Cold pass over the centroids (page faults), reported separately.
        let tc = monotonicSeconds()
        _ = try ranker.rank(texts[0], options: desm, k: k)
        print(String(format: "DESM first query (cold pages) ms\t%.1f", (monotonicSeconds() - tc) * 1000))

        var lat: [Double] = []
        for t in texts.prefix(singleDesm) {
            let s = monotonicSeconds()
            _ = try ranker.rank(t, options: desm, k: k)
            lat.append(monotonicSeconds() - s)
        }
        report("DESM in-out single", lat)

        // Best of 3, as peers.py times faiss.
        var batch: [Ranking] = []
        var batchSecs = Double.infinity
        for _ in 0..<3 {
            let tb = monotonicSeconds()
            batch = try ranker.rankBatch(texts, options: desm, k: k)
            batchSecs = min(batchSecs, monotonicSeconds() - tb)
        }
        print(String(format: "DESM in-out batched (best of 3)\tseconds %.3f\tqueries/s %.1f", batchSecs, Double(texts.count) / batchSecs))

        let bm = RankingOptions(scorer: .bm25)
        ranker.threads = 1
        _ = try ranker.rank(texts[0], options: bm, k: k)
        var blat: [Double] = []
        var bmResults: [Ranking] = []
        for t in texts {
            let s = monotonicSeconds()
            bmResults.append(try ranker.rank(t, options: bm, k: k))
            blat.append(monotonicSeconds() - s)
        }
        report("BM25 single (1 thread)", blat)
        ranker.threads = threads
        let tbm = monotonicSeconds()
        _ = try ranker.rankBatch(texts, options: bm, k: k)
        let bmSecs = monotonicSeconds() - tbm
        print(String(format: "BM25 batch (%d threads)\tseconds %.3f\tqueries/s %.1f", threads, bmSecs, Double(texts.count) / bmSecs))
        print("resident MB after searching\t\(processMemoryMB("VmRSS"))")

        if let dump {
            try FileManager.default.createDirectory(atPath: dump, withIntermediateDirectories: true)
            var vectors = [Float]()
            vectors.reserveCapacity(texts.count * idx.dim)
            for t in texts {
                let q = try ranker.analyse(t)
                vectors += ranker.queryVector(q, space: .input) ?? [Float](repeating: 0, count: idx.dim)
            }
            try writeFileAtomically(dump + "/queries.f32", vectors.withUnsafeBytes { Array($0) })
            var d = "", b = ""
            for (i, r) in batch.enumerated() {
                d += qids[i] + "\t" + r.hits.map { "\($0.doc):\(String(format: "%.7g", $0.score))" }.joined(separator: " ") + "\n"
            }
            for (i, r) in bmResults.enumerated() {
                b += qids[i] + "\t" + r.hits.map { "\($0.doc):\(String(format: "%.7g", $0.score))" }.joined(separator: " ") + "\n"
            }
            try writeFileAtomically(dump + "/desm_topk.tsv", text: d)
            try writeFileAtomically(dump + "/bm25_topk.tsv", text: b)
            try writeFileAtomically(dump + "/timings.tsv", text: String(format: "desm_batch_seconds\t%.6f\nbm25_single_seconds\t%.6f\nbm25_batch_seconds\t%.6f\nqueries\t%d\ndesm_single_queries\t%d\ndesm_single_p50_seconds\t%.6f\n",
                                                                        batchSecs, blat.reduce(0, +), bmSecs, texts.count, lat.count, lat.sorted()[lat.count / 2]))
        }
    }

    func report(_ label: String, _ lat: [Double]) {
        let s = lat.sorted()
        func p(_ q: Double) -> Double { s[min(s.count - 1, Int(Double(s.count) * q))] * 1000 }
        let total = lat.reduce(0, +)
        print(String(format: "%@\tqueries %d\tqueries/s %.1f\tp50 ms %.2f\tp90 ms %.2f\tp99 ms %.2f",
                     label, lat.count, Double(lat.count) / total, p(0.5), p(0.9), p(0.99)))
    }
}
