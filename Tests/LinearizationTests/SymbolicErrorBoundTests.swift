import ExactArithmetic
import FixtureSupport
import Linearization
import NeuralNetwork
import Testing
@testable import Verification

/// The symbolic difference (proofs/symbolic-error-bound.md) against the
/// per-neuron recursion it refines, against high-precision samples, and the
/// margin bounds against the same samples.
@Suite struct SymbolicErrorBoundTests {
    /// Random smooth networks and boxes: the combined bound is never above
    /// the per-neuron one, logit by logit, and is strictly below it on some.
    @Test func neverLooserThanThePerNeuronRecursion() throws {
        var rng = SplitMix(state: 21)
        var strictlyTighter = 0
        for trial in 0..<10 {
            let activation: Activation = trial % 2 == 0 ? .tanh : .sigmoid
            let network = try randomNetwork(inputs: 2 + trial % 2, hidden: Array(repeating: 6, count: 1 + trial % 3),
                                            outputs: 2 + trial % 2, activation: activation, scale: 1.5, using: &rng)
            let box = try InputBox(lower: Array(repeating: -1, count: network.inputCount), upper: Array(repeating: 1, count: network.inputCount))
            let g = try LinearizedNetwork(network, pieces: 4 + trial % 5, method: .defaultMethod)
            let old = ErrorBound.certify(g, over: box, splits: 0, symbolic: false)
            let new = ErrorBound.certify(g, over: box, splits: 0, symbolic: true)
            for (a, b) in zip(new.perLogit, old.perLogit) { #expect(a <= b, "trial \(trial)") }
            if new.maximum < old.maximum { strictlyTighter += 1 }
        }
        #expect(strictlyTighter >= 5)
    }

    /// `|(f_i − f_j) − (g_i − g_j)|` at sampled points, with `f` enclosed at
    /// 200 bits, never exceeds the margin bound, which never exceeds
    /// `e_i + e_j`.
    @Test func marginBoundsHoldAtSampledPoints() throws {
        var rng = SplitMix(state: 23)
        var strictlyTighter = 0
        for trial in 0..<8 {
            let activation: Activation = trial % 2 == 0 ? .sigmoid : .tanh
            let network = try randomNetwork(inputs: 2, hidden: Array(repeating: 5, count: 1 + trial % 2), outputs: 3,
                                            activation: activation, scale: 2, using: &rng)
            let box = try InputBox(lower: [-1, Rational(-1, 2)], upper: [Rational(1, 2), 1])
            let g = try LinearizedNetwork(network, pieces: 3 + trial, method: .defaultMethod)
            let tables = ErrorBound.errorTables(for: g, over: box)
            let result = try #require(ErrorRecursion(g).evaluate(over: box) { k, r in tables[k]?.bound(on: r) })
            let pairs = ErrorRecursion.pairs(3)
            #expect(result.marginBound.count == pairs.count)
            for ((i, j), m) in zip(pairs, result.marginBound) {
                #expect(m <= result.bound[i] + result.bound[j])
                if m < result.bound[i] + result.bound[j] { strictlyTighter += 1 }
            }
            for _ in 0..<40 {
                let x = randomPoint(in: box, using: &rng)
                let f = enclosedLogits(network, at: x), y = g.exactLogits(x)
                for ((i, j), m) in zip(pairs, result.marginBound) {
                    let difference = (f[i] - f[j]) - RationalInterval(point: y[i] - y[j])
                    #expect(max(difference.upper, -difference.lower) <= m, "trial \(trial) pair \(i),\(j)")
                }
            }
        }
        #expect(strictlyTighter > 0)
    }

    /// The attained error is proven: an independent 200-bit enclosure of `f`
    /// at its point confirms `|f − g| ≥ lowerBound`, and it never exceeds the
    /// certified bound; on a smooth model it is positive.
    @Test func attainedErrorIsProvenAndBelowTheBound() throws {
        var rng = SplitMix(state: 29)
        for trial in 0..<4 {
            let network = try randomNetwork(inputs: 2, hidden: [6, 6], outputs: 2, activation: trial % 2 == 0 ? .tanh : .sigmoid,
                                            scale: 2, using: &rng)
            let box = try InputBox(lower: [-2, -1], upper: [1, 2])
            let g = try LinearizedNetwork(network, pieces: 5, method: .defaultMethod)
            let attained = AttainedError.search(g, over: box, samples: 50, seed: UInt64(trial))
            #expect(attained.lowerBound.sign > 0)
            #expect(zip(attained.point, zip(box.lower, box.upper)).allSatisfy { $0 >= $1.0 && $0 <= $1.1 })
            let f = enclosedLogits(network, at: attained.point)[attained.logit]
            let y = g.exactLogits(attained.point)[attained.logit]
            #expect(max(f.lower - y, y - f.upper) >= attained.lowerBound)
            #expect(attained.lowerBound <= ErrorBound.certify(g, over: box, splits: 8).perLogit[attained.logit])
        }
    }

    /// The scikit-learn smooth fixtures: with the default 64 splits the
    /// certified bound is within 3× of the error the search proves.
    @Test(arguments: Fixtures.models().filter { $0.layers.contains { $0.activation == "tanh" || $0.activation == "sigmoid" } })
    func withinThreeTimesTheAttainedError(model: Fixtures.Model) throws {
        let network = try Network(contentsOf: model.modelPath)
        let points = try PointSet(contentsOf: model.pointsPath("models"), dimension: network.inputCount).points
        let box = try InputBox(lower: (0..<network.inputCount).map { j in points.map { $0[j] }.min()! },
                               upper: (0..<network.inputCount).map { j in points.map { $0[j] }.max()! })
        let g = try LinearizedNetwork(network, pieces: 8, method: .defaultMethod)
        let bound = ErrorBound.certify(g, over: box, splits: 64)
        let attained = AttainedError.search(g, over: box)
        #expect(attained.lowerBound.sign > 0)
        let ratio = (bound.maximum / attained.lowerBound).nearestDouble
        #expect(ratio <= 3, "\(model.name): bound \(bound.maximum.nearestDouble), attained \(attained.lowerBound.nearestDouble)")
    }
}

/// `AffineForms` against exact arithmetic: at random points of the box the
/// exact values of `W x + b` and of a piecewise-linear activation lie in the
/// forms' ranges, also for weights that are not doubles (`1/3`).
@Suite struct AffineFormsTests {
    @Test func rangesHoldExactValues() throws {
        var rng = SplitMix(state: 31)
        for trial in 0..<20 {
            let m = 2 + trial % 3, n = 3 + trial % 4
            let rows = (0..<n).map { _ in (0..<m).map { _ in Rational(Int.random(in: -9...9, using: &rng), trial % 2 == 0 ? 3 : 8) } }
            let bias = (0..<n).map { _ in Rational(Int.random(in: -5...5, using: &rng), 7) }
            let layer = try DenseLayer(weights: RationalMatrix(rows: rows, columns: m), bias: bias, activation: .relu)
            let box = try InputBox(lower: Array(repeating: Rational(-1, 3), count: m), upper: Array(repeating: Rational(5, 7), count: m))
            let z = AffineForms.box(box).affine(RoundedLayer(layer))
            let relu = try #require(PiecewiseLinearFunction(exactly: .relu))
            let ranges = (0..<n).map { z.range($0)! }
            let y = z.relaxed((0..<n).map { Relaxation(relu, on: ranges[$0]) })
            for _ in 0..<50 {
                let x = randomPoint(in: box, using: &rng)
                for (j, value) in layer.exactPreActivation(x).enumerated() {
                    #expect(ranges[j].contains(value), "trial \(trial) neuron \(j)")
                    #expect(y.range(j)!.contains(relu(value)), "trial \(trial) neuron \(j) after ReLU")
                }
            }
        }
    }

