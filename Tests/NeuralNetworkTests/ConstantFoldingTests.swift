import ExactArithmetic
import Foundation
@testable import NeuralNetwork
import Testing

/// Initializer-only subgraphs fold to constants before import, exactly, so
/// every exporter's spelling of a dense chain gives the same layers; what
/// cannot be folded is refused with the node named and the reason.
@Suite struct ConstantFoldingTests {
    typealias G = SyntheticONNX

    static func ints(_ name: String, _ values: [Int64], dims: [Int]? = nil) -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.name = name
        t.dataType = 7
        t.dims = (dims ?? [values.count]).map(Int64.init)
        t.int64Data = values
        return t
    }

    /// `Gemm(w [3, 4]) → Relu → Gemm(w [2, 3])` from the value `from`.
    static func dense(from: String) -> (nodes: [Onnx_NodeProto], tensors: [Onnx_TensorProto]) {
        let (g1, t1) = G.gemm(from, "h", inputs: 4, outputs: 3, prefix: "fc1")
        let (g2, t2) = G.gemm("r", "y", inputs: 3, outputs: 2, prefix: "fc2")
        return ([g1, G.node("Relu", ["h"], ["r"]), g2], t1 + t2)
    }

    /// The reference: the same layers on a flat [N, 4] input.
    static var plain: Network {
        get throws {
            let d = dense(from: "x")
            return try G.load(G.model(d.nodes, initializers: d.tensors, inputShape: [-1, 4]))
        }
    }

    @Test func legacyViewChainWithADynamicBatch() throws {
        // x [N, 2, 2] → Shape → Gather(0) → Unsqueeze(0) → Concat(·, [-1]) → Reshape.
        let d = Self.dense(from: "flat")
        let nodes = [
            G.node("Shape", ["x"], ["s"]),
            G.node("Gather", ["s", "zero"], ["n"], ints: ["axis": 0]),
            G.node("Unsqueeze", ["n", "axes"], ["n1"]),
            G.node("Concat", ["n1", "minus1"], ["shape"], ints: ["axis": 0]),
            G.node("Reshape", ["x", "shape"], ["flat"]),
        ] + d.nodes
        let model = G.model(nodes, initializers: d.tensors + [Self.ints("zero", [0], dims: []), Self.ints("axes", [0]), Self.ints("minus1", [-1])],
                            inputShape: [-1, 2, 2])
        let network = try G.load(model)
        #expect(network.layers == (try Self.plain).layers)
    }

    @Test func dynamoViewChainWithSliceSqueezeAndCast() throws {
        // Shape(start 0, end 1) → Squeeze → Reshape([-1]) → Cast(int64) → Concat(·, [-1]) → Reshape.
        let d = Self.dense(from: "flat")
        let nodes = [
            G.node("Shape", ["x"], ["s"], ints: ["start": 0, "end": 1]),
            G.node("Squeeze", ["s"], ["n"]),
            G.node("Reshape", ["n", "minus1"], ["n1"]),
            G.node("Cast", ["n1"], ["n2"], ints: ["to": 7]),
            G.node("Slice", ["n2", "zero1", "one1"], ["n3"]),
            G.node("Concat", ["n3", "minus1"], ["shape"], ints: ["axis": 0]),
            G.node("Reshape", ["x", "shape"], ["flat"], ints: ["allowzero": 1]),
        ] + d.nodes
        let model = G.model(nodes, initializers: d.tensors + [Self.ints("minus1", [-1]), Self.ints("zero1", [0]), Self.ints("one1", [1])],
                            inputShape: [-1, 2, 2])
        #expect(try G.load(model).layers == (try Self.plain).layers)
    }

    @Test func reshapeToAConcatOfConstants() throws {
        let d = Self.dense(from: "flat")
        let nodes = [G.node("Concat", ["one", "minus1"], ["shape"], ints: ["axis": 0]), G.node("Reshape", ["x", "shape"], ["flat"])] + d.nodes
        let model = G.model(nodes, initializers: d.tensors + [Self.ints("one", [1]), Self.ints("minus1", [-1])], inputShape: [1, 2, 2])
        #expect(try G.load(model).layers == (try Self.plain).layers)
    }

    @Test func transposeOfAWeightFolds() throws {
        // MatMul(x, Transpose(w)) + b is Gemm(x, w, b, transB=1).
        let d = Self.dense(from: "x")
        let nodes = [G.node("Transpose", ["fc1.w"], ["wt"]), G.node("MatMul", ["x", "wt"], ["m"]), G.node("Add", ["m", "fc1.b"], ["h"])]
            + Array(d.nodes.dropFirst())
        let network = try G.load(G.model(nodes, initializers: d.tensors, inputShape: [-1, 4]))
        #expect(network.layers == (try Self.plain).layers)
    }

    @Test func aGatherOutOfRangeIsNamed() {
        let d = Self.dense(from: "flat")
        let nodes = [
            G.node("Shape", ["x"], ["s"], name: "/Shape"),
            G.node("Gather", ["s", "five"], ["n"], name: "/Gather", ints: ["axis": 0]),
            G.node("Reshape", ["x", "n"], ["flat"]),
        ] + d.nodes
        let model = G.model(nodes, initializers: d.tensors + [Self.ints("five", [5])], inputShape: [-1, 2, 2])
        expectInputError(["node '/Gather' (Gather)", "cannot be folded", "index 5 outside 0..<3"]) { () throws(InputError) in try G.load(model) }
    }

    @Test func aReshapeThatMovesTheBatchIsRefused() {
        let d = Self.dense(from: "flat")
        let nodes = [
            G.node("Shape", ["x"], ["s"]),
            G.node("Gather", ["s", "zero"], ["n"], ints: ["axis": 0]),
            G.node("Concat", ["minus1", "n"], ["shape"], ints: ["axis": 0]),
            G.node("Reshape", ["x", "shape"], ["flat"], name: "/Reshape"),
        ] + d.nodes
        let model = G.model(nodes, initializers: d.tensors + [Self.ints("zero", [0]), Self.ints("minus1", [-1])], inputShape: [-1, 4])
        expectInputError(["node '/Reshape' (Reshape)", "reshapes to [-1, batch]", "does not keep the feature vector whole"]) { () throws(InputError) in
            try G.load(model)
        }
    }

    @Test func aCastThatWouldRoundIsRefused() {
        let d = Self.dense(from: "x")
        let nodes = [G.node("Cast", ["big"], ["bigf"], name: "/Cast", ints: ["to": 1]), G.node("Add", ["x", "bigf"], ["x1"])]
            + [G.node("Identity", ["x1"], ["x2"])]
        let model = G.model(nodes + d.nodes.map { n in var n = n; n.input = n.input.map { $0 == "x" ? "x2" : $0 }; return n },
                            initializers: d.tensors + [Self.ints("big", [16_777_217])], inputShape: [-1, 4])
        expectInputError(["node '/Cast' (Cast)", "casts 16777217 to float, which would round it"]) { () throws(InputError) in try G.load(model) }
    }

    @Test func aShapeOfAnUnknownShapeIsNamed() {
        let d = Self.dense(from: "flat")
        let nodes = [G.node("Shape", ["x"], ["s"], name: "/Shape"), G.node("Reshape", ["x", "s"], ["flat"])] + d.nodes
        let model = G.model(nodes, initializers: d.tensors, inputShape: nil)
        expectInputError(["node '/Shape' (Shape)", "reads the shape of 'x'", "does not know"]) { () throws(InputError) in try G.load(model) }
    }

    @Test func aShapeFromAnOperatorClimepDoesNotFoldIsNamedAsSuch() {
        // Before: "combines two computed values", though the shape is computed from constants alone.
        let d = Self.dense(from: "flat")
        let nodes = [G.node("Max", ["one", "minus1"], ["shape"], name: "/Max"), G.node("Reshape", ["x", "shape"], ["flat"], name: "/Reshape")] + d.nodes
        let model = G.model(nodes, initializers: d.tensors + [Self.ints("one", [1, 1]), Self.ints("minus1", [-1, -1])], inputShape: [1, 4])
        expectInputError(["Max"]) { () throws(InputError) in try G.load(model) }
        let add = [G.node("Sub", ["one", "minus1"], ["shape"], name: "/Sub"), G.node("Reshape", ["x", "shape"], ["flat"], name: "/Reshape")] + d.nodes
        let model2 = G.model(add, initializers: d.tensors + [Self.ints("one", [0, 3]), Self.ints("minus1", [-1, -1])], inputShape: [1, 4])
        expectInputError(["node '/Reshape' (Reshape) needs 'shape' as a constant", "node '/Sub' (Sub) computes it with an operator climep does not fold"]) { () throws(InputError) in
            try G.load(model2)
        }
    }

    @Test func aShapeEntryThatIsNotAnIntegerIsRefused() {
        // Before: a non-integer entry was read as 0 (copy the dimension).
        let d = Self.dense(from: "flat")
        let nodes = [G.node("Reshape", ["x", "shape"], ["flat"], name: "/Reshape")] + d.nodes
        let model = G.model(nodes, initializers: d.tensors + [G.tensor("shape", [2], [1.5, 4])], inputShape: [1, 4])
        expectInputError(["node '/Reshape' (Reshape)", "shape entry 3/2, not an integer"]) { () throws(InputError) in try G.load(model) }
    }
}
