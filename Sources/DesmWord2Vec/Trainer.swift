import DesmText
import Foundation
import Glibc
import Synchronization

/// What a training run did.
public struct TrainingReport: Sendable {
    /// Corpus words read (before subsampling), over all epochs.
    public var words: Int
    public var seconds: Double
    public var threads: Int
    /// Mean loss per binary decision in each epoch (only when loss tracking was asked for).
    public var epochLoss: [Double]
    public var wordsPerSecond: Double { seconds > 0 ? Double(words) / seconds : 0 }
}

/// Pretrained rows to start from, with how freely they may move.
public struct PretrainedStart {
    public var input: VectorSet?
    public var output: VectorSet?
    /// Update multiplier for the matched rows: 0 frozen, 1 free.
    public var lockFactor: Float
    public init(input: VectorSet?, output: VectorSet? = nil, lockFactor: Float = 1) {
        self.input = input; self.output = output; self.lockFactor = lockFactor
    }
}

/// Trains word2vec (skip-gram or CBOW × negative sampling or hierarchical softmax) and keeps
/// both W_IN and W_OUT. Threads share the matrices without locks; one thread with a fixed
/// seed reproduces bit for bit.
public final class Word2VecTrainer {
    public let parameters: TrainingParameters
    public let vocabulary: Vocabulary
    public let corpus: TrainingCorpus
    public let analyzer: AnalyzerSettings
    public let input: FloatMatrix
    public let output: FloatMatrix?
    public let syn1: FloatMatrix?
    /// Per-word update multipliers (pretrained rows get the lock factor).
    var lockIn: [Float]
    var lockOut: [Float]
    /// How many rows were taken from pretrained vectors (IN, OUT).
    public private(set) var matchedPretrained = (input: 0, output: 0)
    /// Collect the loss per epoch (slower; for tests and diagnostics).
    public var trackLoss = false
    /// Resuming: the vocabulary's counts include the base model's corpus.
    private let countsIncludeEarlierCorpora: Bool

    /// Sets up the matrices: W_IN uniform in ±0.5/dim (from the seed), W_OUT and syn1 zero;
    /// rows of `resume` (same words) and of `pretrained` replace them.
    public init(parameters: TrainingParameters, vocabulary: Vocabulary, corpus: TrainingCorpus,
                analyzer: AnalyzerSettings = .standard, resume: EmbeddingModel? = nil,
                pretrained: PretrainedStart? = nil) throws {
        try parameters.validate()
        let v = vocabulary.count, dim = parameters.dim
        self.parameters = parameters
        self.vocabulary = vocabulary
        self.corpus = corpus
        self.analyzer = analyzer
        countsIncludeEarlierCorpora = resume != nil
        input = FloatMatrix(rows: v, cols: dim)
        output = parameters.loss == .ns ? FloatMatrix(rows: v, cols: dim) : nil
        syn1 = parameters.loss == .hs ? FloatMatrix(rows: max(v - 1, 1), cols: dim) : nil
        lockIn = [Float](repeating: 1, count: v)
        lockOut = [Float](repeating: 1, count: v)
        var rng = XorShift64(seed: parameters.seed)
        let p = input.base
        let inv = 1 / Float(dim)
        for i in 0..<(v * dim) { p[i] = (rng.unit() - 0.5) * inv }

        if let resume {
            guard resume.dim == dim else {
                throw DesmError("the model to resume has dimension \(resume.dim), but --dim is \(dim)")
            }
            for w in 0..<min(resume.vocabulary.count, v) where resume.vocabulary.words[w] == vocabulary.words[w] {
                input.row(w).baseAddress!.update(from: resume.input.row(w).baseAddress!, count: dim)
                if let out = output, let old = resume.output {
                    out.row(w).baseAddress!.update(from: old.row(w).baseAddress!, count: dim)
                }
            }
        }
        if let pretrained {
            if let set = pretrained.input {
                matchedPretrained.input = try Word2VecTrainer.copy(set, into: input, vocabulary: vocabulary,
                                                                   lock: &lockIn, factor: pretrained.lockFactor)
            }
            if let set = pretrained.output {
                guard let out = output else {
                    throw DesmError("pretrained OUT vectors need --loss ns (hierarchical softmax has no W_OUT)", path: set.path)
                }
                matchedPretrained.output = try Word2VecTrainer.copy(set, into: out, vocabulary: vocabulary,
                                                                    lock: &lockOut, factor: pretrained.lockFactor)
            }
        }
    }

