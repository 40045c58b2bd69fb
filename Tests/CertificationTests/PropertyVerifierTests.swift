import Certification
import ExactArithmetic
import FixtureSupport
import Foundation
import NeuralNetwork
import Polyhedra
import Testing
import Verification

/// An exact reference for one-input ReLU networks, independent of climep's
/// bounds and polytopes: walk the input interval piece by piece (on each
/// piece every neuron is affine in x; the next piece starts at the nearest
/// zero crossing to the right), and on each piece solve the case's affine
/// inequalities in x exactly.
struct OneInputReference {
    let layers: [DenseLayer]

    /// Every piece `[a, b]` of the interval with the outputs there as `(slope, intercept)` per output.
    func pieces(from lower: Rational, to upper: Rational) -> [(a: Rational, b: Rational, outputs: [(Rational, Rational)])] {
        var out: [(Rational, Rational, [(Rational, Rational)])] = []
        var x = lower
        while true {
            var h: [(Rational, Rational)] = [(1, 0)]
            var next = upper
            for layer in layers {
                var pre: [(Rational, Rational)] = []
                for i in 0..<layer.outputCount {
                    var s = Rational.zero, c = layer.bias[i]
                    for j in 0..<layer.inputCount {
                        let w = layer.weights.row(i)[j]
                        s += w * h[j].0
                        c += w * h[j].1
                    }
                    pre.append((s, c))
                }
                guard layer.activation == .relu else { h = pre; continue }
                h = pre.map { s, c in
                    let value = s * x + c
                    if !s.isZero {
                        let zero = -c / s
                        if zero > x && zero < next { next = zero }
                    }
                    let active = value.sign > 0 || (value.isZero && s.sign > 0)
                    return active ? (s, c) : (Rational.zero, Rational.zero)
                }
            }
            out.append((x, next, h))
            if next >= upper { return out }
            x = next
        }
    }

    /// Whether some input in `[lower, upper]` meets all constraints (each `Σ a_j y_j ≤ b`).
    func violated(_ c: VNNLIBProperty.Case) -> Bool {
        pieces(from: c.box.lower[0], to: c.box.upper[0]).contains { a, b, y in
            var low = a, high = b
            for constraint in c.constraints {
                // Σ a_j (s_j x + c_j) − bound = slope·x + offset ≤ 0.
                var slope = Rational.zero, offset = -constraint.bound
                for (j, w) in constraint.coefficients {
                    slope += w * y[j].0
                    offset += w * y[j].1
                }
                if slope.isZero {
                    if offset.sign > 0 { return false }
                } else if slope.sign > 0 {
                    high = min(high, -offset / slope)
                } else {
                    low = max(low, -offset / slope)
                }
            }
            return low <= high
        }
    }

    /// The largest value of output `j` over the interval.
    func maximum(_ j: Int, from lower: Rational, to upper: Rational) -> Rational {
        pieces(from: lower, to: upper).map { a, b, y in max(y[j].0 * a + y[j].1, y[j].0 * b + y[j].1) }.max()!
    }
}

@Suite struct PropertyVerifierTests {
    static func network(seed: UInt64) throws -> Network {
        var random = SeededGenerator(state: seed)
        func weight() -> Rational { Rational(Int.random(in: -8...8, using: &random), 4) }
        var layers: [DenseLayer] = []
        var width = 1
        for (k, next) in [6, 6, 2].enumerated() {
            let rows = (0..<next).map { _ in (0..<width).map { _ in weight() } }
            layers.append(try DenseLayer(weights: RationalMatrix(rows: rows, columns: width), bias: (0..<next).map { _ in weight() },
                                         activation: k == 2 ? .identity : .relu))
            width = next
        }
        return try Network(layers: layers)
    }

    static func property(_ text: String) throws -> VNNLIBProperty {
        try VNNLIBProperty(vnnlib: "(declare-const X_0 Real)\n(declare-const Y_0 Real)\n(declare-const Y_1 Real)\n(assert (>= X_0 -2))\n(assert (<= X_0 2))\n" + text)
    }

