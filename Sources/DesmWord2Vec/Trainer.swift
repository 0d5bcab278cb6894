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
        try Word2VecTrainer.checkStart(parameters: parameters, resume: resume, pretrained: pretrained)
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
            for w in 0..<min(resume.vocabulary.count, v) where resume.vocabulary.words[w] == vocabulary.words[w] {
                input.row(w).baseAddress!.update(from: resume.input.row(w).baseAddress!, count: dim)
                if let out = output, let old = resume.output {
                    out.row(w).baseAddress!.update(from: old.row(w).baseAddress!, count: dim)
                }
            }
        }
        if let pretrained {
            if let set = pretrained.input {
                matchedPretrained.input = Word2VecTrainer.copy(set, into: input, vocabulary: vocabulary,
                                                                   lock: &lockIn, factor: pretrained.lockFactor)
            }
            if let set = pretrained.output, let out = output {
                matchedPretrained.output = Word2VecTrainer.copy(set, into: out, vocabulary: vocabulary,
                                                                    lock: &lockOut, factor: pretrained.lockFactor)
            }
        }
    }

    /// Refuses a start that cannot work, before anything is read or allocated: a model to
    /// resume or pretrained vectors of another dimension than `parameters.dim`, pretrained
    /// OUT vectors without negative sampling.
    public static func checkStart(parameters: TrainingParameters, resume: EmbeddingModel?,
                                  pretrained: PretrainedStart?) throws {
        let dim = parameters.dim
        if let resume, resume.dim != dim {
            throw DesmError("the model to resume has dimension \(resume.dim), but --dim is \(dim)")
        }
        for set in [pretrained?.input, pretrained?.output].compactMap({ $0 }) where set.dim != dim {
            throw DesmError("pretrained vectors have dimension \(set.dim), but the model being trained has dimension \(dim)"
                            + (resume == nil ? " (--dim)" : " (the resumed model's)"), path: set.path)
        }
        if let set = pretrained?.output, parameters.loss != .ns {
            throw DesmError("pretrained OUT vectors need --loss ns (hierarchical softmax has no W_OUT)", path: set.path)
        }
    }

    private static func copy(_ set: VectorSet, into m: FloatMatrix, vocabulary: Vocabulary,
                             lock: inout [Float], factor: Float) -> Int {
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
