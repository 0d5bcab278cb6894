import XCTest
import DesmText
@testable import DesmWord2Vec
import DesmTestSupport

/// `desm neighbors --center` and the `--plot` picture, through the executable.
final class NeighborsCommandTests: TempDirTestCase {
    /// Writes a model of `words` with the given IN and OUT rows.
    func writeModel(_ name: String, words: [String], counts: [Int64], input: [[Float]], output: [[Float]]) throws -> String {
        let dim = input[0].count
        let model = EmbeddingModel(vocabulary: Vocabulary(words: words, counts: counts), dim: dim,
                                   input: FloatMatrix(rows: words.count, cols: dim, values: input.flatMap { $0 }),
                                   output: FloatMatrix(rows: words.count, cols: dim, values: output.flatMap { $0 }))
        let path = dir + "/" + name
        try model.save(to: path)
        return path
    }

    /// Two clusters of words with long names (alpha…, beta…), 16 dimensions; every IN vector
    /// is shifted by +offset and every OUT vector by −offset, an offset ten times larger than
    /// what tells the clusters apart (as in word2vec, where IN and OUT point in nearly
    /// opposite directions on average).
    func offsetModel() throws -> (path: String, words: [String]) {
        let dim = 16, perCluster = 12
        var rng = SplitMix(3)
        let words = (0..<2 * perCluster).map { ($0 < perCluster ? "alphaneighbourhood" : "betaneighbourhood") + String(format: "%02d", $0 % perCluster) }
        var offset = [Float](repeating: 0, count: dim), cluster = [Float](repeating: 0, count: dim)
        offset[0] = 10
        cluster[1] = 1
        func row(_ i: Int, _ sign: Float) -> [Float] {
            let side: Float = i < perCluster ? 1 : -1
            return (0..<dim).map { j in sign * offset[j] + side * cluster[j] + Float(rng.uniform() - 0.5) * 0.3 }
        }
        let input = words.indices.map { row($0, 1) }, output = words.indices.map { row($0, -1) }
        let path = try writeModel("offset.model", words: words, counts: words.indices.map { Int64(100 - $0) },
                                  input: input, output: output)
        return (path, words)
    }

    struct Drawn { var box: (x0: Double, y0: Double, x1: Double, y1: Double); var text: String }

    func attribute(_ name: String, in element: String) -> String? {
        guard let r = element.range(of: " \(name)=\"[^\"]*\"", options: .regularExpression) else { return nil }
        return String(element[r].dropFirst(name.count + 3).dropLast())
    }

