import ExactArithmetic
import Polyhedra
import Synchronization

/// Certified answers about polytopes: bounds of affine functions, interior
/// points or proofs that there are none, and splits by a hyperplane.
///
/// Every answer is found by a floating-point dual simplex (untrusted search)
/// and then checked exactly with `CertificateCheck`; when a check fails the
/// same LP is solved again in exact rational arithmetic (warm-started from the
/// float basis, Bland's rule), whose answer is exact. No floating-point value
/// is ever returned unchecked. See proofs/lp-certificates.md.
public enum LinearProgramming {
    /// How to solve the LPs.
    public enum Strategy: Sendable, Hashable {
        /// Floating-point search, exact check, exact LP when the check fails.
        case automatic
        /// Always the exact rational LP, warm-started from the float search's
        /// final basis (the float answer itself is not used).
        case exact
        /// The exact rational LP from the all-slack basis, no floating point at
        /// all (slowest; an independent reference for tests).
        case exactFromScratch
    }

    private static let fallbacks = Atomic<Int>(0)

    /// How many times, process-wide, an `.automatic` search fell back to the
    /// exact LP because the floating-point answer did not verify (diagnostics).
    public static var exactFallbackCount: Int { fallbacks.load(ordering: .relaxed) }

    // MARK: - Bounds

    /// A rigorous lower bound on `c·x + d` over `p` with its certificate, or nil
    /// when `p` is empty (then `interiorPoint(of: p)` certifies `.empty`).
    ///
    /// The bound is exactly what its certificate proves
    /// (`CertificateCheck.certifiedLowerBound`). It is the minimum up to the
    /// float search's accuracy (about 1e-9 relative to `c·x + d`'s size on the
    /// box), and exactly the minimum when the exact LP ran (`.exact`, or after a
    /// fallback).
    public static func minimum(
        of c: [Rational], plus d: Rational, over p: Polytope, strategy: Strategy = .automatic
    ) -> LinearBound? {
        if case .bound(let b) = lowerBound(c, plus: d, over: p, target: nil, strategy: strategy).kind { return b }
        return nil
    }

    /// A rigorous upper bound on `c·x + d` over `p` (certificate for
    /// `CertificateCheck.certifiedUpperBound`), or nil when `p` is empty.
    public static func maximum(
        of c: [Rational], plus d: Rational, over p: Polytope, strategy: Strategy = .automatic
    ) -> LinearBound? {
        guard let b = minimum(of: c.map { -$0 }, plus: -d, over: p, strategy: strategy) else { return nil }
        return LinearBound(value: -b.value, certificate: b.certificate)
    }

    /// `minimum` and `maximum` together; nil when `p` is empty.
    public static func range(
        of c: [Rational], plus d: Rational, over p: Polytope, strategy: Strategy = .automatic
    ) -> LinearRange? {
        guard let lower = minimum(of: c, plus: d, over: p, strategy: strategy),
              let upper = maximum(of: c, plus: d, over: p, strategy: strategy)
        else { return nil }
        return LinearRange(lower: lower, upper: upper)
    }

