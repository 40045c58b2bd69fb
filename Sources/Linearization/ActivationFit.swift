import ExactArithmetic
import Verification
import Synchronization

/// Why a fit could not be made.
public struct ActivationFitError: Error, Equatable, CustomStringConvertible {
    /// What is wrong, in one line.
    public let description: String

    init(_ description: String) { self.description = description }
}

/// Piecewise-linear fits of smooth activations, exact and continuous by
/// construction. Where the lines go is decided by a floating-point search; the
/// lines are then rounded to short dyadic rationals and the breakpoints are
/// their exact crossings, so the result is exactly continuous whatever the search
/// did. Its error is *not* taken from the search: ``certifiedError(of:approximating:on:relativeSlack:)``
/// bounds it rigorously.
public enum ActivationFit {
    /// The most pieces a fit may have.
    public static let maximumPieces = 4096

    /// The `n`-piece fit of `f` by `method`. Throws when `n` is below
    /// ``SmoothActivation/minimumPieces`` (the message names the minimum) or
    /// above ``maximumPieces``.
    ///
    /// - ``FitMethod/algorithm1``: exactly `n` pieces. The paper starts from
    ///   "hard σ", σ's two asymptotes, and repeatedly adds the tangent line at
    ///   the arg-max of `|σ − p|` (the smallest such `x` on ties). Read as an
    ///   envelope: on the convex side `x ≤ 0`, `p` is the maximum of the lower
    ///   asymptote and the tangents at points `≤ 0`; on the concave side
    ///   `x ≥ 0`, the minimum of the upper asymptote and the tangents at points
    ///   `≥ 0`. The step's error is largest at 0, so the first tangent is at 0
    ///   and `n = 3` is `clip(1/2 + x/4, 0, 1)` for sigmoid and hard-tanh for
    ///   tanh; every further tangent adds one piece. The arg-max is searched in
    ///   floating point, tangent points are rounded to multiples of `2^−20`,
    ///   each tangent's slope and intercept to a dyadic grid (fine enough to
    ///   move no value by more than 1/4096 of the error), and the breakpoints
    ///   are the exact crossings of consecutive lines. By symmetry the arg-max
    ///   alternates between `x < 0` and `x > 0`, so an even `n` improves only
    ///   the negative side and has the same sup error on ℝ as `n − 1`.
    /// - ``FitMethod/equalError``: odd-symmetric (`p(−x) = 2σ(0) − p(x)`
    ///   exactly); `n` pieces for an odd `n` and `n − 1` for an even `n`. An
    ///   odd-symmetric continuous function has an odd number of pieces, and
    ///   numerically (a linear program for the values at given knots, searched
    ///   over the knots) no `n`-piece continuous function with constant tails
    ///   has a smaller sup error on ℝ than the best `(n − 1)`-piece one when `n`
    ///   is even (proofs/activation-error.md, §6). How the lines are placed:
    ///   ``EqualErrorSearch``.
    ///
    /// Softplus and ELU (convex on `(−∞, 0]`, `y = x` at +∞;
    /// ``ConvexFitSearch``): the outer pieces follow the two asymptotic lines,
    /// so the error is bounded on ℝ; every ELU fit is exactly `y = x` on
    /// `[0, ∞)` and has 0 as a breakpoint (the kink), except Algorithm 1 with
    /// `α = 1`, where ELU has no kink.
    /// - ``FitMethod/algorithm1``: exactly `n` pieces, the envelope of the
    ///   lower asymptote, `n − 2` tangents and `y = x` (for ELU with `α ≠ 1`
    ///   the first tangent is at 0⁻, through the origin), each tangent added at
    ///   the arg-max of the gap, as for sigmoid.
    /// - ``FitMethod/equalError``: at most `n` pieces, tangents to `f + ε`
    ///   through the joints where the error reaches `+ε`, for the least `ε`
    ///   found by bisection.
    ///
    /// ELU with `α < 0` (decreasing and concave on `(−∞, 0]`): the fit of
    /// ELU with `|α|` by the same method, its pieces left of 0 reflected
    /// (`y ↦ −y`, as `ELU_α = −ELU_|α|` there) and `y = x` right of 0; the
    /// reflected error is the same, and 0 stays a breakpoint (Algorithm 1 puts
    /// its first tangent at 0⁻ even for `α = −1`). ``concaveELU(_:pieces:method:)``.
    ///
    /// SiLU and GELU (not monotone, not convex; ``InterpolationFitSearch``):
    /// both methods give the same fit, `0` left of the first breakpoint,
    /// `y = x` right of the last, and linear interpolation of `f` at the
    /// breakpoints between, whose placement is searched in floating point.
    /// No optimality is claimed; the error is certified as for every fit.
    ///
    /// Fits are memoised: asking again for the same fit is a dictionary lookup.
    public static func fit(_ f: SmoothActivation, pieces n: Int, method: FitMethod) throws -> PiecewiseLinearFunction {
        guard n >= f.minimumPieces else {
            throw ActivationFitError("\(f.description) needs at least \(f.minimumPieces) pieces, got \(n)")
        }
        guard n <= maximumPieces else {
            throw ActivationFitError("\(n) pieces is more than the limit of \(maximumPieces)")
        }
        let key = FitKey(f: f, pieces: n, method: method)
        if let known = fitMemo.withLock({ $0[key] }) { return known }
        let p: PiecewiseLinearFunction
        if case .elu(let alpha) = f, alpha.sign < 0 {
            p = try concaveELU(alpha, pieces: n, method: method)
            fitMemo.withLock { $0[key] = p }
            return p
        }
        if f.isNonMonotone {
            p = try InterpolationFitSearch(f: f).fit(pieces: n)
            fitMemo.withLock { $0[key] = p }
            return p
        }
        switch (method, f.isSigmoidal) {
        case (.algorithm1, true): p = try algorithm1(f, pieces: n)
        case (.equalError, true): p = try equalError(f, pieces: n)
        case (.algorithm1, false): p = try convexAlgorithm1(f, pieces: n)
        case (.equalError, false): p = try convexEqualError(f, pieces: n)
        }
        fitMemo.withLock { $0[key] = p }
        return p
    }

