import CGMP

extension Rational {
    /// The largest multiple of `2^-bits` that is ≤ `self`, exactly.
    ///
    /// `bits` may be negative: `roundedDown(toBits: -3)` is the largest
    /// multiple of 8 not above the value. Used to keep the denominators of
    /// rigorous bounds small (the result's denominator divides `2^bits`).
    public func roundedDown(toBits bits: Int) -> Rational {
        rounded(toBits: bits, up: false)
    }

    /// The smallest multiple of `2^-bits` that is ≥ `self`, exactly.
    public func roundedUp(toBits bits: Int) -> Rational {
        rounded(toBits: bits, up: true)
    }

    /// `floor(self · 2^bits) / 2^bits` (or `ceil` when `up`).
    private func rounded(toBits bits: Int, up: Bool) -> Rational {
        if case .small(let n, let d) = storage {
            // Already a multiple of 2^-bits: d is a power of two dividing 2^bits.
            if d & (d - 1) == 0 && bits >= 0 && (bits >= 63 || d <= Int64(1) << bits) { return self }
            if d == 1 && bits <= 0 && bits > -63 && n & ((Int64(1) << -bits) - 1) == 0 { return self }
            // Fast path: n · 2^bits fits in 128 bits (|n| < 2^63, bits ≤ 62).
            if bits >= 0 && bits <= 62 {
                let scaled = Int128(n) << bits, divisor = Int128(d)
                var q = scaled / divisor  // truncates toward zero
                let r = scaled - q * divisor
                if up && r > 0 { q += 1 }
                if !up && r < 0 { q -= 1 }
                return Rational(numerator: q, denominator: Int128(1) << bits)
            }
        }
        // General case in GMP: z = floor or ceil of (num · 2^bits) / den.
        let integer = BigRational()
        let numerator = BigRational(), denominator = BigRational()
        withMPQ { q in
            __gmpz_set(numerator.num, climep_mpq_numref_const(q))
            __gmpz_set(denominator.num, climep_mpq_denref_const(q))
        }
        if bits >= 0 {
            __gmpz_mul_2exp(numerator.num, numerator.num, UInt(bits))
        } else {
            __gmpz_mul_2exp(denominator.num, denominator.num, UInt(-bits))
        }
        if up {
            __gmpz_cdiv_q(integer.num, numerator.num, denominator.num)
        } else {
            __gmpz_fdiv_q(integer.num, numerator.num, denominator.num)
        }
        // integer / 2^bits; the numerator's denominator is already 1, so
        // mul/div_2exp produce a canonical result.
        if bits >= 0 {
            __gmpq_div_2exp(integer.q, integer.q, UInt(bits))
        } else {
            __gmpq_mul_2exp(integer.q, integer.q, UInt(-bits))
        }
        return Rational(canonical: integer)
    }
}
