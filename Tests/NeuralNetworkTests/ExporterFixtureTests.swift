import ExactArithmetic
import FixtureSupport
import Foundation
import NeuralNetwork
import Testing

/// Models exported by torch.onnx.export (legacy and dynamo) and skl2onnx
/// themselves, in the patterns of issue 13: external data, BatchNorm1d,
/// `x.view(x.size(0), -1)` with a dynamic batch, a Transpose of a weight,
/// a Reshape of a Concat of Constants, skl2onnx's Scaler, and torch's
/// Softplus and ELU (α = 0.5, −0.5 and 0) as ONNX Softplus and Elu nodes, SiLU, GELU
/// (opset 20's Gelu, both forms, opset 18's Erf chain and the tanh form's
/// node-by-node chains of the legacy exporter at opset 17 and dynamo at
/// opset 18), HardSigmoid,
/// dynamo's thresholded Softplus, and tf2onnx's Keras swish and
/// hard_sigmoid (Add, Clip, Mul). Each loads
/// through the public path and gives onnxruntime's label on every stored point.
@Suite struct ExporterFixtureTests {
    @Test func everyPatternIsPresent() {
        let names = Set(Fixtures.exporterModels().compactMap(\.name))
        for name in ["torch_dynamo_external_data", "torch_legacy_batchnorm1d", "torch_dynamo_batchnorm1d_noopt",
                     "torch_legacy_view_dynamic_batch", "torch_dynamo_view_noopt_dynamic_batch",
                     "torch_dynamo_view_noopt_static_batch", "torch_legacy_transpose_nofold", "sk_pipeline_scaler_mlp",
                     "torch_legacy_softplus", "torch_legacy_elu_half", "torch_dynamo_elu_half",
                     "torch_legacy_silu", "torch_dynamo_silu", "torch_legacy_gelu", "torch_dynamo_gelu",
                     "torch_legacy_opset18_gelu", "torch_legacy_hardsigmoid", "torch_dynamo_hardsigmoid", "torch_dynamo_softplus", "torch_legacy_gelu_tanh", "torch_dynamo_gelu_tanh",
                     "tf2onnx_swish", "tf2onnx_hard_sigmoid",
                     "torch_legacy_elu_negative", "torch_dynamo_elu_negative", "torch_legacy_elu_zero",
                     "torch_legacy_opset17_gelu_tanh", "torch_dynamo_opset18_gelu_tanh"] {
            #expect(names.contains(name), "missing fixture \(name)")
        }
    }

    @Test(arguments: Fixtures.exporterModels())
    func loadsWithTrueShapes(model: Fixtures.Model) throws {
        let network = try Network(contentsOf: model.modelPath(in: "exporters"))
        #expect(network.inputCount == model.inputs)
        #expect(network.classCount == model.classes)
        #expect(network.manifestLayers == model.layers)
    }

    @Test(arguments: Fixtures.exporterModels())
    func predictsLikeOnnxruntime(model: Fixtures.Model) throws {
        let network = try Network(contentsOf: model.modelPath(in: "exporters"))
        try checkPredictions(network, points: model.pointsPath("exporters"), expected: model.expectedPath("exporters"))
    }

    @Test func whatEachExportFoldsIsRecorded() throws {
        func load(_ name: String) throws -> Network { try Network(contentsOf: Fixtures.path("exporters/\(name).onnx")) }
        // Trained running variances are not rational squares: folded within a radius.
        for name in ["torch_legacy_batchnorm1d", "torch_dynamo_batchnorm1d_noopt"] {
            let network = try load(name)
            #expect(network.provenance.foldedNormalisation.map(\.op) == ["BatchNormalization"])
            #expect(!network.isExact)
        }
        let scaler = try load("sk_pipeline_scaler_mlp")
        #expect(scaler.isExact && scaler.provenance.foldedIntoFirstLayer == ["Scaler"])
        #expect(try load("torch_legacy_transpose_nofold").provenance.foldedConstants == ["Transpose"])
        #expect(try load("torch_dynamo_view_noopt_static_batch").provenance.foldedConstants == ["Concat"])
        let external = try ModelFile.read(Fixtures.path("exporters/torch_dynamo_external_data.onnx"))
        #expect(external.externalFiles.map(\.location) == ["torch_dynamo_external_data.onnx.data"])
    }

