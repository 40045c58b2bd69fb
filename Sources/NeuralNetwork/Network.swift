import ExactArithmetic

/// A fully-connected classifier: a chain of dense layers whose last layer's
/// outputs are the logits.
///
/// Labels follow the ONNX/numpy convention: the index of the largest logit,
/// ties to the lowest index. A network with one logit is a binary classifier
/// with label 1 exactly where the logit is positive.
public struct Network: Hashable, Sendable {
    /// The layers in order; each one's `inputCount` is the previous one's `outputCount`.
    public let layers: [DenseLayer]
    /// Where the network came from and what the importer did with it (for display).
    public var provenance: Provenance

    /// What an importer saw: the file format, the producer, and the ops it
    /// stripped (classifier heads) or folded (input normalisation, feature
    /// scaling and batch normalisation into a layer; constant subgraphs).
    public struct Provenance: Hashable, Sendable {
        public var format: String
        public var producer: String
        public var strippedHead: [String]
        /// Elementwise affine ops on the input (`Add`, `Sub`, `Mul`, `Div` by
        /// constants, `Scaler`, `BatchNormalization`) folded into layer 1
        /// before its first dense map; a layer's own bias is not one of them.
        public var foldedIntoFirstLayer: [String]
        /// Normalisation nodes folded into a layer (wherever they sit).
        public var foldedNormalisation: [FoldedNode]
        /// The op types of the nodes folded to constants before import, in graph order.
        public var foldedConstants: [String]

        /// A normalisation node folded into a layer's weights and bias.
        public struct FoldedNode: Hashable, Sendable {
            /// The op type (`BatchNormalization`, `Scaler`).
            public var op: String
            /// The node's name in the file, or its output's when it has none.
            public var node: String
            /// The layer (1-based) whose weights and bias it was folded into.
            public var layer: Int
            /// True when the folded weights equal the file's exactly; false
            /// when they are a nearby rational with a rigorous radius
            /// (`DenseLayer.weightRadius`).
            public var exact: Bool

            public init(op: String, node: String, layer: Int, exact: Bool) {
                self.op = op
                self.node = node
                self.layer = layer
                self.exact = exact
            }
        }

        public init(format: String, producer: String = "", strippedHead: [String] = [], foldedIntoFirstLayer: [String] = []) {
            self.init(format: format, producer: producer, strippedHead: strippedHead, foldedIntoFirstLayer: foldedIntoFirstLayer,
                      foldedNormalisation: [], foldedConstants: [])
        }

        public init(format: String, producer: String, strippedHead: [String], foldedIntoFirstLayer: [String],
                    foldedNormalisation: [FoldedNode], foldedConstants: [String]) {
            self.format = format
            self.producer = producer
            self.strippedHead = strippedHead
            self.foldedIntoFirstLayer = foldedIntoFirstLayer
            self.foldedNormalisation = foldedNormalisation
            self.foldedConstants = foldedConstants
        }
    }

    /// A network from layers whose sizes chain (checked): at least one layer,
    /// every layer with at least one input and one output, and every size
    /// within `InputLimits` (layers, inputs, neurons per layer, parameters).
    public init(layers: [DenseLayer], provenance: Provenance = Provenance(format: "memory")) throws(InputError) {
        guard let first = layers.first else { throw InputError("the network has no layers") }
        guard first.inputCount > 0 else { throw InputError("the network has no inputs") }
        guard layers.count <= InputLimits.maximumLayers else {
            throw InputError(InputLimits.exceeds("layer count", layers.count, InputLimits.maximumLayers))
        }
        guard first.inputCount <= InputLimits.maximumInputs else {
            throw InputError(InputLimits.exceeds("input width", first.inputCount, InputLimits.maximumInputs))
        }
        var parameters = 0
        for (k, layer) in layers.enumerated() {
            // A layer without outputs has no logits to label, or starves the next layer.
            guard layer.outputCount > 0 else { throw InputError("layer \(k + 1) has no outputs") }
            guard layer.outputCount <= InputLimits.maximumNeuronsPerLayer else {
                throw InputError("layer \(k + 1): " + InputLimits.exceeds("width", layer.outputCount, InputLimits.maximumNeuronsPerLayer))
            }
            parameters += layer.parameterCount
            guard parameters <= InputLimits.maximumParameters else {
                throw InputError(InputLimits.exceeds("parameter count (through layer \(k + 1))", parameters, InputLimits.maximumParameters))
            }
        }
        for (k, pair) in zip(layers, layers.dropFirst()).enumerated() where pair.0.outputCount != pair.1.inputCount {
            throw InputError("layer \(k + 2) takes \(pair.1.inputCount) inputs but layer \(k + 1) has \(pair.0.outputCount) outputs")
        }
        self.layers = layers
        self.provenance = provenance
    }

    /// Number of inputs.
    public var inputCount: Int { layers[0].inputCount }
    /// Number of logits.
    public var logitCount: Int { layers[layers.count - 1].outputCount }
    /// Number of classes: 2 for a one-logit binary classifier, else the logit count.
    public var classCount: Int { logitCount == 1 ? 2 : logitCount }
    /// Weights and biases of all layers.
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }
    /// True when every layer's weights and bias are exactly the model file's
    /// (no layer carries a radius; see `DenseLayer.weightRadius`).
    public var isExact: Bool { layers.allSatisfy(\.isExact) }

    /// True when every activation is piecewise linear, so `exactLogits` applies.
    public var isPiecewiseLinear: Bool { layers.allSatisfy { $0.activation.isPiecewiseLinear } }

    /// The logits in floating point (for display and search, never a claim).
    public func logits(_ x: [Double]) -> [Double] {
        precondition(x.count == inputCount, "Network.logits: expected \(inputCount) inputs")
        var h = x
        for layer in layers {
            h = layer.preActivation(h).map { layer.activation($0) }
        }
        return h
    }

    /// The exact logits; nil when some activation is not piecewise linear.
    public func exactLogits(_ x: [Rational]) -> [Rational]? {
        precondition(x.count == inputCount, "Network.exactLogits: expected \(inputCount) inputs")
        var h = x
        for layer in layers {
            var next: [Rational] = []
            next.reserveCapacity(layer.outputCount)
            for z in layer.exactPreActivation(h) {
                guard let a = layer.activation.exactly(z) else { return nil }
                next.append(a)
            }
            h = next
        }
        return h
    }

    /// The label of a logit vector: arg-max with ties to the lowest index, or
    /// `[logit > 0]` for one logit.
    public static func label<T: Comparable & SignedNumeric>(ofLogits logits: [T]) -> Int {
        precondition(!logits.isEmpty)
        if logits.count == 1 { return logits[0] > .zero ? 1 : 0 }
        var best = 0
        for i in logits.indices.dropFirst() where logits[i] > logits[best] { best = i }
        return best
    }
}
