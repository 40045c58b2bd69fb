import ExactArithmetic
import Foundation
@testable import NeuralNetwork
import Testing

/// Builds small ONNX graphs in memory, for the malformed inputs that a
/// bad-input campaign found (issue 9): they are tiny, so they are written
/// here rather than committed.
enum SyntheticONNX {
    static func node(_ op: String, _ inputs: [String], _ outputs: [String], name: String = "",
                     ints: [String: Int] = [:], domain: String = "") -> Onnx_NodeProto {
        var node = Onnx_NodeProto()
        node.opType = op
        node.input = inputs
        node.output = outputs
        node.name = name
        node.domain = domain
        for (key, value) in ints.sorted(by: { $0.key < $1.key }) {
            var attribute = Onnx_AttributeProto()
            attribute.name = key
            attribute.type = .int
            attribute.i = Int64(value)
            node.attribute.append(attribute)
        }
        return node
    }

    /// A float tensor of the given shape; values default to 1/2, 1/4, … (distinct, exact).
    static func tensor(_ name: String, _ dims: [Int], _ values: [Float]? = nil) -> Onnx_TensorProto {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dataType = 1
        tensor.dims = dims.map(Int64.init)
        let count = dims.reduce(1, *)
        func entry(_ k: Int) -> Float {
            let magnitude = Float(k % 7 + 1) / Float(1 << (k % 5 + 1))
            return k % 2 == 0 ? magnitude : -magnitude
        }
        tensor.floatData = values ?? (0..<count).map(entry)
        return tensor
    }

    static func valueInfo(_ name: String, _ dims: [Int64]?) -> Onnx_ValueInfoProto {
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type.tensorType.elemType = 1
        if let dims {
            info.type.tensorType.shape.dim = dims.map { d in
                var dim = Onnx_TensorShapeProto.Dimension()
                dim.value = d < 0 ? .dimParam("N") : .dimValue(d)
                return dim
            }
        }
        return info
    }

    /// The serialized model; `-1` in `inputShape` is a symbolic batch dimension.
    static func model(_ nodes: [Onnx_NodeProto], initializers: [Onnx_TensorProto] = [], input: String = "x",
                      inputShape: [Int64]? = [-1, 2], outputs: [String] = ["y"], opset: Int64 = 17) -> Data {
        var model = Onnx_ModelProto()
        model.irVersion = 8
        var set = Onnx_OperatorSetIdProto()
        set.version = opset
        model.opsetImport = [set]
        model.graph.node = nodes
        model.graph.initializer = initializers
        model.graph.input = [valueInfo(input, inputShape)]
        model.graph.output = outputs.map { valueInfo($0, nil) }
        return try! model.serializedData()
    }

    /// `x [N, inputs] → Gemm → z [N, outputs]`, weights `w`, bias `b`.
    static func gemm(_ input: String, _ output: String, inputs: Int, outputs: Int, prefix: String) -> (Onnx_NodeProto, [Onnx_TensorProto]) {
        (node("Gemm", [input, "\(prefix).w", "\(prefix).b"], [output], name: "/\(prefix)/Gemm", ints: ["transB": 1]),
         [tensor("\(prefix).w", [outputs, inputs]), tensor("\(prefix).b", [outputs])])
    }

    static func load(_ data: Data) throws(InputError) -> Network {
        try Network(data: data, source: "g.onnx")
    }
}

/// Asserts `body` throws one line starting with the file name and containing every word.
func expectInputError(_ words: [String], sourcePrefix: String = "g.onnx", _ body: () throws(InputError) -> Network,
                      sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        _ = try body()
        Issue.record("accepted; expected an error mentioning \(words)", sourceLocation: sourceLocation)
    } catch {
        #expect(error.message.hasPrefix(sourcePrefix), "\(error.message)", sourceLocation: sourceLocation)
        #expect(!error.message.contains("\n"), sourceLocation: sourceLocation)
        for word in words {
            #expect(error.message.contains(word), "\(error.message) should mention \(word)", sourceLocation: sourceLocation)
        }
    }
}

@Suite struct ONNXBadInputTests {
    typealias G = SyntheticONNX

    // MARK: Sizes

    @Test(arguments: [
        ([1, 4_294_967_296, 4_294_967_296] as [Int64], "input width 4294967296 exceeds the supported 1,000,000"),
        ([1, 1 << 62, 4], "input width 4611686018427387904 exceeds the supported 1,000,000"),
        ([1, 2_147_483_648], "input width 2147483648 exceeds the supported 1,000,000"),
        ([1, 1_000_001], "input width 1000001 exceeds the supported 1,000,000"),
    ])
    func declaredInputWidthIsCheckedBeforeUse(shape: [Int64], words: String) {
        // Before: a trap on the overflowing product, or an attempt to allocate a w × w identity.
        expectInputError([words, "'x'"]) { () throws(InputError) in
            try G.load(G.model([G.node("Relu", ["x"], ["y"])], inputShape: shape))
        }
    }

