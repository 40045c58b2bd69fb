import ExactArithmetic
import Linearization
import Verification
import Testing

/// Softplus and ELU (α of both signs): enclosures, fits whose outer pieces
/// follow the asymptotic lines, certified errors, and error tables cut at the
/// curvature change points.
@Suite struct ConvexActivationTests {
    static let functions: [SmoothActivation] = [
        .softplus, .elu(alpha: Rational(1, 2)), .elu(alpha: .one), .elu(alpha: 2),
        .elu(alpha: Rational(-1, 2)), .elu(alpha: -1), .elu(alpha: -2),
    ]

    /// Points where the functions are enclosed, far ones included.
    static let points: [Rational] = [-20_001, -30, Rational(-5, 2), Rational(-1, 3), 0, Rational(1, 7), 2, 40, 20_001]

    /// The 80-bit enclosure and a 200-bit one intersect (both hold the
    /// value), the 80-bit one is narrow, and the floating-point value lies
    /// within rounding of it; the derivative enclosure over `[z − h, z + h]`
    /// holds the difference quotient (an average of `f'`, proved by 200-bit enclosures).
    @Test(arguments: functions)
    func enclosuresHoldTheValue(f: SmoothActivation) {
        for z in Self.points {
            let coarse = f.enclosure(RationalInterval(point: z)), fine = f.enclosure(RationalInterval(point: z), bits: 200)
            #expect(coarse.lower <= fine.upper && fine.lower <= coarse.upper, "\(f) at \(z)")
            #expect(coarse.width <= Rational.one.timesPowerOfTwo(-66) * max(.one, z.magnitude), "\(f) at \(z): width \(coarse.width.nearestDouble)")
            let double = f(z.nearestDouble)
            #expect(Swift.abs(double - fine.lower.nearestDouble) <= 1e-12 * max(1, Swift.abs(double)), "\(f) at \(z)")
            let h = Rational(1, 1024)
            let left = f.enclosure(RationalInterval(point: z - h), bits: 200), right = f.enclosure(RationalInterval(point: z + h), bits: 200)
            let quotient = RationalInterval((right.lower - left.upper) / (2 * h), (right.upper - left.lower) / (2 * h))
            let slopes = f.derivativeEnclosure(RationalInterval(z - h, z + h))
            #expect(slopes.lower <= quotient.upper && quotient.lower <= slopes.upper, "\(f)' near \(z)")
        }
        if case .elu(let alpha) = f {
            // At the kink both one-sided derivatives, α and 1.
            let atZero = f.derivativeEnclosure(RationalInterval(point: .zero))
            #expect(atZero.lower == min(alpha, .one) && atZero.upper == max(alpha, .one))
            #expect(f.curvatureChanges == [.zero])
        } else {
            #expect(f.curvatureChanges.isEmpty)
        }
    }