    /// A certificate that `c·x + d ≥ 0` on all of `p` (closed), or nil when
    /// that is false. The answer is exact either way: nil comes with a point of
    /// `p` where `c·x + d < 0` (a verified interior witness of
    /// `p ∩ {c·x + d ≤ 0}`) or from the exact LP minimum. Tries the box bound
    /// (no LP) first, then an LP that stops as soon as the bound reaches 0.
    public static func proveNonnegative(
        _ c: [Rational], plus d: Rational, over p: Polytope, strategy: Strategy = .automatic
    ) -> BoundCertificate? {
        let first = lowerBound(c, plus: d, over: p, target: .zero, strategy: strategy)
        switch first.kind {
        case .bound(let b) where b.value.sign >= 0:
            return b.certificate
        case .empty(let farkas):
            return scaledFarkas(farkas, provingNonnegative: c, plus: d, over: p)
        case .bound:
            break
        }
        let child = p.adding(.nonpositive(c, plus: d))
        switch interiorPoint(of: child, strategy: strategy) {
        case .witness:
            return nil
        case .empty(let y):
            let m = p.halfspaces.count
            let last = y[m]
            if last.sign > 0 {
                // Drop the cut's own multiplier (the last index) and divide by it.
                let kept = y.indices.count - 1
                let scaled = BoundCertificate(indices: Array(y.indices[..<kept]), values: Array(y.values[..<kept]))
                    .scaled(by: .one / last)
                precondition(CertificateCheck.verifyLowerBound(.zero, of: c, plus: d, over: p, certificate: scaled),
                             "proveNonnegative: rescaled emptiness certificate failed (bug)")
                return scaled
            }
            // The interior of p itself is empty: decide on the closed set exactly.
            switch lowerBound(c, plus: d, over: p, target: nil, strategy: strategy == .exactFromScratch ? strategy : .exact).kind {
            case .bound(let b): return b.value.sign >= 0 ? b.certificate : nil
            case .empty(let farkas): return scaledFarkas(farkas, provingNonnegative: c, plus: d, over: p)
            }
        }
    }

    /// For an empty `p` with Farkas multipliers `y` (`min_X yᵀ(Ax − b) = F > 0`),
    /// the multipliers `λy` with `λ` large enough that they prove `c·x + d ≥ 0`.
    private static func scaledFarkas(
        _ y: BoundCertificate, provingNonnegative c: [Rational], plus d: Rational, over p: Polytope
    ) -> BoundCertificate {
        let zero = [Rational](repeating: .zero, count: p.dimension)
        let f = CertificateCheck.certifiedLowerBound(of: zero, plus: .zero, over: p, certificate: y)!
        let deficit = -(CertificateCheck.boxMinimum(of: c, lower: p.lower, upper: p.upper) + d)
        let lambda = deficit.sign > 0 ? deficit / f : .zero
        let scaled = y.scaled(by: lambda)
        precondition(CertificateCheck.verifyLowerBound(.zero, of: c, plus: d, over: p, certificate: scaled),
                     "proveNonnegative: scaled Farkas certificate failed (bug)")
        return scaled
    }

    // MARK: - Interior points

