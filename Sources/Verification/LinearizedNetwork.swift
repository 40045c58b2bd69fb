import ExactArithmetic
import NeuralNetwork

/// The paper's LFNN `g`: the network `f` with every smooth activation
/// replaced by one piecewise-linear function, and every piecewise-linear
/// activation kept as it is. How the functions were chosen (piece count
/// asked for, fit method) is search state and not part of `g`.
///
/// Every layer's activation in `g` is a `PiecewiseLinearFunction` — ReLU as
/// two pieces, identity as one — so `g` is piecewise linear with exact
/// rational pieces and can be evaluated exactly. `g` depends only on the
/// model, the piece count and the fit method, never on an input box.
public struct LinearizedNetwork: Sendable {
    /// The original network `f`.
    public let original: Network
    /// `g`'s activation for each layer of `original`.
    public let activations: [PiecewiseLinearFunction]

    /// `g` from its parts, as a certificate states them. Throws unless there
    /// is one function per layer, every piecewise-linear activation of
    /// `network` is kept exactly, and the layers with one smooth activation
    /// share one function.
    public init(
        _ network: Network, activations: [PiecewiseLinearFunction]
    ) throws(InputError) {
        guard activations.count == network.layers.count else {
            throw InputError("expected \(network.layers.count) activation functions, got \(activations.count)")
        }
        var shared: [SmoothActivation: PiecewiseLinearFunction] = [:]
        for (k, (layer, p)) in zip(network.layers, activations).enumerated() {
            if let smooth = SmoothActivation(layer.activation) {
                if let known = shared[smooth], known != p {
                    throw InputError("layer \(k): \(smooth.description) has two different piecewise-linear functions")
                }
                shared[smooth] = p
            } else if PiecewiseLinearFunction(exactly: layer.activation) != p {
                throw InputError("layer \(k): \(layer.activation.name) must be kept exactly as it is")
            }
        }
        original = network
        self.activations = activations
    }

    /// The fitted function of each smooth activation the network uses.
    public var fits: [SmoothActivation: PiecewiseLinearFunction] {
        var result: [SmoothActivation: PiecewiseLinearFunction] = [:]
        for (layer, p) in zip(original.layers, activations) {
            if let smooth = SmoothActivation(layer.activation) { result[smooth] = p }
        }
        return result
    }

    /// Pieces of `g`'s activation in each layer (2 for a kept ReLU, 1 for identity).
    public var pieceCounts: [Int] { activations.map(\.pieceCount) }

    /// Number of neurons whose activation was replaced by a fit.
    public var smoothNeuronCount: Int {
        original.layers.filter { SmoothActivation($0.activation) != nil }.reduce(0) { $0 + $1.outputCount }
    }

    /// `g`'s logits, exactly.
    public func exactLogits(_ x: [Rational]) -> [Rational] {
        precondition(x.count == original.inputCount, "LinearizedNetwork: expected \(original.inputCount) inputs")
        var h = x
        for (layer, p) in zip(original.layers, activations) {
            h = layer.exactPreActivation(h).map { p($0) }
        }
        return h
    }

    /// The activation pattern at `x`: for each layer, the piece of `g`'s
    /// activation each neuron is on (the lowest piece at a breakpoint), exactly.
    public func pattern(at x: [Rational]) -> [[Int]] {
        precondition(x.count == original.inputCount, "LinearizedNetwork: expected \(original.inputCount) inputs")
        var h = x
        var pattern: [[Int]] = []
        for (layer, p) in zip(original.layers, activations) {
            let z = layer.exactPreActivation(h)
            pattern.append(z.map { p.piece(containing: $0) })
            h = z.map { p($0) }
        }
        return pattern
    }

    /// `g`'s logits in floating point (display and search only).
    public func logits(_ x: [Double]) -> [Double] {
        precondition(x.count == original.inputCount, "LinearizedNetwork: expected \(original.inputCount) inputs")
        var h = x
        for (layer, p) in zip(original.layers, activations) {
            h = layer.preActivation(h).map { p($0) }
        }
        return h
    }
}

extension PiecewiseLinearFunction {
    /// A piecewise-linear activation as the function it is, exactly; nil for
    /// sigmoid and tanh.
    public init?(exactly activation: Activation) {
        let result: PiecewiseLinearFunction?
        switch activation {
        case .identity:
            result = try? PiecewiseLinearFunction(breakpoints: [], slopes: [1], intercepts: [0])
        case .relu:
            result = try? PiecewiseLinearFunction(breakpoints: [0], slopes: [0, 1], intercepts: [0, 0])
        case .leakyReLU(let slope):
            result = try? PiecewiseLinearFunction(breakpoints: [0], slopes: [slope, 1], intercepts: [0, 0])
        case .hardTanh(let lower, let upper):
            result = try? PiecewiseLinearFunction(breakpoints: [lower, upper], slopes: [0, 1, 0], intercepts: [lower, 0, upper])
        case .sigmoid, .tanh, .softplus, .elu, .silu, .gelu, .geluTanh:
            result = nil
        }
        guard let result else { return nil }
        self = result
    }
}
