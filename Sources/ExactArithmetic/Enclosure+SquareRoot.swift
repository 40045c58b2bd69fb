import CGMP
import CMPFR

extension Rational {
    /// The exact square root when the value is the square of a rational
    /// (numerator and denominator in lowest terms both perfect squares),
    /// else nil; nil for negative values.
    public var exactSquareRoot: Rational? {
        guard sign >= 0 else { return nil }
        guard !isZero else { return .zero }
        let root = BigRational()
        let isSquare: Bool = withMPQ { q in
            let num = climep_mpq_numref_const(q), den = climep_mpq_denref_const(q)
            guard __gmpz_perfect_square_p(num) != 0, __gmpz_perfect_square_p(den) != 0 else { return false }
            __gmpz_sqrt(root.num, num)
            __gmpz_sqrt(root.den, den)
            return true
        }
        // √n / √d is in lowest terms when n / d is.
        return isSquare ? Rational(canonical: root) : nil
    }
}

extension Enclosure {
    /// Encloses `1/√y` for a rational `y > 0`: `lower ≤ 1/√y ≤ upper`, both
    /// dyadic with `bits` significant bits; a point interval when `y` is the
    /// square of a rational.
    ///
    /// Rigour: `1/√·` is decreasing, so the upper end is MPFR's `rec_sqrt`
    /// rounded up (RNDU) of `y` rounded down (RNDD), and the lower end is
    /// `rec_sqrt` rounded down of `y` rounded up; MPFR rounds correctly in
    /// the direction asked. Proof: proofs/enclosures.md, "Reciprocal square root".
    public static func reciprocalSquareRoot(_ y: Rational, bits: Int = 64) -> RationalInterval {
        precondition(y.sign > 0, "Enclosure.reciprocalSquareRoot: argument must be positive")
        checkSquareRootPrecision(bits)
        if let root = y.exactSquareRoot { return RationalInterval(point: root.reciprocal) }
        func bound(_ argumentRounding: mpfr_rnd_t, _ resultRounding: mpfr_rnd_t) -> Rational {
            let v = MPFRNumber(precision: bits)
            v.set(y, rounding: argumentRounding)
            // y > 0 rounds to a positive number (MPFR's exponent range is far beyond any float weight's).
            _ = mpfr_rec_sqrt(v.x, v.x, resultRounding)
            return v.exactValue
        }
        return RationalInterval(unchecked: bound(MPFR_RNDU, MPFR_RNDD), bound(MPFR_RNDD, MPFR_RNDU))
    }

    private static func checkSquareRootPrecision(_ bits: Int) {
        precondition(precisionRange.contains(bits), "Enclosure: precision \(bits) bits outside \(precisionRange)")
    }
}
