import CGMP
import CMPFR
import Glibc

// Building blocks for SiLU and GELU (issue 13): erf, and the inflection
// points, enclosed rigorously. Proofs: proofs/enclosures.md §8c.

extension Enclosure {
    /// Encloses `erf(x)` (increasing); the ends are multiples of `2^−bits`.
    public static func erf(_ x: RationalInterval, bits: Int = 80) -> RationalInterval {
        precondition(precisionRange.contains(bits), "Enclosure: precision \(bits) bits outside \(precisionRange)")
        return RationalInterval(
            unchecked: erfBound(x.lower, up: false, bits: bits).roundedDown(toBits: bits),
            erfBound(x.upper, up: true, bits: bits).roundedUp(toBits: bits))
    }

    /// A rational `≤ erf(a)` (not `up`) or `≥ erf(a)` (`up`): MPFR's `erf`
    /// rounded in that direction of the argument rounded in that direction
    /// (erf increases), clamped to `[−1, 1]`.
    static func erfBound(_ a: Rational, up: Bool, bits: Int) -> Rational {
        let rounding = up ? MPFR_RNDU : MPFR_RNDD
        let argument = MPFRNumber(precision: bits + 16)
        argument.set(a, rounding: rounding)
        let v = MPFRNumber(precision: bits)
        _ = mpfr_erf(v.x, argument.x, rounding)
        precondition(v.isFinite, "Enclosure: MPFR erf not finite")
        return min(max(v.exactValue, -1), .one)
    }

    /// The positive inflection point `r` of SiLU `x·σ(x)`, enclosed: an
    /// interval `[lo, hi]` of dyadic rationals with `lo < r < hi`, `hi − lo = 2^−39`.
    ///
    /// SiLU'' = σ'(x)·(2 − x·tanh(x/2)) (as `1 − 2σ(x) = −tanh(x/2)`), and
    /// `g(x) = 2 − x·tanh(x/2)` is even, with `x·tanh(x/2)` strictly increasing
    /// on `[0, ∞)` from 0 to ∞: so `g` has exactly the two roots `±r`, and the
    /// enclosure is proved by a sign change of `g`, checked with rigorous
    /// tanh enclosures (`g(lo) > 0 > g(hi)`); the floating-point root only says
    /// where to look. Traps if the check fails (it cannot, unless MPFR is wrong).
    public static let siluInflection: RationalInterval = {
        var a = 2.0, b = 3.0
        while true {
            let m = 0.5 * (a + b)
            if m <= a || m >= b { break }
            if 2 - m * Glibc.tanh(m / 2) > 0 { a = m } else { b = m }
        }
        let centre = Rational(exactly: a)!.roundedDown(toBits: 40)
        let lo = centre - Rational.one.timesPowerOfTwo(-40), hi = centre + Rational.one.timesPowerOfTwo(-40)
        // g(c) = 2 − c·tanh(c/2) for c > 0 lies in [2 − c·t.hi, 2 − c·t.lo] with t ∋ tanh(c/2).
        let tLo = tanh(RationalInterval(point: lo.timesPowerOfTwo(-1)), bits: 100)
        let tHi = tanh(RationalInterval(point: hi.timesPowerOfTwo(-1)), bits: 100)
        precondition(2 - lo * tLo.upper > .zero && 2 - hi * tHi.lower < .zero,
                     "Enclosure.siluInflection: no verified sign change")
        return RationalInterval(unchecked: lo, hi)
    }()

    /// `√2`, the positive inflection point of the exact GELU `x·Φ(x)`
    /// (GELU'' = φ(x)(2 − x²)), enclosed: dyadic `[lo, hi]` with
    /// `lo² < 2 < hi²` checked exactly, `hi − lo = 2^−49` (the binary64
    /// square root is within half an ulp, `2^−53`, of √2).
    public static let squareRootOfTwo: RationalInterval = {
        let d = Rational(exactly: 2.0.squareRoot())!
        let lo = d - Rational.one.timesPowerOfTwo(-50), hi = d + Rational.one.timesPowerOfTwo(-50)
        precondition(lo * lo < 2 && hi * hi > 2, "Enclosure.squareRootOfTwo: bounds fail")
        return RationalInterval(unchecked: lo, hi)
    }()
}
