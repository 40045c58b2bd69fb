import CGMP

/// A GMP rational owned by Swift: allocated in `init`, cleared in `deinit`.
///
/// A `BigRational` is written only while the value it holds is being computed
/// and never after it is shared, which is what makes `@unchecked Sendable`
/// sound. Storing a pointer (not an `mpq_t` by value) keeps Swift's
/// exclusivity checks away from GMP calls whose output aliases an input.
final class BigRational: @unchecked Sendable {
    let q: UnsafeMutablePointer<__mpq_struct>

    init() {
        q = .allocate(capacity: 1)
        __gmpq_init(q)
    }

    /// The rational `numerator / denominator`; `denominator` must be positive
    /// and the fraction already in lowest terms.
    convenience init(_ numerator: Int64, _ denominator: Int64) {
        self.init()
        __gmpz_set_si(num, Int(numerator))
        __gmpz_set_si(den, Int(denominator))
    }

    deinit {
        __gmpq_clear(q)
        q.deallocate()
    }

    var num: UnsafeMutablePointer<__mpz_struct> { climep_mpq_numref(q) }
    var den: UnsafeMutablePointer<__mpz_struct> { climep_mpq_denref(q) }
}

/// Sets `z` to the value of a 128-bit integer.
func setInteger(_ z: UnsafeMutablePointer<__mpz_struct>, _ value: Int128) {
    let magnitude = value.magnitude
    if magnitude <= UInt128(UInt64.max) {
        __gmpz_set_ui(z, UInt(magnitude))
    } else {
        __gmpz_set_ui(z, UInt(magnitude >> 64))
        __gmpz_mul_2exp(z, z, 64)
        __gmpz_add_ui(z, z, UInt(truncatingIfNeeded: magnitude))
    }
    if value < 0 { __gmpz_neg(z, z) }
}

/// The value of `z` as an `Int64` other than `Int64.min`, or nil when it does not fit.
func smallInteger(_ z: UnsafePointer<__mpz_struct>) -> Int64? {
    guard __gmpz_fits_slong_p(z) != 0 else { return nil }
    let v = Int64(__gmpz_get_si(z))
    return v == .min ? nil : v
}

/// Number of bits in `|z|` (0 for zero).
func bitWidth(_ z: UnsafePointer<__mpz_struct>) -> Int {
    climep_mpz_sgn(z) == 0 ? 0 : Int(__gmpz_sizeinbase(z, 2))
}
