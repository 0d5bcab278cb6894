import DesmText
import Foundation
import Synchronization

/// A training thread (`Worker`), what all threads share (`WorkerJob`: the matrices, tables
/// and corpus; `SharedTrainingState`: the word count and the stop flag), and the steps a
/// worker takes for each sentence. `Word2VecTrainer` (Trainer.swift) sets them up.

final class SharedTrainingState: @unchecked Sendable {
    let wordsDone = Atomic<Int>(0)
    let stop = Atomic<Bool>(false)
}

struct WorkerJob: @unchecked Sendable {
    let parameters: TrainingParameters
    let kernel: KernelState
    let noise: NoiseSampler
    let keep: UnsafePointer<UInt32>
    let bytes: UnsafePointer<UInt8>
    let codeStart: UnsafePointer<Int32>
    let codes: UnsafePointer<UInt8>
    let points: UnsafePointer<Int32>
    let shared: SharedTrainingState
    let totalWords: Double
    let startAlpha: Float
    let progress: ProgressReporter
    let threads: Int
}

/// One training thread: its RNG, its scratch buffers and its running state. `run` reads
/// the thread's share of the corpus sentence by sentence; each centre word goes with its
/// context to the step of the configured model (skip-gram with shared negatives, skip-gram
/// per pair, or CBOW). Every step draws from `rng` in the same order as the C tool's loop.
struct Worker {
    let job: WorkerJob
    let thread: Int
    var rng: XorShift64

    let kernel: KernelState
    let dim: Int, window: Int, negative: Int, maxSentenceLength: Int
    let subsample: Bool, ns: Bool, sg: Bool, sharedNegatives: Bool
    let startAlpha: Float, minAlpha: Float

    /// Scratch: the current sentence, one centre word's contexts and outputs (target +
    /// negatives), input gradients (`neu`, one row per context with shared negatives), the
    /// CBOW mean `h`, and the shared-negatives scores `g` and `column`.
    let sentence: UnsafeMutablePointer<Int32>
    let contexts: UnsafeMutablePointer<Int32>
    let outputs: UnsafeMutablePointer<Int32>
    let neu: UnsafeMutablePointer<Float>
    let h: UnsafeMutablePointer<Float>
    let g: UnsafeMutablePointer<Float>
    let column: UnsafeMutablePointer<Float>

    /// Current learning rate.
    var alpha: Float
    /// Words read but not yet added to the shared count.
    var pending = 0
    /// This epoch's loss sum and decision count (only with loss tracking).
    var loss = 0.0, decisions = 0.0
    var begin = 0.0

    init(job: WorkerJob, thread: Int) {
        let p = job.parameters
        self.job = job
        self.thread = thread
        rng = XorShift64(seed: p.seed &+ UInt64(thread + 1) &* 0x9E37_79B9_7F4A_7C15)
        kernel = job.kernel
        dim = p.dim
        window = p.window
        negative = p.negative
        maxSentenceLength = p.maxSentenceLength
        subsample = p.sample > 0
        ns = p.loss == .ns
        sg = p.architecture == .sg
        sharedNegatives = p.sharedNegatives
        startAlpha = job.startAlpha
        minAlpha = startAlpha * 1e-4
        alpha = startAlpha
        sentence = .allocate(capacity: maxSentenceLength)
        contexts = .allocate(capacity: 2 * window)
        outputs = .allocate(capacity: negative + 1)
        neu = .allocate(capacity: 2 * window * dim + dim)
        h = .allocate(capacity: dim)
        g = .allocate(capacity: 2 * window * (negative + 1))
        column = .allocate(capacity: 2 * window)
    }

    /// Trains on `range` of the encoded corpus for every epoch; returns per-epoch loss sums
    /// and decision counts (zeros unless loss tracking is on). Frees the scratch buffers:
    /// call once.
    mutating func run(range: Range<Int>) -> ([Double], [Double]) {
        defer {
            sentence.deallocate(); contexts.deallocate(); outputs.deallocate()
            neu.deallocate(); h.deallocate(); g.deallocate(); column.deallocate()
        }
        let epochs = job.parameters.epochs
        var epochLoss = [Double](repeating: 0, count: epochs)
        var epochDecisions = [Double](repeating: 0, count: epochs)
        begin = monotonicSeconds()
        for epoch in 0..<epochs {
            var pos = range.lowerBound
            loss = 0
            decisions = 0
            while pos < range.upperBound {
                let length = readSentence(from: &pos, to: range.upperBound)
                if pending >= 10_000 && !publishProgress() { return (epochLoss, epochDecisions) }
                if length > 0 { trainSentence(length: length) }
            }
            epochLoss[epoch] = loss
            epochDecisions[epoch] = decisions
        }
        if pending > 0 { job.shared.wordsDone.add(pending, ordering: .relaxed) }
        return (epochLoss, epochDecisions)
    }

    /// Reads one sentence (word ids + 1 as varints, 0 ending a sentence) into `sentence`,
    /// at most `maxSentenceLength` words, dropping words by subsampling; every word read
    /// counts in `pending`. Returns the words kept.
    @inline(__always)
    mutating func readSentence(from pos: inout Int, to end: Int) -> Int {
        let bytes = job.bytes, keep = job.keep
        var len = 0
        while pos < end && len < maxSentenceLength {
            let v = readVarint(bytes, at: &pos)
            if v == 0 { break }
            let w = Int(v - 1)
            pending += 1
            if subsample && UInt32(truncatingIfNeeded: rng.next() >> 32) > keep[w] { continue }
            sentence[len] = Int32(w)
            len += 1
        }
        return len
    }

