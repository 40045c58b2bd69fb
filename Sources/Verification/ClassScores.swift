import ExactArithmetic
import Polyhedra

/// The class scores of `g` on one region, as affine maps: the logits, or
/// `(0, g_0)` for a one-logit model. Either way the label is the arg-max of
/// the scores with ties to the lowest index (a one-logit model answers 1
/// exactly where `g_0 > 0`), so boundary, DecisionNet and agreement claims
/// are stated once for both kinds of model.
package struct ClassScores: Sendable {
    /// `weights[i]·x + bias[i]` is the score of class `i`.
    package let weights: [[Rational]]
    package let bias: [Rational]

    /// The scores of a region whose logits are `logitWeights·x + logitBias`.
    package init(logitWeights: RationalMatrix, logitBias: [Rational]) {
        if logitWeights.rows == 1 {
            weights = [Array(repeating: .zero, count: logitWeights.columns), logitWeights.row(0)]
            bias = [.zero, logitBias[0]]
        } else {
            weights = (0..<logitWeights.rows).map { logitWeights.row($0) }
            bias = logitBias
        }
    }

    /// The scores of a logit vector at one point (`(0, g_0)` for one logit).
    package static func scores(ofLogits logits: [Rational]) -> [Rational] {
        logits.count == 1 ? [.zero, logits[0]] : logits
    }

    /// Per-score bounds on `|f − g|` from per-logit ones (`(0, e_0)` for one logit).
    package static func errors(ofLogitErrors e: [Rational]) -> [Rational] {
        e.count == 1 ? [.zero, e[0]] : e
    }

    package var classCount: Int { bias.count }

    /// `score_i − score_j` as `c·x + d`.
    package func difference(_ i: Int, _ j: Int) -> (c: [Rational], d: Rational) {
        (zip(weights[i], weights[j]).map { $0 - $1 }, bias[i] - bias[j])
    }

    /// `region ∩ {score_a ≥ score_k and score_b ≥ score_k for every other k}`:
    /// where `a` and `b` both beat every other class. For each `k ∉ {a, b}` in
    /// increasing order, `a`'s halfspace then `b`'s is appended; certificates
    /// index the result in this order.
    package func bothAhead(_ a: Int, _ b: Int, in region: Polytope) -> Polytope {
        var p = region
        for k in 0..<classCount where k != a && k != b {
            for winner in [a, b] {
                let (c, d) = difference(winner, k)
                p = p.adding(.nonnegative(c, plus: d))
            }
        }
        return p
    }

    /// `region ∩ {score_i − score_j ≥ e_i + e_j for every j ≠ i}`, in
    /// increasing `j`: the closure of the open set where `g` answers `i` with
    /// a margin that `f`'s errors `e` cannot overturn — or nil when that open
    /// set is empty because some difference is a constant `≤ e_i + e_j`.
    package func ahead(_ i: Int, by errors: [Rational], in region: Polytope) -> Polytope? {
        var p = region
        for j in 0..<classCount where j != i {
            let (c, d) = difference(i, j)
            let margin = d - errors[i] - errors[j]
            if c.allSatisfy(\.isZero) {
                if margin.sign <= 0 { return nil }
                continue
            }
            p = p.adding(.nonnegative(c, plus: margin))
        }
        return p
    }
}
