import ExactArithmetic

/// Multipliers `y ≥ 0`, one per halfspace of a polytope, in the halfspaces'
/// order. What they prove depends on how they are read:
///
/// - lower bound on `c·x + d` over `P`: `c·x + d ≥ min_{x∈X} (c + Aᵀy)·x + d − yᵀb`
///   (`CertificateCheck.certifiedLowerBound`);
/// - upper bound: `c·x + d ≤ max_{x∈X} (c − Aᵀy)·x + d + yᵀb`
///   (`CertificateCheck.certifiedUpperBound`);
/// - empty interior: `y ≠ 0` and `min_{x∈X} yᵀ(Ax − b) ≥ 0`
///   (`CertificateCheck.verifyEmptyInterior`).
///
/// Plain data: `Codable` as `{"multipliers": ["p/q", …]}`. All multipliers
/// zero is the plain box (interval) bound.
public struct BoundCertificate: Hashable, Sendable, Codable {
    /// `y_i ≥ 0` for halfspace `i`.
    public let multipliers: [Rational]

    /// The certificate with the given multipliers (not checked here).
    public init(multipliers: [Rational]) {
        self.multipliers = multipliers
    }

    /// All multipliers zero: the box bound, valid for `count` halfspaces.
    public static func box(count: Int) -> BoundCertificate {
        BoundCertificate(multipliers: Array(repeating: .zero, count: count))
    }

    /// True when every multiplier is zero.
    public var isBoxBound: Bool { multipliers.allSatisfy(\.isZero) }
}
