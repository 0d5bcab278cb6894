/// The scorers a ranking can use, as typed values: a scorer name is parsed once
/// (`ScorerKind.parse`) and everything downstream switches on the value. Each family has its
/// own file beside this one — `DesmScorer` (the four DESM variants), `BM25Scorer`,
/// `MixtureScorer` — and `Reranking.swift` holds the telescoping setting that re-scores
/// BM25's top K with any of them.
import DesmText
import DesmWord2Vec

/// Which embedding spaces a DESM score compares: the query words' space, then the
/// documents' centroid space. IN-OUT is the paper's main scorer.
public enum DesmVariant: String, CaseIterable, Sendable {
    case inOut = "in-out"
    case inIn = "in-in"
    case outOut = "out-out"
    case outIn = "out-in"

    public var querySpace: EmbeddingSpace { self == .inOut || self == .inIn ? .input : .output }
    public var documentSpace: EmbeddingSpace { self == .inOut || self == .outOut ? .output : .input }
}

/// A scorer: DESM in one of its four variants, BM25, or the mixture α·DESM + (1−α)·BM25.
public enum ScorerKind: Equatable, Sendable, CustomStringConvertible {
    case desm(DesmVariant)
    case bm25
    case mixture(DesmVariant)

    /// Parses `in-out`, `in-in`, `out-out`, `out-in`, `bm25`, `mixture` (= mixture with
    /// IN-OUT) or `mixture:<variant>`.
    public init?(name: String) {
        if name == "bm25" { self = .bm25; return }
        if name == "mixture" { self = .mixture(.inOut); return }
        if name.hasPrefix("mixture:"), let v = DesmVariant(rawValue: String(name.dropFirst(8))) {
            self = .mixture(v); return
        }
        guard let v = DesmVariant(rawValue: name) else { return nil }
        self = .desm(v)
    }

    public static let names = ["in-out", "in-in", "out-out", "out-in", "bm25", "mixture", "mixture:in-in"]

    /// `init(name:)` or an error that lists the scorers (for option parsers and configs).
    public static func parse(_ name: String) throws -> ScorerKind {
        guard let kind = ScorerKind(name: name) else {
            throw DesmError("unknown scorer \"\(name)\": use one of \(names.joined(separator: ", ")) (or mixture:out-out, mixture:out-in)")
        }
        return kind
    }

    public var description: String {
        switch self {
        case .desm(let v): return v.rawValue
        case .bm25: return "bm25"
        case .mixture(let v): return v == .inOut ? "mixture" : "mixture:\(v.rawValue)"
        }
    }

    public var usesDesm: Bool { if case .bm25 = self { return false } else { return true } }
    public var usesBM25: Bool { if case .desm = self { return false } else { return true } }
    public var variant: DesmVariant? {
        switch self {
        case .desm(let v), .mixture(let v): return v
        case .bm25: return nil
        }
    }
}
