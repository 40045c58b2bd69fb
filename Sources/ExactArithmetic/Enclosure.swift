import CGMP
import CMPFR

/// Rigorous rational enclosures of transcendental functions. Every result
/// `[lo, hi]` satisfies `lo ≤ f(x) ≤ hi` for EVERY real `x` in the argument
/// interval.
///
/// The only floating-point step is MPFR's `exp` with directed rounding (on
/// an argument rounded in the safe direction first); everything else is
/// exact rational arithmetic. `bits` is MPFR's working precision and the
/// number of fractional bits kept in the (outward-rounded, dyadic) results
/// of `sigmoid`, `tanh` and the derivatives; `exp` returns MPFR's dyadic
/// values themselves. Proofs: `proofs/enclosures.md`.
///
/// Arguments beyond ±``argumentLimit`` are clamped soundly (monotonicity),
/// so `sigmoid` and `tanh` accept any rational; `exp` traps when the upper
/// end exceeds ``argumentLimit`` because no small finite upper bound exists.
public enum Enclosure {
    /// `L = 10000`: exponentials are evaluated only on `[-L, L]`; beyond it
    /// bounds use monotonicity (e^L ≈ 2^14427 still has a modest size).
    public static let argumentLimit = Rational(10_000)

    /// The working precisions accepted, in bits.
    public static let precisionRange = 2...(1 << 20)

    /// Encloses `e^x`. The lower end is `0` when `x.lower < −argumentLimit`,
    /// the upper end is `e^(−argumentLimit)` rounded up when
    /// `x.upper < −argumentLimit`. Traps (precondition) when
    /// `x.upper > argumentLimit`: check against ``argumentLimit`` first.
    public static func exp(_ x: RationalInterval, bits: Int = 80) -> RationalInterval {
        checkPrecision(bits)
        guard let upper = expUp(x.upper, bits: bits) else {
            preconditionFailure(
                "Enclosure.exp: argument \(x.upper.nearestDouble) exceeds argumentLimit \(argumentLimit); e^x has no small upper bound")
        }
        return RationalInterval(unchecked: expDown(x.lower, bits: bits), upper)
    }

    /// Encloses the logistic sigmoid `σ(x) = 1/(1+e^−x)`; the ends are
    /// multiples of `2^−bits`.
    public static func sigmoid(_ x: RationalInterval, bits: Int = 80) -> RationalInterval {
        checkPrecision(bits)
        return RationalInterval(
            unchecked: sigmoidBound(x.lower, up: false, fractionalBits: bits, bits: bits),
            sigmoidBound(x.upper, up: true, fractionalBits: bits, bits: bits))
    }

    /// Encloses `tanh(x) = 2σ(2x) − 1`; the ends are multiples of `2^−bits`.
    public static func tanh(_ x: RationalInterval, bits: Int = 80) -> RationalInterval {
        checkPrecision(bits)
        return RationalInterval(
            unchecked: tanhBound(x.lower, up: false, fractionalBits: bits, bits: bits),
            tanhBound(x.upper, up: true, fractionalBits: bits, bits: bits))
    }

    /// Encloses `σ'(x) = σ(x)(1−σ(x))` over the interval. σ' is even and
    /// decreasing in `|x|`, so its range is `[σ'(max|x|), σ'(min|x|)]`,
    /// with the maximum `1/4` exactly when the interval contains 0.
    public static func sigmoidDerivative(_ x: RationalInterval, bits: Int = 80) -> RationalInterval {
        checkPrecision(bits)
        let (near, far) = absoluteRange(x)
        let quarter = Rational(1, 4), guardBits = bits + 8
        // h(s) = s(1 − s) decreases on [1/2, ∞); σ(t) ≥ 1/2 for t ≥ 0.
        func h(_ s: Rational) -> Rational { s * (.one - s) }
        let upper: Rational
        if near.isZero {
            upper = quarter
        } else {
            let s = sigmoidBound(near, up: false, fractionalBits: guardBits, bits: bits)
            upper = min(h(max(s, Rational(1, 2))), quarter)  // 1/2 ≤ max(s, 1/2) ≤ σ(near)
        }
        let s = sigmoidBound(far, up: true, fractionalBits: guardBits, bits: bits)  // σ(far) ≤ s
        let lower = max(h(s), .zero)
        return RationalInterval(unchecked: lower.roundedDown(toBits: bits), upper.roundedUp(toBits: bits))
    }

