import Foundation

/// Small, dependency-free SVG charts for experiment reports.
public enum SVGChart {
    static let width = 720.0
    static let height = 420.0
    static let margin = (top: 56.0, right: 24.0, bottom: 96.0, left: 64.0)
    static let font = "font-family=\"Helvetica, Arial, sans-serif\""

    /// One bar per system (e.g. its mean NDCG@10) with an interval drawn over it (e.g. the 95%
    /// confidence interval from `tConfidenceInterval`). All arrays must have the same length;
    /// extra entries of the longer arrays are ignored.
    public static func barsWithIntervals(title: String, labels: [String], values: [Double],
                                         lower: [Double], upper: [Double]) -> String {
        let n = min(labels.count, values.count, lower.count, upper.count)
        let finite = (values.prefix(n) + lower.prefix(n) + upper.prefix(n)).filter(\.isFinite)
        let (lo, hi, ticks) = niceScale(min(0, finite.min() ?? 0), max(finite.max() ?? 1, 0))
        let plot = PlotArea(lo: lo, hi: hi)
        var svg = header(title: title, subtitle: n > 0 ? "bars: mean; whiskers: interval" : "no data")
        svg += plot.axes(ticks: ticks)
        let slot = plot.width / Double(max(n, 1))
        let barWidth = min(slot * 0.6, 90)
        // Labels under the axis: all rotated when any would not fit its slot (about 7 px
        // per character at 12 px), so they read as one row.
        let rotate = labels.prefix(n).contains { Double($0.count) * 7 > slot }
        for i in 0..<n {
            let cx = plot.x0 + slot * (Double(i) + 0.5)
            let v = values[i].isFinite ? values[i] : 0
            let yv = plot.y(v), y0 = plot.y(0)
            svg += rect(x: cx - barWidth / 2, y: min(yv, y0), w: barWidth, h: abs(y0 - yv), fill: palette[i % palette.count])
            if lower[i].isFinite && upper[i].isFinite {
                let yl = plot.y(lower[i]), yu = plot.y(upper[i])
                svg += line(cx, yl, cx, yu, stroke: "#222", width: 1.5)
                svg += line(cx - barWidth / 5, yl, cx + barWidth / 5, yl, stroke: "#222", width: 1.5)
                svg += line(cx - barWidth / 5, yu, cx + barWidth / 5, yu, stroke: "#222", width: 1.5)
            }
            let labelY = (upper[i].isFinite ? plot.y(upper[i]) : yv) - 6
            svg += text(String(format: "%.4f", values[i]), x: cx, y: labelY, size: 11, anchor: "middle")
            let label = escape(labels[i])
            if rotate {
                svg += "<text x=\"\(f(cx))\" y=\"\(f(plot.y1 + 14))\" \(font) font-size=\"11\" text-anchor=\"end\" transform=\"rotate(-35 \(f(cx)) \(f(plot.y1 + 14)))\">\(label)</text>\n"
            } else {
                svg += "<text x=\"\(f(cx))\" y=\"\(f(plot.y1 + 18))\" \(font) font-size=\"12\" text-anchor=\"middle\">\(label)</text>\n"
            }
        }
        return svg + "</svg>\n"
    }

    /// Per-topic differences (e.g. IN-OUT minus IN-IN NDCG@10) sorted from largest to
    /// smallest, one bar per topic: above zero where the first system wins, below where it
    /// loses; the subtitle counts wins, losses and ties.
    public static func sortedDifferences(title: String, values: [Double]) -> String {
        let v = values.filter(\.isFinite).sorted(by: >)
        let wins = v.filter { $0 > 0 }.count, losses = v.filter { $0 < 0 }.count
        let (lo, hi, ticks) = niceScale(min(v.min() ?? -1, 0), max(v.max() ?? 1, 0))
        let plot = PlotArea(lo: lo, hi: hi)
        let mean = v.isEmpty ? 0 : v.reduce(0, +) / Double(v.count)
        var svg = header(title: title, subtitle: "\(v.count) topics: \(wins) above 0, \(losses) below, \(v.count - wins - losses) tied; mean difference \(String(format: "%+.4f", mean))")
        svg += plot.axes(ticks: ticks)
        let slot = plot.width / Double(max(v.count, 1))
        let gap = slot > 4 ? slot * 0.15 : 0
        for (i, d) in v.enumerated() {
            let x = plot.x0 + slot * Double(i) + gap / 2
            let yv = plot.y(d), y0 = plot.y(0)
            svg += rect(x: x, y: min(yv, y0), w: max(slot - gap, 0.5), h: max(abs(y0 - yv), d == 0 ? 0 : 0.5),
                        fill: d >= 0 ? "#2b7bb9" : "#d6604d")
        }
        svg += line(plot.x0, plot.y(0), plot.x1, plot.y(0), stroke: "#222", width: 1)
        svg += text("topics, sorted by difference", x: (plot.x0 + plot.x1) / 2, y: plot.y1 + 30, size: 12, anchor: "middle")
        return svg + "</svg>\n"
    }

