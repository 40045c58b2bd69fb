import ExactArithmetic
import Verification
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
    /// The bound on `|(f_i − f_j) − (g_i − g_j)|` for each pair `i < j` of
    /// logits (`ErrorRecursion.pairs` order), at most `perLogit[i] + perLogit[j]`.
    public let marginBound: [Rational]
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

    /// The bisection tree of the sub-boxes (for a certificate).
    public let subBoxTree: SubBoxTree
    /// The error table of each layer with a smooth activation, by layer index:
    /// every ε in the bound was read from these (for a certificate).
    package let errorTables: [Int: ActivationErrorTable]

    /// Computes the bound for `g` over `box`, refining by `splits` bisections
    /// of the sub-box with the worst bound.
    ///
    /// Every ε comes from one `ActivationErrorTable` per smooth layer, refined
    /// over the hull of that layer's ranges on the whole box (which holds the
    /// ranges on every sub-box), so a checker recomputes exactly this bound
    /// from the tables' points and `subBoxTree`.
    public static func certify(_ g: LinearizedNetwork, over box: InputBox, splits: Int = 0) -> ErrorBound {
        certify(g, over: box, splits: splits, symbolic: true)
    }

    /// `certify` with the symbolic difference switched on or off (off: the
    /// per-neuron recursion alone, the baseline benchmarks compare against),
    /// and with or without back-substituted ranges (the benchmarks' other baseline).
    package static func certify(_ g: LinearizedNetwork, over box: InputBox, splits: Int, symbolic: Bool,
                                backSubstitution: Bool = true) -> ErrorBound {
        let tables = errorTables(for: g, over: box)
        let recursion = ErrorRecursion(g, symbolic: symbolic, backSubstitution: backSubstitution)
        @Sendable func evaluate(_ sub: InputBox) -> ErrorRecursion.Result {
            recursion.evaluate(over: sub) { k, range in tables[k]!.bound(on: range) }!
        }
        let root = evaluate(box)
        let logits = root.bound.count
        // The tree: node boxes, bounds (per logit, then per pair), and the
        // coordinate each inner node was halved across.
        var boxes = [box], bounds = [root.claims], children: [(coordinate: Int, low: Int, high: Int)?] = [nil]
        var leaves = [0]
        let influence = inputInfluence(g.original)
        for _ in 0..<max(0, splits) {
            let k = leaves.indices.max { bounds[leaves[$0]].prefix(logits).max()! < bounds[leaves[$1]].prefix(logits).max()! }!
            let worst = leaves[k]
            guard bounds[worst].prefix(logits).max()!.sign > 0, let j = bisectionCoordinate(boxes[worst], influence: influence),
                  let (low, high) = SubBoxTree.halves(of: boxes[worst], across: j) else { break }
            var added: [Int] = []
            // The halves are independent: one per core.
            for (half, result) in zip([low, high], [low, high].parallelMap { evaluate($0) }) {
                boxes.append(half)
                bounds.append(zip(result.claims, bounds[worst]).map { min($0, $1) })
                children.append(nil)
                added.append(boxes.count - 1)
            }
            children[worst] = (j, added[0], added[1])
            leaves.replaceSubrange(k...k, with: added)
        }
        var nodes: [Int] = []
        var pending = [0]
        while let n = pending.popLast() {
            if let c = children[n] {
                nodes.append(c.coordinate)
                pending.append(c.high)
                pending.append(c.low)
            } else {
                nodes.append(-1)
            }
        }
        let all = bounds[0].indices.map { i in leaves.map { bounds[$0][i] }.max()! }
        let perLogit = Array(all.prefix(logits)), marginBound = Array(all.dropFirst(logits))
        let figures = zip(g.original.layers, root.layers).enumerated().map { k, pair in
            let (layer, r) = pair
            return LayerFigures(
                activation: layer.activation.name, neurons: layer.outputCount, pieces: g.activations[k].pieceCount,
                originalRange: r.originalRanges.dropFirst().reduce(r.originalRanges[0]) { $0.union($1) },
                linearizedRange: r.linearizedRanges.dropFirst().reduce(r.linearizedRanges[0]) { $0.union($1) },
                maximumActivationError: r.activationErrors.max()!, maximumOutputError: r.outputErrors.max()!)
        }
        return ErrorBound(perLogit: perLogit, marginBound: marginBound, layers: figures, subBoxes: leaves.count,
                          subBoxTree: SubBoxTree(nodes: nodes), errorTables: tables)
    }

    /// One refined error table per smooth layer, over the hull of `f`'s and
    /// `g`'s pre-activation ranges on `box`.
    package static func errorTables(for g: LinearizedNetwork, over box: InputBox) -> [Int: ActivationErrorTable] {
        let fRanges = IntervalPropagation.original(g.original, over: box).preActivation
        let gRanges = IntervalPropagation.linearized(g, over: box).preActivation
        var tables: [Int: ActivationErrorTable] = [:]
        for (k, layer) in g.original.layers.enumerated() {
            guard let smooth = SmoothActivation(layer.activation) else { continue }
            let hull = (fRanges[k] + gRanges[k]).dropFirst().reduce(fRanges[k][0]) { $0.union($1) }
            tables[k] = ActivationErrorTable.refined(g.activations[k], approximating: smooth, over: hull)
        }
        return tables
    }

    /// How much each input moves the first layer: `Σ_i |W_1[i, j]|`.
    static func inputInfluence(_ network: Network) -> [Rational] {
        let w = network.layers[0].weights
        return (0..<w.columns).map { j in (0..<w.rows).reduce(Rational.zero) { $0 + w[$1, j].magnitude } }
    }

    /// The coordinate with the largest width × influence; nil when every
    /// coordinate is a point.
    static func bisectionCoordinate(_ box: InputBox, influence: [Rational]) -> Int? {
        let widths = zip(box.lower, box.upper).map { $1 - $0 }
        guard let j = widths.indices.max(by: { widths[$0] * (influence[$0] + 1) < widths[$1] * (influence[$1] + 1) }),
              widths[j].sign > 0 else { return nil }
        return j
    }
}
