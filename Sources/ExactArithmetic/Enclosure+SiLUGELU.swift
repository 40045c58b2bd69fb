import CGMP
import CMPFR
import Glibc
import Synchronization

// SiLU x·σ(x) and GELU x·Φ_c(x), Φ_c(x) = (1 + erf(x/c))/2, enclosed
// rigorously. Neither is monotone, and neither is its derivative, so ranges
// over an interval are not the values at its ends: they come from
// `piecewiseMonotoneRange`, which also looks inside enclosures of the turning
// points. Proofs: proofs/enclosures.md §8d.

extension Enclosure {
    /// The range of a function `f` over `x`, given enclosures `turns` of every
    /// point where `f` may change monotonicity (so `f` is monotone on each
    /// interval between them) and `naive`, an enclosure of `f` valid over
    /// ANY interval (tight on narrow ones): the hull of `naive` at both ends
    /// of `x` and over each turn's part inside `x` (proofs/enclosures.md §8d,
    /// Lemma E1).
    static func piecewiseMonotoneRange(
        _ x: RationalInterval, turns: [RationalInterval], naive: (RationalInterval) -> RationalInterval
    ) -> RationalInterval {
        let first = naive(RationalInterval(point: x.lower))
        var hull = x.lower == x.upper ? first : first.union(naive(RationalInterval(point: x.upper)))
        for t in turns {
            if let part = x.intersection(t) { hull = hull.union(naive(part)) }
        }
        return hull
    }

    /// `x / c` for an interval `c > 0`, exactly.
    static func divided(_ x: RationalInterval, by c: RationalInterval) -> RationalInterval {
        precondition(c.lower.sign > 0, "Enclosure: divisor must be positive")
        return x * RationalInterval(unchecked: c.upper.reciprocal, c.lower.reciprocal)
    }

    static func outward(_ v: RationalInterval, bits: Int) -> RationalInterval {
        RationalInterval(unchecked: v.lower.roundedDown(toBits: bits), v.upper.roundedUp(toBits: bits))
    }

    // MARK: - SiLU

    /// `X·σ(X)` by interval arithmetic: holds SiLU over any interval.
    static func siluNaive(_ x: RationalInterval, bits: Int) -> RationalInterval {
        x * sigmoid(x, bits: bits + 8)
    }

    /// `σ(X) + X·σ'(X)` by interval arithmetic: holds SiLU' over any interval.
    static func siluDerivativeNaive(_ x: RationalInterval, bits: Int) -> RationalInterval {
        sigmoid(x, bits: bits + 8) + x * sigmoidDerivative(x, bits: bits + 8)
    }

    /// Encloses SiLU `x·σ(x)` over `x` (the range, minimum included when `x`
    /// holds ``siluMinimum``); the ends are multiples of `2^−bits`.
    public static func silu(_ x: RationalInterval, bits: Int = 80) -> RationalInterval {
        outward(piecewiseMonotoneRange(x, turns: [siluMinimum]) { siluNaive($0, bits: bits) }, bits: bits)
    }

    /// Encloses SiLU' `σ(x)(1 + x(1 − σ(x)))` over `x`. SiLU' increases on
    /// `[−r, r]` and decreases outside (``siluInflection``), so its range is
    /// taken from the ends and the parts of `±r`'s enclosures inside `x`.
    public static func siluDerivative(_ x: RationalInterval, bits: Int = 80) -> RationalInterval {
        let r = siluInflection
        return outward(piecewiseMonotoneRange(x, turns: [-r, r]) { siluDerivativeNaive($0, bits: bits) }, bits: bits)
    }