    /// Every fit: Algorithm 1 has exactly `n` pieces and the equal-error fit
    /// at most `n`; the first piece is horizontal and the last has slope 1;
    /// every ELU fit is exactly `y = x` on `[0, ∞)` and, but for Algorithm 1
    /// with `α = 1` (no kink), has 0 as a breakpoint (`α = −1` included);
    /// the certified error over [−60, 60] is never below the error a 200-bit
    /// enclosure proves at any sampled point, and over [−2000, 2000] it is no
    /// larger (the error is bounded on ℝ, largest near 0).
    @Test(arguments: functions)
    func fitsFollowTheAsymptotes(f: SmoothActivation) throws {
        for method in FitMethod.allCases {
            for n in Array(f.minimumPieces...9) + [16, 33] {
                let p = try ActivationFit.fit(f, pieces: n, method: method)
                if method == .algorithm1 { #expect(p.pieceCount == n, "\(f) \(method) n = \(n)") }
                #expect(p.pieceCount <= n && p.pieceCount >= f.minimumPieces, "\(f) \(method) n = \(n): \(p.pieceCount)")
                #expect(p.slopes.first == .zero && p.slopes.last == .one, "\(f) \(method) n = \(n)")
                if case .elu(let alpha) = f {
                    // 0 is forced at the kink (α ≠ 1); for α = 1 only the equal-error fit ends at the origin.
                    if alpha != .one || method == .equalError { #expect(p.breakpoints.last == .zero, "\(f) \(method) n = \(n)") }
                    #expect(p.lines.last == PiecewiseLinearFunction.Line(slope: .one, intercept: .zero))
                    #expect(certifiedError(of: p, approximating: f, on: RationalInterval(0, 5000)) == .zero)
                }
                let range = RationalInterval(-60, 60)
                let bound = certifiedError(of: p, approximating: f, on: range)
                let sampled = grid(range, 1500, adding: p.breakpoints.filter { range.contains($0) })
                    .map { leastMagnitude(enclosedError(f, p, at: $0)) }.max()!
                #expect(sampled <= bound, "\(f) \(method) n = \(n)")
                #expect(bound <= sampled * (1 + slack + Rational(1, 100)) + Rational.one.timesPowerOfTwo(-50),
                        "\(f) \(method) n = \(n): \(bound.nearestDouble) vs sampled \(sampled.nearestDouble)")
                let wide = certifiedError(of: p, approximating: f, on: RationalInterval(-2000, 2000))
                #expect(wide <= bound * (1 + slack) + Rational.one.timesPowerOfTwo(-50), "\(f) \(method) n = \(n)")
            }
        }
    }

    /// Softplus with 2 pieces is `max(0, x)` (Algorithm 1), error `log 2` at
    /// 0; the equal-error fit halves it. The error falls with more pieces
    /// (rigorously: upper(2n) < lower(n)), and the equal-error fit beats Algorithm 1.
    @Test(arguments: functions)
    func errorFallsWithMorePieces(f: SmoothActivation) throws {
        let range = RationalInterval(-60, 60)
        func bounds(_ n: Int, _ method: FitMethod) throws -> (lower: Rational, upper: Rational) {
            certifiedErrorBounds(of: try ActivationFit.fit(f, pieces: n, method: method), approximating: f, on: range)
        }
        if f == .softplus {
            let relu = try ActivationFit.fit(.softplus, pieces: 2, method: .algorithm1)
            #expect(relu.breakpoints == [.zero] && relu.slopes == [.zero, .one] && relu.intercepts == [.zero, .zero])
            let log2 = try bounds(2, .algorithm1)
            #expect(log2.lower.nearestDouble > 0.6931 && log2.upper.nearestDouble < 0.6932 * 1.03)
            #expect(try bounds(2, .equalError).upper.nearestDouble < 0.3466 * 1.03)
        }
        for method in FitMethod.allCases {
            for n in [4, 8, 16] {
                #expect(try bounds(2 * n, method).upper < bounds(n, method).lower, "\(f) \(method) n = \(n)")
            }
        }
        for n in [4, 8, 16, 33] {
            #expect(try bounds(n, .equalError).upper < bounds(n, .algorithm1).lower, "\(f) n = \(n)")
        }
    }

    /// An ELU error table must have 0 as a cut point (the kink, a curvature
    /// change); a softplus one need not (convex on ℝ), and its bound holds.
    @Test func tablesAreCutAtCurvatureChanges() throws {
        let elu = SmoothActivation.elu(alpha: 2)
        let p = try ActivationFit.fit(elu, pieces: 6, method: .equalError)
        let inside = p.breakpoints.filter { -4 < $0 && $0 < 3 && !$0.isZero }
        #expect(throws: ActivationErrorTable.Invalid.self) {
            try ActivationErrorTable(p: p, f: elu, points: [-4] + inside + [3])
        }
        let table = try ActivationErrorTable(p: p, f: elu, points: [-4] + inside + [.zero, 3])
        let q = try ActivationFit.fit(.softplus, pieces: 6, method: .equalError)
        let softplusTable = try ActivationErrorTable(p: q, f: .softplus, points: [-4] + q.breakpoints.filter { -4 < $0 && $0 < 3 } + [3])
        for (t, f, fit) in [(table, elu, p), (softplusTable, .softplus, q)] {
            let r = RationalInterval(Rational(-7, 2), Rational(5, 2))
            let sampled = grid(r, 800, adding: fit.breakpoints.filter { r.contains($0) }).map { leastMagnitude(enclosedError(f, fit, at: $0)) }.max()!
            #expect(try #require(t.bound(on: r)) >= sampled)
        }
    }

