import ExactArithmetic

/// One fully-connected layer `h = σ(W x + b)` with exact rational weights.
public struct DenseLayer: Hashable, Sendable {
    /// `outputs × inputs` weights.
    public let weights: RationalMatrix
    /// One bias per output.
    public let bias: [Rational]
    /// The activation applied to every output.
    public let activation: Activation
    /// Nil when `weights` are exactly the model file's (the default).
    /// Otherwise a rigorous elementwise radius, row-major like
    /// `weights.entries`: the model file's real weights `W*` satisfy
    /// `|W*_ij − weights[i, j]| ≤ weightRadius[i·inputCount + j]`. Set where
    /// an importer folded an irrational factor into the layer (an ONNX
    /// `BatchNormalization`'s `γ/√(var + ε)`), so that `weights` is a nearby
    /// rational; never set with every entry zero.
    public let weightRadius: [Rational]?
    /// Nil when `bias` is exactly the model file's; otherwise the rigorous
    /// elementwise radius of `bias`, as `weightRadius` is of `weights`.
    public let biasRadius: [Rational]?
    /// `weights` rounded to the nearest doubles, row-major, for float evaluation.
    let floatWeights: [Double]
    let floatBias: [Double]

    /// An exact layer (no radius); `bias.count` must equal `weights.rows` (checked).
    public init(weights: RationalMatrix, bias: [Rational], activation: Activation) throws(InputError) {
        try self.init(weights: weights, bias: bias, activation: activation, weightRadius: nil, biasRadius: nil)
    }

    /// A layer; `bias.count` must equal `weights.rows` (checked). A radius,
    /// when given, has one non-negative entry per weight (or bias), checked;
    /// a radius of zeros is stored as nil (exact).
    public init(
        weights: RationalMatrix, bias: [Rational], activation: Activation,
        weightRadius: [Rational]?, biasRadius: [Rational]?
    ) throws(InputError) {
        guard bias.count == weights.rows else {
            throw InputError("layer has \(weights.rows) outputs but \(bias.count) biases")
        }
        if let r = weightRadius, r.count != weights.entries.count || r.contains(where: { $0.sign < 0 }) {
            throw InputError("layer has \(weights.entries.count) weights but a weight radius of \(r.count) entries, or a negative one")
        }
        if let r = biasRadius, r.count != bias.count || r.contains(where: { $0.sign < 0 }) {
            throw InputError("layer has \(bias.count) biases but a bias radius of \(r.count) entries, or a negative one")
        }
        self.weights = weights
        self.bias = bias
        self.activation = activation
        let exact = (weightRadius ?? []).allSatisfy(\.isZero) && (biasRadius ?? []).allSatisfy(\.isZero)
        self.weightRadius = exact ? nil : weightRadius ?? Array(repeating: .zero, count: weights.entries.count)
        self.biasRadius = exact ? nil : biasRadius ?? Array(repeating: .zero, count: bias.count)
        floatWeights = weights.entries.map(\.nearestDouble)
        floatBias = bias.map(\.nearestDouble)
    }

    /// True when the weights and bias are exactly the model file's (no radius).
    public var isExact: Bool { weightRadius == nil && biasRadius == nil }

    /// Number of inputs.
    public var inputCount: Int { weights.columns }
    /// Number of outputs (neurons).
    public var outputCount: Int { weights.rows }
    /// Weights plus biases.
    public var parameterCount: Int { weights.entries.count + bias.count }

    /// The pre-activation `W x + b` in floating point.
    public func preActivation(_ x: [Double]) -> [Double] {
        let n = inputCount
        return (0..<outputCount).map { i in
            var sum = floatBias[i]
            for j in 0..<n { sum += floatWeights[i * n + j] * x[j] }
            return sum
        }
    }

    /// `Wᵀ v` in floating point: how a gradient at the outputs reaches the
    /// inputs (search only).
    public func transposedProduct(_ v: [Double]) -> [Double] {
        let n = inputCount
        var result = Array(repeating: 0.0, count: n)
        for i in 0..<outputCount where v[i] != 0 {
            for j in 0..<n { result[j] += floatWeights[i * n + j] * v[i] }
        }
        return result
    }

    /// The pre-activation `W x + b`, exactly.
    public func exactPreActivation(_ x: [Rational]) -> [Rational] {
        zip(weights * x, bias).map { $0 + $1 }
    }
}
