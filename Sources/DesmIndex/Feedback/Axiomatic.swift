import DesmText
import Foundation

/// Axiomatic semantic term matching ("Ax"), as Anserini 0.21's `AxiomReranker` computes it
/// with `-axiom -axiom.deterministic` (Yang & Lin, ECIR 2019, after Fang & Zhai, SIGIR 2006):
///
/// 1. The pool: the top r documents of the first BM25 ranking (Anserini's first ranking holds
///    `-rerankCutoff` documents; with the usual cutoff of r or more that is these r), then
///    documents drawn from the collection until the pool holds r·n: each draw is
///    `sampling[random.nextInt(sampling.count)]`, `random` being Java's `java.util.Random(seed)`
///    (`JavaRandom`, the same sequence) and `sampling` the documents sorted by docno in byte
///    order (Anserini sorts its documents by the `id` field, so the draw does not depend on
///    Lucene's internal order). A document drawn twice, or already among the top r, counts
///    once and the draws go on. Anserini never indexes a document whose text is empty, so
///    `sampling` leaves out desm's documents without a BM25 term; when r·n reaches their
///    number, the pool is all of them (Anserini's loop would never end past it).
/// 2. Candidate terms: every term of a pool document (the forward index) of at least two
///    characters, all in [a-z] (no digits, unlike RM3's filter), with the set of pool
///    documents holding it. P below counts the pool documents that hold a candidate term.
/// 3. For each distinct query term q in the index (df > 0) that is a candidate, with qtf its
///    count in the query and idf(q) = ln⌊(N + 1)/df(q)⌋ (integer division, in float; 0 when
///    df > (N + 1)/2; N counts the documents with a term, as Anserini's count leaves out the
///    empty ones it did not index), each candidate t scores
///      s_q(q) = idf(q)·qtf, and for t ≠ q   s_q(t) = idf(q)·β·qtf · I(q; t) / I(q; q),
///    I the mutual information of the two terms' presence over the P documents:
///      I(x; y) = Σ_{a,b ∈ {0,1}} p(x=a, y=b) · ln(p(x=a, y=b) / (p(x=a)·p(y=b))),
///    each p a count over P in float, a zero joint term contributing 0, and I = 0 when either
///    term is in none or all of the P documents (then s_q(t) for t ≠ q is 0/0, NaN).
/// 4. From each query term's list, best first (NaN before any number, ties by the term in byte
///    order), Anserini takes its first ⌈S/2⌉ terms, at most max(top, 1000) — S the list's length
///    (its loop bound shrinks as it polls) — and adds their scores above 1e-8 into s(t).
/// 5. s(t) is divided by |Q|, the query's analysed tokens with repeats (also those in no
///    document), and the first ⌈S′/2⌉ terms of that list, at most `top`, are the expanded
///    query, their weights s(t)/|Q| rounded to float (Lucene's boosts). Query terms are in
///    it only as they are chosen: a query term that is not a candidate or has idf 0 drops out.
///
/// The expanded query is a new BM25 query over the whole collection with these weights as
/// boosts (`WeightedTerm.weight`), as Anserini's `BooleanQuery` of `BoostQuery`s.
enum Axiomatic {
    /// The largest pool r·n `RankingOptions.problem` accepts (each pool document's terms are
    /// read for every query).
    static let largestPool = 10_000_000

    /// Java's `java.util.Random`: the 48-bit linear congruential generator and its
    /// `nextInt(bound)` (rejection of the last incomplete block for bounds that are not powers
    /// of two), so that a seed draws the same numbers as in Anserini.
    struct JavaRandom {
        private static let multiplier: UInt64 = 0x5_DEEC_E66D
        private static let mask: UInt64 = (1 << 48) - 1
        private var state: UInt64

        init(seed: Int64) { state = (UInt64(bitPattern: seed) ^ JavaRandom.multiplier) & JavaRandom.mask }

        /// The next `bits` (≤ 31) random bits.
        mutating func next(_ bits: Int) -> Int32 {
            state = (state &* JavaRandom.multiplier &+ 0xB) & JavaRandom.mask
            return Int32(truncatingIfNeeded: state >> UInt64(48 - bits))
        }

