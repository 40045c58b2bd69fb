import ExactArithmetic
import Foundation
import Linearization
import NeuralNetwork
import Regions
import Verification

/// The precision trade-off of the paper's Fig. 6(b), certified: for each
/// piece count, the certified error bound, the regions, the DecisionNets'
/// sizes and the area where the compact one provably gives `f`'s label.
/// Every figure is read from a certificate after `CertificateChecker`
/// verified it, not from the search.
public enum Tradeoff {
    /// One piece count's verified figures.
    public struct Row: Sendable, Encodable {
        public let pieces: Int
        /// The largest per-logit bound on `|f − g|` (recomputed by the checker).
        public let errorBound: Rational
        public let regions: Int
        /// The exact DecisionNet's numbers, and the compact one's (nil for a model without one).
        public let exactDNetParameters: Int
        public let compactDNetParameters: Int?
        /// What the shares are of: `box area` (2 inputs) or `regions`.
        public let measure: String
        /// Shares of the box's area (2 inputs) or of the regions: where `f`'s
        /// label is proven, and where the compact net provably gives it.
        public let agreedFraction: Rational
        public let compactAgreedFraction: Rational?
        /// Certify and check, wall clock.
        public let seconds: Double

        /// The row of a checked certificate of `g` with `pieces` pieces.
        public init(pieces: Int, checked: CheckedCertificate, seconds: Double) {
            self.pieces = pieces
            errorBound = checked.errorBound.max() ?? .zero
            regions = checked.regions
            exactDNetParameters = checked.decisionNetParameters
            compactDNetParameters = checked.compact?.parameters
            if let boxArea = checked.boxArea, let agreedArea = checked.agreedArea {
                measure = "box area"
                agreedFraction = agreedArea / boxArea
                compactAgreedFraction = checked.compact?.agreedArea.map { $0 / boxArea }
            } else {
                let regions = Rational(max(1, checked.regions))
                measure = "regions"
                agreedFraction = Rational(checked.agreedRegions) / regions
                compactAgreedFraction = checked.compact?.coveredRegions.map { Rational($0) / regions }
            }
            self.seconds = seconds
        }
    }

    /// Certifies and checks `network` over `box` once per entry of
    /// `pieces` (the compact net under `compact`); stops early, returning the
    /// rows so far and the count that hit `maximumRegions`.
    public static func sweep(
        _ network: Network, model file: ModelFile, over box: InputBox, pieces: [Int], splits: Int,
        maximumRegions: Int, compact: Certifier.CompactRequest?,
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) throws -> (rows: [Row], stoppedAt: Int?) {
        var rows: [Row] = []
        for n in pieces {
            progress("\(n) pieces…")
            let start = ContinuousClock.now
            let g = try LinearizedNetwork(network, pieces: n, method: .defaultMethod)
            let result: Certifier.Result
            do {
                result = try Certifier.certify(g, model: file, over: box, splits: splits, maximumRegions: maximumRegions,
                                               compact: compact, progress: progress)
            } catch {
                return (rows, n)
            }
            let checked = try CertificateChecker.check(result.certificate, model: file)
            let (s, atto) = (ContinuousClock.now - start).components
            rows.append(Row(pieces: n, checked: checked, seconds: Double(s) + Double(atto) * 1e-18))
        }
        return (rows, nil)
    }

    /// The rows as an SVG of three panels against the piece count: the
    /// certified error bound, the DecisionNets' numbers beside the model's
    /// (both on log scales), and the agreed shares of the box.
    public static func svg(_ rows: [Row], modelParameters: Int, title: String) -> String {
        let panel = 260.0, gap = 70.0, top = 60.0, left = 60.0, height = 220.0
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(left + 3 * panel + 2 * gap + 30))\" height=\"\(Int(top + height + 100))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        out += "<text x=\"\(left)\" y=\"24\" font-size=\"15\">\(escaped(title))</text>\n"
        let ns = rows.map { Double($0.pieces) }
        let series: [(name: String, log: Bool, lines: [(label: String, colour: String, values: [Double?])])] = [
            ("certified error bound (max over logits)", true, [("|f − g| ≤", "#c0392b", rows.map { $0.errorBound.nearestDouble })]),
            ("DecisionNet numbers (model: \(modelParameters))", true, [
                ("compact", "#2471a3", rows.map { $0.compactDNetParameters.map(Double.init) }),
                ("exact", "#7f8c8d", rows.map { Double($0.exactDNetParameters) }),
                ("model", "#000000", rows.map { _ in Double(modelParameters) })]),
            ("share of the \(rows.first?.measure ?? "box area"), %", false, [
                ("f's label proven", "#27ae60", rows.map { 100 * $0.agreedFraction.nearestDouble }),
                ("compact net = f", "#2471a3", rows.map { $0.compactAgreedFraction.map { 100 * $0.nearestDouble } })]),
        ]
        for (p, s) in series.enumerated() {
            let x0 = left + Double(p) * (panel + gap)
            let all = s.lines.flatMap { $0.values.compactMap { $0 } }.filter { !s.log || $0 > 0 }
            guard let lo = all.min(), let hi = all.max(), let nLo = ns.min(), let nHi = ns.max() else { continue }
            let (a, b) = s.log ? (log10(lo) - 0.1, log10(hi) + 0.1) : (0.0, 100.0)
            func y(_ v: Double) -> Double { top + height - height * (((s.log ? log10(v) : v) - a) / max(b - a, 1e-9)) }
            func x(_ n: Double) -> Double { x0 + panel * (nHi == nLo ? 0.5 : (n - nLo) / (nHi - nLo)) }
            out += "<text x=\"\(x0)\" y=\"\(top - 12)\" font-size=\"13\">\(escaped(s.name))</text>\n"
            out += "<rect x=\"\(x0)\" y=\"\(top)\" width=\"\(panel)\" height=\"\(height)\" fill=\"none\" stroke=\"#999\"/>\n"
            for n in ns { out += "<text x=\"\(format(x(n)))\" y=\"\(top + height + 16)\" text-anchor=\"middle\">\(Int(n))</text>\n" }
            out += "<text x=\"\(x0 + panel / 2)\" y=\"\(top + height + 34)\" text-anchor=\"middle\">pieces n</text>\n"
            for v in [lo, hi] + (s.log ? [] : [0, 100]) {
                out += "<text x=\"\(x0 - 6)\" y=\"\(format(y(v) + 4))\" text-anchor=\"end\">\(String(format: "%.3g", v))</text>\n"
            }
            for (k, line) in s.lines.enumerated() {
                let points = zip(ns, line.values).compactMap { n, v in v.flatMap { s.log && $0 <= 0 ? nil : "\(format(x(n))),\(format(y($0)))" } }
                guard !points.isEmpty else { continue }
                out += "<polyline fill=\"none\" stroke=\"\(line.colour)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>\n"
                for point in points {
                    let xy = point.split(separator: ",")
                    out += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"3\" fill=\"\(line.colour)\"/>\n"
                }
                out += "<text x=\"\(x0 + 8)\" y=\"\(top + height + 52 + 14 * Double(k))\" fill=\"\(line.colour)\">— \(escaped(line.label))</text>\n"
            }
        }
        return out + "</svg>\n"
    }

    private static func format(_ v: Double) -> String { String(format: "%.1f", v) }

    private static func escaped(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