    // MARK: drawing helpers

    static let palette = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c"]

    struct PlotArea {
        let lo: Double, hi: Double
        var x0: Double { SVGChart.margin.left }
        var x1: Double { SVGChart.width - SVGChart.margin.right }
        var y0: Double { SVGChart.margin.top }
        var y1: Double { SVGChart.height - SVGChart.margin.bottom }
        var width: Double { x1 - x0 }
        func y(_ v: Double) -> Double { y1 - (v - lo) / max(hi - lo, 1e-12) * (y1 - y0) }

        func axes(ticks: [Double]) -> String {
            var s = ""
            for t in ticks {
                let yy = y(t)
                s += SVGChart.line(x0, yy, x1, yy, stroke: t == 0 ? "#888" : "#e3e3e3", width: 1)
                s += SVGChart.text(SVGChart.tickLabel(t, ticks: ticks), x: x0 - 8, y: yy + 4, size: 11, anchor: "end")
            }
            s += SVGChart.line(x0, y0, x0, y1, stroke: "#444", width: 1)
            s += SVGChart.line(x0, y1, x1, y1, stroke: "#444", width: 1)
            return s
        }
    }

    static func header(title: String, subtitle: String) -> String {
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\">\n"
        s += "<rect x=\"0\" y=\"0\" width=\"\(Int(width))\" height=\"\(Int(height))\" fill=\"white\"/>\n"
        s += text(title, x: width / 2, y: 24, size: 16, anchor: "middle", bold: true)
        s += text(subtitle, x: width / 2, y: 42, size: 11, anchor: "middle", color: "#555")
        return s
    }

    /// A range widened to round numbers and about five ticks on steps of 1, 2 or 5 × 10^k.
    static func niceScale(_ lo: Double, _ hi: Double) -> (Double, Double, [Double]) {
        var lo = lo, hi = hi
        if hi - lo < 1e-12 { hi = lo + 1 }
        let raw = (hi - lo) / 5
        let mag = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? 10 * mag
        lo = floor(lo / step + 1e-9) * step
        hi = ceil(hi / step - 1e-9) * step
        var ticks: [Double] = []
        var t = lo
        while t <= hi + step * 1e-6 { ticks.append(abs(t) < step * 1e-9 ? 0 : t); t += step }
        return (lo, hi, ticks)
    }

    static func tickLabel(_ t: Double, ticks: [Double]) -> String {
        let step = ticks.count > 1 ? abs(ticks[1] - ticks[0]) : 1
        let decimals = max(0, min(6, Int(ceil(-log10(step) - 1e-9))))
        return String(format: "%.\(decimals)f", t)
    }

    static func f(_ x: Double) -> String { String(format: "%.2f", x) }

    static func rect(x: Double, y: Double, w: Double, h: Double, fill: String) -> String {
        "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(w))\" height=\"\(f(h))\" fill=\"\(fill)\"/>\n"
    }

    static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double) -> String {
        "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(f(width))\"/>\n"
    }

    static func text(_ s: String, x: Double, y: Double, size: Int, anchor: String, bold: Bool = false, color: String = "#222") -> String {
        "<text x=\"\(f(x))\" y=\"\(f(y))\" \(font) font-size=\"\(size)\" text-anchor=\"\(anchor)\" fill=\"\(color)\"\(bold ? " font-weight=\"bold\"" : "")>\(escape(s))</text>\n"
    }

    /// Escapes text for XML content and attributes.
    public static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }
}
