import Foundation

/// Draws words from the unigram distribution raised to a power (0.75), in O(1) per draw
/// with Walker's alias method: V buckets, one 64-bit random number per draw.
final class NoiseSampler: @unchecked Sendable {
    let count: Int
    let threshold: UnsafeMutablePointer<UInt32>
    let alias: UnsafeMutablePointer<Int32>

    init(counts: [Int64], power: Double) {
        let n = max(counts.count, 1)
        count = n
        threshold = .allocate(capacity: n)
        alias = .allocate(capacity: n)
        var p = counts.map { pow(Double(max($0, 0)), power) }
        if p.isEmpty { p = [1] }
        let total = p.reduce(0, +)
        let scaled = p.map { total > 0 ? $0 / total * Double(n) : 1 }
        var prob = scaled
        var small = [Int](), large = [Int]()
        for i in 0..<n { if prob[i] < 1 { small.append(i) } else { large.append(i) } }
        for i in 0..<n { alias[i] = Int32(i); threshold[i] = UInt32.max }
        while let s = small.popLast() {
            guard let l = large.last else { break }
            threshold[s] = UInt32(min(max(prob[s], 0), 1) * 4_294_967_295.0)
            alias[s] = Int32(l)
            prob[l] -= 1 - prob[s]
            if prob[l] < 1 { large.removeLast(); small.append(l) }
        }
    }

    deinit { threshold.deallocate(); alias.deallocate() }

    @inline(__always)
    func draw(_ rng: inout XorShift64) -> Int {
        let r = rng.next()
        let bucket = Int(truncatingIfNeeded: ((r >> 32) &* UInt64(count)) >> 32)
        return UInt32(truncatingIfNeeded: r) < threshold[bucket] ? bucket : Int(alias[bucket])
    }

    /// The outputs of one negative-sampling step: `outputs[0]` the target, then `negatives`
    /// draws, leaving out those that hit the target (as word2vec does). Returns how many it
    /// wrote (1 + the draws kept); `outputs` needs room for 1 + `negatives`.
    @inline(__always)
    func drawOutputs(target: Int, negatives: Int, into outputs: UnsafeMutablePointer<Int32>,
                     _ rng: inout XorShift64) -> Int {
        outputs[0] = Int32(target)
        var m = 1
        for _ in 0..<negatives {
            let d = draw(&rng)
            if d != target { outputs[m] = Int32(d); m += 1 }
        }
        return m
    }
}