    /// SiLU's minimum point `m ≈ −1.2785`, enclosed: dyadic `[lo, hi]`,
    /// `hi − lo = 2^−39`. SiLU' = σ(x)·h(x) with `h(x) = 1 + x·σ(−x)`, and
    /// `x·σ(−x)` strictly increases on `(−∞, 0]` from −∞ to 0 while `h > 0`
    /// on `[0, ∞)`, so `h` has one root; it is enclosed by a sign change
    /// checked with rigorous sigmoid enclosures (`h(lo) < 0 < h(hi)`).
    /// SiLU decreases on `(−∞, m]` and increases on `[m, ∞)`.
    public static let siluMinimum: RationalInterval = {
        func h(_ x: Double) -> Double { 1 + x / (1 + Glibc.exp(x)) }
        var a = -2.0, b = -1.0
        while true {
            let m = 0.5 * (a + b)
            if m <= a || m >= b { break }
            if h(m) < 0 { a = m } else { b = m }
        }
        let centre = Rational(exactly: a)!.roundedDown(toBits: 40)
        let lo = centre - Rational.one.timesPowerOfTwo(-40), hi = centre + Rational.one.timesPowerOfTwo(-40)
        // x < 0 and s ∋ σ(−x): h(x) = 1 + x·s ∈ [1 + x·s.upper, 1 + x·s.lower].
        let sLo = sigmoid(RationalInterval(point: -lo), bits: 100)
        let sHi = sigmoid(RationalInterval(point: -hi), bits: 100)
        precondition(.one + lo * sLo.lower < .zero && .one + hi * sHi.upper > .zero,
                     "Enclosure.siluMinimum: no verified sign change")
        return RationalInterval(unchecked: lo, hi)
    }()

    // MARK: - GELU

    /// `√2` bracketed to `2^−120`, for GELU's values (``squareRootOfTwo``'s
    /// `2^−49` would limit them to about that): MPFR's square root rounded
    /// down and up, truncated outward to 120 fractional bits, with
    /// `lo² < 2 < hi²` checked exactly.
    public static let narrowSquareRootOfTwo: RationalInterval = {
        func bound(up: Bool) -> Rational {
            let two = MPFRNumber(precision: 160), root = MPFRNumber(precision: 160)
            two.set(2, rounding: MPFR_RNDN)
            _ = mpfr_sqrt(root.x, two.x, up ? MPFR_RNDU : MPFR_RNDD)
            return up ? root.exactValue.roundedUp(toBits: 120) : root.exactValue.roundedDown(toBits: 120)
        }
        let lo = bound(up: false), hi = bound(up: true)
        precondition(lo * lo < 2 && hi * hi > 2, "Enclosure.narrowSquareRootOfTwo: bounds fail")
        return RationalInterval(unchecked: lo, hi)
    }()

    /// `1/√π`, enclosed: `[1/s⁺, 1/s⁻]` with `s⁻ ≤ √π ≤ s⁺` from MPFR's π and
    /// square root rounded down and up.
    static let reciprocalSquareRootOfPi: RationalInterval = {
        func bound(up: Bool) -> Rational {
            let rounding = up ? MPFR_RNDU : MPFR_RNDD
            let pi = MPFRNumber(precision: 128), root = MPFRNumber(precision: 128)
            _ = mpfr_const_pi(pi.x, rounding)
            _ = mpfr_sqrt(root.x, pi.x, rounding)
            return root.exactValue
        }
        let below = bound(up: false), above = bound(up: true)
        precondition(below.sign > 0 && below <= above, "Enclosure: √π bounds fail")
        return RationalInterval(unchecked: above.reciprocal.roundedDown(toBits: 120), below.reciprocal.roundedUp(toBits: 120))
    }()

    /// `Φ_c(X) = (1 + erf(X/c))/2` over any interval `X` (erf increases).
    static func geluPhi(_ x: RationalInterval, divisor c: RationalInterval, bits: Int) -> RationalInterval {
        let e = erf(divided(x, by: c), bits: bits + 8)
        return Rational(1, 2) * (e + RationalInterval(point: .one))
    }

    /// `φ_c(X) = e^(−X²/c²)/(c√π)` over any interval `X`: the derivative of `Φ_c`.
    static func geluDensity(_ x: RationalInterval, divisor c: RationalInterval, bits: Int) -> RationalInterval {
        let q = divided(x, by: c)
        let near: Rational = q.lower.sign <= 0 && q.upper.sign >= 0 ? .zero : min(q.lower.magnitude, q.upper.magnitude)
        let far = q.magnitude
        // −q² ∈ [−far², −near²]; exp increases.
        let e = exp(RationalInterval(unchecked: -(far * far), -(near * near)), bits: bits + 8)
        let inverseC = RationalInterval(unchecked: c.upper.reciprocal, c.lower.reciprocal)
        return e * inverseC * reciprocalSquareRootOfPi
    }

