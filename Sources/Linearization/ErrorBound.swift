import ExactArithmetic
import NeuralNetwork

/// A certified upper bound on `max over the box of |f_i(x) − g_i(x)|` for
/// every logit `i`, where `f` is the original network and `g` its
/// linearization (the paper's Proposition 3, computed per neuron).
///
/// With `e_0 = 0` and `Δ_k = |W_k| e_{k−1}`, every neuron of layer `k` gets
/// `e_k = min(ε_g + Lip_σ · Δ_k, ε_f + Lip_p · Δ_k)` where `ε_g`, `ε_f` are
/// the certified activation errors on `g`'s and `f`'s pre-activation ranges
/// and the Lipschitz constants are taken on the hull of both ranges;
/// neurons whose activation `g` keeps get `e_k = Lip · Δ_k`. The logits'
/// `e_L` is the bound. Splitting the box and taking the maximum over the
/// pieces tightens it. Proofs: proofs/error-bound.md.
public struct ErrorBound: Sendable {
    /// The bound for each logit, an exact rational.
    public let perLogit: [Rational]
    /// Per-layer figures at the whole box (before splitting), for display.
    public let layers: [LayerFigures]
    /// Number of sub-boxes the final bound is the maximum over.
    public let subBoxes: Int

    /// The largest bound over the logits.
    public var maximum: Rational { perLogit.max()! }

    /// What one layer contributes, at the whole box.
    public struct LayerFigures: Sendable {
        /// The original activation's name.
        public let activation: String
        /// Neurons in the layer.
        public let neurons: Int
        /// Pieces of `g`'s activation in this layer.
        public let pieces: Int
        /// Hull of `f`'s and of `g`'s pre-activation ranges over the neurons.
        public let originalRange: RationalInterval
        public let linearizedRange: RationalInterval
        /// The largest certified activation error ε over the neurons (zero
        /// where `g` keeps the activation).
        public let maximumActivationError: Rational
        /// The largest `e_k` over the neurons: how far `f`'s and `g`'s
        /// outputs of this layer can be apart.
        public let maximumOutputError: Rational
    }

    /// Computes the bound for `g` over `box`, refining by `splits` bisections
    /// of the sub-box with the worst bound.
    public static func certify(_ g: LinearizedNetwork, over box: InputBox, splits: Int = 0) -> ErrorBound {
        var cache = ActivationErrorCache()
        let root = evaluate(g, over: box, cache: &cache)
        var leaves: [(box: InputBox, bound: [Rational])] = [(box, root.bound)]
        let influence = inputInfluence(g.original)
        for _ in 0..<max(0, splits) {
            let worst = leaves.indices.max { leaves[$0].bound.max()! < leaves[$1].bound.max()! }!
            guard leaves[worst].bound.max()!.sign > 0, let halves = bisect(leaves[worst].box, influence: influence) else { break }
            let parent = leaves[worst].bound
            // A parent's bound holds on each half too: keep the smaller, logit by logit.
            let children = halves.map { half in
                (half, zip(evaluate(g, over: half, cache: &cache).bound, parent).map { min($0, $1) })
            }
            leaves.replaceSubrange(worst...worst, with: children)
        }
        let perLogit = (0..<root.bound.count).map { i in leaves.map { $0.bound[i] }.max()! }
        return ErrorBound(perLogit: perLogit, layers: root.layers, subBoxes: leaves.count)
    }

