import ExactArithmetic

/// Exact verification of every certificate this module emits.
///
/// Pure functions of the data (a polytope's box and halfspaces, the
/// certificate) in exact rational arithmetic; nothing here searches, solves,
/// rounds or calls the LP code, so an independent checker can use this file
/// alone. Each function names the section of proofs/lp-certificates.md that
/// proves what it checks.
public enum CertificateCheck {
    /// `min over the box of g·x`, exactly: each coordinate at the bound that
    /// minimises its term (§1).
    public static func boxMinimum(of g: [Rational], lower: [Rational], upper: [Rational]) -> Rational {
        precondition(g.count == lower.count && g.count == upper.count, "boxMinimum: dimension mismatch")
        return dot(g, g.indices.map { g[$0].sign >= 0 ? lower[$0] : upper[$0] })
    }

    /// `max over the box of g·x`, exactly.
    public static func boxMaximum(of g: [Rational], lower: [Rational], upper: [Rational]) -> Rational {
        precondition(g.count == lower.count && g.count == upper.count, "boxMaximum: dimension mismatch")
        return dot(g, g.indices.map { g[$0].sign >= 0 ? upper[$0] : lower[$0] })
    }

    /// The lower bound on `c·x + d` over `p` that `certificate` proves,
    /// `min_{x∈X} (c + Aᵀy)·x + d − yᵀb` (§1); nil when the certificate is
    /// malformed (indices not strictly increasing or naming no halfspace of
    /// `p`, or a value not positive) or `c` has the wrong length. Work is
    /// proportional to the stored multipliers, not to `p`'s halfspaces.
    public static func certifiedLowerBound(
        of c: [Rational], plus d: Rational, over p: Polytope, certificate: BoundCertificate
    ) -> Rational? {
        certifiedLowerBound(of: c, plus: d, over: p, cut: nil, certificate: certificate)
    }

    /// `certifiedLowerBound` over `p.adding(cut)` (the cut at index
    /// `p.halfspaces.count`) without building that polytope: a split tree's
    /// check would otherwise copy every halfspace of the path at every cut.
    static func certifiedLowerBound(
        of c: [Rational], plus d: Rational, over p: Polytope, cut: Halfspace?, certificate: BoundCertificate
    ) -> Rational? {
        let used = certificate.indices, weights = certificate.values
        let m = p.halfspaces.count + (cut == nil ? 0 : 1)
        guard c.count == p.dimension, cut.map({ $0.normal.count == p.dimension }) ?? true, used.count == weights.count,
              used.indices.allSatisfy({ k in used[k] >= 0 && used[k] < m && (k == 0 || used[k - 1] < used[k]) }),
              weights.allSatisfy({ $0.sign > 0 })
        else { return nil }
        let rows = used.map { $0 < p.halfspaces.count ? p.halfspaces[$0] : cut! }
        // g = c + Aᵀy, constant = d − yᵀb.
        var g = c
        if !used.isEmpty {
            for j in 0..<p.dimension {
                g[j] = c[j] + dot(rows.map { $0.normal[j] }, weights)
            }
        }
        let constant = d - dot(rows.map(\.offset), weights)
        return boxMinimum(of: g, lower: p.lower, upper: p.upper) + constant
    }

    /// The upper bound on `c·x + d` over `p` that `certificate` proves,
    /// `max_{x∈X} (c − Aᵀy)·x + d + yᵀb` (§1, applied to `−c·x − d`); nil when
    /// malformed.
    public static func certifiedUpperBound(
        of c: [Rational], plus d: Rational, over p: Polytope, certificate: BoundCertificate
    ) -> Rational? {
        certifiedLowerBound(of: c.map { -$0 }, plus: -d, over: p, certificate: certificate).map { -$0 }
    }

    /// True when `certificate` proves `c·x + d ≥ bound` for every `x` in `p` (§1).
    public static func verifyLowerBound(
        _ bound: Rational, of c: [Rational], plus d: Rational, over p: Polytope, certificate: BoundCertificate
    ) -> Bool {
        guard let proven = certifiedLowerBound(of: c, plus: d, over: p, certificate: certificate) else { return false }
        return proven >= bound
    }

    /// True when `certificate` proves `c·x + d ≤ bound` for every `x` in `p` (§1).
    public static func verifyUpperBound(
        _ bound: Rational, of c: [Rational], plus d: Rational, over p: Polytope, certificate: BoundCertificate
    ) -> Bool {
        guard let proven = certifiedUpperBound(of: c, plus: d, over: p, certificate: certificate) else { return false }
        return proven <= bound
    }

