import ExactArithmetic
import FixtureSupport
import NeuralNetwork
import Polyhedra
import Testing
@testable import Certification
import Verification

/// `BackwardBound` against the exact one-input walk: whatever slopes,
/// multipliers and held pieces, its bound on `Y_0` must not exceed the exact
/// minimum of `Y_0` over the leaf, which the walk computes piece by piece.
@Suite struct BackwardBoundTests {
    /// The exact pre-activations of every layer at `x`.
    static func preActivations(_ layers: [DenseLayer], at x: Rational) -> [[Rational]] {
        var a = [x], out: [[Rational]] = []
        for layer in layers {
            let z = (0..<layer.outputCount).map { i in
                zip(layer.weights.row(i), a).reduce(layer.bias[i]) { $0 + $1.0 * $1.1 }
            }
            out.append(z)
            a = layer.activation == .relu ? z.map { max($0, .zero) } : z
        }
        return out
    }

    /// The exact minimum of `Y_0` over `{x ∈ [-2, 2] : z_n(x) on each held side}`; nil when that set is empty.
    static func exactMinimum(_ network: Network, held: [(layer: Int, neuron: Int, upper: Bool)]) -> Rational? {
        var best: Rational?
        for (a, b, y) in OneInputReference(layers: network.layers).pieces(from: -2, to: 2) {
            // On the piece every pre-activation is affine in x, so each held side is an interval.
            var low = a, high = b
            let za = preActivations(network.layers, at: a), zb = preActivations(network.layers, at: b)
            for h in held {
                let u = za[h.layer][h.neuron], v = zb[h.layer][h.neuron]
                let (su, sv) = h.upper ? (u, v) : (-u, -v)  // want s ≥ 0
                if su.sign >= 0, sv.sign >= 0 { continue }
                if su.sign < 0, sv.sign < 0 { low = 1; high = 0; break }
                let crossing = a + (b - a) * su / (su - sv)
                if su.sign < 0 { low = max(low, crossing) } else { high = min(high, crossing) }
            }
            guard low <= high else { continue }
            let values = [low, high].map { y[0].0 * $0 + y[0].1 }
            let m = values.min()!
            best = best.map { min($0, m) } ?? m
        }
        return best
    }

    @Test(arguments: 1...10)
    func boundsNeverExceedTheExactMinimum(seed: Int) throws {
        let network = try PropertyVerifierTests.network(seed: UInt64(seed))
        var random = SeededGenerator(state: UInt64(100 + seed))
        let bounder = BackwardBound(network)
        let box = try InputBox(lower: [-2], upper: [2])
        // Y_0 ≤ 0 with multiplier 1: the combination is Y_0 itself.
        let constraint = try VNNLIBProperty.OutputConstraint(coefficients: [(0, 1)], bound: .zero, strict: false)
        var compared = 0
        for trial in 0..<12 {
            // Held neurons in the two ReLU layers (global indices 0–11), random sides.
            let heldCount = trial % 4
            var pieces: PropertySplitTree.Pieces = [:]
            while pieces.count < heldCount { pieces[Int.random(in: 0..<12, using: &random)] = Bool.random(using: &random) }
            let held = pieces.map { (layer: $0.key / 6, neuron: $0.key % 6, upper: $0.value) }
            let leaf = try #require(bounder.leaf(box, pieces: pieces))
            // Any slope (even outside the pieces' slopes) and any β ≥ 0 must give a valid bound.
            var slopes: [Int: Double] = [:], betas: [Int: Double] = [:]
            for n in 0..<12 where pieces[n] == nil && trial % 3 != 0 { slopes[n] = Double.random(in: -0.5...1.5, using: &random) }
            for n in pieces.keys where trial % 2 == 1 { betas[n] = Double.random(in: 0...3, using: &random) }
            let bound = try #require(bounder.combinationLowerBound(leaf, constraints: [constraint], multipliers: BoundCertificate(indices: [0], values: [1]),
                                                                    slopes: slopes, betas: betas)).bound
            guard let minimum = Self.exactMinimum(network, held: held) else { continue }
            #expect(!leaf.empty, "a leaf with inputs was called empty (seed \(seed), trial \(trial))")
            #expect(bound.isFinite)
            #expect(Rational(exactly: bound)! <= minimum, "seed \(seed), trial \(trial): bound \(bound) above the exact minimum \(minimum.nearestDouble)")
            compared += 1
        }
        #expect(compared >= 6)
    }

    /// The searched choices make the bound no worse than the defaults, and
    /// with every neuron held the search's bound comes close to the exact minimum.
    @Test func searchedChoicesTighten() throws {
        let network = try PropertyVerifierTests.network(seed: 3)
        let bounder = BackwardBound(network)
        let box = try InputBox(lower: [-2], upper: [2])
        let constraint = try VNNLIBProperty.OutputConstraint(coefficients: [(0, 1)], bound: .zero, strict: false)
        let one = BoundCertificate(indices: [0], values: [1])
        let leaf = try #require(bounder.leaf(box))
        let plain = try #require(bounder.combinationLowerBound(leaf, constraints: [constraint], multipliers: one)).bound
        var search = RelaxationSearch(bounder, leaf: leaf, constraints: [constraint], multipliers: one)
        search.run(iterations: 60, target: .infinity)
        #expect(search.bestBound >= plain)
        let exact = try #require(Self.exactMinimum(network, held: []))
        #expect(Rational(exactly: search.bestBound)! <= exact)
    }
}

