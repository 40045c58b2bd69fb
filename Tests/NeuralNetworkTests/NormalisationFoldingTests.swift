import ExactArithmetic
import Foundation
@testable import NeuralNetwork
import Testing

/// `ai.onnx.ml.Scaler` and inference-form `BatchNormalization` fold into the
/// adjacent affine layer: Scaler exactly, BatchNormalization exactly where
/// `var + ε` is a rational square and otherwise as a nearby rational with a
/// rigorous radius (`DenseLayer.weightRadius`).
@Suite struct NormalisationFoldingTests {
    typealias G = SyntheticONNX

    static func floats(_ name: String, _ values: [Float]) -> Onnx_TensorProto { G.tensor(name, [values.count], values) }

    /// A BatchNormalization node reading `x`, with float attribute epsilon.
    static func batchNorm(_ x: String, _ y: String, epsilon: Float?, ints: [String: Int] = [:]) -> Onnx_NodeProto {
        var node = G.node("BatchNormalization", [x, "bn.scale", "bn.bias", "bn.mean", "bn.var"], [y], name: "/bn/BatchNormalization", ints: ints)
        if let epsilon {
            var a = Onnx_AttributeProto()
            a.name = "epsilon"
            a.type = .float
            a.f = epsilon
            node.attribute.append(a)
        }
        return node
    }

    static func bnTensors(gamma: [Float], beta: [Float], mean: [Float], variance: [Float]) -> [Onnx_TensorProto] {
        [floats("bn.scale", gamma), floats("bn.bias", beta), floats("bn.mean", mean), floats("bn.var", variance)]
    }

    /// x [N, 2] → Gemm [3, 2] → BatchNormalization → Relu → Gemm [2, 3].
    static func gemmBatchNormModel(epsilon: Float?, variance: [Float], ints: [String: Int] = [:]) -> Data {
        let (g1, t1) = G.gemm("x", "h", inputs: 2, outputs: 3, prefix: "fc1")
        let (g2, t2) = G.gemm("r", "y", inputs: 3, outputs: 2, prefix: "fc2")
        let nodes = [g1, batchNorm("h", "n", epsilon: epsilon, ints: ints), G.node("Relu", ["n"], ["r"]), g2]
        return G.model(nodes, initializers: t1 + t2 + bnTensors(gamma: [2, -0.5, 1.25], beta: [0.5, 0.25, -1], mean: [0.125, -2, 3], variance: variance))
    }

    /// The first Gemm of `gemmBatchNormModel` alone.
    static func firstGemmAlone() throws -> Network {
        let (g1, t1) = G.gemm("x", "h", inputs: 2, outputs: 3, prefix: "fc1")
        return try G.load(G.model([g1], initializers: t1, outputs: ["h"]))
    }