    /// `X·Φ_c(X)` by interval arithmetic: holds GELU over any interval.
    static func geluNaive(_ x: RationalInterval, divisor c: RationalInterval, bits: Int) -> RationalInterval {
        x * geluPhi(x, divisor: c, bits: bits)
    }

    /// `Φ_c(X) + X·φ_c(X)` by interval arithmetic: holds GELU' over any interval.
    static func geluDerivativeNaive(_ x: RationalInterval, divisor c: RationalInterval, bits: Int) -> RationalInterval {
        geluPhi(x, divisor: c, bits: bits) + x * geluDensity(x, divisor: c, bits: bits)
    }

    /// Encloses GELU `x·Φ_c(x)`, `Φ_c(x) = (1 + erf(x/c))/2`, over `x`, for a
    /// divisor `c > 0` known to lie in `divisor` (`c = √2`:
    /// ``squareRootOfTwo``, the exact GELU; a rational `c`: a point); the
    /// minimum is included when `x` holds ``geluMinimum(divisor:)``.
    public static func gelu(_ x: RationalInterval, divisor: RationalInterval, bits: Int = 80) -> RationalInterval {
        outward(piecewiseMonotoneRange(x, turns: [geluMinimum(divisor: divisor)]) {
            geluNaive($0, divisor: divisor, bits: bits)
        }, bits: bits)
    }

    /// Encloses GELU' `Φ_c(x) + x·φ_c(x)` over `x`. GELU'' = φ_c(x)·(2 − 2x²/c²),
    /// so GELU' increases on `[−c, c]` and decreases outside: its range is
    /// taken from the ends and the parts of `±c`'s enclosures inside `x`.
    public static func geluDerivative(_ x: RationalInterval, divisor: RationalInterval, bits: Int = 80) -> RationalInterval {
        outward(piecewiseMonotoneRange(x, turns: [-divisor, divisor]) {
            geluDerivativeNaive($0, divisor: divisor, bits: bits)
        }, bits: bits)
    }

    private static let geluMinima = Mutex<[RationalInterval: RationalInterval]>([:])

    /// GELU's minimum point `m ∈ (−c, 0)` (`≈ −0.7518` for `c = √2`),
    /// enclosed: dyadic `[lo, hi]`, `hi − lo = 2^−39`. GELU' tends to 0 at
    /// −∞ and decreases on `(−∞, −c]` (so is negative there), increases on
    /// `[−c, c]` (GELU'(0) = 1/2) and decreases on `[c, ∞)` towards 1: one
    /// root, enclosed by a sign change checked with rigorous enclosures of
    /// GELU' at `lo` and `hi`. Traps if the check fails. Memoised per divisor.
    public static func geluMinimum(divisor c: RationalInterval) -> RationalInterval {
        if let known = geluMinima.withLock({ $0[c] }) { return known }
        let cd = c.midpoint.nearestDouble
        func g(_ x: Double) -> Double {
            0.5 * (1 + Glibc.erf(x / cd)) + x * Glibc.exp(-(x / cd) * (x / cd)) / (cd * Double.pi.squareRoot())
        }
        var a = -cd, b = 0.0
        while true {
            let m = 0.5 * (a + b)
            if m <= a || m >= b { break }
            if g(m) < 0 { a = m } else { b = m }
        }
        let centre = Rational(exactly: a)!.roundedDown(toBits: 40)
        let lo = centre - Rational.one.timesPowerOfTwo(-40), hi = centre + Rational.one.timesPowerOfTwo(-40)
        precondition(geluDerivativeNaive(RationalInterval(point: lo), divisor: c, bits: 100).upper.sign < 0
                     && geluDerivativeNaive(RationalInterval(point: hi), divisor: c, bits: 100).lower.sign > 0,
                     "Enclosure.geluMinimum: no verified sign change")
        let result = RationalInterval(unchecked: lo, hi)
        geluMinima.withLock { $0[c] = result }
        return result
    }
}

