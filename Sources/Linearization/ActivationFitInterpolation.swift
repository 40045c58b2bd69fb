import ExactArithmetic
import Verification
import Foundation

// The untrusted, floating-point search for fits of SiLU and GELU, which are
// neither monotone nor convex, so the tangent envelopes of the other fits do
// not apply. A fit interpolates f at its breakpoints; nothing here is a
// claim — certifiedError bounds the error of whatever comes out.

/// The fits of SiLU and GELU: `n − 1` breakpoints `b_1 < … < b_{n−1}`, a
/// constant left of `b_1` and a line of slope 1 right of `b_{n−1}` (the
/// asymptotes `y = 0` and `y = x`, shifted by half the gap at the end, so the
/// error is bounded on ℝ), and the values `f(b_i)` at the breakpoints
/// between, joined linearly. The breakpoints equidistribute
/// `√|f''|` (the density that equalises linear interpolation's error) over
/// `[L, R]`, with `L` and `R` searched to make the sampled sup error small.
/// Breakpoints are multiples of `2^−16` and values of `2^−32`, so the pieces
/// are exact rationals and continuous by construction.
struct InterpolationFitSearch {
    let f: SmoothActivation

    func fit(pieces n: Int) throws(ActivationFitError) -> PiecewiseLinearFunction {
        if n == 2 {
            // max(0, x): both asymptotes.
            return try exact(breakpoints: [.zero], values: [.zero], tails: (.zero, .zero))
        }
        var best = (l: -8.0, r: 8.0)
        var bestError = sampledError(nodes(best.l, best.r, count: n - 1))
        // Coordinate search on L and R (golden section on a log scale).
        for _ in 0..<3 {
            for side in 0..<2 {
                var a = 0.0, b = log(40.0)
                let phi = (5.0.squareRoot() - 1) / 2
                func error(_ t: Double) -> Double {
                    let v = exp(t)
                    return sampledError(nodes(side == 0 ? -v : best.l, side == 0 ? best.r : v, count: n - 1))
                }
                var c = b - phi * (b - a), d = a + phi * (b - a)
                var fc = error(c), fd = error(d)
                for _ in 0..<18 {
                    if fc < fd { b = d; d = c; fd = fc; c = b - phi * (b - a); fc = error(c) }
                    else { a = c; c = d; fc = fd; d = a + phi * (b - a); fd = error(d) }
                }
                let t = fc < fd ? c : d, e = min(fc, fd)
                if e < bestError {
                    bestError = e
                    if side == 0 { best.l = -exp(t) } else { best.r = exp(t) }
                }
            }
        }
        let b = nodes(best.l, best.r, count: n - 1)
        var grid: [Rational] = []
        for x in b {
            let q = try onGrid(x, bits: 16)
            if let last = grid.last, q <= last {
                throw ActivationFitError("the interpolation fit of \(f.description) with \(n) pieces has breakpoints closer than 2^-16")
            }
            grid.append(q)
        }
        let doubles = grid.map(\.nearestDouble)
        let values = try doubles.map { x throws(ActivationFitError) in try onGrid(f(x), bits: 32) }
        let tails = tailShifts(doubles)
        return try exact(breakpoints: grid, values: values, tails: (try onGrid(tails.0, bits: 32), try onGrid(tails.1, bits: 32)))
    }

    /// The function with the given breakpoints, values `values[i]` at the
    /// inner ones, the constant `tails.0` left of the first and `x + tails.1`
    /// right of the last (the end values are those of the tails).
    private func exact(breakpoints b: [Rational], values: [Rational], tails: (Rational, Rational)) throws(ActivationFitError) -> PiecewiseLinearFunction {
        var v = values
        v[0] = tails.0
        v[v.count - 1] = b[b.count - 1] + tails.1
        if b.count == 1 && v[0] != b[0] + tails.1 {
            throw ActivationFitError("a two-piece fit of \(f.description) needs equal tails")
        }
        var slopes: [Rational] = [.zero], intercepts: [Rational] = [tails.0]
        for i in 1..<b.count {
            let s = (v[i] - v[i - 1]) / (b[i] - b[i - 1])
            slopes.append(s)
            intercepts.append(v[i - 1] - s * b[i - 1])
        }
        slopes.append(.one)
        intercepts.append(tails.1)
        do {
            return try PiecewiseLinearFunction(breakpoints: b, slopes: slopes, intercepts: intercepts)
        } catch {
            throw ActivationFitError("the interpolation fit of \(f.description) is not a function: \(error)")
        }
    }

    private func onGrid(_ x: Double, bits: Int) throws(ActivationFitError) -> Rational {
        let scaled = (x * Double(sign: .plus, exponent: bits, significand: 1)).rounded()
        guard scaled.isFinite, let integer = Int(exactly: scaled) else {
            throw ActivationFitError("the fit search produced an unusable number \(x)")
        }
        return Rational(integer).timesPowerOfTwo(-bits)
    }

    /// The tails: the constant `f(b_1)/2` (f lies between `f(b_1)` and 0
    /// far left of its minimum) and the shift `(f(b_k) − b_k)/2` of `y = x`.
    private func tailShifts(_ b: [Double]) -> (Double, Double) {
        (0.5 * f(b[0]), 0.5 * (f(b[b.count - 1]) - b[b.count - 1]))
    }

    /// `count` breakpoints from `l` to `r` equidistributing `√|f''|` plus a floor.
    func nodes(_ l: Double, _ r: Double, count k: Int) -> [Double] {
        let m = 400
        let h = 1e-4
        var density = [Double](repeating: 0, count: m + 1)
        for j in 0...m {
            let x = l + (r - l) * Double(j) / Double(m)
            density[j] = abs((f.derivative(x + h) - f.derivative(x - h)) / (2 * h)).squareRoot()
        }
        let floor = 0.02 * (density.max() ?? 1)
        var cumulative = [0.0]
        for j in 1...m { cumulative.append(cumulative[j - 1] + 0.5 * (density[j - 1] + density[j]) + floor) }
        let total = cumulative[m]
        var out: [Double] = [l]
        var j = 0
        for i in 1..<(k - 1) {
            let target = total * Double(i) / Double(k - 1)
            while cumulative[j + 1] < target { j += 1 }
            let t = (target - cumulative[j]) / (cumulative[j + 1] - cumulative[j])
            out.append(l + (r - l) * (Double(j) + t) / Double(m))
        }
        out.append(r)
        return out
    }

    /// The sup of `|f − p|` sampled: 12 points per piece and on both tails.
    func sampledError(_ b: [Double]) -> Double {
        let k = b.count
        let (left, right) = tailShifts(b)
        var values = b.map { f($0) }
        values[0] = left
        values[k - 1] = b[k - 1] + right
        var worst = 0.0
        for i in 1..<k {
            for j in 0...12 {
                let x = b[i - 1] + (b[i] - b[i - 1]) * Double(j) / 12
                let p = values[i - 1] + (values[i] - values[i - 1]) * (x - b[i - 1]) / (b[i] - b[i - 1])
                worst = max(worst, abs(f(x) - p))
            }
        }
        for j in 0...40 {
            let d = Double(j) * Double(j) / 16  // up to 100 beyond the ends
            worst = max(worst, abs(f(b[0] - d) - left), abs(f(b[k - 1] + d) - (b[k - 1] + d + right)))
        }
        return worst
    }
}
