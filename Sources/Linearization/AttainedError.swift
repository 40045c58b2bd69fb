import ExactArithmetic
import NeuralNetwork
import Verification

/// The largest `|f_i(x) − g_i(x)|` a search found in the box: a rigorous
/// lower bound on `max over the box of |f − g|`, to print beside the
/// certified upper bound so a user sees how tight the certificate is.
///
/// The search (random points, the box's centre and corners, then projected
/// sign-gradient ascent from the best of them) runs in floating point and
/// proves nothing; only its final points are evaluated rigorously — `f` and
/// `g` enclosed by `IntervalPropagation` on the one-point box — so
/// `lowerBound` is true whatever the search did.
public struct AttainedError: Sendable {
    /// A rational `a ≥ 0` with `|f_logit(point) − g_logit(point)| ≥ a`, proven
    /// from enclosures of both (zero when the search found nothing provable).
    public let lowerBound: Rational
    /// Where it is attained: a point of the box.
    public let point: [Rational]
    /// Which logit.
    public let logit: Int
    /// The float estimate of `|f − g|` at `point` (display only).
    public let estimate: Double

    /// Searches `box` for a large `|f − g|`, deterministically for a given
    /// `seed`: `samples` random points plus the centre and as many random
    /// corners, then `ascentSteps` steps of ascent from the `starts` best.
    public static func search(
        _ g: LinearizedNetwork, over box: InputBox, samples: Int = 200, starts: Int = 4,
        ascentSteps: Int = 40, seed: UInt64 = 1
    ) -> AttainedError {
        let low = box.lower.map(\.nearestDouble), high = box.upper.map(\.nearestDouble)
        var random = SplitMix(state: seed)
        var candidates = [zip(low, high).map { ($0 + $1) / 2 }]
        for _ in 0..<samples {
            candidates.append(zip(low, high).map { l, h in l + (h - l) * random.unit() })
            candidates.append(zip(low, high).map { l, h in random.unit() < 0.5 ? l : h })
        }
        let scored = candidates.map { x in (x, largestDifference(g, at: x)) }
            .sorted { $0.1.value > $1.1.value }
        var finals: [[Double]] = []
        for (start, _) in scored.prefix(max(1, starts)) {
            finals.append(ascend(g, from: start, low: low, high: high, steps: ascentSteps))
        }
        var best = AttainedError(lowerBound: .zero, point: box.lower, logit: 0, estimate: 0)
        for x in finals {
            let point = zip(x, zip(box.lower, box.upper)).map { v, bounds in
                min(max(Rational(exactly: v) ?? bounds.0, bounds.0), bounds.1)
            }
            let (proven, logit) = provenDifference(g, at: point)
            if proven > best.lowerBound || best.estimate == 0 {
                best = AttainedError(lowerBound: proven, point: point, logit: logit,
                                     estimate: largestDifference(g, at: point.map(\.nearestDouble)).value)
            }
        }
        return best
    }

    /// `max_i |f_i(x) − g_i(x)|` in floating point, its logit and sign.
    static func largestDifference(_ g: LinearizedNetwork, at x: [Double]) -> (value: Double, logit: Int, sign: Double) {
        let d = zip(g.original.logits(x), g.logits(x)).map { $0 - $1 }
        let i = d.indices.max { abs(d[$0]) < abs(d[$1]) }!
        return (abs(d[i]).isNaN ? 0 : abs(d[i]), i, d[i] < 0 ? -1 : 1)
    }

    /// Projected ascent of `s·(f_i − g_i)` for the logit `i` and sign `s` of
    /// the largest difference at the start: each step moves every coordinate
    /// by a shrinking fraction of its width in the direction of the
    /// gradient's sign, and keeps the best point seen.
    static func ascend(_ g: LinearizedNetwork, from start: [Double], low: [Double], high: [Double], steps: Int) -> [Double] {
        let (startValue, logit, sign) = largestDifference(g, at: start)
        var x = start, best = start, bestValue = startValue
        var fraction = 0.25
        for _ in 0..<steps {
            let gradient = differenceGradient(g, at: x, logit: logit)
            let moved = x.indices.map { j in
                min(max(x[j] + fraction * (high[j] - low[j]) * (sign * gradient[j] < 0 ? -1 : 1), low[j]), high[j])
            }
            let value = largestDifference(g, at: moved)
            if value.logit == logit, value.sign == sign, value.value > bestValue {
                best = moved
                bestValue = value.value
                x = moved
            } else {
                fraction /= 2
                x = best
            }
            if fraction < 1e-6 { break }
        }
        return best
    }

    /// `∇(f_logit − g_logit)` at `x`, by back-propagation through both.
    static func differenceGradient(_ g: LinearizedNetwork, at x: [Double], logit: Int) -> [Double] {
        let layers = g.original.layers
        var hf = x, hg = x
        var slopesF: [[Double]] = [], slopesG: [[Double]] = []
        for (layer, p) in zip(layers, g.activations) {
            let zf = layer.preActivation(hf), zg = layer.preActivation(hg)
            slopesF.append(zf.map { layer.activation.derivative($0) })
            slopesG.append(zg.map { p.slope(at: $0) })
            hf = zf.map { layer.activation($0) }
            hg = zg.map { p($0) }
        }
        func backward(_ slopes: [[Double]]) -> [Double] {
            var v = Array(repeating: 0.0, count: layers.last!.outputCount)
            v[logit] = 1
            for k in layers.indices.reversed() {
                v = layers[k].transposedProduct(zip(v, slopes[k]).map { $0 * $1 })
            }
            return v
        }
        return zip(backward(slopesF), backward(slopesG)).map { $0 - $1 }
    }

    /// The largest `a` over the logits with `|f_i(x) − g_i(x)| ≥ a` proven by
    /// enclosing `f(x)` and `g(x)`.
    static func provenDifference(_ g: LinearizedNetwork, at x: [Rational]) -> (Rational, Int) {
        guard let point = try? InputBox(lower: x, upper: x) else { return (.zero, 0) }
        let last = g.original.layers.count - 1
        let f = IntervalPropagation.originalOutputs(g.original, over: point)
        let y = IntervalPropagation.linearized(g, over: point).preActivation[last].map { g.activations[last].image(of: $0) }
        var best = (Rational.zero, 0)
        for i in f.indices {
            let gap = max(f[i].lower - y[i].upper, y[i].lower - f[i].upper)
            if gap > best.0 { best = (gap, i) }
        }
        return best
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a small deterministic generator, so
/// that a search's result depends on its seed alone (the benchmarks use it too).
package struct SplitMix: RandomNumberGenerator {
    package var state: UInt64

    package init(state: UInt64) { self.state = state }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A double in `[0, 1)`.
    package mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }
}