    /// True when `x` proves that `p` has interior points (§2): the box is
    /// full-dimensional, `lower ≤ x ≤ upper`, and `a_i·x < b_i` strictly for
    /// every halfspace.
    public static func verifyWitness(_ x: [Rational], of p: Polytope) -> Bool {
        guard x.count == p.dimension else { return false }
        for j in 0..<p.dimension {
            guard p.lower[j] < p.upper[j], p.lower[j] <= x[j], x[j] <= p.upper[j] else { return false }
        }
        return p.halfspaces.allSatisfy { dot($0.normal, x) < $0.offset }
    }

    /// True when `certificate` proves that no point of the box satisfies every
    /// halfspace of `p` strictly — so `p` has empty interior (§3): `y ≥ 0`,
    /// `y ≠ 0` and `min_{x∈X} yᵀ(Ax − b) ≥ 0`.
    public static func verifyEmptyInterior(of p: Polytope, certificate: BoundCertificate) -> Bool {
        verifyEmptyInterior(of: p, cut: nil, certificate: certificate)
    }

    /// `verifyEmptyInterior(of: p.adding(cut), certificate:)`, without building
    /// `p.adding(cut)`: the same arithmetic on the same rows (§3).
    public static func verifyEmptyInterior(of p: Polytope, cut: Halfspace?, certificate: BoundCertificate) -> Bool {
        guard !certificate.isBoxBound,
              let bound = certifiedLowerBound(
                  of: Array(repeating: .zero, count: p.dimension), plus: .zero, over: p, cut: cut, certificate: certificate)
        else { return false }
        return bound.sign >= 0
    }

    /// True when `certificate` proves that `p` is empty even as a closed set
    /// (§3): `y ≥ 0` and `min_{x∈X} yᵀ(Ax − b) > 0`.
    public static func verifyEmpty(_ p: Polytope, certificate: BoundCertificate) -> Bool {
        guard let bound = certifiedLowerBound(
            of: Array(repeating: .zero, count: p.dimension), plus: .zero, over: p, certificate: certificate)
        else { return false }
        return bound.sign > 0
    }

    /// True when `vertices` (d = 2) are exactly the vertices of `p` in
    /// counter-clockwise order, so that `p` is their convex hull (§4): at least
    /// three, each in `p`, every vertex other than an edge's endpoints strictly
    /// left of that edge, and every edge lying on the boundary line of a box
    /// side or of a halfspace with non-zero normal.
    public static func verifyPolygon(_ vertices: [[Rational]], of p: Polytope) -> Bool {
        let n = vertices.count
        guard p.dimension == 2, n >= 3, vertices.allSatisfy({ $0.count == 2 && p.contains($0) }) else { return false }
        let boxSides: [Halfspace] = [
            Halfspace(normal: [-1, 0], offset: -p.lower[0]), Halfspace(normal: [1, 0], offset: p.upper[0]),
            Halfspace(normal: [0, -1], offset: -p.lower[1]), Halfspace(normal: [0, 1], offset: p.upper[1]),
        ]
        let candidates = boxSides + p.halfspaces.filter { !$0.normal.allSatisfy(\.isZero) }
        for k in 0..<n {
            let a = vertices[k], b = vertices[(k + 1) % n]
            for other in 0..<n where other != k && other != (k + 1) % n {
                guard cross(a, b, vertices[other]).sign > 0 else { return false }
            }
            guard candidates.contains(where: { $0.slack(at: a).isZero && $0.slack(at: b).isZero }) else { return false }
        }
        return true
    }

    /// `(b − a) × (c − a)`: positive when `c` is strictly left of the directed line `a → b`.
    public static func cross(_ a: [Rational], _ b: [Rational], _ c: [Rational]) -> Rational {
        (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    }

    /// The signed area of the polygon with these vertices (shoelace formula,
    /// positive for counter-clockwise order; 0 for fewer than three vertices).
    public static func shoelaceArea(_ vertices: [[Rational]]) -> Rational {
        let n = vertices.count
        guard n >= 3 else { return .zero }
        var twice = Rational.zero
        for k in 0..<n {
            let a = vertices[k], b = vertices[(k + 1) % n]
            twice += a[0] * b[1] - b[0] * a[1]
        }
        return twice.timesPowerOfTwo(-1)
    }
}
