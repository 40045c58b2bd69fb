import CGMP
import CMPFR

/// An MPFR floating-point number owned by Swift: `mpfr_init2` in `init`,
/// `mpfr_clear` in `deinit`.
///
/// Holds a pointer (not an `mpfr_t` by value) so that MPFR calls whose output
/// aliases an input never trip Swift's exclusivity checks (see NOTES.md), and
/// so that copying the wrapper never copies limb pointers. Never shared
/// between threads; MPFR itself keeps its flags and caches per thread.
final class MPFRNumber {
    let x: UnsafeMutablePointer<__mpfr_struct>

    /// A number of `precision` significand bits, initially NaN.
    init(precision: Int) {
        x = .allocate(capacity: 1)
        mpfr_init2(x, mpfr_prec_t(precision))
    }

    deinit {
        mpfr_clear(x)
        x.deallocate()
    }

    /// Sets the value to `q` rounded in direction `rounding` (MPFR_RNDD gives
    /// a value ≤ q, MPFR_RNDU a value ≥ q).
    func set(_ q: Rational, rounding: mpfr_rnd_t) {
        q.withMPQ { _ = mpfr_set_q(x, $0, rounding) }
    }

    /// True unless the value is NaN or an infinity.
    var isFinite: Bool { mpfr_number_p(x) != 0 }

    /// The exact value as a (dyadic) rational. Traps on NaN and infinities.
    var exactValue: Rational {
        precondition(isFinite, "MPFRNumber: value is not finite")
        if mpfr_zero_p(x) != 0 { return .zero }
        // value = m · 2^e with m an integer; mpq_{mul,div}_2exp keep the
        // rational canonical.
        let r = BigRational()
        let e = Int(mpfr_get_z_2exp(r.num, x))
        if e > 0 {
            __gmpq_mul_2exp(r.q, r.q, UInt(e))
        } else if e < 0 {
            __gmpq_div_2exp(r.q, r.q, UInt(-e))
        }
        return Rational(canonical: r)
    }
}
