import DesmText
import DesmWord2Vec

/// How the mean word vectors μ of `WordCentring` were weighted (recorded in the manifest).
public enum WordMeanWeighting: String, Codable, Sendable {
    /// Σ_w c_w·w / Σ_w c_w, c_w the word's corpus count (at least 1): the model's counts differ.
    case counts = "count-weighted"
    /// The plain mean of the rows: every count is the same, as in a model imported from
    /// exported vectors (counts stored as 0) — the count-weighted mean would be this mean too.
    case uniform = "unweighted"
}

/// The mean word vectors μ_IN and μ_OUT of a model (in double), and how they were weighted.
/// An index stores the ones it was built with (`means`), and everything that centres at
/// query time uses those, never the model's counts: a model with the same vectors but other
/// (or no) counts then ranks identically.
public struct WordMeans: Equatable, Sendable {
    public var input: [Double]
    public var output: [Double]
    public var weighting: WordMeanWeighting

    public init(input: [Double], output: [Double], weighting: WordMeanWeighting) {
        self.input = input
        self.output = output
        self.weighting = weighting
    }

    /// One line saying which mean `desm index --center` subtracts.
    public var description: String {
        switch weighting {
        case .counts: return "centring: subtracting the count-weighted mean word vectors (μ_IN, μ_OUT), stored in the index"
        case .uniform: return "centring: the model's word counts are all equal (none recorded): subtracting the unweighted mean of its rows (μ_IN, μ_OUT), stored in the index"
        }
    }
}

/// Mean-centring of word vectors (`desm index --center`): each row w becomes w − μ before it
/// is scaled to unit length, μ the mean of that space's rows (the IN mean for IN rows, the
/// OUT mean for OUT rows), weighted by the words' corpus counts when the model has them.
///
/// Why: word2vec's IN and OUT vectors share a large common direction each, and the two point
/// almost opposite ways (cosine of the means ≈ −0.97 to −0.99), so a raw IN-OUT score is
/// dominated by how "generic" a document's words are rather than by the query. Removing the
/// means (the "all-but-the-top" idea of Mu & Viswanath 2018, first step) leaves the topical
/// part; see eval/bench/desm_centering.md for the measurements.
public enum WordCentring {
    /// μ_IN and μ_OUT of `model`: count-weighted when its counts differ, else unweighted
    /// (`WordMeanWeighting`).
    public static func means(of model: EmbeddingModel) throws -> WordMeans {
        let out = try outputVectors(of: model)
        let (weights, weighting) = weights(of: model)
        return WordMeans(input: mean(of: model.input, counts: weights), output: mean(of: out, counts: weights),
                         weighting: weighting)
    }

    /// The weights of the mean: the model's counts when they differ, else none (every row 1).
    public static func weights(of model: EmbeddingModel) -> (counts: [Int64]?, weighting: WordMeanWeighting) {
        let counts = model.vocabulary.counts
        return counts.contains { $0 != counts.first } ? (counts, .counts) : (nil, .uniform)
    }

    /// μ = Σ_w c_w·w / Σ_w c_w over the rows whose norm is positive and finite (the others
    /// are unusable and skipped anyway), c_w the vocabulary count (at least 1), or 1 for every
    /// row when `counts` is nil; in double. Deterministic.
    public static func mean(of matrix: FloatMatrix, counts: [Int64]?) -> [Double] {
        let dim = matrix.cols
        var sum = [Double](repeating: 0, count: dim)
        var total = 0.0
        for r in 0..<min(matrix.rows, counts?.count ?? matrix.rows) {
            let row = matrix.row(r)
            let len = VectorKernels.norm(row.baseAddress!, dim)
            guard len > 0, len.isFinite else { continue }
            let c = counts.map { Double(max($0[r], 1)) } ?? 1
            for i in 0..<dim { sum[i] += c * Double(row[i]) }
            total += c
        }
        guard total > 0 else { return sum }
        return sum.map { $0 / total }
    }
}