        /// A number in [0, bound), bound > 0.
        mutating func nextInt(_ bound: Int32) -> Int32 {
            precondition(bound > 0, "JavaRandom.nextInt needs a positive bound")
            var r = next(31)
            let m = bound &- 1
            if bound & m == 0 { return Int32(truncatingIfNeeded: (Int64(bound) * Int64(r)) >> 31) }
            var u = r
            while true {
                r = u % bound
                if u &- r &+ m >= 0 { return r }   // Java's int overflow: u − r + m < 0 rejects
                u = next(31)
            }
        }
    }

    /// Anserini's rule for Ax's candidate terms: at least 2 characters, all of [a-z].
    static func isCandidateTerm(_ term: String) -> Bool {
        let u = term.utf8
        return u.count >= 2 && u.allSatisfy { $0 >= 0x61 && $0 <= 0x7A }
    }

    /// The documents the draw picks from: those with at least one BM25 term, sorted by docno
    /// (UTF-8 byte order, as Lucene sorts the `id` field).
    static func samplingOrder(_ index: DocumentIndex) throws -> [Int32] {
        var docs: [Int32] = [], names: [[UInt8]] = []
        for d in 0..<index.count where index.lengths[d] > 0 {
            docs.append(Int32(d))
            names.append(Array(try index.docno(d).utf8))
        }
        let order = names.indices.sorted { names[$0].lexicographicallyPrecedes(names[$1]) }
        return order.map { docs[$0] }
    }

    /// The pool: the top r documents of `ranking`, then draws from `sampling` until it holds
    /// r·n documents (all of `sampling`'s when r·n reaches its size). In the order added.
    static func pool(ranking: [ScoredDocument], sampling: [Int32], parameters p: AxParameters) -> [Int] {
        var chosen = Set<Int>(), pool: [Int] = []
        for hit in ranking.prefix(p.topDocuments) where chosen.insert(hit.doc).inserted { pool.append(hit.doc) }
        let target = p.topDocuments * p.poolFactor
        guard pool.count < target else { return pool }
        if target >= sampling.count {
            for d in sampling where chosen.insert(Int(d)).inserted { pool.append(Int(d)) }
            return pool
        }
        var random = JavaRandom(seed: p.seed)
        let bound = Int32(sampling.count)
        while pool.count < target {
            let d = Int(sampling[Int(random.nextInt(bound))])
            if chosen.insert(d).inserted { pool.append(d) }
        }
        return pool
    }

    /// I(X; Y) over `total` documents, X in `x` of them, Y in `y`, both in `both`, in
    /// Anserini's arithmetic: probabilities and their ratios in float, logarithms and the sum
    /// (in the order m00 + m10 + m01 + m11) in double.
    static func mutualInformation(x x1: Int, y y1: Int, both n11: Int, total: Int) -> Double {
        let x0 = total - x1, y0 = total - y1
        if x1 == 0 || x0 == 0 || y1 == 0 || y0 == 0 { return 0 }
        let n = Float(total)
        let pX0 = Float(x0) / n, pX1 = Float(x1) / n, pY0 = Float(y0) / n, pY1 = Float(y1) / n
        let n10 = x1 - n11, n01 = y1 - n11, n00 = total - n11 - n10 - n01
        func part(_ count: Int, _ px: Float, _ py: Float) -> Double {
            let pxy = Float(count) / n
            return pxy == 0 ? 0 : Double(pxy) * log(Double(pxy / (px * py)))
        }
        return part(n00, pX0, pY0) + part(n10, pX1, pY0) + part(n01, pX0, pY1) + part(n11, pX1, pY1)
    }

    /// Anserini's order of scored terms: higher score first, NaN before any number (Java's
    /// `Double.compare`, which also puts 0.0 before −0.0), then the term (ids are in byte order,
    /// which for [a-z] terms is `compareToIgnoreCase`'s).
    static func precedes(_ a: (term: Int, score: Double), _ b: (term: Int, score: Double)) -> Bool {
        if a.score.isNaN != b.score.isNaN { return a.score.isNaN }
        if !a.score.isNaN {
            if a.score != b.score { return a.score > b.score }
            if a.score == 0, a.score.sign != b.score.sign { return a.score.sign == .plus }
        }
        return a.term < b.term
    }

