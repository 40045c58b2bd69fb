import ExactArithmetic
import NeuralNetwork
import Polyhedra
import Testing
import Verification
@testable import Regions

/// A model with many inputs costs memory in proportion to its weights, not to
/// inputs²: nothing on the regions path composes with a d×d identity (9.6 GB
/// of rationals for 20,000 inputs).
@Suite struct WideInputTests {
    static let inputs = 20_000

    /// 20,000 inputs, two ReLUs, two logits.
    static func wideNetwork() throws -> LinearizedNetwork {
        let rows: [[Rational]] = (0..<2).map { k in (0..<inputs).map { Rational(($0 + k) % 7 - 3, 8) } }
        let hidden = try DenseLayer(weights: RationalMatrix(rows: rows, columns: inputs), bias: [Rational(1, 3), Rational(-1, 5)], activation: .relu)
        let output = try DenseLayer(weights: RationalMatrix(rows: [[1, -1], [-1, 1]], columns: 2), bias: [0, 0], activation: .identity)
        return try LinearizedNetwork(try Network(layers: [hidden, output]), pieces: 3, method: .algorithm1)
    }

    @Test func theWalkAndThePatternAtAPointStartFromTheFirstLayer() throws {
        let g = try Self.wideNetwork()
        let box = try InputBox(lower: Array(repeating: -1, count: Self.inputs), upper: Array(repeating: 1, count: Self.inputs))
        let first = SplitTreeWalk(g, box: box).rootState.preActivation
        #expect(first.weights == g.original.layers[0].weights && first.bias == g.original.layers[0].bias)

        let x = (0..<Self.inputs).map { Rational($0 % 3 - 1, 2) }
        let (pattern, _, logits) = RegionEnumeration.region(of: g, at: x, box: box)
        #expect(pattern.count == 2)
        #expect(logits.weights.rows == 2 && logits.weights.columns == Self.inputs)
        let exact = g.exactLogits(x)
        #expect(zip(logits.weights * x, logits.bias).map { $0 + $1 } == exact)
    }

    @Test func enumerationRefusesMoreInputsThanItsLimitInOneLine() throws {
        let message = try #require(RegionEnumeration.inputLimitError(inputs: try Self.wideNetwork().original.inputCount))
        #expect(message.contains("20000 inputs") && message.contains("\(RegionEnumeration.maximumInputCount)"))
        #expect(!message.contains("\n"))
    }
}
