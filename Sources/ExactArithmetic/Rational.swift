import CGMP

/// An exact rational number with value semantics.
///
/// Values whose numerator and denominator fit in 63-bit integers are stored
/// inline; larger ones live in a GMP `mpq_t`. The representation is
/// canonical — lowest terms, positive denominator, inline whenever it fits —
/// so equality and hashing compare representations directly.
///
/// Arithmetic is exact and never rounds. Dividing by zero is a programming
/// error and traps (as integer division does); code that divides by values it
/// did not produce itself checks for zero first.
public struct Rational: Sendable {
    enum Storage {
        /// `numerator / denominator` in lowest terms, `denominator > 0`,
        /// `numerator != Int64.min` (so negation never overflows).
        case small(Int64, Int64)
        /// A canonical GMP rational that does not fit `.small`.
        case big(BigRational)
    }

    let storage: Storage

    init(storage: Storage) { self.storage = storage }

    /// Wraps a canonical GMP value, moving it inline when it fits.
    init(canonical big: BigRational) {
        if let n = smallInteger(big.num), let d = smallInteger(big.den) {
            storage = .small(n, d)
        } else {
            storage = .big(big)
        }
    }

    /// A reduced fraction of 128-bit integers (`denominator > 0`).
    init(reducedNumerator n: Int128, denominator d: Int128) {
        if let sn = Int64(exactly: n), sn != .min, let sd = Int64(exactly: d) {
            storage = .small(sn, sd)
        } else {
            let big = BigRational()
            setInteger(big.num, n)
            setInteger(big.den, d)
            storage = .big(big)
        }
    }

    /// `numerator / denominator` for any 128-bit integers; `denominator != 0`.
    init(numerator n: Int128, denominator d: Int128) {
        precondition(d != 0, "Rational: zero denominator")
        var n = n, d = d
        if d < 0 { n = -n; d = -d }
        let g = Int128(gcd(n.magnitude, d.magnitude))
        self.init(reducedNumerator: n / g, denominator: d / g)
    }

    /// Zero.
    public static let zero = Rational(storage: .small(0, 1))
    /// One.
    public static let one = Rational(storage: .small(1, 1))

    /// The integer `value`, exactly.
    public init(_ value: Int) {
        if value == .min {
            self.init(reducedNumerator: Int128(value), denominator: 1)
        } else {
            self.init(storage: .small(Int64(value), 1))
        }
    }

    /// `numerator / denominator` in lowest terms. Traps if `denominator` is zero.
    public init(_ numerator: Int, _ denominator: Int) {
        self.init(numerator: Int128(numerator), denominator: Int128(denominator))
    }

    /// Runs `body` with a GMP view of the value; the pointer must not escape.
    func withMPQ<R>(_ body: (UnsafePointer<__mpq_struct>) -> R) -> R {
        switch storage {
        case .big(let b):
            return body(b.q)
        case .small(let n, let d):
            let temporary = BigRational(n, d)
            return withExtendedLifetime(temporary) { body(temporary.q) }
        }
    }

    /// A fresh GMP copy of the value, owned by the caller.
    func makeBig() -> BigRational {
        switch storage {
        case .small(let n, let d):
            return BigRational(n, d)
        case .big(let b):
            let copy = BigRational()
            __gmpq_set(copy.q, b.q)
            return copy
        }
    }
}

/// Greatest common divisor (gcd(0, 0) = 0), on 64-bit words when both fit.
func gcd(_ a: UInt128, _ b: UInt128) -> UInt128 {
    if a <= UInt128(UInt64.max) && b <= UInt128(UInt64.max) {
        return UInt128(gcd64(UInt64(a), UInt64(b)))
    }
    return binaryGCD(a, b)
}

/// Greatest common divisor of 64-bit words (gcd(0, 0) = 0).
@inline(__always)
func gcd64(_ a: UInt64, _ b: UInt64) -> UInt64 { binaryGCD(a, b) }

/// Binary GCD: shifts and subtractions only, since 128-bit division is a slow
/// library call.
@inline(__always)
func binaryGCD<T: FixedWidthInteger & UnsignedInteger>(_ a: T, _ b: T) -> T {
    if a == 0 { return b }
    if b == 0 { return a }
    var a = a, b = b
    let shift = (a | b).trailingZeroBitCount
    a >>= a.trailingZeroBitCount
    repeat {
        b >>= b.trailingZeroBitCount
        if a > b { swap(&a, &b) }
        b -= a
    } while b != 0
    return a << shift
}
