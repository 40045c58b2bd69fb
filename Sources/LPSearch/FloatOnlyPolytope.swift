/// A polytope in doubles — a box and rows `normal·x ≤ offset` — whose LPs are
/// solved by the search's floating-point simplex and believed: no answer is
/// checked, no certificate made. It exists for one purpose, the float-only
/// baseline the enumeration benchmark measures the certified enumeration
/// against (issue 11: "the same enumeration with every exact check switched
/// off"); nothing `certify` or `check` does uses it.
package struct FloatOnlyPolytope: Sendable {
    package private(set) var rows: SearchRows

    package init(lower: [Double], upper: [Double]) {
        rows = SearchRows(lower: lower, upper: upper)
    }

    /// Adds `c·x + d ≤ 0`.
    package mutating func addNonpositive(_ c: [Double], plus d: Double) {
        rows.append(normal: c, offset: -d)
    }

    /// Adds `c·x + d ≥ 0`.
    package mutating func addNonnegative(_ c: [Double], plus d: Double) {
        rows.append(normal: c.map { -$0 }, offset: d)
    }

    /// The float simplex's minimum of `c·x + d` and its minimiser, stopping
    /// early once the bound reaches `target`; nil when the simplex fails or
    /// finds the polytope empty.
    package func minimum(of c: [Double], plus d: Double, target: Double?) -> (value: Double, point: [Double])? {
        guard case (var lp, let e)? = LPProblems.floatMinimum(c, rows: rows) else { return nil }
        var constant = d
        for j in 0..<rows.dimension { constant += c[j] * rows.center[j] }
        let scaledTarget = target.map { ($0 - constant) * pow2(e) }
        switch lp.solve(target: scaledTarget, maxIterations: LinearProgramming.iterationLimit(lp)) {
        case .optimal, .reachedTarget:
            let t = lp.primal()
            return (lp.objectiveValue() * pow2(-e) + constant, t.withUnsafeBufferPointer { rows.point($0) })
        default:
            return nil
        }
    }

    /// The Chebyshev centre (in box-scaled units, with the box walls) and its
    /// radius: a radius above 0 means a point strictly inside; nil when the
    /// simplex fails.
    package func centre() -> (point: [Double], radius: Double)? {
        guard var lp = LPProblems.floatChebyshev(rows: rows),
              lp.solve(maxIterations: LinearProgramming.iterationLimit(lp)) == .optimal else { return nil }
        let v = lp.primal(), d = rows.dimension
        return (Array(v[..<d]).withUnsafeBufferPointer { rows.point($0) }, v[d])
    }

    /// Whether `x` is strictly inside every row and the box, in doubles.
    package func contains(_ x: [Double]) -> Bool {
        rows.margin(rows.boxCoordinates(x)) > 0
    }
}
