import ExactArithmetic
import Foundation
import SwiftProtobuf

/// Reads the chain of dense layers out of an ONNX graph as real exporters
/// write it (torch.onnx.export, skl2onnx, the VNN-COMP networks).
///
/// Nodes that read only constants (shape arithmetic, a `Transpose` of a
/// weight, …) are first folded to constants (`ONNXConstantFolding`), and
/// tensors kept in external data files are read from the `ModelFile`.
/// The graph must then be one path from its single data input: affine nodes
/// (`Gemm`, `MatMul`, and `Add`/`Sub`/`Mul`/`Div` by constants — input
/// normalisation included — `ai.onnx.ml.Scaler`, and inference-form
/// `BatchNormalization`, exact or with a rigorous radius) compose into the
/// next layer's weights;
/// activation nodes (`Relu`, `LeakyRelu`, `Sigmoid`, `Tanh`, `Clip`) close a
/// layer; shape nodes (`Flatten`, `Reshape`, `Identity`, `Dropout`, `Cast`
/// to float) pass through. The classifier head after the last layer is
/// stripped only when it provably keeps climep's labels (see `HeadValue`):
/// `Softmax`, `LogSoftmax` and `ArgMax` along the class axis, a final
/// `Sigmoid`, skl2onnx's binary head `Concat(1 − σ(z), σ(z))` over a stripped
/// Sigmoid, and label bookkeeping that maps class `i` to `i`. Anything else is
/// an error naming the node. The graph must assign each value once (so it
/// has no cycles), and every size is checked against `InputLimits` before
/// anything of that size is allocated.
struct ONNXImporter {
    let source: String
    private var constants: [String: ONNXTensor] = [:]
    private var layers: [DenseLayer] = []
    private var pending: AffineStep?
    /// Elementwise bounds on |model's real value − pending's| for each entry
    /// of `pending`, in the same form; nil while `pending` is exact.
    private var pendingRadius: AffineStep?
    /// Normalisation nodes folded into layers, for `Provenance`.
    private var foldedNormalisation: [Network.Provenance.FoldedNode] = []
    private var width: Int?
    private var folded: [String] = []
    /// True when the graph input is one vector with no batch dimension.
    private var inputIsVector = false
    /// The rank of the current data value, where the graph says it: the
    /// class axis of the logits is its last axis.
    private var rank: Int?
    /// The version of the default ONNX operator set (attribute defaults depend on it).
    private var opset = 1
    /// The graph's nodes, the node writing each value, and the nodes folded to constants.
    private var nodes: [Onnx_NodeProto] = []
    private var producerOf: [String: Int] = [:]
    private var foldedNodes = Set<Int>()
    /// Data values whose shape is known: the dims (0 at the batch axis) and the batch axis, if symbolic.
    private var dataShapes: [String: (dims: [Int], batchAxis: Int?)] = [:]

    /// The model's external data files, when it has any.
    private var file: ModelFile?

    init(source: String) { self.source = source }

    /// The network in an ONNX model's bytes; a tensor kept in external data
    /// is read from `externalFiles` (never from disk).
    mutating func network(from data: Data, externalFiles: ModelFile? = nil) throws(InputError) -> Network {
        file = externalFiles
        guard !data.isEmpty else { throw InputError("\(source) is empty, not an ONNX model") }
        let model: Onnx_ModelProto
        do {
            model = try Onnx_ModelProto(serializedBytes: data)
        } catch {
            throw InputError("\(source) is not a valid ONNX model (protobuf decoding failed: \(error))")
        }
        guard model.hasGraph, model.irVersion > 0 else {
            throw InputError("\(source) is not an ONNX model (no ir_version or no graph)")
        }
        let graph = model.graph
        guard !graph.node.isEmpty else { throw InputError("\(source): the graph has no nodes") }
        opset = Int(model.opsetImport.first(where: { $0.domain.isEmpty || $0.domain == "ai.onnx" })?.version ?? 1)

        // Name the first operator climep does not know, wherever it sits.
        for node in graph.node {
            let known = node.domain.isEmpty || node.domain == "ai.onnx" || node.domain == "ai.onnx.ml"
            if node.opType == "HardSwish" && node.domain.isEmpty {
                throw InputError("\(source): \(describe(node)) is HardSwish, x·HardSigmoid(x), which is piecewise quadratic: neither piecewise linear (exact) nor one of climep's smooth activations")
            }
            guard known, node.opType == "Constant" || ONNXImporter.pathOps.contains(node.opType) || ONNXImporter.patternOps.contains(node.opType)
                    || ONNXImporter.headOps.contains(node.opType) || ONNXConstantFolding.ops.contains(node.opType) else {
                let op = node.domain.isEmpty ? node.opType : "\(node.domain).\(node.opType)"
                throw InputError("\(source): unsupported operator \(op) in \(describe(node)); climep reads chains of Gemm/MatMul/Add and Relu/LeakyRelu/Sigmoid/Tanh/Clip")
            }
        }
        do {
            for tensor in graph.initializer {
                constants[tensor.name] = try ONNXTensor(tensor, name: tensor.name, file: file)
            }
        } catch {
            throw InputError("\(source): initializer \(error.message)")
        }
        for node in graph.node where node.opType == "Constant" && node.domain.isEmpty {
            guard let output = node.output.first else { continue }
            constants[output] = try constantValue(node)
        }

        // Each value is assigned once (ONNX's static single assignment): no
        // node overwrites a graph input, an initializer or another node's
        // output. This also excludes every cycle through the main path.
        let declared = Set(graph.input.map(\.name)).union(graph.initializer.map(\.name))
        var producers: [String: Int] = [:]
        for (k, node) in graph.node.enumerated() {
            for name in node.output where !name.isEmpty {
                if declared.contains(name) {
                    throw InputError("\(source): \(describe(node)) overwrites the graph input or initializer '\(name)'; an ONNX graph assigns each value once")
                }
                if let other = producers.updateValue(k, forKey: name) {
                    throw InputError("\(source): value '\(name)' is written by both \(describe(graph.node[other])) and \(describe(node)); an ONNX graph assigns each value once")
                }
            }
        }

        // The data input: a graph input that is not an initializer and is used.
        let used = Set(graph.node.flatMap(\.input))
        let dataInputs = graph.input.filter { constants[$0.name] == nil && used.contains($0.name) }
        guard let input = dataInputs.first else { throw InputError("\(source): the graph has no data input") }
        guard dataInputs.count == 1 else {
            throw InputError("\(source): the graph has \(dataInputs.count) data inputs (\(dataInputs.map { "'\($0.name)'" }.joined(separator: ", "))); climep reads single-input classifiers")
        }
        width = try inputWidth(input)
        nodes = graph.node
        producerOf = producers
        if let dims = declaredDims(input) { dataShapes[input.name] = dims }
        try foldConstants()

        var consumers: [String: [Int]] = [:]
        for (k, node) in graph.node.enumerated() where node.opType != "Constant" && !foldedNodes.contains(k) {
            for name in Set(node.input) where !name.isEmpty && constants[name] == nil { consumers[name, default: []].append(k) }
        }

        // Walk the main path.
        var onPath = Set<Int>()
        var current = input.name
        var lastActivation: (layer: Int, node: Onnx_NodeProto)?
        while var next = consumers[current]?.filter({ !foldedNodes.contains($0) }), !next.isEmpty {
            // `Shape` of the current value (`x.view(x.size(0), -1)`): fold it and the shape arithmetic after it.
            if let shape = next.first(where: { graph.node[$0].opType == "Shape" }) {
                if dataShapes[current] == nil, rank == 2, let w = width { dataShapes[current] = (dims: [0, w], batchAxis: 0) }
                try foldConstants()
                next = next.filter { !foldedNodes.contains($0) }
                if next.contains(shape) {
                    throw InputError("\(source): \(describe(graph.node[shape])) reads the shape of '\(current)', which climep does not know here; climep folds Shape of the data input (declared shape) or of a [batch, features] value")
                }
                if next.isEmpty { break }
            }
            // SiLU and torch's GELU chain span several nodes from one value.
            if let composite = try compositeActivation(from: current, consumers: next, consumersOf: consumers) {
                for k in composite.nodes where !onPath.insert(k).inserted {
                    throw InputError("\(source): the graph has a cycle through \(describe(graph.node[k]))")
                }
                try closeLayer(activation: composite.activation)
                if composite.scale != .one, let w = width {
                    try composeDiagonal(scale: Array(repeating: composite.scale, count: w), shift: Array(repeating: .zero, count: w))
                }
                if let delta = composite.outputRadius, let w = width {
                    // The file's output is the activation's plus d with |d| ≤ δ: a bias radius of the next layer.
                    let zero = Array(repeating: Rational.zero, count: w), one = Array(repeating: Rational.one, count: w)
                    try composeDiagonal(scale: one, shift: zero, radius: (scale: zero, shift: Array(repeating: delta, count: w)))
                    foldedNormalisation.append(.init(op: "Where", node: nodeName(graph.node[composite.nodes.last!]), layer: layers.count + 1, exact: false))
                }
                lastActivation = nil
                current = composite.output
                continue
            }
            let nodes = next.map { graph.node[$0] }
            if nodes.count > 1 || ONNXImporter.headOps.contains(nodes[0].opType) && !ONNXImporter.pathOps.contains(nodes[0].opType) {
                if let stray = nodes.first(where: { !ONNXImporter.headOps.contains($0.opType) }) {
                    throw InputError("\(source): value '\(current)' feeds \(nodes.count) nodes (\(nodes.map { describe($0) }.joined(separator: ", "))) and \(describe(stray)) is not part of a classifier head; climep reads a single chain of dense layers")
                }
                break
            }
            let node = nodes[0]
            guard onPath.insert(next[0]).inserted else {
                throw InputError("\(source): the graph has a cycle through \(describe(node))")
            }
            try apply(node, dataInput: current)
            if ONNXImporter.activationOps.contains(node.opType) {
                lastActivation = (layers.count - 1, node)
            } else if pending != nil {
                lastActivation = nil
            }
            guard node.output.count >= 1, !node.output[0].isEmpty else { throw InputError("\(source): \(describe(node)) has no output") }
            current = node.output[0]
        }

        // Close the last layer.
        var stripped: [String] = []
        var strippedSigmoid = false
        if pending != nil {
            try closeLayer(activation: .identity)
        } else if let last = lastActivation, last.node.opType == "Sigmoid", last.layer == layers.count - 1 {
            // A final sigmoid is the binary head: σ(z) > 1/2 exactly when z > 0.
            let layer = layers.removeLast()
            layers.append(try DenseLayer(weights: layer.weights, bias: layer.bias, activation: .identity))
            stripped.append("Sigmoid")
            strippedSigmoid = true
        }
        guard let logitCount = layers.last?.outputCount else { throw InputError("\(source): the graph has no dense layer") }

        // Everything off the main path must be a head that keeps the labels.
        let head = graph.node.enumerated().filter {
            !onPath.contains($0.offset) && !foldedNodes.contains($0.offset) && $0.element.opType != "Constant"
        }.map(\.element)
        let chainEnd: HeadValue = logitCount == 1 ? (strippedSigmoid ? .probability : .logit)
            : .scores(classes: logitCount)
        stripped += try checkHead(head, logits: current, as: chainEnd, outputs: graph.output.map(\.name))

        let producer = [model.producerName, model.producerVersion].filter { !$0.isEmpty }.joined(separator: " ")
        do {
            return try Network(layers: layers, provenance: .init(
                format: "onnx", producer: producer, strippedHead: stripped, foldedIntoFirstLayer: folded,
                foldedNormalisation: foldedNormalisation, foldedConstants: foldedNodes.sorted().map { graph.node[$0].opType }))
        } catch {
            throw InputError("\(source): \(error.message)")
        }
    }

