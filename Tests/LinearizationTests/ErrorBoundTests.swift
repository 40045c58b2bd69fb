import ExactArithmetic
import FixtureSupport
import Linearization
import Verification
import NeuralNetwork
import Testing

/// The largest possible `|f_i(x) − g_i(x)|` given an enclosure of `f_i(x)`.
func errorUpperEnd(_ f: RationalInterval, _ g: Rational) -> Rational {
    max((f.lower - g).magnitude, (f.upper - g).magnitude)
}

/// A random dense network with float32 weights.
func randomNetwork(inputs: Int, hidden: [Int], outputs: Int, activation: Activation, scale: Float, using rng: inout some RandomNumberGenerator) throws -> Network {
    var layers: [DenseLayer] = []
    var width = inputs
    for (k, n) in (hidden + [outputs]).enumerated() {
        let rows = (0..<n).map { _ in (0..<width).map { _ in Rational(exactly: Float.random(in: -scale...scale, using: &rng))! } }
        let bias = (0..<n).map { _ in Rational(exactly: Float.random(in: -0.5...0.5, using: &rng))! }
        layers.append(try DenseLayer(weights: RationalMatrix(rows: rows, columns: width), bias: bias,
                                     activation: k == hidden.count ? .identity : activation))
        width = n
    }
    return try Network(layers: layers)
}

typealias SplitMix = SeededGenerator

func randomPoint(in box: InputBox, using rng: inout some RandomNumberGenerator) -> [Rational] {
    (0..<box.dimension).map { j in
        let t = Rational(Int.random(in: 0...(1 << 20), using: &rng), 1 << 20)
        return box.lower[j] + t * (box.upper[j] - box.lower[j])
    }
}

@Suite struct ErrorBoundSoundnessTests {
    /// Random networks (1–3 hidden layers, sigmoid, tanh, softplus and ELU
    /// with α below, at and above 1 and negative, both fits): no sampled point
    /// has |f − g| above the certified bound, even at its high-precision upper end.
    @Test(arguments: [Activation.sigmoid, .tanh, .softplus, .elu(alpha: Rational(1, 2)), .elu(alpha: .one), .elu(alpha: 2),
                      .elu(alpha: Rational(-1, 2)), .elu(alpha: -2)])
    func noSampledPointExceedsTheBound(activation: Activation) throws {
        var rng = SplitMix(state: activation == .tanh ? 7 : activation == .sigmoid ? 11 : 13)
        for trial in 0..<12 {
            let depth = 1 + trial % 3
            let network = try randomNetwork(inputs: 1 + trial % 3, hidden: Array(repeating: 3 + trial % 4, count: depth),
                                            outputs: 1 + trial % 3, activation: activation, scale: 1.5, using: &rng)
            let box = try InputBox(lower: Array(repeating: -2, count: network.inputCount), upper: Array(repeating: Rational(3, 2), count: network.inputCount))
            for method in FitMethod.allCases {
                let g = try LinearizedNetwork(network, pieces: 3 + trial % 6, method: method)
                let bound = ErrorBound.certify(g, over: box, splits: trial % 2 == 0 ? 0 : 8)
                for _ in 0..<40 {
                    let x = randomPoint(in: box, using: &rng)
                    let f = enclosedLogits(network, at: x), gx = g.exactLogits(x)
                    for i in gx.indices {
                        #expect(errorUpperEnd(f[i], gx[i]) <= bound.perLogit[i], "trial \(trial) \(method) logit \(i)")
                    }
                }
            }
        }
    }

    /// A test that passes with an infinite bound is no test: on easy cases the
    /// bound is finite and within a stated factor of the largest error seen.
    @Test func boundIsTightOnAnEasyCase() throws {
        var rng = SplitMix(state: 3)
        let network = try randomNetwork(inputs: 1, hidden: [4], outputs: 1, activation: .tanh, scale: 1, using: &rng)
        let box = try InputBox(lower: [-1], upper: [1])
        let g = try LinearizedNetwork(network, pieces: 8, method: .defaultMethod)
        let bound = ErrorBound.certify(g, over: box, splits: 32)
        var observed = Rational.zero
        for k in 0...2000 {
            let x = [Rational(k - 1000, 1000)]
            let f = enclosedLogits(network, at: x)[0]
            observed = max(observed, (f.midpoint - g.exactLogits(x)[0]).magnitude)
        }
        #expect(observed.sign > 0)
        #expect(bound.maximum >= observed)
        #expect(bound.maximum <= observed * 3, "bound \(bound.maximum.nearestDouble) vs observed \(observed.nearestDouble)")
    }

