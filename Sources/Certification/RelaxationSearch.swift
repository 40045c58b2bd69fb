import ExactArithmetic
import Foundation
import NeuralNetwork
import Polyhedra
import Verification

/// Lower-line slopes and held-neuron multipliers that make a combination's
/// back-substituted bound (`BackwardBound`) as large as it can: projected
/// supergradient ascent with Adam steps. The supergradient comes from the
/// input corner the bound is attained at, pushed forward through the lines
/// the bound used: a slope's is `c_j (z_j − p_j)`, a multiplier's `∓(z_j − p_j)`
/// (`c_j` the neuron's coefficient, `p_j` its breakpoint). Search only: every
/// value is the trusted function's, so a positive best bound is a proof.
struct RelaxationSearch {
    let bounder: BackwardBound
    let leaf: BackwardBound.Leaf
    let constraints: [VNNLIBProperty.OutputConstraint]
    let multipliers: BoundCertificate

    /// The best bound seen and the choices that gave it.
    private(set) var bestBound = -Double.infinity
    private(set) var bestSlopes: [Int: Double] = [:]
    private(set) var bestBetas: [Int: Double] = [:]
    /// At the best choices: the pre-activations at the input corner the bound is attained at, and each neuron's coefficient.
    private(set) var preActivations: [[Double]] = []
    private(set) var coefficients: [[Double]] = []
    private(set) var inputCoefficients: [Double] = []

    /// Free two-piece neurons whose range crosses the breakpoint: global index → (layer, neuron, breakpoint, slope range).
    private var free: [Int: (layer: Int, neuron: Int, breakpoint: Double, low: Double, high: Double)] = [:]
    private var held: [Int: (layer: Int, neuron: Int, breakpoint: Double, upper: Bool)] = [:]

    init(_ bounder: BackwardBound, leaf: BackwardBound.Leaf, constraints: [VNNLIBProperty.OutputConstraint], multipliers: BoundCertificate) {
        self.bounder = bounder
        self.leaf = leaf
        self.constraints = constraints
        self.multipliers = multipliers
        guard !leaf.empty else { return }
        for (k, activation) in bounder.activations.enumerated() {
            guard case .piecewise(let p, _) = activation, p.pieceCount == 2 else { continue }
            let breakpoint = p.breakpoints[0].nearestDouble
            let slopes = (p.slopes[0].nearestDouble, p.slopes[1].nearestDouble)
            for j in 0..<leaf.lows[k].count {
                let n = leaf.offsets[k] + j
                if let side = leaf.held[k][j] {
                    held[n] = (k, j, breakpoint, side.upper)
                } else if leaf.lows[k][j] < breakpoint, leaf.highs[k][j] > breakpoint {
                    free[n] = (k, j, breakpoint, Swift.min(slopes.0, slopes.1), Swift.max(slopes.0, slopes.1))
                }
            }
        }
    }

    /// Evaluates the bound at the choices and the pre-activations at its
    /// corner (for the supergradient); keeps them when best.
    private mutating func evaluate(_ slopes: [Int: Double], _ betas: [Int: Double]) -> (bound: Double, trace: BackwardBound.Trace, preActivations: [[Double]])? {
        guard let result = bounder.combinationLowerBound(leaf, constraints: constraints, multipliers: multipliers, slopes: slopes, betas: betas) else { return nil }
        guard let trace = result.trace else {
            // An empty leaf: the bound is +∞ with nothing to trace.
            bestBound = result.bound
            return nil
        }
        let z = forward(corner(trace), trace: trace, slopes: slopes)
        if result.bound > bestBound {
            bestBound = result.bound
            bestSlopes = slopes
            bestBetas = betas
            preActivations = z
            coefficients = trace.outputCoefficients
            inputCoefficients = trace.inputCoefficients
        }
        return (result.bound, trace, z)
    }

    private func corner(_ trace: BackwardBound.Trace) -> [Double] {
        trace.inputCoefficients.indices.map { i in
            let c = trace.inputCoefficients[i]
            return c > 0 ? leaf.lowerInput[i] : c < 0 ? leaf.upperInput[i] : (leaf.lowerInput[i] + leaf.upperInput[i]) / 2
        }
    }

    /// The pre-activations at `x` of the network whose activations are replaced by the lines the bound used.
    private func forward(_ x: [Double], trace: BackwardBound.Trace, slopes: [Int: Double]) -> [[Double]] {
        var a = x, out: [[Double]] = []
        for (k, layer) in bounder.rounded.enumerated() {
            var z = layer.bias
            for i in 0..<layer.rows {
                var s = z[i]
                for j in 0..<layer.columns { s += layer.weights[i * layer.columns + j] * a[j] }
                z[i] = s
            }
            out.append(z)
            guard k < trace.outputCoefficients.count else { break }
            a = z.indices.map { j in
                let lines = leaf.lines[k][j], c = trace.outputCoefficients[k][j]
                if c > 0 {
                    if let s = slopes[leaf.offsets[k] + j], let f = free[leaf.offsets[k] + j] { return lineValue(f, s, z[j]) }
                    return lines.lowerSlope * z[j] + lines.lowerOffset
                }
                return lines.upperSlope * z[j] + lines.upperOffset
            }
        }
        return out
    }