    /// ELU with `α < 0` is not monotone: it decreases on `(−∞, 0]` from `−α`
    /// to its minimum 0 at 0. Recounted without the code under test:
    /// `ELU_α(x) = −ELU_|α|(x)` for `x ≤ 0`, so its enclosure at a point is
    /// the negated `|α|` one (up to the last bit of rounding); over an interval
    /// straddling 0 the lower end is exactly 0 and the upper end holds the
    /// larger end value; the derivative on `x < 0` is negative; the curvature
    /// is concave left of 0; each fit's pieces left of 0 are the `|α|` fit's
    /// reflected (`y ↦ −y`), and its error is the same.
    @Test func negativeAlphaIsDecreasingAndConcaveLeftOfZero() throws {
        for alpha in [Rational(-1, 2), Rational(-1), Rational(-2), Rational(-3, 10)] {
            let f = SmoothActivation.elu(alpha: alpha), g = SmoothActivation.elu(alpha: -alpha)
            #expect(f.isNonMonotone && f.lipschitz == max(-alpha, 1) && f.lowerAsymptote == -alpha)
            for z in [Rational(-40), Rational(-5, 2), Rational(-1, 3), Rational(-1, 1 << 20)] {
                let v = f.enclosure(RationalInterval(point: z), bits: 120), w = g.enclosure(RationalInterval(point: z), bits: 120)
                let ulp = Rational.one.timesPowerOfTwo(-119)
                #expect(v.lower >= -w.upper - ulp && v.upper <= -w.lower + ulp && v.lower.sign > 0, "\(f) at \(z)")
                #expect(f.derivativeEnclosure(RationalInterval(point: z)).upper.sign < 0, "\(f)' at \(z)")
            }
            let straddle = f.enclosure(RationalInterval(-3, Rational(1, 10)))
            let atMinus3 = f.enclosure(RationalInterval(point: -3))
            #expect(straddle.lower == .zero && straddle.upper >= atMinus3.upper && straddle.upper >= Rational(1, 10))
            let left = f.enclosure(RationalInterval(-3, -1))
            #expect(left.lower <= f.enclosure(RationalInterval(point: -1)).lower && left.upper >= atMinus3.upper)
            #expect(f.curvature(from: -3, to: -1) == .concave && f.curvature(from: 0, to: 2) == .convex)
            #expect(f.curvature(from: -1, to: 1) == nil)
            for method in FitMethod.allCases {
                for n in [3, 5, 8] {
                    let p = try ActivationFit.fit(f, pieces: n, method: method)
                    let q = try ActivationFit.fit(g, pieces: n, method: method)
                    #expect(p.breakpoints.last == .zero && p.lines.last == PiecewiseLinearFunction.Line(slope: .one, intercept: .zero))
                    if alpha != -1 || method == .equalError {
                        #expect(p.lines.dropLast() == q.lines.dropLast().map { PiecewiseLinearFunction.Line(slope: -$0.slope, intercept: -$0.intercept) },
                                "\(f) \(method) n = \(n)")
                    }
                    let range = RationalInterval(-30, 30)
                    let bound = certifiedError(of: p, approximating: f, on: range)
                    let sampled = grid(range, 1200, adding: p.breakpoints).map { leastMagnitude(enclosedError(f, p, at: $0)) }.max()!
                    #expect(sampled <= bound && bound.sign > 0, "\(f) \(method) n = \(n)")
                }
            }
        }
    }

    /// A cell holding a curvature change point strictly inside gets the
    /// mean-value bound: sound against a dense sample, and no curvature.
    @Test func meanValueFallbackIsSound() throws {
        let p = try ActivationFit.fit(.sigmoid, pieces: 5, method: .equalError)
        let piece = p.piece(containing: .zero)
        let line = p.lines[piece]
        let a = max(p.breakpoints[piece - 1], Rational(-1, 2)), b = min(p.breakpoints[piece], Rational(3, 4))
        let cell = ErrorCell(ErrorAtPoint(.sigmoid, line, at: a), ErrorAtPoint(.sigmoid, line, at: b), piece: piece,
                             point: { ErrorAtPoint(.sigmoid, line, at: $0) })
        #expect(cell.curvature == nil)
        let sampled = grid(RationalInterval(a, b), 2000).map { leastMagnitude(enclosedError(.sigmoid, p, at: $0)) }.max()!
        #expect(sampled <= cell.upper)
        // Not vacuous: within |e(m)| + (max |σ' − s|)·h, h ≤ 5/8.
        #expect(cell.upper <= sampled + Rational(5, 8) * Rational(1, 4))
    }
}