    /// Encloses `tanh'(x) = 1 − tanh²(x)` over the interval. tanh' is even
    /// and decreasing in `|x|`, so its range is `[tanh'(max|x|), tanh'(min|x|)]`,
    /// with the maximum `1` exactly when the interval contains 0.
    public static func tanhDerivative(_ x: RationalInterval, bits: Int = 80) -> RationalInterval {
        checkPrecision(bits)
        let (near, far) = absoluteRange(x)
        let guardBits = bits + 8
        // g(τ) = 1 − τ² decreases on [0, ∞); tanh(t) ≥ 0 for t ≥ 0.
        func g(_ t: Rational) -> Rational { .one - t * t }
        let upper: Rational
        if near.isZero {
            upper = .one
        } else {
            let t = tanhBound(near, up: false, fractionalBits: guardBits, bits: bits)
            upper = min(g(max(t, .zero)), .one)  // 0 ≤ max(t, 0) ≤ tanh(near)
        }
        let t = tanhBound(far, up: true, fractionalBits: guardBits, bits: bits)  // tanh(far) ≤ t
        let lower = max(g(t), .zero)
        return RationalInterval(unchecked: lower.roundedDown(toBits: bits), upper.roundedUp(toBits: bits))
    }

    /// Encloses softplus `log(1 + e^x)`; the ends are multiples of `2^−bits`.
    /// Softplus is increasing, so the ends come from the ends of `x`
    /// (proofs/enclosures.md, softplus).
    public static func softplus(_ x: RationalInterval, bits: Int = 80) -> RationalInterval {
        checkPrecision(bits)
        return RationalInterval(
            unchecked: softplusBound(x.lower, up: false, bits: bits).roundedDown(toBits: bits),
            softplusBound(x.upper, up: true, bits: bits).roundedUp(toBits: bits))
    }

    /// Encloses softplus' derivative, the logistic sigmoid (increasing).
    public static func softplusDerivative(_ x: RationalInterval, bits: Int = 80) -> RationalInterval {
        sigmoid(x, bits: bits)
    }

    /// Encloses `ELU_α(x)`: `x` for `x ≥ 0`, `α(e^x − 1)` below, for `α ≠ 0`;
    /// the ends are multiples of `2^−bits`. For `α > 0` ELU is increasing, so
    /// the ends come from the ends of `x`; for `α < 0` it decreases on
    /// `(−∞, 0]` (from `−α` towards 0) and increases on `[0, ∞)`, so its
    /// minimum 0 is at 0 and the maximum at an end (proofs/enclosures.md, ELU).
    public static func elu(_ x: RationalInterval, alpha: Rational, bits: Int = 80) -> RationalInterval {
        checkPrecision(bits)
        precondition(!alpha.isZero, "Enclosure.elu: alpha must not be 0 (ELU with α = 0 is ReLU)")
        // A rational ≥ ELU(a) (`up`) or ≤ ELU(a) at the point a.
        func bound(_ a: Rational, up: Bool) -> Rational {
            if a.sign >= 0 { return a }
            // a < 0 ≤ argumentLimit, so expUp exists; e^a ∈ [expDown, expUp], and
            // α(e − 1) is increasing in e for α > 0, decreasing for α < 0.
            let e = up == (alpha.sign > 0) ? expUp(a, bits: bits)! : expDown(a, bits: bits)
            return alpha * (e - .one)
        }
        if alpha.sign > 0 || x.lower.sign >= 0 {
            // Increasing on x: the ends.
            return RationalInterval(
                unchecked: bound(x.lower, up: false).roundedDown(toBits: bits),
                bound(x.upper, up: true).roundedUp(toBits: bits))
        }
        if x.upper.sign <= 0 {
            // α < 0 and x ⊆ (−∞, 0]: decreasing, so [ELU(x.upper), ELU(x.lower)].
            return RationalInterval(
                unchecked: bound(x.upper, up: false).roundedDown(toBits: bits),
                bound(x.lower, up: true).roundedUp(toBits: bits))
        }
        // α < 0 and x.lower < 0 < x.upper: the minimum ELU(0) = 0, the maximum at an end.
        return RationalInterval(
            unchecked: .zero, max(bound(x.lower, up: true), x.upper).roundedUp(toBits: bits))
    }

