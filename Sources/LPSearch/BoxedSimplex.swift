import ExactArithmetic
import Polyhedra

/// The arithmetic a `BoxedSimplex` runs in: `Double` (search, with tolerances)
/// or `Rational` (exact fallback: zero tolerances and Bland's rule).
protocol SimplexScalar: Comparable, Sendable {
    static var zero: Self { get }
    static var one: Self { get }
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    static func / (a: Self, b: Self) -> Self
    static prefix func - (a: Self) -> Self
    var isZero: Bool { get }
    var magnitude: Self { get }
    /// True for exact arithmetic: no tolerances, Bland's anti-cycling rule.
    static var isExact: Bool { get }
    /// A basic variable counts as infeasible beyond its bound by more than this.
    static var feasibilityTolerance: Self { get }
    /// Pivot elements must exceed this in magnitude.
    static var pivotTolerance: Self { get }
    /// Slack in the dual ratio test (Harris' two-pass rule).
    static var dualTolerance: Self { get }
}

extension Double: SimplexScalar {
    static var one: Double { 1 }
    var isZero: Bool { self == 0 }
    static var isExact: Bool { false }
    static var feasibilityTolerance: Double { 1e-9 }
    static var pivotTolerance: Double { 1e-9 }
    static var dualTolerance: Double { 1e-11 }
}

extension Rational: SimplexScalar {
    static var isExact: Bool { true }
    static var feasibilityTolerance: Rational { .zero }
    static var pivotTolerance: Rational { .zero }
    static var dualTolerance: Rational { .zero }
}

/// A dual simplex method for
///
///     minimize   cost·v
///     subject to rows·v + s = rhs,  s ≥ 0,  lower ≤ v ≤ upper
///
/// with `k` structural variables `v` (indices `0..<k`, all with finite bounds)
/// and one slack per row (variable `k + i` for row `i`).
///
/// Because every structural variable is boxed, the all-slack basis with each
/// `v_j` at the bound that minimises `cost_j v_j` is dual feasible: the
/// method starts there (its objective is then the plain box bound) and never
/// needs a phase 1. Each iteration keeps dual feasibility, so the objective
/// value of every basis visited is a valid lower bound — which is why the
/// search can stop early once a target bound is reached.
///
/// The tableau is the compact (Tucker) one: `m × k` entries `T = B⁻¹N` for the
/// `k` nonbasic columns; basic variable `i` equals `rhs_i − Σ_j T_ij value_j`.
struct BoxedSimplex<S: SimplexScalar> {
    let k: Int
    let m: Int
    private(set) var tableau: [S]
    private(set) var rhs: [S]
    private(set) var reduced: [S]
    private(set) var objective: S
    let lower: [S]
    let upper: [S]
    /// Variable basic in row `i`.
    private(set) var basic: [Int]
    /// Variable nonbasic in column `j`.
    private(set) var nonbasic: [Int]
    /// Whether the nonbasic variable in column `j` sits at its upper bound.
    private(set) var atUpper: [Bool]
    private(set) var iterations = 0
    /// Values of the basic variables, updated with each pivot (and
    /// recomputed from scratch now and then in floating point).
    private var values: [S] = []

    enum Outcome: Equatable {
        /// Primal and dual feasible: optimal.
        case optimal
        /// The objective reached the requested target (a valid lower bound).
        case reachedTarget
        /// Row `row` proves infeasibility; `above` when its basic variable
        /// exceeds its upper bound (else it is below its lower bound).
        case infeasible(row: Int, above: Bool)
        /// Iteration limit or numerical trouble (floating point only).
        case failed
    }

    init(rows: [S], rhs: [S], cost: [S], lower: [S], upper: [S]) {
        k = cost.count
        m = rhs.count
        precondition(rows.count == m * k && lower.count == k && upper.count == k)
        tableau = rows
        self.rhs = rhs
        reduced = cost
        objective = .zero
        self.lower = lower
        self.upper = upper
        let k = cost.count
        basic = (0..<rhs.count).map { k + $0 }
        nonbasic = Array(0..<k)
        atUpper = cost.map { $0 < .zero }
    }

    /// Value of the variable nonbasic in column `j`.
    @inline(__always)
    func nonbasicValue(_ j: Int) -> S {
        let v = nonbasic[j]
        if v >= k { return .zero }
        return atUpper[j] ? upper[v] : lower[v]
    }

    /// Values of the basic variables.
    func basicValues() -> [S] {
        let values = (0..<k).map(nonbasicValue)
        var out = rhs
        tableau.withUnsafeBufferPointer { t in
            for i in 0..<m {
                var x = rhs[i]
                let base = i * k
                for j in 0..<k where !values[j].isZero {
                    let a = t[base + j]
                    if !a.isZero { x = x - a * values[j] }
                }
                out[i] = x
            }
        }
        return out
    }

