import ExactArithmetic
import Foundation
import NeuralNetwork

/// An activation that is smooth (or, for ELU with `α ≠ 1`, smooth but for a
/// kink at 0) and is replaced by a piecewise-linear fit in the linearized
/// network.
///
/// What the fits and the error cells use is described generally
/// (proofs/activation-error.md, §1 and §7): the points where the curvature
/// changes (``curvatureChanges``, exact rationals), whether the function is
/// convex or concave between them (``curvature(from:to:)``), the asymptotic
/// line at each end (``lowerAsymptoteLine``, ``upperAsymptoteLine``), and
/// rigorous enclosures of the values and the derivative.
///
/// - sigmoid and tanh: increasing, point-symmetric about `(0, σ(0))`
///   (`σ(−x) = 2σ(0) − σ(x)`), convex on `(−∞, 0]` and concave on `[0, ∞)`,
///   with horizontal asymptotes (Lemma 1).
/// - softplus: increasing and convex on ℝ, asymptotes `y = 0` at −∞ and
///   `y = x` at +∞ (Lemma 7).
/// - ELU with `α > 0`: increasing, convex on `(−∞, 0]`, linear on `[0, ∞)`,
///   asymptotes `y = −α` at −∞ and `y = x` (exactly, for `x ≥ 0`); convex on
///   ℝ when `α ≤ 1`, not when `α > 1`, so 0 is always a curvature change
///   point and never straddled by an error cell (Lemma 8).
/// - ELU with `α < 0`: not monotone — decreasing and concave on `(−∞, 0]`
///   (from `−α > 0` at −∞ to 0), linear on `[0, ∞)`, with its minimum 0 at the
///   kink 0; asymptotes `y = −α` and `y = x` (Lemma 8′).
/// - SiLU `x·σ(x)`, GELU `x·(1 + erf(x/c))/2` (`c = √2`: the exact GELU) and
///   GELU's tanh approximation:
///   not monotone (one minimum, enclosed), convex between their two
///   inflection points `±r` and concave outside, asymptotes `y = 0` at −∞ and
///   `y = x` at +∞ (Lemmas 10–11). The inflection points are irrational (for
///   GELU with a rational `c`, they are `±c`), so they are enclosed by exact
///   rational intervals (``inflectionZones``): the ends of each zone are
///   curvature change points, and a cell inside a zone has no known curvature
///   (a mean-value bound, Lemma 9).
public enum SmoothActivation: Sendable, Hashable, CustomStringConvertible {
    /// `σ(x) = 1 / (1 + e^−x)`.
    case sigmoid
    /// `tanh(x)`.
    case tanh
    /// `log(1 + e^x)`.
    case softplus
    /// `x` for `x ≥ 0`, `α(e^x − 1)` below; `alpha ≠ 0` (`α = 0` is ReLU,
    /// piecewise linear; `α < 0` is not monotone).
    case elu(alpha: Rational)
    /// SiLU (Swish) `x·σ(x)`.
    case silu
    /// GELU `x·(1 + erf(x/c))/2` with `c = divisor`; `c = √2` (the exact
    /// GELU `x·Φ(x)`) when `divisor` is nil. `divisor > 0`.
    case gelu(divisor: Rational?)
    /// GELU's tanh approximation `x·(1 + tanh(c(x + kx³)))/2`: the ONNX
    /// spec's `c = √(2/π)`, `k = 0.044715` when `constants` is nil, else a
    /// file's exact rationals.
    case geluTanh(constants: GeluTanhConstants?)

    /// The smooth activation of a layer; nil for piecewise-linear ones.
    public init?(_ activation: Activation) {
        switch activation {
        case .sigmoid: self = .sigmoid
        case .tanh: self = .tanh
        case .softplus: self = .softplus
        case .elu(let alpha): self = .elu(alpha: alpha)
        case .silu: self = .silu
        case .gelu(let divisor): self = .gelu(divisor: divisor)
        case .geluTanh(let constants): self = .geluTanh(constants: constants)
        default: return nil
        }
    }

    /// The bounded, point-symmetric S-shaped functions (sigmoid and tanh),
    /// whose fits are symmetric.
    public static let sigmoidal: [SmoothActivation] = [.sigmoid, .tanh]

    /// One of each kind, ELU with `α` below, at and above 1 and negative
    /// (tests and benchmarks).
    public static let examples: [SmoothActivation] = [
        .sigmoid, .tanh, .softplus, .elu(alpha: Rational(1, 2)), .elu(alpha: .one), .elu(alpha: 2), .elu(alpha: Rational(-1, 2)),
        .silu, .gelu(divisor: nil), .geluTanh(constants: nil),
    ]