    @Test func splittingNeverLoosensAndPiecewiseLinearModelsGetZero() throws {
        var rng = SplitMix(state: 5)
        let network = try randomNetwork(inputs: 2, hidden: [6, 6], outputs: 3, activation: .sigmoid, scale: 2, using: &rng)
        let box = try InputBox(lower: [-1, -1], upper: [1, 1])
        let g = try LinearizedNetwork(network, pieces: 6, method: .defaultMethod)
        let whole = ErrorBound.certify(g, over: box, splits: 0)
        let split = ErrorBound.certify(g, over: box, splits: 16)
        #expect(split.subBoxes == 17)
        for (a, b) in zip(split.perLogit, whole.perLogit) { #expect(a <= b) }
        #expect(split.maximum < whole.maximum)

        let relu = try randomNetwork(inputs: 2, hidden: [5], outputs: 2, activation: .relu, scale: 1, using: &rng)
        let exact = ErrorBound.certify(try LinearizedNetwork(relu, pieces: 3, method: .defaultMethod), over: box)
        #expect(exact.perLogit == [0, 0])
    }

    @Test func moreSmoothPiecesGiveSmallerBounds() throws {
        var rng = SplitMix(state: 9)
        let network = try randomNetwork(inputs: 2, hidden: [8], outputs: 2, activation: .sigmoid, scale: 2, using: &rng)
        let box = try InputBox(lower: [-2, -2], upper: [2, 2])
        let bounds = try [3, 6, 12, 24].map { ErrorBound.certify(try LinearizedNetwork(network, pieces: $0, method: .defaultMethod), over: box).maximum }
        for (a, b) in zip(bounds, bounds.dropFirst()) { #expect(b < a) }
    }

    @Test func fewestPiecesMeetsTheTargetAndStopsAtTheCap() throws {
        var rng = SplitMix(state: 13)
        let network = try randomNetwork(inputs: 2, hidden: [6], outputs: 2, activation: .tanh, scale: 1, using: &rng)
        let box = try InputBox(lower: [-1, -1], upper: [1, 1])
        let found = try PieceCountSearch.fewestPieces(network, over: box, target: Rational(1, 100), method: .defaultMethod, splits: 0, maximumPieces: 64)
        #expect(found.met)
        #expect(found.bound.maximum <= Rational(1, 100))
        if found.pieces > 3 {
            let fewer = try LinearizedNetwork(network, pieces: found.pieces - 1, method: .defaultMethod)
            #expect(ErrorBound.certify(fewer, over: box).maximum > Rational(1, 100))
        }
        let capped = try PieceCountSearch.fewestPieces(network, over: box, target: Rational(1, 1_000_000_000), method: .defaultMethod, splits: 0, maximumPieces: 5)
        #expect(!capped.met)
        #expect(capped.pieces <= 5)
    }

    @Test func rejectsTooFewPieces() throws {
        var rng = SplitMix(state: 1)
        let network = try randomNetwork(inputs: 1, hidden: [2], outputs: 1, activation: .sigmoid, scale: 1, using: &rng)
        #expect(throws: InputError("sigmoid needs at least 3 pieces, got 2")) {
            try LinearizedNetwork(network, pieces: 2, method: .defaultMethod)
        }
    }
}

@Suite struct FixtureLinearizationTests {
    /// The scikit-learn tanh/logistic fixtures linearize and certify; sampled
    /// points stay within the bound.
    @Test(arguments: Fixtures.models().filter { $0.layers.contains { $0.activation == "tanh" || $0.activation == "sigmoid" } })
    func certifiesAndHolds(model: Fixtures.Model) throws {
        let network = try Network(contentsOf: model.modelPath)
        let points = try PointSet(contentsOf: model.pointsPath("models"), dimension: network.inputCount).points
        let lower = (0..<network.inputCount).map { j in points.map { $0[j] }.min()! }
        let upper = (0..<network.inputCount).map { j in points.map { $0[j] }.max()! }
        let box = try InputBox(lower: lower, upper: upper)
        let g = try LinearizedNetwork(network, pieces: 16, method: .defaultMethod)
        let bound = ErrorBound.certify(g, over: box, splits: 4)
        #expect(bound.maximum.nearestDouble.isFinite)
        for x in points {
            let f = enclosedLogits(network, at: x), gx = g.exactLogits(x)
            for i in gx.indices { #expect(errorUpperEnd(f[i], gx[i]) <= bound.perLogit[i]) }
        }
    }
}
