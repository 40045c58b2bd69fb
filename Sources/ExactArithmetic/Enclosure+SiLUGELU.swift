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
