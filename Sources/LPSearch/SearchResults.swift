import ExactArithmetic
import Polyhedra

// What the LP search returns: results with their certificates. Only the
// search reads them (the checker verifies the plain certificates they carry,
// `BoundCertificate` and witnesses), so they live outside the trusted targets.

/// Whether a polytope has interior points, with the proof either way.
public enum InteriorResult: Hashable, Sendable, Codable {
    /// A point `x` of the box `X` that satisfies every halfspace strictly
    /// (`CertificateCheck.verifyWitness`): the polytope has non-empty interior.
    case witness([Rational])
    /// Multipliers proving that no point of `X` satisfies all halfspaces
    /// strictly (`CertificateCheck.verifyEmptyInterior`): the interior is empty.
    case empty(BoundCertificate)

    /// The witness point, if any.
    public var witness: [Rational]? {
        if case .witness(let x) = self { return x }
        return nil
    }

    /// True for `.empty`.
    public var isEmpty: Bool {
        if case .empty = self { return true }
        return false
    }

    private enum CodingKeys: String, CodingKey { case witness, emptyInterior }

    /// Decodes `{"witness": ["p/q", …]}` or `{"emptyInterior": {"multipliers": […]}}`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let x = try c.decodeIfPresent([Rational].self, forKey: .witness) {
            self = .witness(x)
        } else {
            self = .empty(try c.decode(BoundCertificate.self, forKey: .emptyInterior))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .witness(let x): try c.encode(x, forKey: .witness)
        case .empty(let y): try c.encode(y, forKey: .emptyInterior)
        }
    }
}

/// A rigorous bound on an affine function over a polytope with its certificate.
public struct LinearBound: Hashable, Sendable, Codable {
    /// The bound: exactly the value the certificate proves.
    public let value: Rational
    /// The multipliers proving it.
    public let certificate: BoundCertificate

    public init(value: Rational, certificate: BoundCertificate) {
        self.value = value
        self.certificate = certificate
    }
}

/// Rigorous lower and upper bounds on an affine function over a polytope.
public struct LinearRange: Hashable, Sendable, Codable {
    /// `c·x + d ≥ lower.value` on the polytope (`CertificateCheck.certifiedLowerBound`).
    public let lower: LinearBound
    /// `c·x + d ≤ upper.value` on the polytope (`CertificateCheck.certifiedUpperBound`).
    public let upper: LinearBound

    package init(lower: LinearBound, upper: LinearBound) {
        self.lower = lower
        self.upper = upper
    }
}

/// The two sides of a polytope `P` cut by `z(x) = c·x + d`:
/// `below = P ∩ {z ≤ 0}` = `P.adding(.nonpositive(c, plus: d))` and
/// `above = P ∩ {z ≥ 0}` = `P.adding(.nonnegative(c, plus: d))`. Each side's
/// result refers to that child polytope (its certificates index `P`'s
/// halfspaces, then the new halfspace at `P.halfspaces.count`).
///
/// Coded and compared by `below` and `above` only; the child polytopes are a
/// convenience for recursion and decode as nil.
public struct SplitResult: Hashable, Sendable, Codable {
    /// Interior of `P ∩ {c·x + d ≤ 0}`: a witness (with `c·x + d < 0`) or a proof of emptiness.
    public let below: InteriorResult
    /// Interior of `P ∩ {c·x + d ≥ 0}`: a witness (with `c·x + d > 0`) or a proof of emptiness.
    public let above: InteriorResult
    /// The child `P ∩ {z ≤ 0}` with `below`'s witness as its `interiorWitness`;
    /// nil when that side's interior is empty.
    public let belowPolytope: Polytope?
    /// The child `P ∩ {z ≥ 0}` with `above`'s witness as its `interiorWitness`;
    /// nil when that side's interior is empty.
    public let abovePolytope: Polytope?

    package init(below: InteriorResult, above: InteriorResult, belowPolytope: Polytope?, abovePolytope: Polytope?) {
        self.below = below
        self.above = above
        self.belowPolytope = belowPolytope
        self.abovePolytope = abovePolytope
    }

    private enum CodingKeys: String, CodingKey { case below, above }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        below = try c.decode(InteriorResult.self, forKey: .below)
        above = try c.decode(InteriorResult.self, forKey: .above)
        belowPolytope = nil
        abovePolytope = nil
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(below, forKey: .below)
        try c.encode(above, forKey: .above)
    }

    public static func == (a: SplitResult, b: SplitResult) -> Bool { a.below == b.below && a.above == b.above }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(below)
        hasher.combine(above)
    }
}

/// A proof that some halfspaces of a polytope can be dropped and none of the
/// rest can (`CertificateCheck.verifyIrredundantForm`).
///
/// With `K` the indices of `facets`: `P = X ∩ {a_i·x ≤ b_i : i ∈ K}`, and for each
/// `i ∈ K` the set `X ∩ {a_j·x ≤ b_j : j ∈ K, j ≠ i}` is strictly larger (its
/// witness lies in it but violates `a_i·x ≤ b_i`). When `P` has interior
/// points, each kept halfspace's hyperplane meets `P` in a facet.
public struct IrredundantForm: Hashable, Sendable, Codable {
    /// A kept halfspace with a point of `X` that violates it strictly and
    /// satisfies every other kept halfspace strictly.
    public struct Facet: Hashable, Sendable, Codable {
        /// Index into `P.halfspaces`.
        public let index: Int
        /// The separating point.
        public let witness: [Rational]

        package init(index: Int, witness: [Rational]) {
            self.index = index
            self.witness = witness
        }
    }

    /// A dropped halfspace with upper-bound multipliers proving
    /// `a_i·x ≤ b_i` on `X ∩ {halfspaces not dropped before it, other than i}`:
    /// its multipliers are zero at `index` and at every earlier removal.
    public struct Removal: Hashable, Sendable, Codable {
        /// Index into `P.halfspaces`.
        public let index: Int
        /// Upper-bound certificate for `a_i·x` with bound `b_i`.
        public let certificate: BoundCertificate

        package init(index: Int, certificate: BoundCertificate) {
            self.index = index
            self.certificate = certificate
        }
    }

    /// Kept halfspaces, ascending index.
    public let facets: [Facet]
    /// Dropped halfspaces, in the order they were dropped.
    public let removals: [Removal]

    package init(facets: [Facet], removals: [Removal]) {
        self.facets = facets
        self.removals = removals
    }

    /// Indices of the kept halfspaces, ascending.
    public var keptIndices: [Int] { facets.map(\.index) }
}
