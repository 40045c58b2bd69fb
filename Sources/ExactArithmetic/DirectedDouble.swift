/// Upper and lower bounds in binary64 without changing the rounding mode.
///
/// IEEE 754 round-to-nearest returns, for one operation `∘` on doubles, the
/// double nearest to the exact `a ∘ b`: within half an ulp, so the exact
/// value lies strictly between `fl.nextDown` and `fl.nextUp` (and equals
/// `fl` when `fl` is zero or the operation is exact). Stepping one ulp outward after every
/// operation therefore gives rigorous bounds whatever the operands' signs,
/// at the price of one ulp per step — negligible next to the quantities
/// they bound (proofs/symbolic-error-bound.md §1). Infinities propagate, and
/// a caller treats a non-finite bound as "no bound".
public enum DirectedDouble {
    /// The unit roundoff of binary64, `u = 2^−53`.
    public static let unitRoundoff = 0x1p-53

    /// The smallest positive subnormal, `η = 2^−1074`: an upper bound on the
    /// absolute error a product or a sum loses to underflow, twice over.
    public static let underflow = Double.leastNonzeroMagnitude

    /// `γ_n ≥ n·u / (1 − n·u)`, the relative error of a recursively summed
    /// dot product of length `n` (Higham, Thm 3.1), as `n·2^−52`: valid while
    /// `n·u ≤ 1/2`, exact as a double while `n < 2^53`.
    public static func gamma(_ n: Int) -> Double {
        precondition(n >= 0 && n < 1 << 50, "gamma: length out of range")
        return Double(n) * 0x1p-52
    }

    /// An upper bound on `a + b`.
    @inlinable public static func addUp(_ a: Double, _ b: Double) -> Double { (a + b).nextUp }

    /// An upper bound on `a · b`.
    @inlinable public static func multiplyUp(_ a: Double, _ b: Double) -> Double { (a * b).nextUp }

    /// An upper bound on `|a − b|`.
    @inlinable public static func distanceUp(_ a: Double, _ b: Double) -> Double { Swift.abs(a - b).nextUp }
}

extension Rational {
    /// The least double `≥` the value (`+∞` beyond the finite range).
    public var doubleUp: Double {
        let d = nearestDouble
        guard let exact = Rational(exactly: d) else { return d }
        return exact < self ? d.nextUp : d
    }

    /// The greatest double `≤` the value (`−∞` beyond the finite range).
    public var doubleDown: Double {
        let d = nearestDouble
        guard let exact = Rational(exactly: d) else { return d }
        return exact > self ? d.nextDown : d
    }
}
