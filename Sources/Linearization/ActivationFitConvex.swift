import Verification
import Foundation
import Synchronization

// The untrusted, floating-point search for fits of softplus and ELU. Both are
// convex on (−∞, 0], tend to a horizontal line at −∞ and follow y = x at +∞
// (softplus asymptotically, ELU exactly on [0, ∞)). A fit's outer pieces
// follow those two lines, so its error is bounded on ℝ. For ELU the right
// piece is y = x itself and the piece before it passes through the origin,
// so 0 is a breakpoint of every ELU fit (the kink when α ≠ 1) and the error
// is 0 on [0, ∞). Nothing here is a claim: certifiedError bounds the error.

/// The search behind the fits of softplus and ELU.
struct ConvexFitSearch {
    let f: SmoothActivation
    /// Makes Algorithm 1 put its first tangent at 0⁻ even for ELU with
    /// `α = 1` (where that tangent is `y = x` itself), so that the fit's
    /// mirror image for `α = −1` keeps its kink at 0 as a breakpoint.
    var tangentAtOrigin = false

    /// The right line `y = x`.
    static let identityLine = FloatLine(slope: 1, intercept: 0)

    /// True for ELU, whose fits end at the origin and continue as `y = x`.
    var endsAtOrigin: Bool {
        if case .elu = f { return true }
        return false
    }

    /// `f'(0⁻)`: `α` for ELU (the largest slope on the convex side).
    var slopeAtOrigin: Double { f.derivative(0) }

    // MARK: Algorithm 1: the envelope of tangents

    /// The lower asymptote, the tangents at the points in increasing order,
    /// and `y = x`; for ELU with `α ≠ 1` the tangent at 0 (slope `α`, through
    /// the origin) is among the points, so the last breakpoint is 0.
    func lines(tangentPoints points: [Double]) -> [FloatLine] {
        [FloatLine(slope: 0, intercept: f.lowerDouble)] + points.sorted().map { f.tangent(at: $0) } + [Self.identityLine]
    }

    /// The largest gap `f − p` (p lies below the convex f on the convex
    /// side, and `f − line` is convex on each piece, so the gap is largest at
    /// a breakpoint; it tends to 0 at both ends) and where (smallest `x` among near-ties).
    func worst(_ lines: [FloatLine]) -> (x: Double, error: Double) {
        var candidates: [(x: Double, error: Double)] = []
        for i in lines.indices.dropFirst() {
            let x = (lines[i].intercept - lines[i - 1].intercept) / (lines[i - 1].slope - lines[i].slope)
            if x.isFinite { candidates.append((x, Swift.abs(f(x) - lines[i](x)))) }
        }
        let largest = candidates.map(\.error).max() ?? 0
        return (candidates.filter { $0.error >= largest * (1 - 1e-9) }.map(\.x).min() ?? 0, largest)
    }

    /// The `n − 2` tangent points of the `n`-piece fit (for ELU with `α ≠ 1`,
    /// 0 first), each rounded to Algorithm 1's grid; nil when a rounded point repeats.
    func tangentPoints(pieces n: Int) -> [Double]? {
        let first: [Double] = endsAtOrigin && (slopeAtOrigin != 1 || tangentAtOrigin) ? [0] : []
        let worstPoint = { (points: [Double]) in worst(lines(tangentPoints: points)).x }
        if tangentAtOrigin {
            return greedyTangentPoints(count: n - 2, start: first, keepAtLeast: 0, cache: Self.sequencesFromOrigin, key: f,
                                       worstPoint: worstPoint)
        }
        return greedyTangentPoints(count: n - 2, start: first, keepAtLeast: 0, cache: Self.sequences, key: f, worstPoint: worstPoint)
    }

    private static let sequences = Mutex<[SmoothActivation: [Double]]>([:])
    private static let sequencesFromOrigin = Mutex<[SmoothActivation: [Double]]>([:])

    // MARK: Equal error

