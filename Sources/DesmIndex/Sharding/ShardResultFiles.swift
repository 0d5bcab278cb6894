import DesmText
import Foundation

/// The files a shard's `desm run` exchanges with the driver that merges shards
/// (spark/desm_spark.py), text with a header line:
///
/// ```
/// #desm-hits<TAB>1<TAB><run tag>
/// #topic<TAB>qid<TAB>has a query term 0/1<TAB>has a DESM vector 0/1   (every topic, in order)
/// qid<TAB>docno<TAB>collection position<TAB>score        (raw float32, %.9g: exact)
/// #desm-moments<TAB>1<TAB><run tag>
/// qid<TAB>has terms (0/1)<TAB>DESM moments<TAB>lexical moments
///     moments: count, sum hi, sum lo, squares hi, squares lo, min, max  (%.17g: exact)
/// ```
///
/// Hits are each topic's ranking on the shard, best first (unlike a run, scores are not made
/// strictly decreasing: the merge needs them raw); merged hits of the BM25 pass, cut to K per
/// topic, are the candidates a re-ranking shard reads (`--candidates`). Moments are added over
/// the shards (compensated sums, `ScoreMoments`) to give the collection's (`--normalisation-moments`).
public enum ShardResultFiles {
    public static let hitsMagic = "#desm-hits"
    public static let momentsMagic = "#desm-moments"
    public static let version = 1

    /// The lines of one topic's hits.
    public static func hitLines(topic: String, ranking: Ranking, index: DocumentIndex) throws -> String {
        var out = "#topic\t\(topic)\t\(ranking.hasTerms ? 1 : 0)\t\(ranking.hasVector ? 1 : 0)\n"
        for h in ranking.hits {
            out += "\(topic)\t\(try index.docno(h.doc))\t\(index.collectionPosition(h.doc))\t\(String(format: "%.9g", Double(Float(h.score))))\n"
        }
        return out
    }

    /// One topic's moments line (count 0 when the topic had no mixture ranking).
    public static func momentsLine(topic: String, ranking: Ranking) -> String {
        let m = ranking.moments ?? MixtureMoments()
        func f(_ x: Double) -> String { String(format: "%.17g", x) }
        func part(_ s: ScoreMoments) -> String {
            [String(s.count), f(s.sum.hi), f(s.sum.lo), f(s.squares.hi), f(s.squares.lo), f(Double(s.minimum)), f(Double(s.maximum))].joined(separator: "\t")
        }
        return "\(topic)\t\(ranking.hasTerms ? 1 : 0)\t\(part(m.desm))\t\(part(m.lexical))\n"
    }

    /// Reads a file of one kind: its tag and its rows (split at tabs), with line numbers.
    static func rows(path: String, magic: String, fields: Int) throws -> (tag: String, rows: [(line: Int, fields: [Substring])]) {
        let reader = try LineReader(path: path)
        guard let head = try reader.nextLine() else { throw DesmError.at(path, line: 1, "empty file: expected \"\(magic)<TAB>\(version)<TAB>tag\"") }
        let h = head.split(separator: "\t", omittingEmptySubsequences: false)
        guard h.count == 3, h[0] == magic else {
            throw DesmError.at(path, line: 1, "not a \(magic.dropFirst()) file of desm (it starts \"\(magic)<TAB>\(version)<TAB>tag\")")
        }
        guard h[1] == "\(version)" else { throw DesmError.at(path, line: 1, "\(magic.dropFirst()) format \(h[1]), this desm reads version \(version)") }
        var rows: [(Int, [Substring])] = []
        while let line = try reader.nextLine() {
            if line.hasPrefix("#topic\t") { continue }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count == fields else {
                throw DesmError.at(path, line: reader.lineNumber, "\(f.count) tab-separated fields, expected \(fields)")
            }
            rows.append((reader.lineNumber, f))
        }
        return (String(h[2]), rows)
    }

    /// The candidates of each topic that this index holds (`--candidates`): this shard's
    /// members of the collection's lexical top K, best first (score, then collection position).
    public static func candidates(path: String, index: DocumentIndex) throws -> [String: [ScoredDocument]] {
        var out: [String: [(position: Int, hit: ScoredDocument)]] = [:]
        for (line, f) in try rows(path: path, magic: hitsMagic, fields: 4).rows {
            guard let position = Int(f[2]), position >= 0, let score = Double(f[3]), score.isFinite else {
                throw DesmError.at(path, line: line, "expected qid, docno, a collection position ≥ 0 and a finite score")
            }
            guard let doc = index.document(atCollectionPosition: position) else { continue }   // another shard's
            let here = try index.docno(doc)
            guard here == f[1] else {
                throw DesmError.at(path, line: line, "docno \(f[1]) at collection position \(position), but this index has \(here) there: the candidates are of another collection")
            }
            out[String(f[0]), default: []].append((position, ScoredDocument(doc: doc, score: score)))
        }
        return out.mapValues { list in
            list.sorted { $0.hit.score > $1.hit.score || ($0.hit.score == $1.hit.score && $0.position < $1.position) }.map(\.hit)
        }
    }

    /// The collection's moments per topic (`--normalisation-moments`), and whether some part
    /// had a query term.
    public static func moments(path: String) throws -> [String: (hasTerms: Bool, moments: MixtureMoments)] {
        var out: [String: (Bool, MixtureMoments)] = [:]
        for (line, f) in try rows(path: path, magic: momentsMagic, fields: 16).rows {
            func part(_ at: Int) throws -> ScoreMoments {
                let d = f[(at + 1)..<(at + 7)].compactMap { Double($0) }
                guard let n = Int(f[at]), n >= 0, d.count == 6, d[0...3].allSatisfy(\.isFinite) else {
                    throw DesmError.at(path, line: line, "moments must be a count ≥ 0 and six numbers")
                }
                var m = ScoreMoments()
                m.count = n
                m.sum = CompensatedSum(hi: d[0], lo: d[1])
                m.squares = CompensatedSum(hi: d[2], lo: d[3])
                m.minimum = Float(d[4])
                m.maximum = Float(d[5])
                return m
            }
            guard f[1] == "0" || f[1] == "1" else { throw DesmError.at(path, line: line, "has-terms must be 0 or 1, not \(f[1])") }
            guard out[String(f[0])] == nil else { throw DesmError.at(path, line: line, "topic \(f[0]) appears twice") }
            out[String(f[0])] = (f[1] == "1", MixtureMoments(desm: try part(2), lexical: try part(9)))
        }
        return out
    }
}
