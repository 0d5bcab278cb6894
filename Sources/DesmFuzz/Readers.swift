// `desm-fuzz --read READER PATH`: runs one reader on one file and prints the outcome as one
// line ("ok …" or "error: <DesmError description>"), exit 0; a non-DesmError exits 3. The
// bad-input suite (Tests/ReliabilityTests) runs every hostile case through this in a child
// process, so that a trap, a hang or a runaway allocation in a reader fails that case alone
// instead of taking the test process down.
import DesmEval
import DesmIndex
import DesmText
import DesmWord2Vec
import Foundation

let readers: [String: (String) throws -> String] = [
    "gzip": { path in
        let src = try openByteSource(path)
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        var total = 0
        while true {
            let n = try buf.withUnsafeMutableBytes { try src.read(into: $0) }
            if n == 0 { break }
            total += n
        }
        return "\(total) bytes"
    },
    "lines": { path in
        let r = LineReader(try openByteSource(path), maxLineBytes: 1 << 20)
        while try r.nextLine() != nil {}
        return "\(r.lineNumber) lines"
    },
    "topics": { path in "\(try loadTopics(path: path).count) topics" },
    "qrels": { path in "\(try Qrels.load(path: path).judgments.count) topics" },
    "run": { path in "\(try RunFile.load(path: path).topics.count) topics" },
    "collection": { try readCollection($0, nil) },
    "collection-jsonl": { try readCollection($0, .jsonl) },
    "collection-tsv": { try readCollection($0, .tsv) },
    "collection-trec": { try readCollection($0, .trec) },
    "collection-smart": { try readCollection($0, .smart) },
    "vectors": { try readVectorsSummary($0, nil) },
    "vectors-text": { try readVectorsSummary($0, .text) },
    "vectors-binary": { try readVectorsSummary($0, .binary) },
    "vectors-tab": { try readVectorsSummary($0, .tab) },
    "model": { path in
        let m = try EmbeddingModel.load(path: path)
        return "\(m.vocabulary.count) words, dim \(m.dim)"
    },
    "model-verify": { path in
        let m = try EmbeddingModel.load(path: path, verify: true)
        return "\(m.vocabulary.count) words, dim \(m.dim)"
    },
    "bm25-statistics": { path in "\(try CollectionStatistics.load(path: path).terms.count) terms" },
    "shard-moments": { path in "\(try ShardResultFiles.moments(path: path).count) topics" },
    "index-open": { path in "\(try DocumentIndex(path: path).count) documents" },
    "index": { path in
        // What `desm verify` does (checksums, then structure), then a BM25 query.
        let index = try DocumentIndex(path: path)
        try index.verify()
        _ = try index.verifyStructure()
        _ = try Ranker(index: index, model: nil).rank("cat chase mat", options: RankingOptions(scorer: .bm25), k: 3)
        return "\(index.count) documents"
    },
]

func readCollection(_ path: String, _ format: CollectionFormat?) throws -> String {
    let c = try CollectionReader(path: path, format: format)
    while let d = try c.next() { _ = d.fullText.utf8.count }
    return "\(c.count) documents"
}

func readVectorsSummary(_ path: String, _ format: VectorFileFormat?) throws -> String {
    let v = try readVectors(path: path, format: format)
    return "\(v.words.count) vectors of dim \(v.dim) (\(v.format.rawValue))"
}

/// Runs a reader; the exit status is 0 for success or a DesmError, 3 for any other error.
func readMain(_ reader: String, _ path: String) -> Int32 {
    guard let r = readers[reader] else {
        fputs("desm-fuzz: no reader \(reader) (readers: \(readers.keys.sorted().joined(separator: ", ")))\n", stderr)
        return 2
    }
    do {
        print("ok \(try r(path))")
        return 0
    } catch let e as DesmError {
        print("error: \(e.description)")
        return 0
    } catch {
        print("non-DesmError: \(error)")
        return 3
    }
}
