import LPSearch
import NeuralNetwork
import Verification

/// The certified enumeration's walk (`SplitTreeWalk` driven by
/// `LinearProgramming.split`) with every exact part switched off: the affine
/// maps, cuts and points in doubles, each cut decided by the box bound, the
/// known point's side and one float LP for the other side (its minimiser
/// walked to as in `split`), every LP answer believed, no certificate
/// recorded. The baseline of issue 11's "≤ 3× the time of the same enumeration
/// with every exact check switched off"; its region count is printed beside
/// the certified one (they agree when no float answer is wrong).
///
/// Differences that make it, if anything, slower than the real walk's float
/// part: no hint relaxation (the real split first tries the halfspaces of the
/// last emptiness proof), and a point found by no shortcut comes from a
/// Chebyshev LP.
struct FloatOnlyEnumeration {
    struct Layer {
        let rows: Int, columns: Int
        /// Row-major.
        let weights: [Double]
        let bias: [Double]
        let breakpoints: [Double], slopes: [Double], intercepts: [Double]
    }

    let layers: [Layer]
    let lower: [Double], upper: [Double]

    init(_ g: LinearizedNetwork, over box: InputBox) {
        layers = zip(g.original.layers, g.activations).map { layer, p in
            Layer(rows: layer.weights.rows, columns: layer.weights.columns,
                  weights: layer.weights.entries.map(\.nearestDouble), bias: layer.bias.map(\.nearestDouble),
                  breakpoints: p.breakpoints.map(\.nearestDouble), slopes: p.slopes.map(\.nearestDouble),
                  intercepts: p.intercepts.map(\.nearestDouble))
        }
        lower = box.lower.map(\.nearestDouble)
        upper = box.upper.map(\.nearestDouble)
    }

    struct State: Sendable {
        var region: FloatOnlyPolytope
        var witness: [Double]?
        var layer = 0, neuron = 0, breakpoint = 0
        /// This layer's pre-activations as affine maps of x: `rows × d` weights, row-major.
        var weights: [Double]
        var bias: [Double]
        var pieces: [Int] = []
    }

    /// The number of regions: the tree's top `forkDepth` both-sided cuts on a path
    /// fork the walk onto every core, as the certified enumeration's do.
    func regionCount(forkDepth: Int = 6) -> Int {
        let d = lower.count
        let centre = (0..<d).map { 0.5 * (lower[$0] + upper[$0]) }
        let root = State(region: FloatOnlyPolytope(lower: lower, upper: upper), witness: centre,
                         weights: layers[0].weights, bias: layers[0].bias)
        return count(from: root, forkDepth: forkDepth)
    }

    private func count(from start: State, forkDepth: Int) -> Int {
        var total = 0
        var pending = [start]
        walking: while var s = pending.popLast() {
            while s.layer < layers.count {
                let layer = layers[s.layer], t = s.breakpoint
                if t == layer.breakpoints.count {
                    finishNeuron(&s, piece: t)
                    continue
                }
                let d = lower.count
                let c = Array(s.weights[(s.neuron * d)..<((s.neuron + 1) * d)])
                let offset = s.bias[s.neuron] - layer.breakpoints[t]
                var low = offset, high = offset
                for j in 0..<d {
                    low += Swift.min(c[j] * lower[j], c[j] * upper[j])
                    high += Swift.max(c[j] * lower[j], c[j] * upper[j])
                }
                if low >= 0 { s.breakpoint += 1; continue }
                if high <= 0 { finishNeuron(&s, piece: t); continue }
                var below = s.region, above = s.region
                below.addNonpositive(c, plus: offset)
                above.addNonnegative(c, plus: offset)
                let sides: (below: [Double]?, above: [Double]?)
                if let w = s.witness {
                    var z = offset
                    for j in 0..<d { z += c[j] * w[j] }
                    if z < 0 {
                        sides = (w, otherSide(of: s.region, c, offset, towards: 1, child: above, witness: w))
                    } else if z > 0 {
                        sides = (otherSide(of: s.region, c, offset, towards: -1, child: below, witness: w), w)
                    } else {
                        sides = (interior(below), interior(above))
                    }
                } else {
                    sides = (interior(below), interior(above))
                }
                switch sides {
                case (nil, nil):
                    continue walking  // no interior on either side
                case (let wb?, nil):
                    s.witness = wb
                    finishNeuron(&s, piece: t)
                case (nil, let wa?):
                    s.witness = wa
                    s.breakpoint += 1
                case (let wb?, let wa?):
                    var upperState = s
                    upperState.region = above
                    upperState.witness = wa
                    upperState.breakpoint += 1
                    s.region = below
                    s.witness = wb
                    finishNeuron(&s, piece: t)
                    if forkDepth > 0 {
                        total += [s, upperState].parallelMap { count(from: $0, forkDepth: forkDepth - 1) }.reduce(0, +)
                        continue walking
                    }
                    pending.append(upperState)
                }
            }
            total += 1
        }
        return total
    }

    /// A point strictly inside `p` from its Chebyshev centre, nil when it has no interior.
    private func interior(_ p: FloatOnlyPolytope) -> [Double]? {
        guard let (x, radius) = p.centre(), radius > 0 else { return nil }
        return x
    }

    /// The side of `c·x + offset` towards `sigma` within `p`, whose other side holds `w`:
    /// empty when the float LP says `σz ≤ 0` on `p`; else a point on the segment from
    /// `w` past the zero crossing towards the LP's maximiser of `σz`, or the Chebyshev centre.
    private func otherSide(of p: FloatOnlyPolytope, _ c: [Double], _ offset: Double, towards sigma: Double,
                           child: FloatOnlyPolytope, witness w: [Double]) -> [Double]? {
        let nc = c.map { -sigma * $0 }, nd = -sigma * offset
        guard let (value, v) = p.minimum(of: nc, plus: nd, target: 0) else { return interior(child) }
        if value >= 0 { return nil }
        var fw = nd, fv = nd
        for j in 0..<w.count { fw += nc[j] * w[j]; fv += nc[j] * v[j] }
        if fw > 0, fv < 0 {
            let lambda = 0.5 * (1 + fw / (fw - fv))
            let x = (0..<w.count).map { w[$0] + lambda * (v[$0] - w[$0]) }
            if child.contains(x) { return x }
        }
        return interior(child)
    }

    /// Records the neuron's piece; after a layer's last neuron, composes the next layer's maps.
    private func finishNeuron(_ s: inout State, piece: Int) {
        s.pieces.append(piece)
        s.neuron += 1
        s.breakpoint = 0
        let layer = layers[s.layer]
        guard s.neuron == layer.rows else { return }
        let d = lower.count
        // The layer's outputs p(z) as affine maps of x.
        var outWeights = s.weights, outBias = s.bias
        for i in 0..<layer.rows {
            let slope = layer.slopes[s.pieces[i]], intercept = layer.intercepts[s.pieces[i]]
            for j in 0..<d { outWeights[i * d + j] *= slope }
            outBias[i] = slope * outBias[i] + intercept
        }
        s.pieces = []
        s.neuron = 0
        s.layer += 1
        guard s.layer < layers.count else { return }
        let next = layers[s.layer]
        var weights = [Double](repeating: 0, count: next.rows * d), bias = next.bias
        for r in 0..<next.rows {
            for k in 0..<next.columns {
                let a = next.weights[r * next.columns + k]
                if a == 0 { continue }
                for j in 0..<d { weights[r * d + j] += a * outWeights[k * d + j] }
                bias[r] += a * outBias[k]
            }
        }
        s.weights = weights
        s.bias = bias
    }
}