    func elements(_ tag: String, in svg: String) -> [(element: String, content: String)] {
        let pattern = tag == "text" ? "<text[^>]*>[^<]*</text>" : "<\(tag) [^>]*>"
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: svg, range: NSRange(svg.startIndex..., in: svg)).map { m in
            let s = String(svg[Range(m.range, in: svg)!])
            let content = s.range(of: ">[^<]*<", options: .regularExpression).map { String(s[$0].dropFirst().dropLast()) } ?? ""
            return (s, content)
        }
    }

    /// Every text's box: `textLength` wide when given (then at least 0.45 em a character, so
    /// that a too small length cannot hide an overlap), else 0.6 em a character; from a full
    /// em above the baseline to 0.3 em below it.
    func textBoxes(_ svg: String) -> [Drawn] {
        elements("text", in: svg).map { e, content in
            let size = Double(attribute("font-size", in: e) ?? "12")!
            let chars = Double(content.replacingOccurrences(of: "&amp;", with: "&").count)
            let width = attribute("textLength", in: e).map { Double($0)! } ?? 0.6 * size * chars
            XCTAssertGreaterThanOrEqual(width, 0.45 * size * chars, content)
            var x = Double(attribute("x", in: e)!)!
            let y = Double(attribute("y", in: e)!)!
            switch attribute("text-anchor", in: e) {
            case "middle": x -= width / 2
            case "end": x -= width
            default: break
            }
            return Drawn(box: (x, y - size, x + width, y + 0.3 * size), text: content)
        }
    }

    /// The markers below the header (centre y ≥ 60): circles are IN points, squares OUT; the
    /// word is their tooltip (`<title>`), when they have one.
    func markers(_ svg: String, width: Double) -> [(x: Double, isOut: Bool, word: String?)] {
        func title(_ e: String) -> String? {
            guard let r = svg.range(of: e)?.upperBound, svg[r...].hasPrefix("<title>") else { return nil }
            return String(svg[r...].dropFirst(7).prefix { $0 != "<" }).components(separatedBy: " ").first
        }
        var found: [(x: Double, isOut: Bool, word: String?)] = []
        for (e, _) in elements("circle", in: svg) where Double(attribute("cy", in: e)!)! >= 60 {
            found.append((Double(attribute("cx", in: e)!)!, false, title(e)))
        }
        for (e, _) in elements("rect", in: svg) {
            guard let w = attribute("width", in: e).flatMap(Double.init), w < width else { continue }
            let h = Double(attribute("height", in: e)!)!
            if Double(attribute("y", in: e)!)! + h / 2 >= 60 { found.append((Double(attribute("x", in: e)!)! + w / 2, true, title(e))) }
        }
        return found
    }

    /// `desm neighbors --plot` of the offset model's first word, every other word a neighbour.
    func plotOffsetModel(space: String) throws -> (svg: String, words: [String]) {
        try requireDesm()
        let (model, words) = try offsetModel()
        let plot = dir + "/plot.svg"
        let r = try runDesm(["neighbors", model, words[0], "--space", space, "-k", "\(words.count - 1)", "--plot", plot])
        XCTAssertEqual(r.status, 0, r.stderr)
        return (try String(contentsOfFile: plot, encoding: .utf8), words)
    }

    func testPlotLabelsStayInsideTheCanvasAndNeverOverlap() throws {
        let (svg, words) = try plotOffsetModel(space: "in-out")
        let width = Double(attribute("width", in: svg)!)!, height = Double(attribute("height", in: svg)!)!
        let texts = textBoxes(svg)
        XCTAssertGreaterThan(texts.filter { $0.text.contains("neighbourhood") }.count, words.count, "most words are labelled")
        for t in texts {
            XCTAssertTrue(t.box.x0 >= 0 && t.box.y0 >= 0 && t.box.x1 <= width && t.box.y1 <= height, "\(t.text) \(t.box) off the canvas")
        }
        for (i, a) in texts.enumerated() {
            for b in texts[(i + 1)...] {
                let overlap = a.box.x0 < b.box.x1 && b.box.x0 < a.box.x1 && a.box.y0 < b.box.y1 && b.box.y0 < a.box.y1
                XCTAssertFalse(overlap, "\"\(a.text)\" \(a.box) overlaps \"\(b.text)\" \(b.box)")
            }
        }
    }

    func testPlotShowsTheNeighbourhoodsNotTheOffsetBetweenInAndOut() throws {
        let (svg, words) = try plotOffsetModel(space: "in-in")
        let points = markers(svg, width: Double(attribute("width", in: svg)!)!)
        let xin = points.filter { !$0.isOut }.map(\.x), xout = points.filter(\.isOut).map(\.x)
        guard xin.count == words.count, xout.count == words.count else {
            return XCTFail("\(xin.count) IN and \(xout.count) OUT points drawn for \(words.count) words")
        }
        // No vertical line has every IN point on one side and every OUT point on the other.
        XCTAssertLessThan(max(xin.min()!, xout.min()!), min(xin.max()!, xout.max()!),
                          "the first axis separates IN from OUT: IN x \(xin.min()!)…\(xin.max()!), OUT x \(xout.min()!)…\(xout.max()!)")
        // It separates the two clusters instead, in each space.
        for isOut in [false, true] {
            let space = points.filter { $0.isOut == isOut }
            XCTAssertEqual(Set(space.compactMap(\.word)), Set(words), "every marker names its word")
            let alpha = space.filter { $0.word?.hasPrefix("alpha") == true }.map(\.x)
            let beta = space.filter { $0.word?.hasPrefix("beta") == true }.map(\.x)
            guard let a0 = alpha.min(), let a1 = alpha.max(), let b0 = beta.min(), let b1 = beta.max() else { continue }
            XCTAssertTrue(a1 < b0 || b1 < a0, "clusters mixed along the first axis: \(alpha) \(beta)")
        }
    }

    /// The neighbours `desm neighbors` should print: cosines of the query row with every other
    /// row, each minus its space's mean (weights: the counts, at least 1) when `centred`.
    func expectedNeighbours(_ words: [String], counts: [Int64], query: [[Float]], candidates: [[Float]],
                            centred: Bool) -> [(String, Double)] {
        func mean(_ rows: [[Float]]) -> [Double] {
            guard centred else { return [Double](repeating: 0, count: rows[0].count) }
            let w = counts.map { Double(max($0, 1)) }, total = w.reduce(0, +)
            return rows[0].indices.map { j in zip(rows, w).reduce(0) { $0 + Double($1.0[j]) * $1.1 } / total }
        }
        let mq = mean(query), mc = mean(candidates)
        let q = query[0].indices.map { Double(query[0][$0]) - mq[$0] }
        func cos(_ a: [Double], _ b: [Double]) -> Double {
            zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } / (a.reduce(0) { $0 + $1 * $1 }.squareRoot() * b.reduce(0) { $0 + $1 * $1 }.squareRoot())
        }
        return (1..<words.count).map { i in (words[i], cos(q, candidates[i].indices.map { Double(candidates[i][$0]) - mc[$0] })) }
            .sorted { $0.1 > $1.1 }
    }

    func printed(_ stdout: String) -> [(String, Double)] {
        stdout.split(separator: "\n").map { line in
            let f = line.split(separator: "\t")
            return (String(f[0]), Double(f[1])!)
        }
    }

    func testCenterSubtractsEachSpacesMean() throws {
        try requireDesm()
        // IN rows share a large offset along the first axis, OUT rows the opposite one.
        let words = ["query", "apple", "berry", "cherry", "damson"]
        let input: [[Float]] = [[10, 1, 0], [14, 0, 0.2], [10, 0.6, 0.8], [9, -1, -0.5], [10.5, 0.2, -1.2]]
        let output: [[Float]] = input.map { r in [-r[0], r[2], r[1]] }
        for counts in [[50, 40, 30, 20, 10], [0, 0, 0, 0, 0]] as [[Int64]] {
            let model = try writeModel("m\(counts[0]).model", words: words, counts: counts, input: input, output: output)
            for (space, candidates) in [("in-in", input), ("in-out", output)] {
                let raw = expectedNeighbours(words, counts: counts, query: input, candidates: candidates, centred: false)
                let centred = expectedNeighbours(words, counts: counts, query: input, candidates: candidates, centred: true)
                XCTAssertNotEqual(raw.map(\.0), centred.map(\.0), "the fixture must tell centring apart")
                for (flags, expected) in [([String](), raw), (["--center"], centred)] {
                    let r = try runDesm(["neighbors", model, "query", "--space", space, "-k", "4"] + flags)
                    XCTAssertEqual(r.status, 0, r.stderr)
                    let got = printed(r.stdout)
                    XCTAssertEqual(got.map(\.0), expected.map(\.0), "\(space) \(flags) counts \(counts)")
                    for (g, e) in zip(got, expected) { XCTAssertEqual(g.1, e.1, accuracy: 6e-5, "\(space) \(flags) \(g.0)") }
                    let noted = r.stderr.contains("has no word counts (imported vectors): centred on the unweighted mean of each space")
                    XCTAssertEqual(noted, counts[0] == 0 && !flags.isEmpty, r.stderr)
                }
            }
        }
    }
}
