import DesmIndex
import DesmText

extension ExperimentRunner {
    /// One system of the comparison, parsed from its config name:
    ///
    ///     <base>[+<modifier>]...[@centred]
    ///     base     bm25 | in-out | in-in | out-out | out-in | rerank:<variant> | mixture:<variant>
    ///     modifier rm3      RM3 with Anserini's defaults (10 documents, 10 terms, λ 0.5), nothing tuned
    ///              rm3e     RM3 with feedback terms re-weighted by the embeddings (γ and λ tuned)
    ///              topical  the query's IN-OUT neighbours added (words N and weight λ tuned)
    ///              vfb      the DESM query vector moved towards the top lexical documents (β tuned)
    ///              ax       Anserini's Ax with its defaults (r 20, n 30, β 0.4, 20 terms, seed 42), nothing tuned
    ///
    /// At most one of rm3, rm3e, topical and ax (they are alternative expansions of the BM25
    /// query); `vfb` only with a base that uses DESM; each modifier once. `@centred` ranks on
    /// a second index whose word vectors are mean-centred (`desm index --center`), for systems
    /// that use the embeddings. A mixture also tunes
    /// α.
    public struct System: Sendable, Equatable {
        public enum Base: Sendable, Equatable {
            case bm25
            case desm(DesmVariant)
            case rerank(DesmVariant)
            case mixture(DesmVariant)

            var name: String {
                switch self {
                case .bm25: return "bm25"
                case .desm(let v): return v.rawValue
                case .rerank(let v): return "rerank:" + v.rawValue
                case .mixture(let v): return "mixture:" + v.rawValue
                }
            }
        }

        /// The modifiers, in their canonical order.
        public enum Modifier: String, CaseIterable, Sendable {
            case rm3, rm3e, topical, vfb, ax
        }

        /// The name as the config spells it.
        public var name: String
        public var base: Base
        /// In canonical order (rm3, rm3e, topical, vfb, ax).
        public var modifiers: [Modifier]
        /// Ranks on the experiment's mean-centred index (`@centred`).
        public var centred: Bool

        public static let centredSuffix = "@centred"

        public static let grammar = "<base>[+<modifier>]...[@centred], base bm25, in-out, in-in, out-out, out-in, rerank:<variant> or mixture:<variant> (variant in-out, in-in, out-out, out-in), modifiers rm3, rm3e, topical, vfb, ax (e.g. bm25+rm3, mixture:in-out+rm3+vfb)"

        public init(_ name: String, path: String) throws {
            self.name = name
            centred = name.hasSuffix(Self.centredSuffix)
            let plain = centred ? String(name.dropLast(Self.centredSuffix.count)) : name
            var parts = plain.split(separator: "+", omittingEmptySubsequences: false).map(String.init)
            let baseName = parts.removeFirst()
            let pieces = baseName.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            if pieces.count == 2 {
                guard let v = DesmVariant(rawValue: pieces[1]) else { throw System.unknown(name, path, "unknown DESM variant \"\(pieces[1])\"") }
                switch pieces[0] {
                case "rerank": base = .rerank(v)
                case "mixture": base = .mixture(v)
                default: throw System.unknown(name, path, "unknown base \"\(baseName)\"")
                }
            } else if baseName == "bm25" {
                base = .bm25
            } else if let v = DesmVariant(rawValue: baseName) {
                base = .desm(v)
            } else {
                throw System.unknown(name, path, "unknown base \"\(baseName)\"")
            }
            var seen = Set<Modifier>()
            for p in parts {
                guard let m = Modifier(rawValue: p) else { throw System.unknown(name, path, "unknown modifier \"\(p)\"") }
                guard seen.insert(m).inserted else { throw System.invalid(name, path, "modifier \(p) is given twice") }
            }
            if seen.intersection([.rm3, .rm3e, .topical, .ax]).count > 1 {
                throw System.invalid(name, path, "rm3, rm3e, topical and ax are alternative expansions of the BM25 query: choose one")
            }
            if seen.contains(.vfb), base == .bm25 {
                throw System.invalid(name, path, "vfb moves the DESM query vector: use it with a DESM, rerank: or mixture: base")
            }
            modifiers = Modifier.allCases.filter { seen.contains($0) }
            if centred && !baseOptions.usesModel {
                throw System.invalid(name, path, "@centred changes the word vectors, and \(plain) does not use the embeddings: drop @centred")
            }
        }