/// W_OUT, which indexing and the embedding expansions need.
func outputVectors(of model: EmbeddingModel) throws -> FloatMatrix {
    guard let out = model.output else {
        throw DesmError("the model has no OUT vectors (W_OUT): train it with negative sampling to index for DESM")
    }
    return out
}

/// The model's vocabulary rows scaled to unit length (w/‖w‖), for IN and OUT, optionally
/// mean-centred first ((w − μ)/‖w − μ‖, see `WordCentring`). A row whose norm is 0 (an OUT
/// row never trained, say) stays zero and is marked unusable: such a token is skipped as if
/// it were out of vocabulary (with or without centring).
final class UnitVectors: @unchecked Sendable {
    let dim: Int
    let input: FloatMatrix
    let output: FloatMatrix
    let usableIn: [Bool]
    let usableOut: [Bool]

    /// `centring`: the μ to subtract (nil: plain unit vectors).
    init(model: EmbeddingModel, centring: WordMeans?) throws {
        let out = try outputVectors(of: model)
        dim = model.dim
        let v = model.vocabulary.count
        input = FloatMatrix(rows: v, cols: dim)
        output = FloatMatrix(rows: v, cols: dim)
        var ui = [Bool](repeating: false, count: v), uo = [Bool](repeating: false, count: v)
        let muIn = centring?.input
        let muOut = centring?.output
        /// Copies `src` into `dst` (minus μ), scales it to unit length; false: unusable.
        let d = model.dim
        func unit(_ src: UnsafeBufferPointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ mu: [Double]?) -> Bool {
            let len = VectorKernels.norm(src.baseAddress!, d)
            guard len > 0, len.isFinite else { for j in 0..<d { dst[j] = 0 }; return false }
            if let mu {
                for j in 0..<d { dst[j] = Float(Double(src[j]) - mu[j]) }
            } else {
                dst.update(from: src.baseAddress!, count: d)
            }
            return VectorKernels.normalise(dst, d)
        }
        for i in 0..<v {
            ui[i] = unit(UnsafeBufferPointer(model.input.row(i)), input.row(i).baseAddress!, muIn)
            uo[i] = unit(UnsafeBufferPointer(out.row(i)), output.row(i).baseAddress!, muOut)
        }
        usableIn = ui
        usableOut = uo
    }

    func matrix(_ space: EmbeddingSpace) -> FloatMatrix { space == .input ? input : output }

    /// A document's unit IN and OUT centroids D̂ from its tokens' vocabulary ids (−1: out of
    /// vocabulary), written to `ci`/`co` (zeroed `dim` floats; they stay zero when no token is
    /// usable): the sum of the tokens' unit vectors, each × `weights[id]` when given (the idf
    /// variant), scaled to unit length — the mean's direction is the sum's. Returns the number
    /// of in-vocabulary tokens.
    func centroids(of tokens: [Int32], weights: [Float]?, intoIn ci: UnsafeMutablePointer<Float>,
                   intoOut co: UnsafeMutablePointer<Float>) -> Int {
        var inVocabulary = 0, nIn = 0, nOut = 0
        for tokenID in tokens where tokenID >= 0 {
            let id = Int(tokenID)
            inVocabulary += 1
            if let weights {
                let w = weights[id]
                if usableIn[id] { axpy(w, input.row(id).baseAddress!, ci, dim); nIn += 1 }
                if usableOut[id] { axpy(w, output.row(id).baseAddress!, co, dim); nOut += 1 }
            } else {
                if usableIn[id] { VectorKernels.add(ci, input.row(id).baseAddress!, dim); nIn += 1 }
                if usableOut[id] { VectorKernels.add(co, output.row(id).baseAddress!, dim); nOut += 1 }
            }
        }
        if nIn > 0 { VectorKernels.normalise(ci, dim) }
        if nOut > 0 { VectorKernels.normalise(co, dim) }
        return inVocabulary
    }
    func usable(_ space: EmbeddingSpace) -> [Bool] { space == .input ? usableIn : usableOut }
}