    /// Adds the pending words to the shared count and decays the learning rate linearly
    /// with it (down to startAlpha·1e-4); shows progress on thread 0. Returns false when
    /// training is to stop (interrupt).
    mutating func publishProgress() -> Bool {
        let done = job.shared.wordsDone.add(pending, ordering: .relaxed).newValue
        pending = 0
        alpha = max(startAlpha * Float(1 - Double(done) / (job.totalWords + 1)), minAlpha)
        if Interrupt.requested { job.shared.stop.store(true, ordering: .relaxed) }
        if job.shared.stop.load(ordering: .relaxed) { return false }
        if thread == 0 && job.progress.enabled {
            let secs = monotonicSeconds() - begin
            let rate = Double(done) / max(secs, 1e-9)
            job.progress.update(
                done: Double(done), total: job.totalWords,
                extra: String(format: "alpha %.6f  ", Double(alpha))
                    + "\(formatCount(rate / Double(job.threads))) words/s/thread")
        }
        return true
    }

    /// One pass over the sentence: each word with its (randomly shrunk) window.
    @inline(__always)
    mutating func trainSentence(length: Int) {
        for i in 0..<length {
            let word = Int(sentence[i])
            let n = gatherContexts(around: i, length: length)
            if n == 0 { continue }
            if !sg {
                cbowStep(word: word, contexts: n)
            } else if ns && sharedNegatives {
                skipGramSharedStep(word: word, contexts: n)
            } else {
                skipGramPairSteps(word: word, contexts: n)
            }
        }
    }

    /// Draws the window's reach (1…window) and copies the words within it, except the
    /// centre `i`, into `contexts`. Returns their number.
    @inline(__always)
    mutating func gatherContexts(around i: Int, length: Int) -> Int {
        let reach = window - rng.below(window)
        let lo = max(0, i - reach), hi = min(length - 1, i + reach)
        var n = 0
        var c = lo
        while c <= hi {
            if c != i { contexts[n] = sentence[c]; n += 1 }
            c += 1
        }
        return n
    }

    /// Skip-gram, negative sampling, HogBatch: one set of outputs for all `n` contexts.
    @inline(__always)
    mutating func skipGramSharedStep(word: Int, contexts n: Int) {
        let k = kernel
        let m = job.noise.drawOutputs(target: word, negatives: negative, into: outputs, &rng)
        prefetchRows(k.win, contexts, n, dim)
        prefetchRows(k.wout, outputs, m, dim)
        loss += k.skipGramBatch(contexts: contexts, count: n, outputs: outputs, count: m,
                                alpha: alpha, g: g, neu: neu, column: column)
        decisions += Double(n * m)
    }

    /// Skip-gram, one (context, word) pair at a time as in the C tool: fresh negatives per
    /// pair with negative sampling, or the word's Huffman path with hierarchical softmax.
    @inline(__always)
    mutating func skipGramPairSteps(word: Int, contexts n: Int) {
        let k = kernel
        for a in 0..<n {
            let cw = Int(contexts[a])
            let x = k.win + cw * dim
            neu.initialize(repeating: 0, count: dim)
            if ns {
                let m = job.noise.drawOutputs(target: word, negatives: negative, into: outputs, &rng)
                loss += k.negativeUpdates(x: x, outputs: outputs, count: m, alpha: alpha, neu: neu)
                decisions += Double(m)
            } else {
                softmaxStep(x: x, word: word)
            }
            axpy(k.lockIn[cw], neu, x, dim)
        }
    }

    /// CBOW: the mean of the context rows predicts the word; every context row then gets
    /// the same input gradient.
    @inline(__always)
    mutating func cbowStep(word: Int, contexts n: Int) {
        let k = kernel
        var m = 1
        if ns {
            m = job.noise.drawOutputs(target: word, negatives: negative, into: outputs, &rng)
            prefetchRows(k.wout, outputs, m, dim)
        }
        prefetchRows(k.win, contexts, n, dim)
        h.initialize(repeating: 0, count: dim)
        for a in 0..<n { axpy(1, k.win + Int(contexts[a]) * dim, h, dim) }
        let inv = 1 / Float(n)
        for d in 0..<dim { h[d] *= inv }
        neu.initialize(repeating: 0, count: dim)
        if ns {
            loss += k.negativeUpdates(x: h, outputs: outputs, count: m, alpha: alpha, neu: neu)
            decisions += Double(m)
        } else {
            softmaxStep(x: h, word: word)
        }
        for a in 0..<n {
            let cw = Int(contexts[a])
            axpy(k.lockIn[cw], neu, k.win + cw * dim, dim)
        }
    }

    /// Hierarchical softmax along `word`'s Huffman path for input `x`; gradient into `neu`.
    @inline(__always)
    mutating func softmaxStep(x: UnsafePointer<Float>, word: Int) {
        let s = Int(job.codeStart[word]), l = Int(job.codeStart[word + 1]) - s
        loss += kernel.softmaxUpdates(x: x, codes: job.codes + s, points: job.points + s,
                                      length: l, alpha: alpha, neu: neu)
        decisions += Double(l)
    }
}