    /// The current objective value `objective + Σ reduced_j value_j`: the dual
    /// bound of the current basis.
    func objectiveValue() -> S {
        var z = objective
        for j in 0..<k where !reduced[j].isZero {
            let v = nonbasicValue(j)
            if !v.isZero { z = z + reduced[j] * v }
        }
        return z
    }

    /// Runs dual simplex iterations until optimal, infeasible, the objective
    /// reaches `target` (when given), or `maxIterations` (floating point only).
    mutating func solve(target: S? = nil, maxIterations: Int = .max) -> Outcome {
        let feasTol = S.feasibilityTolerance, pivTol = S.pivotTolerance
        values = basicValues()
        var fresh = true  // `values` recomputed since the last pivot
        while true {
            if let target, objectiveValue() >= target { return .reachedTarget }
            if iterations >= maxIterations { return .failed }
            iterations += 1
            if !S.isExact && !fresh && iterations % 16 == 0 { values = basicValues(); fresh = true }
            // Leaving row.
            var leave = -1, leaveAbove = false
            var worst = S.zero
            for i in 0..<m {
                let v = basic[i], x = values[i]
                var violation = S.zero, above = false
                if v < k {
                    if x < lower[v] - feasTol { violation = lower[v] - x } else if x > upper[v] + feasTol { violation = x - upper[v]; above = true }
                } else if x < -feasTol {
                    violation = -x
                }
                if violation.isZero || !(violation > .zero) { continue }
                if S.isExact {
                    if leave < 0 || v < basic[leave] { leave = i; leaveAbove = above }
                } else if violation > worst {
                    worst = violation; leave = i; leaveAbove = above
                }
            }
            if leave < 0 {
                // Confirm on freshly computed values (float drift).
                if !S.isExact && !fresh { values = basicValues(); fresh = true; iterations -= 1; continue }
                return .optimal
            }
            // Entering column: the dual ratio test keeps every reduced cost's sign.
            let base = leave * k
            var enter = -1
            if S.isExact {
                var bestRatio = S.zero
                for j in 0..<k {
                    let a = tableau[base + j]
                    guard eligible(a, column: j, above: leaveAbove, tolerance: pivTol) else { continue }
                    let ratio = reduced[j].magnitude / a.magnitude
                    if enter < 0 || ratio < bestRatio || (ratio == bestRatio && nonbasic[j] < nonbasic[enter]) {
                        enter = j; bestRatio = ratio
                    }
                }
            } else {
                // Harris: the largest allowed step, then the biggest pivot within it.
                var bound: S? = nil
                for j in 0..<k {
                    let a = tableau[base + j]
                    guard eligible(a, column: j, above: leaveAbove, tolerance: pivTol) else { continue }
                    let d = dualSlack(j)
                    let ratio = (d + S.dualTolerance) / a.magnitude
                    if bound == nil || ratio < bound! { bound = ratio }
                }
                if let bound {
                    var biggest = S.zero
                    for j in 0..<k {
                        let a = tableau[base + j]
                        guard eligible(a, column: j, above: leaveAbove, tolerance: pivTol) else { continue }
                        if dualSlack(j) / a.magnitude <= bound && a.magnitude > biggest { biggest = a.magnitude; enter = j }
                    }
                }
            }
            if enter < 0 {
                if !S.isExact && !fresh { values = basicValues(); fresh = true; iterations -= 1; continue }
                return .infeasible(row: leave, above: leaveAbove)
            }
            // Step of the entering variable that puts the leaving one on its bound.
            let p = basic[leave]
            let target = p < k ? (leaveAbove ? upper[p] : lower[p]) : S.zero
            let step = (values[leave] - target) / tableau[base + enter]
            let enteringValue = nonbasicValue(enter) + step
            pivot(row: leave, column: enter, leavingAtUpper: leaveAbove, step: step)
            values[leave] = enteringValue
            fresh = false
        }
    }

    /// `reduced_j` signed so that dual feasibility means `≥ 0`, clamped at 0.
    @inline(__always)
    private func dualSlack(_ j: Int) -> S {
        let d = atUpper[j] ? -reduced[j] : reduced[j]
        return d > .zero ? d : .zero
    }

