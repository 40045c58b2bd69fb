import ExactArithmetic
import NeuralNetwork
import Verification

/// The largest `|f_i(x) − g_i(x)|` a search found in the box: a rigorous
/// lower bound on `max over the box of |f − g|`, to print beside the
/// certified upper bound so a user sees how tight the certificate is.
///
/// The search runs in floating point and proves nothing: random points, the
/// box's centre and random corners rank the objectives `±(f_i − g_i)`; each
/// of the most promising is then climbed by projected sign-gradient ascent
/// (steps shrinking from a tenth of the box's width) from its best sampled
/// points and from fresh random ones, which escape the sawtooth of the
/// activation errors more often. Only the best point of each climb is
/// evaluated rigorously — `f` and `g` enclosed by `IntervalPropagation` on
/// the one-point box — so `lowerBound` is true whatever the search did.
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
    /// corners rank the objectives; the best `objectives` of them are each
    /// climbed for `ascentSteps` steps from `starts` points (half the best
    /// sampled for that objective, half fresh random ones), the climbs
    /// running on every core.
    public static func search(
        _ g: LinearizedNetwork, over box: InputBox, samples: Int = 200, objectives: Int = 6, starts: Int = 6,
        ascentSteps: Int = 80, seed: UInt64 = 1
    ) -> AttainedError {
        let low = box.lower.map(\.nearestDouble), high = box.upper.map(\.nearestDouble)
        var random = SplitMix(state: seed)
        var candidates = [zip(low, high).map { ($0 + $1) / 2 }]
        for _ in 0..<samples {
            candidates.append(zip(low, high).map { l, h in l + (h - l) * random.unit() })
            candidates.append(zip(low, high).map { l, h in random.unit() < 0.5 ? l : h })
        }
        let sampled: [[Double]] = candidates.map { differences(g, at: $0) }
        // Objectives (logit, sign), most promising first; ties keep the order.
        let allObjectives: [Objective] = (0..<(sampled.first?.count ?? 0)).flatMap { i in
            [Objective(logit: i, sign: 1), Objective(logit: i, sign: -1)]
        }
        let peaks: [Double] = allObjectives.map { o in sampled.map { o.sign * $0[o.logit] }.max() ?? 0 }
        let order = allObjectives.indices.sorted { (peaks[$0], $1) > (peaks[$1], $0) }.prefix(max(1, objectives))
        var climbs: [(Objective, [[Double]])] = []
        for index in order {
            let o = allObjectives[index]
            let values = sampled.map { o.sign * $0[o.logit] }
            let best = values.indices.sorted { (values[$0], $1) > (values[$1], $0) }.prefix(max(1, starts / 2)).map { candidates[$0] }
            let fresh = (0..<max(0, starts - best.count)).map { _ in zip(low, high).map { l, h in l + (h - l) * random.unit() } }
            climbs.append((o, Array(best) + fresh))
        }
        let finals: [[Double]] = climbs.parallelMap { o, points in
            points.map { ascend(g, from: $0, logit: o.logit, sign: o.sign, low: low, high: high, steps: ascentSteps) }
                .max { $0.value < $1.value }!.point
        }
        var best = AttainedError(lowerBound: .zero, point: box.lower, logit: 0, estimate: 0)
        for x in finals {
            let point = zip(x, zip(box.lower, box.upper)).map { v, bounds in
                min(max(Rational(exactly: v) ?? bounds.0, bounds.0), bounds.1)
            }
            let (proven, logit) = provenDifference(g, at: point)
            if proven > best.lowerBound || best.estimate == 0 {
                best = AttainedError(lowerBound: proven, point: point, logit: logit,
                                     estimate: differences(g, at: point.map { $0.nearestDouble }).map { Swift.abs($0) }.max() ?? 0)
            }
        }
        return best
    }

    /// What one climb maximises: `sign·(f_logit − g_logit)`.
    struct Objective: Sendable {
        let logit: Int
        let sign: Double
    }

    /// `f_i(x) − g_i(x)` for every logit, in floating point (NaN as 0).
    static func differences(_ g: LinearizedNetwork, at x: [Double]) -> [Double] {
        zip(g.original.logits(x), g.logits(x)).map { $0 - $1 }.map { $0.isNaN ? 0 : $0 }
    }

    /// Projected sign-gradient ascent of `sign·(f_logit − g_logit)` from
    /// `start`: step `t` of `steps` moves every coordinate by
    /// `(0.1·(1 − t/steps) + 0.002)` of its width in the direction of the
    /// gradient's sign; the best point seen and its value.
    static func ascend(_ g: LinearizedNetwork, from start: [Double], logit: Int, sign: Double,
                       low: [Double], high: [Double], steps: Int) -> (point: [Double], value: Double) {
        var x = start, best = start, bestValue = sign * differences(g, at: start)[logit]
        for t in 0..<steps {
            let gradient = differenceGradient(g, at: x, logit: logit)
            let fraction = 0.1 * (1 - Double(t) / Double(steps)) + 0.002
            x = x.indices.map { j in
                min(max(x[j] + fraction * (high[j] - low[j]) * (sign * gradient[j] < 0 ? -1 : 1), low[j]), high[j])
            }
            let value = sign * differences(g, at: x)[logit]
            if value > bestValue {
                best = x
                bestValue = value
            }
        }
        return (best, bestValue)
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