    /// The per-neuron recursion over one box.
    static func evaluate(
        _ g: LinearizedNetwork, over box: InputBox, cache: inout ActivationErrorCache
    ) -> (bound: [Rational], layers: [LayerFigures]) {
        let f = g.original
        let fRanges = IntervalPropagation.original(f, over: box).preActivation
        let gRanges = IntervalPropagation.linearized(g, over: box).preActivation
        var e = Array(repeating: Rational.zero, count: f.inputCount)
        var figures: [LayerFigures] = []
        for (k, layer) in f.layers.enumerated() {
            let p = g.activations[k]
            let smooth = SmoothActivation(layer.activation)
            let delta = absoluteProduct(layer.weights, e)
            var next: [Rational] = []
            var largestEpsilon = Rational.zero
            for j in 0..<layer.outputCount {
                let rf = fRanges[k][j], rg = gRanges[k][j]
                let hull = rf.union(rg)
                if let smooth {
                    let epsilonG = cache.error(of: p, approximating: smooth, on: rg)
                    let epsilonF = rf == rg ? epsilonG : cache.error(of: p, approximating: smooth, on: rf)
                    largestEpsilon = max(largestEpsilon, min(epsilonF, epsilonG))
                    if delta[j].isZero {
                        next.append(min(epsilonF, epsilonG))
                    } else {
                        let viaSigma = epsilonG + smooth.derivativeEnclosure(hull).upper * delta[j]
                        let viaP = epsilonF + p.lipschitz(on: hull) * delta[j]
                        next.append(min(viaSigma, viaP).roundedUp(toBits: IntervalPropagation.bits))
                    }
                } else {
                    next.append((p.lipschitz(on: hull) * delta[j]).roundedUp(toBits: IntervalPropagation.bits))
                }
            }
            figures.append(LayerFigures(
                activation: layer.activation.name, neurons: layer.outputCount, pieces: p.pieceCount,
                originalRange: fRanges[k].dropFirst().reduce(fRanges[k][0]) { $0.union($1) },
                linearizedRange: gRanges[k].dropFirst().reduce(gRanges[k][0]) { $0.union($1) },
                maximumActivationError: largestEpsilon, maximumOutputError: next.max()!))
            e = next
        }
        return (e, figures)
    }

    /// `|W| e`, exactly.
    static func absoluteProduct(_ w: RationalMatrix, _ e: [Rational]) -> [Rational] {
        if e.allSatisfy(\.isZero) { return Array(repeating: .zero, count: w.rows) }
        return (0..<w.rows).map { i in dot(w.row(i).map(\.magnitude), e) }
    }

    /// How much each input moves the first layer: `Σ_i |W_1[i, j]|`.
    static func inputInfluence(_ network: Network) -> [Rational] {
        let w = network.layers[0].weights
        return (0..<w.columns).map { j in (0..<w.rows).reduce(Rational.zero) { $0 + w[$1, j].magnitude } }
    }

    /// Halves of `box` across the coordinate with the largest width × influence;
    /// nil when every coordinate is a point.
    static func bisect(_ box: InputBox, influence: [Rational]) -> [InputBox]? {
        let widths = zip(box.lower, box.upper).map { $1 - $0 }
        guard let j = widths.indices.max(by: { widths[$0] * (influence[$0] + 1) < widths[$1] * (influence[$1] + 1) }),
              widths[j].sign > 0 else { return nil }
        let middle = (box.lower[j] + box.upper[j]).timesPowerOfTwo(-1)
        var upperOfLow = box.upper, lowerOfHigh = box.lower
        upperOfLow[j] = middle
        lowerOfHigh[j] = middle
        return [try! InputBox(lower: box.lower, upper: upperOfLow), try! InputBox(lower: lowerOfHigh, upper: box.upper)]
    }
}

/// Certified activation errors already computed, keyed by function and interval:
/// neurons of one layer and sub-boxes of one box share many ranges.
struct ActivationErrorCache {
    private var known: [Key: Rational] = [:]

    private struct Key: Hashable {
        let p: PiecewiseLinearFunction
        let f: SmoothActivation
        let x: RationalInterval
    }

    mutating func error(of p: PiecewiseLinearFunction, approximating f: SmoothActivation, on x: RationalInterval) -> Rational {
        let key = Key(p: p, f: f, x: x)
        if let value = known[key] { return value }
        let value = certifiedError(of: p, approximating: f, on: x)
        known[key] = value
        return value
    }
}