    /// A point strictly inside every halfspace of `p` and inside the box, or a
    /// certificate that none exists (`CertificateCheck.verify(_:of:)` accepts
    /// the result).
    ///
    /// With `.automatic`, `p.interiorWitness` when it is known; otherwise the
    /// (approximate) Chebyshev centre of `p` in box-scaled coordinates with the
    /// box walls as constraints, so strictly inside the box too and away from
    /// every facet. It is a `Double` read exactly (a short dyadic, rounded to
    /// a grid coarser than its margin so exact checks stay fast) unless only the
    /// exact LP could find one (then an exact rational, rounded to `Double` when
    /// that still verifies).
    public static func interiorPoint(of p: Polytope, strategy: Strategy = .automatic) -> InteriorResult {
        let d = p.dimension, m = p.halfspaces.count
        if strategy == .automatic, let w = p.interiorWitness { return .witness(w) }
        if m == 0 {
            return .witness((0..<d).map { (p.lower[$0] + p.upper[$0]).timesPowerOfTwo(-1) })
        }
        var floatLP: BoxedSimplex<Double>? = nil
        let rows = strategy != .exactFromScratch ? SearchRows(p) : nil
        if let rows, var lp = LPProblems.floatChebyshev(rows: rows) {
            if lp.solve(maxIterations: iterationLimit(lp)) == .optimal && strategy == .automatic {
                let v = lp.primal()
                if v[d] > 0 {
                    for x in rows.witnessCandidates(Array(v[..<d])) where x.allSatisfy(\.isFinite) {
                        let exact = x.map { Rational(exactly: $0)! }
                        if CertificateCheck.verifyWitness(exact, of: p) { return .witness(exact) }
                    }
                } else {
                    let yHat = Array(lp.rowMultipliers()[..<m])
                    for bits in [24, nil] {
                        let y = BoundCertificate(multipliers: LPProblems.unscale(
                            yHat, rows: rows, objectiveExponent: 0, significantBits: bits))
                        if CertificateCheck.verifyEmptyInterior(of: p, certificate: y) { return .empty(y) }
                    }
                }
            }
            floatLP = lp
            // Exact multipliers of the float basis (no simplex): settles an empty
            // interior whose bound is exactly 0, which rounding cannot.
            if strategy == .automatic, lp.primal()[d] <= 1e-9,
               let y = LPProblems.exactChebyshev(p).exactDual(ofBasisOf: lp) {
                let certificate = BoundCertificate(multipliers: Array(y[..<m]))
                if CertificateCheck.verifyEmptyInterior(of: p, certificate: certificate) { return .empty(certificate) }
            }
        }
        if strategy == .automatic { fallbacks.add(1, ordering: .relaxed) }
        var exact = LPProblems.exactChebyshev(p)
        if let floatLP, !exact.warmStart(from: floatLP) { exact = LPProblems.exactChebyshev(p) }
        let outcome = exact.solve()
        precondition(outcome == .optimal, "interiorPoint: the exact Chebyshev LP is always feasible and bounded")
        let v = exact.primal()
        if v[d].sign > 0 {
            let x = Array(v[..<d])
            let rounded = x.map { Rational(exactly: $0.nearestDouble) ?? $0 }
            if CertificateCheck.verifyWitness(rounded, of: p) { return .witness(rounded) }
            precondition(CertificateCheck.verifyWitness(x, of: p), "interiorPoint: exact witness failed (bug)")
            return .witness(x)
        }
        let y = BoundCertificate(multipliers: Array(exact.rowMultipliers()[..<m]))
        precondition(CertificateCheck.verifyEmptyInterior(of: p, certificate: y),
                     "interiorPoint: exact emptiness certificate failed (bug)")
        return .empty(y)
    }

    // MARK: - Splitting