    @Test func anActivationOnAWideInputNeedsNoHugeDiagonalLayer() throws {
        // 10⁵ declared features would be a 10¹⁰-entry identity layer: refused before allocating it.
        expectInputError(["100000 × 100000", "exceeds the supported 20,000,000"]) { () throws(InputError) in
            try G.load(G.model([G.node("Relu", ["x"], ["y"])], inputShape: [1, 100_000]))
        }
        expectInputError(["exceeds the supported 20,000,000"]) { () throws(InputError) in
            try G.load(G.model([G.node("Add", ["x", "c"], ["a"]), G.node("Tanh", ["a"], ["y"])],
                               initializers: [G.tensor("c", [], [1])], inputShape: [1, 100_000]))
        }
        // A small declared width still gives the diagonal layer.
        #expect(try G.load(G.model([G.node("Relu", ["x"], ["y"])], inputShape: [1, 3])).layers[0].weights[2, 2] == 1)
    }

    @Test func aTensorWithOverflowingDimsIsRejected() {
        var tensor = G.tensor("w", [1, 1])
        tensor.dims = [1 << 40, 1 << 40]
        expectInputError(["'w'", "element count 1099511627776 exceeds the supported 20,000,000"]) { () throws(InputError) in
            let (gemm, _) = G.gemm("x", "y", inputs: 2, outputs: 1, prefix: "fc")
            return try G.load(G.model([gemm], initializers: [tensor, G.tensor("fc.w", [1, 2]), G.tensor("fc.b", [1])]))
        }
    }

    @Test func layersWithoutOutputsAreRejected() {
        // Before: index out of range (hidden) or a precondition in Network (last), later on.
        expectInputError(["layer 1 has no outputs"]) { () throws(InputError) in
            let (first, w1) = G.gemm("x", "h", inputs: 2, outputs: 0, prefix: "fc1")
            let (second, w2) = G.gemm("r", "y", inputs: 0, outputs: 3, prefix: "fc2")
            return try G.load(G.model([first, G.node("Relu", ["h"], ["r"]), second], initializers: w1 + w2))
        }
        expectInputError(["layer 1 has no outputs"]) { () throws(InputError) in
            let (gemm, w) = G.gemm("x", "y", inputs: 2, outputs: 0, prefix: "fc")
            return try G.load(G.model([gemm], initializers: w))
        }
    }

    @Test func composingLargeAffineNodesIsBounded() throws {
        // Two 500 × 500 Gemms without an activation between them: 1.25·10⁸ multiplications to fold.
        let (first, w1) = G.gemm("x", "h", inputs: 500, outputs: 500, prefix: "fc1")
        let (second, w2) = G.gemm("h", "y", inputs: 500, outputs: 500, prefix: "fc2")
        expectInputError(["'/fc2/Gemm'", "multiplication count 125000000 exceeds the supported 100,000,000"]) { () throws(InputError) in
            try G.load(G.model([first, second], initializers: w1 + w2, inputShape: [-1, 500]))
        }
        // Small ones still fold exactly into one layer.
        let (a, wa) = G.gemm("x", "h", inputs: 2, outputs: 3, prefix: "fc1")
        let (b, wb) = G.gemm("h", "y", inputs: 3, outputs: 2, prefix: "fc2")
        #expect(try G.load(G.model([a, b], initializers: wa + wb)).layers.count == 1)
    }

    // MARK: Graph structure

