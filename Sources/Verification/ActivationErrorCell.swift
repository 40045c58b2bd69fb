import ExactArithmetic

/// Bounds are kept on the grid of multiples of `2^−gridBits`, rounded
/// outward, so the branch and bound works with small dyadic numbers.
package let gridBits = 60

/// Enclosures of `e(z) = f(z) − line(z)` and of `e'(z)` at one point `z`.
package struct ErrorAtPoint: Sendable {
    package let z: Rational
    package let value: RationalInterval
    package let slope: RationalInterval
    /// The function and the line whose difference `e` is.
    package let f: SmoothActivation
    package let line: PiecewiseLinearFunction.Line

    package init(_ f: SmoothActivation, _ line: PiecewiseLinearFunction.Line, at z: Rational) {
        self.z = z
        self.f = f
        self.line = line
        let v = f.enclosure(RationalInterval(point: z))  // v ∋ f(z)
        let d = f.pointDerivative(at: z, value: v)      // d ∋ f'(z) (both one-sided ones at a kink)
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
    /// `e` is convex on the cell, concave, or neither known (the cell holds a
    /// curvature change point of `f` strictly inside: a mean-value bound).
    package let curvature: SmoothActivation.Curvature?
    /// A rational `≥ |e(z)|` for every `z` in the cell.
    package let upper: Rational

    /// The cell `[a.z, b.z]` of one piece with its bound: by convexity or
    /// concavity of `e` when the cell holds no curvature change point of `f`
    /// strictly inside (proofs/activation-error.md, Lemmas 2–4), else by the
    /// mean value theorem with `f'` enclosed over the cell (Lemma 9). `point`
    /// encloses the error at the split point `ErrorCell.splitPoint(a.z, b.z)`.
    package init(_ a: ErrorAtPoint, _ b: ErrorAtPoint, piece: Int, point: (Rational) -> ErrorAtPoint) {
        let curvature = a.f.curvature(from: a.z, to: b.z)
        guard a.z < b.z else {
            self.init(a: a, b: b, m: nil, piece: piece, curvature: curvature, upper: a.value.magnitude)
            return
        }
        let w = b.z - a.z
        let m = point(ErrorCell.splitPoint(a.z, b.z))
        let h = max(m.z - a.z, b.z - m.z)
        func up(_ v: Rational) -> Rational { v.roundedUp(toBits: gridBits) }
        func down(_ v: Rational) -> Rational { v.roundedDown(toBits: gridBits) }
        let tangentAtM = up(m.slope.magnitude * h)  // ≥ |e'(m)|·|z − m|
        let upperE: Rational, lowerE: Rational
        switch curvature {
        case nil:
            // |e(z)| ≤ |e(m)| + sup over the cell of |e'| · |z − m| (e is Lipschitz).
            let slopes = a.f.derivativeEnclosure(RationalInterval(a.z, b.z)) - RationalInterval(point: a.line.slope)
            let bound = m.value.magnitude + up(slopes.magnitude * h)
            self.init(a: a, b: b, m: m, piece: piece, curvature: nil, upper: bound)
            return
        case .convex:
            // Convex e: below the chord, so below max(e(a), e(b)); above every tangent.
            upperE = max(a.value.upper, b.value.upper)
            lowerE = max(
                m.value.lower - tangentAtM,
                a.value.lower + min(.zero, down(a.slope.lower * w)),
                b.value.lower + min(.zero, down(-b.slope.upper * w)))
        case .concave:
            // Concave e: above the chord, so above min(e(a), e(b)); below every tangent.
            lowerE = min(a.value.lower, b.value.lower)
            upperE = min(
                m.value.upper + tangentAtM,
                a.value.upper + max(.zero, up(a.slope.upper * w)),
                b.value.upper + max(.zero, up(-b.slope.lower * w)))
        }
        self.init(a: a, b: b, m: m, piece: piece, curvature: curvature, upper: max(upperE, -lowerE))
    }

    private init(a: ErrorAtPoint, b: ErrorAtPoint, m: ErrorAtPoint?, piece: Int, curvature: SmoothActivation.Curvature?, upper: Rational) {
        self.a = a
        self.b = b
        self.m = m
        self.piece = piece
        self.curvature = curvature
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
