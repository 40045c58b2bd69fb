import ExactArithmetic
import Polyhedra

/// Floating-point copy of a polytope for the LP search (untrusted), built
/// from the polytope's exact data when a search needs it and never kept in
/// the trusted `Polytope` (Sources/Verification/README.md).
///
/// Coordinates are changed to `x = center + radius ⊙ t` so the box becomes
/// `t ∈ [−1, 1]^d`, and every row `a·x ≤ b` becomes `â·t ≤ b̂` with
/// `â = 2^e (a ⊙ radius)`, `b̂ = 2^e (b − a·center)`, the power of two `2^e`
/// chosen so that `max_j |â_j| ∈ [1, 2)`. Powers of two keep multipliers found
/// for the scaled rows exact multiples of multipliers for the original rows.
/// A right-hand side beyond what the row can reach on the box is clamped
/// (the set `{â·t ≤ b̂} ∩ box` does not change), which keeps LP data O(1).
package struct SearchRows: Sendable {
    package let dimension: Int
    /// Box centre and half-widths in `Double`; `isUsable` is false if any is not finite.
    package let center: [Double]
    package let radius: [Double]
    /// Scaled rows, `count × dimension`, row-major.
    package private(set) var rows: [Double] = []
    package private(set) var rhs: [Double] = []
    /// The scaled row is `2^exponent[i]` times the original row (in t-coordinates).
    package private(set) var exponent: [Int] = []
    /// Euclidean norm of the scaled row (1 for a zero row): the Chebyshev weight.
    package private(set) var norm: [Double] = []
    /// False when some datum does not fit a finite `Double`; the search then goes
    /// straight to the exact LP.
    package private(set) var isUsable: Bool

    package var count: Int { rhs.count }

    package init(lower: [Rational], upper: [Rational]) {
        self.init(lower: lower.map(\.approximateDouble), upper: upper.map(\.approximateDouble))
    }

    /// The box `lower ≤ x ≤ upper` in doubles, and no rows yet.
    package init(lower: [Double], upper: [Double]) {
        dimension = lower.count
        var center: [Double] = [], radius: [Double] = []
        center.reserveCapacity(dimension)
        radius.reserveCapacity(dimension)
        var usable = true
        for j in 0..<lower.count {
            let l = lower[j], u = upper[j]
            let c = 0.5 * l + 0.5 * u, r = 0.5 * u - 0.5 * l
            if !c.isFinite || !r.isFinite || !(r > 0) { usable = false }
            center.append(c)
            radius.append(r)
        }
        self.center = center
        self.radius = radius
        isUsable = usable
    }

    /// The rows of `p`: its box and every halfspace, in order.
    package init(_ p: Polytope) {
        self.init(lower: p.lower, upper: p.upper)
        for h in p.halfspaces { append(h) }
    }

    private init(copying other: SearchRows) {
        dimension = other.dimension
        center = other.center
        radius = other.radius
        isUsable = other.isUsable
    }

    package mutating func append(_ h: Halfspace) {
        append(normal: h.normal.map(\.approximateDouble), offset: h.offset.approximateDouble)
    }

    /// Appends the row `normal·x ≤ offset`, given in doubles.
    package mutating func append(normal: [Double], offset: Double) {
        let d = dimension
        var scaled = [Double](repeating: 0, count: d)
        var b = offset
        var maxAbs = 0.0, reach = 0.0
        for j in 0..<d {
            let a = normal[j]
            scaled[j] = a * radius[j]
            b -= a * center[j]
            maxAbs = max(maxAbs, abs(scaled[j]))
        }
        var e = 0
        if maxAbs > 0 && maxAbs.isFinite {
            e = -Int(maxAbs.exponent)
            for j in 0..<d { scaled[j] = scaled[j] * pow2(e); reach += abs(scaled[j]) }
            b = b * pow2(e)
        }
        if !maxAbs.isFinite || scaled.contains(where: { !$0.isFinite }) { isUsable = false }
        // Clamp a right-hand side the row cannot reach on the box (±∞ included).
        if b > reach + 1 { b = reach + 1 } else if b < -reach - 1 { b = -reach - 1 }
        if b.isNaN { isUsable = false }
        var n = 0.0
        for v in scaled { n += v * v }
        rows.append(contentsOf: scaled)
        rhs.append(b)
        exponent.append(e)
        norm.append(maxAbs > 0 ? n.squareRoot() : 1)
    }

    package func selecting(_ indices: [Int]) -> SearchRows {
        var s = SearchRows(copying: self)
        let d = dimension
        s.rows.reserveCapacity(indices.count * d)
        for i in indices {
            s.rows.append(contentsOf: rows[i * d ..< (i + 1) * d])
            s.rhs.append(rhs[i])
            s.exponent.append(exponent[i])
            s.norm.append(norm[i])
        }
        // Usability of the kept rows: recompute from the kept data.
        s.isUsable = center.allSatisfy(\.isFinite) && radius.allSatisfy { $0.isFinite && $0 > 0 }
            && s.rows.allSatisfy(\.isFinite) && s.rhs.allSatisfy(\.isFinite)
        return s
    }

    /// `max_i (â_i·t − b̂_i)` in scaled units (≤ 0 when `t` satisfies every row).
    package func maximumViolation(_ t: [Double]) -> Double {
        var worst = -Double.infinity
        for i in 0..<count {
            var v = -rhs[i]
            for j in 0..<dimension { v += rows[i * dimension + j] * t[j] }
            worst = max(worst, v)
        }
        return worst
    }

    /// How far `t` is inside every row and the box walls, in box units:
    /// `min(min_i (b̂_i − â_i·t) / ‖â_i‖₁, min_j (1 − |t_j|))` (negative if outside).
    package func margin(_ t: [Double]) -> Double {
        var m = Double.infinity
        for j in 0..<dimension { m = min(m, 1 - abs(t[j])) }
        for i in 0..<count {
            var v = rhs[i], n = 0.0
            for j in 0..<dimension {
                let a = rows[i * dimension + j]
                v -= a * t[j]
                n += abs(a)
            }
            if n > 0 { m = min(m, v / n) } else if v <= 0 { m = min(m, v) }
        }
        return m
    }

    /// `x` with coordinate `j` rounded to a multiple of `2^(exponent(radius_j) − bits)`:
    /// a move of at most `2^−(bits+1)` in box units, leaving a dyadic with a
    /// short significand, so that exact checks stay on `Rational`'s 64-bit path.
    package func coarsened(_ x: [Double], bits: Int) -> [Double] {
        (0..<dimension).map { j in
            let grid = pow2(Int(radius[j].exponent) - bits)
            guard grid > 0, grid.isFinite else { return x[j] }
            let r = (x[j] / grid).rounded() * grid
            return r.isFinite ? r : x[j]
        }
    }

    /// Candidate witnesses for the point `t` (box units), coarsest first: a
    /// rounding that keeps half the point's margin when it has one, then the
    /// point itself. The caller checks them exactly.
    package func witnessCandidates(_ t: [Double]) -> [[Double]] {
        let x = t.withUnsafeBufferPointer { point($0) }
        let m = margin(t)
        guard m > 0, m.isFinite else { return [x] }
        let bits = max(8, Int((-m.exponent)) + 2)
        return bits < 50 ? [coarsened(x, bits: bits), x] : [x]
    }

    /// The point `center + radius ⊙ t` in box coordinates, as `Double`s.
    package func point(_ t: UnsafeBufferPointer<Double>) -> [Double] {
        (0..<dimension).map { center[$0] + radius[$0] * t[$0] }
    }

    /// `t = (x − center) / radius`.
    package func boxCoordinates(_ x: [Double]) -> [Double] {
        (0..<dimension).map { (x[$0] - center[$0]) / radius[$0] }
    }
}

/// `2^e` as a `Double` (0 or ∞ beyond the range).
@inline(__always)
package func pow2(_ e: Int) -> Double {
    if e > 1023 { return .infinity }
    if e < -1074 { return 0 }
    return Double(sign: .plus, exponent: e, significand: 1)
}
