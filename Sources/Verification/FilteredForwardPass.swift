import ExactArithmetic
import NeuralNetwork

/// `g`'s label in binary64 with a rigorous bound on every rounding, so that
/// the DecisionNet's fallback evaluates `g` exactly only near a tie or a
/// breakpoint (proofs/decision-net.md, "Filtered forward pass").
///
/// Each layer carries the nearest doubles to its weights, bias and activation
/// pieces and upper bounds on their conversion errors; `label(at:)` keeps, for
/// every value, a radius `r` with `|exact − computed| ≤ r`, and answers only
/// when every neuron's piece and the winning logit are decided by those radii.
struct FilteredForwardPass: Sendable {
    struct Layer: Sendable {
        let inputs: Int, outputs: Int
        /// Row-major nearest doubles `W̃` and bounds `ΔW ≥ |W − W̃|`.
        let weights: [Double], weightErrors: [Double]
        let bias: [Double], biasErrors: [Double]
        /// Breakpoints `β` enclosed as `[low, high]` doubles.
        let breakpointLow: [Double], breakpointHigh: [Double]
        let slopes: [Double], slopeErrors: [Double]
        let intercepts: [Double], interceptErrors: [Double]
    }

    let layers: [Layer]
    /// False when some datum has no finite double: `label` then never answers.
    let usable: Bool

    init(_ g: LinearizedNetwork) {
        var usable = true
        func nearest(_ values: [Rational]) -> ([Double], [Double]) {
            let (d, e) = nearestDoubles(values)
            if !(d + e).allSatisfy(\.isFinite) { usable = false }
            return (d, e)
        }
        layers = zip(g.original.layers, g.activations).map { layer, p in
            let (w, dw) = nearest(layer.weights.entries)
            let (b, db) = nearest(layer.bias)
            let (s, ds) = nearest(p.slopes)
            let (c, dc) = nearest(p.intercepts)
            let low = p.breakpoints.map(\.doubleDown), high = p.breakpoints.map(\.doubleUp)
            if !(low + high).allSatisfy(\.isFinite) { usable = false }
            return Layer(inputs: layer.weights.columns, outputs: layer.weights.rows, weights: w, weightErrors: dw,
                         bias: b, biasErrors: db, breakpointLow: low, breakpointHigh: high,
                         slopes: s, slopeErrors: ds, intercepts: c, interceptErrors: dc)
        }
        self.usable = usable
    }

    /// `Network.label(ofLogits: g.exactLogits(x))` for the `g` this pass was made
    /// from: decided in binary64 with rigorous rounding bounds where they
    /// suffice, exactly otherwise.
    func label(of x: [Rational], exactly g: LinearizedNetwork) -> Int {
        let (point, radius) = nearestDoubles(x)
        if radius.allSatisfy(\.isFinite), let label = label(at: point, radius: radius) { return label }
        return Network.label(ofLogits: g.exactLogits(x))
    }

    /// `Network.label(ofLogits: g.exactLogits(x))` when the float pass decides
    /// it, where `point[j]` is within `radius[j]` of `x_j`; nil otherwise.
    func label(at point: [Double], radius: [Double]) -> Int? {
        guard usable else { return nil }
        var h = point, r = radius
        for layer in layers {
            var next = [Double](repeating: 0, count: layer.outputs)
            var nextRadius = [Double](repeating: 0, count: layer.outputs)
            let n = layer.inputs
            for i in 0..<layer.outputs {
                // ẑ = fl(Σ W̃ ĥ + b̃) and |z − ẑ| ≤ Σ (|W̃| + ΔW) r + Σ ΔW |ĥ| + Δb + γ_{n+2}(Σ |W̃ ĥ| + |b̃|) + (n + 1)·η.
                var z = 0.0, mass = 0.0, error = layer.biasErrors[i]
                for j in 0..<n {
                    let w = layer.weights[i * n + j], dw = layer.weightErrors[i * n + j], x = h[j]
                    z += w * x
                    mass = DirectedDouble.addUp(mass, DirectedDouble.multiplyUp(Swift.abs(w), Swift.abs(x)))
                    error = DirectedDouble.addUp(error, DirectedDouble.multiplyUp(DirectedDouble.addUp(Swift.abs(w), dw), r[j]))
                    if dw != 0 { error = DirectedDouble.addUp(error, DirectedDouble.multiplyUp(dw, Swift.abs(x))) }
                }
                z += layer.bias[i]
                mass = DirectedDouble.addUp(mass, Swift.abs(layer.bias[i]))
                error = DirectedDouble.addUp(error, DirectedDouble.multiplyUp(DirectedDouble.gamma(n + 2), mass))
                error = DirectedDouble.addUp(error, DirectedDouble.multiplyUp(Double(n + 1), DirectedDouble.underflow))
                guard z.isFinite, error.isFinite else { return nil }
                // The piece: z's enclosure strictly between two consecutive breakpoints.
                let low = (z - error).nextDown, high = (z + error).nextUp
                var t = 0
                while t < layer.breakpointLow.count && layer.breakpointHigh[t] < low { t += 1 }
                guard t == layer.breakpointLow.count || high < layer.breakpointLow[t] else { return nil }
                // p(z) = s z + c: |p(z) − fl(fl(s̃ ẑ) + c̃)| ≤ (|s̃| + Δs) e + Δs |ẑ| + Δc + γ_2(|s̃ ẑ| + |c̃|) + 2η.
                let s = layer.slopes[t], c = layer.intercepts[t]
                let product = s * z
                let value = product + c
                var e = DirectedDouble.multiplyUp(DirectedDouble.addUp(Swift.abs(s), layer.slopeErrors[t]), error)
                e = DirectedDouble.addUp(e, DirectedDouble.multiplyUp(layer.slopeErrors[t], Swift.abs(z)))
                e = DirectedDouble.addUp(e, layer.interceptErrors[t])
                let rounding = DirectedDouble.addUp(DirectedDouble.multiplyUp(Swift.abs(s), Swift.abs(z)), Swift.abs(c))
                e = DirectedDouble.addUp(e, DirectedDouble.multiplyUp(DirectedDouble.gamma(2), rounding))
                e = DirectedDouble.addUp(e, DirectedDouble.multiplyUp(2, DirectedDouble.underflow))
                guard value.isFinite, e.isFinite else { return nil }
                next[i] = value
                nextRadius[i] = e
            }
            h = next
            r = nextRadius
        }
        let low = zip(h, r).map { ($0 - $1).nextDown }, high = zip(h, r).map { ($0 + $1).nextUp }
        if h.count == 1 {
            // Network.label: 1 when the logit is > 0, else 0.
            if low[0] > 0 { return 1 }
            if high[0] <= 0 { return 0 }
            return nil
        }
        // A logit strictly above every other: the first maximum is that one.
        guard let best = h.indices.max(by: { h[$0] < h[$1] }) else { return nil }
        for j in h.indices where j != best && !(low[best] > high[j]) { return nil }
        return best
    }
}
