import DesmWord2Vec
import Foundation

/// `desm neighbors --plot`: a word and its neighbours, each drawn as an IN point (circle) and
/// an OUT point (square). The vectors are scaled to unit length (cosine sees only their
/// directions), mean-centred first when `means` is given (`neighbors --center`); each space's
/// points are then centred on their own mean and projected on the first two principal
/// components of all of them (`groupCentredPlane`): the IN/OUT offset, which would otherwise
/// be the first component and split the plot into an IN side and an OUT side, is removed, and
/// the plot shows each space's neighbourhood. Labels are placed greedily inside the canvas,
/// never overlapping one another, a marker or the legend (`LabelPlacer`).
public enum NeighbourMap {
    public static let width = 760.0
    public static let height = 600.0
    static let headerBottom = 64.0
    static let labelSize = 12.0

    /// The SVG of the word with vocabulary id `wordID` and its `neighbours` in `space`.
    public static func svg(model: EmbeddingModel, wordID: Int, neighbours: [Neighbor], space: NeighborSpace,
                           means: SpaceMeans? = nil) -> String {
        let word = model.vocabulary.words[wordID]
        let ids = [wordID] + neighbours.map(\.id)
        func unitRows(_ space: EmbeddingSpace) -> [[Float]]? {
            guard let matrix = try? model.matrix(space) else { return nil }
            return ids.map { id in
                let v = model.rowVector(matrix, id, minus: means?.mean(of: space))
                let n = v.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
                return n > 0 ? v.map { Float(Double($0) / n) } : v
            }
        }
        let groups = [unitRows(.input), unitRows(.output)].compactMap { $0 }
        let planes = groupCentredPlane(groups)
        var points: [Point] = []
        for (g, plane) in planes.enumerated() {
            for (i, p) in plane.enumerated() {
                points.append(Point(word: model.vocabulary.words[ids[i]], rank: i, isOut: g == 1, x: p.0, y: p.1))
            }
        }
        let centring = means == nil ? "" : ", mean-centred"
        return draw(title: "\(word): \(space.rawValue) neighbours",
                    subtitle: "unit IN and OUT vectors\(centring); each space centred on its own mean (IN/OUT offset removed); first two principal components",
                    points: points)
    }

    /// One marker: a word's IN or OUT vector, `rank` 0 for the query word, then the
    /// neighbours' ranks.
    struct Point {
        var word: String
        var rank: Int
        var isOut: Bool
        var x: Double, y: Double
        var isQuery: Bool { rank == 0 }
        var radius: Double { isQuery ? 7 : 5 }
    }

    /// The chart: markers on one scale for both axes (distances read true), labels placed.
    static func draw(title: String, subtitle: String, points: [Point]) -> String {
        let blue = "#1f77b4", red = "#d62728"
        let plot = LabelBox(x0: 40, y0: headerBottom + 24, x1: width - 40, y1: height - 24)
        let xs = points.map(\.x), ys = points.map(\.y)
        let (xlo, xhi) = (xs.min() ?? 0, xs.max() ?? 0), (ylo, yhi) = (ys.min() ?? 0, ys.max() ?? 0)
        let scale = min((plot.x1 - plot.x0) / max(xhi - xlo, 1e-12), (plot.y1 - plot.y0) / max(yhi - ylo, 1e-12))
        let xmid = (xlo + xhi) / 2, ymid = (ylo + yhi) / 2
        let at = points.map { p in
            ((plot.x0 + plot.x1) / 2 + (p.x - xmid) * scale, (plot.y0 + plot.y1) / 2 - (p.y - ymid) * scale)
        }
        var markers = "", markerBoxes: [LabelBox] = []
        for (p, (cx, cy)) in zip(points, at) {
            let r = p.radius
            markerBoxes.append(LabelBox(x0: cx - r, y0: cy - r, x1: cx + r, y1: cy + r))
            // The word as the marker's tooltip, for points whose label had no room nearby.
            let tooltip = "<title>\(SVGChart.escape(p.word)) (\(p.isOut ? "OUT" : "IN"))</title>"
            if p.isOut {
                markers += "<rect x=\"\(SVGChart.f(cx - r))\" y=\"\(SVGChart.f(cy - r))\" width=\"\(SVGChart.f(2 * r))\" height=\"\(SVGChart.f(2 * r))\" fill=\"\(red)\" fill-opacity=\"0.85\">\(tooltip)</rect>\n"
            } else {
                markers += "<circle cx=\"\(SVGChart.f(cx))\" cy=\"\(SVGChart.f(cy))\" r=\"\(SVGChart.f(r))\" fill=\"\(blue)\" fill-opacity=\"0.85\">\(tooltip)</circle>\n"
            }
        }
        // Labels below the header, the query word's first, then the neighbours' by rank.
        var placer = LabelPlacer(area: LabelBox(x0: 2, y0: headerBottom + 2, x1: width - 2, y1: height - 2),
                                 obstacles: markerBoxes)
        var labels = "", leaders = "", omitted = 0
        for i in points.indices.sorted(by: { (points[$0].rank, $0) < (points[$1].rank, $1) }) {
            let p = points[i], (cx, cy) = at[i]
            let w = SVGChart.textWidth(p.word, size: labelSize), h = 1.3 * labelSize
            guard let (box, far) = placer.place(x: cx, y: cy, width: w, height: h, clearance: p.radius) else {
                omitted += 1
                continue
            }
            if far {
                let (lx, ly) = box.nearest(to: cx, cy)
                leaders += SVGChart.line(cx, cy, lx, ly, stroke: "#999", width: 0.6)
            }
            // The box spans a full em above the baseline and 0.3 em below it (`LabelBox.text`).
            labels += SVGChart.fittedText(p.word, x: box.x0, y: box.y0 + labelSize, size: labelSize,
                                          color: p.isOut ? red : blue, bold: p.isQuery)
        }

        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\">\n"
        svg += "<rect x=\"0\" y=\"0\" width=\"\(Int(width))\" height=\"\(Int(height))\" fill=\"white\"/>\n"
        // The header (title, subtitle, legend) above `headerBottom`, each line shrunk to fit.
        func headerText(_ s: String, x: Double = 12, y: Double, size: Double, bold: Bool = false, color: String = "#222") -> Double {
            let fitted = min(size, size * (width - 12 - x) / max(SVGChart.textWidth(s, size: size), 1))
            svg += SVGChart.fittedText(s, x: x, y: y, size: fitted, color: color, bold: bold)
            return x + SVGChart.textWidth(s, size: fitted)
        }
        _ = headerText(title, y: 22, size: 15, bold: true)
        _ = headerText(omitted == 0 ? subtitle : subtitle + "; \(omitted) label(s) left out for lack of room",
                       y: 40, size: 11, color: "#555")
        svg += "<circle cx=\"18\" cy=\"54\" r=\"5\" fill=\"\(blue)\"/>\n"
        var x = headerText("IN (W_IN)", x: 28, y: 58, size: 11) + 16
        svg += "<rect x=\"\(SVGChart.f(x))\" y=\"49\" width=\"10\" height=\"10\" fill=\"\(red)\"/>\n"
        x = headerText("OUT (W_OUT)", x: x + 15, y: 58, size: 11) + 16
        _ = headerText("larger and bold: the query word", x: x, y: 58, size: 11, color: "#555")
        return svg + leaders + markers + labels + "</svg>\n"
    }
}
