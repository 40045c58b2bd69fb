import ExactArithmetic
import Foundation
import NeuralNetwork
import Testing

@Suite struct JSONModelTests {
    static let valid = """
        { "format": "climep-model", "inputs": 2,
          "layers": [
            { "weights": [["1", "-1/2"], [0.25, 3]], "bias": ["0", 1], "activation": "relu" },
            { "weights": [["2", "-1"]], "bias": ["1/3"], "activation": "leaky-relu", "slope": "1/10" } ] }
        """

    func load(_ text: String) throws(InputError) -> Network {
        try JSONModelFormat.network(from: Data(text.utf8), source: "m.json")
    }

    @Test func readsExactly() throws {
        let network = try load(JSONModelTests.valid)
        #expect(network.inputCount == 2)
        #expect(network.classCount == 2)
        #expect(network.parameterCount == 9)
        #expect(network.layers[0].weights[1, 0] == Rational(1, 4))
        #expect(network.layers[1].activation == .leakyReLU(slope: Rational(1, 10)))
        // x = (1, 1): h = relu(1/2, 17/4) → z = 1 − 17/4 + 1/3 = −35/12 → leaky: −35/120 = −7/24.
        #expect(network.exactLogits([1, 1]) == [Rational(-7, 24)])
        #expect(Network.label(ofLogits: network.exactLogits([1, 1])!) == 0)
    }

    @Test func roundTripsThroughItsOwnWriter() throws {
        let network = try load(JSONModelTests.valid)
        let again = try JSONModelFormat.network(from: try JSONModelFormat.data(for: network), source: "again")
        #expect(again.layers == network.layers)
    }

    /// softplus and elu (with its exact `alpha`, default 1, of either sign;
    /// `alpha` 0 is relu) read and round-trip.
    @Test func readsSoftplusAndELU() throws {
        let network = try load("""
            { "format": "climep-model", "layers": [
              { "weights": [["1"]], "bias": ["0"], "activation": "softplus" },
              { "weights": [["1"]], "bias": ["0"], "activation": "elu", "alpha": "1/3" },
              { "weights": [["1"]], "bias": ["0"], "activation": "elu" },
              { "weights": [["1"]], "bias": ["0"], "activation": "elu", "alpha": "-1/2" },
              { "weights": [["1"]], "bias": ["0"], "activation": "elu", "alpha": "0" },
              { "weights": [["1"], ["-1"]], "bias": ["0", "0"], "activation": "identity" } ] }
            """)
        #expect(network.layers.map(\.activation) == [.softplus, .elu(alpha: Rational(1, 3)), .elu(alpha: .one), .elu(alpha: Rational(-1, 2)), .relu, .identity])
        let again = try JSONModelFormat.network(from: try JSONModelFormat.data(for: network), source: "again")
        #expect(again.layers == network.layers)
    }

    /// silu, gelu (exact) and gelu with a rational divisor read and round-trip.
    @Test func readsSiLUAndGELU() throws {
        let network = try load("""
            { "format": "climep-model", "layers": [
              { "weights": [["1"]], "bias": ["0"], "activation": "silu" },
              { "weights": [["1"]], "bias": ["0"], "activation": "gelu" },
              { "weights": [["1"]], "bias": ["0"], "activation": "gelu", "divisor": "3/2" },
              { "weights": [["1"]], "bias": ["0"], "activation": "gelu-tanh" },
              { "weights": [["1"], ["-1"]], "bias": ["0", "0"], "activation": "identity" } ] }
            """)
        #expect(network.layers.map(\.activation) == [.silu, .gelu(divisor: nil), .gelu(divisor: Rational(3, 2)), .geluTanh(constants: nil), .identity])
        let again = try JSONModelFormat.network(from: try JSONModelFormat.data(for: network), source: "again")
        #expect(again.layers == network.layers)
    }

    @Test(arguments: [
        (#"{"format": "climep-model", "layers": [{"weights": [["1"]], "bias": ["0"], "activation": "elu", "alpah": "1"}]}"#, "alpah"),
        ("{", "unterminated object at top level (line 1)"),
        (#"{"format": "onnx", "layers": []}"#, "expected \"climep-model\""),
        (#"{"format": "climep-model", "layers": []}"#, "no layers"),
        (#"{"format": "climep-model", "layers": [{"weights": [["1"]], "bias": ["0"], "activation": "swish"}]}"#, "unknown activation 'swish'"),
        (#"{"format": "climep-model", "layers": [{"weights": [["1"]], "bias": ["0"], "activation": "gelu", "divisor": "-2"}]}"#, "gelu needs \"divisor\" > 0"),
        (#"{"format": "climep-model", "layers": [{"weights": [["1", "2"], ["3"]], "bias": ["0", "0"], "activation": "relu"}]}"#, "weight row 2 has 1 entries"),
        (#"{"format": "climep-model", "layers": [{"weights": [["1"]], "bias": ["0", "1"], "activation": "relu"}]}"#, "1 outputs but 2 biases"),
        (#"{"format": "climep-model", "layers": [{"weights": [["nan"]], "bias": ["0"], "activation": "relu"}]}"#, "not finite"),
        (#"{"format": "climep-model", "layers": [{"weights": [["1"]], "bias": ["0"], "activation": "relu"}, {"weights": [["1", "1"]], "bias": ["0"], "activation": "identity"}]}"#, "layer 2 takes 2 inputs but layer 1 has 1 outputs"),
        (#"{"format": "climep-model", "inputs": 3, "layers": [{"weights": [["1"]], "bias": ["0"], "activation": "relu"}]}"#, "\"inputs\" is 3"),
        (#"{"format": "climep-model", "layers": [{"weights": [["1"]], "bias": ["0"], "activation": "leaky-relu"}]}"#, "needs \"slope\""),
        (#"{"format": "climep-model", "layers": [{"weights": [[0.1234567890123456789012345678901234567891]], "bias": ["0"], "activation": "relu"}]}"#, "cannot be read exactly"),
        (#"{"format": "climep-model", "layers": [{"bias": ["0"], "activation": "relu"}]}"#, "missing key \"weights\""),
    ])
    func rejects(text: String, words: String) {
        do {
            _ = try load(text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.message.contains(words), "\(error.message)")
            #expect(error.message.hasPrefix("m.json"))
            #expect(!error.message.contains("\n"))
        }
    }
}