    /// Cuts `p` by `z(x) = c·x + d` and settles each side's interior (see
    /// `SplitResult`; `CertificateCheck.verify(_:of:by:plus:)` accepts the result).
    ///
    /// The enumerator's step. `p`'s `interiorWitness` (or `witness`, verified
    /// here) is reused for the side it lies on, so a split usually costs no LP
    /// (the box bound decides) or one LP that stops as soon as it proves the
    /// other side empty, or finds a vertex from which a witness of the other side
    /// is built on the segment to the known witness. The returned child
    /// polytopes carry their witnesses, so recursing on them never re-verifies.
    ///
    /// If `c = 0` and `d = 0` neither side has points satisfying `z < 0` or
    /// `z > 0`: both come back empty; decide such a constant function without
    /// splitting.
    ///
    /// `hint` names halfspaces of `p` likely to prove a side empty (e.g. those
    /// of the previous split's certificate): the LP over them alone is tried
    /// first. Any subset of `p`'s halfspaces contains `p`, so a bound proven on
    /// it holds on `p` with the same multipliers; along a path of `n` cuts this
    /// keeps a split's cost independent of `n` where a few halfspaces decide it.
    /// Indices out of range are ignored, so a stale hint only costs time.
    public static func split(
        _ p: Polytope, by c: [Rational], plus d: Rational, witness: [Rational]? = nil,
        hint: [Int] = [], strategy: Strategy = .automatic
    ) -> SplitResult {
        precondition(c.count == p.dimension, "split: dimension mismatch")
        let m = p.halfspaces.count
        let unit = BoundCertificate(indices: [m], values: [.one])
        let lo = CertificateCheck.boxMinimum(of: c, lower: p.lower, upper: p.upper) + d
        let hi = CertificateCheck.boxMaximum(of: c, lower: p.lower, upper: p.upper) + d
        let known = p.interiorWitness ?? witness.flatMap { CertificateCheck.verifyWitness($0, of: p) ? $0 : nil }
        let below = { p.adding(.nonpositive(c, plus: d)) }
        let above = { p.adding(.nonnegative(c, plus: d)) }
        /// The child's result and the child carrying its witness.
        func settle(_ child: Polytope, _ result: InteriorResult) -> (InteriorResult, Polytope?) {
            if case .witness(let x) = result { return (result, child.recordingVerifiedWitness(x)) }
            return (result, nil)
        }
        func solve(_ child: Polytope) -> (InteriorResult, Polytope?) {
            settle(child, interiorPoint(of: child, strategy: strategy))
        }
        let emptySide: (InteriorResult, Polytope?) = (.empty(unit), nil)
        var sides: (below: (InteriorResult, Polytope?), above: (InteriorResult, Polytope?))
        if lo.sign >= 0 {
            // z ≥ 0 on the whole box.
            sides = (emptySide, lo.sign > 0 && known != nil ? settle(above(), .witness(known!)) : solve(above()))
        } else if hi.sign <= 0 {
            sides = (hi.sign < 0 && known != nil ? settle(below(), .witness(known!)) : solve(below()), emptySide)
        } else if let w = known {
            switch (dot(c, w) + d).sign {
            case -1:
                sides = (settle(below(), .witness(w)), otherSide(p, c, d, towards: 1, child: above, witness: w, hint: hint, strategy: strategy))
            case 1:
                sides = (otherSide(p, c, d, towards: -1, child: below, witness: w, hint: hint, strategy: strategy), settle(above(), .witness(w)))
            default:
                sides = (solve(below()), solve(above()))
            }
        } else {
            sides = (solve(below()), solve(above()))
        }
        return SplitResult(below: sides.below.0, above: sides.above.0,
                           belowPolytope: sides.below.1, abovePolytope: sides.above.1)
    }

    /// The interior of `child() = p ∩ {σz ≥ 0}` given a witness `w` of `p` with
    /// `σz(w) < 0`: either a proof that `σz ≤ 0` on `p` (then the child's
    /// certificate is those multipliers and 1 for the new halfspace), or a
    /// witness on the segment from `w` to the LP's maximiser of `σz`.
    private static func otherSide(
        _ p: Polytope, _ c: [Rational], _ d: Rational, towards sigma: Int, child makeChild: () -> Polytope,
        witness w: [Rational], hint: [Int], strategy: Strategy
    ) -> (InteriorResult, Polytope?) {
        // Lower bound of −σz: ≥ 0 proves the child's interior empty.
        let nc = sigma > 0 ? c.map { -$0 } : c, nd = sigma > 0 ? -d : d
        let m = p.halfspaces.count
        let subset = Array(Set(hint.filter { (0..<m).contains($0) })).sorted()
        if strategy == .automatic, !subset.isEmpty, 2 * subset.count < m {
            // The relaxation to the hinted halfspaces (p ⊆ it): a bound ≥ 0 there holds on p.
            let relaxed = lowerBound(nc, plus: nd, over: p.selecting(subset), target: .zero, strategy: strategy)
            if case .bound(let b) = relaxed.kind, b.value.sign >= 0 {
                let y = BoundCertificate(indices: b.certificate.indices.map { subset[$0] }, values: b.certificate.values)
                    .appending(index: m, value: .one)
                return (.empty(y), nil)
            }
        }
        let outcome = lowerBound(nc, plus: nd, over: p, target: .zero, strategy: strategy)
        if case .bound(let b) = outcome.kind, b.value.sign >= 0 {
            return (.empty(b.certificate.appending(index: p.halfspaces.count, value: .one)), nil)
        }
        let child = makeChild()
        func found(_ x: [Rational]) -> (InteriorResult, Polytope?) { (.witness(x), child.recordingVerifiedWitness(x)) }
        // −σz(v) < 0 at the maximiser v: walk from w past the zero crossing.
        if let v = outcome.point {
            let wd = w.map(\.nearestDouble), cd = nc.map(\.nearestDouble), dd = nd.nearestDouble
            var fw = dd, fv = dd  // −σz at w (> 0) and at v (< 0)
            for j in 0..<wd.count { fw += cd[j] * wd[j]; fv += cd[j] * v[j] }
            if fw > 0, fv < 0 {
                let lambda = 0.5 * (1 + fw / (fw - fv))
                let x = (0..<wd.count).map { wd[$0] + lambda * (v[$0] - wd[$0]) }
                let rows = SearchRows(child)
                for candidate in rows.witnessCandidates(rows.boxCoordinates(x)) + [x]
                where candidate.allSatisfy(\.isFinite) {
                    let exact = candidate.map { Rational(exactly: $0)! }
                    if CertificateCheck.verifyWitness(exact, of: child) { return found(exact) }
                }
            }
        }
        if let v = outcome.exactPoint {
            let fw = dot(nc, w) + nd, fv = dot(nc, v) + nd
            if fw.sign > 0, fv.sign < 0 {
                let lambda = (Rational.one + fw / (fw - fv)).timesPowerOfTwo(-1)
                let x = (0..<w.count).map { w[$0] + lambda * (v[$0] - w[$0]) }
                let rounded = x.map { Rational(exactly: $0.nearestDouble) ?? $0 }
                if CertificateCheck.verifyWitness(rounded, of: child) { return found(rounded) }
                if CertificateCheck.verifyWitness(x, of: child) { return found(x) }
            }
        }
        let result = interiorPoint(of: child, strategy: strategy)
        if case .witness(let x) = result { return found(x) }
        return (result, nil)
    }