    /// torch's `nn.ELU(alpha=0.5)` and `nn.ELU(alpha=-0.5)` keep their α
    /// exactly (±0.5 are float32s); `nn.ELU(alpha=0)` is ReLU, read as relu,
    /// so that network is exact (piecewise linear).
    @Test func eluKeepsItsAlpha() throws {
        for (name, alpha) in [("torch_legacy_elu_half", Rational(1, 2)), ("torch_dynamo_elu_half", Rational(1, 2)),
                              ("torch_legacy_elu_negative", Rational(-1, 2)), ("torch_dynamo_elu_negative", Rational(-1, 2))] {
            let network = try Network(contentsOf: Fixtures.path("exporters/\(name).onnx"))
            #expect(network.layers.dropLast().allSatisfy { $0.activation == .elu(alpha: alpha) }, "\(name)")
        }
        let zero = try Network(contentsOf: Fixtures.path("exporters/torch_legacy_elu_zero.onnx"))
        #expect(zero.isPiecewiseLinear && zero.isExact && zero.layers.dropLast().allSatisfy { $0.activation == .relu })
        let softplus = try Network(contentsOf: Fixtures.path("exporters/torch_legacy_softplus.onnx"))
        #expect(softplus.layers.dropLast().allSatisfy { $0.activation == .softplus })
    }

    /// SiLU from Sigmoid and Mul; GELU from opset 20's Gelu (√2: no
    /// divisor) and from opset 18's Erf chain, whose divisor is the file's
    /// float32(√2) exactly; HardSigmoid as hard-tanh on [0, 1] after the
    /// exact map αx + β (α = float32(1/6)), so the first layer's weights are
    /// torch's times α — recounted here from the ONNX initializers' floats.
    @Test func compositeActivationsKeepTheirMeaning() throws {
        func load(_ name: String) throws -> Network { try Network(contentsOf: Fixtures.path("exporters/\(name).onnx")) }
        for name in ["torch_legacy_silu", "torch_dynamo_silu"] {
            #expect(try load(name).layers.dropLast().allSatisfy { $0.activation == .silu }, "\(name)")
        }
        for name in ["torch_legacy_gelu", "torch_dynamo_gelu"] {
            #expect(try load(name).layers.dropLast().allSatisfy { $0.activation == .gelu(divisor: nil) }, "\(name)")
        }
        for name in ["torch_legacy_gelu_tanh", "torch_dynamo_gelu_tanh"] {
            #expect(try load(name).layers.dropLast().allSatisfy { $0.activation == .geluTanh(constants: nil) }, "\(name)")
        }
        // Below opset 20 torch writes the tanh GELU node by node with float32 constants,
        // which are not √(2/π) and 0.044715: the layers keep exactly the file's.
        let c = Rational(exactly: Float((2 / Double.pi).squareRoot()))!, k = Rational(exactly: Float(0.044715))!
        #expect(k != Rational(44715, 1_000_000) && c.nearestDouble != (2 / Double.pi).squareRoot())
        let tanhOp = try load("torch_legacy_gelu_tanh")
        for name in ["torch_legacy_opset17_gelu_tanh", "torch_dynamo_opset18_gelu_tanh"] {
            let network = try load(name)
            #expect(network.layers.dropLast().allSatisfy { $0.activation == .geluTanh(constants: GeluTanhConstants(scale: c, cubic: k)) }, "\(name)")
            // Same trained model: the chain's scale (×2 then Mul(0.5), or Mul(0.5) inside) cancels exactly.
            #expect(network.layers.map(\.weights) == tanhOp.layers.map(\.weights) && network.layers.map(\.bias) == tanhOp.layers.map(\.bias), "\(name)")
            #expect(network.isExact)
        }
        let root2 = Rational(exactly: Float(2).squareRoot())!
        #expect(root2 != 0 && root2 * root2 != 2)
        let chain = try load("torch_legacy_opset18_gelu"), op = try load("torch_legacy_gelu")
        #expect(chain.layers.dropLast().allSatisfy { $0.activation == .gelu(divisor: root2) })
        // Same trained model: the chain's Mul(0.5) and ×2 cancel, so the weights equal the Gelu export's.
        #expect(chain.layers.map(\.weights) == op.layers.map(\.weights) && chain.layers.map(\.bias) == op.layers.map(\.bias))
        let alpha = Rational(exactly: Float(1) / Float(6))!
        for name in ["torch_legacy_hardsigmoid", "torch_dynamo_hardsigmoid"] {
            let network = try load(name)
            #expect(network.isPiecewiseLinear && network.layers.dropLast().allSatisfy { $0.activation == .hardTanh(lower: 0, upper: 1) })
            // Layer 1 computes α(Wx + b) + 1/2 with torch's float32 W and b: undoing the map gives float32s back.
            for b in network.layers[0].bias {
                let torch = (b - Rational(1, 2)) / alpha
                #expect(Rational(exactly: Float(torch.nearestDouble)) == torch, "\(name): bias \(b)")
            }
            for w in network.layers[0].weights.entries {
                #expect(Rational(exactly: Float((w / alpha).nearestDouble)) == w / alpha, "\(name): weight \(w)")
            }
        }
    }

