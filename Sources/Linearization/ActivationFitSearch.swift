import Verification
import Foundation
import Synchronization

// The untrusted, floating-point half of the fits: where Algorithm 1 puts its
// tangents and where the equal-error fit puts its lines. Nothing here is a
// claim — ActivationFit turns the lines into an exact continuous function and
// certifiedError bounds its error rigorously, whatever the search got wrong.

/// A line `slope·x + intercept` in floating point.
struct FloatLine {
    var slope: Double
    var intercept: Double
    func callAsFunction(_ x: Double) -> Double { slope * x + intercept }
}

extension SmoothActivation {
    var lowerDouble: Double { lowerAsymptote.nearestDouble }
    var upperDouble: Double { upperAsymptote.nearestDouble }
    var centerDouble: Double { valueAtZero.nearestDouble }
    /// `σ'(0)`, the largest slope.
    var peakSlope: Double { lipschitz.nearestDouble }

    /// The tangent line at `t`.
    func tangent(at t: Double) -> FloatLine {
        let s = derivative(t)
        return FloatLine(slope: s, intercept: self(t) - s * t)
    }

    /// The `x` with `σ(x) = lower + d` for small `d > 0` (below `upper − lower`
    /// for sigmoid and tanh, below `α` for ELU), accurate for small `d`.
    func inverse(aboveLower d: Double) -> Double {
        switch self {
        case .sigmoid: Foundation.log(d / (1 - d))
        case .tanh: 0.5 * Foundation.log(d / (2 - d))
        case .softplus: Foundation.log(Foundation.expm1(d))
        case .elu(let alpha): Foundation.log(d / alpha.nearestDouble)
        case .silu, .gelu, .geluTanh: preconditionFailure("inverse(aboveLower:) is for monotone activations")
        }
    }

    /// The `x < 0` on the convex side with `σ'(x) = s`, for `0 < s < σ'(0⁻)`.
    func convexSideSlopePoint(_ s: Double) -> Double {
        switch self {
        case .sigmoid, .tanh: -positiveSlopePoint(s)
        case .softplus: Foundation.log(s / (1 - s))
        case .elu(let alpha): Foundation.log(s / alpha.nearestDouble)
        case .silu, .gelu, .geluTanh: preconditionFailure("convexSideSlopePoint is for monotone activations")
        }
    }

    /// The `x > 0` with `σ'(x) = s`, for `0 < s < peakSlope` (σ' is even and
    /// decreasing in `|x|`, so `−x` is the other solution). Sigmoid and tanh only.
    func positiveSlopePoint(_ s: Double) -> Double {
        switch self {
        case .softplus, .elu, .silu, .gelu, .geluTanh:
            preconditionFailure("positiveSlopePoint is for sigmoid and tanh")
        case .sigmoid:
            // σ = (1 + r)/2 with r = √(1 − 4s); x = log((1 + r)/(1 − r)), 1 − r = 4s/(1 + r).
            let r = (1 - 4 * s).squareRoot()
            return Foundation.log((1 + r) * (1 + r) / (4 * s))
        case .tanh:
            // tanh x = t = √(1 − s); x = ½ log((1 + t)/(1 − t)), 1 − t = s/(1 + t).
            let t = (1 - s).squareRoot()
            return 0.5 * Foundation.log((1 + t) * (1 + t) / s)
        }
    }
}

/// The root of an increasing function on `[a, b]` with `g(a) < 0 ≤ g(b)`, by
/// bisection to the last bit.
func increasingRoot(_ g: (Double) -> Double, _ a: Double, _ b: Double) -> Double {
    var a = a, b = b
    while true {
        let m = 0.5 * (a + b)
        if m <= a || m >= b { return b }
        if g(m) < 0 { a = m } else { b = m }
    }
}

// MARK: - Algorithm 1

/// The paper's Algorithm 1 as a floating-point search: the tangent points.
struct Algorithm1Search {
    let f: SmoothActivation

