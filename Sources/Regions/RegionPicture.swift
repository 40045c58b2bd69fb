import ExactArithmetic
import LPSearch
import Verification
import Polyhedra

/// An SVG picture of a 2-input model over its box (the paper's Fig. 5):
/// regions outlined, filled by the class `g` gives them, the decision
/// boundary in bold, and optional points on top, coloured by label.
public struct RegionPicture: Sendable {
    /// The regions to draw (2 inputs).
    public let enumeration: RegionEnumeration
    /// The boundary pieces to draw in bold.
    public let boundary: DecisionBoundary
    /// Number of classes (fill colours and legend rows).
    public let classCount: Int
    /// Points to draw on top, each with the label that colours it.
    public var points: [(point: [Rational], label: Int)] = []
    /// A line of text above the picture.
    public var title: String = ""
    /// Whole hyperplanes to draw dashed across the box: a DecisionNet's (the
    /// paper's Fig. 6).
    public var hyperplanes: [Hyperplane] = []

    public init(enumeration: RegionEnumeration, boundary: DecisionBoundary, classCount: Int) {
        self.enumeration = enumeration
        self.boundary = boundary
        self.classCount = classCount
    }

    static let palette = ["#9ecae1", "#fdae6b", "#a1d99b", "#bcbddc", "#fc9272", "#d9d9d9", "#c7e9c0", "#fdd0a2", "#dadaeb", "#fcbba1"]
    static let strong = ["#2171b5", "#d94801", "#238b45", "#6a51a3", "#cb181d", "#525252", "#41ab5d", "#f16913", "#807dba", "#ef3b2c"]