// MARK: - GELU, tanh approximation

extension Enclosure {
    /// The tanh approximation's cubic coefficient, `0.044715` exactly (ONNX `Gelu`).
    public static let geluTanhCubic = Rational(44715, 1_000_000)

    /// `√(2/π)`, enclosed: MPFR's π rounded down and up bounds `2/π` exactly,
    /// whose square roots rounded outward bound `√(2/π)`; truncated outward
    /// to 120 fractional bits.
    public static let squareRootOfTwoOverPi: RationalInterval = {
        func pi(up: Bool) -> Rational {
            let v = MPFRNumber(precision: 160)
            _ = mpfr_const_pi(v.x, up ? MPFR_RNDU : MPFR_RNDD)
            return v.exactValue
        }
        func root(_ q: Rational, up: Bool) -> Rational {
            let rounding = up ? MPFR_RNDU : MPFR_RNDD
            let a = MPFRNumber(precision: 160), r = MPFRNumber(precision: 160)
            a.set(q, rounding: rounding)
            _ = mpfr_sqrt(r.x, a.x, rounding)
            return r.exactValue
        }
        let lo = root(2 / pi(up: true), up: false).roundedDown(toBits: 120)
        let hi = root(2 / pi(up: false), up: true).roundedUp(toBits: 120)
        precondition(lo.sign > 0 && lo < hi, "Enclosure.squareRootOfTwoOverPi: bounds fail")
        return RationalInterval(unchecked: lo, hi)
    }()

    /// True when `c > 0` and `k > 0` lie within a relative `2^−10` of the ONNX
    /// spec's `√(2/π)` and `0.044715`: the tanh-GELUs whose minimum and
    /// inflection point the bracketing below finds (any `c, k > 0` has exactly
    /// one of each, proofs/enclosures.md §8e; the brackets' floating-point
    /// search windows are what need the constants nearby).
    public static func isNearONNXGeluTanh(scale c: Rational, cubic k: Rational) -> Bool {
        let c0 = squareRootOfTwoOverPi.midpoint, tolerance = Rational.one.timesPowerOfTwo(-10)
        return c.sign > 0 && k.sign > 0 && (c - c0).magnitude <= tolerance * c0
            && (k - geluTanhCubic).magnitude <= tolerance * geluTanhCubic
    }

    /// `X²` exactly over an interval (0 when `X` holds 0).
    static func squared(_ x: RationalInterval) -> RationalInterval {
        let near: Rational = x.lower.sign <= 0 && x.upper.sign >= 0 ? .zero : min(x.lower.magnitude, x.upper.magnitude)
        let far = x.magnitude
        return RationalInterval(unchecked: near * near, far * far)
    }

    /// `u(X) = c(X + kX³)`, `u'(X) = c(1 + 3kX²)` over any interval, for every `c ∈ C`.
    static func geluTanhArgument(_ x: RationalInterval, scale c: RationalInterval, cubic k: Rational) -> (u: RationalInterval, du: RationalInterval) {
        let x2 = squared(x)
        let u = c * (x + k * (x2 * x))
        let du = c * (RationalInterval(point: .one) + (3 * k) * x2)
        return (u, du)
    }

    /// `X·(1 + tanh(u(X)))/2` by interval arithmetic: holds the tanh-GELU over any interval.
    static func geluTanhNaive(_ x: RationalInterval, scale c: RationalInterval, cubic k: Rational, bits: Int) -> RationalInterval {
        let t = tanh(geluTanhArgument(x, scale: c, cubic: k).u, bits: bits + 8)
        return x * (Rational(1, 2) * (t + RationalInterval(point: .one)))
    }