    /// Tangent points are rounded to multiples of this (2^-20).
    static let grid = 1.0 / 1_048_576

    /// The convex-side lines (lower asymptote, tangents at points < 0), the
    /// tangent at 0, then the concave-side lines (tangents at points > 0,
    /// upper asymptote): the pieces of the envelope from left to right.
    func lines(tangentPoints points: [Double]) -> [FloatLine] {
        [FloatLine(slope: 0, intercept: f.lowerDouble)]
            + points.sorted().map { f.tangent(at: $0) }
            + [FloatLine(slope: 0, intercept: f.upperDouble)]
    }

    /// The arg-max of `|σ − p|` over ℝ (smallest `x` among near-ties): on each
    /// piece the extremes of `σ − line` are at the piece's ends or where
    /// `σ' = slope`; at ±∞ the error of an asymptote piece tends to 0.
    func worst(_ lines: [FloatLine]) -> (x: Double, error: Double) {
        var breakpoints: [Double] = []
        for i in lines.indices.dropFirst() {
            breakpoints.append((lines[i].intercept - lines[i - 1].intercept) / (lines[i - 1].slope - lines[i].slope))
        }
        var candidates: [(x: Double, error: Double)] = []
        for (i, line) in lines.enumerated() {
            let from = i == 0 ? -Double.infinity : breakpoints[i - 1]
            let to = i == breakpoints.count ? Double.infinity : breakpoints[i]
            var points = [Double]()
            if from.isFinite { points.append(from) }
            if to.isFinite { points.append(to) }
            if line.slope > 0 && line.slope < f.peakSlope {
                let c = f.positiveSlopePoint(line.slope)
                points += [-c, c].filter { $0 > from && $0 < to }
            } else if line.slope == f.peakSlope && from < 0 && 0 < to {
                points.append(0)
            }
            for x in points { candidates.append((x, Swift.abs(f(x) - line(x)))) }
        }
        let largest = candidates.map(\.error).max()!
        return (candidates.filter { $0.error >= largest * (1 - 1e-9) }.map(\.x).min()!, largest)
    }

    /// The `n − 2` tangent points of the `n`-piece fit, in the order the
    /// algorithm adds them (0 first), each rounded to the grid; nil when a
    /// rounded point repeats one already used (only for absurd `n`). The
    /// points for `n` are the first `n − 2` of those for any larger `n`, so the
    /// longest sequence found so far is kept and extended.
    func tangentPoints(pieces n: Int) -> [Double]? {
        greedyTangentPoints(count: n - 2, start: [0], keepAtLeast: 1, cache: Self.sequences, key: f) {
            worst(lines(tangentPoints: $0)).x
        }
    }

    /// The longest tangent sequence found for each function.
    private static let sequences = Mutex<[SmoothActivation: [Double]]>([:])
}

/// Algorithm 1's greedy sequence of tangent points, shared by both searches:
/// from `start`, add the point where the current fit is worst (`worstPoint`),
/// rounded to `Algorithm1Search.grid`, until there are `count`; nil when a
/// rounded point repeats (only for absurd counts). The points for a count are
/// a prefix of those for any larger one, so the longest sequence found is
/// kept in `cache` per function and extended; a prefix never drops below
/// `keepAtLeast` points.
func greedyTangentPoints(
    count: Int, start: [Double], keepAtLeast: Int, cache: borrowing Mutex<[SmoothActivation: [Double]]>,
    key: SmoothActivation, worstPoint: ([Double]) -> Double
) -> [Double]? {
    var points = cache.withLock { $0[key] } ?? start
    if points.count >= count { return Array(points.prefix(max(count, keepAtLeast))) }
    while points.count < count {
        let rounded = (worstPoint(points) / Algorithm1Search.grid).rounded() * Algorithm1Search.grid
        guard !points.contains(rounded) else { return nil }
        points.append(rounded)
    }
    cache.withLock { known in
        if (known[key]?.count ?? 0) < points.count { known[key] = points }
    }
    return points
}

// MARK: - Equal-error fit

