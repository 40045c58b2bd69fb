/// A closed interval `[lower, upper]` of exact rationals, `lower ≤ upper`.
///
/// Arithmetic is exact interval arithmetic: each operation returns the
/// smallest interval containing every result of the operation applied to
/// members of the operands, so no rounding ever enters. Encoded as
/// `{"lower": "p/q", "upper": "p/q"}`.
public struct RationalInterval: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The least element.
    public let lower: Rational
    /// The greatest element.
    public let upper: Rational

    /// The interval `[lower, upper]`. Traps unless `lower ≤ upper`.
    public init(_ lower: Rational, _ upper: Rational) {
        precondition(lower <= upper, "RationalInterval: lower bound \(lower) exceeds upper bound \(upper)")
        self.lower = lower
        self.upper = upper
    }

    /// The one-point interval `[point, point]`.
    public init(point: Rational) {
        lower = point
        upper = point
    }

    /// `upper − lower` (zero for a point).
    public var width: Rational { upper - lower }

    /// `max(|lower|, |upper|)`, the largest absolute value of a member.
    public var magnitude: Rational { Swift.max(lower.magnitude, upper.magnitude) }

    /// `(lower + upper) / 2`.
    public var midpoint: Rational { (lower + upper).timesPowerOfTwo(-1) }

    /// True when `lower ≤ x ≤ upper`.
    public func contains(_ x: Rational) -> Bool { lower <= x && x <= upper }

    /// The hull: the smallest interval containing both intervals.
    public func union(_ other: RationalInterval) -> RationalInterval {
        RationalInterval(unchecked: Swift.min(lower, other.lower), Swift.max(upper, other.upper))
    }

    /// The common part, or nil when the intervals are disjoint.
    public func intersection(_ other: RationalInterval) -> RationalInterval? {
        let l = Swift.max(lower, other.lower), u = Swift.min(upper, other.upper)
        return l <= u ? RationalInterval(unchecked: l, u) : nil
    }

    /// `{x + y : x ∈ a, y ∈ b}`.
    public static func + (a: RationalInterval, b: RationalInterval) -> RationalInterval {
        RationalInterval(unchecked: a.lower + b.lower, a.upper + b.upper)
    }

    /// `{x − y : x ∈ a, y ∈ b}`.
    public static func - (a: RationalInterval, b: RationalInterval) -> RationalInterval {
        RationalInterval(unchecked: a.lower - b.upper, a.upper - b.lower)
    }

    /// `{−x : x ∈ a}`.
    public static prefix func - (a: RationalInterval) -> RationalInterval {
        RationalInterval(unchecked: -a.upper, -a.lower)
    }

    /// `{x · y : x ∈ a, y ∈ b}`: a bilinear function on a box attains its
    /// extremes at the corners, so the hull of the four corner products.
    public static func * (a: RationalInterval, b: RationalInterval) -> RationalInterval {
        if a.lower.sign >= 0 && b.lower.sign >= 0 {  // common case: both non-negative
            return RationalInterval(unchecked: a.lower * b.lower, a.upper * b.upper)
        }
        let p = [a.lower * b.lower, a.lower * b.upper, a.upper * b.lower, a.upper * b.upper]
        return RationalInterval(unchecked: p.min()!, p.max()!)
    }

    /// `{k · x : x ∈ a}`.
    public static func * (k: Rational, a: RationalInterval) -> RationalInterval {
        k.sign >= 0
            ? RationalInterval(unchecked: k * a.lower, k * a.upper)
            : RationalInterval(unchecked: k * a.upper, k * a.lower)
    }

    /// `[lower, upper]` with exact rationals, e.g. `[-1/2, 3]`.
    public var description: String { "[\(lower), \(upper)]" }

    private enum CodingKeys: String, CodingKey { case lower, upper }

    /// Decodes `{"lower": …, "upper": …}`; rejects `lower > upper`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let l = try container.decode(Rational.self, forKey: .lower)
        let u = try container.decode(Rational.self, forKey: .upper)
        guard l <= u else {
            throw DecodingError.dataCorruptedError(
                forKey: .upper, in: container,
                debugDescription: "interval upper bound \(u) is below lower bound \(l)")
        }
        self.init(unchecked: l, u)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(lower, forKey: .lower)
        try container.encode(upper, forKey: .upper)
    }

    /// `[lower, upper]` where the caller has established `lower ≤ upper`.
    init(unchecked lower: Rational, _ upper: Rational) {
        assert(lower <= upper)
        self.lower = lower
        self.upper = upper
    }
}
