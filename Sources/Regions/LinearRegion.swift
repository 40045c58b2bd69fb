import ExactArithmetic
import LPSearch
import Verification
import Polyhedra

/// A linear region of a piecewise-linear network `g` inside a box: the set of
/// inputs with one activation pattern, on which `g` is one exact affine map
/// (the paper's CLIME, Eq. 9).
public struct LinearRegion: Sendable, Codable {
    /// The piece of its activation that each neuron is on, layer by layer.
    public let pattern: [[Int]]
    /// The region: the box cut by the halfspaces where neurons change piece
    /// (constraints implied by the rest are left out).
    public let polytope: Polytope
    /// A point strictly inside the region (verified exactly).
    public let witness: [Rational]
    /// The logits on the region: `logitWeights · x + logitBias`, exactly.
    public let logitWeights: RationalMatrix
    public let logitBias: [Rational]

    /// The logits at `x`, exactly (valid for `x` in the region).
    public func logits(at x: [Rational]) -> [Rational] {
        zip(logitWeights * x, logitBias).map { $0 + $1 }
    }
}