    /// `(1 + T)/2 + (X/2)(1 − T²)u'(X)`, `T = tanh(u(X))`, by interval
    /// arithmetic: holds the tanh-GELU's derivative over any interval.
    static func geluTanhDerivativeNaive(_ x: RationalInterval, scale c: RationalInterval, cubic k: Rational, bits: Int) -> RationalInterval {
        let (u, du) = geluTanhArgument(x, scale: c, cubic: k)
        let t = tanh(u, bits: bits + 8), dt = tanhDerivative(u, bits: bits + 8)
        return Rational(1, 2) * (t + RationalInterval(point: .one)) + Rational(1, 2) * (x * dt * du)
    }

    /// `q(X) = 4u' + 2Xu'' − 4Xu'²·tanh(u)` over any interval: the tanh-GELU's
    /// `f'' = σ'(2u)·q` (`u'' = 6ckX`).
    static func geluTanhCurvatureNaive(_ x: RationalInterval, scale c: RationalInterval, cubic k: Rational, bits: Int) -> RationalInterval {
        let (u, du) = geluTanhArgument(x, scale: c, cubic: k)
        let d2u = (6 * k) * (c * x)
        let t = tanh(u, bits: bits + 8)
        return 4 * du + 2 * (x * d2u) - 4 * (x * (du * du) * t)
    }

    /// Encloses the tanh approximation of GELU, `x·(1 + tanh(c(x + kx³)))/2`,
    /// over `x`, for every `c ∈ scale` (default: ``squareRootOfTwoOverPi``,
    /// the ONNX spec's `√(2/π)`; a point for a file's rational `c`) and the
    /// exact `k = cubic` (default 0.044715), constants with
    /// ``isNearONNXGeluTanh(scale:cubic:)``; its minimum is included when `x`
    /// holds ``geluTanhMinimum(scale:cubic:)``.
    public static func geluTanh(
        _ x: RationalInterval, scale: RationalInterval = squareRootOfTwoOverPi, cubic: Rational = geluTanhCubic, bits: Int = 80
    ) -> RationalInterval {
        outward(piecewiseMonotoneRange(x, turns: [geluTanhMinimum(scale: scale, cubic: cubic)]) {
            geluTanhNaive($0, scale: scale, cubic: cubic, bits: bits)
        }, bits: bits)
    }

    /// Encloses the tanh-GELU's derivative over `x` (constants as in
    /// ``geluTanh(_:scale:cubic:bits:)``): it increases on `[−r, r]`
    /// (``geluTanhInflection(scale:cubic:)``) and decreases outside.
    public static func geluTanhDerivative(
        _ x: RationalInterval, scale: RationalInterval = squareRootOfTwoOverPi, cubic: Rational = geluTanhCubic, bits: Int = 80
    ) -> RationalInterval {
        let r = geluTanhInflection(scale: scale, cubic: cubic)
        return outward(piecewiseMonotoneRange(x, turns: [-r, r]) {
            geluTanhDerivativeNaive($0, scale: scale, cubic: cubic, bits: bits)
        }, bits: bits)
    }

    /// Bisection for a sign change of `g` on `[a, b]` (`g(a)` of one sign),
    /// and the `2^−39`-wide dyadic interval around it.
    private static func bracket(_ g: (Double) -> Double, _ a: Double, _ b: Double) -> (Rational, Rational) {
        var a = a, b = b
        let left = g(a) < 0
        while true {
            let m = 0.5 * (a + b)
            if m <= a || m >= b { break }
            if (g(m) < 0) == left { a = m } else { b = m }
        }
        let centre = Rational(exactly: a)!.roundedDown(toBits: 40)
        return (centre - Rational.one.timesPowerOfTwo(-40), centre + Rational.one.timesPowerOfTwo(-40))
    }

    private struct GeluTanhKey: Hashable {
        let scale: RationalInterval
        let cubic: Rational
    }

    private static let geluTanhMinima = Mutex<[GeluTanhKey: RationalInterval]>([:])
    private static let geluTanhInflections = Mutex<[GeluTanhKey: RationalInterval]>([:])

    /// The tanh-GELU's minimum point for the spec's constants (`≈ −0.7522`).
    public static var geluTanhMinimum: RationalInterval { geluTanhMinimum(scale: squareRootOfTwoOverPi, cubic: geluTanhCubic) }

