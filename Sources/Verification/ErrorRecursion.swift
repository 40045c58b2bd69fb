import ExactArithmetic
import NeuralNetwork

/// The per-neuron Proposition 3 recursion over one box (proofs/error-bound.md):
/// with `e_0 = 0` and `Δ_k = |W_k| e_{k−1}`, every neuron of layer `k` gets
/// `e_k = min(ε(R^g) + L_σ(H)·Δ_k, ε(R^f) + L_p(H)·Δ_k)` for a smooth
/// activation `σ` fitted by `p`, or `L_a(H)·Δ_k` where `g` keeps the
/// activation `a`; `R^f`, `R^g` are the interval ranges of `f` and `g` and
/// `H` their hull. The logits' `e_L` bounds `|f_i − g_i|` on the box.
///
/// Pure exact computation, given a rigorous `ε`: the search (`ErrorBound`)
/// supplies it by branch and bound, the checker from a certificate's error
/// tables (`ActivationErrorTable`). Both get the same numbers from the same
/// inputs.
package enum ErrorRecursion {
    /// What one box yields: the bound per logit and the per-layer figures.
    package struct Result: Sendable {
        /// `e_L`: the bound on `|f_i − g_i|` for each logit.
        package let bound: [Rational]
        /// Per layer: ranges of `f` and `g`, and each neuron's ε and `e_k`.
        package let layers: [Layer]
    }

    /// One layer's figures.
    package struct Layer: Sendable {
        package let originalRanges: [RationalInterval]
        package let linearizedRanges: [RationalInterval]
        /// `min(ε(R^f), ε(R^g))` per neuron (zero where `g` keeps the activation).
        package let activationErrors: [Rational]
        /// `e_k` per neuron.
        package let outputErrors: [Rational]
    }

    /// The recursion for `g` over `box`; `epsilon(k, R)` must return a
    /// rigorous upper bound on `sup over R of |σ − p|` for layer `k`'s smooth
    /// activation `σ` and its fit `p`, or nil when it cannot (then the
    /// recursion returns nil).
    package static func evaluate(
        _ g: LinearizedNetwork, over box: InputBox,
        epsilon: (_ layer: Int, RationalInterval) -> Rational?
    ) -> Result? {
        let f = g.original
        let fRanges = IntervalPropagation.original(f, over: box).preActivation
        let gRanges = IntervalPropagation.linearized(g, over: box).preActivation
        var e = Array(repeating: Rational.zero, count: f.inputCount)
        var layers: [Layer] = []
        for (k, layer) in f.layers.enumerated() {
            let p = g.activations[k]
            let smooth = SmoothActivation(layer.activation)
            let delta = absoluteProduct(layer.weights, e)
            var next: [Rational] = [], errors: [Rational] = []
            for j in 0..<layer.outputCount {
                let rf = fRanges[k][j], rg = gRanges[k][j]
                let hull = rf.union(rg)
                guard let smooth else {
                    errors.append(.zero)
                    next.append((p.lipschitz(on: hull) * delta[j]).roundedUp(toBits: IntervalPropagation.bits))
                    continue
                }
                guard let epsilonG = epsilon(k, rg),
                      let epsilonF = rf == rg ? epsilonG : epsilon(k, rf) else { return nil }
                errors.append(min(epsilonF, epsilonG))
                if delta[j].isZero {
                    next.append(min(epsilonF, epsilonG))
                } else {
                    let viaSigma = epsilonG + smooth.derivativeEnclosure(hull).upper * delta[j]
                    let viaP = epsilonF + p.lipschitz(on: hull) * delta[j]
                    next.append(min(viaSigma, viaP).roundedUp(toBits: IntervalPropagation.bits))
                }
            }
            layers.append(Layer(originalRanges: fRanges[k], linearizedRanges: gRanges[k],
                                activationErrors: errors, outputErrors: next))
            e = next
        }
        return Result(bound: e, layers: layers)
    }

    /// `|W| e`, exactly.
    static func absoluteProduct(_ w: RationalMatrix, _ e: [Rational]) -> [Rational] {
        if e.allSatisfy(\.isZero) { return Array(repeating: .zero, count: w.rows) }
        return (0..<w.rows).map { i in dot(w.row(i).map(\.magnitude), e) }
    }
}