    private static func copy(_ set: VectorSet, into m: FloatMatrix, vocabulary: Vocabulary,
                             lock: inout [Float], factor: Float) throws -> Int {
        guard set.dim == m.cols else {
            throw DesmError("pretrained vectors have dimension \(set.dim), but the model has \(m.cols) (--dim)", path: set.path)
        }
        var matched = 0
        for (i, word) in set.words.enumerated() {
            guard let w = vocabulary.id(word) else { continue }
            set.vectors.row(i).baseAddress.map { m.row(w).baseAddress!.update(from: $0, count: m.cols) }
            lock[w] = factor
            matched += 1
        }
        return matched
    }

    /// Runs all epochs. Progress goes to `progress`; an interrupt (SIGINT) stops the
    /// threads and throws.
    public func train(progress: ProgressReporter = .silent) throws -> TrainingReport {
        let p = parameters
        let v = vocabulary.count, dim = p.dim
        let threads = p.threads
        let totalWords = Double(p.epochs) * Double(corpus.tokenCount)
        let startAlpha = Float(p.startingAlpha)
        let table = SigmoidTable()
        let noise = NoiseSampler(counts: vocabulary.counts, power: p.noiseExponent)
        let tree = p.loss == .hs ? HuffmanTree(counts: vocabulary.counts) : nil

        // Subsampling: keep a word with probability (√(f/(s·T)) + 1)·(s·T)/f.
        var keep = [UInt32](repeating: UInt32.max, count: v)
        if p.sample > 0 {
            // Counts and total from the same place: after `--resume` the vocabulary's counts
            // include the base corpus, so the total must too (corpus.tokenCount would not).
            let total = countsIncludeEarlierCorpora
                ? vocabulary.counts.reduce(0.0) { $0 + Double($1) } : Double(corpus.tokenCount)
            let threshold = p.sample * total
            for w in 0..<v {
                let f = Double(vocabulary.counts[w])
                let prob = (sqrt(f / threshold) + 1) * threshold / f
                if prob < 1 { keep[w] = UInt32(max(prob, 0) * 4_294_967_295.0) }
            }
        }

        let shared = SharedTrainingState()
        let ranges = corpus.split(threads)
        var losses = [[Double]](repeating: [Double](repeating: 0, count: p.epochs), count: threads)
        var decisions = [[Double]](repeating: [Double](repeating: 0, count: p.epochs), count: threads)
        let start = monotonicSeconds()
        let codeStart = tree?.start ?? [0]
        let codes = tree?.codes ?? [0]
        let points = tree?.points ?? [0]
        let trackLoss = self.trackLoss

        try lockIn.withUnsafeBufferPointer { lockInBuf in
        try lockOut.withUnsafeBufferPointer { lockOutBuf in
        try keep.withUnsafeBufferPointer { keepBuf in
        try corpus.bytes.withUnsafeBufferPointer { bytes in
        try codeStart.withUnsafeBufferPointer { codeStartBuf in
        try codes.withUnsafeBufferPointer { codesBuf in
        try points.withUnsafeBufferPointer { pointsBuf in
        try losses.withUnsafeMutableBufferPointer { lossBuf in
        try decisions.withUnsafeMutableBufferPointer { decisionBuf in
            let kernel = KernelState(
                dim: dim, win: input.base,
                wout: output?.base ?? input.base, syn1: syn1?.base ?? input.base,
                lockIn: lockInBuf.baseAddress!, lockOut: lockOutBuf.baseAddress!,
                sigmoid: UnsafePointer(table.values), sigmoidScale: table.scale, maxExp: table.maxExp,
                trackLoss: trackLoss)
            let job = WorkerJob(
                parameters: p, kernel: kernel, noise: noise, keep: keepBuf.baseAddress!,
                bytes: bytes.baseAddress!, codeStart: codeStartBuf.baseAddress!, codes: codesBuf.baseAddress!,
                points: pointsBuf.baseAddress!, shared: shared, totalWords: totalWords, startAlpha: startAlpha,
                progress: progress, threads: threads)
            let lossPtr = lossBuf.baseAddress!, decPtr = decisionBuf.baseAddress!
            runThreads(threads) { t in
                var worker = Worker(job: job, thread: t)
                let (l, d) = worker.run(range: ranges[t])
                lossPtr[t] = l
                decPtr[t] = d
            }
            withExtendedLifetime((table, noise)) {}
            if shared.stop.load(ordering: .relaxed) {
                throw DesmError("interrupted: training stopped, nothing was written")
            }
        }}}}}}}}}
        let seconds = monotonicSeconds() - start
        progress.finish()
        var epochLoss = [Double](repeating: 0, count: p.epochs)
        if trackLoss {
            for e in 0..<p.epochs {
                let l = losses.reduce(0) { $0 + $1[e] }, d = decisions.reduce(0) { $0 + $1[e] }
                epochLoss[e] = d > 0 ? l / d : 0
            }
        }
        return TrainingReport(words: shared.wordsDone.load(ordering: .relaxed), seconds: seconds,
                              threads: threads, epochLoss: trackLoss ? epochLoss : [])
    }