    /// The SVG document: regions filled by class and outlined, the boundary,
    /// the points, and a legend with each class's exact area (as a decimal).
    public func svg(size: Double = 640) -> String {
        guard let first = enumeration.regions.first?.polytope else { return "<svg xmlns=\"http://www.w3.org/2000/svg\"/>" }
        let (x0, y0) = (first.lower[0].nearestDouble, first.lower[1].nearestDouble)
        let (x1, y1) = (first.upper[0].nearestDouble, first.upper[1].nearestDouble)
        let margin = 40.0, legend = 24.0 * Double(classCount) + 20
        func px(_ p: (Double, Double)) -> String {
            let x = margin + (p.0 - x0) / (x1 - x0) * size
            let y = margin + (y1 - p.1) / (y1 - y0) * size
            return "\(rounded(x)),\(rounded(y))"
        }
        func polygon(_ vertices: [[Rational]]) -> String {
            vertices.map { px(($0[0].nearestDouble, $0[1].nearestDouble)) }.joined(separator: " ")
        }
        var out: [String] = []
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(rounded(size + 2 * margin))\" height=\"\(rounded(size + 2 * margin + legend))\" font-family=\"sans-serif\" font-size=\"13\">")
        out.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>")
        if !title.isEmpty { out.append("<text x=\"\(margin)\" y=\"24\" font-size=\"15\">\(escaped(title))</text>") }
        out.append("<g stroke=\"none\">")
        for region in enumeration.regions {
            for label in 0..<classCount {
                guard let part = region.classPart(label) else { continue }
                let vertices = PlanarPolygon.vertices(of: part)
                if vertices.count >= 3 {
                    out.append("<polygon points=\"\(polygon(vertices))\" fill=\"\(RegionPicture.palette[label % 10])\"/>")
                }
            }
        }
        out.append("</g><g fill=\"none\" stroke=\"#666\" stroke-width=\"0.5\">")
        for region in enumeration.regions {
            out.append("<polygon points=\"\(polygon(PlanarPolygon.vertices(of: region.polytope)))\"/>")
        }
        out.append("</g><g stroke=\"black\" stroke-width=\"2.5\" stroke-linecap=\"round\">")
        for piece in boundary.pieces {
            if let (a, b) = segment(piece) { out.append("<line x1=\"\(px(a).split(separator: ",")[0])\" y1=\"\(px(a).split(separator: ",")[1])\" x2=\"\(px(b).split(separator: ",")[0])\" y2=\"\(px(b).split(separator: ",")[1])\"/>") }
        }
        out.append("</g><g stroke=\"#b2182b\" stroke-width=\"1.2\" stroke-dasharray=\"6,4\">")
        for plane in hyperplanes {
            if let (a, b) = chord(plane, (x0, y0), (x1, y1)) {
                let (pa, pb) = (px(a).split(separator: ","), px(b).split(separator: ","))
                out.append("<line x1=\"\(pa[0])\" y1=\"\(pa[1])\" x2=\"\(pb[0])\" y2=\"\(pb[1])\"/>")
            }
        }
        out.append("</g><g stroke=\"white\" stroke-width=\"0.8\">")
        for (point, label) in points {
            let c = px((point[0].nearestDouble, point[1].nearestDouble)).split(separator: ",")
            out.append("<circle cx=\"\(c[0])\" cy=\"\(c[1])\" r=\"3.5\" fill=\"\(RegionPicture.strong[label % 10])\"/>")
        }
        out.append("</g>")
        out.append("<rect x=\"\(margin)\" y=\"\(margin)\" width=\"\(rounded(size))\" height=\"\(rounded(size))\" fill=\"none\" stroke=\"black\"/>")
        out.append("<text x=\"\(margin)\" y=\"\(rounded(margin + size + 16))\">x0 ∈ [\(x0), \(x1)], x1 ∈ [\(y0), \(y1)]; \(enumeration.regions.count) regions, \(boundary.hyperplanes.count) boundary hyperplanes\(hyperplanes.isEmpty ? "" : ", \(hyperplanes.count) DecisionNet hyperplanes (dashed)")</text>")
        let areas = enumeration.classAreas(classCount: classCount)
        let total = areas.reduce(Rational.zero, +)
        for label in 0..<classCount {
            let y = margin + size + 24 + 20 * Double(label)
            let share = total.isZero ? 0 : (areas[label] / total).nearestDouble * 100
            out.append("<rect x=\"\(margin)\" y=\"\(rounded(y))\" width=\"14\" height=\"14\" fill=\"\(RegionPicture.palette[label % 10])\" stroke=\"#666\"/>")
            out.append("<text x=\"\(margin + 20)\" y=\"\(rounded(y + 12))\">class \(label): exact area \(areas[label].nearestDouble) (\(rounded(share))% of the box)</text>")
        }
        out.append("</svg>")
        return out.joined(separator: "\n")
    }

    /// Where the line `plane` crosses the box `[x0, x1] × [y0, y1]` (floating
    /// point, display only); nil when it misses it.
    private func chord(_ plane: Hyperplane, _ low: (Double, Double), _ high: (Double, Double)) -> ((Double, Double), (Double, Double))? {
        let n = plane.normal.map(\.nearestDouble), o = plane.offset.nearestDouble
        let corners = [low, (high.0, low.1), high, (low.0, high.1)]
        let s = corners.map { n[0] * $0.0 + n[1] * $0.1 + o }
        var ends: [(Double, Double)] = []
        for k in 0..<4 {
            let a = corners[k], b = corners[(k + 1) % 4], sa = s[k], sb = s[(k + 1) % 4]
            if sa == 0 { ends.append(a) }
            if (sa < 0 && sb > 0) || (sa > 0 && sb < 0) {
                let t = sa / (sa - sb)
                ends.append((a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1)))
            }
        }
        guard ends.count >= 2 else { return nil }
        return (ends[0], ends[ends.count - 1])
    }

    /// The boundary piece as a drawable segment (floating point, display only).
    private func segment(_ piece: DecisionBoundary.Piece) -> ((Double, Double), (Double, Double))? {
        let region = enumeration.regions[piece.region]
        var part = region.polytope
        let (i, j) = piece.classes
        let w = region.logitWeights, b = region.logitBias
        for k in 0..<w.rows where w.rows > 1 && k != i && k != j {
            let h = Halfspace.nonnegative(zip(w.row(i), w.row(k)).map { $0 - $1 }, plus: b[i] - b[k])
            if !h.normal.allSatisfy(\.isZero) { part = part.adding(h) }
        }
        let q = PlanarPolygon.vertices(of: part).map { ($0[0].nearestDouble, $0[1].nearestDouble) }
        let n = piece.hyperplane.normal.map(\.nearestDouble), o = piece.hyperplane.offset.nearestDouble
        let s = q.map { n[0] * $0.0 + n[1] * $0.1 + o }
        var ends: [(Double, Double)] = []
        for k in q.indices {
            let a = q[k], b = q[(k + 1) % q.count], sa = s[k], sb = s[(k + 1) % q.count]
            if sa == 0 { ends.append(a) }
            if (sa < 0 && sb > 0) || (sa > 0 && sb < 0) {
                let t = sa / (sa - sb)
                ends.append((a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1)))
            }
        }
        guard ends.count >= 2 else { return nil }
        return (ends[0], ends[ends.count - 1])
    }

    private func rounded(_ x: Double) -> String {
        let r = (x * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    private func escaped(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