extension PropertyCertificateMutationTests {
    /// Leaf relaxations that name the wrong neurons or values are rejected;
    /// the genuine one (from a neuron-split search) is accepted.
    @Test func forgedRelaxationsFail() throws {
        let network = try PropertyVerifierTests.network(seed: 5)
        let top = OneInputReference(layers: network.layers).maximum(0, from: -2, to: 2)
        let file = ModelFile(selfContained: try JSONModelFormat.data(for: network), source: "model.json")
        let property = try PropertyVerifierTests.property("(assert (>= Y_0 \(top + Rational(1, 2))))")
        let result = try PropertyVerifier.verify(network, file: file, property: property, options: .init(timeout: 60, maximumDepth: 40, neuronSplits: true))
        let genuine = try #require(result.certificate)
        #expect(genuine.answer == "holds")
        #expect(!Self.rejects(genuine, file))
        let leaves = genuine.holds![0].leaves
        let k = try #require(leaves.firstIndex { $0.relaxation != nil })
        let covers = try genuine.holds![0].splitTree.leaves(of: property.cases[0].box, network: network)
        let heldHere = covers[k].pieces
        let free = (0..<12).first { heldHere[$0] == nil }!
        func with(_ change: (inout PropertyCertificate.LeafRelaxation) -> Void) -> PropertyCertificate {
            var forged = genuine
            change(&forged.holds![0].leaves[k].relaxation!)
            return forged
        }
        #expect(Self.rejects(with { $0.betas = .init(neurons: [free], values: [1]) }, file), "β on a neuron the leaf does not hold")
        #expect(Self.rejects(with { $0.slopes = .init(neurons: [12], values: [1]) }, file), "a slope on the identity output layer")
        #expect(Self.rejects(with { $0.slopes = .init(neurons: [free], values: [Rational(1, 3)]) }, file), "a slope that is not a double")
        if let h = heldHere.keys.min() {
            #expect(Self.rejects(with { $0.slopes = .init(neurons: [h], values: [1]) }, file), "a slope on a held neuron")
            #expect(Self.rejects(with { $0.betas = .init(neurons: [h], values: [-1]) }, file), "a negative β")
        }
        var weaker = genuine  // the same relaxations claimed for a threshold the network reaches
        weaker.property.cases[0].constraints[0].bound = -(top - Rational(1, 8))
        #expect(Self.rejects(weaker, file))
    }
}

/// The default search on more than 8 inputs (neuron splits, back-substitution)
/// on networks whose answer the exact one-input walk knows: a random
/// one-input network from `PropertyVerifierTests` embedded in 10 inputs, the
/// 9 others with zero weights (their box sides are irrelevant to the outputs).
@Suite struct ManyInputVerifyTests {
    static let d = 10

