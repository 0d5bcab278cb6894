import Foundation

/// An axis-aligned box on an SVG canvas (y grows downwards).
public struct LabelBox: Equatable, Sendable {
    public var x0: Double, y0: Double, x1: Double, y1: Double

    public init(x0: Double, y0: Double, x1: Double, y1: Double) {
        self.x0 = x0; self.y0 = y0; self.x1 = x1; self.y1 = y1
    }

    /// The box of a text drawn from (`x`, baseline `y`) with `text-anchor="start"`, `width`
    /// wide (its `textLength`), at font size `size`: from a full em above the baseline to
    /// 0.3 em below it, more than any Latin glyph reaches.
    public static func text(x: Double, y: Double, width: Double, size: Double) -> LabelBox {
        LabelBox(x0: x, y0: y - size, x1: x + width, y1: y + 0.3 * size)
    }

    public func overlaps(_ o: LabelBox) -> Bool { x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1 }
    public func inside(_ o: LabelBox) -> Bool { x0 >= o.x0 && x1 <= o.x1 && y0 >= o.y0 && y1 <= o.y1 }
    /// The point of the box nearest to (`x`, `y`).
    func nearest(to x: Double, _ y: Double) -> (Double, Double) { (min(max(x, x0), x1), min(max(y, y0), y1)) }
}

/// Greedy label placement: each label, in order of importance, goes to the first position
/// around its point (right, left, above, below, the diagonals, then rings further out) whose
/// box lies inside the canvas's free area and overlaps no label placed before it and no
/// obstacle (the markers, the header). A label with no free position is left out.
struct LabelPlacer {
    let area: LabelBox
    var obstacles: [LabelBox]
    private(set) var placed: [LabelBox] = []

    init(area: LabelBox, obstacles: [LabelBox]) {
        self.area = area
        self.obstacles = obstacles
    }

    /// The box for a `width` × `height` label of the point (`x`, `y`) whose marker reaches
    /// `clearance` from its centre, and whether it is away from the point (draw a leader
    /// line); nil when no position is free.
    mutating func place(x: Double, y: Double, width: Double, height: Double, clearance: Double) -> (box: LabelBox, far: Bool)? {
        for ring in 0..<16 {
            let gap = clearance + 2 + Double(ring) * 9
            let angles: [Double] = ring == 0 ? [0, 180, 270, 90, 315, 225, 45, 135] : Array(stride(from: 0, to: 360, by: 22.5))
            for degrees in angles {
                let a = degrees * .pi / 180
                let (c, s) = (cos(a), sin(a))
                // The box's centre, so that its near edge is `gap` from the point along `a`.
                let cx = x + c * (gap + width / 2), cy = y + s * (gap + height / 2)
                let box = LabelBox(x0: cx - width / 2, y0: cy - height / 2, x1: cx + width / 2, y1: cy + height / 2)
                guard box.inside(area), !placed.contains(where: box.overlaps), !obstacles.contains(where: box.overlaps) else {
                    continue
                }
                placed.append(box)
                return (box, ring > 0)
            }
        }
        return nil
    }
}

extension SVGChart {
    /// The width of `text` in a Helvetica/Arial-like font at `size` px, from coarse
    /// per-character advances (an estimate: texts drawn with it set it as their `textLength`,
    /// so that the drawn width is exactly this).
    public static func textWidth(_ text: String, size: Double) -> Double {
        var em = 0.0
        for ch in text {
            switch ch {
            case "i", "j", "l", "'", "|", ".", ",", ":", ";", "!": em += 0.24
            case "f", "t", "r", "I", " ", "(", ")", "[", "]", "-", "/": em += 0.34
            case "m", "w", "M", "W", "@", "%": em += 0.86
            case _ where ch.isUppercase: em += 0.7
            case _ where ch.isASCII: em += 0.56
            default: em += 0.9   // other scripts, CJK: wide
            }
        }
        return em * size
    }

    /// A `<text>` drawn exactly `textWidth` wide (`textLength`), anchored at its start.
    static func fittedText(_ s: String, x: Double, y: Double, size: Double, color: String = "#222", bold: Bool = false) -> String {
        "<text x=\"\(f(x))\" y=\"\(f(y))\" \(font) font-size=\"\(f(size))\" textLength=\"\(f(textWidth(s, size: size)))\" "
            + "lengthAdjust=\"spacingAndGlyphs\" fill=\"\(color)\"\(bold ? " font-weight=\"bold\"" : "")>\(escape(s))</text>\n"
    }
}
