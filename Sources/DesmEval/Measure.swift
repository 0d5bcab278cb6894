import DesmText
import Foundation

/// The trec_eval measures desm computes. Names and semantics are trec_eval 9.0.8's (the
/// version bundled in pytrec_eval, which BEIR and most papers use).
public enum MeasureKind: String, CaseIterable, Sendable {
    case runid, numQ = "num_q", numRet = "num_ret", numRel = "num_rel", numRelRet = "num_rel_ret"
    case map, rprec = "Rprec", recipRank = "recip_rank"
    case precision = "P", recall, ndcg, ndcgCut = "ndcg_cut"

    /// Whether the measure takes cutoffs (`P.5,10`, `ndcg_cut.10`).
    public var hasCutoffs: Bool { self == .precision || self == .recall || self == .ndcgCut }

    /// Counts print as integers and sum (not average) over topics, as in trec_eval.
    public var isCount: Bool { self == .numRet || self == .numRel || self == .numRelRet || self == .numQ }

    /// trec_eval's default cutoffs for P, recall and ndcg_cut.
    public static let defaultCutoffs = [5, 10, 15, 20, 30, 100, 200, 500, 1000]
}

/// One measure value column: a kind and, for P/recall/ndcg_cut, one cutoff.
public struct Measure: Hashable, Sendable, CustomStringConvertible {
    public var kind: MeasureKind
    public var cutoff: Int?

    public init(_ kind: MeasureKind, cutoff: Int? = nil) {
        self.kind = kind
        self.cutoff = cutoff
    }

    /// The name trec_eval prints: `ndcg_cut_10`, `P_5`, `map`.
    public var name: String { cutoff.map { "\(kind.rawValue)_\($0)" } ?? kind.rawValue }
    public var description: String { name }

    public static let map = Measure(.map)
    public static let ndcg = Measure(.ndcg)
    public static func ndcgCut(_ k: Int) -> Measure { Measure(.ndcgCut, cutoff: k) }
    public static func precision(_ k: Int) -> Measure { Measure(.precision, cutoff: k) }
    public static func recall(_ k: Int) -> Measure { Measure(.recall, cutoff: k) }

    /// Parses measure requests the way `trec_eval -m` does: `map`, `ndcg_cut.10`,
    /// `ndcg_cut.5,10`, `P` (default cutoffs), `all_trec` (everything desm computes); the
    /// printed forms `ndcg_cut_10`, `P_5` are accepted too. The result is in trec_eval's
    /// printing order with duplicates removed. An unknown name is an error.
    public static func parse(_ requests: [String]) throws -> [Measure] {
        var wanted = Set<Measure>()
        for request in requests {
            for m in try parseOne(request) { wanted.insert(m) }
        }
        return ordered(wanted)
    }

    /// Every measure desm computes, at trec_eval's default cutoffs (the default set of `desm eval`).
    public static var all: [Measure] {
        var out: [Measure] = []
        for kind in MeasureKind.allCases {
            if kind.hasCutoffs { out += MeasureKind.defaultCutoffs.map { Measure(kind, cutoff: $0) } }
            else { out.append(Measure(kind)) }
        }
        return out
    }

    /// Measures in trec_eval's printing order (by kind, then cutoff).
    public static func ordered(_ set: Set<Measure>) -> [Measure] {
        let order = Dictionary(uniqueKeysWithValues: MeasureKind.allCases.enumerated().map { ($1, $0) })
        return set.sorted { a, b in
            if a.kind != b.kind { return order[a.kind]! < order[b.kind]! }
            return (a.cutoff ?? 0) < (b.cutoff ?? 0)
        }
    }

    private static func parseOne(_ request: String) throws -> [Measure] {
        let r = request.trimmingCharacters(in: .whitespaces)
        if r == "all_trec" || r == "official" { return all }
        if let kind = MeasureKind(rawValue: r) {
            if kind.hasCutoffs { return MeasureKind.defaultCutoffs.map { Measure(kind, cutoff: $0) } }
            return [Measure(kind)]
        }
        // name.cutoffs or name_cutoff
        for kind in MeasureKind.allCases where kind.hasCutoffs {
            for sep in [".", "_"] {
                let prefix = kind.rawValue + sep
                guard r.hasPrefix(prefix) else { continue }
                let list = r.dropFirst(prefix.count)
                if sep == "_" && list.contains(",") { break }
                var out: [Measure] = []
                for part in list.split(separator: ",", omittingEmptySubsequences: false) {
                    guard let k = Int(part), k > 0 else {
                        throw DesmError("measure \"\(request)\": cutoff \"\(part)\" is not a positive integer")
                    }
                    out.append(Measure(kind, cutoff: k))
                }
                if out.isEmpty { throw DesmError("measure \"\(request)\": no cutoff after \"\(sep)\"") }
                return out
            }
        }
        let known = MeasureKind.allCases.map { $0.hasCutoffs ? $0.rawValue + ".k" : $0.rawValue }
        throw DesmError("unknown measure \"\(request)\" (known: \(known.joined(separator: ", ")), all_trec)")
    }
}

