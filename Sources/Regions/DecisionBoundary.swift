import ExactArithmetic
import LPSearch
import Polyhedra
import Verification

/// The decision boundary of `g` inside the box (Definition 4, Algorithm 2):
/// in every region, the (d−1)-dimensional pieces of the tie hyperplanes
/// `g_i = g_j` where `i` and `j` are together the largest logits (for one
/// logit, where it is zero). Hyperplanes are normalised to primitive integer
/// coefficients so equal ones merge.
public struct DecisionBoundary: Sendable {
    /// A hyperplane in primitive integer normal form (see `Verification.Hyperplane`).
    public typealias Hyperplane = Verification.Hyperplane

    /// One piece: a region, the two classes that tie, the hyperplane and a
    /// point of the piece's relative interior (exact, on the hyperplane).
    public struct Piece: Sendable {
        public let region: Int
        public let classes: (Int, Int)
        public let hyperplane: Hyperplane
        public let witness: [Rational]
    }

    public let pieces: [Piece]
    /// The distinct hyperplanes, in order of first appearance.
    public let hyperplanes: [Hyperplane]

    /// The boundary pieces of every region of `enumeration`.
    public init(_ enumeration: RegionEnumeration) {
        var pieces: [Piece] = []
        var seen: Set<Hyperplane> = []
        var hyperplanes: [Hyperplane] = []
        for (index, region) in enumeration.regions.enumerated() {
            let w = region.logitWeights, b = region.logitBias
            let pairs: [(Int, Int)] = w.rows == 1 ? [(0, 1)] : (0..<w.rows).flatMap { i in ((i + 1)..<w.rows).map { (i, $0) } }
            for (i, j) in pairs {
                let c = w.rows == 1 ? w.row(0) : zip(w.row(i), w.row(j)).map { $0 - $1 }
                let d = w.rows == 1 ? b[0] : b[i] - b[j]
                guard let plane = Hyperplane(c, plus: d) else { continue }
                // i and j must beat every other class strictly somewhere on the plane.
                let others: [Halfspace] = w.rows == 1 ? [] : (0..<w.rows).filter { $0 != i && $0 != j }.map { k in
                    .nonnegative(zip(w.row(i), w.row(k)).map { $0 - $1 }, plus: b[i] - b[k])
                }
                guard let witness = DecisionBoundary.pointInRelativeInterior(
                    of: region.polytope, others: others, onPlane: c, plus: d) else { continue }
                pieces.append(Piece(region: index, classes: w.rows == 1 ? (0, 1) : (i, j), hyperplane: plane, witness: witness))
                if seen.insert(plane).inserted { hyperplanes.append(plane) }
            }
        }
        self.pieces = pieces
        self.hyperplanes = hyperplanes
    }

    /// A point `x` with `c·x + d = 0` exactly that satisfies every halfspace
    /// of `p` and of `others` strictly and lies strictly inside the box, or
    /// nil when the plane meets that set in less than d−1 dimensions.
    /// Eliminates one coordinate of the plane and asks for an interior point
    /// of the (d−1)-dimensional polytope that remains.
    static func pointInRelativeInterior(of p: Polytope, others: [Halfspace], onPlane c: [Rational], plus d: Rational) -> [Rational]? {
        let dim = p.dimension
        let halfspaces = p.halfspaces + others
        guard let m = c.indices.max(by: { c[$0].magnitude < c[$1].magnitude }), !c[m].isZero else { return nil }
        // x_m = −(d + Σ_{j≠m} c_j x_j) / c_m  =  e·y + f  in the other coordinates y.
        let rest = (0..<dim).filter { $0 != m }
        let e = rest.map { -c[$0] / c[m] }, f = -d / c[m]
        func substitute(_ h: Halfspace) -> Halfspace {
            Halfspace(normal: rest.enumerated().map { k, j in h.normal[j] + h.normal[m] * e[k] }, offset: h.offset - h.normal[m] * f)
        }
        var reduced = halfspaces.map(substitute)
        reduced.append(substitute(Halfspace(normal: (0..<dim).map { $0 == m ? 1 : 0 }, offset: p.upper[m])))
        reduced.append(substitute(Halfspace(normal: (0..<dim).map { $0 == m ? -1 : 0 }, offset: -p.lower[m])))
        let lift: ([Rational]) -> [Rational] = { y in
            var x = Array(repeating: Rational.zero, count: dim)
            for (k, j) in rest.enumerated() { x[j] = y[k] }
            x[m] = dot(e, y) + f
            return x
        }
        if rest.isEmpty {
            // d = 1: the plane is the point x_m = f.
            let x = lift([])
            let inside = p.lower[0] < x[0] && x[0] < p.upper[0] && halfspaces.allSatisfy { $0.slack(at: x).sign < 0 }
            return inside ? x : nil
        }
        // Constant rows (normal 0) must hold strictly as constants.
        var rows: [Halfspace] = []
        for h in reduced {
            if h.normal.allSatisfy(\.isZero) {
                if h.offset.sign <= 0 { return nil }
            } else {
                rows.append(h)
            }
        }
        let face = Polytope(lower: rest.map { p.lower[$0] }, upper: rest.map { p.upper[$0] }, halfspaces: rows)
        guard let y = LinearProgramming.interiorPoint(of: face).witness else { return nil }
        let x = lift(y)
        // Exact re-check in the original coordinates.
        guard c.indices.allSatisfy({ p.lower[$0] <= x[$0] && x[$0] <= p.upper[$0] }),
              dot(c, x) + d == 0, halfspaces.allSatisfy({ $0.slack(at: x).sign < 0 }) else { return nil }
        return x
    }
}