    static func verifyAndCheck(
        _ network: Network, _ property: VNNLIBProperty, options: PropertyVerifier.Options = .init(timeout: 60)
    ) throws -> (PropertyVerifier.Result, CheckedProperty?) {
        let file = ModelFile(selfContained: try JSONModelFormat.data(for: network), source: "model.json")
        let result = try PropertyVerifier.verify(network, file: file, property: property, options: options)
        guard let certificate = result.certificate else { return (result, nil) }
        let decoded = try PropertyCertificate.decode(try certificate.encodedForReading())
        return (result, try PropertyChecker.check(decoded, model: file))
    }

    /// Thresholds just above and just below the largest `Y_0`, and a
    /// two-constraint case, each answered as the exact walk answers it.
    @Test(arguments: 1...12)
    func answersEqualTheExactOneInputWalk(seed: Int) throws {
        let network = try Self.network(seed: UInt64(seed))
        let reference = OneInputReference(layers: network.layers)
        let top = reference.maximum(0, from: -2, to: 2)
        let delta = Rational(1, 64)
        for text in ["(assert (>= Y_0 \(top + delta)))", "(assert (>= Y_0 \(top - delta)))",
                     "(assert (<= Y_0 Y_1))\n(assert (>= Y_1 \(top - delta)))",
                     "(assert (or (and (>= Y_0 \(top + delta))) (and (<= (+ Y_1 (* 2 Y_0)) -3))))"] {
            let property = try Self.property(text)
            let expected = property.cases.contains(where: reference.violated) ? "violated" : "holds"
            let (result, checked) = try Self.verifyAndCheck(network, property)
            #expect(result.answer == expected, "seed \(seed), \(text)")
            #expect(checked?.answer == expected, "seed \(seed), \(text)")
            if let (k, x) = checked?.counterexample {
                // The counterexample meets its case exactly, by the network's own exact evaluation.
                let y = try #require(network.exactLogits(x))
                #expect(property.cases[k].constraints.allSatisfy { $0.slack(y).sign <= 0 })
            }
        }
    }

    /// A strict constraint needs a strict counterexample: `Y_0 < m` at the
    /// minimum `m` of `Y_0` has no violation, `Y_0 <= m` does.
    @Test func strictConstraintsAreRespected() throws {
        // y_0 = |x| on [−2, 2], through two ReLUs; the minimum 0 is at x = 0, the box's centre.
        let network = try Network(layers: [
            try DenseLayer(weights: RationalMatrix(rows: [[1], [-1]], columns: 1), bias: [0, 0], activation: .relu),
            try DenseLayer(weights: RationalMatrix(rows: [[1, 1], [0, 0]], columns: 2), bias: [0, 0], activation: .identity),
        ])
        #expect(try Self.verifyAndCheck(network, try Self.property("(assert (<= Y_0 0))")).0.answer == "violated")
        #expect(try Self.verifyAndCheck(network, try Self.property("(assert (< Y_0 0))")).0.answer != "violated")
        #expect(try Self.verifyAndCheck(network, try Self.property("(assert (< Y_0 -1/100))")).0.answer == "holds")
    }

    @Test func aSigmoidNetworkIsDecidedOnTheModelItself() throws {
        // y_0 = σ(x) on [−2, 2]: its values lie in (0.119, 0.881).
        let network = try Network(layers: [
            try DenseLayer(weights: RationalMatrix(rows: [[1]], columns: 1), bias: [0], activation: .sigmoid),
            try DenseLayer(weights: RationalMatrix(rows: [[1], [0]], columns: 1), bias: [0, 0], activation: .identity),
        ])
        #expect(try Self.verifyAndCheck(network, try Self.property("(assert (>= Y_0 0.9))")).1?.answer == "holds")
        let (violated, checked) = try Self.verifyAndCheck(network, try Self.property("(assert (>= Y_0 0.85))"))
        #expect(violated.answer == "violated")
        #expect(checked?.answer == "violated")
    }