    // MARK: - The LP driver

    struct LowerBoundOutcome {
        enum Kind {
            case bound(LinearBound)
            /// The closed polytope is empty: `min_X yᵀ(Ax − b) > 0`.
            case empty(BoundCertificate)
        }
        let kind: Kind
        /// An approximate minimiser in original coordinates (float search).
        var point: [Double]? = nil
        /// An exact minimiser (exact LP).
        var exactPoint: [Rational]? = nil
    }

    static func iterationLimit(_ lp: BoxedSimplex<Double>) -> Int { 50 + 10 * (lp.m + lp.k) }

    /// A certified lower bound on `c·x + d` over `p`; with a `target`, the
    /// search may stop as soon as the bound reaches it (the bound is then at
    /// least `target` but possibly not tight).
    static func lowerBound(
        _ c: [Rational], plus d: Rational, over p: Polytope, target: Rational?, strategy: Strategy
    ) -> LowerBoundOutcome {
        precondition(c.count == p.dimension, "LinearProgramming: dimension mismatch")
        let m = p.halfspaces.count, dim = p.dimension
        let boxBound = CertificateCheck.boxMinimum(of: c, lower: p.lower, upper: p.upper) + d
        if m == 0 || (target != nil && boxBound >= target!) {
            return LowerBoundOutcome(kind: .bound(LinearBound(value: boxBound, certificate: .box)))
        }
        var floatLP: BoxedSimplex<Double>? = nil
        let rows = strategy != .exactFromScratch ? SearchRows(p) : nil
        if let s = rows, let (built, e) = LPProblems.floatMinimum(c, over: p, rows: s) {
            var lp = built
            var constant = d.nearestDouble, scale = 0.0
            for j in 0..<dim {
                let cj = c[j].nearestDouble
                constant += cj * s.center[j]
                scale += abs(cj * s.radius[j])
            }
            scale += abs(constant) + Double.leastNormalMagnitude
            let tolerance = 1e-9 * scale
            let floatTarget = target.map { ($0.nearestDouble - constant + tolerance) * pow2(e) }
            switch lp.solve(target: floatTarget, maxIterations: iterationLimit(lp)) {
            case _ where strategy != .automatic:
                break
            case .optimal, .reachedTarget:
                let yHat = lp.rowMultipliers()
                let floatValue = lp.objectiveValue() * pow2(-e) + constant
                let t = lp.primal()
                // Tight only if the float optimum is (nearly) feasible: the search's
                // feasibility tolerance can hide a far-away optimum behind nearly
                // parallel rows, so demand rounding-level violation here.
                let feasible = s.maximumViolation(t) <= 1e-13
                // Short multipliers first (fast exact check), then the float's own.
                for bits in [target == nil ? 40 : 24, nil] {
                    let y = BoundCertificate(multipliers: LPProblems.unscale(yHat, rows: s, objectiveExponent: e, significantBits: bits))
                    guard let value = CertificateCheck.certifiedLowerBound(of: c, plus: d, over: p, certificate: y) else { continue }
                    let tight = feasible && value.nearestDouble >= floatValue - tolerance
                    // With a target, a bound below it is final only when the float
                    // optimum is clearly below it too (else it may touch: repair).
                    let accept = target.map { value >= $0 || (tight && floatValue < $0.nearestDouble - tolerance) } ?? tight
                    if accept {
                        let x = t.withUnsafeBufferPointer { s.point($0) }
                        return LowerBoundOutcome(kind: .bound(LinearBound(value: value, certificate: y)), point: x)
                    }
                }
            case .infeasible(let row, let above):
                let y = BoundCertificate(multipliers: LPProblems.unscale(
                    lp.farkasMultipliers(row: row, above: above), rows: s, objectiveExponent: 0))
                if CertificateCheck.verifyEmpty(p, certificate: y) { return LowerBoundOutcome(kind: .empty(y)) }
            case .failed:
                break
            }
            floatLP = lp
            // Exact multipliers of the float basis (no simplex): settles a bound
            // that is exactly the target (touching), which rounding cannot.
            if strategy == .automatic, let y = LPProblems.exactMinimum(c, over: p).exactDual(ofBasisOf: lp) {
                let certificate = BoundCertificate(multipliers: y)
                if let value = CertificateCheck.certifiedLowerBound(of: c, plus: d, over: p, certificate: certificate) {
                    let floatValue = lp.objectiveValue() * pow2(-e) + constant
                    let tight = s.maximumViolation(lp.primal()) <= 1e-13 && value.nearestDouble >= floatValue - tolerance
                    if target.map({ value >= $0 }) ?? tight {
                        return LowerBoundOutcome(kind: .bound(LinearBound(value: value, certificate: certificate)))
                    }
                }
            }
        }
        if strategy == .automatic { fallbacks.add(1, ordering: .relaxed) }
        var exact = LPProblems.exactMinimum(c, over: p)
        if let floatLP, !exact.warmStart(from: floatLP) { exact = LPProblems.exactMinimum(c, over: p) }
        let exactOutcome = exact.solve(target: target.map { $0 - d })
        switch exactOutcome {
        case .optimal, .reachedTarget:
            let y = BoundCertificate(multipliers: exact.rowMultipliers())
            guard let value = CertificateCheck.certifiedLowerBound(of: c, plus: d, over: p, certificate: y) else {
                preconditionFailure("LinearProgramming: exact multipliers are negative (bug)")
            }
            precondition(value == exact.objectiveValue() + d, "LinearProgramming: exact bound mismatch (bug)")
            return LowerBoundOutcome(kind: .bound(LinearBound(value: value, certificate: y)),
                                     exactPoint: exactOutcome == .optimal ? exact.primal() : nil)
        case .infeasible(let row, let above):
            let y = BoundCertificate(multipliers: exact.farkasMultipliers(row: row, above: above))
            precondition(CertificateCheck.verifyEmpty(p, certificate: y), "LinearProgramming: exact Farkas certificate failed (bug)")
            return LowerBoundOutcome(kind: .empty(y))
        case .failed:
            preconditionFailure("LinearProgramming: the exact simplex has no iteration limit")
        }
    }
}
