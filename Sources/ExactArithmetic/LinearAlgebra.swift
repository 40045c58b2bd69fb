import CGMP

/// An exact matrix of rationals, stored row-major.
public struct RationalMatrix: Sendable, Hashable, Codable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// Entries row by row; `entries.count == rows * columns`.
    public private(set) var entries: [Rational]

    /// A `rows × columns` matrix of zeros.
    public init(rows: Int, columns: Int) {
        precondition(rows >= 0 && columns >= 0)
        self.rows = rows
        self.columns = columns
        entries = Array(repeating: .zero, count: rows * columns)
    }

    /// The matrix with the given rows; all rows must have `columns` entries.
    public init(rows: [[Rational]], columns: Int) {
        precondition(rows.allSatisfy { $0.count == columns }, "RationalMatrix: ragged rows")
        self.rows = rows.count
        self.columns = columns
        entries = rows.flatMap { $0 }
    }

    public subscript(row: Int, column: Int) -> Rational {
        get { entries[row * columns + column] }
        set { entries[row * columns + column] = newValue }
    }

    /// Row `i` as a vector.
    public func row(_ i: Int) -> [Rational] { Array(entries[i * columns ..< (i + 1) * columns]) }

    /// The transpose.
    public var transposed: RationalMatrix {
        var t = RationalMatrix(rows: columns, columns: rows)
        for i in 0..<rows { for j in 0..<columns { t[j, i] = self[i, j] } }
        return t
    }

    /// The exact product `self · x`; `x.count == columns`.
    public static func * (m: RationalMatrix, x: [Rational]) -> [Rational] {
        precondition(x.count == m.columns, "RationalMatrix: dimension mismatch")
        return (0..<m.rows).map { i in
            m.entries.withUnsafeBufferPointer { e in
                x.withUnsafeBufferPointer { v in dot(UnsafeBufferPointer(rebasing: e[i * m.columns ..< (i + 1) * m.columns]), v) }
            }
        }
    }

    /// The exact product `a · b`.
    public static func * (a: RationalMatrix, b: RationalMatrix) -> RationalMatrix {
        precondition(a.columns == b.rows, "RationalMatrix: dimension mismatch")
        let bt = b.transposed
        var c = RationalMatrix(rows: a.rows, columns: b.columns)
        // Rows as views into the entries: copying a row would retain and release each big entry.
        a.entries.withUnsafeBufferPointer { x in
            bt.entries.withUnsafeBufferPointer { y in
                for i in 0..<a.rows {
                    let r = UnsafeBufferPointer(rebasing: x[i * a.columns ..< (i + 1) * a.columns])
                    for j in 0..<b.columns {
                        c[i, j] = dot(r, UnsafeBufferPointer(rebasing: y[j * bt.columns ..< (j + 1) * bt.columns]))
                    }
                }
            }
        }
        return c
    }
}

/// The exact dot product `Σ aᵢ·bᵢ`; the vectors must have equal length.
public func dot(_ a: [Rational], _ b: [Rational]) -> Rational {
    precondition(a.count == b.count, "dot: length mismatch")
    return a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in dot(pa, pb) } }
}

/// Exact dot product. Dyadic entries with small parts (float weights times
/// float inputs, the common case) are summed in a 128-bit fixed-point
/// accumulator and become one `Rational` at the end; dyadic entries of any
/// size (products of float weights through several layers) in a GMP integer
/// at the finest binary scale, with no gcd until the end; anything else, or
/// an accumulator overflow, takes the general path. All give the same value.
func dot(_ a: UnsafeBufferPointer<Rational>, _ b: UnsafeBufferPointer<Rational>) -> Rational {
    if let fast = dyadicDot(a, b) { return fast }
    if let dyadic = bigDyadicDot(a, b) { return dyadic }
    return accumulatedDot(a, b)
}

/// Σ aᵢ·bᵢ when every denominator is a power of two: with `aᵢ = pᵢ/2^kᵢ`,
/// `bᵢ = qᵢ/2^lᵢ` and `K = max(kᵢ + lᵢ)`, the sum is `(Σ pᵢqᵢ·2^(K−kᵢ−lᵢ)) / 2^K`,
/// an integer sum; the result is reduced once, by the common powers of two
/// (the only common factors an odd-or-zero numerator over 2^K can have).
/// nil when a denominator is not a power of two.
func bigDyadicDot(_ a: UnsafeBufferPointer<Rational>, _ b: UnsafeBufferPointer<Rational>) -> Rational? {
    var scales: [(index: Int, scale: Int)] = []
    var finest = 0
    for i in 0..<a.count where !a[i].isZero && !b[i].isZero {
        guard let k = a[i].binaryScale, let l = b[i].binaryScale else { return nil }
        scales.append((i, k + l))
        finest = max(finest, k + l)
    }
    if scales.isEmpty { return .zero }
    let sum = BigRational(), term = BigRational(), x = BigRational(), y = BigRational()
    for (i, scale) in scales {
        a[i].withNumerator(scratch: x) { p in
            b[i].withNumerator(scratch: y) { q in __gmpz_mul(term.num, p, q) }
        }
        __gmpz_mul_2exp(term.num, term.num, mp_bitcnt_t(finest - scale))
        __gmpz_add(sum.num, sum.num, term.num)
    }
    guard climep_mpz_sgn(sum.num) != 0 else { return .zero }
    let shift = min(Int(__gmpz_scan1(sum.num, 0)), finest)
    __gmpz_tdiv_q_2exp(sum.num, sum.num, mp_bitcnt_t(shift))
    __gmpz_set_ui(sum.den, 1)
    __gmpz_mul_2exp(sum.den, sum.den, mp_bitcnt_t(finest - shift))
    return Rational(canonical: sum)
}

