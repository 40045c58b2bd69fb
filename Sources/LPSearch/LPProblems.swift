import ExactArithmetic
import Polyhedra

/// The two LPs the search solves, built in `Double` (scaled box coordinates,
/// from `SearchRows`) or in `Rational` (original coordinates, exact data).
/// Both builds of one problem have the same variables, rows and order, so a
/// floating-point basis can warm-start the exact solve.
///
/// - minimisation: `min c·x` over `P` — variables `x` (boxed), one row per halfspace;
/// - Chebyshev: `max s` subject to `a_i·x + w_i s ≤ b_i` (`w_i > 0`) and the
///   box walls `±x_j + r_j s ≤ ±(centre_j ± r_j)` — variables `x` and `s`; an
///   optimum with `s > 0` is a point strictly inside every halfspace and the box.
enum LPProblems {
    // MARK: Minimisation

    /// `min c·x` in scaled box coordinates (`s`: `p`'s rows); nil when the data do not fit `Double`.
    /// The objective is scaled by `2^objectiveExponent`.
    static func floatMinimum(_ c: [Rational], over p: Polytope, rows s: SearchRows) -> (BoxedSimplex<Double>, objectiveExponent: Int)? {
        floatMinimum(c.map(\.nearestDouble), rows: s)
    }

    /// `min c·x` in scaled box coordinates over the rows `s`, with `c` in doubles.
    static func floatMinimum(_ c: [Double], rows s: SearchRows) -> (BoxedSimplex<Double>, objectiveExponent: Int)? {
        guard s.isUsable else { return nil }
        var cost = (0..<s.dimension).map { c[$0] * s.radius[$0] }
        let maxAbs = cost.map(abs).max() ?? 0
        guard maxAbs.isFinite else { return nil }
        var e = 0
        if maxAbs > 0 {
            e = -Int(maxAbs.exponent)
            cost = cost.map { $0 * pow2(e) }
        }
        let lp = BoxedSimplex<Double>(
            rows: s.rows, rhs: s.rhs, cost: cost,
            lower: Array(repeating: -1, count: s.dimension), upper: Array(repeating: 1, count: s.dimension))
        return (lp, e)
    }

    /// `min c·x` over `P`, exactly, in the original coordinates.
    static func exactMinimum(_ c: [Rational], over p: Polytope) -> BoxedSimplex<Rational> {
        BoxedSimplex<Rational>(
            rows: p.halfspaces.flatMap(\.normal), rhs: p.halfspaces.map(\.offset), cost: c,
            lower: p.lower, upper: p.upper)
    }

    /// Multipliers for the original halfspaces from those of the scaled rows:
    /// `y_i = ŷ_i · 2^(exponent_i − objectiveExponent)`, negatives (rounding
    /// noise) set to zero.
    ///
    /// With `significantBits`, each `ŷ_i` is first rounded to a multiple of
    /// `2^(E − significantBits)` (`2^E` the largest `ŷ`), so the exact check
    /// runs on short dyadics; any `y ≥ 0` is valid, rounding only moves the
    /// bound slightly, and the caller checks it.
    static func unscale(_ yHat: [Double], rows s: SearchRows, objectiveExponent: Int, significantBits: Int? = nil) -> [Rational] {
        var grid = 0.0
        if let bits = significantBits, let top = yHat.filter({ $0.isFinite }).max(), top > 0 {
            grid = pow2(Int(top.exponent) - bits)
        }
        return (0..<s.count).map { i in
            var v = yHat[i]
            guard v > 0, v.isFinite else { return .zero }
            if grid > 0 { v = (v / grid).rounded() * grid }
            guard v > 0 else { return .zero }
            let shift = s.exponent[i] - objectiveExponent
            let scaled = v * pow2(shift)
            if scaled.isNormal { return Rational(exactly: scaled)! }
            return Rational(exactly: v)!.timesPowerOfTwo(shift)
        }
    }

    // MARK: Chebyshev centre

    /// The Chebyshev LP in scaled box coordinates (variables `t ∈ [−1, 1]^d` and
    /// `s`, the last; cost `−s`); nil when the data do not fit `Double`.
    static func floatChebyshev(rows s: SearchRows) -> BoxedSimplex<Double>? {
        guard s.isUsable else { return nil }
        let d = s.dimension, k = d + 1, m = s.count
        var rows = [Double](repeating: 0, count: (m + 2 * d) * k)
        var rhs = [Double](repeating: 0, count: m + 2 * d)
        var reach = 0.0
        for i in 0..<m {
            for j in 0..<d { rows[i * k + j] = s.rows[i * d + j] }
            rows[i * k + d] = s.norm[i]
            rhs[i] = s.rhs[i]
            reach = max(reach, (abs(s.rhs[i]) + 2 * Double(d)) / s.norm[i])
        }
        for j in 0..<d {
            let up = (m + 2 * j) * k, down = (m + 2 * j + 1) * k
            rows[up + j] = 1; rows[up + d] = 1; rhs[m + 2 * j] = 1
            rows[down + j] = -1; rows[down + d] = 1; rhs[m + 2 * j + 1] = 1
        }
        var cost = [Double](repeating: 0, count: k)
        cost[d] = -1
        var lower = [Double](repeating: -1, count: k), upper = [Double](repeating: 1, count: k)
        lower[d] = -2 * (reach + 1)
        upper[d] = 1
        return BoxedSimplex<Double>(rows: rows, rhs: rhs, cost: cost, lower: lower, upper: upper)
    }

    /// The same Chebyshev LP exactly, in original coordinates: weights
    /// `w_i = max_j |a_ij| r_j` (1 for a zero row), walls `x_j + r_j s ≤ u_j`,
    /// `−x_j + r_j s ≤ −l_j`, and `s ≥ −M` with `M` large enough that the
    /// bound never binds at an optimum.
    static func exactChebyshev(_ p: Polytope) -> BoxedSimplex<Rational> {
        let d = p.dimension, k = d + 1, m = p.halfspaces.count
        let radius = (0..<d).map { (p.upper[$0] - p.lower[$0]).timesPowerOfTwo(-1) }
        var rows: [Rational] = []
        rows.reserveCapacity((m + 2 * d) * k)
        var rhs: [Rational] = []
        var reach = Rational.zero
        for h in p.halfspaces {
            var w = Rational.zero
            for j in 0..<d { w = max(w, h.normal[j].magnitude * radius[j]) }
            if w.isZero { w = .one }
            rows.append(contentsOf: h.normal)
            rows.append(w)
            rhs.append(h.offset)
            let excess = CertificateCheck.boxMaximum(of: h.normal, lower: p.lower, upper: p.upper) - h.offset
            if excess.sign > 0 { reach = max(reach, excess / w) }
        }
        for j in 0..<d {
            for direction in [Rational.one, -Rational.one] {
                var row = [Rational](repeating: .zero, count: k)
                row[j] = direction
                row[d] = radius[j]
                rows.append(contentsOf: row)
                rhs.append(direction.sign > 0 ? p.upper[j] : -p.lower[j])
            }
        }
        var cost = [Rational](repeating: .zero, count: k)
        cost[d] = -.one
        let lower = p.lower + [-(reach + .one).timesPowerOfTwo(1)]
        let upper = p.upper + [.one]
        return BoxedSimplex<Rational>(rows: rows, rhs: rhs, cost: cost, lower: lower, upper: upper)
    }
}
