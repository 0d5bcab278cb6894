import DesmText
import Glibc

/// The result of a two-sided paired test.
public struct PairedTestResult: Sendable, Equatable {
    /// Number of pairs.
    public var n: Int
    /// Mean of the differences (second minus first).
    public var meanDifference: Double
    /// The test statistic (t for the t-test; the observed mean difference for randomization).
    public var statistic: Double
    /// Two-sided p-value.
    public var p: Double
}

/// Two-sided paired Student t-test on `b[i] - a[i]`. With fewer than 2 pairs there is no
/// test (nil). When every difference is equal the variance is 0: p = 1 if they are all 0,
/// otherwise 0.
public func pairedTTest(_ a: [Double], _ b: [Double]) -> PairedTestResult? {
    guard a.count == b.count, a.count >= 2 else { return nil }
    let n = a.count
    let d = zip(a, b).map { $1 - $0 }
    let mean = d.reduce(0, +) / Double(n)
    let variance = d.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
    let se = (variance / Double(n)).squareRoot()
    if se == 0 || !se.isFinite {
        return PairedTestResult(n: n, meanDifference: mean, statistic: mean == 0 ? 0 : .infinity, p: mean == 0 ? 1 : 0)
    }
    let t = mean / se
    return PairedTestResult(n: n, meanDifference: mean, statistic: t, p: studentTTwoSidedP(t, df: Double(n - 1)))
}

/// Two-sided paired randomization (permutation) test on `b[i] - a[i]`: each of
/// `permutations` rounds flips the sign of every difference with probability 1/2 (swapping
/// the two systems' values on that topic); p = (1 + rounds whose |mean| ≥ the observed
/// |mean|) / (1 + permutations). A fixed `seed` makes the p-value reproducible.
public func pairedRandomizationTest(_ a: [Double], _ b: [Double], permutations: Int = 10_000,
                                    seed: UInt64 = 0x5EED_DE5A) -> PairedTestResult? {
    guard a.count == b.count, a.count >= 1, permutations >= 1 else { return nil }
    let n = a.count
    let d = zip(a, b).map { $1 - $0 }
    let observed = abs(d.reduce(0, +))
    let tolerance = 1e-12 * max(1, observed)
    var rng = PermutationRNG(seed: seed)
    var atLeast = 0
    d.withUnsafeBufferPointer { diffs in
        for _ in 0..<permutations {
            var sum = 0.0
            var bits: UInt64 = 0
            for i in 0..<n {
                if i % 64 == 0 { bits = rng.next() }
                sum += (bits & 1) == 0 ? diffs[i] : -diffs[i]
                bits >>= 1
            }
            if abs(sum) >= observed - tolerance { atLeast += 1 }
        }
    }
    let mean = d.reduce(0, +) / Double(n)
    return PairedTestResult(n: n, meanDifference: mean, statistic: mean,
                            p: Double(atLeast + 1) / Double(permutations + 1))
}

/// The randomization test's generator: DesmText's SplitMix64 (seeded, reproducible).
public typealias PermutationRNG = SplitMix64

/// The regularized incomplete beta function I_x(a, b), by Lentz's continued fraction
/// (Numerical Recipes §6.4), accurate to about 1e-14 for the t distribution's use.
public func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
    if x <= 0 { return 0 }
    if x >= 1 { return 1 }
    let lnFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
    let front = exp(lnFront)
    if x < (a + 1) / (a + b + 2) {
        return front * betaContinuedFraction(x, a, b) / a
    }
    return 1 - front * betaContinuedFraction(1 - x, b, a) / b
}

private func betaContinuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
    let tiny = 1e-300, eps = 1e-15
    let qab = a + b, qap = a + 1, qam = a - 1
    var c = 1.0
    var d = 1 - qab * x / qap
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var h = d
    for m in 1...300 {
        let m = Double(m), m2 = 2 * m
        var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1 + aa * d; if abs(d) < tiny { d = tiny }
        c = 1 + aa / c; if abs(c) < tiny { c = tiny }
        d = 1 / d
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1 + aa * d; if abs(d) < tiny { d = tiny }
        c = 1 + aa / c; if abs(c) < tiny { c = tiny }
        d = 1 / d
        let del = d * c
        h *= del
        if abs(del - 1) < eps { break }
    }
    return h
}

/// P(|T| ≥ |t|) for Student's t with `df` degrees of freedom: I_{df/(df+t²)}(df/2, 1/2).
public func studentTTwoSidedP(_ t: Double, df: Double) -> Double {
    guard df > 0, t.isFinite else { return t.isFinite ? .nan : 0 }
    return regularizedIncompleteBeta(df / (df + t * t), a: df / 2, b: 0.5)
}

/// The Student t cumulative distribution function P(T ≤ t).
public func studentTCDF(_ t: Double, df: Double) -> Double {
    let tail = studentTTwoSidedP(t, df: df) / 2
    return t >= 0 ? 1 - tail : tail
}

/// The t quantile q with P(T ≤ q) = p (bisection on the CDF, to 1e-12).
public func studentTQuantile(_ p: Double, df: Double) -> Double {
    guard p > 0, p < 1, df > 0 else { return .nan }
    var lo = -1e3, hi = 1e3
    for _ in 0..<200 {
        let mid = (lo + hi) / 2
        if studentTCDF(mid, df: df) < p { lo = mid } else { hi = mid }
        if hi - lo < 1e-12 { break }
    }
    return (lo + hi) / 2
}

/// A mean with a two-sided t-based confidence interval.
public struct ConfidenceInterval: Sendable, Equatable {
    public var mean: Double
    public var lower: Double
    public var upper: Double
}

/// The t-based confidence interval of the mean of `values` (default 95%): mean ± t_{(1+c)/2, n−1}·s/√n.
/// With one value the interval is the value itself; with none, nil.
public func tConfidenceInterval(_ values: [Double], confidence: Double = 0.95) -> ConfidenceInterval? {
    guard !values.isEmpty else { return nil }
    let n = Double(values.count)
    let mean = values.reduce(0, +) / n
    guard values.count >= 2 else { return ConfidenceInterval(mean: mean, lower: mean, upper: mean) }
    let s = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
    let half = studentTQuantile((1 + confidence) / 2, df: n - 1) * s / n.squareRoot()
    return ConfidenceInterval(mean: mean, lower: mean - half, upper: mean + half)
}
