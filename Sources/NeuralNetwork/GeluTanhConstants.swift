import ExactArithmetic

/// The constants `c` and `k` of GELU's tanh form `x·(1 + tanh(c·(x + k·x³)))/2`
/// as a model file writes them. torch's node-by-node spelling below opset 20
/// writes `c = float32(√(2/π))` and `k = float32(0.044715)`: rationals, not the
/// ONNX spec's real numbers, so that file means the function with exactly
/// these constants (as torch's Erf chain means GELU with the float32 `√2`).
public struct GeluTanhConstants: Hashable, Sendable, CustomStringConvertible {
    /// `c`, exactly.
    public let scale: Rational
    /// `k`, exactly.
    public let cubic: Rational

    /// The constants, or nil unless both are positive and within a relative
    /// `2^−10` of the spec's `√(2/π)` and `0.044715`
    /// (`Enclosure.isNearONNXGeluTanh`): the functions whose minimum and
    /// inflection point climep encloses.
    public init?(scale: Rational, cubic: Rational) {
        guard Enclosure.isNearONNXGeluTanh(scale: scale, cubic: cubic) else { return nil }
        self.scale = scale
        self.cubic = cubic
    }

    /// `scale c, cubic k` with both exact.
    public var description: String { "scale \(scale), cubic \(cubic)" }
}