    /// The activations that are not monotone: SiLU and both GELUs (which
    /// change curvature at two enclosed inflection points) and ELU with
    /// `α < 0` (decreasing on `(−∞, 0]`, its kink at 0 the only change point).
    public var isNonMonotone: Bool {
        switch self {
        case .silu, .gelu, .geluTanh: true
        case .elu(let alpha): alpha.sign < 0
        default: false
        }
    }

    /// True for sigmoid and tanh.
    public var isSigmoidal: Bool {
        switch self {
        case .sigmoid, .tanh: true
        case .softplus, .elu, .silu, .gelu, .geluTanh: false
        }
    }

    /// The activation's name as in models and certificates (`elu` for every `α`).
    public var name: String {
        switch self {
        case .sigmoid: "sigmoid"
        case .tanh: "tanh"
        case .softplus: "softplus"
        case .elu: "elu"
        case .silu: "silu"
        case .gelu: "gelu"
        case .geluTanh: "gelu-tanh"
        }
    }

    /// The name, with `α` for ELU, a rational divisor for GELU and a file's
    /// constants for the tanh form: `elu(alpha 1/2)`, `gelu(divisor 3/2)`,
    /// `gelu-tanh(scale c, cubic k)`.
    public var description: String {
        if case .elu(let alpha) = self { return "elu(alpha \(alpha))" }
        if case .gelu(let divisor?) = self { return "gelu(divisor \(divisor))" }
        if case .geluTanh(let constants?) = self { return "gelu-tanh(\(constants))" }
        return name
    }

    /// GELU's divisor `c`, enclosed: a point for a rational `c`,
    /// ``Enclosure/narrowSquareRootOfTwo`` for `√2`.
    var geluDivisor: RationalInterval {
        if case .gelu(let divisor?) = self { return RationalInterval(point: divisor) }
        return Enclosure.narrowSquareRootOfTwo
    }

    /// The tanh-GELU's `c`, enclosed (a point for a file's rational `c`,
    /// ``Enclosure/squareRootOfTwoOverPi`` for `√(2/π)`), and its exact `k`.
    var geluTanhConstants: (scale: RationalInterval, cubic: Rational) {
        if case .geluTanh(let constants?) = self { return (RationalInterval(point: constants.scale), constants.cubic) }
        return (Enclosure.squareRootOfTwoOverPi, Enclosure.geluTanhCubic)
    }

    /// SiLU and GELU: exact rational intervals holding the inflection points
    /// `−r` and `r` (`r` = ``Enclosure/siluInflection`` for SiLU, the divisor
    /// `c` for GELU, a point when `c` is rational), in increasing order;
    /// empty for the other activations. The function is convex on
    /// `[−r, r]` and concave outside (proofs/activation-error.md, Lemmas 10–11).
    public var inflectionZones: [RationalInterval] {
        switch self {
        case .silu: [-Enclosure.siluInflection, Enclosure.siluInflection]
        case .gelu: [-geluDivisor, geluDivisor]
        case .geluTanh:
            { let (c, k) = geluTanhConstants, r = Enclosure.geluTanhInflection(scale: c, cubic: k); return [-r, r] }()
        default: []
        }
    }

    /// Whether the function is convex or concave on an interval.
    public enum Curvature: Sendable, Hashable {
        /// `f'' ≥ 0` (in the sense of an increasing one-sided derivative).
        case convex
        /// `f'' ≤ 0`.
        case concave
    }

    /// The points where the curvature changes (inflection points and kinks),
    /// increasing; exact rationals. Every fit's error cell lies between two
    /// consecutive ones.
    public var curvatureChanges: [Rational] {
        switch self {
        case .sigmoid, .tanh, .elu: [.zero]
        case .softplus: []
        case .silu, .gelu, .geluTanh:
            // Both ends of each zone (one point for a point zone).
            inflectionZones.flatMap { $0.lower == $0.upper ? [$0.lower] : [$0.lower, $0.upper] }
        }
    }