    /// The trained model (shares the trainer's matrices).
    public func model() -> EmbeddingModel {
        EmbeddingModel(vocabulary: vocabulary, dim: parameters.dim, input: input, output: output,
                       analyzer: analyzer, syn1: syn1, parameters: parameters)
    }
}

final class SharedTrainingState: @unchecked Sendable {
    let wordsDone = Atomic<Int>(0)
    let stop = Atomic<Bool>(false)
    /// Written only so that the cache-warming loads cannot be optimised away.
    let sink = Atomic<Int>(0)
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

/// One training thread: its RNG and scratch buffers.
struct Worker {
    let job: WorkerJob
    let thread: Int
    var rng: XorShift64

    init(job: WorkerJob, thread: Int) {
        self.job = job
        self.thread = thread
        rng = XorShift64(seed: job.parameters.seed &+ UInt64(thread + 1) &* 0x9E37_79B9_7F4A_7C15)
    }

    /// Trains on `range` of the encoded corpus for every epoch; returns per-epoch loss sums
    /// and decision counts (zeros unless loss tracking is on).
    mutating func run(range: Range<Int>) -> ([Double], [Double]) {
        let p = job.parameters
        let k = job.kernel
        let dim = p.dim
        let window = p.window
        let maxLen = p.maxSentenceLength
        let sentence = UnsafeMutablePointer<Int32>.allocate(capacity: maxLen)
        let contexts = UnsafeMutablePointer<Int32>.allocate(capacity: 2 * window)
        let outputs = UnsafeMutablePointer<Int32>.allocate(capacity: p.negative + 1)
        let neu = UnsafeMutablePointer<Float>.allocate(capacity: 2 * window * dim + dim)
        let h = UnsafeMutablePointer<Float>.allocate(capacity: dim)
        let g = UnsafeMutablePointer<Float>.allocate(capacity: 2 * window * (p.negative + 1))
        let column = UnsafeMutablePointer<Float>.allocate(capacity: 2 * window)
        defer {
            sentence.deallocate(); contexts.deallocate(); outputs.deallocate()
            neu.deallocate(); h.deallocate(); g.deallocate(); column.deallocate()
        }
        var epochLoss = [Double](repeating: 0, count: p.epochs)
        var epochDecisions = [Double](repeating: 0, count: p.epochs)
        let bytes = job.bytes, keep = job.keep
        let subsample = p.sample > 0
        let negative = p.negative
        let ns = p.loss == .ns
        let sg = p.architecture == .sg
        let batch = p.sharedNegatives
        let startAlpha = job.startAlpha
        let minAlpha = startAlpha * 1e-4
        var alpha = startAlpha
        var pending = 0
        var sink: Float = 0
        let begin = monotonicSeconds()

        for epoch in 0..<p.epochs {
            var pos = range.lowerBound
            let end = range.upperBound
            var loss = 0.0, decisions = 0.0
            while pos < end {
                // Read one sentence, subsampling as we go.
                var len = 0
                while pos < end && len < maxLen {
                    var v: UInt32 = 0, shift: UInt32 = 0
                    while true {
                        let x = bytes[pos]; pos += 1
                        v |= UInt32(x & 0x7F) << shift
                        if x < 0x80 { break }
                        shift += 7
                    }
                    if v == 0 { break }
                    let w = Int(v - 1)
                    pending += 1
                    if subsample && UInt32(truncatingIfNeeded: rng.next() >> 32) > keep[w] { continue }
                    sentence[len] = Int32(w)
                    len += 1
                }
                if pending >= 10_000 {
                    let done = job.shared.wordsDone.add(pending, ordering: .relaxed).newValue
                    pending = 0
                    alpha = max(startAlpha * Float(1 - Double(done) / (job.totalWords + 1)), minAlpha)
                    if Interrupt.requested { job.shared.stop.store(true, ordering: .relaxed) }
                    if job.shared.stop.load(ordering: .relaxed) { return (epochLoss, epochDecisions) }
                    if thread == 0 && job.progress.enabled {
                        let secs = monotonicSeconds() - begin
                        let rate = Double(done) / max(secs, 1e-9)
                        job.progress.update(
                            done: Double(done), total: job.totalWords,
                            extra: String(format: "alpha %.6f  ", Double(alpha))
                                + "\(formatCount(rate / Double(job.threads))) words/s/thread")
                    }
                }
                if len == 0 { continue }
                for i in 0..<len {
                    let word = Int(sentence[i])
                    let reach = window - rng.below(window)
                    let lo = max(0, i - reach), hi = min(len - 1, i + reach)
                    var n = 0
                    var c = lo
                    while c <= hi {
                        if c != i { contexts[n] = sentence[c]; n += 1 }
                        c += 1
                    }
                    if n == 0 { continue }
                    if sg {
                        if ns && batch {
                            let m = job.noise.drawOutputs(target: word, negatives: negative, into: outputs, &rng)
                            sink += touchRows(k.win, contexts, n, dim) + touchRows(k.wout, outputs, m, dim)
                            loss += k.skipGramBatch(contexts: contexts, count: n, outputs: outputs, count: m,
                                                    alpha: alpha, g: g, neu: neu, column: column)
                            decisions += Double(n * m)
                        } else {
                            for a in 0..<n {
                                let cw = Int(contexts[a])
                                let x = k.win + cw * dim
                                neu.initialize(repeating: 0, count: dim)
                                if ns {
                                    let m = job.noise.drawOutputs(target: word, negatives: negative, into: outputs, &rng)
                                    loss += k.negativeUpdates(x: x, outputs: outputs, count: m, alpha: alpha, neu: neu)
                                    decisions += Double(m)
                                } else {
                                    let s = Int(job.codeStart[word]), l = Int(job.codeStart[word + 1]) - s
                                    loss += k.softmaxUpdates(x: x, codes: job.codes + s, points: job.points + s,
                                                             length: l, alpha: alpha, neu: neu)
                                    decisions += Double(l)
                                }
                                axpy(k.lockIn[cw], neu, x, dim)
                            }
                        }
                    } else {
                        // CBOW: the mean of the context rows predicts the word.
                        var m = 1
                        if ns {
                            m = job.noise.drawOutputs(target: word, negatives: negative, into: outputs, &rng)
                            sink += touchRows(k.wout, outputs, m, dim)
                        }
                        sink += touchRows(k.win, contexts, n, dim)
                        h.initialize(repeating: 0, count: dim)
                        for a in 0..<n { axpy(1, k.win + Int(contexts[a]) * dim, h, dim) }
                        let inv = 1 / Float(n)
                        for d in 0..<dim { h[d] *= inv }
                        neu.initialize(repeating: 0, count: dim)
                        if ns {
                            loss += k.negativeUpdates(x: h, outputs: outputs, count: m, alpha: alpha, neu: neu)
                            decisions += Double(m)
                        } else {
                            let s = Int(job.codeStart[word]), l = Int(job.codeStart[word + 1]) - s
                            loss += k.softmaxUpdates(x: h, codes: job.codes + s, points: job.points + s,
                                                     length: l, alpha: alpha, neu: neu)
                            decisions += Double(l)
                        }
                        for a in 0..<n {
                            let cw = Int(contexts[a])
                            axpy(k.lockIn[cw], neu, k.win + cw * dim, dim)
                        }
                    }
                }
            }
            epochLoss[epoch] = loss
            epochDecisions[epoch] = decisions
        }
        if pending > 0 { job.shared.wordsDone.add(pending, ordering: .relaxed) }
        if sink.isNaN { job.shared.sink.store(1, ordering: .relaxed) }
        return (epochLoss, epochDecisions)
    }
}

/// Runs `body(t)` for t in 0..<n on n POSIX threads and waits for all of them.
func runThreads(_ n: Int, _ body: @escaping (Int) -> Void) {
    if n <= 1 { body(0); return }
    final class Box { let run: () -> Void; init(_ r: @escaping () -> Void) { run = r } }
    var ids = [pthread_t]()
    for t in 0..<n {
        let box = Unmanaged.passRetained(Box { body(t) }).toOpaque()
        var tid = pthread_t()
        let rc = pthread_create(&tid, nil, { raw in
            let b = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            b.run()
            return nil
        }, box)
        if rc != 0 {
            // Could not start a thread: run its share here instead.
            Unmanaged<Box>.fromOpaque(box).takeRetainedValue().run()
        } else {
            ids.append(tid)
        }
    }
    for tid in ids { pthread_join(tid, nil) }
}
