import CGMP

extension Rational {
    /// The exact value of a finite `Double` (every finite float is a dyadic
    /// rational); nil for infinities and NaN. Both zeros give 0.
    public init?(exactly value: Double) {
        guard value.isFinite else { return nil }
        if value == 0 { self = .zero; return }
        var mantissa: UInt64
        var exponent: Int
        if value.exponentBitPattern == 0 {  // subnormal
            mantissa = value.significandBitPattern
            exponent = -1074
        } else {
            mantissa = value.significandBitPattern | (1 << 52)
            exponent = Int(value.exponentBitPattern) - 1075
        }
        let zeros = mantissa.trailingZeroBitCount
        mantissa >>= zeros
        exponent += zeros
        let signed = value < 0 ? -Int64(mantissa) : Int64(mantissa)
        if exponent >= 0 && exponent + (64 - mantissa.leadingZeroBitCount) <= 62 {
            self.init(storage: .small(signed << exponent, 1))
        } else if exponent < 0 && exponent >= -62 {
            self.init(storage: .small(signed, 1 << -exponent))
        } else {
            self = Rational(storage: .small(signed, 1)).timesPowerOfTwo(exponent)
        }
    }

    /// The exact value of a finite `Float`; nil for infinities and NaN.
    public init?(exactly value: Float) {
        guard value.isFinite else { return nil }
        self.init(exactly: Double(value))  // widening is exact
    }

    /// A double within a few ulps of the value, fast and without allocation
    /// (GMP's truncating `mpq_get_d` for large values): for floating-point
    /// search data only, where correct rounding buys nothing. Infinite or zero
    /// beyond the double range.
    public var approximateDouble: Double {
        switch storage {
        case .small(let n, let d): return Double(n) / Double(d)
        case .big(let q): return __gmpq_get_d(q.q)
        }
    }

    /// The `Double` nearest to the value (ties to even), ±infinity beyond the
    /// finite range. For display and floating-point search only.
    public var nearestDouble: Double {
        switch storage {
        case .small(let n, let d) where n.magnitude <= 1 << 53 && d <= 1 << 53:
            return Double(n) / Double(d)  // both exact: IEEE division rounds correctly
        default:
            return withMPQ { Rational.nearestDouble($0) }
        }
    }

    /// Correct rounding of a GMP rational: compute the quotient at the
    /// target ulp with integer division and round half to even on the remainder.
    private static func nearestDouble(_ q: UnsafePointer<__mpq_struct>) -> Double {
        let sign = climep_mpq_sgn(q)
        if sign == 0 { return 0 }
        let a = BigRational(), b = BigRational()  // integers in their numerators
        __gmpz_abs(a.num, climep_mpq_numref_const(q))
        __gmpz_set(b.num, climep_mpq_denref_const(q))
        // floor(log2 |q|) is bits(a) - bits(b) or one less.
        var e = bitWidth(a.num) - bitWidth(b.num)
        let shifted = BigRational()
        if e >= 0 { __gmpz_mul_2exp(shifted.num, b.num, UInt(e)) } else { __gmpz_mul_2exp(shifted.num, a.num, UInt(-e)) }
        if e >= 0 ? __gmpz_cmp(a.num, shifted.num) < 0 : __gmpz_cmp(shifted.num, b.num) < 0 { e -= 1 }
        if e > 1023 { return sign < 0 ? -.infinity : .infinity }
        let ulp = max(e - 52, -1074)
        // quotient = floor(a · 2^-ulp / b), remainder r.
        if ulp < 0 { __gmpz_mul_2exp(a.num, a.num, UInt(-ulp)) } else { __gmpz_mul_2exp(b.num, b.num, UInt(ulp)) }
        let quotient = BigRational(), remainder = BigRational()
        __gmpz_fdiv_qr(quotient.num, remainder.num, a.num, b.num)
        __gmpz_mul_2exp(remainder.num, remainder.num, 1)
        var m = UInt64(__gmpz_get_ui(quotient.num))
        let c = __gmpz_cmp(remainder.num, b.num)
        if c > 0 || (c == 0 && m & 1 == 1) { m += 1 }
        let magnitude = Double(sign: .plus, exponent: ulp, significand: Double(m))
        return sign < 0 ? -magnitude : magnitude
    }

    /// The largest integer not above the value.
    public var floor: Rational { roundedToInteger(__gmpz_fdiv_q) }

    /// The smallest integer not below the value.
    public var ceiling: Rational { roundedToInteger(__gmpz_cdiv_q) }

    private func roundedToInteger(
        _ divide: (UnsafeMutablePointer<__mpz_struct>?, UnsafePointer<__mpz_struct>?, UnsafePointer<__mpz_struct>?) -> Void
    ) -> Rational {
        if isInteger { return self }
        let r = BigRational()
        withMPQ { q in divide(r.num, climep_mpq_numref_const(q), climep_mpq_denref_const(q)) }
        return Rational(canonical: r)
    }

    /// True when the denominator is a power of two (floats and their sums
    /// and products are dyadic).
    public var isDyadic: Bool {
        switch storage {
        case .small(_, let d): return d & (d - 1) == 0
        case .big(let b): return __gmpz_scan1(b.den, 0) == __gmpz_sizeinbase(b.den, 2) - 1
        }
    }
}

extension Double {
    /// The `Double` nearest to `value` (ties to even).
    public init(_ value: Rational) { self = value.nearestDouble }
}
