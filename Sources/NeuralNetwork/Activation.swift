import ExactArithmetic
import Foundation

/// An elementwise activation function of a dense layer.
public enum Activation: Hashable, Sendable {
    /// `x`.
    case identity
    /// `max(0, x)`.
    case relu
    /// `x` for `x ≥ 0`, `slope · x` below; `slope` is the exact ONNX `alpha`.
    case leakyReLU(slope: Rational)
    /// `min(max(x, lower), upper)`: PyTorch's Hardtanh (ONNX `Clip`); `lower < upper`.
    case hardTanh(lower: Rational, upper: Rational)
    /// `1 / (1 + e^(−x))`.
    case sigmoid
    /// `tanh(x)`.
    case tanh
    /// `log(1 + e^x)` (ONNX `Softplus`).
    case softplus
    /// `x` for `x ≥ 0`, `alpha · (e^x − 1)` below (ONNX `Elu`); `alpha ≠ 0`
    /// (the loaders read `alpha = 0`, which is ReLU, as ``relu``). For
    /// `alpha < 0` it is not monotone: it decreases on `(−∞, 0]` from `−alpha` to 0.
    case elu(alpha: Rational)
    /// SiLU (Swish) `x·σ(x)` (ONNX `Mul(x, Sigmoid(x))`).
    case silu
    /// GELU `x·(1 + erf(x/c))/2` with `c = divisor`, or `c = √2` (the exact
    /// GELU `x·Φ(x)`, ONNX `Gelu`) when `divisor` is nil. A rational
    /// `divisor` is what torch's legacy exporter writes below opset 20:
    /// `Div(x, float32(√2))`, whose real-number meaning is that rational.
    case gelu(divisor: Rational?)
    /// GELU's tanh approximation `x·(1 + tanh(c(x + kx³)))/2`: with
    /// `constants` nil, `c = √(2/π)` and `k = 0.044715`, the real numbers the
    /// ONNX spec writes (ONNX `Gelu` with approximate="tanh"); otherwise a
    /// file's exact rationals (torch's node-by-node chain below opset 20).
    case geluTanh(constants: GeluTanhConstants?)

    /// The name used by `inspect`, the JSON model format and error messages.
    public var name: String {
        switch self {
        case .identity: "identity"
        case .relu: "relu"
        case .leakyReLU: "leaky-relu"
        case .hardTanh: "hard-tanh"
        case .sigmoid: "sigmoid"
        case .tanh: "tanh"
        case .softplus: "softplus"
        case .elu: "elu"
        case .silu: "silu"
        case .gelu: "gelu"
        case .geluTanh: "gelu-tanh"
        }
    }

    /// The names the JSON model format accepts.
    public static let names = ["identity", "relu", "leaky-relu", "hard-tanh", "sigmoid", "tanh", "softplus", "elu", "silu", "gelu", "gelu-tanh"]

    /// True for activations that are piecewise linear with rational pieces,
    /// so the network can be evaluated exactly.
    public var isPiecewiseLinear: Bool {
        switch self {
        case .sigmoid, .tanh, .softplus, .elu, .silu, .gelu, .geluTanh: false
        default: true
        }
    }

    /// The activation in floating point.
    public func callAsFunction(_ x: Double) -> Double {
        switch self {
        case .identity: x
        case .relu: x > 0 ? x : 0
        case .leakyReLU(let slope): x >= 0 ? x : slope.nearestDouble * x
        case .hardTanh(let lower, let upper): Swift.min(Swift.max(x, lower.nearestDouble), upper.nearestDouble)
        case .sigmoid: 1 / (1 + Foundation.exp(-x))
        case .tanh: Foundation.tanh(x)
        case .softplus: x > 0 ? x + Foundation.log1p(Foundation.exp(-x)) : Foundation.log1p(Foundation.exp(x))
        case .elu(let alpha): x >= 0 ? x : alpha.nearestDouble * Foundation.expm1(x)
        case .silu: x >= 0 ? x / (1 + Foundation.exp(-x)) : x * Foundation.exp(x) / (1 + Foundation.exp(x))
        case .gelu(let divisor): 0.5 * x * (1 + Foundation.erf(x / (divisor?.nearestDouble ?? 2.0.squareRoot())))
        case .geluTanh(let constants):
            { let (c, k) = Activation.geluTanhDoubles(constants); return 0.5 * x * (1 + Foundation.tanh(c * (x + k * x * x * x))) }()
        }
    }

    /// The derivative at `x` in floating point (search only: a one-sided
    /// derivative at a kink, never a claim).
    public func derivative(_ x: Double) -> Double {
        switch self {
        case .identity: 1
        case .relu: x > 0 ? 1 : 0
        case .leakyReLU(let slope): x >= 0 ? 1 : slope.nearestDouble
        case .hardTanh(let lower, let upper): x > lower.nearestDouble && x < upper.nearestDouble ? 1 : 0
        case .sigmoid: { let s = 1 / (1 + Foundation.exp(-x)); return s * (1 - s) }()
        case .tanh: { let t = Foundation.tanh(x); return 1 - t * t }()
        case .softplus: x >= 0 ? 1 / (1 + Foundation.exp(-x)) : Foundation.exp(x) / (1 + Foundation.exp(x))
        case .elu(let alpha): x >= 0 ? 1 : alpha.nearestDouble * Foundation.exp(x)
        case .silu: { let s = Activation.sigmoid.callAsFunction(x); return s * (1 + x * (1 - s)) }()
        case .gelu(let divisor): {
            let c = divisor?.nearestDouble ?? 2.0.squareRoot()
            return 0.5 * (1 + Foundation.erf(x / c)) + x * Foundation.exp(-(x / c) * (x / c)) / (c * Double.pi.squareRoot())
        }()
        case .geluTanh(let constants): {
            let (c, k) = Activation.geluTanhDoubles(constants), t = Foundation.tanh(c * (x + k * x * x * x))
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * k * x * x)
        }()
        }
    }

    /// The tanh-GELU's `c` and `k` in floating point (search and display only).
    static func geluTanhDoubles(_ constants: GeluTanhConstants?) -> (Double, Double) {
        guard let constants else { return ((2 / Double.pi).squareRoot(), 0.044715) }
        return (constants.scale.nearestDouble, constants.cubic.nearestDouble)
    }

    /// The activation in exact arithmetic; nil for the smooth activations,
    /// whose values at (nonzero) rational points are irrational.
    public func exactly(_ x: Rational) -> Rational? {
        switch self {
        case .identity: x
        case .relu: x.sign > 0 ? x : .zero
        case .leakyReLU(let slope): x.sign >= 0 ? x : slope * x
        case .hardTanh(let lower, let upper): Swift.min(Swift.max(x, lower), upper)
        case .sigmoid, .tanh, .softplus, .elu, .silu, .gelu, .geluTanh: nil
        }
    }
}
