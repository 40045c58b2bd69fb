import CGMP

extension Rational: SignedNumeric {
    public typealias Magnitude = Rational

    /// The integer `value`, exactly; never nil.
    public init?<T: BinaryInteger>(exactly value: T) {
        if let small = Int64(exactly: value), small != .min {
            self.init(storage: .small(small, 1))
        } else if let wide = Int128(exactly: value) {
            self.init(reducedNumerator: wide, denominator: 1)
        } else {
            // Wider than 128 bits: build from the words.
            let big = BigRational()
            let magnitude = value.magnitude
            for word in magnitude.words.reversed() {
                __gmpz_mul_2exp(big.num, big.num, UInt(UInt.bitWidth))
                __gmpz_add_ui(big.num, big.num, word)
            }
            if value < 0 { __gmpz_neg(big.num, big.num) }
            self.init(canonical: big)
        }
    }

    public init(integerLiteral value: Int) { self.init(value) }

    /// The absolute value.
    public var magnitude: Rational { sign < 0 ? -self : self }

    /// −1, 0 or 1.
    public var sign: Int {
        switch storage {
        case .small(let n, _): return n.signum() == 0 ? 0 : (n < 0 ? -1 : 1)
        case .big(let b): return Int(climep_mpq_sgn(b.q))
        }
    }

    /// True when the value is zero.
    public var isZero: Bool { sign == 0 }

    /// True when the value is an integer.
    public var isInteger: Bool {
        switch storage {
        case .small(_, let d): return d == 1
        case .big(let b): return __gmpz_cmp_ui(b.den, 1) == 0
        }
    }

    public static prefix func - (x: Rational) -> Rational {
        switch x.storage {
        case .small(let n, let d): return Rational(storage: .small(-n, d))
        case .big(let b):
            let r = BigRational()
            __gmpq_neg(r.q, b.q)
            return Rational(canonical: r)
        }
    }

    public static func + (x: Rational, y: Rational) -> Rational {
        if case .small(let a, let b) = x.storage, case .small(let c, let d) = y.storage {
            if b == d {
                let n = Int128(a) + Int128(c)
                if b == 1 { return Rational(reducedNumerator: n, denominator: 1) }
                let g = Int128(gcd(n.magnitude, UInt128(b)))
                return Rational(reducedNumerator: n / g, denominator: Int128(b) / g)
            }
            let g = Int64(gcd64(UInt64(b), UInt64(d)))
            let bq = b / g, dq = d / g
            let n = Int128(a) * Int128(dq) + Int128(c) * Int128(bq)
            // gcd(n, b·d/g) divides g (Knuth 4.5.1), so reducing by gcd(n, g) suffices.
            let h = Int128(gcd(n.magnitude, UInt128(g)))
            return Rational(reducedNumerator: n / h, denominator: Int128(b) * Int128(dq) / h)
        }
        return binaryGMP(x, y, __gmpq_add)
    }

    public static func - (x: Rational, y: Rational) -> Rational { x + (-y) }

    public static func * (x: Rational, y: Rational) -> Rational {
        if case .small(let a, let b) = x.storage, case .small(let c, let d) = y.storage {
            if a == 0 || c == 0 { return .zero }
            let g1 = Int64(gcd64(a.magnitude, UInt64(d)))
            let g2 = Int64(gcd64(c.magnitude, UInt64(b)))
            let n = Int128(a / g1) * Int128(c / g2)
            let m = Int128(b / g2) * Int128(d / g1)
            return Rational(reducedNumerator: n, denominator: m)
        }
        return binaryGMP(x, y, __gmpq_mul)
    }

    /// The exact quotient. Traps when `y` is zero.
    public static func / (x: Rational, y: Rational) -> Rational {
        precondition(!y.isZero, "Rational: division by zero")
        return x * y.reciprocal
    }

    /// `1 / self`. Traps when `self` is zero.
    public var reciprocal: Rational {
        precondition(!isZero, "Rational: reciprocal of zero")
        switch storage {
        case .small(let n, let d):
            return Rational(storage: n < 0 ? .small(-d, -n) : .small(d, n))
        case .big(let b):
            let r = BigRational()
            __gmpq_inv(r.q, b.q)
            return Rational(canonical: r)
        }
    }

    public static func += (x: inout Rational, y: Rational) { x = x + y }
    public static func -= (x: inout Rational, y: Rational) { x = x - y }
    public static func *= (x: inout Rational, y: Rational) { x = x * y }
    public static func /= (x: inout Rational, y: Rational) { x = x / y }

    /// `self · 2^exponent`, exactly.
    public func timesPowerOfTwo(_ exponent: Int) -> Rational {
        if exponent == 0 || isZero { return self }
        let r = makeBig()
        if exponent > 0 {
            __gmpq_mul_2exp(r.q, r.q, UInt(exponent))
        } else {
            __gmpq_div_2exp(r.q, r.q, UInt(-exponent))
        }
        return Rational(canonical: r)
    }

    private static func binaryGMP(
        _ x: Rational, _ y: Rational,
        _ op: (UnsafeMutablePointer<__mpq_struct>?, UnsafePointer<__mpq_struct>?, UnsafePointer<__mpq_struct>?) -> Void
    ) -> Rational {
        let r = BigRational()
        x.withMPQ { px in y.withMPQ { py in op(r.q, px, py) } }
        return Rational(canonical: r)
    }
}