    /// The curvature on `[a, b]`, an interval holding no curvature change
    /// point strictly inside; nil when it does (then only mean-value bounds
    /// apply), and nil on a cell inside an inflection zone, where the
    /// curvature is not known. Proofs: proofs/activation-error.md, Lemmas 1,
    /// 7, 8, 10, 11.
    public func curvature(from a: Rational, to b: Rational) -> Curvature? {
        if curvatureChanges.contains(where: { a < $0 && $0 < b }) { return nil }
        switch self {
        case .silu, .gelu, .geluTanh:
            // No zone end strictly inside [a, b]: the cell is inside a zone,
            // or wholly inside (−r, r) (convex), or wholly outside (concave).
            let zones = inflectionZones, positive = zones[1]
            if zones.contains(where: { $0.lower <= a && b <= $0.upper && $0.lower < $0.upper }) { return nil }
            let middle = (a + b).timesPowerOfTwo(-1)
            return -positive.lower <= middle && middle <= positive.lower ? .convex : .concave
        case .sigmoid, .tanh: return b.sign <= 0 ? .convex : .concave
        case .softplus: return .convex
        case .elu(let alpha):
            // On (−∞, 0], f'' = αe^x: convex for α > 0, concave for α < 0 (Lemmas 8, 8′);
            // linear (so both) on [0, ∞).
            return b.sign <= 0 && alpha.sign < 0 ? .concave : .convex
        }
    }

    /// The line `y = slope·x + intercept` that `f` approaches at −∞ (`f` minus
    /// the line tends to 0).
    public var lowerAsymptoteLine: PiecewiseLinearFunction.Line {
        PiecewiseLinearFunction.Line(slope: .zero, intercept: lowerAsymptote)
    }

    /// The line `f` approaches at +∞: `y = 1` for sigmoid and tanh, `y = x`
    /// for softplus, ELU, SiLU and GELU.
    public var upperAsymptoteLine: PiecewiseLinearFunction.Line {
        isSigmoidal ? PiecewiseLinearFunction.Line(slope: .zero, intercept: upperAsymptote)
            : PiecewiseLinearFunction.Line(slope: .one, intercept: .zero)
    }

    /// The fewest pieces a fit can have: 3 (a continuous function with bounded
    /// error on ℝ must be constant on both tails, and a continuous function
    /// made of two constants is constant — the paper's two-asymptote "hard σ"
    /// is a discontinuous step, so the first tangent makes `n = 3`).
    ///
    /// Softplus: 2 (`max(0, x)`, its two asymptotes). ELU: 3 (the lower
    /// asymptote, a line through the origin, and `y = x`; 0 is a breakpoint
    /// of every ELU fit). SiLU and GELU: 2 (`max(0, x)`).
    public var minimumPieces: Int {
        switch self {
        case .sigmoid, .tanh, .elu: 3
        case .softplus, .silu, .gelu, .geluTanh: 2
        }
    }

    /// The value in floating point (search and display only).
    public func callAsFunction(_ x: Double) -> Double {
        switch self {
        case .sigmoid: x >= 0 ? 1 / (1 + Foundation.exp(-x)) : Foundation.exp(x) / (1 + Foundation.exp(x))
        case .tanh: Foundation.tanh(x)
        case .softplus: Activation.softplus.callAsFunction(x)
        case .elu(let alpha): Activation.elu(alpha: alpha).callAsFunction(x)
        case .silu: Activation.silu.callAsFunction(x)
        case .gelu(let divisor): Activation.gelu(divisor: divisor).callAsFunction(x)
        case .geluTanh(let constants): Activation.geluTanh(constants: constants).callAsFunction(x)
        }
    }

    /// The derivative in floating point (search only; for ELU at 0 the
    /// left derivative `α`).
    public func derivative(_ x: Double) -> Double {
        switch self {
        case .sigmoid:
            let e = Foundation.exp(-Swift.abs(x))
            return e / ((1 + e) * (1 + e))
        case .tanh:
            let t = Foundation.tanh(x)
            return (1 - t) * (1 + t)
        case .softplus:
            return Activation.softplus.derivative(x)
        case .elu(let alpha):
            return x > 0 ? 1 : alpha.nearestDouble * Foundation.exp(x)
        case .silu:
            return Activation.silu.derivative(x)
        case .gelu(let divisor):
            return Activation.gelu(divisor: divisor).derivative(x)
        case .geluTanh(let constants):
            return Activation.geluTanh(constants: constants).derivative(x)
        }
    }

