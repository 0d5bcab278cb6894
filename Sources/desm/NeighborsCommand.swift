import ArgumentParser
import DesmText
import DesmWord2Vec
import Foundation

/// `desm neighbors`: nearest words by cosine in a pairing of IN and OUT.
struct NeighborsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neighbors",
        abstract: "Print a word's nearest neighbours by cosine: IN-IN (typical) or IN-OUT (topical).",
        discussion: """
        The query word's vector comes from the first space, the candidates from the second: \
        in-in compares word vectors with word vectors (words of the same type: yale → harvard, \
        cornell), in-out compares a word vector with output vectors (words that occur around it: \
        yale → faculty, alumni), out-out compares output vectors. IN and OUT point in nearly \
        opposite directions on average, so IN-OUT cosines are small or negative: only their order \
        matters. The word goes through the model's analyzer (lowercased).

        --plot FILE.svg draws the word and its neighbours, each as an IN point (circle) and an \
        OUT point (square), on the first two principal components of those points.

        Example: desm neighbors text8.model yale --space in-out -k 10 --plot yale.svg
        """
    )

    @Argument(help: "Model file written by `desm train`.")
    var model: String
    @Argument(help: "The word.")
    var word: String
    @Option(name: .long, help: "in-in, in-out or out-out.")
    var space: NeighborSpace = .inIn
    @Option(name: .short, help: "Number of neighbours.")
    var k = 10
    @Option(name: .long, help: "Also draw them on a 2-D PCA projection into this SVG file.")
    var plot: String?
    @Flag(name: .long, help: "Report on stderr how long the model took to open and the search to run.")
    var verbose = false

    func validate() throws {
        if k < 1 { throw ValidationError("-k must be at least 1") }
    }

    func run() throws {
        if let plot { try checkOutput(plot, .svg, option: "--plot") }
        let t0 = monotonicSeconds(), c0 = clock()
        let m = try EmbeddingModel.load(path: model)
        let t1 = monotonicSeconds(), c1 = clock()
        let analyzer = Analyzer(m.analyzer.embedding)
        let tokens = analyzer.tokens(word)
        guard tokens.count == 1, let w = tokens.first else {
            throw DesmError("\"\(word)\" is not one word for the model's analyzer (it gives \(tokens))")
        }
        let result = try m.neighbors(of: w, space: space, k: k)
        if verbose {
            printError(String(format: "opened %@ (%d words, dim %d) in %.3f s (%.3f s CPU); search took %.3f s",
                              model, m.vocabulary.count, m.dim, t1 - t0, Double(c1 - c0) / Double(CLOCKS_PER_SEC),
                              monotonicSeconds() - t1))
        }
        for n in result { print(String(format: "%@\t%.4f", n.word, Double(n.cosine))) }
        if let plot { try drawPlot(m, w, result, to: plot) }
    }

    func drawPlot(_ m: EmbeddingModel, _ w: String, _ result: [Neighbor], to path: String) throws {
        let ids = [m.vocabulary.id(w)!] + result.map(\.id)
        var points = [[Float]]()
        var labels = [(String, Bool, Bool)]()   // word, isOut, isQuery
        for (i, id) in ids.enumerated() {
            points.append(Array(m.input.row(id))); labels.append((m.vocabulary.words[id], false, i == 0))
        }
        if let out = m.output {
            for (i, id) in ids.enumerated() {
                points.append(Array(out.row(id))); labels.append((m.vocabulary.words[id], true, i == 0))
            }
        }
        let xy = principalPlane(points)
        let xs = xy.map(\.0), ys = xy.map(\.1)
        let (x0, x1) = (xs.min()!, xs.max()!), (y0, y1) = (ys.min()!, ys.max()!)
        let width = 720.0, height = 540.0, pad = 60.0
        func sx(_ x: Double) -> Double { pad + (x1 > x0 ? (x - x0) / (x1 - x0) : 0.5) * (width - 2 * pad) }
        func sy(_ y: Double) -> Double { height - pad - (y1 > y0 ? (y - y0) / (y1 - y0) : 0.5) * (height - 2 * pad) }
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(Int(pad))" y="24" font-size="15">\(esc(w)): \(space.rawValue) neighbours, PCA of their IN and OUT vectors</text>
        <circle cx="\(Int(width - 210))" cy="20" r="5" fill="#1f77b4"/><text x="\(Int(width - 200))" y="24">IN (W_IN)</text>
        <rect x="\(Int(width - 125))" y="15" width="10" height="10" fill="#d62728"/><text x="\(Int(width - 110))" y="24">OUT (W_OUT)</text>

        """
        for (i, (x, y)) in xy.enumerated() {
            let (label, isOut, isQuery) = labels[i]
            let cx = sx(x), cy = sy(y)
            let colour = isOut ? "#d62728" : "#1f77b4"
            let size = isQuery ? 7.0 : 5.0
            if isOut {
                svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%@\"/>", cx - size, cy - size, 2 * size, 2 * size, colour)
            } else {
                svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%@\"/>", cx, cy, size, colour)
            }
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\"%@>%@</text>\n", cx + 8, cy + 4, isQuery ? " font-weight=\"bold\"" : "", esc(label))
        }
        svg += "</svg>\n"
        try writeFileAtomically(path, text: svg)
    }
}

extension NeighborSpace: ExpressibleByArgument {}