    private struct FitKey: Hashable {
        let f: SmoothActivation
        let pieces: Int
        let method: FitMethod
    }

    private static let fitMemo = Mutex<[FitKey: PiecewiseLinearFunction]>([:])

    /// `x` rounded to the nearest multiple of `2^−bits`, as an exact rational.
    private static func onGrid(_ x: Double, bits: Int) throws(ActivationFitError) -> Rational {
        let scaled = (x * Double(sign: .plus, exponent: bits, significand: 1)).rounded()
        guard scaled.isFinite, let integer = Int(exactly: scaled) else {
            throw ActivationFitError("the fit search produced an unusable number \(x)")
        }
        return Rational(integer).timesPowerOfTwo(-bits)
    }

    /// The lines with slopes and intercepts rounded to a dyadic grid `2^−q`
    /// just fine enough that no value of a non-constant piece where it is used
    /// (`|x| ≤ reach`) moves by more than `error/4096`: short numbers — so
    /// short exact crossings for the regions' hyperplanes — at no visible
    /// cost in error (which is certified afterwards anyway).
    private static func exactLines(_ lines: [FloatLine], error: Double) throws(ActivationFitError) -> [PiecewiseLinearFunction.Line] {
        var reach = 1.0
        for i in lines.indices.dropFirst() {
            let crossing = (lines[i].intercept - lines[i - 1].intercept) / (lines[i - 1].slope - lines[i].slope)
            if crossing.isFinite { reach = max(reach, Swift.abs(crossing) + 1) }
        }
        let q = error > 0 && error.isFinite ? Int((reach * 4096 / error).exponent) + 1 : 60
        let bits = min(max(q, 24), 60)
        return try lines.map { line throws(ActivationFitError) in
            PiecewiseLinearFunction.Line(slope: try onGrid(line.slope, bits: bits), intercept: try onGrid(line.intercept, bits: bits))
        }
    }

    static func algorithm1(_ f: SmoothActivation, pieces n: Int) throws -> PiecewiseLinearFunction {
        let search = Algorithm1Search(f: f)
        guard let points = search.tangentPoints(pieces: n) else {
            throw ActivationFitError("Algorithm 1 cannot place \(n - 2) distinct tangents for \(f.description) on its 2^-20 grid")
        }
        let floatLines = search.lines(tangentPoints: points)
        let lines = try exactLines(floatLines, error: search.worst(floatLines).error)
        do {
            return try PiecewiseLinearFunction(lines: lines)
        } catch {
            throw ActivationFitError("Algorithm 1 with \(n) pieces for \(f.description) lost its envelope order: \(error)")
        }
    }

    static func convexAlgorithm1(_ f: SmoothActivation, pieces n: Int) throws -> PiecewiseLinearFunction {
        let search = ConvexFitSearch(f: f)
        guard let points = search.tangentPoints(pieces: n) else {
            throw ActivationFitError("Algorithm 1 cannot place \(n - 2) distinct tangents for \(f.description) on its 2^-20 grid")
        }
        let floatLines = search.lines(tangentPoints: points)
        return try exactConvexFit(f, floatLines, error: search.worst(floatLines).error, method: "Algorithm 1", pieces: n)
    }