    /// How many of a list of `size` Anserini takes when it asks for `limit`: its loop
    /// `for (i = 0; i < min(queue.size(), limit); i++) queue.poll()` stops at ⌈size/2⌉.
    static func taken(from size: Int, limit: Int) -> Int { min((size + 1) / 2, limit) }

    /// The expanded query for `query` (the plain BM25 query: distinct terms with their counts)
    /// from the documents of `pool`: (term id, weight) pairs, best first; empty when no term
    /// scores. `documents` is N in the idf: the documents Anserini would have indexed, those
    /// with a term (`samplingOrder`'s count).
    static func expansion(query: [WeightedTerm], pool: [Int], documents: Int, index: DocumentIndex,
                          parameters p: AxParameters) throws -> [(term: Int, weight: Double)] {
        // Candidate terms and the pool documents (positions in `pool`) that hold them.
        var accepted: [Int: Bool] = [:]
        var holders: [Int: [Int32]] = [:]
        var documentsWithTerms = 0
        var terms: [Int] = []
        for (i, d) in pool.enumerated() {
            terms.removeAll(keepingCapacity: true)
            try index.forEachDocumentTerm(d) { t, _ in terms.append(t) }
            var any = false
            for t in terms {
                let ok: Bool
                if let known = accepted[t] { ok = known } else { ok = isCandidateTerm(try index.term(t)); accepted[t] = ok }
                guard ok else { continue }
                holders[t, default: []].append(Int32(i))
                any = true
            }
            if any { documentsWithTerms += 1 }
        }
        let candidates = holders.sorted { $0.key < $1.key }
        let tokens = query.reduce(0) { $0 + $1.queryCount }
        let n = Int64(documents)
        let beta = Float(p.beta)
        var sums: [Int: Double] = [:]
        var inQuery = [Bool](repeating: false, count: pool.count)
        for q in query {
            guard let id = q.id else { continue }
            let df = Int64(index.bm25DocumentFrequency(id))
            guard df > 0, let qDocs = holders[id] else { continue }
            let idf = Float(log(Double((n + 1) / df)))
            let qtf = Float(q.queryCount)
            let selfMI = mutualInformation(x: qDocs.count, y: qDocs.count, both: qDocs.count, total: documentsWithTerms)
            for i in qDocs { inQuery[Int(i)] = true }
            defer { for i in qDocs { inQuery[Int(i)] = false } }
            var scored: [(term: Int, score: Double)] = []
            scored.reserveCapacity(candidates.count)
            for (t, docs) in candidates {
                if t == id {
                    scored.append((t, Double(idf * qtf)))
                } else {
                    var both = 0
                    for i in docs where inQuery[Int(i)] { both += 1 }
                    let cross = mutualInformation(x: qDocs.count, y: docs.count, both: both, total: documentsWithTerms)
                    scored.append((t, Double(idf * beta * qtf) * cross / selfMI))
                }
            }
            scored.sort(by: precedes)
            for s in scored.prefix(taken(from: scored.count, limit: max(p.terms, 1000))) where s.score - 0 > 1e-8 {
                sums[s.term, default: 0] += s.score
            }
        }
        let averaged = sums.map { (term: $0.key, score: $0.value / Double(tokens)) }.sorted(by: precedes)
        return averaged.prefix(taken(from: averaged.count, limit: p.terms)).map { ($0.term, Double(Float($0.score))) }
    }

    /// The expanded query as BM25 terms: each chosen term weighted by its Ax weight, best
    /// first; a query term keeps its query count.
    static func weightedTerms(_ expansion: [(term: Int, weight: Double)], query: [WeightedTerm],
                              index: DocumentIndex) throws -> [WeightedTerm] {
        var counts: [Int: Int] = [:]
        for q in query { if let id = q.id { counts[id] = q.queryCount } }
        return try expansion.map { WeightedTerm(term: try index.term($0.term), id: $0.term, weight: $0.weight, queryCount: counts[$0.term] ?? 0) }
    }
}