    /// Shared symbols cancel: `x − x` has distance zero up to the bounded
    /// rounding (a few ulps of the width),
    /// where intervals would give the full width.
    @Test func sharedSymbolsCancel() throws {
        let box = try InputBox(lower: [-10], upper: [10])
        let layer = try DenseLayer(weights: RationalMatrix(rows: [[1], [1]], columns: 1), bias: [0, 0], activation: .identity)
        let z = AffineForms.box(box).affine(RoundedLayer(layer))
        #expect(z.distance(0, 1) < 1e-13)
        #expect(z.radius(0) >= 10)
    }
}

/// A layer whose weights are known only within a radius (a folded
/// BatchNormalization): the bound must hold for every network whose weights
/// lie in it. Tested against networks built at the radius's extremes.
@Suite struct WeightRadiusTests {
    @Test(arguments: [Activation.tanh, .relu])
    func boundHoldsForEveryWeightWithinTheRadius(activation: Activation) throws {
        var rng = SplitMix(state: 37)
        let base = try randomNetwork(inputs: 2, hidden: [5, 5], outputs: 2, activation: activation, scale: 1.5, using: &rng)
        let radiusScale = Rational(1, 200)
        // Layer 1 carries a radius proportional to its weights, as a folded BatchNorm's does.
        let first = base.layers[0]
        let weightRadius = first.weights.entries.map { $0.magnitude * radiusScale }
        let biasRadius = first.bias.map { $0.magnitude * radiusScale }
        let uncertain = try Network(layers: [try DenseLayer(weights: first.weights, bias: first.bias, activation: first.activation,
                                                            weightRadius: weightRadius, biasRadius: biasRadius)] + base.layers.dropFirst())
        let box = try InputBox(lower: [-1, -1], upper: [1, 1])
        let g = try LinearizedNetwork(uncertain, pieces: 6, method: .defaultMethod)
        let bound = ErrorBound.certify(g, over: box, splits: 4)
        let midpointBound = ErrorBound.certify(try LinearizedNetwork(base, pieces: 6, method: .defaultMethod), over: box, splits: 4)
        for (a, b) in zip(bound.perLogit, midpointBound.perLogit) { #expect(a > b, "the radius must widen the bound") }
        // Networks whose first layer sits at random corners of the radius.
        for _ in 0..<6 {
            let signs = (0..<weightRadius.count + biasRadius.count).map { _ in Bool.random(using: &rng) ? Rational.one : -Rational.one }
            let w = zip(first.weights.entries, zip(weightRadius, signs)).map { $0 + $1.0 * $1.1 }
            let b = zip(first.bias, zip(biasRadius, signs.suffix(biasRadius.count))).map { $0 + $1.0 * $1.1 }
            let rows = (0..<first.outputCount).map { i in Array(w[i * first.inputCount ..< (i + 1) * first.inputCount]) }
            let real = try Network(layers: [try DenseLayer(weights: RationalMatrix(rows: rows, columns: first.inputCount), bias: b,
                                                           activation: first.activation)] + base.layers.dropFirst())
            for _ in 0..<30 {
                let x = randomPoint(in: box, using: &rng)
                let f = enclosedLogits(real, at: x), y = g.exactLogits(x)
                for i in y.indices { #expect(errorUpperEnd(f[i], y[i]) <= bound.perLogit[i]) }
            }
        }
    }
}
