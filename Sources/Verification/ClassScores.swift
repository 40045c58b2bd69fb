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

    /// `region ∩ {score_i − score_j ≥ t_ij for every j ≠ i}` with
    /// `t_ij = errors.threshold(i, j)`, in increasing `j`: the closure of the
    /// open set where `g` answers `i` with a margin that `f`'s errors cannot
    /// overturn — or nil when that open set is empty because some difference
    /// is a constant `≤ t_ij`.
    package func ahead(_ i: Int, by errors: ScoreErrors, in region: Polytope) -> Polytope? {
        var p = region
        for j in 0..<classCount where j != i {
            let (c, d) = difference(i, j)
            let margin = d - errors.threshold(i, j)
            if c.allSatisfy(\.isZero) {
                if margin.sign <= 0 { return nil }
                continue
            }
            p = p.adding(.nonnegative(c, plus: margin))
        }
        return p
    }
}

/// How far `f`'s class scores can be from `g`'s over a box: `|f_i − g_i| ≤ e_i`
/// per score and `|(f_i − f_j) − (g_i − g_j)| ≤ threshold(i, j)` per pair,
/// the smaller of `e_i + e_j` and the symbolic margin bound
/// (proofs/symbolic-error-bound.md §4, proofs/agreement.md).
package struct ScoreErrors: Sendable {
    /// `e_i` per score (`(0, e_0)` for a one-logit model).
    package let perScore: [Rational]
    /// Margin bounds per pair `i < j` of logits, in `ErrorRecursion.pairs` order.
    private let margins: [Rational]

    /// From per-logit bounds and, optionally, per-pair margin bounds of the
    /// logits (ignored for one logit, whose only score difference is `g_0`).
    package init(logitErrors e: [Rational], marginBounds: [Rational] = []) {
        perScore = e.count == 1 ? [.zero, e[0]] : e
        margins = e.count == 1 || marginBounds.count != e.count * (e.count - 1) / 2 ? [] : marginBounds
    }

    /// A bound on `|(f_i − f_j) − (g_i − g_j)|` for scores `i ≠ j`.
    package func threshold(_ i: Int, _ j: Int) -> Rational {
        let sum = perScore[i] + perScore[j]
        guard !margins.isEmpty else { return sum }
        let (a, b) = (min(i, j), max(i, j)), n = perScore.count
        // Index of (a, b) among the pairs (0,1), (0,2), …, (1,2), …
        let index = a * (2 * n - a - 1) / 2 + (b - a - 1)
        return min(sum, margins[index])
    }
}