    static func embedded(_ network: Network) throws -> Network {
        let first = network.layers[0]
        let rows = (0..<first.outputCount).map { i in [first.weights.row(i)[0]] + Array(repeating: Rational.zero, count: d - 1) }
        let wide = try DenseLayer(weights: RationalMatrix(rows: rows, columns: d), bias: first.bias, activation: first.activation)
        return try Network(layers: [wide] + network.layers.dropFirst())
    }

    static func property(_ text: String) throws -> VNNLIBProperty {
        var header = (0..<d).map { "(declare-const X_\($0) Real)\n" }.joined() + "(declare-const Y_0 Real)\n(declare-const Y_1 Real)\n"
        header += "(assert (>= X_0 -2))\n(assert (<= X_0 2))\n"
        header += (1..<d).map { "(assert (>= X_\($0) -1))\n(assert (<= X_\($0) 1))\n" }.joined()
        return try VNNLIBProperty(vnnlib: header + text)
    }

    @Test func answersEqualTheExactWalk() throws {
        var decided = 0, split = 0
        for seed in 1...6 {
            let small = try PropertyVerifierTests.network(seed: UInt64(seed))
            let reference = OneInputReference(layers: small.layers)
            let top = reference.maximum(0, from: -2, to: 2)
            let network = try Self.embedded(small)
            for delta in [Rational(1, 4), Rational(-1, 4)] {
                let expected = delta.sign > 0 ? "holds" : "violated"
                let (result, checked) = try PropertyVerifierTests.verifyAndCheck(
                    network, try Self.property("(assert (>= Y_0 \(top + delta)))"), options: .init(timeout: 30, maximumDepth: 40))
                guard result.answer != "unknown" else { continue }
                decided += 1
                #expect(result.answer == expected, "seed \(seed), δ \(delta)")
                #expect(checked?.answer == expected)
                if let proof = result.certificate?.holds?[0] {
                    #expect(proof.leaves.allSatisfy { $0.relaxation != nil }, "more than 8 inputs: back-substituted leaves")
                    if proof.splitTree.nodes.contains(where: { $0 >= Self.d }) { split += 1 }
                }
            }
        }
        #expect(decided >= 10)
        #expect(split > 0, "some proof needed neuron splits")
    }
}

/// The lines of one neuron against exact values: below and above the
/// activation at the ends, at the breakpoint and at random points of the
/// range, for the rational path and the kink path alike.
@Suite struct NeuronLinesTests {
    @Test(arguments: [Activation.relu, .leakyReLU(slope: Rational(1, 8)), .leakyReLU(slope: Rational(1, 10)), .hardTanh(lower: -1, upper: 1)])
    func linesHoldTheActivation(activation: Activation) throws {
        let p = try #require(PiecewiseLinearFunction(exactly: activation))
        let kink = BackwardBound.Kink(p)
        var random = SeededGenerator(state: 7)
        for _ in 0..<200 {
            let low = -Double.random(in: 0.001...4, using: &random), high = Double.random(in: 0.001...4, using: &random)
            let lines = kink.map { BackwardBound.lines($0, low: low, high: high) } ?? BackwardBound.lines(p, low: low, high: high)
            let slope = Double.random(in: -1...2, using: &random)
            let lowerOffset = BackwardBound.lowerOffset(p, kink: kink, low: low, high: high, slope: slope)
            let l = Rational(exactly: low)!, u = Rational(exactly: high)!
            let points = [l, u, .zero, (l + u).timesPowerOfTwo(-1)] + (0..<8).map { _ in Rational(exactly: Double.random(in: low...high, using: &random))! }
            for z in points where l <= z && z <= u {
                let value = p(z)
                #expect(Rational(exactly: lines.lowerSlope)! * z + Rational(exactly: lines.lowerOffset)! <= value, "lower line at \(z) on [\(low), \(high)]")
                #expect(Rational(exactly: lines.upperSlope)! * z + Rational(exactly: lines.upperOffset)! >= value, "upper line at \(z) on [\(low), \(high)]")
                #expect(Rational(exactly: lines.magnitude)! >= value.magnitude)
                #expect(Rational(exactly: slope)! * z + Rational(exactly: lowerOffset)! <= value, "lower line of slope \(slope) at \(z) on [\(low), \(high)]")
            }
        }
    }
}

