import ExactArithmetic
import Foundation
import NeuralNetwork

/// An activation that is smooth and bounded and is replaced by a
/// piecewise-linear fit in the linearized network.
///
/// Both cases are increasing, point-symmetric about `(0, σ(0))`
/// (`σ(−x) = 2σ(0) − σ(x)`), convex on `(−∞, 0]` and concave on `[0, ∞)`,
/// with horizontal asymptotes ``lowerAsymptote`` at −∞ and
/// ``upperAsymptote`` at +∞ (proofs/activation-error.md, Lemma 1).
public enum SmoothActivation: String, Sendable, Codable, CaseIterable, Hashable {
    /// `σ(x) = 1 / (1 + e^−x)`.
    case sigmoid
    /// `tanh(x)`.
    case tanh

    /// The smooth activation of a layer; nil for piecewise-linear ones.
    public init?(_ activation: Activation) {
        switch activation {
        case .sigmoid: self = .sigmoid
        case .tanh: self = .tanh
        default: return nil
        }
    }

    /// The fewest pieces a fit can have: 3 (a continuous function with bounded
    /// error on ℝ must be constant on both tails, and a continuous function
    /// made of two constants is constant — the paper's two-asymptote "hard σ"
    /// is a discontinuous step, so the first tangent makes `n = 3`).
    public var minimumPieces: Int { 3 }

    /// The value in floating point (search and display only).
    public func callAsFunction(_ x: Double) -> Double {
        switch self {
        case .sigmoid: x >= 0 ? 1 / (1 + Foundation.exp(-x)) : Foundation.exp(x) / (1 + Foundation.exp(x))
        case .tanh: Foundation.tanh(x)
        }
    }

    /// The derivative in floating point (search only).
    public func derivative(_ x: Double) -> Double {
        switch self {
        case .sigmoid:
            let e = Foundation.exp(-Swift.abs(x))
            return e / ((1 + e) * (1 + e))
        case .tanh:
            let t = Foundation.tanh(x)
            return (1 - t) * (1 + t)
        }
    }

    /// A rigorous enclosure of the function over `x`: `lo ≤ σ(z) ≤ hi` for
    /// every real `z ∈ x` (via ``Enclosure``).
    public func enclosure(_ x: RationalInterval, bits: Int = 80) -> RationalInterval {
        switch self {
        case .sigmoid: Enclosure.sigmoid(x, bits: bits)
        case .tanh: Enclosure.tanh(x, bits: bits)
        }
    }

    /// A rigorous enclosure of the derivative over `x` (via ``Enclosure``).
    public func derivativeEnclosure(_ x: RationalInterval, bits: Int = 80) -> RationalInterval {
        switch self {
        case .sigmoid: Enclosure.sigmoidDerivative(x, bits: bits)
        case .tanh: Enclosure.tanhDerivative(x, bits: bits)
        }
    }

    /// The global Lipschitz constant `max σ' = σ'(0)`: 1/4 for sigmoid, 1 for tanh.
    public var lipschitz: Rational {
        switch self {
        case .sigmoid: Rational(1, 4)
        case .tanh: .one
        }
    }

    /// `lim σ(x)` as `x → −∞`: 0 for sigmoid, −1 for tanh.
    public var lowerAsymptote: Rational {
        switch self {
        case .sigmoid: .zero
        case .tanh: -1
        }
    }

    /// `lim σ(x)` as `x → +∞`: 1 for both.
    public var upperAsymptote: Rational { .one }

    /// `σ(0)`, the centre of symmetry's height: 1/2 for sigmoid, 0 for tanh.
    public var valueAtZero: Rational {
        switch self {
        case .sigmoid: Rational(1, 2)
        case .tanh: .zero
        }
    }

    /// Encloses `σ'(z)` from an enclosure `v` of `σ(z)` at one point, using
    /// `σ' = σ(1 − σ)` and `tanh' = 1 − tanh²` (proofs/activation-error.md,
    /// Lemma 1) and the exact range of those quadratics over `v`.
    package func derivative(fromValue v: RationalInterval) -> RationalInterval {
        switch self {
        case .sigmoid:
            // h(s) = s(1 − s): increasing below 1/2, decreasing above, max 1/4.
            func h(_ s: Rational) -> Rational { s * (.one - s) }
            let half = Rational(1, 2)
            if v.upper <= half { return RationalInterval(h(v.lower), h(v.upper)) }
            if v.lower >= half { return RationalInterval(h(v.upper), h(v.lower)) }
            return RationalInterval(Swift.min(h(v.lower), h(v.upper)), Rational(1, 4))
        case .tanh:
            // g(t) = 1 − t²: increasing below 0, decreasing above, max 1.
            func g(_ t: Rational) -> Rational { .one - t * t }
            if v.upper.sign <= 0 { return RationalInterval(g(v.lower), g(v.upper)) }
            if v.lower.sign >= 0 { return RationalInterval(g(v.upper), g(v.lower)) }
            return RationalInterval(Swift.min(g(v.lower), g(v.upper)), .one)
        }
    }
}
