import ExactArithmetic
import Polyhedra

/// A linear region of a piecewise-linear network `g` inside a box: the set of
/// inputs with one activation pattern, on which `g` is one exact affine map
/// (the paper's CLIME, Eq. 9).
public struct LinearRegion: Sendable {
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

/// The affine map `x ↦ M x + m` that a layer's outputs follow on a region.
struct AffineMap: Sendable {
    var weights: RationalMatrix
    var bias: [Rational]

    static func identity(_ d: Int) -> AffineMap {
        var w = RationalMatrix(rows: d, columns: d)
        for i in 0..<d { w[i, i] = .one }
        return AffineMap(weights: w, bias: Array(repeating: .zero, count: d))
    }

    /// `W · self + b`: the pre-activations of the next layer as affine maps of x.
    func composed(with w: RationalMatrix, plus b: [Rational]) -> AffineMap {
        let product = w * weights
        return AffineMap(weights: product, bias: zip(w * bias, b).map { $0 + $1 })
    }
}