/// The search behind ``FitMethod/equalError``: an odd-symmetric continuous fit
/// whose error reaches `±ε` alternately on every piece, for the least `ε` that
/// `n = 2k + 1` pieces allow.
///
/// For a tolerance `ε`, the left *sweep* starts with the constant `lower + ε`
/// (error `−ε` at −∞, `+ε` where it ends, at `σ(x) = lower + 2ε`) and adds
/// `k − 1` lines, each from the previous joint `(x, σ(x) − ε)` tangent to
/// `σ + ε` (error `−ε` at the touching point) and ending where it meets
/// `σ − ε` again (error `+ε`) — on a convex part this is the line through the
/// joint that stays within `ε` the longest. The right half is the mirror image
/// `x ↦ −x, y ↦ 2σ(0) − y`, and one middle line through `(0, σ(0))` joins the
/// two; `ε` is the least tolerance at which the middle line also stays within
/// `ε` (found by bisection).
struct EqualErrorSearch {
    let f: SmoothActivation

    /// The constant tail and `k − 1` longest lines at tolerance `eps`: the
    /// lines and the last joint; nil when a line would have to reach past 0.
    func sweep(eps: Double, pieces k: Int) -> (lines: [FloatLine], x: Double, y: Double)? {
        var lines = [FloatLine(slope: 0, intercept: f.lowerDouble + eps)]
        var x = f.inverse(aboveLower: 2 * eps), y = f.lowerDouble + eps
        guard x < 0 else { return nil }
        for _ in 1..<max(k, 1) {
            let start = x, value = f(x)
            // The gap at `start` between σ and its tangent at t grows with t on the convex part.
            let gap = { (t: Double) in value - (f(t) + f.derivative(t) * (start - t)) - 2 * eps }
            guard gap(0) > 0 else { return nil }
            let t = increasingRoot(gap, start, 0)
            let s = f.derivative(t)
            let line = FloatLine(slope: s, intercept: f(t) + eps - s * t)
            // σ − line − ε is −2ε at t and grows up to 0 (σ' > s there).
            let rise = { (z: Double) in f(z) - line(z) - eps }
            guard rise(0) > 0 else { return nil }
            x = increasingRoot(rise, t, 0)
            y = line(x)
            lines.append(line)
        }
        return (lines, x, y)
    }

    /// The middle line from the sweep's last joint through `(0, σ(0))`.
    func middleLine(joint x: Double, _ y: Double) -> FloatLine {
        FloatLine(slope: (f.centerDouble - y) / -x, intercept: f.centerDouble)
    }

    /// True when `σ − middle ≥ −eps` on `[x, 0]` (the error is `+ε` at `x`, 0
    /// at 0, and convex in between, so only its minimum can fail).
    func middleFits(_ middle: FloatLine, from x: Double, eps: Double) -> Bool {
        guard middle.slope < f.peakSlope else { return true }  // decreasing error
        let c = -f.positiveSlopePoint(middle.slope)
        guard c > x && c < 0 else { return true }
        return f(c) - middle(c) >= -eps
    }

    /// The fit with `2k + 1` pieces: the left sweep's lines (the right half is
    /// their mirror image), the middle line's slope, and `ε`.
    func fit(k: Int) -> (left: [FloatLine], middleSlope: Double, eps: Double)? {
        var low = 1e-15, high = (f.upperDouble - f.lowerDouble) / 4
        func feasible(_ eps: Double) -> Bool {
            guard let s = sweep(eps: eps, pieces: k) else { return true }  // the sweeps overlap: ε is ample
            return middleFits(middleLine(joint: s.x, s.y), from: s.x, eps: eps)
        }
        while true {
            let m = (low * high).squareRoot()
            if m <= low || m >= high || high - low <= high * 1e-15 { break }
            if feasible(m) { high = m } else { low = m }
        }
        guard let s = sweep(eps: high, pieces: k) else { return nil }
        return (s.lines, middleLine(joint: s.x, s.y).slope, high)
    }
}