    /// Whether column `j` can move the leaving basic variable towards its
    /// violated bound (up when it is below its lower bound, down when above).
    @inline(__always)
    private func eligible(_ a: S, column j: Int, above: Bool, tolerance: S) -> Bool {
        guard a.magnitude > tolerance else { return false }
        let v = nonbasic[j]
        // basic = rhs − a·value: raising value lowers basic when a > 0.
        let canRaise = !atUpper[j]
        let canLower = atUpper[j] && v < k
        if above { return (a > .zero && canRaise) || (a < .zero && canLower) }
        return (a < .zero && canRaise) || (a > .zero && canLower)
    }

    /// Exchanges the basic variable of `row` with the nonbasic one of `column`;
    /// the leaving variable becomes nonbasic at its upper bound when
    /// `leavingAtUpper`, else at its lower bound.
    mutating func pivot(row r: Int, column q: Int, leavingAtUpper: Bool, step: S? = nil) {
        let k = self.k, m = self.m
        // Take the arrays out so the loops below work on uniquely owned buffers.
        var t = tableau, b = rhs, c = reduced, x = values
        tableau = []; rhs = []; reduced = []; values = []
        let inverse = S.one / t[r * k + q]
        let rhsR = b[r] * inverse
        let costQ = c[q]
        if !costQ.isZero { objective = objective + costQ * rhsR }
        let trackValues = step != nil && x.count == m
        t.withUnsafeMutableBufferPointer { t in
            b.withUnsafeMutableBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    let rb = r * k
                    if S.isExact {
                        for j in 0..<k where j != q && !t[rb + j].isZero { t[rb + j] = t[rb + j] * inverse }
                    } else {
                        for j in 0..<k { t[rb + j] = t[rb + j] * inverse }
                    }
                    t[rb + q] = inverse
                    b[r] = rhsR
                    for i in 0..<m where i != r {
                        let ib = i * k
                        let f = t[ib + q]
                        if f.isZero { continue }
                        if S.isExact {
                            for j in 0..<k where j != q {
                                let a = t[rb + j]
                                if !a.isZero { t[ib + j] = t[ib + j] - f * a }
                            }
                        } else {
                            // Dense and branch-free; entry q is overwritten below.
                            denseUpdate(t.baseAddress! + ib, t.baseAddress! + rb, f, k)
                        }
                        t[ib + q] = -(f * inverse)
                        if !rhsR.isZero { b[i] = b[i] - f * rhsR }
                        if trackValues { x[i] = x[i] - f * step! }
                    }
                    if !costQ.isZero {
                        for j in 0..<k where j != q {
                            let a = t[rb + j]
                            if !a.isZero { c[j] = c[j] - costQ * a }
                        }
                        c[q] = -(costQ * inverse)
                    }
                }
            }
        }
        tableau = t; rhs = b; reduced = c; values = x
        let leaving = basic[r]
        basic[r] = nonbasic[q]
        nonbasic[q] = leaving
        atUpper[q] = leavingAtUpper
    }

    // MARK: - Reading results

    /// Values of the structural variables.
    func primal() -> [S] {
        var x = [S](repeating: .zero, count: k)
        for j in 0..<k where nonbasic[j] < k { x[nonbasic[j]] = nonbasicValue(j) }
        let values = basicValues()
        for i in 0..<m where basic[i] < k { x[basic[i]] = values[i] }
        return x
    }

    /// Row multipliers `y` (one per row) of the current basis: the reduced
    /// cost of each nonbasic slack, 0 for basic slacks. With them,
    /// `cost·v + y·(rows·v − rhs) = objective + Σ_{nonbasic structural} reduced_j v_j`
    /// for every `v`, so at a dual feasible basis `min over the box` of the
    /// left side is the current objective value.
    func rowMultipliers() -> [S] {
        var y = [S](repeating: .zero, count: m)
        for j in 0..<k where nonbasic[j] >= k { y[nonbasic[j] - k] = reduced[j] }
        return y
    }

    /// Row multipliers `y ≥ 0` proving infeasibility from row `row`: with them
    /// `min over the box of y·(rows·v − rhs) > 0`
    /// (proofs/lp-certificates.md, §6). Entries are signed as computed; the
    /// caller clamps rounding noise and verifies.
    func farkasMultipliers(row r: Int, above: Bool) -> [S] {
        var y = [S](repeating: .zero, count: m)
        let p = basic[r]
        if p >= k { y[p - k] = above ? -S.one : S.one }
        for j in 0..<k where nonbasic[j] >= k {
            let a = tableau[r * k + j]
            y[nonbasic[j] - k] = above ? -a : a
        }
        return y
    }

    // MARK: - Exact dual of a given basis

    /// The row multipliers of `other`'s basis computed exactly from this
    /// (freshly initialised, so `tableau` holds the original rows and `reduced`
    /// the costs) problem of the same shape: with `S` the rows whose slacks are
    /// nonbasic in `other` and `B` the structural variables basic there, solve
    /// `Σ_{i∈S} y_i rows[i][j] = −cost_j` for `j ∈ B` (zero reduced cost on the
    /// basic columns) by exact Gaussian elimination. O(|S|³ + |S| m) — no
    /// simplex. Nil when the system is singular or some `y_i < 0`; otherwise
    /// the multipliers, which the caller still verifies.
    func exactDual<T>(ofBasisOf other: BoxedSimplex<T>) -> [S]? {
        precondition(other.k == k && other.m == m)
        let rowsS = other.nonbasic.filter { $0 >= k }.map { $0 - k }
        let columnsB = other.basic.filter { $0 < k }
        let n = rowsS.count
        guard n == columnsB.count else { return nil }
        var y = [S](repeating: .zero, count: m)
        if n == 0 { return y }
        // Augmented matrix: equation e (column columnsB[e]), unknown u (row rowsS[u]).
        var a = [[S]](repeating: [S](repeating: .zero, count: n + 1), count: n)
        for e in 0..<n {
            for u in 0..<n { a[e][u] = tableau[rowsS[u] * k + columnsB[e]] }
            a[e][n] = -reduced[columnsB[e]]
        }
        for col in 0..<n {
            guard let pivotRow = (col..<n).first(where: { !a[$0][col].isZero }) else { return nil }
            a.swapAt(col, pivotRow)
            let inverse = S.one / a[col][col]
            for j in col...n where !a[col][j].isZero { a[col][j] = a[col][j] * inverse }
            for e in 0..<n where e != col && !a[e][col].isZero {
                let f = a[e][col]
                for j in col...n where !a[col][j].isZero { a[e][j] = a[e][j] - f * a[col][j] }
            }
        }
        for u in 0..<n {
            let v = a[u][n]
            if v < .zero { return nil }
            y[rowsS[u]] = v
        }
        return y
    }

    // MARK: - Warm start

    /// Moves this (freshly initialised) tableau to the basis of `other`, a
    /// tableau of the same shape, by pivoting each structural variable that is
    /// basic there into a row whose slack is nonbasic there, and copies the
    /// bound status of its nonbasic variables. Returns false (leaving the
    /// tableau in an unspecified state) if the basis is singular here, and
    /// true only if the result is dual feasible, so that `solve` may continue.
    mutating func warmStart<T>(from other: BoxedSimplex<T>) -> Bool {
        precondition(other.k == k && other.m == m)
        let targetBasic = Set(other.basic)
        for variable in other.basic where variable < k {
            guard let q = nonbasic.firstIndex(of: variable) else { return false }
            var best = -1
            var bestMagnitude = S.zero
            for i in 0..<m where basic[i] >= k && !targetBasic.contains(basic[i]) {
                let a = tableau[i * k + q].magnitude
                if a > bestMagnitude { bestMagnitude = a; best = i }
            }
            if best < 0 { return false }
            pivot(row: best, column: q, leavingAtUpper: false)
        }
        for j in 0..<k {
            guard let col = other.nonbasic.firstIndex(of: nonbasic[j]) else { return false }
            atUpper[j] = nonbasic[j] < k && other.atUpper[col]
            let r = reduced[j]
            if atUpper[j] ? r > .zero : r < .zero { return false }
        }
        return true
    }
}