    /// The tanh-GELU's positive inflection point for the spec's constants (`≈ 1.4`).
    public static var geluTanhInflection: RationalInterval { geluTanhInflection(scale: squareRootOfTwoOverPi, cubic: geluTanhCubic) }

    /// The tanh-GELU's minimum point (`≈ −0.7522`), enclosed by a verified sign
    /// change of f' (negative at `lo`, positive at `hi`, 100-bit enclosures
    /// valid for every `c ∈ scale`). f' = σ(2u)·h with
    /// `h = 1 + 2x·σ(−2u)·u'`, and on `(−∞, 0]` the three factors `|x|`,
    /// `σ(−2u)`, `u'` are positive and nonincreasing in `x` (`|x|` strictly), so
    /// `h` strictly increases there from −∞ to 1, while `h > 1` on `(0, ∞)`:
    /// one root for any `c, k > 0` (proofs/enclosures.md §8e). Traps if the
    /// check fails; memoised per constants.
    public static func geluTanhMinimum(scale: RationalInterval, cubic: Rational) -> RationalInterval {
        let key = GeluTanhKey(scale: scale, cubic: cubic)
        if let known = geluTanhMinima.withLock({ $0[key] }) { return known }
        precondition(scale.lower.sign > 0 && cubic.sign > 0, "Enclosure.geluTanhMinimum: constants must be positive")
        let c = scale.midpoint.nearestDouble, k = cubic.nearestDouble
        func df(_ x: Double) -> Double {
            let u = c * (x + k * x * x * x), t = Glibc.tanh(u)
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * k * x * x)
        }
        let (lo, hi) = bracket(df, -1.5, 0)
        precondition(geluTanhDerivativeNaive(RationalInterval(point: lo), scale: scale, cubic: cubic, bits: 100).upper.sign < 0
                     && geluTanhDerivativeNaive(RationalInterval(point: hi), scale: scale, cubic: cubic, bits: 100).lower.sign > 0,
                     "Enclosure.geluTanhMinimum: no verified sign change")
        let result = RationalInterval(unchecked: lo, hi)
        geluTanhMinima.withLock { $0[key] = result }
        return result
    }

    /// The tanh-GELU's positive inflection point `r` (`≈ 1.4`), enclosed by a
    /// verified sign change of `q` (f'' = σ'(2u)·q, q even, and for `x > 0`
    /// `q < 0` exactly when `R(x) = c·x·(1 + 3kx²)²·tanh(u)/(1 + 6kx²) > 1`,
    /// `R` strictly increasing from 0 to ∞: one positive root for any
    /// `c, k > 0`; proofs/enclosures.md §8e). Traps if the check fails;
    /// memoised per constants.
    public static func geluTanhInflection(scale: RationalInterval, cubic: Rational) -> RationalInterval {
        let key = GeluTanhKey(scale: scale, cubic: cubic)
        if let known = geluTanhInflections.withLock({ $0[key] }) { return known }
        precondition(scale.lower.sign > 0 && cubic.sign > 0, "Enclosure.geluTanhInflection: constants must be positive")
        let c = scale.midpoint.nearestDouble, k = cubic.nearestDouble
        func q(_ x: Double) -> Double {
            let u = c * (x + k * x * x * x), du = c * (1 + 3 * k * x * x)
            return 4 * du + 2 * x * 6 * c * k * x - 4 * x * du * du * Glibc.tanh(u)
        }
        let (lo, hi) = bracket(q, 0.5, 3)
        precondition(geluTanhCurvatureNaive(RationalInterval(point: lo), scale: scale, cubic: cubic, bits: 100).lower.sign > 0
                     && geluTanhCurvatureNaive(RationalInterval(point: hi), scale: scale, cubic: cubic, bits: 100).upper.sign < 0,
                     "Enclosure.geluTanhInflection: no verified sign change")
        let result = RationalInterval(unchecked: lo, hi)
        geluTanhInflections.withLock { $0[key] = result }
        return result
    }
}
