import XCTest
@testable import DesmWord2Vec

/// One NS and one HS step checked against finite differences of the loss
/// L = Σ −log σ(±x·y): every update must equal −alpha·∂L/∂(row).
final class GradientTests: XCTestCase {
    let dim = 8
    let table = SigmoidTable(size: 1 << 22)   // fine enough that σ is exact to ~1e-6

    func randomRows(_ rows: Int, _ rng: inout XorShift64) -> UnsafeMutablePointer<Float> {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: rows * dim)
        for i in 0..<(rows * dim) { p[i] = (rng.unit() - 0.5) * 1.2 }
        return p
    }

    func kernel(win: UnsafeMutablePointer<Float>, wout: UnsafeMutablePointer<Float>, syn1: UnsafeMutablePointer<Float>,
                lock: UnsafePointer<Float>) -> KernelState {
        KernelState(dim: dim, win: win, wout: wout, syn1: syn1, lockIn: lock, lockOut: lock,
                    sigmoid: UnsafePointer(table.values), sigmoidScale: table.scale, maxExp: table.maxExp, trackLoss: true)
    }

    /// Loss of binary decisions (x_a · y_j with labels) in Double.
    func loss(_ pairs: [(x: [Double], y: [Double], label: Double)]) -> Double {
        pairs.reduce(0) { acc, p in
            let f = zip(p.x, p.y).reduce(0) { $0 + $1.0 * $1.1 }
            let s = 1 / (1 + exp(-f))
            return acc - log(p.label > 0.5 ? s : 1 - s)
        }
    }

    func row(_ p: UnsafeMutablePointer<Float>, _ i: Int) -> [Double] { (0..<dim).map { Double(p[i * dim + $0]) } }

    /// Numerical gradient of `f` with respect to `v`.
    func numericGradient(_ v: [Double], _ f: ([Double]) -> Double) -> [Double] {
        let h = 1e-5
        return (0..<v.count).map { k in
            var a = v, b = v
            a[k] += h; b[k] -= h
            return (f(a) - f(b)) / (2 * h)
        }
    }

    func assertUpdate(before: [Double], after: [Double], gradient: [Double], alpha: Double,
                      file: StaticString = #filePath, line: UInt = #line) {
        for k in 0..<before.count {
            let step = (after[k] - before[k]) / alpha
            XCTAssertEqual(step, -gradient[k], accuracy: 2e-3, "component \(k)", file: file, line: line)
        }
    }

    func testNegativeSamplingStep() {
        var rng = XorShift64(seed: 3)
        let win = randomRows(4, &rng), wout = randomRows(6, &rng), syn1 = randomRows(1, &rng)
        var lock = [Float](repeating: 1, count: 6)
        defer { win.deallocate(); wout.deallocate(); syn1.deallocate() }
        let outputs: [Int32] = [2, 0, 5, 3]   // target 2, negatives 0, 5, 3
        let labels: [Double] = [1, 0, 0, 0]
        let x0 = row(win, 1)
        let y0 = outputs.map { row(wout, Int($0)) }
        let alpha: Float = 0.01
        let neu = UnsafeMutablePointer<Float>.allocate(capacity: dim); defer { neu.deallocate() }
        neu.initialize(repeating: 0, count: dim)
        let l = lock.withUnsafeBufferPointer { lb in
            outputs.withUnsafeBufferPointer { o in
                kernel(win: win, wout: wout, syn1: syn1, lock: lb.baseAddress!)
                    .negativeUpdates(x: win + dim, outputs: o.baseAddress!, count: 4, alpha: alpha, neu: neu)
            }
        }
        lock[0] = 1
        func L(x: [Double], ys: [[Double]]) -> Double { loss((0..<4).map { (x, ys[$0], labels[$0]) }) }
        XCTAssertEqual(l, L(x: x0, ys: y0), accuracy: 1e-4)
        // Input gradient is returned in neu (the caller applies it).
        let gx = numericGradient(x0) { L(x: $0, ys: y0) }
        assertUpdate(before: x0, after: zip(x0, (0..<dim).map { Double(neu[$0]) }).map { $0 + $1 }, gradient: gx, alpha: Double(alpha))
        for j in 0..<4 {
            let gy = numericGradient(y0[j]) { v in var ys = y0; ys[j] = v; return L(x: x0, ys: ys) }
            assertUpdate(before: y0[j], after: row(wout, Int(outputs[j])), gradient: gy, alpha: Double(alpha))
        }
    }

    func testSharedNegativeBatchStep() {
        var rng = XorShift64(seed: 5)
        let win = randomRows(5, &rng), wout = randomRows(6, &rng), syn1 = randomRows(1, &rng)
        let lock = [Float](repeating: 1, count: 6)
        defer { win.deallocate(); wout.deallocate(); syn1.deallocate() }
        let contexts: [Int32] = [0, 3, 4]
        let outputs: [Int32] = [1, 5, 2]
        let labels: [Double] = [1, 0, 0]
        let xs0 = contexts.map { row(win, Int($0)) }, ys0 = outputs.map { row(wout, Int($0)) }
        let alpha: Float = 0.01
        let g = UnsafeMutablePointer<Float>.allocate(capacity: 9), neu = UnsafeMutablePointer<Float>.allocate(capacity: 3 * dim)
        let column = UnsafeMutablePointer<Float>.allocate(capacity: 3)
        defer { g.deallocate(); neu.deallocate(); column.deallocate() }
        _ = lock.withUnsafeBufferPointer { lb in
            contexts.withUnsafeBufferPointer { c in outputs.withUnsafeBufferPointer { o in
                kernel(win: win, wout: wout, syn1: syn1, lock: lb.baseAddress!)
                    .skipGramBatch(contexts: c.baseAddress!, count: 3, outputs: o.baseAddress!, count: 3,
                                   alpha: alpha, g: g, neu: neu, column: column)
            } }
        }
        func L(_ xs: [[Double]], _ ys: [[Double]]) -> Double {
            var pairs = [(x: [Double], y: [Double], label: Double)]()
            for a in 0..<3 { for j in 0..<3 { pairs.append((xs[a], ys[j], labels[j])) } }
            return loss(pairs)
        }
        for a in 0..<3 {
            let gx = numericGradient(xs0[a]) { v in var xs = xs0; xs[a] = v; return L(xs, ys0) }
            assertUpdate(before: xs0[a], after: row(win, Int(contexts[a])), gradient: gx, alpha: Double(alpha))
        }
        for j in 0..<3 {
            let gy = numericGradient(ys0[j]) { v in var ys = ys0; ys[j] = v; return L(xs0, ys) }
            assertUpdate(before: ys0[j], after: row(wout, Int(outputs[j])), gradient: gy, alpha: Double(alpha))
        }
    }

    func testHierarchicalSoftmaxStep() {
        var rng = XorShift64(seed: 11)
        let win = randomRows(2, &rng), wout = randomRows(1, &rng), syn1 = randomRows(5, &rng)
        let lock = [Float](repeating: 1, count: 5)
        defer { win.deallocate(); wout.deallocate(); syn1.deallocate() }
        let points: [Int32] = [4, 1, 3]
        let codes: [UInt8] = [0, 1, 1]        // label = 1 − code
        let x0 = row(win, 0), ys0 = points.map { row(syn1, Int($0)) }
        let alpha: Float = 0.01
        let neu = UnsafeMutablePointer<Float>.allocate(capacity: dim); defer { neu.deallocate() }
        neu.initialize(repeating: 0, count: dim)
        _ = lock.withUnsafeBufferPointer { lb in
            codes.withUnsafeBufferPointer { c in points.withUnsafeBufferPointer { p in
                kernel(win: win, wout: wout, syn1: syn1, lock: lb.baseAddress!)
                    .softmaxUpdates(x: win, codes: c.baseAddress!, points: p.baseAddress!, length: 3, alpha: alpha, neu: neu)
            } }
        }
        func L(_ x: [Double], _ ys: [[Double]]) -> Double { loss((0..<3).map { (x, ys[$0], 1 - Double(codes[$0])) }) }
        let gx = numericGradient(x0) { L($0, ys0) }
        assertUpdate(before: x0, after: zip(x0, (0..<dim).map { Double(neu[$0]) }).map { $0 + $1 }, gradient: gx, alpha: Double(alpha))
        for d in 0..<3 {
            let gy = numericGradient(ys0[d]) { v in var ys = ys0; ys[d] = v; return L(x0, ys) }
            assertUpdate(before: ys0[d], after: row(syn1, Int(points[d])), gradient: gy, alpha: Double(alpha))
        }
    }
}