    @Test func aTimeoutAnswersUnknownWithoutACertificate() throws {
        let network = try Self.network(seed: 3)
        let top = OneInputReference(layers: network.layers).maximum(0, from: -2, to: 2)
        let file = ModelFile(selfContained: try JSONModelFormat.data(for: network), source: "model.json")
        // The threshold is the maximum itself, attained at a kink: no bound can close it and no corner meets it.
        let result = try PropertyVerifier.verify(network, file: file, property: try Self.property("(assert (>= Y_0 \(top + Rational(1, 1 << 40))))"),
                                                 options: .init(timeout: 0.5, maximumDepth: 20))
        #expect(result.answer == "unknown" || result.answer == "holds")
        if result.answer == "unknown" { #expect(result.certificate == nil) }
    }
}

/// Every change to a property certificate's meaning is caught by the checker.
@Suite struct PropertyCertificateMutationTests {
    static func subject(_ text: String) throws -> (PropertyCertificate, ModelFile, Network) {
        let network = try PropertyVerifierTests.network(seed: 5)
        let file = ModelFile(selfContained: try JSONModelFormat.data(for: network), source: "model.json")
        let result = try PropertyVerifier.verify(network, file: file, property: try PropertyVerifierTests.property(text))
        return (try #require(result.certificate), file, network)
    }

    static func rejects(_ certificate: PropertyCertificate, _ file: ModelFile) -> Bool {
        (try? PropertyChecker.check(certificate, model: file)) == nil
    }

    @Test func forgedHoldsCertificatesFail() throws {
        let network = try PropertyVerifierTests.network(seed: 5)
        let top = OneInputReference(layers: network.layers).maximum(0, from: -2, to: 2)
        let (genuine, file, _) = try Self.subject("(assert (>= Y_0 \(top + Rational(1, 8))))")
        #expect(genuine.answer == "holds")
        #expect(!Self.rejects(genuine, file))

        var weaker = genuine  // the same proof claimed for a threshold the network reaches
        weaker.property.cases[0].constraints[0].bound = -(top - Rational(1, 8))
        #expect(Self.rejects(weaker, file))

        var lessBox = genuine  // a proof of a smaller box does not cover the property's
        lessBox.property.cases[0].box.upper[0] = 3
        #expect(Self.rejects(lessBox, file))

        var badIndex = genuine
        badIndex.holds![0].leaves[0] = PropertyCertificate.LeafProof(multipliers: BoundCertificate(indices: [1], values: [1]))
        #expect(Self.rejects(badIndex, file))

        var negative = genuine
        negative.holds![0].leaves[0] = PropertyCertificate.LeafProof(multipliers: BoundCertificate(indices: [0], values: [-1]))
        #expect(Self.rejects(negative, file))

        var shortTree = genuine
        shortTree.holds![0].splitTree = PropertySplitTree(nodes: Array(genuine.holds![0].splitTree.nodes.dropLast()))
        #expect(Self.rejects(shortTree, file))

        var otherAnswer = genuine
        otherAnswer.answer = "violated"
        #expect(Self.rejects(otherAnswer, file))

        var noProof = genuine
        noProof.holds = nil
        #expect(Self.rejects(noProof, file))

        // Another model: one bias changed.
        var layers = network.layers
        let last = layers[2]
        layers[2] = try DenseLayer(weights: last.weights, bias: [last.bias[0] + 1, last.bias[1]], activation: .identity)
        let otherFile = ModelFile(selfContained: try JSONModelFormat.data(for: try Network(layers: layers)), source: "model.json")
        #expect(Self.rejects(genuine, otherFile))
    }

    @Test func forgedCounterexamplesFail() throws {
        let network = try PropertyVerifierTests.network(seed: 5)
        let reference = OneInputReference(layers: network.layers)
        let top = reference.maximum(0, from: -2, to: 2)
        let (genuine, file, _) = try Self.subject("(assert (>= Y_0 \(top - Rational(1, 8))))")
        #expect(genuine.answer == "violated")
        #expect(!Self.rejects(genuine, file))

        // Points where Y_0 stays below the threshold, by the exact walk.
        let low = reference.pieces(from: -2, to: 2).flatMap { [$0.a, $0.b] }.first { x in
            network.exactLogits([x])![0] < top - Rational(1, 8)
        }
        if let low {
            var moved = genuine
            moved.violation!.input = [low]
            #expect(Self.rejects(moved, file))
        }
        var outside = genuine
        outside.violation!.input = [3]
        #expect(Self.rejects(outside, file))

        var otherCase = genuine
        otherCase.violation!.case = 1
        #expect(Self.rejects(otherCase, file))

        var withProof = genuine
        withProof.holds = [PropertyCertificate.CaseProof(splitTree: PropertySplitTree(nodes: [-1]), leaves: [PropertyCertificate.LeafProof(multipliers: BoundCertificate(indices: [0], values: [1]))])]
        #expect(Self.rejects(withProof, file))
    }
}

/// Neuron splits: forced on one-input networks, where the exact walk is the
/// reference. Every decided answer must equal it, the trees must really hold
/// neuron entries, and their certificates must check.
@Suite struct NeuronSplitTests {
    @Test func neuronSplitCertificatesCheckAndAgreeWithTheWalk() throws {
        var decided = 0, neuronEntries = 0
        for seed in 1...8 {
            let network = try PropertyVerifierTests.network(seed: UInt64(seed))
            let reference = OneInputReference(layers: network.layers)
            let top = reference.maximum(0, from: -2, to: 2)
            let file = ModelFile(selfContained: try JSONModelFormat.data(for: network), source: "model.json")
            for delta in [Rational(1, 2), Rational(-1, 2)] {
                let property = try PropertyVerifierTests.property("(assert (>= Y_0 \(top + delta)))")
                let expected = property.cases.contains(where: reference.violated) ? "violated" : "holds"
                let result = try PropertyVerifier.verify(network, file: file, property: property,
                                                         options: .init(timeout: 20, maximumDepth: 40, neuronSplits: true))
                guard result.answer != "unknown" else { continue }
                decided += 1
                #expect(result.answer == expected, "seed \(seed), δ \(delta)")
                let certificate = try #require(result.certificate)
                neuronEntries += certificate.holds?[0].splitTree.nodes.filter { $0 >= 1 }.count ?? 0
                #expect(try PropertyChecker.check(try PropertyCertificate.decode(try certificate.encodedForReading()), model: file).answer == expected)
            }
        }
        #expect(decided >= 8)
        #expect(neuronEntries > 0)
    }
}

extension PropertyCertificateMutationTests {
    /// Split trees that do not cover the box, or split what cannot be split, are rejected.
    @Test func malformedSplitTreesFail() throws {
        let network = try PropertyVerifierTests.network(seed: 5)
        let top = OneInputReference(layers: network.layers).maximum(0, from: -2, to: 2)
        let (genuine, file, _) = try Self.subject("(assert (>= Y_0 \(top + Rational(1, 8))))")
        let leaf = PropertyCertificate.LeafProof(multipliers: BoundCertificate(indices: [0], values: [1]))
        // Neurons are numbered 0–5 (layer 1), 6–11 (layer 2), 12–13 (the identity output layer); d = 1.
        for (nodes, leaves) in [([1 + 12, -1, -1], 2),          // an output neuron: identity, one piece
                                ([1 + 14, -1, -1], 2),          // no such neuron
                                ([1 + 3, 1 + 3, -1, -1, -1], 3), // neuron 3 split twice on one path
                                ([0, -1], 1),                    // a halving with one child
                                ([-2], 1)] {
            var forged = genuine
            forged.holds![0] = PropertyCertificate.CaseProof(splitTree: PropertySplitTree(nodes: nodes), leaves: Array(repeating: leaf, count: leaves))
            #expect(Self.rejects(forged, file), "\(nodes)")
        }
    }
}