extension NeuronLinesTests {
    /// The lines of a smooth activation hold it at the ends, the midpoint and
    /// random points of ranges that are convex, concave or neither; where the
    /// range has one curvature the tangent side touches at the midpoint.
    @Test(arguments: [SmoothActivation.sigmoid, .tanh, .softplus, .elu(alpha: 1), .silu, .gelu(divisor: nil)])
    func smoothLinesHoldTheActivation(sigma: SmoothActivation) throws {
        var random = SeededGenerator(state: 11)
        var touched = 0
        for trial in 0..<120 {
            // A third of the ranges on each side of 0, a third across it.
            let a = Double.random(in: 0.01...6, using: &random), b = Double.random(in: 0.01...6, using: &random)
            let (low, high) = switch trial % 3 {
            case 0: (-a - b, -a)
            case 1: (a, a + b)
            default: (-a, b)
            }
            let lines = BackwardBound.lines(sigma, low: low, high: high)
            let l = Rational(exactly: low)!, u = Rational(exactly: high)!, middle = (l + u).timesPowerOfTwo(-1)
            let points = [l, u, middle] + (0..<10).map { _ in Rational(exactly: Double.random(in: low...high, using: &random))! }
            for z in points {
                let value = sigma.enclosure(RationalInterval(point: z))
                #expect(Rational(exactly: lines.lowerSlope)! * z + Rational(exactly: lines.lowerOffset)! <= value.upper, "\(sigma) lower line at \(z) on [\(low), \(high)]")
                #expect(Rational(exactly: lines.upperSlope)! * z + Rational(exactly: lines.upperOffset)! >= value.lower, "\(sigma) upper line at \(z) on [\(low), \(high)]")
                #expect(Rational(exactly: lines.magnitude)! >= value.lower.magnitude)
            }
            if let curvature = sigma.curvature(from: l, to: u) {
                let value = sigma.enclosure(RationalInterval(point: middle)).midpoint
                let tangent = curvature == .convex
                    ? value - (Rational(exactly: lines.lowerSlope)! * middle + Rational(exactly: lines.lowerOffset)!)
                    : Rational(exactly: lines.upperSlope)! * middle + Rational(exactly: lines.upperOffset)! - value
                #expect(tangent < Rational(1, 1 << 30), "\(sigma) tangent misses the midpoint by \(tangent) on [\(low), \(high)]")
                touched += 1
            }
        }
        #expect(touched >= 40)
    }
}

extension PropertyCertificateMutationTests {
    /// A leaf relaxation whose neuron lists are out of order, repeated,
    /// negative, or whose certificate claims the old version, is refused
    /// when read, before any check.
    @Test func malformedRelaxationsAreNotRead() throws {
        let network = try PropertyVerifierTests.network(seed: 5)
        let top = OneInputReference(layers: network.layers).maximum(0, from: -2, to: 2)
        let file = ModelFile(selfContained: try JSONModelFormat.data(for: network), source: "model.json")
        let property = try PropertyVerifierTests.property("(assert (>= Y_0 \(top + Rational(1, 2))))")
        let genuine = try #require(try PropertyVerifier.verify(network, file: file, property: property,
                                                               options: .init(timeout: 60, maximumDepth: 40, neuronSplits: true)).certificate)
        let k = try #require(genuine.holds![0].leaves.firstIndex { $0.relaxation != nil })
        #expect((try? PropertyCertificate.decode(try genuine.encoded())) == genuine)
        for neurons in [[3, 2], [2, 2], [-1]] {
            for field in ["slopes", "betas"] {
                var forged = genuine
                let values = PropertyCertificate.NeuronValues(neurons: neurons, values: neurons.map { _ in Rational(1) })
                if field == "slopes" { forged.holds![0].leaves[k].relaxation!.slopes = values } else { forged.holds![0].leaves[k].relaxation!.betas = values }
                #expect((try? PropertyCertificate.decode(try forged.encoded())) == nil, "\(field) \(neurons)")
            }
        }
        var old = genuine
        old.version = 1
        #expect((try? PropertyCertificate.decode(try old.encoded())) == nil)
    }
}