    /// Encloses the derivative of `ELU_α` over `x` (`α ≠ 0`): `αe^z` for
    /// `z < 0`, 1 for `z > 0`, and at 0 both one-sided derivatives `α` and 1
    /// (so the result holds every Clarke gradient, which is what mean-value
    /// arguments over an interval holding the kink need; proofs/enclosures.md, ELU).
    public static func eluDerivative(_ x: RationalInterval, alpha: Rational, bits: Int = 80) -> RationalInterval {
        checkPrecision(bits)
        precondition(!alpha.isZero, "Enclosure.elu: alpha must not be 0 (ELU with α = 0 is ReLU)")
        var lower: Rational? = nil, upper: Rational? = nil
        func include(_ lo: Rational, _ hi: Rational) {
            lower = min(lower ?? lo, lo)
            upper = max(upper ?? hi, hi)
        }
        if x.lower.sign <= 0 {
            // αe^z is monotone on (−∞, 0]: its range over [x.lower, min(x.upper, 0)] lies
            // between α·e^x.lower and α·e^top, each bounded by e^z's enclosure times α.
            let top = min(x.upper, .zero)
            let a = alpha * expDown(x.lower, bits: bits), b = alpha * expUp(top, bits: bits)!
            // α > 0: increasing, [α·e⁻(lo), α·e⁺(top)]; α < 0: decreasing, and
            // multiplying by α flips the bounds: [α·e⁺(top), α·e⁻(lo)].
            if alpha.sign > 0 { include(a, b) } else { include(b, a) }
        }
        if x.upper.sign >= 0 { include(.one, .one) }
        return RationalInterval(unchecked: lower!.roundedDown(toBits: bits), upper!.roundedUp(toBits: bits))
    }

    // MARK: - Point bounds (unrounded, exact rationals)

    /// A rational ≤ softplus(a) (not `up`) or ≥ softplus(a) (`up`): MPFR's
    /// `log1p` rounded in the same direction, applied to `e^a` bounded in the
    /// same direction (log1p increases). Beyond `argumentLimit`,
    /// `a ≤ softplus(a) ≤ a + e^−a ≤ a + e^−L`.
    static func softplusBound(_ a: Rational, up: Bool, bits: Int) -> Rational {
        if a > argumentLimit {
            return up ? a + expUp(-argumentLimit, bits: bits)! : a
        }
        guard let e = expBound(a, up: up, bits: bits) else { preconditionFailure("unreachable: a ≤ argumentLimit") }
        let v = MPFRNumber(precision: bits)
        _ = mpfr_log1p(v.x, e.x, up ? MPFR_RNDU : MPFR_RNDD)
        precondition(v.isFinite, "Enclosure: MPFR log1p not finite")
        return v.exactValue
    }


    private static func checkPrecision(_ bits: Int) {
        precondition(precisionRange.contains(bits), "Enclosure: precision \(bits) bits outside \(precisionRange)")
    }

    /// `(min |x|, max |x|)` over the interval.
    private static func absoluteRange(_ x: RationalInterval) -> (near: Rational, far: Rational) {
        let near: Rational = x.lower.sign <= 0 && x.upper.sign >= 0
            ? .zero : min(x.lower.magnitude, x.upper.magnitude)
        return (near, x.magnitude)
    }

    /// A rational ≥ e^a, or nil when `a > argumentLimit`.
    static func expUp(_ a: Rational, bits: Int) -> Rational? {
        expBound(a, up: true, bits: bits)?.exactValue
    }

    /// A rational ≤ e^a (0 when `a < −argumentLimit`).
    static func expDown(_ a: Rational, bits: Int) -> Rational {
        expBound(a, up: false, bits: bits)!.exactValue
    }