    @Test(.timeLimit(.minutes(1)))
    func cyclesAndReassignedValuesAreRejected() {
        // Before: each of these made the chain walk loop forever.
        expectInputError(["overwrites the graph input", "'x'"]) { () throws(InputError) in
            try G.load(G.model([G.node("Relu", ["x"], ["x"], name: "self")], outputs: ["x"]))
        }
        expectInputError(["overwrites the graph input", "'x'"]) { () throws(InputError) in
            try G.load(G.model([G.node("Relu", ["x"], ["a"]), G.node("Tanh", ["a"], ["x"], name: "back")], outputs: ["a"]))
        }
        expectInputError(["overwrites the graph input", "Identity"]) { () throws(InputError) in
            try G.load(G.model([G.node("Identity", ["x"], ["x"])], outputs: ["x"]))
        }
        expectInputError(["value 'a' is written by both"]) { () throws(InputError) in
            let (gemm, w) = G.gemm("x", "a", inputs: 2, outputs: 2, prefix: "fc")
            return try G.load(G.model([gemm, G.node("Relu", ["a"], ["r"]), G.node("Tanh", ["r"], ["a"])], initializers: w, outputs: ["a"]))
        }
        // A loop off the chain, among head operators, that never reaches the logits.
        expectInputError(["cycle", "'/loop/"]) { () throws(InputError) in
            let (gemm, w) = G.gemm("x", "y", inputs: 2, outputs: 3, prefix: "fc")
            return try G.load(G.model(
                [gemm, G.node("Identity", ["q"], ["p"], name: "/loop/a"), G.node("Identity", ["p"], ["q"], name: "/loop/b")],
                initializers: w))
        }
        // A node that reads its own output, off the chain.
        expectInputError(["'/self/Identity'"]) { () throws(InputError) in
            let (gemm, w) = G.gemm("x", "y", inputs: 2, outputs: 3, prefix: "fc")
            return try G.load(G.model([gemm, G.node("Identity", ["s"], ["s"], name: "/self/Identity")], initializers: w))
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aChainOfAThousandLayersLoads() throws {
        var nodes: [Onnx_NodeProto] = [], tensors: [Onnx_TensorProto] = []
        var current = "x"
        for k in 0..<1000 {
            let (gemm, w) = G.gemm(current, "g\(k)", inputs: 2, outputs: 2, prefix: "fc\(k)")
            nodes += [gemm, G.node("Tanh", ["g\(k)"], [k == 999 ? "y" : "t\(k)"])]
            tensors += w
            current = "t\(k)"
        }
        let network = try G.load(G.model(nodes, initializers: tensors))
        #expect(network.layers.count == 1000)
        #expect(network.layers.allSatisfy { $0.activation == .tanh })
    }

    @Test func graphOutputsMustComeFromTheLogits() {
        let (gemm, w) = G.gemm("x", "y", inputs: 2, outputs: 3, prefix: "fc")
        expectInputError(["graph output 'x'"]) { () throws(InputError) in
            try G.load(G.model([gemm], initializers: w, outputs: ["y", "x"]))
        }
    }

    // MARK: Heads

    /// x → Gemm (2 → `logits`) → z, then `head` over "z"; the graph output is "out".
    func headed(logits: Int, sigmoid: Bool = false, _ head: [Onnx_NodeProto], extra: [Onnx_TensorProto] = [],
                opset: Int64 = 17, inputShape: [Int64] = [-1, 2]) throws(InputError) -> Network {
        let (gemm, w) = G.gemm("x", sigmoid ? "a" : "z", inputs: 2, outputs: logits, prefix: "fc")
        let nodes = [gemm] + (sigmoid ? [G.node("Sigmoid", ["a"], ["z"], name: "/out/Sigmoid")] : []) + head
        return try G.load(G.model(nodes, initializers: w + extra, inputShape: inputShape, outputs: ["out"], opset: opset))
    }

    static let one = G.tensor("unity", [1], [1])

    @Test func binaryHeadIsStrippedOnlyOverAStrippedSigmoid() throws {
        let head = [G.node("Sub", ["unity", "z"], ["q"], name: "/h/Sub"),
                    G.node("Concat", ["q", "z"], ["p"], name: "/h/Concat", ints: ["axis": 1]),
                    G.node("ArgMax", ["p"], ["out"], name: "/h/ArgMax", ints: ["axis": 1])]
        let network = try headed(logits: 1, sigmoid: true, head, extra: [Self.one])
        #expect(network.layers.last?.activation == .identity)
        #expect(network.provenance.strippedHead == ["Sigmoid", "Sub", "Concat", "ArgMax"])
        // Over the raw logit z, [1 − z, z] is labelled [z > 1/2], not [z > 0].
        expectInputError(["'/h/Sub'", "raw logit"]) { () throws(InputError) in try headed(logits: 1, head, extra: [Self.one]) }
        // 1 − p needs the constant 1 first, and Concat needs exactly (1 − p, p) on the class axis.
        expectInputError(["'/h/Sub'"]) { () throws(InputError) in
            try headed(logits: 1, sigmoid: true, head, extra: [G.tensor("unity", [1], [2])])
        }
        let swapped = [head[0], G.node("Concat", ["z", "q"], ["p"], name: "/h/Concat", ints: ["axis": 1]), head[2]]
        expectInputError(["'/h/Concat'"]) { () throws(InputError) in try headed(logits: 1, sigmoid: true, swapped, extra: [Self.one]) }
        let batchAxis = [head[0], G.node("Concat", ["q", "z"], ["p"], name: "/h/Concat", ints: ["axis": 0]), head[2]]
        expectInputError(["'/h/Concat'", "axis 0"]) { () throws(InputError) in try headed(logits: 1, sigmoid: true, batchAxis, extra: [Self.one]) }
        // The complement alone is not a classifier output.
        expectInputError(["graph output 'q'", "1 − p"]) { () throws(InputError) in
            let (gemm, w) = G.gemm("x", "a", inputs: 2, outputs: 1, prefix: "fc")
            return try G.load(G.model([gemm, G.node("Sigmoid", ["a"], ["z"])] + head, initializers: w + [Self.one], outputs: ["out", "q"]))
        }
    }

    @Test func argMaxAttributesAreChecked() throws {
        func argMax(_ ints: [String: Int]) -> [Onnx_NodeProto] { [G.node("ArgMax", ["z"], ["out"], name: "/h/ArgMax", ints: ints)] }
        _ = try headed(logits: 3, argMax(["axis": 1]))
        _ = try headed(logits: 3, argMax(["axis": -1, "keepdims": 0, "select_last_index": 0]))
        // A vector without a batch dimension (W·x, as VNN-COMP writes it): axis 0 is the class axis.
        _ = try G.load(G.model([G.node("MatMul", ["w", "x"], ["z"])] + argMax([:]), initializers: [G.tensor("w", [3, 2])],
                               inputShape: [2], outputs: ["out"]))
        expectInputError(["'/h/ArgMax'", "select_last_index=1"]) { () throws(InputError) in try headed(logits: 3, argMax(["axis": 1, "select_last_index": 1])) }
        expectInputError(["'/h/ArgMax'", "axis 0"]) { () throws(InputError) in try headed(logits: 3, argMax([:])) }
        expectInputError(["'/h/ArgMax'", "always 0"]) { () throws(InputError) in try headed(logits: 1, argMax(["axis": 1])) }
    }

    @Test func softmaxAxisFollowsTheOpsetDefaults() throws {
        func softmax(_ op: String, _ ints: [String: Int]) -> [Onnx_NodeProto] { [G.node(op, ["z"], ["out"], name: "/h/\(op)", ints: ints)] }
        for op in ["Softmax", "LogSoftmax"] {
            _ = try headed(logits: 3, softmax(op, [:]))                // opset 17: axis −1
            _ = try headed(logits: 3, softmax(op, [:]), opset: 11)     // opset 11: axis 1, coerced to 2-D
            _ = try headed(logits: 3, softmax(op, ["axis": 1]))
            expectInputError(["'/h/\(op)'", "axis 0"]) { () throws(InputError) in try headed(logits: 3, softmax(op, ["axis": 0])) }
            // On 3-D logits the pre-13 default axis 1 is not the class axis.
            expectInputError(["'/h/\(op)'", "axis 1"]) { () throws(InputError) in
                let (matmul, w) = (G.node("MatMul", ["x", "w"], ["z"]), [G.tensor("w", [2, 3])])
                return try G.load(G.model([matmul] + softmax(op, [:]), initializers: w, inputShape: [1, 1, 2], outputs: ["out"], opset: 11))
            }
            expectInputError(["'/h/\(op)'", "single logit"]) { () throws(InputError) in try headed(logits: 1, softmax(op, ["axis": 1])) }
        }
    }

    @Test func labelBookkeepingMustMapClassIToI() throws {
        func lookup() -> [Onnx_NodeProto] {
            [G.node("ArgMax", ["z"], ["i"], name: "/h/ArgMax", ints: ["axis": 1]),
             G.node("ArrayFeatureExtractor", ["classes", "i"], ["out"], name: "/h/AFE", domain: "ai.onnx.ml")]
        }
        _ = try headed(logits: 3, lookup(), extra: [G.tensor("classes", [3], [0, 1, 2])])
        expectInputError(["'/h/AFE'", "class indices"]) { () throws(InputError) in
            try headed(logits: 3, lookup(), extra: [G.tensor("classes", [3], [2, 1, 0])])
        }
        // Casting a probability to an integer could merge classes.
        expectInputError(["'/h/Cast'"]) { () throws(InputError) in
            try headed(logits: 3, [G.node("Softmax", ["z"], ["p"], ints: ["axis": 1]), G.node("Cast", ["p"], ["out"], name: "/h/Cast", ints: ["to": 7])])
        }
    }
}