extension Rational {
    /// `k` when the value is `p/2^k` in lowest terms; nil when the
    /// denominator is not a power of two.
    var binaryScale: Int? {
        switch storage {
        case .small(_, let d): return d & (d - 1) == 0 ? d.trailingZeroBitCount : nil
        case .big(let b): return __gmpz_popcount(b.den) == 1 ? Int(__gmpz_scan1(b.den, 0)) : nil
        }
    }

    /// Runs `body` with a GMP view of the numerator (`scratch` holds it for an inline value).
    func withNumerator<R>(scratch: BigRational, _ body: (UnsafePointer<__mpz_struct>) -> R) -> R {
        switch storage {
        case .small(let n, _):
            __gmpz_set_si(scratch.num, Int(n))
            return body(scratch.num)
        case .big(let b):
            return body(b.num)
        }
    }
}

/// Σ aᵢ·bᵢ with one GMP accumulator updated in place: no intermediate
/// `Rational` is created, which is what makes long exact sums affordable.
private func accumulatedDot(_ a: UnsafeBufferPointer<Rational>, _ b: UnsafeBufferPointer<Rational>) -> Rational {
    let sum = BigRational(), term = BigRational(), x = BigRational(), y = BigRational()
    for i in 0..<a.count where !a[i].isZero && !b[i].isZero {
        a[i].load(into: x)
        b[i].load(into: y)
        __gmpq_mul(term.q, x.q, y.q)
        __gmpq_add(sum.q, sum.q, term.q)
    }
    return Rational(canonical: sum)
}

extension Rational {
    /// Copies the value into a GMP rational owned by the caller.
    func load(into target: BigRational) {
        switch storage {
        case .small(let n, let d):
            __gmpz_set_si(target.num, Int(n))
            __gmpz_set_si(target.den, Int(d))
        case .big(let b):
            __gmpq_set(target.q, b.q)
        }
    }
}

/// Σ aᵢ·bᵢ when every entry is `.small` with a power-of-two denominator and
/// the exact sum fits 128 bits at the finest binary scale; nil otherwise.
private func dyadicDot(_ a: UnsafeBufferPointer<Rational>, _ b: UnsafeBufferPointer<Rational>) -> Rational? {
    var accumulator: Int128 = 0
    var scale = 0  // accumulator holds sum · 2^scale
    for i in 0..<a.count {
        guard case .small(let n1, let d1) = a[i].storage, d1 & (d1 - 1) == 0,
              case .small(let n2, let d2) = b[i].storage, d2 & (d2 - 1) == 0 else { return nil }
        if n1 == 0 || n2 == 0 { continue }
        var term = Int128(n1) * Int128(n2)
        let termScale = d1.trailingZeroBitCount + d2.trailingZeroBitCount
        if termScale > scale {
            guard let shifted = shiftLeft(accumulator, by: termScale - scale) else { return nil }
            accumulator = shifted
            scale = termScale
        } else if termScale < scale {
            guard let shifted = shiftLeft(term, by: scale - termScale) else { return nil }
            term = shifted
        }
        let (sum, overflow) = accumulator.addingReportingOverflow(term)
        if overflow { return nil }
        accumulator = sum
    }
    if accumulator == 0 { return .zero }
    let zeros = min(accumulator.trailingZeroBitCount, scale)
    accumulator >>= zeros
    scale -= zeros
    if scale <= 126 {
        return Rational(reducedNumerator: accumulator, denominator: Int128(1) << scale)
    }
    return Rational(reducedNumerator: accumulator, denominator: 1).timesPowerOfTwo(-scale)
}

@inline(__always)
private func shiftLeft(_ x: Int128, by k: Int) -> Int128? {
    if x == 0 { return 0 }
    if k >= 127 { return nil }
    let shifted = x << k
    return shifted >> k == x ? shifted : nil
}