        /// The name with the modifiers in canonical order: two spellings of one system agree.
        public var canonicalName: String {
            ([base.name] + modifiers.map(\.rawValue)).joined(separator: "+") + (centred ? Self.centredSuffix : "")
        }

        public var reranks: Bool { if case .rerank = base { return true } else { return false } }
        public var isMixture: Bool { if case .mixture = base { return true } else { return false } }

        /// The ranking options before the experiment's settings (BM25 parameters, stoplist,
        /// re-ranking depth, normalisation) and the tuned parameters are filled in; tuned
        /// parameters hold a placeholder.
        public var baseOptions: RankingOptions {
            var o: RankingOptions
            switch base {
            case .bm25: o = RankingOptions(scorer: .bm25)
            case .desm(let v): o = RankingOptions(scorer: .desm(v))
            case .rerank(let v): o = RankingOptions(scorer: .desm(v))
            case .mixture(let v): o = RankingOptions(scorer: .mixture(v))
            }
            for m in modifiers {
                switch m {
                case .rm3: o.expansion = .rm3(RM3Parameters())
                case .rm3e: o.expansion = .rm3(RM3Parameters(embeddingWeight: 1))
                case .topical: o.expansion = .topical(TopicalExpansionParameters())
                case .ax: o.expansion = .ax(AxParameters())
                case .vfb: o.vectorFeedback = VectorFeedback(documents: 10, weight: 0.5)
                }
            }
            return o
        }

        /// How much the system adds to one scorer alone, for preferring the simpler of two
        /// systems that score alike (`SystemChoice`): one per scorer it ranks with (BM25,
        /// DESM), one per modifier, one per tuned parameter. `bm25` and `in-out` 1, `bm25+rm3`
        /// and `rerank:in-out` 2, `mixture:in-in` 3, `bm25+rm3e` 4, `mixture:in-in+rm3e` 6.
        public var complexity: Int {
            let scorers: Int
            switch base {
            case .bm25, .desm: scorers = 1
            case .rerank, .mixture: scorers = 2
            }
            return scorers + modifiers.count + tunedParameters.count
        }

        /// The names of the parameters this system tunes, in grid order.
        public var tunedParameters: [String] {
            var out: [String] = []
            if isMixture { out.append("alpha") }
            if modifiers.contains(.rm3e) { out += ["gamma", "rm3_weight"] }
            if modifiers.contains(.topical) { out += ["topical_words", "topical_weight"] }
            if modifiers.contains(.vfb) { out.append("beta") }
            return out
        }

        /// `options` with the tuned parameters set to `values` (by name).
        public static func apply(_ values: [String: Double], to options: RankingOptions) -> RankingOptions {
            var o = options
            if let a = values["alpha"] { o.alpha = a }
            if case .rm3(var p) = o.expansion {
                if let g = values["gamma"] { p.embeddingWeight = g }
                if let w = values["rm3_weight"] { p.originalQueryWeight = w }
                o.expansion = .rm3(p)
            }
            if case .topical(var p) = o.expansion {
                if let n = values["topical_words"] { p.words = Int(n) }
                if let w = values["topical_weight"] { p.originalQueryWeight = w }
                o.expansion = .topical(p)
            }
            if let b = values["beta"], var f = o.vectorFeedback {
                f.weight = b
                o.vectorFeedback = f
            }
            return o
        }

        static func invalid(_ name: String, _ path: String, _ why: String) -> DesmError {
            DesmError("system \"\(name)\": \(why)", path: path)
        }

        static func unknown(_ name: String, _ path: String, _ why: String) -> DesmError {
            DesmError("unknown system \"\(name)\" (\(why)): systems are \(grammar)", path: path)
        }
    }
}