    // MARK: - Operators

    static let activationOps: Set<String> = ["Relu", "LeakyRelu", "Sigmoid", "Tanh", "Softplus", "Elu", "Clip", "Gelu", "HardSigmoid"]
    /// Ops read only as part of a multi-node activation (torch's GELU chains, its Softplus threshold).
    static let patternOps: Set<String> = ["Erf", "Greater", "Where", "Pow"]
    static let affineOps: Set<String> = ["Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "BatchNormalization", "Scaler"]
    static let shapeOps: Set<String> = ["Flatten", "Reshape", "Identity", "Dropout", "Cast"]
    static let pathOps = activationOps.union(affineOps).union(shapeOps)
    /// Ops allowed after the last dense layer: monotone heads and label bookkeeping.
    static let headOps: Set<String> = [
        "Softmax", "LogSoftmax", "Sigmoid", "ArgMax", "Sub", "Concat", "Cast", "Reshape", "Identity", "Flatten",
        "ZipMap", "ArrayFeatureExtractor", "Squeeze", "Unsqueeze",
    ]

    private func describe(_ node: Onnx_NodeProto) -> String {
        node.name.isEmpty ? "node \(node.opType) (output '\(node.output.first ?? "")')" : "node '\(node.name)' (\(node.opType))"
    }

    private mutating func apply(_ node: Onnx_NodeProto, dataInput: String) throws(InputError) {
        let here = describe(node)
        let isScaler = node.opType == "Scaler" && node.domain == "ai.onnx.ml"
        guard node.domain.isEmpty || node.domain == "ai.onnx" || isScaler else {
            throw InputError("\(source): unsupported operator \(node.domain).\(node.opType) in \(here)")
        }
        guard ONNXImporter.pathOps.contains(node.opType), node.opType != "Scaler" || isScaler else {
            throw InputError("\(source): unsupported operator \(node.opType) in \(here); climep reads chains of Gemm/MatMul/Add and Relu/LeakyRelu/Sigmoid/Tanh/Clip")
        }
        // Every other input must be a constant.
        let others = node.input.enumerated().filter { $0.element != dataInput && !$0.element.isEmpty }
        for (_, name) in others where constants[name] == nil {
            if let p = producerOf[name], nodes[p].input.allSatisfy({ $0.isEmpty || constants[$0] != nil }) {
                throw InputError("\(source): \(here) needs '\(name)' as a constant, but \(describe(nodes[p])) computes it with an operator climep does not fold")
            }
            throw InputError("\(source): \(here) combines two computed values ('\(dataInput)' and '\(name)'); climep reads a single chain of dense layers")
        }
        guard node.input.filter({ $0 == dataInput }).count == 1 else {
            throw InputError("\(source): \(here) uses '\(dataInput)' twice; not a dense layer")
        }
        let dataPosition = node.input.firstIndex(of: dataInput)!
        func constant(_ i: Int) -> ONNXTensor? {
            i < node.input.count && !node.input[i].isEmpty ? constants[node.input[i]] : nil
        }

        switch node.opType {
        case "Gemm":
            guard dataPosition == 0 else { throw InputError("\(source): \(here) multiplies a constant by the data (data must be Gemm's first input)") }
            guard try intAttribute(node, "transA", default: 0) == 0 else {
                throw InputError("\(source): \(here) has transA=1 on the data input, which is not a dense layer")
            }
            let transB = try intAttribute(node, "transB", default: 0) != 0
            let alpha = try floatAttribute(node, "alpha", default: 1)
            let beta = try floatAttribute(node, "beta", default: 1)
            guard let b = constant(1) else { throw InputError("\(source): \(here) has no weight input") }
            var weights = try matrix(b, transposed: !transB, in: here)
            if alpha != 1 { weights = weights.scaled(by: alpha) }
            var bias = Array(repeating: Rational.zero, count: weights.rows)
            if let c = constant(2) {
                bias = try broadcast(c, to: weights.rows, in: here, role: "bias").map { $0 * beta }
            }
            try composeDense(weights, bias, in: here)
            rank = 2
        case "MatMul":
            // x·B for batched rows; W·x only when the data is a single vector
            // without a batch dimension (as the VNN-COMP test networks write it).
            guard dataPosition == 0 || inputIsVector else {
                throw InputError("\(source): \(here) multiplies a constant by batched data (data must be MatMul's first input)")
            }
            guard let b = constant(1 - dataPosition) else { throw InputError("\(source): \(here) has no weight input") }
            let weights = try matrix(b, transposed: dataPosition == 0, in: here)
            try composeDense(weights, Array(repeating: .zero, count: weights.rows), in: here)
        case "BatchNormalization":
            let parameters = (1...4).map { constant($0) }
            try foldBatchNormalization(node, parameters: parameters, in: here)
        case "Scaler":
            // ai.onnx.ml.Scaler: y = (x − offset) · scale, every number a float: exact.
            guard let w = width else { throw InputError("\(source): \(here) meets data of unknown width") }
            func values(_ name: String) throws(InputError) -> [Rational] {
                var out: [Rational] = []
                for f in node.attribute.first(where: { $0.name == name })?.floats ?? [] { out.append(try exactFloat(f, in: here)) }
                if out.count == 1 { out = Array(repeating: out[0], count: w) }
                guard out.count == w else { throw InputError("\(source): \(here) has \(out.count) \(name) values for \(w) features") }
                return out
            }
            let offset = try values("offset"), scale = try values("scale")
            let isFirst = layers.isEmpty && !pendingIsDense
            try composeDiagonal(scale: scale, shift: (0..<w).map { -offset[$0] * scale[$0] })
            if isFirst { folded.append("Scaler") }
            foldedNormalisation.append(.init(op: "Scaler", node: nodeName(node), layer: layers.count + 1, exact: true))
        case "Add", "Sub", "Mul", "Div":
            guard let c = constant(1 - dataPosition) else { throw InputError("\(source): \(here) has no constant operand") }
            // Only normalisation of the input counts as folded into layer 1, not the layer's own bias.
            let isFirst = layers.isEmpty && !pendingIsDense
            let n = try elementwiseWidth(c, in: here)
            let values = try broadcast(c, to: n, in: here, role: "constant")
            rank = rank.map { max($0, c.dims.count) }
            let one = Array(repeating: Rational.one, count: n), zero = Array(repeating: Rational.zero, count: n)
            switch (node.opType, dataPosition) {
            case ("Add", _): try composeDiagonal(scale: one, shift: values)
            case ("Sub", 0): try composeDiagonal(scale: one, shift: values.map { -$0 })
            case ("Sub", _): try composeDiagonal(scale: one.map { -$0 }, shift: values)
            case ("Mul", _): try composeDiagonal(scale: values, shift: zero)
            default:
                guard dataPosition == 0 else { throw InputError("\(source): \(here) divides a constant by the data, which is not affine") }
                guard let zeroAt = values.firstIndex(where: \.isZero) else {
                    try composeDiagonal(scale: values.map(\.reciprocal), shift: zero)
                    break
                }
                throw InputError("\(source): \(here) divides by zero (entry \(zeroAt) of '\(c.name)')")
            }
            if isFirst { folded.append(node.opType) }
        case "Relu":
            try closeLayer(activation: .relu)
        case "LeakyRelu":
            try closeLayer(activation: .leakyReLU(slope: try floatAttribute(node, "alpha", default: Rational(exactly: Float(0.01))!)))
        case "Sigmoid":
            try closeLayer(activation: .sigmoid)
        case "Tanh":
            try closeLayer(activation: .tanh)
        case "Softplus":
            try closeLayer(activation: .softplus)
        case "Elu":
            let alpha = try floatAttribute(node, "alpha", default: .one)
            // α = 0 is max(0, x) exactly: ReLU, piecewise linear, so the layer stays exact.
            try closeLayer(activation: alpha.isZero ? .relu : .elu(alpha: alpha))
        case "Gelu":
            let approximate = node.attribute.first(where: { $0.name == "approximate" }).map { String(decoding: $0.s, as: UTF8.self) } ?? "none"
            switch approximate {
            case "none": try closeLayer(activation: .gelu(divisor: nil))
            case "tanh": try closeLayer(activation: .geluTanh(constants: nil))
            default:
                throw InputError("\(source): \(here) has approximate=\"\(approximate)\"; climep supports Gelu with approximate=\"none\" (the exact x·Φ(x)) or \"tanh\"")
            }
        case "HardSigmoid":
            // max(0, min(1, αx + β)) = hard-tanh on [0, 1] after the exact affine map αx + β.
            let alpha = try floatAttribute(node, "alpha", default: Rational(exactly: Float(0.2))!)
            let beta = try floatAttribute(node, "beta", default: Rational(exactly: Float(0.5))!)
            guard let w = width else { throw InputError("\(source): \(here) meets data of unknown width") }
            try composeDiagonal(scale: Array(repeating: alpha, count: w), shift: Array(repeating: beta, count: w))
            try closeLayer(activation: .hardTanh(lower: .zero, upper: .one))
        case "Clip":
            var lower = try node.attribute.first(where: { $0.name == "min" }).map { a throws(InputError) in try exactFloat(a.f, in: here) }
            var upper = try node.attribute.first(where: { $0.name == "max" }).map { a throws(InputError) in try exactFloat(a.f, in: here) }
            if let c = constant(1) { lower = try scalar(c, in: here) }
            if let c = constant(2) { upper = try scalar(c, in: here) }
            switch (lower, upper) {
            case (let l?, let u?) where l < u: try closeLayer(activation: .hardTanh(lower: l, upper: u))
            case (let l?, nil) where l.isZero: try closeLayer(activation: .relu)
            default:
                throw InputError("\(source): \(here) clips to [\(lower?.description ?? "-inf"), \(upper?.description ?? "inf")]; climep supports Clip with min < max (hard-tanh) or min 0 alone (relu)")
            }
        case "Flatten":
            let axis = try intAttribute(node, "axis", default: 1)
            guard axis == 1 else { throw InputError("\(source): \(here) flattens at axis \(axis); only axis 1 keeps the batch apart") }
            rank = 2
        case "Reshape":
            guard let shape = constant(1) else { throw InputError("\(source): \(here) has no constant shape") }
            // nil: the batch size, which the graph leaves symbolic (x.view(x.size(0), -1)).
            var dims: [Int?] = []
            for (k, v) in shape.values.enumerated() {
                if shape.batchEntries.contains(k) { dims.append(nil); continue }
                guard let d = ONNXConstantFolding.integer(v) else { throw InputError("\(source): \(here) has shape entry \(v), not an integer") }
                dims.append(d)
            }
            let text = "[" + dims.map { $0.map(String.init) ?? "batch" }.joined(separator: ", ") + "]"
            if try intAttribute(node, "allowzero", default: 0) != 0, dims.contains(0) {
                throw InputError("\(source): \(here) reshapes to \(text) with allowzero=1, which makes an empty tensor")
            }
            let keepsFeatures = dims.last.map { $0 == -1 || $0 != nil && $0 == width } ?? false
            let leadingKeepBatch = dims.dropLast().indices.allSatisfy { k in
                dims[k].map { $0 == 1 || $0 == -1 || $0 == 0 } ?? (k == 0)
            }
            guard keepsFeatures, leadingKeepBatch else {
                throw InputError("\(source): \(here) reshapes to \(text), which does not keep the feature vector whole")
            }
            rank = dims.count
        case "Cast":
            let to = try intAttribute(node, "to", default: 1)
            guard to == 1 || to == 11 else {
                throw InputError("\(source): \(here) casts the data to \(ONNXTensor.typeName(Int32(truncatingIfNeeded: to))); only float and double are dense-layer data")
            }
        default:  // Identity, Dropout (inference mode)
            break
        }
    }

    // MARK: - Layers and affine composition

    /// An affine map from the last layer's outputs to the current value.
    enum AffineStep {
        case diagonal(scale: [Rational], shift: [Rational])
        case dense(RationalMatrix, [Rational])
    }

    /// True when the pending affine map already has a dense (Gemm/MatMul) part.
    private var pendingIsDense: Bool { if case .dense? = pending { true } else { false } }

    /// Composes `x ↦ scale·x + shift` after the pending map. `radius`, when
    /// given, bounds |model's real scale − scale| and |real shift − shift|
    /// elementwise; the pending radius is carried through the product by
    /// |ab − ãb̃| ≤ |ã|·r_b + r_a·|b̃| + r_a·r_b.
    private mutating func composeDiagonal(
        scale: [Rational], shift: [Rational], radius: (scale: [Rational], shift: [Rational])? = nil
    ) throws(InputError) {
        if let w = width, scale.count != w {
            throw InputError("\(source): an elementwise constant of \(scale.count) values meets \(w) features")
        }
        let n = scale.count
        let zero = Array(repeating: Rational.zero, count: n)
        let (rs, rt) = radius ?? (zero, zero)
        let carried = pendingRadius != nil || radius != nil
        switch pending {
        case nil:
            pending = .diagonal(scale: scale, shift: shift)
            pendingRadius = radius.map { .diagonal(scale: $0.scale, shift: $0.shift) }
        case .diagonal(let s, let t)?:
            pending = .diagonal(scale: zip(scale, s).map { $0 * $1 }, shift: (0..<n).map { scale[$0] * t[$0] + shift[$0] })
            if carried {
                let (r1, rt1): ([Rational], [Rational])
                if case .diagonal(let a, let b)? = pendingRadius { (r1, rt1) = (a, b) } else { (r1, rt1) = (zero, zero) }
                pendingRadius = .diagonal(
                    scale: (0..<n).map { scale[$0].magnitude * r1[$0] + rs[$0] * s[$0].magnitude + rs[$0] * r1[$0] },
                    shift: (0..<n).map { scale[$0].magnitude * rt1[$0] + rs[$0] * t[$0].magnitude + rs[$0] * rt1[$0] + rt[$0] })
            }
        case .dense(let w, let b)?:
            var scaled = w
            for i in 0..<w.rows { for j in 0..<w.columns { scaled[i, j] = w[i, j] * scale[i] } }
            pending = .dense(scaled, (0..<b.count).map { scale[$0] * b[$0] + shift[$0] })
            if carried {
                var rw = RationalMatrix(rows: w.rows, columns: w.columns)
                var rb = Array(repeating: Rational.zero, count: b.count)
                if case .dense(let a, let c)? = pendingRadius { (rw, rb) = (a, c) }
                var r = RationalMatrix(rows: w.rows, columns: w.columns)
                for i in 0..<w.rows { for j in 0..<w.columns {
                    r[i, j] = scale[i].magnitude * rw[i, j] + rs[i] * w[i, j].magnitude + rs[i] * rw[i, j]
                } }
                pendingRadius = .dense(r, (0..<b.count).map { scale[$0].magnitude * rb[$0] + rs[$0] * b[$0].magnitude + rs[$0] * rb[$0] + rt[$0] })
            }
        }
        width = scale.count
    }

    private mutating func composeDense(_ weights: RationalMatrix, _ bias: [Rational], in here: String) throws(InputError) {
        if let w = width, weights.columns != w {
            throw InputError("\(source): \(here) takes \(weights.columns) inputs but receives \(w)")
        }
        if case .dense(let w, _)? = pending {
            // Composing two dense maps costs r·k·c multiplications: bound it before starting.
            let (rk, overflow1) = weights.rows.multipliedReportingOverflow(by: weights.columns)
            let (work, overflow2) = rk.multipliedReportingOverflow(by: w.columns)
            guard !overflow1, !overflow2, work <= InputLimits.maximumCompositionWork else {
                throw InputError("\(source): \(here) follows another affine node without an activation; composing them: "
                    + InputLimits.exceeds("multiplication count", overflow1 || overflow2 ? "beyond \(Int.max)" : "\(work)", InputLimits.maximumCompositionWork))
            }
        }
        switch pending {
        case nil:
            pending = .dense(weights, bias)
        case .diagonal(let s, let t)?:
            var scaled = weights
            for i in 0..<weights.rows { for j in 0..<weights.columns { scaled[i, j] = weights[i, j] * s[j] } }
            pending = .dense(scaled, zip(weights * t, bias).map { $0 + $1 })
        case .dense(let w, let b)?:
            pending = .dense(weights * w, zip(weights * b, bias).map { $0 + $1 })
        }
        // The file's weights are exact, so the error is |W|·(pending's radius).
        let magnitudes = weights.magnitudes
        switch pendingRadius {
        case nil:
            break
        case .diagonal(let r, let rt)?:
            var m = magnitudes
            for i in 0..<m.rows { for j in 0..<m.columns { m[i, j] = magnitudes[i, j] * r[j] } }
            pendingRadius = .dense(m, magnitudes * rt)
        case .dense(let r, let rb)?:
            pendingRadius = .dense(magnitudes * r, magnitudes * rb)
        }
        width = weights.rows
    }

    private mutating func closeLayer(activation: Activation) throws(InputError) {
        guard let w = width else { throw InputError("\(source): an activation meets data of unknown width") }
        if case .dense = pending {} else {
            // An activation straight on the input (or after an elementwise
            // normalisation) becomes a w × w diagonal layer, w taken from the
            // declared shape: bound it before allocating it.
            guard w <= InputLimits.maximumNeuronsPerLayer, w * w <= InputLimits.maximumParameters else {
                throw InputError("\(source): an activation on \(w) features needs a \(w) × \(w) diagonal layer: "
                    + InputLimits.exceeds("weight count", w <= InputLimits.maximumNeuronsPerLayer ? "\(w * w)" : "beyond \(w)²", InputLimits.maximumParameters))
            }
        }
        var weightRadius: [Rational]?, biasRadius: [Rational]?
        switch pendingRadius {
        case nil:
            break
        case .diagonal(let r, let rt)?:
            var diagonal = RationalMatrix(rows: w, columns: w)
            for i in 0..<w { diagonal[i, i] = r[i] }
            (weightRadius, biasRadius) = (diagonal.entries, rt)
        case .dense(let r, let rb)?:
            (weightRadius, biasRadius) = (r.entries, rb)
        }
        let weights: RationalMatrix, bias: [Rational]
        switch pending {
        case nil:
            var identity = RationalMatrix(rows: w, columns: w)
            for i in 0..<w { identity[i, i] = .one }
            (weights, bias) = (identity, Array(repeating: .zero, count: w))
        case .diagonal(let s, let t)?:
            var diagonal = RationalMatrix(rows: w, columns: w)
            for i in 0..<w { diagonal[i, i] = s[i] }
            (weights, bias) = (diagonal, t)
        case .dense(let m, let b)?:
            (weights, bias) = (m, b)
        }
        layers.append(try DenseLayer(weights: weights, bias: bias, activation: activation,
                                     weightRadius: weightRadius, biasRadius: biasRadius))
        pending = nil
        pendingRadius = nil
    }

    // MARK: - Batch normalisation

    /// Folds an inference-form `BatchNormalization`,
    /// `y = γ·(x − μ)/√(var + ε) + β` per feature, into the pending affine
    /// map: `y = s·x + t` with `s = γ/√(var + ε)` and `t = β − s·μ`. Where
    /// `var + ε` is the square of a rational, `s` is exact. Otherwise `1/√(var + ε)`
    /// is enclosed with MPFR (`Enclosure.reciprocalSquareRoot`), `s` is `γ`
    /// times the enclosure's midpoint and the layer records the rigorous
    /// radius `|γ|·width/2` (and `|μ|` times it for `t`): see
    /// proofs/batch-normalization.md.
    private mutating func foldBatchNormalization(
        _ node: Onnx_NodeProto, parameters tensors: [ONNXTensor?], in here: String
    ) throws(InputError) {
        guard node.input.first.map({ !$0.isEmpty }) ?? false, node.input.count == 5 else {
            throw InputError("\(source): \(here) needs 5 inputs (X, scale, B, mean, var), has \(node.input.count)")
        }
        guard try intAttribute(node, "training_mode", default: 0) == 0, node.output.dropFirst().allSatisfy(\.isEmpty) else {
            throw InputError("\(source): \(here) is in training mode (training_mode=1 or running statistics as outputs); climep folds inference-form BatchNormalization only")
        }
        guard try intAttribute(node, "spatial", default: 1) == 1 else {
            throw InputError("\(source): \(here) has spatial=0; climep folds per-feature BatchNormalization only")
        }
        guard rank == nil || rank == 2 || rank == 1 && inputIsVector, let w = width else {
            throw InputError("\(source): \(here) normalises rank-\(rank.map(String.init) ?? "?") data; climep folds BatchNormalization over [batch, features] only")
        }
        var parameters: [[Rational]] = []
        for (k, role) in ["scale", "B", "mean", "var"].enumerated() {
            guard let c = tensors[k] else { throw InputError("\(source): \(here) has no constant \(role)") }
            guard c.dims.count <= 1 else { throw InputError("\(source): \(here): \(role) '\(c.name)' of shape \(c.dims) is not one value per feature") }
            parameters.append(try broadcast(c, to: w, in: here, role: role))
        }
        let (gamma, beta, mean, variance) = (parameters[0], parameters[1], parameters[2], parameters[3])
        let epsilon = try floatAttribute(node, "epsilon", default: Rational(exactly: Float(1e-5))!)
        var scale: [Rational] = [], shift: [Rational] = [], scaleRadius: [Rational] = [], shiftRadius: [Rational] = []
        for i in 0..<w {
            let y = variance[i] + epsilon
            guard y.sign > 0 else {
                throw InputError("\(source): \(here): var + ε = \(y) at feature \(i) is not positive, so 1/√(var + ε) is undefined")
            }
            let enclosure = Enclosure.reciprocalSquareRoot(y)
            let s = gamma[i] * enclosure.midpoint
            let r = gamma[i].magnitude * enclosure.width.timesPowerOfTwo(-1)
            scale.append(s)
            shift.append(beta[i] - s * mean[i])
            scaleRadius.append(r)
            shiftRadius.append(r * mean[i].magnitude)
        }
        let exact = scaleRadius.allSatisfy(\.isZero)
        let isFirst = layers.isEmpty && !pendingIsDense
        try composeDiagonal(scale: scale, shift: shift, radius: exact ? nil : (scaleRadius, shiftRadius))
        if isFirst { folded.append("BatchNormalization") }
        foldedNormalisation.append(.init(op: "BatchNormalization", node: nodeName(node), layer: layers.count + 1, exact: exact))
    }

    /// A multi-node activation starting at the value `x`: its nodes, the
    /// activation, the value it ends in, and a scale the chain's output
    /// carries (torch's GELU chain computes `x·(1 + erf(x/c)) = 2·gelu_c(x)`
    /// before its `Mul(0.5)`, which then composes like any affine node).
    struct CompositeActivation {
        let nodes: [Int]
        let activation: Activation
        let output: String
        let scale: Rational
        /// A bound on |the file's output − the activation's|, per neuron, when
        /// the spelling is not exactly the activation (torch's Softplus threshold).
        var outputRadius: Rational? = nil
    }

    /// The other input of a two-input node that reads `value`, or nil.
    private func other(_ node: Onnx_NodeProto, than value: String) -> String? {
        guard node.input.count == 2 else { return nil }
        return node.input[0] == value ? node.input[1] : (node.input[1] == value ? node.input[0] : nil)
    }

    /// The value of a scalar constant, nil when `name` is not a constant;
    /// throws when it is a constant of more than one value.
    private func scalarConstant(_ name: String, in node: Onnx_NodeProto) throws(InputError) -> Rational? {
        guard let t = constants[name] else { return nil }
        return try scalar(t, in: describe(node))
    }

    /// Recognises, from the consumers of `x`:
    /// - SiLU: `Sigmoid(x)` and `Mul(x, Sigmoid(x))` (either operand order);
    /// - GELU as torch's legacy exporter writes it below opset 20:
    ///   `Div(x, c)` (or `Mul(x, 1/c)`) → `Erf` → `Add(·, 1)` → `Mul(x, ·)`,
    ///   operands in either order, `c > 0` a scalar constant: `2·gelu_c(x)`
    ///   with the file's exact `c` (float32(√2) is not √2);
    /// - GELU's tanh form as torch writes it below opset 20
    ///   (``geluTanhChain(_:start:consumers:only:)``), started by `Mul(x, x)`
    ///   or `Pow(x, ·)`.
    /// Returns nil when `x` starts none; throws, naming the node, when a
    /// pattern is begun but broken (a Mul by the Sigmoid of another value,
    /// an intermediate value used elsewhere, a wrong constant).
    private func compositeActivation(from x: String, consumers next: [Int], consumersOf: [String: [Int]]) throws(InputError) -> CompositeActivation? {
        func only(_ value: String, in here: Onnx_NodeProto) throws(InputError) -> Int {
            let users = consumersOf[value]?.filter { !foldedNodes.contains($0) } ?? []
            guard users.count == 1 else {
                throw InputError("\(source): \(describe(here))'s output '\(value)' is used by \(users.count) nodes; in an activation pattern it must feed exactly the next node")
            }
            return users[0]
        }
        let consumers = next.map { (index: $0, node: nodes[$0]) }
        if let start = consumers.first(where: { $0.node.opType == "Mul" && $0.node.input == [x, x] || $0.node.opType == "Pow" }) {
            return try geluTanhChain(x, start: start, consumers: consumers, only: only)
        }
        // A Mul of x by the Sigmoid of some other value: not SiLU.
        for c in consumers where c.node.opType == "Mul" {
            if let y = other(c.node, than: x), let p = producerOf[y], nodes[p].opType == "Sigmoid", nodes[p].input.first != x {
                throw InputError("\(source): \(describe(c.node)) multiplies '\(x)' by the Sigmoid of '\(nodes[p].input.first ?? "")', not of '\(x)'; climep reads SiLU as Mul(x, Sigmoid(x))")
            }
        }
        if consumers.count == 3, let sp = consumers.first(where: { $0.node.opType == "Softplus" }),
           let gt = consumers.first(where: { $0.node.opType == "Greater" }), let wh = consumers.first(where: { $0.node.opType == "Where" }) {
            return try softplusThreshold(x, softplus: sp, greater: gt, where: wh, only: only)
        }
        guard consumers.count == 2 else { return nil }
        if let s = consumers.first(where: { $0.node.opType == "Sigmoid" }), let m = consumers.first(where: { $0.node.opType == "Mul" }) {
            guard s.node.input == [x], let sOut = s.node.output.first, other(m.node, than: x) == sOut else {
                throw InputError("\(source): \(describe(m.node)) does not multiply '\(x)' by \(describe(s.node))'s output; climep reads SiLU as Mul(x, Sigmoid(x))")
            }
            guard try only(sOut, in: s.node) == m.index, let out = m.node.output.first else { return nil }
            return CompositeActivation(nodes: [s.index, m.index], activation: .silu, output: out, scale: .one)
        }
        guard let d = consumers.first(where: { ($0.node.opType == "Div" || $0.node.opType == "Mul") && other($0.node, than: x).map { constants[$0] != nil } == true }),
              let m = consumers.first(where: { $0.index != d.index && $0.node.opType == "Mul" }),
              let dOut = d.node.output.first else { return nil }
        let e = try only(dOut, in: d.node)
        guard nodes[e].opType == "Erf", let eOut = nodes[e].output.first else { return nil }
        let constant = try scalarConstant(other(d.node, than: x)!, in: d.node)!
        if d.node.opType == "Div" && d.node.input[0] != x {
            throw InputError("\(source): \(describe(d.node)) divides a constant by '\(x)'; GELU's chain divides '\(x)' by a constant")
        }
        guard constant.sign > 0 else {
            throw InputError("\(source): \(describe(d.node)) scales '\(x)' by \(constant) before Erf; climep reads GELU's chain with a positive constant")
        }
        let divisor = d.node.opType == "Div" ? constant : constant.reciprocal
        let a = try only(eOut, in: nodes[e])
        guard nodes[a].opType == "Add", let one = other(nodes[a], than: eOut), let aOut = nodes[a].output.first,
              try scalarConstant(one, in: nodes[a]) == .one else {
            throw InputError("\(source): \(describe(nodes[a])) does not add 1 to \(describe(nodes[e]))'s output; climep reads GELU's chain x·(1 + erf(x/c))")
        }
        guard try only(aOut, in: nodes[a]) == m.index, other(m.node, than: x) == aOut, let out = m.node.output.first else {
            throw InputError("\(source): \(describe(m.node)) does not multiply '\(x)' by 1 + erf(x/c); climep reads GELU's chain x·(1 + erf(x/c))")
        }
        return CompositeActivation(nodes: [d.index, e, a, m.index], activation: .gelu(divisor: divisor), output: out, scale: 2)
    }

    /// GELU's tanh form `x·(1 + tanh(c(x + kx³)))/2` as torch writes it node
    /// by node below opset 20 (every binary operand order accepted):
    /// - legacy exporter: `Mul(x, x)` → `Mul(x, ·)` (x³) → `Mul(k, ·)` →
    ///   `Add(x, ·)` → `Mul(c, ·)` → `Tanh` → `Add(1, ·)` → `Mul(x, ·)`,
    ///   which is `2·f(x)` (its `Mul(0.5)` then composes as an affine node);
    /// - dynamo: `Pow(x, 3)` → `Mul(k, ·)` → `Add(x, ·)` → `Mul(c, ·)` →
    ///   `Tanh` → `Add(·, 1)` → `Mul(s, ·)` → `Mul(x, ·)`, which is `2s·f(x)`
    ///   (torch: `s = 0.5`).
    /// `c` and `k` are the file's scalar constants exactly (float32s, not
    /// √(2/π) and 0.044715: `GeluTanhConstants`); `x` must feed only the
    /// chain, and every value inside it exactly the next node. Anything else
    /// is refused naming the node.
    private func geluTanhChain(
        _ x: String, start: (index: Int, node: Onnx_NodeProto), consumers: [(index: Int, node: Onnx_NodeProto)],
        only: (String, Onnx_NodeProto) throws(InputError) -> Int
    ) throws(InputError) -> CompositeActivation {
        let shape = "climep reads torch's tanh GELU below opset 20 as x·(1 + tanh(c·(x + k·x³)))/2, node by node"
        func output(_ node: Onnx_NodeProto) throws(InputError) -> String {
            guard node.output.count >= 1, !node.output[0].isEmpty else { throw InputError("\(source): \(describe(node)) has no output") }
            return node.output[0]
        }
        /// The single reader of `value`, which must be `op` reading `value` and one other input.
        func next(_ value: String, after node: Onnx_NodeProto, _ op: String, _ what: String) throws(InputError) -> (index: Int, node: Onnx_NodeProto, other: String) {
            let k = try only(value, node)
            guard nodes[k].opType == op, let y = other(nodes[k], than: value) else {
                throw InputError("\(source): \(describe(nodes[k])) does not \(what) '\(value)'; \(shape)")
            }
            return (k, nodes[k], y)
        }
        func constant(_ step: (index: Int, node: Onnx_NodeProto, other: String), _ what: String) throws(InputError) -> Rational {
            guard let v = try scalarConstant(step.other, in: step.node) else {
                throw InputError("\(source): \(describe(step.node)) \(what) '\(step.other)', which is not a constant; \(shape)")
            }
            return v
        }
        var chain = [start.index]
        // x³: Pow(x, 3), or Mul(x, x) then Mul(x, x·x).
        let cube: String
        if start.node.opType == "Pow" {
            guard start.node.input.count == 2, start.node.input[0] == x, let e = try scalarConstant(start.node.input[1], in: start.node), e == 3 else {
                throw InputError("\(source): \(describe(start.node)) is not Pow('\(x)', 3); \(shape)")
            }
            cube = try output(start.node)
        } else {
            let square = try output(start.node)
            let times = try next(square, after: start.node, "Mul", "multiply by '\(x)'")
            guard times.other == x else {
                throw InputError("\(source): \(describe(times.node)) multiplies '\(square)' by '\(times.other)', not by '\(x)'; \(shape)")
            }
            chain.append(times.index)
            cube = try output(times.node)
        }
        let scaledCube = try next(cube, after: nodes[chain.last!], "Mul", "multiply by a constant k the cube")
        let k = try constant(scaledCube, "multiplies the cube by")
        chain.append(scaledCube.index)
        let sum = try next(try output(scaledCube.node), after: scaledCube.node, "Add", "add '\(x)' to")
        guard sum.other == x else {
            throw InputError("\(source): \(describe(sum.node)) adds '\(sum.other)', not '\(x)', to k·x³; \(shape)")
        }
        chain.append(sum.index)
        let argument = try next(try output(sum.node), after: sum.node, "Mul", "multiply by a constant c")
        let c = try constant(argument, "multiplies x + k·x³ by")
        chain.append(argument.index)
        let argumentOut = try output(argument.node)
        let t = try only(argumentOut, argument.node)
        guard nodes[t].opType == "Tanh", nodes[t].input == [argumentOut] else {
            throw InputError("\(source): \(describe(nodes[t])) is not Tanh of '\(argumentOut)'; \(shape)")
        }
        chain.append(t)
        let plusOne = try next(try output(nodes[t]), after: nodes[t], "Add", "add 1 to")
        guard try constant(plusOne, "adds") == .one else {
            throw InputError("\(source): \(describe(plusOne.node)) adds '\(plusOne.other)', not 1, to the tanh; \(shape)")
        }
        chain.append(plusOne.index)
        // Mul(x, 1 + tanh) directly (2·f), or after a constant Mul(s, 1 + tanh) (2s·f).
        var factor = try next(try output(plusOne.node), after: plusOne.node, "Mul", "multiply by '\(x)' or a constant")
        var scale = Rational(2)
        if factor.other != x {
            let s = try constant(factor, "multiplies 1 + tanh by")
            guard !s.isZero else { throw InputError("\(source): \(describe(factor.node)) multiplies 1 + tanh by 0; \(shape)") }
            scale = 2 * s
            chain.append(factor.index)
            factor = try next(try output(factor.node), after: factor.node, "Mul", "multiply by '\(x)'")
            guard factor.other == x else {
                throw InputError("\(source): \(describe(factor.node)) multiplies by '\(factor.other)', not '\(x)'; \(shape)")
            }
        }
        chain.append(factor.index)
        // x feeds the chain and nothing else.
        let readers = Set(chain.filter { nodes[$0].input.contains(x) })
        if let stray = consumers.first(where: { !readers.contains($0.index) }) {
            throw InputError("\(source): '\(x)' also feeds \(describe(stray.node)), outside its tanh-GELU chain; \(shape)")
        }
        guard let constants = GeluTanhConstants(scale: c, cubic: k) else {
            throw InputError("\(source): \(describe(argument.node)) and \(describe(scaledCube.node)) give c = \(c.nearestDouble), k = \(k.nearestDouble), not within 2^-10 (relative) of √(2/π) and 0.044715; \(shape)")
        }
        return CompositeActivation(nodes: chain, activation: .geluTanh(constants: constants), output: try output(factor.node), scale: scale)
    }

    /// torch dynamo's Softplus: `Where(Greater(x, T), x, Softplus(x))`, which
    /// is `x` above the threshold `T`, not softplus. Read as softplus with
    /// output radius `δ ≥ log(1 + e^−T) = sup over z > T of |z − softplus(z)|`
    /// (softplus(z) − z = log(1 + e^−z) decreases), enclosed by
    /// `Enclosure.softplus` at `−T`; the radius becomes the next layer's bias
    /// radius, carried into every bound like a folded BatchNorm's
    /// (proofs/activation-error.md §8, torch's Softplus threshold).
    private func softplusThreshold(
        _ x: String, softplus sp: (index: Int, node: Onnx_NodeProto), greater gt: (index: Int, node: Onnx_NodeProto),
        where wh: (index: Int, node: Onnx_NodeProto), only: (String, Onnx_NodeProto) throws(InputError) -> Int
    ) throws(InputError) -> CompositeActivation {
        let shape = "climep reads torch's thresholded Softplus as Where(Greater(x, T), x, Softplus(x))"
        guard sp.node.input == [x], sp.node.attribute.isEmpty, let spOut = sp.node.output.first else {
            throw InputError("\(source): \(describe(sp.node)) is not Softplus of '\(x)' alone; \(shape)")
        }
        guard gt.node.input.count == 2, gt.node.input[0] == x, let t = constants[gt.node.input[1]], let gtOut = gt.node.output.first else {
            throw InputError("\(source): \(describe(gt.node)) does not compare '\(x)' with a constant threshold; \(shape)")
        }
        let threshold = try scalar(t, in: describe(gt.node))
        guard wh.node.input == [gtOut, x, spOut], let out = wh.node.output.first else {
            throw InputError("\(source): \(describe(wh.node)) does not select '\(x)' where \(describe(gt.node)) holds and \(describe(sp.node))'s output elsewhere; \(shape)")
        }
        guard try only(spOut, sp.node) == wh.index, try only(gtOut, gt.node) == wh.index else {
            throw InputError("\(source): \(describe(wh.node)) is not the only reader of the threshold's values; \(shape)")
        }
        let delta = Enclosure.softplus(RationalInterval(point: -threshold), bits: 100).upper
        return CompositeActivation(nodes: [sp.index, gt.index, wh.index], activation: .softplus, output: out, scale: .one,
                                   outputRadius: delta)
    }

    /// The node's name, or its first output's when it has none.
    private func nodeName(_ node: Onnx_NodeProto) -> String {
        node.name.isEmpty ? (node.output.first ?? "") : node.name
    }

    // MARK: - Constants and attributes

    private func matrix(_ t: ONNXTensor, transposed: Bool, in here: String) throws(InputError) -> RationalMatrix {
        try notBatchDependent(t, in: here)
        guard t.dims.count == 2 else {
            throw InputError("\(source): \(here): weight '\(t.name)' has shape \(t.dims), expected a matrix")
        }
        let (r, c) = (t.dims[0], t.dims[1])
        var m = RationalMatrix(rows: transposed ? c : r, columns: transposed ? r : c)
        for i in 0..<r { for j in 0..<c {
            if transposed { m[j, i] = t.values[i * c + j] } else { m[i, j] = t.values[i * c + j] }
        } }
        return m
    }

    /// The number of features an elementwise constant applies to.
    private func elementwiseWidth(_ t: ONNXTensor, in here: String) throws(InputError) -> Int {
        if t.count == 1 {
            guard let w = width else { throw InputError("\(source): \(here): a scalar meets data of unknown width") }
            return w
        }
        guard t.dims.dropLast().allSatisfy({ $0 == 1 }) else {
            throw InputError("\(source): \(here): constant '\(t.name)' of shape \(t.dims) does not broadcast over a feature vector")
        }
        return t.count
    }

    private func broadcast(_ t: ONNXTensor, to n: Int, in here: String, role: String) throws(InputError) -> [Rational] {
        try notBatchDependent(t, in: here)
        if t.count == 1 { return Array(repeating: t.values[0], count: n) }
        guard t.count == n, t.dims.dropLast().allSatisfy({ $0 == 1 }) else {
            throw InputError("\(source): \(here): \(role) '\(t.name)' of shape \(t.dims) does not fit \(n) outputs")
        }
        return t.values
    }

    /// Refuses a constant that depends on the batch size anywhere but as a shape.
    private func notBatchDependent(_ t: ONNXTensor, in here: String) throws(InputError) {
        guard t.batchEntries.isEmpty else {
            throw InputError("\(source): \(here): '\(t.name)' depends on the batch size, so it is not a dense layer's constant")
        }
    }

    private func scalar(_ t: ONNXTensor, in here: String) throws(InputError) -> Rational {
        try notBatchDependent(t, in: here)
        guard t.count == 1 else { throw InputError("\(source): \(here): '\(t.name)' should be a scalar, has shape \(t.dims)") }
        return t.values[0]
    }

    private func exactFloat(_ x: Float, in here: String) throws(InputError) -> Rational {
        guard let r = Rational(exactly: x) else { throw InputError("\(source): \(here) has a non-finite attribute") }
        return r
    }

    private func intAttribute(_ node: Onnx_NodeProto, _ name: String, default value: Int) throws(InputError) -> Int {
        guard let a = node.attribute.first(where: { $0.name == name }) else { return value }
        return Int(a.i)
    }

    private func floatAttribute(_ node: Onnx_NodeProto, _ name: String, default value: Rational) throws(InputError) -> Rational {
        guard let a = node.attribute.first(where: { $0.name == name }) else { return value }
        return try exactFloat(a.f, in: describe(node))
    }

    private func constantValue(_ node: Onnx_NodeProto) throws(InputError) -> ONNXTensor {
        let name = node.output[0]
        guard let a = node.attribute.first else { throw InputError("\(source): \(describe(node)) has no value") }
        switch a.name {
        case "value":
            do { return try ONNXTensor(a.t, name: name, file: file) } catch { throw InputError("\(source): \(describe(node)): \(error.message)") }
        case "value_float": return ONNXTensor(name: name, dims: [], values: [try exactFloat(a.f, in: describe(node))])
        case "value_floats":
            var values: [Rational] = []
            for f in a.floats { values.append(try exactFloat(f, in: describe(node))) }
            return ONNXTensor(name: name, dims: [values.count], values: values)
        case "value_int": return ONNXTensor(name: name, dims: [], values: [Rational(Int(a.i))])
        case "value_ints": return ONNXTensor(name: name, dims: [a.ints.count], values: a.ints.map { Rational(Int($0)) })
        default: throw InputError("\(source): \(describe(node)) has an unsupported value kind '\(a.name)'")
        }
    }

    private mutating func inputWidth(_ input: Onnx_ValueInfoProto) throws(InputError) -> Int? {
        let tensor = input.type.tensorType
        if tensor.hasElemType && tensor.elemType != 1 && tensor.elemType != 11 {
            throw InputError("\(source): input '\(input.name)' has element type \(ONNXTensor.typeName(tensor.elemType)); climep reads float inputs")
        }
        guard tensor.hasShape else { return nil }
        let dims = tensor.shape.dim
        inputIsVector = dims.count == 1
        rank = dims.count
        let features = dims.count >= 2 ? Array(dims.dropFirst()) : dims
        var known = 1, complete = true
        for d in features {
            guard case .dimValue(let v)? = d.value, v > 0 else { complete = false; continue }
            // Checked: declared dims may be any 64-bit numbers; the width bounds later allocations.
            let (product, overflow) = Int(v).multipliedReportingOverflow(by: known)
            guard !overflow, product <= InputLimits.maximumInputs else {
                let shape = dims.map { d -> String in if case .dimValue(let v)? = d.value { "\(v)" } else { "?" } }
                throw InputError("\(source): input '\(input.name)' has shape [\(shape.joined(separator: ", "))]: "
                    + InputLimits.exceeds("input width", overflow ? "beyond \(Int.max)" : "\(product)", InputLimits.maximumInputs))
            }
            known = product
        }
        return complete ? known : nil
    }

    // MARK: - Constant folding

    /// Folds every node whose inputs are all constants (or, for `Shape`,
    /// a data value of known shape), until none is left; see
    /// `ONNXConstantFolding`. A node that reads only constants and still
    /// cannot be evaluated is an error naming it and saying why.
    private mutating func foldConstants() throws(InputError) {
        var progress = true
        while progress {
            progress = false
            for (k, node) in nodes.enumerated() where !foldedNodes.contains(k) && ONNXConstantFolding.ops.contains(node.opType) {
                guard node.domain.isEmpty || node.domain == "ai.onnx", let output = node.output.first, !output.isEmpty,
                      let first = node.input.first, !first.isEmpty else { continue }
                let value: ONNXTensor
                if node.opType == "Shape", constants[first] == nil {
                    guard let shape = dataShapes[first] else { continue }
                    value = ONNXConstantFolding.shape(of: shape.dims, batchAxis: shape.batchAxis, node: node, output: output)
                } else {
                    guard node.input.allSatisfy({ $0.isEmpty || constants[$0] != nil }) else { continue }
                    do {
                        value = try ONNXConstantFolding.evaluate(
                            node, inputs: node.input.map { $0.isEmpty ? nil : constants[$0] }, opset: opset, output: output)
                    } catch {
                        throw InputError("\(source): \(describe(node)) reads only constants but cannot be folded: it \(error.reason)")
                    }
                }
                constants[output] = value
                foldedNodes.insert(k)
                progress = true
            }
        }
    }

    /// The declared dims of the data input, with 0 at a symbolic batch axis
    /// (axis 0 of a rank ≥ 2 input); nil when another dimension is unknown.
    private func declaredDims(_ input: Onnx_ValueInfoProto) -> (dims: [Int], batchAxis: Int?)? {
        let tensor = input.type.tensorType
        guard tensor.hasShape else { return nil }
        var dims: [Int] = [], batchAxis: Int?
        for (k, d) in tensor.shape.dim.enumerated() {
            if case .dimValue(let v)? = d.value, v > 0, v <= InputLimits.maximumInputs {
                dims.append(Int(v))
            } else if k == 0 && tensor.shape.dim.count >= 2 {
                dims.append(0)
                batchAxis = 0
            } else {
                return nil
            }
        }
        return (dims, batchAxis)
    }

    // MARK: - Head

    /// What a value after the last dense layer carries. The head is stripped
    /// only when every node in it maps one of these to another by a rule that
    /// keeps climep's label (arg-max of the logits with ties to the lowest
    /// index, or `[z > 0]` for one logit z).
    enum HeadValue: Equatable {
        /// Scores whose arg-max along the class axis, ties to the lowest
        /// index, is climep's label: the logits of a multi-logit network, a
        /// strictly increasing function of them (Softmax, LogSoftmax,
        /// elementwise Sigmoid), or skl2onnx's `[1 − σ(z), σ(z)]`.
        case scores(classes: Int)
        /// The one logit z of a binary network: label `[z > 0]`.
        case logit
        /// σ(z) of the one logit: label `[σ(z) > 1/2]`, which is `[z > 0]`.
        case probability
        /// `1 − p` for the probability value named; only `Concat(1 − p, p)` may read it.
        case complement(of: String)
        /// The class index (an ArgMax over scores) or the same number recast,
        /// reshaped or looked up in the class list `0, 1, …, classes − 1`.
        case label(classes: Int)
        /// ZipMap's map from the classes `0 … classes − 1` to their scores; an output only.
        case classMap

        var isScores: Bool { if case .scores = self { true } else { false } }
    }

    /// Checks that the nodes after the logits only compute values that keep
    /// the labels (`HeadValue`), in an order where each node's inputs come
    /// first, and that every graph output is one of them. Returns the op
    /// types stripped, in that order. Linear in the number of nodes.
    private func checkHead(
        _ nodes: [Onnx_NodeProto], logits: String, as chainEnd: HeadValue, outputs: [String]
    ) throws(InputError) -> [String] {
        // The computed inputs of each node: the logits, or another head node's output.
        var producer: [String: Int] = [:]
        for (k, node) in nodes.enumerated() { for name in node.output where !name.isEmpty { producer[name] = k } }
        var waitingOn = Array(repeating: 0, count: nodes.count)
        var readers: [String: [Int]] = [:]
        for (k, node) in nodes.enumerated() {
            for name in node.input where !name.isEmpty && constants[name] == nil && name != logits {
                guard producer[name] != nil else {
                    throw InputError("\(source): \(describe(node)) reads '\(name)', which does not follow from the logits; climep reads a single chain of dense layers")
                }
                waitingOn[k] += 1
                readers[name, default: []].append(k)
            }
        }
        var values: [String: HeadValue] = [logits: chainEnd]
        var ready = nodes.indices.filter { waitingOn[$0] == 0 }
        var order: [String] = []
        while let k = ready.popLast() {
            let node = nodes[k]
            let value = try headValue(of: node, values: values)
            order.append(node.opType)
            for name in node.output where !name.isEmpty {
                values[name] = value
                for reader in readers[name] ?? [] {
                    waitingOn[reader] -= 1
                    if waitingOn[reader] == 0 { ready.append(reader) }
                }
            }
        }
        if let stuck = nodes.indices.first(where: { waitingOn[$0] > 0 }) {
            throw InputError("\(source): the graph has a cycle through \(describe(nodes[stuck]))")
        }
        for name in outputs {
            switch values[name] {
            case nil:
                throw InputError("\(source): graph output '\(name)' is not the logits or a classifier head computed from them")
            case .complement?:
                throw InputError("\(source): graph output '\(name)' is 1 − p, the probability of class 0 alone, not a classifier output")
            default:
                break
            }
        }
        return order
    }

    /// The value a head node computes, or an error naming the node when it
    /// could change a label.
    private func headValue(of node: Onnx_NodeProto, values: [String: HeadValue]) throws(InputError) -> HeadValue {
        let here = describe(node)
        func reject(_ why: String) -> InputError {
            InputError("\(source): \(here) after the last dense layer \(why); climep strips a head only when it keeps the labels")
        }
        guard node.domain.isEmpty || node.domain == "ai.onnx" || node.domain == "ai.onnx.ml" else {
            throw InputError("\(source): unsupported operator \(node.domain).\(node.opType) in \(here)")
        }
        guard ONNXImporter.headOps.contains(node.opType) else {
            if ONNXImporter.pathOps.contains(node.opType) {
                throw InputError("\(source): \(here) lies off the chain of dense layers; climep reads a single chain")
            }
            throw InputError("\(source): unsupported operator \(node.opType) in \(here)")
        }
        let computed = node.input.filter { !$0.isEmpty && constants[$0] == nil }
        // The single computed input, in first position, of a one-input node.
        func onlyInput() throws(InputError) -> HeadValue {
            guard computed.count == 1, node.input.first == computed[0], let value = values[computed[0]] else {
                throw reject("does not read exactly one computed value as its first input")
            }
            return value
        }
        /// True when `axis` (negative counts from the end) is the last axis of the logits.
        func isClassAxis(_ axis: Int) -> Bool {
            guard let rank else { return axis == -1 }
            return axis == -1 || axis == rank - 1
        }
        switch node.opType {
        case "Softmax", "LogSoftmax":
            // Strictly increasing in each logit with a shared normaliser: the arg-max and ties stay.
            // Before opset 13 the default axis 1 coerces to 2-D, which is the class axis of 2-D logits.
            let axis = try intAttribute(node, "axis", default: opset < 13 ? 1 : -1)
            switch try onlyInput() {
            case .scores(let classes):
                guard isClassAxis(axis) else { throw reject("normalises along axis \(axis), not the class axis of \(rank.map { "rank-\($0)" } ?? "the") logits") }
                return .scores(classes: classes)
            case .logit, .probability: throw reject("normalises a single logit, which gives 1 for every input")
            default: throw reject("is not applied to the logits")
            }
        case "Sigmoid":
            switch try onlyInput() {
            case .scores(let classes): return .scores(classes: classes)
            case .logit: return .probability
            default: throw reject("is not applied to the logits")
            }
        case "ArgMax":
            let axis = try intAttribute(node, "axis", default: 0)
            guard try intAttribute(node, "select_last_index", default: 0) == 0 else {
                throw reject("has select_last_index=1 (ties to the highest index; climep breaks ties to the lowest)")
            }
            switch try onlyInput() {
            case .scores(let classes):
                guard isClassAxis(axis) else { throw reject("takes the arg-max along axis \(axis), not the class axis of \(rank.map { "rank-\($0)" } ?? "the") logits") }
                return .label(classes: classes)
            case .logit, .probability: throw reject("takes the arg-max of a single value, which is always 0")
            default: throw reject("is not applied to class scores")
            }
        case "Sub":
            // skl2onnx: 1 − σ(z), the probability of class 0, exactly.
            guard node.input.count == 2, let one = constants[node.input[0]], one.count == 1, one.values[0] == .one,
                  computed == [node.input[1]] else {
                throw reject("is not 1 − p with the constant 1 first")
            }
            switch values[node.input[1]] {
            case .probability?: return .complement(of: node.input[1])
            case .logit?: throw reject("computes 1 − z of a raw logit z, not of a stripped Sigmoid's output")
            default: throw reject("is not 1 − p of a stripped Sigmoid's output p")
            }
        case "Concat":
            // [1 − σ(z), σ(z)]: the arg-max, ties to index 0, is [σ(z) > 1/2] = [z > 0].
            guard node.attribute.contains(where: { $0.name == "axis" }) else { throw reject("has no axis") }
            let axis = try intAttribute(node, "axis", default: 0)
            guard node.input.count == 2, case .complement(let p)? = values[node.input[0]], node.input[1] == p,
                  values[p] == .probability else {
                throw reject("is not skl2onnx's binary head Concat(1 − p, p) over a stripped Sigmoid's output p")
            }
            guard isClassAxis(axis) else { throw reject("concatenates along axis \(axis), not the class axis") }
            return .scores(classes: 2)
        case "Identity":
            let value = try onlyInput()
            if case .complement = value { throw reject("copies 1 − p, which only Concat(1 − p, p) may read") }
            return value
        case "Cast":
            let to = try intAttribute(node, "to", default: 0)
            let type = ONNXTensor.typeName(Int32(truncatingIfNeeded: to))
            switch try onlyInput() {
            case .label(let classes):
                // float, int32, int64, double, uint32, uint64 hold every class index exactly
                // (at most InputLimits.maximumNeuronsPerLayer); smaller types could wrap.
                guard [1, 6, 7, 11, 12, 13].contains(to) else { throw reject("casts the label to \(type)") }
                return .label(classes: classes)
            case let value where value == .logit || value == .probability || value.isScores:
                // Only float and double keep distinct scores distinct.
                guard to == 1 || to == 11 else { throw reject("casts scores to \(type), which can merge them") }
                return value
            default:
                throw reject("casts 1 − p or a class map")
            }
        case "Reshape", "Flatten", "Squeeze", "Unsqueeze":
            guard case .label(let classes) = try onlyInput() else { throw reject("reshapes scores (only the label may be reshaped)") }
            return .label(classes: classes)
        case "ArrayFeatureExtractor":
            // classes[i] for the arg-max i: the label only when classes[i] = i.
            guard node.input.count == 2, let classList = constants[node.input[0]], computed == [node.input[1]],
                  case .label(let classes)? = values[node.input[1]] else {
                throw reject("does not look up the arg-max in a constant class list")
            }
            guard classList.values == (0..<classes).map({ Rational($0) }) else {
                throw reject("maps class i to the class list '\(classList.name)', which is not 0, 1, …, \(classes - 1); climep labels are class indices")
            }
            return .label(classes: classes)
        case "ZipMap":
            guard case .scores(let classes) = try onlyInput() else { throw reject("does not map class scores") }
            let labels = node.attribute.first(where: { $0.name == "classlabels_int64s" })?.ints ?? []
            guard labels == (0..<Int64(classes)).map({ $0 }) else {
                throw reject("names the classes other than 0, 1, …, \(classes - 1); climep labels are class indices")
            }
            return .classMap
        default:
            throw reject("is not part of a classifier head")
        }
    }
}

extension RationalMatrix {
    /// The entries' absolute values.
    var magnitudes: RationalMatrix {
        var m = self
        for i in 0..<rows { for j in 0..<columns { m[i, j] = self[i, j].magnitude } }
        return m
    }

    /// Every entry multiplied by `factor`.
    func scaled(by factor: Rational) -> RationalMatrix {
        var m = self
        for i in 0..<rows { for j in 0..<columns { m[i, j] = self[i, j] * factor } }
        return m
    }
}