/// `row[j] −= f · pivotRow[j]` for `j < k` (distinct rows of one tableau),
/// four lanes at a time; the generic caller only reaches it for `Double`.
@inline(__always)
private func denseUpdate<S: SimplexScalar>(_ row: UnsafeMutablePointer<S>, _ pivotRow: UnsafeMutablePointer<S>, _ f: S, _ k: Int) {
    if S.self == Double.self {
        let r = UnsafeMutableRawPointer(row).assumingMemoryBound(to: Double.self)
        let p = UnsafeMutableRawPointer(pivotRow).assumingMemoryBound(to: Double.self)
        let g = unsafeBitCast(f, to: Double.self)
        var j = 0
        let factor = SIMD4<Double>(repeating: g)
        while j + 4 <= k {
            let a = UnsafeRawPointer(r + j).loadUnaligned(as: SIMD4<Double>.self)
            let b = UnsafeRawPointer(p + j).loadUnaligned(as: SIMD4<Double>.self)
            UnsafeMutableRawPointer(r + j).storeBytes(of: a - factor * b, as: SIMD4<Double>.self)
            j += 4
        }
        while j < k { r[j] -= g * p[j]; j += 1 }
    } else {
        for j in 0..<k { row[j] = row[j] - f * pivotRow[j] }
    }
}
