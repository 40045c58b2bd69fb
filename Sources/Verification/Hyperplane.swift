import ExactArithmetic

/// A hyperplane `normal·x + offset = 0` with primitive integer
/// coefficients, the first non-zero one positive.
public struct Hyperplane: Hashable, Sendable, Codable {
    public let normal: [Rational]
    public let offset: Rational

    /// The normal form of `c·x + d = 0` (nil when `c = 0`).
    public init?(_ c: [Rational], plus d: Rational) {
        guard c.contains(where: { !$0.isZero }) else { return nil }
        var v = primitiveIntegerVector(c + [d])
        if v.first(where: { !$0.isZero })!.sign < 0 { v = v.map { -$0 } }
        normal = Array(v.dropLast())
        offset = v.last!
    }
}
