import ExactArithmetic
import FixtureSupport
import NeuralNetwork
import Testing

/// The public VNN-COMP 2021 networks in ../shared/benchmarks load and predict
/// like onnxruntime on points inside their VNN-LIB boxes.
@Suite(.enabled(if: Fixtures.haveBenchmarks, "../shared/benchmarks is absent: the VNN-COMP networks cannot be checked"))
struct VNNCOMPTests {
    @Test func everyBenchmarkIsListed() {
        #expect(Fixtures.vnncomp().count >= 8)
    }

    @Test(arguments: Fixtures.vnncomp())
    func loadsAndPredictsInsideItsBox(model: Fixtures.Model) throws {
        let network = try Network(contentsOf: model.modelPath)
        #expect(network.inputCount == model.inputs)
        #expect(network.classCount == model.classes)
        #expect(network.manifestLayers == model.layers)
        let box = try InputBox(vnnlibFile: Fixtures.benchmarks + "/" + model.vnnlib!)
        #expect(box.dimension == network.inputCount)
        let points = try PointSet(contentsOf: model.pointsPath("vnncomp"), dimension: network.inputCount).points
        for x in points { #expect(box.contains(x)) }
        try checkPredictions(network, points: model.pointsPath("vnncomp"), expected: model.expectedPath("vnncomp"))
    }

    @Test func acasXuPropertyOneBoxIsExact() throws {
        let box = try InputBox(vnnlibFile: Fixtures.benchmarks + "/acasxu/prop_1.vnnlib")
        #expect(box.lower == ["0.6", "-0.5", "-0.5", "0.45", "-0.5"].map { Rational($0)! })
        #expect(box.upper == ["0.679857769", "0.5", "0.5", "0.5", "-0.45"].map { Rational($0)! })
    }
}
