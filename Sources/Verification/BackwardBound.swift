import ExactArithmetic
import NeuralNetwork
import Polyhedra

/// Lower bounds on linear functions of the model `f` over a leaf of a
/// property proof (a box, some two-piece neurons held to a piece), by
/// back-substitution: the function is written over a layer's pre-activations
/// and pushed back one layer at a time, each activation replaced by a line
/// below or above it on the neuron's range (whichever keeps the bound a lower
/// bound), until it is a linear function of the input, whose minimum over the
/// box is taken. Held neurons may carry a Lagrange multiplier `β ≥ 0` on the
/// side of the breakpoint they are held to, and the lower line of a neuron
/// whose range crosses breakpoints may be given its slope; every choice gives
/// a valid bound, so the search picks them and this recomputes the bound.
/// Every step is in binary64 with each rounding bounded and moved into the
/// constant (proofs/property.md §3.2).
package struct BackwardBound: Sendable {
    package let network: Network
    /// The layers in binary64 (`RoundedLayer`, weight radius included).
    package let rounded: [RoundedLayer]
    /// Per layer, per column `j`: `max_l |W_lj|` and `max_l ΔW_lj` (rounded weights, their error).
    private let columnMaxima: [[Double]]
    private let columnErrorMaxima: [[Double]]
    package let activations: [Activation]

    package enum Activation: Sendable {
        /// `kink`: the function as doubles when it is a convex two-piece one with its breakpoint at 0.
        case piecewise(PiecewiseLinearFunction, kink: Kink?)
        case smooth(SmoothActivation)
    }

    /// `p(z) = value + (z < 0 ? s0 : s1)·z` with `s0 ≤ s1`, every number a
    /// double exactly (ReLU, leaky ReLU with slope ≤ 1): its lines need no
    /// rational arithmetic.
    package struct Kink: Sendable {
        let s0: Double, s1: Double, value: Double

        package init?(_ p: PiecewiseLinearFunction) {
            guard p.pieceCount == 2, p.breakpoints[0].isZero, p.slopes[0] <= p.slopes[1] else { return nil }
            let s0 = p.slopes[0].nearestDouble, s1 = p.slopes[1].nearestDouble, value = p(Rational.zero).nearestDouble
            guard Rational(exactly: s0) == p.slopes[0], Rational(exactly: s1) == p.slopes[1], Rational(exactly: value) == p(Rational.zero) else { return nil }
            self.s0 = s0
            self.s1 = s1
            self.value = value
        }
    }

    package init(_ network: Network) {
        self.network = network
        rounded = network.layers.map { RoundedLayer($0, includingRadius: true) }
        columnMaxima = rounded.map { BackwardBound.columnMaxima($0.weights, rows: $0.rows, columns: $0.columns) }
        columnErrorMaxima = rounded.map { layer in
            layer.weightErrors.map { BackwardBound.columnMaxima($0, rows: layer.rows, columns: layer.columns) } ?? Array(repeating: 0, count: layer.columns)
        }
        activations = network.layers.map { layer in
            if let smooth = SmoothActivation(layer.activation) { return .smooth(smooth) }
            let p = PiecewiseLinearFunction(exactly: layer.activation)!
            return .piecewise(p, kink: Kink(p))
        }
    }

    private static func columnMaxima(_ w: [Double], rows: Int, columns: Int) -> [Double] {
        var out = [Double](repeating: 0, count: columns)
        for l in 0..<rows { for j in 0..<columns { out[j] = Swift.max(out[j], Swift.abs(w[l * columns + j])) } }
        return out
    }

    // MARK: Lines

    /// One neuron on its pre-activation range `[low, high]`: lines with
    /// `lowerSlope·z + lowerOffset ≤ σ(z) ≤ upperSlope·z + upperOffset`
    /// for every `z` of the range (exactly, as the doubles stored), and
    /// `magnitude ≥ |σ(z)|` there.
    package struct Lines: Sendable {
        package var lowerSlope: Double, lowerOffset: Double
        package var upperSlope: Double, upperOffset: Double
        package var magnitude: Double
    }

    /// The lines of a piecewise-linear `p` on `[low, high]`: a range inside
    /// one piece gets the piece's line; otherwise the chord on the side where
    /// `p` lies under it (above, for a convex `p`) and, on the other side,
    /// `slope` or by default the slope of the piece at the range's midpoint;
    /// offsets from the exact range of `p(z) − s·z` (proofs/property.md §3.2).
    package static func lines(_ p: PiecewiseLinearFunction, low: Double, high: Double) -> Lines {
        let range = RationalInterval(Rational(exactly: low)!, Rational(exactly: high)!)
        let meeting = p.pieces(meeting: range)
        if meeting.count == 1 {
            let i = meeting.lowerBound
            let s = p.slopes[i].nearestDouble, t = p.intercepts[i].nearestDouble
            if Rational(exactly: s) == p.slopes[i], Rational(exactly: t) == p.intercepts[i] {
                let magnitude = DirectedDouble.addUp(DirectedDouble.multiplyUp(Swift.abs(s), Swift.max(Swift.abs(low), Swift.abs(high))), Swift.abs(t))
                return Lines(lowerSlope: s, lowerOffset: t, upperSlope: s, upperOffset: t, magnitude: magnitude)
            }
        }
        let pieceSlopes = meeting.map { p.slopes[$0] }
        let convex = zip(pieceSlopes, pieceSlopes.dropFirst()).allSatisfy { $0 <= $1 }
        let concave = zip(pieceSlopes, pieceSlopes.dropFirst()).allSatisfy { $0 >= $1 }
        let chord = low < high ? ((p(range.upper) - p(range.lower)) / range.width).nearestDouble : p.slopes[meeting.lowerBound].nearestDouble
        let middle = p.slopes[p.piece(containing: range.midpoint)].nearestDouble
        let lowerSlope = convex ? middle : chord
        let upperSlope = concave && !convex ? middle : chord
        let lowerDeviation = p.deviationRange(fromSlope: Rational(exactly: lowerSlope)!, on: range)
        let upperDeviation = lowerSlope == upperSlope ? lowerDeviation : p.deviationRange(fromSlope: Rational(exactly: upperSlope)!, on: range)
        return Lines(lowerSlope: lowerSlope, lowerOffset: lowerDeviation.lower.doubleDown,
                     upperSlope: upperSlope, upperOffset: upperDeviation.upper.doubleUp,
                     magnitude: p.image(of: range).magnitude.doubleUp)
    }

    /// The lines of a kink on `[low, high]` with `low < 0 < high`, as
    /// `lines(_:low:high:)` defines them: the convex `p` has its minimum of
    /// `p(z) − s z` at 0 for a slope `s ∈ [s0, s1]` (so the lower offset is
    /// `p(0)` exactly) and its maximum of `p(z) − c z` at the ends (rounded up).
    package static func lines(_ k: Kink, low: Double, high: Double) -> Lines {
        let chord = ((k.s1 * high) - (k.s0 * low)) / (high - low)
        let atLow = DirectedDouble.addUp(k.value, DirectedDouble.addUp(DirectedDouble.multiplyUp(k.s0, low), DirectedDouble.multiplyUp(-chord, low)))
        let atHigh = DirectedDouble.addUp(k.value, DirectedDouble.addUp(DirectedDouble.multiplyUp(k.s1, high), DirectedDouble.multiplyUp(-chord, high)))
        let magnitude = Swift.max(DirectedDouble.addUp(Swift.abs(k.value), DirectedDouble.multiplyUp(Swift.abs(k.s0), -low)),
                                  DirectedDouble.addUp(Swift.abs(k.value), DirectedDouble.multiplyUp(Swift.abs(k.s1), high)))
        return Lines(lowerSlope: high > -low ? k.s1 : k.s0, lowerOffset: k.value,
                     upperSlope: chord, upperOffset: Swift.max(atLow, atHigh), magnitude: magnitude)
    }

    /// `⌊min_{z ∈ [low, high]} (p(z) − s z)⌋`: the offset of the lower line of slope `s`.
    package static func lowerOffset(_ p: PiecewiseLinearFunction, kink: Kink?, low: Double, high: Double, slope s: Double) -> Double {
        if let k = kink, low < 0, high > 0, k.s0 <= s, s <= k.s1 { return k.value }
        let range = RationalInterval(Rational(exactly: low)!, Rational(exactly: high)!)
        return p.deviationRange(fromSlope: Rational(exactly: s)!, on: range).lower.doubleDown
    }

    /// The lines of a smooth `σ` on `[low, high]`. Where `σ` is convex there
    /// (or concave), the chord above it (below) and the tangent at the
    /// midpoint below it (above), each offset from the curvature: a convex
    /// `σ(z) − cz` peaks at an end, and lies above its tangent line
    /// (proofs/property.md §3.2). Elsewhere, of the band of slope `min σ'` and
    /// lines of a few candidate slopes (the chord's, `σ'` at the ends and the
    /// midpoint) with offsets enclosed part by part, the lower line highest
    /// and the upper line lowest at the midpoint.
    package static func lines(_ sigma: SmoothActivation, low: Double, high: Double) -> Lines {
        let range = RationalInterval(Rational(exactly: low)!, Rational(exactly: high)!)
        let magnitude = sigma.enclosure(range).magnitude.doubleUp
        let ends = (sigma.enclosure(RationalInterval(point: range.lower)), sigma.enclosure(RationalInterval(point: range.upper)))
        let chord = low < high ? ((ends.1.midpoint - ends.0.midpoint) / range.width).nearestDouble : 0
        guard low < high, let curvature = sigma.curvature(from: range.lower, to: range.upper) else {
            // The band's first line (relaxation 3): σ(z) − λz is nondecreasing for λ ≤ min σ'.
            let band = Relaxation(smooth: sigma, on: range, allowingChord: false)
            var lines = Lines(lowerSlope: band.slope, lowerOffset: (band.offset - band.fresh).nextDown,
                              upperSlope: band.slope, upperOffset: (band.offset + band.fresh).nextUp,
                              magnitude: magnitude)
            guard low < high else { return lines }
            let parts = PartEnclosures(sigma, on: range, parts: Relaxation.partCount(range))
            let middle = (low + high) / 2
            let candidates = [chord]
                + [range.lower, range.upper, range.midpoint].map { sigma.derivativeEnclosure(RationalInterval(point: $0)).midpoint.nearestDouble }
            for slope in candidates {
                let deviation = parts.deviationRange(slope: Rational(exactly: slope)!)
                let lowerOffset = deviation.lower.doubleDown, upperOffset = deviation.upper.doubleUp
                // Which line is used is a choice, made in floating point; the offsets are rigorous.
                if slope * middle + lowerOffset > lines.lowerSlope * middle + lines.lowerOffset {
                    lines.lowerSlope = slope
                    lines.lowerOffset = lowerOffset
                }
                if slope * middle + upperOffset < lines.upperSlope * middle + lines.upperOffset {
                    lines.upperSlope = slope
                    lines.upperOffset = upperOffset
                }
            }
            return lines
        }
        let convex = curvature == .convex
        // The chord: σ(z) − cz is convex (concave), so its extreme over the range is at an end.
        let c = Rational(exactly: chord)!
        let chordOffset = convex
            ? max(ends.0.upper - c * range.lower, ends.1.upper - c * range.upper).doubleUp
            : min(ends.0.lower - c * range.lower, ends.1.lower - c * range.upper).doubleDown
        // The tangent at the midpoint t, with its slope rounded to a double s:
        // σ(z) ≥ σ(t) + σ'(t)(z − t) on a convex range, so
        // σ(z) − sz ≥ σ(t) − st − |σ'(t) − s|·|z − t| (mirrored when concave).
        let t = range.midpoint
        let value = sigma.enclosure(RationalInterval(point: t)), derivative = sigma.derivativeEnclosure(RationalInterval(point: t))
        let tangent = derivative.midpoint.nearestDouble
        let s = Rational(exactly: tangent)!
        let slack = max((derivative.lower - s).magnitude, (derivative.upper - s).magnitude) * range.width.timesPowerOfTwo(-1)
        if convex {
            return Lines(lowerSlope: tangent, lowerOffset: (value.lower - s * t - slack).doubleDown,
                         upperSlope: chord, upperOffset: chordOffset, magnitude: magnitude)
        }
        return Lines(lowerSlope: chord, lowerOffset: chordOffset,
                     upperSlope: tangent, upperOffset: (value.upper - s * t + slack).doubleUp, magnitude: magnitude)
    }

    // MARK: Leaves

    /// A leaf, prepared: per layer the pre-activation ranges (held neurons
    /// clamped to their side), the default lines, and the held neurons.
    /// `empty` when a clamped range is empty: no input lies in the leaf.
    package struct Leaf: Sendable {
        package let box: InputBox
        package let lowerInput: [Double], upperInput: [Double]
        package fileprivate(set) var lows: [[Double]] = [], highs: [[Double]] = []
        package fileprivate(set) var lines: [[Lines]] = []
        /// Per layer: neuron → (upper piece?, breakpoint).
        package fileprivate(set) var held: [[Int: (upper: Bool, breakpoint: Rational)]] = []
        package fileprivate(set) var empty = false
        /// Where layer `k`'s neurons start in the global numbering.
        package let offsets: [Int]
    }

    /// The leaf `box` with `pieces` held; nil when a bound is not finite.
    /// Layer by layer, each neuron's range is the back-substituted lower
    /// bound of `±z_j` (default lines, no multipliers), clamped to the held
    /// side of its breakpoint.
    package func leaf(_ box: InputBox, pieces: PropertySplitTree.Pieces = [:]) -> Leaf? {
        var offsets: [Int] = [], offset = 0
        for layer in network.layers {
            offsets.append(offset)
            offset += layer.outputCount
        }
        var leaf = Leaf(box: box, lowerInput: box.lower.map(\.doubleDown), upperInput: box.upper.map(\.doubleUp), offsets: offsets)
        for (k, layer) in network.layers.enumerated() {
            let n = layer.outputCount
            var held: [Int: (upper: Bool, breakpoint: Rational)] = [:]
            if case .piecewise(let p, _) = activations[k], p.pieceCount == 2 {
                for j in 0..<n { if let upper = pieces[offsets[k] + j] { held[j] = (upper, p.breakpoints[0]) } }
            }
            leaf.held.append(held)
            // Rows +e_j then −e_j.
            var rows = [Double](repeating: 0, count: 2 * n * n)
            for j in 0..<n {
                rows[j * n + j] = 1
                rows[(n + j) * n + j] = -1
            }
            guard let bounds = backward(rows, count: 2 * n, layer: k, leaf: leaf, slopes: [:], betas: [:])?.bounds else { return nil }
            var lows = Array(bounds[0..<n]), highs = bounds[n..<(2 * n)].map { -$0 }
            for (j, side) in held {
                if side.upper { lows[j] = Swift.max(lows[j], side.breakpoint.doubleDown) } else { highs[j] = Swift.min(highs[j], side.breakpoint.doubleUp) }
            }
            guard lows.allSatisfy(\.isFinite), highs.allSatisfy(\.isFinite) else { return nil }
            if zip(lows, highs).contains(where: { $0 > $1 }) {
                leaf.empty = true
                return leaf
            }
            leaf.lows.append(lows)
            leaf.highs.append(highs)
            leaf.lines.append((0..<n).map { j in
                switch activations[k] {
                case .piecewise(let p, let kink):
                    if let kink, lows[j] < 0, highs[j] > 0, pieces[offsets[k] + j] == nil {
                        BackwardBound.lines(kink, low: lows[j], high: highs[j])
                    } else {
                        BackwardBound.lines(p, low: lows[j], high: highs[j])
                    }
                case .smooth(let s): BackwardBound.lines(s, low: lows[j], high: highs[j])
                }
            })
        }
        return leaf
    }

    /// What the search needs from one back-substitution: per hidden layer the
    /// coefficients on its outputs (which line each neuron used), and the
    /// final coefficients on the input.
    package struct Trace: Sendable {
        package var outputCoefficients: [[Double]]
        package var inputCoefficients: [Double]
    }

    /// Proven lower bounds, one per row, of `rows_r · z_k` (layer `k`'s
    /// pre-activations, `rows` row-major with `count` rows) over the leaf;
    /// `slopes` replaces the lower line's slope of neurons (global index)
    /// whose range crosses a breakpoint of a piecewise-linear activation,
    /// `betas` are multipliers of held neurons. The trace is of the first row.
    package func backward(
        _ rows: [Double], count r: Int, layer k: Int, leaf: Leaf, slopes: [Int: Double], betas: [Int: Double], extra: RoundedLayer? = nil
    ) -> (bounds: [Double], trace: Trace)? {
        var h = rows
        var constants = [Double](repeating: 0, count: r)
        var trace = Trace(outputCoefficients: Array(repeating: [], count: extra == nil ? k : k + 1), inputCoefficients: [])
        let unit = DirectedDouble.unitRoundoff, eta = DirectedDouble.underflow
        var m = k
        // `extra`, a layer after the network's last, is pushed back first.
        var layer = extra ?? rounded[k]
        var current = extra == nil ? k : k + 1
        while true {
            let n = layer.rows, columns = layer.columns
            precondition(h.count == r * n, "backward: width mismatch")
            let maxima = current < rounded.count ? columnMaxima[current] : layer.weights.map(Swift.abs)
            let errorMaxima = current < rounded.count ? columnErrorMaxima[current] : (layer.weightErrors ?? Array(repeating: 0, count: columns))
            // The magnitudes of this layer's inputs: the box, or the previous layer's outputs.
            let magnitudes: [Double] = current == 0
                ? zip(leaf.lowerInput, leaf.upperInput).map { Swift.max(Swift.abs($0), Swift.abs($1)) }
                : leaf.lines[current - 1].map(\.magnitude)
            var weightedMaxima = 0.0, weightedErrors = 0.0, magnitudeSum = 0.0
            for j in 0..<columns {
                weightedMaxima = DirectedDouble.addUp(weightedMaxima, DirectedDouble.multiplyUp(maxima[j], magnitudes[j]))
                weightedErrors = DirectedDouble.addUp(weightedErrors, DirectedDouble.multiplyUp(errorMaxima[j], magnitudes[j]))
                magnitudeSum = DirectedDouble.addUp(magnitudeSum, magnitudes[j])
            }
            let gamma = DirectedDouble.gamma(2 * n + 2)
            var g = [Double](repeating: 0, count: r * columns)
            layer.weights.withUnsafeBufferPointer { w in
                g.withUnsafeMutableBufferPointer { out in
                    for row in 0..<r {
                        // Bias, with its rounding and conversion error.
                        var dot = 0.0, absolute = 0.0, norm = 0.0, biasError = 0.0
                        for l in 0..<n {
                            let coefficient = h[row * n + l]
                            if coefficient == 0 { continue }
                            let a = Swift.abs(coefficient)
                            dot += coefficient * layer.bias[l]
                            absolute = DirectedDouble.addUp(absolute, DirectedDouble.multiplyUp(a, Swift.abs(layer.bias[l])))
                            norm = DirectedDouble.addUp(norm, a)
                            if layer.biasErrors[l] != 0 { biasError = DirectedDouble.addUp(biasError, DirectedDouble.multiplyUp(a, layer.biasErrors[l])) }
                            let base = l * columns, target = row * columns
                            for j in 0..<columns { out[target + j] += coefficient * w[base + j] }
                        }
                        var error = DirectedDouble.addUp(DirectedDouble.multiplyUp(gamma, absolute), biasError)
                        error = DirectedDouble.addUp(error, DirectedDouble.multiplyUp(Double(n + 1), eta))
                        // |h·W − g|_j ≤ γ‖h‖₁ max_l|W_lj| + n·η + ‖h‖₁ max_l ΔW_lj, times |input_j|, summed.
                        error = DirectedDouble.addUp(error, DirectedDouble.multiplyUp(DirectedDouble.multiplyUp(gamma, norm), weightedMaxima))
                        error = DirectedDouble.addUp(error, DirectedDouble.multiplyUp(DirectedDouble.multiplyUp(Double(n), eta), magnitudeSum))
                        error = DirectedDouble.addUp(error, DirectedDouble.multiplyUp(norm, weightedErrors))
                        constants[row] = BackwardBound.subtractDown(BackwardBound.addDown(constants[row], dot), error)
                    }
                }
            }
            if current == 0 {
                for row in 0..<r {
                    var minimum = constants[row]
                    for j in 0..<columns {
                        let c = g[row * columns + j]
                        if c == 0 { continue }
                        minimum = BackwardBound.addDown(minimum, (c > 0 ? c * leaf.lowerInput[j] : c * leaf.upperInput[j]).nextDown)
                    }
                    constants[row] = minimum
                }
                trace.inputCoefficients = Array(g[0..<columns])
                return constants.allSatisfy(\.isFinite) ? (constants, trace) : nil
            }
            // Replace each activation output by the line that keeps a lower bound.
            m = current - 1
            trace.outputCoefficients[m] = Array(g[0..<columns])
            let lows = leaf.lows[m], highs = leaf.highs[m]
            var neuronLines = leaf.lines[m]
            let start = leaf.offsets[m]
            if !slopes.isEmpty, case .piecewise(let p, let kink) = activations[m] {
                for j in 0..<columns where leaf.held[m][j] == nil {
                    if let s = slopes[start + j] {
                        neuronLines[j].lowerSlope = s
                        neuronLines[j].lowerOffset = BackwardBound.lowerOffset(p, kink: kink, low: lows[j], high: highs[j], slope: s)
                    }
                }
            }
            var next = [Double](repeating: 0, count: r * columns)
            for row in 0..<r {
                var constant = constants[row], error = 0.0
                for j in 0..<columns {
                    let c = g[row * columns + j]
                    let reach = Swift.max(Swift.abs(lows[j]), Swift.abs(highs[j]))
                    var coefficient = 0.0
                    if c != 0 {
                        let (slope, offset) = c > 0 ? (neuronLines[j].lowerSlope, neuronLines[j].lowerOffset) : (neuronLines[j].upperSlope, neuronLines[j].upperOffset)
                        coefficient = c * slope
                        // |c·s − fl(c·s)| ≤ 2u|fl(c·s)| + η.
                        error = DirectedDouble.addUp(error, DirectedDouble.multiplyUp(
                            DirectedDouble.addUp(DirectedDouble.multiplyUp(2 * unit, Swift.abs(coefficient)), eta), reach))
                        if offset != 0 { constant = BackwardBound.addDown(constant, (c * offset).nextDown) }
                    }
                    if let beta = betas[start + j], beta > 0, let side = leaf.held[m][j] {
                        // Upper side: β(z − p) ≥ 0 is subtracted; lower side: β(p − z) ≥ 0.
                        let shifted = side.upper ? coefficient - beta : coefficient + beta
                        error = DirectedDouble.addUp(error, DirectedDouble.multiplyUp(DirectedDouble.multiplyUp(unit, Swift.abs(shifted)), reach))
                        let product = Rational(exactly: beta)! * side.breakpoint
                        constant = BackwardBound.addDown(constant, (side.upper ? product : -product).doubleDown)
                        coefficient = shifted
                    }
                    next[row * columns + j] = coefficient
                }
                constants[row] = BackwardBound.subtractDown(constant, error)
            }
            h = next
            current = m
            layer = rounded[m]
        }
    }

    /// A proven lower bound on `Σ_i λ_i (a_i·y − b_i)` over the leaf
    /// (`λ = multipliers` over `constraints`), with the given slopes and
    /// multipliers of held neurons; `+∞` for an empty leaf. Nil when a
    /// multiplier is not positive or names no constraint, or a bound is not
    /// finite. A positive result proves that no input of the leaf meets all
    /// the constraints (proofs/property.md §3.2).
    package func combinationLowerBound(
        _ leaf: Leaf, constraints: [VNNLIBProperty.OutputConstraint], multipliers: BoundCertificate,
        slopes: [Int: Double] = [:], betas: [Int: Double] = [:]
    ) -> (bound: Double, trace: Trace?)? {
        guard let row = OutputForms.combinationRow(constraints: constraints, multipliers: multipliers, outputs: network.logitCount) else { return nil }
        if leaf.empty { return (.infinity, nil) }
        let last = network.layers.count - 1
        guard let result = backward([1], count: 1, layer: last, leaf: leaf, slopes: slopes, betas: betas, extra: row) else { return nil }
        return (result.bounds[0], result.trace)
    }

    static func addDown(_ a: Double, _ b: Double) -> Double { (a + b).nextDown }
    static func subtractDown(_ a: Double, _ b: Double) -> Double { (a - b).nextDown }
}