    /// An MPFR number ≥ e^a (`up`) or ≤ e^a (not `up`), or nil when `up` and
    /// `a > argumentLimit`. Clamps: for `up`, e^a ≤ e^max(a, −L); for
    /// not `up`, 0 < e^a when a < −L, and e^min(a, L) ≤ e^a.
    private static func expBound(_ a: Rational, up: Bool, bits: Int) -> MPFRNumber? {
        let v = MPFRNumber(precision: bits)
        if up {
            if a > argumentLimit { return nil }
            mpfrExp(v, max(a, -argumentLimit), rounding: MPFR_RNDU, bits: bits)
        } else if a < -argumentLimit {
            mpfr_set_zero(v.x, 1)
        } else {
            mpfrExp(v, min(a, argumentLimit), rounding: MPFR_RNDD, bits: bits)
        }
        return v
    }

    /// Sets `v` to exp(round(a)) rounded, both in direction `rounding` (RNDU:
    /// ≥ e^a, RNDD: ≤ e^a); `|a| ≤ argumentLimit`. The argument gets 16
    /// extra bits (|a| < 2^14), so its rounding error is below 2^−(bits+1)
    /// absolute and costs e^a no more than about 2^−bits relative.
    private static func mpfrExp(_ v: MPFRNumber, _ a: Rational, rounding: mpfr_rnd_t, bits: Int) {
        let argument = MPFRNumber(precision: bits + 16)
        argument.set(a, rounding: rounding)
        _ = mpfr_exp(v.x, argument.x, rounding)
        precondition(v.isFinite, "Enclosure: MPFR exp overflowed (exponent range changed?)")
    }

    /// A multiple of `2^−k` that is ≤ σ(a) (not `up`) or ≥ σ(a) (`up`):
    /// `floor(2^k / (1 + E)) / 2^k` with `E ≥ e^−a` (0 when `−a > L`), or
    /// `ceil(2^k / (1 + E)) / 2^k` with `0 ≤ E ≤ e^−a`. `k ≥ 0`.
    static func sigmoidBound(_ a: Rational, up: Bool, fractionalBits k: Int, bits: Int) -> Rational {
        // σ = 1/(1 + e^−a) decreases in e^−a: a lower σ needs an upper E.
        guard let e = expBound(-a, up: !up, bits: bits) else { return .zero }
        if mpfr_zero_p(e.x) != 0 { return .one }  // 2^k / 1 / 2^k
        // E = m · 2^p exactly (m > 0 since E > 0); 2^k / (1 + E) = N / D with
        // N = 2^k, D = 1 + m·2^p when p ≥ 0, and N = 2^(k−p), D = 2^(−p) + m when p < 0.
        let m = BigRational(), n = BigRational(), d = BigRational(), q = BigRational()
        let p = Int(mpfr_get_z_2exp(m.num, e.x))
        __gmpz_set_ui(n.num, 1)
        if p >= 0 {
            __gmpz_mul_2exp(d.num, m.num, UInt(p))
            __gmpz_add_ui(d.num, d.num, 1)
            __gmpz_mul_2exp(n.num, n.num, UInt(k))
        } else {
            __gmpz_set_ui(d.num, 1)
            __gmpz_mul_2exp(d.num, d.num, UInt(-p))
            __gmpz_add(d.num, d.num, m.num)
            __gmpz_mul_2exp(n.num, n.num, UInt(k - p))
        }
        if up {
            __gmpz_cdiv_q(q.num, n.num, d.num)
        } else {
            __gmpz_fdiv_q(q.num, n.num, d.num)
        }
        __gmpq_div_2exp(q.q, q.q, UInt(k))  // canonical: q.den was 1
        return Rational(canonical: q)
    }

    /// A multiple of `2^−k` that is ≤ tanh(a) (not `up`) or ≥ tanh(a) (`up`):
    /// `2 s − 1` with `s` the matching `sigmoidBound` of `2a` at `k + 1` bits.
    static func tanhBound(_ a: Rational, up: Bool, fractionalBits k: Int, bits: Int) -> Rational {
        sigmoidBound(a.timesPowerOfTwo(1), up: up, fractionalBits: k + 1, bits: bits).timesPowerOfTwo(1) - .one
    }
}