    /// The lower line of slope `s` of a free convex two-piece neuron, at `z`: through the breakpoint's value.
    private func lineValue(_ f: (layer: Int, neuron: Int, breakpoint: Double, low: Double, high: Double), _ s: Double, _ z: Double) -> Double {
        let lines = leaf.lines[f.layer][f.neuron]
        let atBreakpoint = lines.lowerSlope * f.breakpoint + lines.lowerOffset
        return atBreakpoint + s * (z - f.breakpoint)
    }

    /// Runs `iterations` steps from the default lines, stopping once the bound exceeds `target`.
    mutating func run(iterations: Int, target: Double = 0) {
        var slopes = free.mapValues { leaf.lines[$0.layer][$0.neuron].lowerSlope }
        var betas: [Int: Double] = [:]
        var moment: [Int: Double] = [:], second: [Int: Double] = [:]
        let rate = 0.2, decay1 = 0.9, decay2 = 0.999
        for iteration in 0..<iterations {
            guard let (value, trace, z) = evaluate(slopes, betas), value.isFinite else { return }
            if bestBound > target || (free.isEmpty && held.isEmpty) { return }
            var gradient: [Int: Double] = [:]
            for (n, f) in free where trace.outputCoefficients.count > f.layer {
                let c = trace.outputCoefficients[f.layer][f.neuron]
                if c > 0 { gradient[n] = c * (z[f.layer][f.neuron] - f.breakpoint) }
            }
            for (n, h) in held where z.count > h.layer {
                let distance = z[h.layer][h.neuron] - h.breakpoint
                gradient[-1 - n] = h.upper ? -distance : distance
            }
            let t = Double(iteration + 1)
            for (key, g) in gradient {
                let m = decay1 * (moment[key] ?? 0) + (1 - decay1) * g
                let v = decay2 * (second[key] ?? 0) + (1 - decay2) * g * g
                moment[key] = m
                second[key] = v
                let step = rate * (m / (1 - pow(decay1, t))) / ((v / (1 - pow(decay2, t))).squareRoot() + 1e-12)
                if key >= 0, let f = free[key] {
                    slopes[key] = Swift.min(f.high, Swift.max(f.low, slopes[key]! + step))
                } else {
                    let n = -1 - key
                    let beta = Swift.max(0, (betas[n] ?? 0) + step)
                    betas[n] = beta > 0 ? beta : nil
                }
            }
        }
        _ = evaluate(slopes, betas)
    }

    /// The choices as certificate data: slopes that differ from the default, positive multipliers.
    var relaxation: PropertyCertificate.LeafRelaxation {
        let slopes = bestSlopes.filter { n, s in free[n].map { leaf.lines[$0.layer][$0.neuron].lowerSlope != s } ?? false }.sorted { $0.key < $1.key }
        let betas = bestBetas.filter { $0.value > 0 }.sorted { $0.key < $1.key }
        return PropertyCertificate.LeafRelaxation(
            slopes: .init(neurons: slopes.map(\.key), values: slopes.map { Rational(exactly: $0.value)! }),
            betas: .init(neurons: betas.map(\.key), values: betas.map { Rational(exactly: $0.value)! }))
    }

    /// How much each free neuron's relaxation loses at the best choices'
    /// corner: `|c_j|·|line(z_j) − σ(z_j)|`, with the range's chord gap as a
    /// small tie-break; the neuron to split is the largest.
    func splitScores() -> [(neuron: Int, score: Double)] {
        free.compactMap { n, f in
            guard coefficients.count > f.layer, preActivations.count > f.layer else { return nil }
            let c = coefficients[f.layer][f.neuron], z = preActivations[f.layer][f.neuron]
            let lines = leaf.lines[f.layer][f.neuron]
            let low = leaf.lows[f.layer][f.neuron], high = leaf.highs[f.layer][f.neuron]
            let line = c > 0 ? lineValue(f, bestSlopes[n] ?? lines.lowerSlope, z) : lines.upperSlope * z + lines.upperOffset
            let value = z >= f.breakpoint ? f.high * (z - f.breakpoint) : f.low * (z - f.breakpoint)
            let atBreakpoint = lines.lowerSlope * f.breakpoint + lines.lowerOffset
            let gap = Swift.abs(line - (atBreakpoint + value))
            let width = (f.breakpoint - low) * (high - f.breakpoint) / (high - low)
            return (n, Swift.abs(c) * (gap + 1e-6 * width))
        }
    }
}