    /// The root of an increasing `g` on `[a, ∞)` with `g(a) < 0`: the upper
    /// end is found by doubling (nil when `g` stays negative up to `a + 2^12`).
    func rootAbove(_ g: (Double) -> Double, _ a: Double) -> Double? {
        var step = 1.0
        while step <= 4096 {
            if g(a + step) >= 0 { return increasingRoot(g, a, a + step) }
            step *= 2
        }
        return nil
    }

    /// The fit at tolerance `eps` with at most `k` lines before the closing
    /// part, or nil when `k` lines do not reach. All lines are tangent to the
    /// convex `f + ε` (so `f − p ≥ −ε`), and `p` is their upper envelope: the
    /// lower asymptote raised by `ε`; each next line through the previous
    /// joint `(x, f(x) − ε)`, where the error has risen to `+ε`; and the
    /// closing line (``closingLine(eps:)``), used as soon as it meets the
    /// current line no later than its joint (then the error stays `≤ ε`).
    /// For ELU, `y = x` follows the closing line from the origin.
    func sweep(eps: Double, lines k: Int) -> [FloatLine]? {
        let closing = closingLine(eps: eps)
        let tail = endsAtOrigin ? [closing, Self.identityLine] : [closing]
        var lines = [FloatLine(slope: 0, intercept: f.lowerDouble + eps)]
        var x = f.inverse(aboveLower: 2 * eps)
        while true {
            if f(x) - closing(x) <= eps { return lines + tail }
            guard lines.count < k else { return nil }
            let start = x, value = f(x)
            // The gap at `start` between f and its tangent at t grows with t on the convex part.
            let gap = { (t: Double) in value - (f(t) + f.derivative(t) * (start - t)) - 2 * eps }
            let t: Double
            if endsAtOrigin {
                guard gap(0) > 0 else { return lines + tail }
                t = increasingRoot(gap, start, 0)
            } else {
                guard let root = rootAbove(gap, start) else { return lines + tail }
                t = root
            }
            let s = f.derivative(t)
            let line = FloatLine(slope: s, intercept: f(t) + eps - s * t)
            lines.append(line)
            // Past its tangent point the error of `line` rises; where it reaches +ε is the next joint.
            let rise = { (z: Double) in f(z) - line(z) - eps }
            if endsAtOrigin {
                // Its error stays below ε up to 0, past where it meets the closing line.
                guard rise(0) > 0 else { return lines.count <= k ? lines + tail : nil }
                x = increasingRoot(rise, t, 0)
            } else {
                guard let root = rootAbove(rise, t) else { return lines.count <= k ? lines + tail : nil }
                x = root
            }
        }
    }

    /// The last line before (for ELU) `y = x`, tangent to `f + ε`: softplus's
    /// `y = x + ε` (tangent at +∞); for ELU the line through the origin
    /// tangent to `f + ε` at the `c < 0` with `f(c) + ε = f'(c)·c`
    /// (`f'(c)c − f(c)` decreases on `(−∞, 0)`, so `c` is unique), whose
    /// error rises from `−ε` at `c` to 0 at the origin.
    func closingLine(eps: Double) -> FloatLine {
        guard endsAtOrigin else { return FloatLine(slope: 1, intercept: eps) }
        let g = { (c: Double) in f(c) + eps - f.derivative(c) * c }
        let c = increasingRoot(g, f.inverse(aboveLower: eps) - 40, 0)
        return FloatLine(slope: f.derivative(c), intercept: 0)
    }

    /// The least tolerance (by bisection) at which `n` pieces suffice, and the lines.
    func fit(pieces n: Int) -> (lines: [FloatLine], eps: Double)? {
        let k = endsAtOrigin ? n - 2 : n - 1  // lines before the closing part
        // Feasible starts: for ELU the first joint is below 0 (2ε < α); for
        // softplus ε ≥ log(2)/2 closes at once (the shifted max(0, x)).
        var low = 1e-15, high = endsAtOrigin ? -f.lowerDouble * 0.45 : 0.35
        while true {
            let m = (low * high).squareRoot()
            if m <= low || m >= high || high - low <= high * 1e-15 { break }
            if sweep(eps: m, lines: k) != nil { high = m } else { low = m }
        }
        guard let lines = sweep(eps: high, lines: k) else { return nil }
        return (lines, high)
    }
}
