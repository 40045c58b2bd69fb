import ExactArithmetic
import FixtureSupport
import NeuralNetwork
import Testing

/// Checks a model against the onnxruntime outputs stored beside it: the label
/// on every stored point, and logits within float32 error.
func checkPredictions(_ network: Network, points: String, expected: String) throws {
    let xs = try PointSet(contentsOf: points, dimension: network.inputCount).points
    let rows = try Fixtures.csvRows(expected)
    try #require(xs.count == rows.count)
    #expect(!xs.isEmpty)
    for (x, row) in zip(xs, rows) {
        let logits = network.logits(x.map(\.nearestDouble))
        let reference = row.dropFirst().map { Rational($0)!.nearestDouble }
        #expect(Network.label(ofLogits: logits) == Int(row[0])!, "point \(x.map(\.nearestDouble))")
        #expect(logits.count == reference.count)
        let scale = max(1, reference.map(abs).max() ?? 1)
        for (a, b) in zip(logits, reference) {
            #expect(abs(a - b) <= 1e-4 * scale, "logit \(a) vs onnxruntime \(b)")
        }
        if network.isPiecewiseLinear {
            // Exact evaluation agrees with float evaluation to within float error.
            let exact = try #require(network.exactLogits(x))
            for (e, f) in zip(exact, logits) { #expect(abs(e.nearestDouble - f) <= 1e-9 * scale) }
            #expect(Network.label(ofLogits: exact) == Int(row[0])!)
        }
    }
}

@Suite struct ONNXFixtureTests {
    @Test func manifestIsPresent() {
        #expect(Fixtures.models().count >= 12)
        #expect(Fixtures.badModels().count >= 10)
    }

    @Test(arguments: Fixtures.models())
    func loadsWithTrueShapes(model: Fixtures.Model) throws {
        let network = try Network(contentsOf: model.modelPath)
        #expect(network.inputCount == model.inputs)
        #expect(network.classCount == model.classes)
        #expect(network.manifestLayers == model.layers)
        #expect(network.parameterCount == model.layers.reduce(0) { $0 + $1.inputs * $1.outputs + $1.outputs })
    }

    @Test(arguments: Fixtures.models())
    func predictsLikeOnnxruntime(model: Fixtures.Model) throws {
        let network = try Network(contentsOf: model.modelPath)
        try checkPredictions(network, points: model.pointsPath("models"), expected: model.expectedPath("models"))
    }

    @Test func demoModelLoads() throws {
        let network = try Network(contentsOf: Fixtures.example("moons-tanh.onnx"))
        #expect(network.inputCount == 2)
        #expect(network.layers.map(\.activation) == [.tanh, .tanh, .identity])
        try checkPredictions(network, points: Fixtures.example("moons-points.csv"), expected: Fixtures.example("moons-expected.csv"))
    }
}

@Suite struct BadModelTests {
    @Test(arguments: Fixtures.badModels())
    func isRejectedWithOneLineNamingTheProblem(model: Fixtures.BadModel) {
        let path = Fixtures.path("bad/" + model.file)
        do {
            _ = try Network(contentsOf: path)
            Issue.record("\(model.file) was accepted (\(model.problem))")
        } catch {
            #expect(!error.message.contains("\n"))
            #expect(error.message.contains(path), "message should name the file: \(error.message)")
            for word in model.mustMention {
                #expect(error.message.contains(word), "\(error.message) should mention \(word)")
            }
            if let extra = BadModelTests.expectedWords[model.file] {
                #expect(error.message.contains(extra), "\(error.message) should say '\(extra)'")
            }
        }
    }

    /// What the message must say where the manifest leaves it open.
    static let expectedWords: [String: String] = [
        "non_chain_two_branches.onnx": "single chain",
        "truncated.onnx": "not a valid ONNX model",
        "not_onnx.onnx": "ONNX",
        "empty.onnx": "empty",
        "no_nodes.onnx": "no nodes",
        "two_data_inputs.onnx": "2 data inputs",
        "shape_mismatch.onnx": "takes 7 inputs but receives 6",
        "gemm_bias_wrong_length.onnx": "does not fit 6 outputs",
    ]

    @Test func missingFileAndDirectoryAreNamed() {
        #expect(throws: InputError("model '/nonexistent/m.onnx' does not exist")) { try Network(contentsOf: "/nonexistent/m.onnx") }
        #expect(throws: InputError("model '\(Fixtures.path("bad"))' is a directory")) { try Network(contentsOf: Fixtures.path("bad")) }
    }
}
