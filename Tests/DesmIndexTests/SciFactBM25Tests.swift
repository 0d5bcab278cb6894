import DesmIndex
import DesmTestSupport
import DesmText
import Foundation
import XCTest

/// BM25 on the real SciFact collection against Anserini's published NDCG@10 (0.6789).
final class SciFactBM25Tests: XCTestCase {
    func testBM25NDCGAt10IsWithinOneHundredthOfAnserini() throws {
        guard let corpus = sharedData("scifact/corpus.jsonl"), let topicsPath = sharedData("scifact/topics.xml"),
              let qrelsPath = sharedData("scifact/qrels/test.trec.txt") else {
            throw XCTSkip(missingSharedData("scifact"))
        }
        guard PorterStemmer.stem("running") == "run" else {
            throw XCTSkip("the Porter stemmer is still a placeholder: the SciFact BM25 figure needs the real one")
        }
        let (dir, path) = temporaryIndexPath()
        defer { removeTree(dir) }
        try IndexBuilder(model: makeModel()).build(collectionPath: corpus, to: path)
        let index = try DocumentIndex(path: path)
        XCTAssertEqual(index.count, 5183)
        let ranker = try Ranker(index: index, model: nil)

        // Topics: <topic number="N"><query>text</query>…; qrels: qid 0 docno grade.
        let xml = try String(contentsOfFile: topicsPath, encoding: .utf8)
        var topics: [(String, String)] = []
        let pattern = try NSRegularExpression(pattern: "<topic number=\"([^\"]+)\">\\s*<query>([^<]*)</query>")
        for m in pattern.matches(in: xml, range: NSRange(xml.startIndex..., in: xml)) {
            let id = String(xml[Range(m.range(at: 1), in: xml)!])
            let text = String(xml[Range(m.range(at: 2), in: xml)!])
                .replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&lt;", with: "<")
                .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&quot;", with: "\"")
                .replacingOccurrences(of: "&apos;", with: "'")
            topics.append((id, text))
        }
        XCTAssertEqual(topics.count, 300)
        var qrels: [String: [String: Int]] = [:]
        for line in try String(contentsOfFile: qrelsPath, encoding: .utf8).split(separator: "\n") {
            let f = line.split(separator: " ")
            if f.count >= 4 { qrels[String(f[0]), default: [:]][String(f[2])] = Int(f[3]) }
        }
        let rankings = try ranker.rankBatch(topics.map(\.1), options: RankingOptions(scorer: .bm25), k: 10)
        var total = 0.0
        for (i, (qid, _)) in topics.enumerated() {
            let judged = qrels[qid] ?? [:]
            // Order exactly as a run file is read: RunWriter's lines.
            let hits = try rankings[i].hits.map { (docno: try index.docno($0.doc), score: $0.score) }
            let docnos = try RunWriter.lines(topic: qid, hits: hits, tag: "t").map { String($0.split(separator: " ")[2]) }
            var dcg = 0.0
            for (r, d) in docnos.enumerated() { dcg += Double(max(judged[d] ?? 0, 0)) / log2(Double(r + 2)) }
            let ideal = judged.values.filter { $0 > 0 }.sorted(by: >).prefix(10)
            let idcg = ideal.enumerated().reduce(0.0) { $0 + Double($1.element) / log2(Double($1.offset + 2)) }
            total += idcg > 0 ? dcg / idcg : 0
        }
        let ndcg = total / Double(topics.count)
        print("SciFact BM25 NDCG@10 = \(String(format: "%.4f", ndcg))")
        XCTAssertEqual(ndcg, 0.6789, accuracy: 0.01)
    }
}
