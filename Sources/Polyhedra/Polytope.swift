import ExactArithmetic

/// The polytope `P = X ∩ {x : a_i·x ≤ b_i for every halfspace i}` inside the box
/// `X = Π [lower_j, upper_j]`, with exact rational data.
///
/// The box is full-dimensional (`lower_j < upper_j` for every `j`), so the
/// interior of `P` is non-empty exactly when some point of `X` satisfies every
/// halfspace strictly (proofs/lp-certificates.md, §3).
///
public struct Polytope: Sendable {
    /// Lower corner of the box `X`.
    public let lower: [Rational]
    /// Upper corner of the box `X`.
    public let upper: [Rational]
    /// The halfspaces `a_i·x ≤ b_i`, in order; certificates index them by position.
    public private(set) var halfspaces: [Halfspace]
    /// A point known to pass `CertificateCheck.verifyWitness(_, of: self)`, or nil.
    ///
    /// Invariant: set only to a point just verified against this polytope's
    /// exact data (or the box centre of a polytope without halfspaces), kept by
    /// `adding` only when the new halfspace holds strictly there (an exact
    /// O(d) test) and by `selecting` (fewer halfspaces). `LinearProgramming.split`
    /// reuses it, so a split tree never re-verifies a node's witness.
    public private(set) var interiorWitness: [Rational]?

    /// The polytope `box ∩ halfspaces`. Traps unless `lower` and `upper` have the
    /// same non-zero count, `lower_j < upper_j` for every `j`, and every
    /// halfspace has that many coefficients.
    public init(lower: [Rational], upper: [Rational], halfspaces: [Halfspace] = []) {
        precondition(!lower.isEmpty && lower.count == upper.count, "Polytope: box bounds differ in number or are empty")
        precondition(zip(lower, upper).allSatisfy { $0 < $1 }, "Polytope: the box must be full-dimensional (lower < upper)")
        precondition(halfspaces.allSatisfy { $0.normal.count == lower.count }, "Polytope: halfspace dimension mismatch")
        self.lower = lower
        self.upper = upper
        self.halfspaces = halfspaces
        if halfspaces.isEmpty { interiorWitness = zip(lower, upper).map { ($0 + $1).timesPowerOfTwo(-1) } }
    }

    private init(lower: [Rational], upper: [Rational], halfspaces: [Halfspace], witness: [Rational]?) {
        self.lower = lower
        self.upper = upper
        self.halfspaces = halfspaces
        interiorWitness = witness
    }

    /// This polytope with `x` recorded as its interior witness, or nil when
    /// `x` does not pass `CertificateCheck.verifyWitness` (checked here).
    public func withInteriorWitness(_ x: [Rational]) -> Polytope? {
        guard CertificateCheck.verifyWitness(x, of: self) else { return nil }
        var copy = self
        copy.interiorWitness = x
        return copy
    }

    /// Records a witness the caller has just verified against exactly this polytope.
    package func recordingVerifiedWitness(_ x: [Rational]) -> Polytope {
        var copy = self
        copy.interiorWitness = x
        return copy
    }

    /// Number of coordinates `d`.
    public var dimension: Int { lower.count }

    /// The box `X` alone, as a polytope without halfspaces.
    public var box: Polytope { Polytope(lower: lower, upper: upper) }

    /// `self ∩ h`; `h` becomes the last halfspace (index `halfspaces.count`).
    /// Keeps `interiorWitness` when `h` holds strictly there.
    public func adding(_ h: Halfspace) -> Polytope {
        precondition(h.normal.count == dimension, "Polytope: halfspace dimension mismatch")
        var copy = self
        copy.halfspaces.append(h)
        if let w = interiorWitness, !(dot(h.normal, w) < h.offset) { copy.interiorWitness = nil }
        return copy
    }

    /// The polytope with only the halfspaces at `indices`, in that order
    /// (keeps `interiorWitness`).
    public func selecting(_ indices: [Int]) -> Polytope {
        Polytope(lower: lower, upper: upper, halfspaces: indices.map { halfspaces[$0] },
                 witness: interiorWitness)
    }

    /// True when `x` lies in the closed polytope: `lower ≤ x ≤ upper` and
    /// `a_i·x ≤ b_i` for every halfspace (exact).
    public func contains(_ x: [Rational]) -> Bool {
        x.count == dimension
            && x.indices.allSatisfy { lower[$0] <= x[$0] && x[$0] <= upper[$0] }
            && halfspaces.allSatisfy { dot($0.normal, x) <= $0.offset }
    }
}

extension Polytope: Hashable {
    public static func == (a: Polytope, b: Polytope) -> Bool {
        a.lower == b.lower && a.upper == b.upper && a.halfspaces == b.halfspaces
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(lower)
        hasher.combine(upper)
        hasher.combine(halfspaces)
    }
}

extension Polytope: Codable {
    private enum CodingKeys: String, CodingKey { case lower, upper, halfspaces }

    /// Decodes `{"lower": [...], "upper": [...], "halfspaces": [...]}`; throws on
    /// an empty or inverted box or mismatched dimensions instead of trapping.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let lower = try c.decode([Rational].self, forKey: .lower)
        let upper = try c.decode([Rational].self, forKey: .upper)
        let halfspaces = try c.decode([Halfspace].self, forKey: .halfspaces)
        guard !lower.isEmpty, lower.count == upper.count, zip(lower, upper).allSatisfy({ $0 < $1 }),
              halfspaces.allSatisfy({ $0.normal.count == lower.count })
        else {
            throw DecodingError.dataCorruptedError(
                forKey: .halfspaces, in: c,
                debugDescription: "a polytope needs a full-dimensional box and halfspaces of its dimension")
        }
        self.init(lower: lower, upper: upper, halfspaces: halfspaces)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(lower, forKey: .lower)
        try c.encode(upper, forKey: .upper)
        try c.encode(halfspaces, forKey: .halfspaces)
    }
}