    /// A rigorous enclosure of the function over `x`: `lo ≤ σ(z) ≤ hi` for
    /// every real `z ∈ x` (via ``Enclosure``).
    public func enclosure(_ x: RationalInterval, bits: Int = 80) -> RationalInterval {
        switch self {
        case .sigmoid: Enclosure.sigmoid(x, bits: bits)
        case .tanh: Enclosure.tanh(x, bits: bits)
        case .softplus: Enclosure.softplus(x, bits: bits)
        case .elu(let alpha): Enclosure.elu(x, alpha: alpha, bits: bits)
        case .silu: Enclosure.silu(x, bits: bits)
        case .gelu: Enclosure.gelu(x, divisor: geluDivisor, bits: bits)
        case .geluTanh: Enclosure.geluTanh(x, scale: geluTanhConstants.scale, cubic: geluTanhConstants.cubic, bits: bits)
        }
    }

    /// A rigorous enclosure of the derivative over `x` (via ``Enclosure``);
    /// for ELU, an `x` holding 0 gets both one-sided derivatives at 0.
    public func derivativeEnclosure(_ x: RationalInterval, bits: Int = 80) -> RationalInterval {
        switch self {
        case .sigmoid: Enclosure.sigmoidDerivative(x, bits: bits)
        case .tanh: Enclosure.tanhDerivative(x, bits: bits)
        case .softplus: Enclosure.softplusDerivative(x, bits: bits)
        case .elu(let alpha): Enclosure.eluDerivative(x, alpha: alpha, bits: bits)
        case .silu: Enclosure.siluDerivative(x, bits: bits)
        case .gelu: Enclosure.geluDerivative(x, divisor: geluDivisor, bits: bits)
        case .geluTanh: Enclosure.geluTanhDerivative(x, scale: geluTanhConstants.scale, cubic: geluTanhConstants.cubic, bits: bits)
        }
    }

    /// The global Lipschitz constant `sup |σ'|`: 1/4 for sigmoid, 1 for tanh
    /// and softplus, `max(|α|, 1)` for ELU; for SiLU and GELU an upper bound
    /// on `f'(r)` (`f'` is largest at the inflection point `r`, and
    /// `f'(−x) = 1 − f'(x)`, so `|f'| ≤ f'(r)`; Lemmas 10–11).
    public var lipschitz: Rational {
        switch self {
        case .sigmoid: Rational(1, 4)
        case .tanh, .softplus: .one
        case .elu(let alpha): max(alpha.magnitude, .one)
        case .silu, .gelu, .geluTanh: derivativeEnclosure(inflectionZones[1]).upper
        }
    }

    /// `lim σ(x)` as `x → −∞`: 0 for sigmoid and softplus, −1 for tanh, −α for ELU.
    public var lowerAsymptote: Rational {
        switch self {
        case .sigmoid, .softplus, .silu, .gelu, .geluTanh: .zero
        case .tanh: -1
        case .elu(let alpha): -alpha
        }
    }

    /// `lim σ(x)` as `x → +∞` for sigmoid and tanh: 1 (softplus and ELU are
    /// unbounded; see ``upperAsymptoteLine``).
    public var upperAsymptote: Rational { .one }

    /// `σ(0)`, exactly: 1/2 for sigmoid, 0 for tanh and ELU; nil for softplus
    /// (`log 2` is irrational).
    public var exactValueAtZero: Rational? {
        switch self {
        case .sigmoid: Rational(1, 2)
        case .tanh, .elu, .silu, .gelu, .geluTanh: .zero
        case .softplus: nil
        }
    }

    /// `σ(0)` for sigmoid and tanh, the centre of symmetry's height: 1/2 for
    /// sigmoid, 0 for tanh.
    public var valueAtZero: Rational { exactValueAtZero ?? .zero }

    /// Encloses `σ'(z)` at the point `z` given an enclosure `v` of `σ(z)`
    /// (for ELU at 0: both one-sided derivatives).
    package func pointDerivative(at z: Rational, value v: RationalInterval) -> RationalInterval {
        isSigmoidal ? derivative(fromValue: v) : derivativeEnclosure(RationalInterval(point: z))
    }

    /// Encloses `σ'(z)` from an enclosure `v` of `σ(z)` at one point, using
    /// `σ' = σ(1 − σ)` and `tanh' = 1 − tanh²` (proofs/activation-error.md,
    /// Lemma 1) and the exact range of those quadratics over `v`. Sigmoid
    /// and tanh only (traps otherwise: use ``pointDerivative(at:value:)``).
    package func derivative(fromValue v: RationalInterval) -> RationalInterval {
        switch self {
        case .softplus, .elu, .silu, .gelu, .geluTanh:
            preconditionFailure("derivative(fromValue:) is for sigmoid and tanh")
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
