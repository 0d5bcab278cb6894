import Foundation

/// word2vec's training steps written out plainly in Double from the C tool's description
/// (REFERENCE.md §2), sharing no code with desm's kernels: the trainer tests run desm on a
/// tiny corpus from fixed matrices and compare every number with what this computes.
///
/// Window 1 only (the window's random shrinking then always keeps one word on each side,
/// so the contexts are known), and a noise distribution that puts all its mass on one word
/// (so the negatives are known without reproducing desm's random draws).
struct ReferenceWord2Vec {
    enum Model {
        /// CBOW: the mean of the context IN rows is the input; the input gradient is added,
        /// undivided, to every context row.
        case cbow
        /// Skip-gram as the C tool does it: one (context, centre) pair at a time, the output
        /// rows updated after each decision.
        case skipGramPairs
        /// Skip-gram with one set of outputs for the window (HogBatch): every score from the
        /// rows as they were before the centre word's step, then both sides updated.
        case skipGramShared
    }

    enum Loss {
        /// Negative sampling: the target, then `count` draws of the noise word (none when
        /// the target is the noise word: word2vec skips a draw equal to the target).
        case negative(noise: Int, count: Int)
        /// Hierarchical softmax: each word's path from the root as (inner node, code bit).
        case softmax(paths: [[(node: Int, code: Int)]])
    }

    let model: Model
    let loss: Loss
    let alpha: Double
    var input: [[Double]]
    var output: [[Double]]
    var syn1: [[Double]]
    /// Update multipliers of IN and OUT rows (1 free, 0 frozen).
    var lockIn: [Double]
    var lockOut: [Double]

    /// σ(f) as word2vec's table gives it: 1000 bins over [−6, 6], each holding σ at its left
    /// edge.
    static func tableSigmoid(_ f: Double) -> Double {
        let bin = Int(((f + 6) * (1000.0 / 12.0)).rounded(.down))
        let x = (Double(bin) / 1000 * 2 - 1) * 6
        return 1 / (1 + exp(-x))
    }

    /// Negative sampling's step size: (label − σ(f))·alpha, σ taken as 1 above 6 and 0 below −6.
    func gradient(_ f: Double, label: Double) -> Double {
        if f > 6 { return (label - 1) * alpha }
        if f < -6 { return label * alpha }
        return (label - Self.tableSigmoid(f)) * alpha
    }

    func outputs(target: Int, noise: Int, count: Int) -> [Int] {
        target == noise ? [target] : [target] + Array(repeating: noise, count: count)
    }

    /// The binary decisions that predict `target` from the input vector `x`: the output rows
    /// are updated after each decision; returns the gradient for the input rows.
    mutating func predict(_ target: Int, from x: [Double]) -> [Double] {
        var neu = [Double](repeating: 0, count: x.count)
        switch loss {
        case .negative(let noise, let count):
            for (j, o) in outputs(target: target, noise: noise, count: count).enumerated() {
                let g = gradient(dot(x, output[o]), label: j == 0 ? 1 : 0)
                neu = add(neu, output[o], times: g)
                output[o] = add(output[o], x, times: g * lockOut[o])
            }
        case .softmax(let paths):
            for (node, code) in paths[target] {
                let f = dot(x, syn1[node])
                if f <= -6 || f >= 6 { continue }   // word2vec skips saturated decisions
                let g = (1 - Double(code) - Self.tableSigmoid(f)) * alpha
                neu = add(neu, syn1[node], times: g)
                syn1[node] = add(syn1[node], x, times: g)
            }
        }
        return neu
    }

    /// One pass over a sentence of word ids, window 1.
    mutating func train(sentence: [Int]) {
        for i in sentence.indices {
            let contexts = [i - 1, i + 1].filter { sentence.indices.contains($0) }.map { sentence[$0] }
            if contexts.isEmpty { continue }
            let target = sentence[i]
            switch model {
            case .cbow:
                var h = [Double](repeating: 0, count: input[0].count)
                for c in contexts { h = add(h, input[c], times: 1) }
                h = h.map { $0 / Double(contexts.count) }
                let neu = predict(target, from: h)
                for c in contexts { input[c] = add(input[c], neu, times: lockIn[c]) }
            case .skipGramPairs:
                for c in contexts {
                    let neu = predict(target, from: input[c])
                    input[c] = add(input[c], neu, times: lockIn[c])
                }
            case .skipGramShared:
                guard case .negative(let noise, let count) = loss else { fatalError("HogBatch is negative sampling only") }
                let outs = outputs(target: target, noise: noise, count: count)
                let xs = contexts.map { input[$0] }, ys = outs.map { output[$0] }
                let g = xs.map { x in ys.indices.map { j in gradient(dot(x, ys[j]), label: j == 0 ? 1 : 0) } }
                for (j, o) in outs.enumerated() {
                    for a in xs.indices { output[o] = add(output[o], xs[a], times: g[a][j] * lockOut[o]) }
                }
                for (a, c) in contexts.enumerated() {
                    var neu = [Double](repeating: 0, count: xs[a].count)
                    for j in ys.indices { neu = add(neu, ys[j], times: g[a][j]) }
                    input[c] = add(input[c], neu, times: lockIn[c])
                }
            }
        }
    }
}

private func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

/// a + s·b.
private func add(_ a: [Double], _ b: [Double], times s: Double) -> [Double] { zip(a, b).map { $0 + s * $1 } }