    /// torch dynamo's Softplus, Where(Greater(x, 20), x, Softplus(x)), is
    /// softplus within log(1 + e^−20) ≈ 2.06e−9 per neuron: layers 2 and 3
    /// carry that times the row's |W| as their bias radius (recounted from
    /// the weights and log1p in floating point), and the fold is recorded.
    @Test func torchsSoftplusThresholdBecomesABiasRadius() throws {
        let network = try Network(contentsOf: Fixtures.path("exporters/torch_dynamo_softplus.onnx"))
        #expect(network.layers.dropLast().allSatisfy { $0.activation == .softplus })
        #expect(!network.isExact)
        #expect(network.provenance.foldedNormalisation.map(\.op) == ["Where", "Where"])
        #expect(network.provenance.foldedNormalisation.map(\.layer) == [2, 3])
        let delta = Foundation.log1p(Foundation.exp(-20.0))
        for layer in network.layers.dropFirst() {
            let radius = try #require(layer.biasRadius)
            #expect(layer.weightRadius?.allSatisfy(\.isZero) ?? true)
            for i in 0..<layer.outputCount {
                let rowSum = (0..<layer.inputCount).reduce(Rational.zero) { $0 + layer.weights[i, $1].magnitude }
                let ratio = (radius[i] / rowSum).nearestDouble
                #expect(ratio >= delta && ratio <= delta * (1 + 1e-12), "row \(i): \(ratio) vs \(delta)")
            }
        }
        // The legacy export of the same model (plain Softplus) has the same weights, exactly.
        let legacy = try Network(contentsOf: Fixtures.path("exporters/torch_legacy_softplus.onnx"))
        #expect(legacy.layers.map(\.weights) == network.layers.map(\.weights) && legacy.isExact)
    }

    @Test func theTorchExternalDataFileTruncatedIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("climep-torch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let name = "torch_dynamo_external_data.onnx"
        try FileManager.default.copyItem(atPath: Fixtures.path("exporters/\(name)"), toPath: folder.appendingPathComponent(name).path)
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("exporters/\(name).data")))
        try data.prefix(data.count - 1).write(to: folder.appendingPathComponent(name + ".data"))
        let path = folder.appendingPathComponent(name).path
        do {
            _ = try Network(contentsOf: path)
            Issue.record("a truncated data file was accepted")
        } catch {
            #expect(error.message.hasPrefix(path) && error.message.contains("truncated"), "\(error.message)")
        }
    }
}
