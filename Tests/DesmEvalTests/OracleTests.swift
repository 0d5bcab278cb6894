import DesmEval
import DesmText
import DesmTestSupport
import Foundation
import XCTest

/// desm's measures against pytrec_eval (trec_eval 9.0.8 inside) on synthetic runs over real
/// qrels: every topic and every measure must agree to 1e-4. Skips when pytrec_eval or the
/// shared data is absent.
final class PytrecEvalOracleTests: XCTestCase {
    let dir = ScratchDirectory("desm-eval")
    let requests = ["ndcg", "ndcg_cut", "map", "P", "recall", "recip_rank", "Rprec", "num_ret", "num_rel", "num_rel_ret"]
    let oracleScript = packageRoot + "/eval/trec_eval/pytrec_eval_oracle.py"

    /// A run over a qrels' topics, deterministic from `seed`: judged documents of the topic,
    /// documents judged for other topics and never-judged ones, with coarse scores (many ties),
    /// scores that tie only as 32-bit floats, some topics left out, one topic not in the qrels,
    /// and depths from 1 to 1,500.
    func syntheticRun(_ qrels: Qrels, seed: UInt64, name: String) throws -> String {
        var rng = PermutationRNG(seed: seed)
        let topics = qrels.topicIDs
        let pool = Array(Set(qrels.judgments.values.flatMap { $0.keys })).sorted()
        var text = ""
        for (ti, t) in (topics + ["no-such-topic"]).enumerated() {
            if ti % 7 == 3 { continue }                        // topics missing from the run
            let depth = [1, 3, 10, 50, 120, 1500][Int(rng.next() % 6)]
            var docs = Array((qrels.judgments[t] ?? [:]).keys).sorted().shuffled(using: &rng)
            while docs.count < depth * 2 / 3 && docs.count < pool.count { docs.append(pool[Int(rng.next() % UInt64(pool.count))]) }
            for i in 0..<(depth / 3) { docs.append("unjudged-\(ti)-\(i)") }
            var seen = Set<String>()
            docs = docs.filter { seen.insert($0).inserted }.shuffled(using: &rng).prefix(depth).map { $0 }
            for (rank, d) in docs.enumerated() {
                let u = Double(rng.next() % 1_000_000) / 1_000_000
                let score: Double
                switch rng.next() % 3 {
                case 0: score = (u * 10).rounded() / 10                      // coarse: ties
                case 1: score = (u * 10).rounded() / 10 + 1e-9 * Double(rng.next() % 3)   // ties only as Float
                default: score = u * 20 - 5
                }
                text += "\(t) Q0 \(d) \(rank + 1) \(String(format: "%.17g", score)) \(name)\n"
            }
        }
        let path = dir.path + "/\(name).run"
        try writeFileAtomically(path, text: text)
        return path
    }

    func compare(qrelsRel: String, seeds: [UInt64], level: Int = 1) throws {
        try requirePythonModule("pytrec_eval", pip: "pytrec-eval-terrier")
        let qrelsPath = try requireSharedData(qrelsRel)
        let qrels = try Qrels.load(path: qrelsPath)
        let measures = try Measure.parse(requests)
        for seed in seeds {
            let runPath = try syntheticRun(qrels, seed: seed, name: "synthetic\(seed)")
            let run = try RunFile.load(path: runPath)
            let desm = try evaluate(run: run, qrels: qrels, measures: measures, options: EvalOptions(relevanceLevel: level))
            let r = try runProcess("/usr/bin/env", ["python3", oracleScript, qrelsPath, runPath, "-l", String(level)] + requests)
            XCTAssertEqual(r.status, 0, r.stderr)
            let oracle = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: [String: Double]])
            XCTAssertEqual(Set(oracle.keys), Set(desm.topics), "\(qrelsRel) seed \(seed): evaluated topics differ")
            var compared = 0
            for (ti, t) in desm.topics.enumerated() {
                guard let theirs = oracle[t] else { continue }
                for (mi, m) in measures.enumerated() {
                    guard let v = theirs[m.name] else { XCTFail("pytrec_eval lacks \(m.name)"); continue }
                    XCTAssertEqual(desm.values[ti][mi], v, accuracy: 1e-4, "\(qrelsRel) seed \(seed) topic \(t) \(m.name)")
                    compared += 1
                }
            }
            XCTAssertGreaterThan(compared, 1000)
        }
    }

    func testTrecDLGraded() throws { try compare(qrelsRel: "trec-dl-passage/qrels-dl19.txt", seeds: [1, 2]) }
    func testTrecDLRelevanceLevel2() throws { try compare(qrelsRel: "trec-dl-passage/qrels-dl20.txt", seeds: [3], level: 2) }
    func testCranfield() throws { try compare(qrelsRel: "cranfield/qrels.trec.txt", seeds: [4]) }
    func testSciFactBEIRQrels() throws { try compare(qrelsRel: "scifact/qrels/test.tsv", seeds: [5]) }
    func testTrecCovidNegativeGrades() throws { try compare(qrelsRel: "trec-covid/qrels-covid_d5_j0.5-5.txt", seeds: [6]) }
}