    @Test func batchNormWithASquareVarianceFoldsExactly() throws {
        // var + ε = 1/4, 9/4, 1: 1/√(var + ε) = 2, 2/3, 1 exactly.
        let network = try G.load(Self.gemmBatchNormModel(epsilon: 0.25, variance: [0, 2, 0.75]))
        #expect(network.isExact)
        // Layer 1 = diag(s)·W1 with s = γ/√(var + ε) = [4, −1/3, 5/4], bias s·(b1 − μ) + β.
        let plain = try Self.firstGemmAlone()
        let w = plain.layers[0].weights, b = plain.layers[0].bias
        let s = [Rational(4), Rational(-1, 3), Rational(5, 4)]
        let mean = [Rational(1, 8), Rational(-2), Rational(3)], beta = [Rational(1, 2), Rational(1, 4), Rational(-1)]
        for i in 0..<3 {
            for j in 0..<2 { #expect(network.layers[0].weights[i, j] == s[i] * w[i, j]) }
            #expect(network.layers[0].bias[i] == s[i] * (b[i] - mean[i]) + beta[i])
        }
        #expect(network.provenance.foldedNormalisation == [.init(op: "BatchNormalization", node: "/bn/BatchNormalization", layer: 1, exact: true)])
        #expect(network.provenance.foldedIntoFirstLayer.isEmpty)
    }

    @Test func batchNormWithAnIrrationalScaleCarriesARigorousRadius() throws {
        // Directly on the input: layer 1 is diag(s̃) with radius diag(r), so the claim
        // s ∈ [s̃ − r, s̃ + r] for s = γ/√(var + ε) can be checked exactly by squaring.
        let gamma: [Float] = [2, 0.5, 1.25], variance: [Float] = [1, 0.5, 2]
        let relu = G.node("Relu", ["n"], ["r"])
        let (g2, t2) = G.gemm("r", "y", inputs: 3, outputs: 2, prefix: "fc2")
        let model = G.model([Self.batchNorm("x", "n", epsilon: nil), relu, g2],
                            initializers: t2 + Self.bnTensors(gamma: gamma, beta: [0, 1, 2], mean: [0.5, 0.25, -1], variance: variance),
                            inputShape: [-1, 3])
        let network = try G.load(model)
        let layer = network.layers[0]
        #expect(!layer.isExact)
        #expect(network.layers[1].isExact)
        let epsilon = Rational(exactly: Float(1e-5))!
        let radius = try #require(layer.weightRadius), biasRadius = try #require(layer.biasRadius)
        for i in 0..<3 {
            let g = Rational(exactly: gamma[i])!, y = Rational(exactly: variance[i])! + epsilon
            let s̃ = layer.weights[i, i], r = radius[i * 3 + i]
            #expect(r.sign > 0 && r < g.timesPowerOfTwo(-50))
            // (s̃ − r)² y ≤ γ² ≤ (s̃ + r)² y, with s̃ − r > 0 (γ > 0): s lies within r of s̃.
            #expect((s̃ - r) * (s̃ - r) * y <= g * g)
            #expect(g * g <= (s̃ + r) * (s̃ + r) * y)
            for j in 0..<3 where j != i { #expect(layer.weights[i, j].isZero && radius[i * 3 + j].isZero) }
            let mean = [Rational(1, 2), Rational(1, 4), Rational(-1)][i]
            #expect(biasRadius[i] == r * mean.magnitude)
        }
        #expect(network.provenance.foldedIntoFirstLayer == ["BatchNormalization"])
        #expect(network.provenance.foldedNormalisation.map(\.exact) == [false])
        #expect(!network.isExact)
    }

    @Test func batchNormAfterAGemmScalesTheRadiusByTheWeights() throws {
        let network = try G.load(Self.gemmBatchNormModel(epsilon: nil, variance: [1, 0.5, 2]))
        let layer = network.layers[0]
        let radius = try #require(layer.weightRadius)
        let plain = try Self.firstGemmAlone()
        // r_ij = r_i·|W_ij|: the ratio to |W_ij| is the same along a row, and positive.
        for i in 0..<3 {
            let ratio = radius[i * 2] / plain.layers[0].weights[i, 0].magnitude
            #expect(ratio.sign > 0)
            #expect(radius[i * 2 + 1] == ratio * plain.layers[0].weights[i, 1].magnitude)
        }
    }

    @Test func batchNormInTrainingModeIsRefused() {
        expectInputError(["'/bn/BatchNormalization'", "training mode"]) { () throws(InputError) in
            try G.load(Self.gemmBatchNormModel(epsilon: nil, variance: [1, 1, 1], ints: ["training_mode": 1]))
        }
        expectInputError(["'/bn/BatchNormalization'", "is not positive"]) { () throws(InputError) in
            try G.load(Self.gemmBatchNormModel(epsilon: 0, variance: [1, 0, 1]))
        }
    }

    @Test func scalerFoldsExactlyLikeSubAndMul() throws {
        var scaler = G.node("Scaler", ["x"], ["xs"], name: "Scaler", domain: "ai.onnx.ml")
        for (name, values) in [("offset", [Float(0.5), -1.5]), ("scale", [Float(2), 0.25])] {
            var a = Onnx_AttributeProto()
            a.name = name
            a.type = .floats
            a.floats = values
            scaler.attribute.append(a)
        }
        let (g1, t1) = G.gemm("xs", "h", inputs: 2, outputs: 3, prefix: "fc1")
        let network = try G.load(G.model([scaler, g1], initializers: t1, outputs: ["h"]))
        let (g1b, t1b) = G.gemm("xm", "h", inputs: 2, outputs: 3, prefix: "fc1")
        let reference = try G.load(G.model(
            [G.node("Sub", ["x", "offset"], ["xo"]), G.node("Mul", ["xo", "scale"], ["xm"]), g1b],
            initializers: t1b + [Self.floats("offset", [0.5, -1.5]), Self.floats("scale", [2, 0.25])], outputs: ["h"]))
        #expect(network.layers == reference.layers)
        #expect(network.isExact)
        #expect(network.provenance.foldedIntoFirstLayer == ["Scaler"])
        #expect(reference.provenance.foldedIntoFirstLayer == ["Sub", "Mul"])
    }

    @Test func aFirstLayersOwnBiasIsNotFoldedNormalisation() throws {
        // skl2onnx's MatMul + Add: the Add is the layer's bias, not input normalisation.
        let w = G.tensor("w", [2, 3])
        let nodes = [G.node("MatMul", ["x", "w"], ["m"]), G.node("Add", ["m", "b"], ["h"])]
        let network = try G.load(G.model(nodes, initializers: [w, G.tensor("b", [3])], outputs: ["h"]))
        #expect(network.provenance.foldedIntoFirstLayer.isEmpty)
    }
}
