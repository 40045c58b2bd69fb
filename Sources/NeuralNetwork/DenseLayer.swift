import ExactArithmetic

/// One fully-connected layer `h = σ(W x + b)` with exact rational weights.
public struct DenseLayer: Hashable, Sendable {
    /// `outputs × inputs` weights.
    public let weights: RationalMatrix
    /// One bias per output.
    public let bias: [Rational]
    /// The activation applied to every output.
    public let activation: Activation
    /// `weights` rounded to the nearest doubles, row-major, for float evaluation.
    let floatWeights: [Double]
    let floatBias: [Double]

    /// A layer; `bias.count` must equal `weights.rows` (checked).
    public init(weights: RationalMatrix, bias: [Rational], activation: Activation) throws(InputError) {
        guard bias.count == weights.rows else {
            throw InputError("layer has \(weights.rows) outputs but \(bias.count) biases")
        }
        self.weights = weights
        self.bias = bias
        self.activation = activation
        floatWeights = weights.entries.map(\.nearestDouble)
        floatBias = bias.map(\.nearestDouble)
    }

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
