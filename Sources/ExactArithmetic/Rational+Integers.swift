import CGMP

extension Rational {
    /// The numerator in lowest terms (sign included), as an integer-valued `Rational`.
    public var numerator: Rational {
        switch storage {
        case .small(let n, _): return Rational(storage: .small(n, 1))
        case .big(let b):
            let r = BigRational()
            __gmpz_set(r.num, b.num)
            return Rational(canonical: r)
        }
    }

    /// The positive denominator in lowest terms, as an integer-valued `Rational`.
    public var denominator: Rational {
        switch storage {
        case .small(_, let d): return Rational(storage: .small(d, 1))
        case .big(let b):
            let r = BigRational()
            __gmpz_set(r.num, b.den)
            return Rational(canonical: r)
        }
    }

    /// The greatest common divisor of two integers (non-negative; gcd(0, 0) = 0).
    /// Both arguments must be integers.
    public static func greatestCommonDivisor(_ a: Rational, _ b: Rational) -> Rational {
        precondition(a.isInteger && b.isInteger, "Rational.greatestCommonDivisor: integers only")
        let r = BigRational()
        a.withMPQ { pa in b.withMPQ { pb in __gmpz_gcd(r.num, climep_mpq_numref_const(pa), climep_mpq_numref_const(pb)) } }
        return Rational(canonical: r)
    }

    /// The least common multiple of two positive integers.
    public static func leastCommonMultiple(_ a: Rational, _ b: Rational) -> Rational {
        a / greatestCommonDivisor(a, b) * b
    }
}

/// The primitive integer vector on the same ray as `v` (lowest terms, same
/// direction): equal hyperplanes written with proportional coefficients
/// normalise to the same vector. The zero vector stays zero.
public func primitiveIntegerVector(_ v: [Rational]) -> [Rational] {
    let scale = v.reduce(Rational.one) { Rational.leastCommonMultiple($0, $1.denominator) }
    let integers = v.map { $0 * scale }
    let divisor = integers.reduce(Rational.zero) { Rational.greatestCommonDivisor($0, $1.magnitude) }
    return divisor.isZero ? integers : integers.map { $0 / divisor }
}