    static func convexEqualError(_ f: SmoothActivation, pieces n: Int) throws -> PiecewiseLinearFunction {
        guard let found = ConvexFitSearch(f: f).fit(pieces: n) else {
            throw ActivationFitError("the equal-error search failed for \(f.description) with \(n) pieces")
        }
        return try exactConvexFit(f, found.lines, error: 2 * found.eps, method: "the equal-error fit", pieces: n)
    }

    /// The fit of ELU with `α < 0`: the float lines of the `|α|` fit, negated
    /// but for the last, `y = x`. For `x ≤ 0`, `ELU_α(x) = −ELU_|α|(x)`, so the
    /// reflected lines are as close to `ELU_α` as the originals to `ELU_|α|`;
    /// the line before `y = x` passes through the origin (intercept 0 stays
    /// 0), so the pieces still meet in order and 0 is the kink's breakpoint.
    static func concaveELU(_ alpha: Rational, pieces n: Int, method: FitMethod) throws -> PiecewiseLinearFunction {
        let f = SmoothActivation.elu(alpha: alpha)
        let mirror = SmoothActivation.elu(alpha: -alpha)
        let floatLines: [FloatLine], error: Double, name: String
        switch method {
        case .algorithm1:
            let search = ConvexFitSearch(f: mirror, tangentAtOrigin: true)
            guard let points = search.tangentPoints(pieces: n) else {
                throw ActivationFitError("Algorithm 1 cannot place \(n - 2) distinct tangents for \(f.description) on its 2^-20 grid")
            }
            floatLines = search.lines(tangentPoints: points)
            error = search.worst(floatLines).error
            name = "Algorithm 1"
        case .equalError:
            guard let found = ConvexFitSearch(f: mirror).fit(pieces: n) else {
                throw ActivationFitError("the equal-error search failed for \(f.description) with \(n) pieces")
            }
            (floatLines, error, name) = (found.lines, 2 * found.eps, "the equal-error fit")
        }
        let reflected = floatLines.dropLast().map { FloatLine(slope: -$0.slope, intercept: -$0.intercept) } + [floatLines.last!]
        return try exactConvexFit(f, reflected, error: error, method: name, pieces: n)
    }

    /// Rounds a softplus or ELU fit's lines; for ELU `y = x` stays exact (no
    /// error on `[0, ∞)`) and a line through the origin before it keeps
    /// intercept exactly 0, so 0 stays a breakpoint.
    private static func exactConvexFit(
        _ f: SmoothActivation, _ floatLines: [FloatLine], error: Double, method: String, pieces n: Int
    ) throws -> PiecewiseLinearFunction {
        var lines = try exactLines(floatLines, error: error)
        if case .elu = f, lines.count >= 2 {
            lines[lines.count - 1] = PiecewiseLinearFunction.Line(slope: .one, intercept: .zero)
            // The line through the origin (the tangent at 0⁻ or the equal-error middle line) stays through it.
            if floatLines[floatLines.count - 2].intercept == 0 {
                lines[lines.count - 2] = PiecewiseLinearFunction.Line(slope: lines[lines.count - 2].slope, intercept: .zero)
            }
        }
        do {
            return try PiecewiseLinearFunction(lines: lines)
        } catch {
            throw ActivationFitError("\(method) with \(n) pieces for \(f.description) lost its order: \(error)")
        }
    }

    static func equalError(_ f: SmoothActivation, pieces n: Int) throws -> PiecewiseLinearFunction {
        let k = (n - 1) / 2  // n − 1 pieces for an even n
        guard let found = EqualErrorSearch(f: f).fit(k: k) else {
            throw ActivationFitError("the equal-error search failed for \(f.description) with \(n) pieces")
        }
        let center = f.valueAtZero
        let middleLine = FloatLine(slope: found.middleSlope, intercept: center.nearestDouble)
        let rounded = try exactLines(found.left + [middleLine], error: found.eps)
        let left = Array(rounded.dropLast())
        let middle = PiecewiseLinearFunction.Line(slope: rounded.last!.slope, intercept: center)
        // The mirror image of y = s·x + c under (x, y) ↦ (−x, 2σ(0) − y) is y = s·x + (2σ(0) − c).
        let right = left.reversed().map { PiecewiseLinearFunction.Line(slope: $0.slope, intercept: 2 * center - $0.intercept) }
        do {
            return try PiecewiseLinearFunction(lines: left + [middle] + right)
        } catch {
            throw ActivationFitError("the equal-error fit with \(n) pieces for \(f.description) lost its order: \(error)")
        }
    }
}
