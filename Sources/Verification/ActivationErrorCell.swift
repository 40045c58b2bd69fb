import ExactArithmetic

/// Bounds are kept on the grid of multiples of `2^−gridBits`, rounded
/// outward, so the branch and bound works with small dyadic numbers.
package let gridBits = 60

/// Enclosures of `e(z) = f(z) − line(z)` and of `e'(z)` at one point `z`.
package struct ErrorAtPoint: Sendable {
    package let z: Rational
    package let value: RationalInterval
    package let slope: RationalInterval

    package init(_ f: SmoothActivation, _ line: PiecewiseLinearFunction.Line, at z: Rational) {
        self.z = z
        let v = f.enclosure(RationalInterval(point: z))  // v ∋ f(z)
        let d = f.derivative(fromValue: v)              // d ∋ f'(z)
        let l = line(z)
        value = RationalInterval((v.lower - l).roundedDown(toBits: gridBits), (v.upper - l).roundedUp(toBits: gridBits))
        slope = RationalInterval((d.lower - line.slope).roundedDown(toBits: gridBits), (d.upper - line.slope).roundedUp(toBits: gridBits))
    }

    /// A lower bound on `|e(z)|`: 0 when the enclosure holds 0, else its end nearer 0.
    package var magnitudeLowerBound: Rational {
        if value.lower.sign > 0 { return value.lower }
        if value.upper.sign < 0 { return -value.upper }
        return .zero
    }
}

/// A cell `[a, b]` of one piece, with the error enclosed at its ends and at
/// the split point `m`, and the resulting bound on `|e|` over the cell.
///
/// Pure exact computation: the branch and bound of `certifiedError` (search)
/// and the error tables of a certificate (check) both bound cells with it.
package struct ErrorCell: Sendable {
    package let a: ErrorAtPoint
    package let b: ErrorAtPoint
    /// The split point's enclosure; nil for a point cell (`a = b`).
    package let m: ErrorAtPoint?
    package let piece: Int
    /// `e` is convex on the cell (it lies in `(−∞, 0]`); else concave (in `[0, ∞)`).
    package let convex: Bool
    /// A rational `≥ |e(z)|` for every `z` in the cell.
    package let upper: Rational

    /// The cell `[a.z, b.z]` of one piece (not crossing 0) with its bound
    /// (proofs/activation-error.md, Lemmas 2–4); `point` encloses the error
    /// at the split point `ErrorCell.splitPoint(a.z, b.z)`.
    package init(_ a: ErrorAtPoint, _ b: ErrorAtPoint, piece: Int, point: (Rational) -> ErrorAtPoint) {
        let convex = b.z.sign <= 0
        guard a.z < b.z else {
            self.init(a: a, b: b, m: nil, piece: piece, convex: convex, upper: a.value.magnitude)
            return
        }
        let w = b.z - a.z
        let m = point(ErrorCell.splitPoint(a.z, b.z))
        let h = max(m.z - a.z, b.z - m.z)
        func up(_ v: Rational) -> Rational { v.roundedUp(toBits: gridBits) }
        func down(_ v: Rational) -> Rational { v.roundedDown(toBits: gridBits) }
        let tangentAtM = up(m.slope.magnitude * h)  // ≥ |e'(m)|·|z − m|
        let upperE: Rational, lowerE: Rational
        if convex {
            // Convex e: below the chord, so below max(e(a), e(b)); above every tangent.
            upperE = max(a.value.upper, b.value.upper)
            lowerE = max(
                m.value.lower - tangentAtM,
                a.value.lower + min(.zero, down(a.slope.lower * w)),
                b.value.lower + min(.zero, down(-b.slope.upper * w)))
        } else {
            // Concave e: above the chord, so above min(e(a), e(b)); below every tangent.
            lowerE = min(a.value.lower, b.value.lower)
            upperE = min(
                m.value.upper + tangentAtM,
                a.value.upper + max(.zero, up(a.slope.upper * w)),
                b.value.upper + max(.zero, up(-b.slope.lower * w)))
        }
        self.init(a: a, b: b, m: m, piece: piece, convex: convex, upper: max(upperE, -lowerE))
    }

    private init(a: ErrorAtPoint, b: ErrorAtPoint, m: ErrorAtPoint?, piece: Int, convex: Bool, upper: Rational) {
        self.a = a
        self.b = b
        self.m = m
        self.piece = piece
        self.convex = convex
        self.upper = upper
    }

    /// A dyadic point near the middle of `(a, b)`, strictly inside: the exact
    /// midpoint rounded down to a multiple of about `w/128`, which keeps the
    /// numbers short.
    package static func splitPoint(_ a: Rational, _ b: Rational) -> Rational {
        let w = b - a
        let middle = (a + b).timesPowerOfTwo(-1)
        let wd = w.nearestDouble
        guard wd.isNormal else { return middle }
        // 2^e ≤ wd < 2^(e+1), so 2^(e−7) ≤ w/128 (up to rounding) < w/2.
        return middle.roundedDown(toBits: 7 - Int(wd.exponent))
    }
}
