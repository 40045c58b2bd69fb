import ExactArithmetic

/// The closed halfspace `{x : normal·x ≤ offset}`, with exact rational data.
///
/// Its *strict* version `{x : normal·x < offset}` is what interior witnesses
/// satisfy (see `CertificateCheck.verifyWitness`).
public struct Halfspace: Hashable, Sendable, Codable {
    /// The coefficient vector `a` of `a·x ≤ b`.
    public let normal: [Rational]
    /// The right-hand side `b` of `a·x ≤ b`.
    public let offset: Rational

    /// The halfspace `normal·x ≤ offset`.
    public init(normal: [Rational], offset: Rational) {
        self.normal = normal
        self.offset = offset
    }

    /// The halfspace `c·x + d ≤ 0`, i.e. `normal = c`, `offset = −d`.
    public static func nonpositive(_ c: [Rational], plus d: Rational) -> Halfspace {
        Halfspace(normal: c, offset: -d)
    }

    /// The halfspace `c·x + d ≥ 0`, i.e. `normal = −c`, `offset = d`.
    public static func nonnegative(_ c: [Rational], plus d: Rational) -> Halfspace {
        Halfspace(normal: c.map { -$0 }, offset: d)
    }

    /// `normal·x − offset`, exactly: negative strictly inside, zero on the
    /// boundary hyperplane, positive outside.
    public func slack(at x: [Rational]) -> Rational {
        dot(normal, x) - offset
    }

    /// The same set written the other way round: `{x : −normal·x ≤ −offset}`
    /// (the closure of the complement).
    public var reversed: Halfspace {
        Halfspace(normal: normal.map { -$0 }, offset: -offset)
    }
}
