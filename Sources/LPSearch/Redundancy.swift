import ExactArithmetic
import Polyhedra

extension LinearProgramming {
    /// Which halfspaces of `p` define it and which are implied by the others,
    /// each with its proof (`CertificateCheck.verifyIrredundantForm` accepts
    /// the result); nil when `p` has empty interior.
    ///
    /// Halfspaces are examined in order, each against the box and the
    /// halfspaces still kept: (1) implied by the box alone (zero multipliers);
    /// (2) a ray from the interior point towards the halfspace's hyperplane that
    /// crosses it before any other — the point just past the crossing is the
    /// witness; (3) otherwise the interior of `kept others ∩ {a_i·x ≥ b_i}`
    /// decides: a witness, or multipliers that (divided by the last one) prove
    /// `a_i·x ≤ b_i`. Pass `interiorPoint` (a verified witness of `p`) to skip
    /// one LP.
    public static func irredundantForm(
        of p: Polytope, interiorPoint known: [Rational]? = nil, strategy: Strategy = .automatic
    ) -> IrredundantForm? {
        let m = p.halfspaces.count
        let center: [Rational]
        if let known, CertificateCheck.verifyWitness(known, of: p) {
            center = known
        } else if case .witness(let w) = interiorPoint(of: p, strategy: strategy) {
            center = w
        } else {
            return nil
        }
        var kept = [Bool](repeating: true, count: m)
        var facets: [IrredundantForm.Facet] = []
        var removals: [IrredundantForm.Removal] = []
        let rows = SearchRows(p)
        let centerT = rows.boxCoordinates(center.map(\.nearestDouble))
        for i in 0..<m {
            let h = p.halfspaces[i]
            if CertificateCheck.boxMaximum(of: h.normal, lower: p.lower, upper: p.upper) <= h.offset {
                kept[i] = false
                removals.append(.init(index: i, certificate: .box))
                continue
            }
            let others = (0..<m).filter { $0 != i && kept[$0] }
            if strategy == .automatic, let x = rayWitness(p, rows: rows, row: i, others: others, from: centerT) {
                facets.append(.init(index: i, witness: x))
                continue
            }
            let q = p.selecting(others).adding(h.reversed)
            switch interiorPoint(of: q, strategy: strategy) {
            case .witness(let x):
                facets.append(.init(index: i, witness: x))
            case .empty(let y):
                let last = y[others.count]
                // last > 0 always: q's other halfspaces contain p, which has interior points.
                precondition(last.sign > 0, "irredundantForm: emptiness without the reversed halfspace (bug)")
                // q's halfspace at position k is p's halfspace others[k] (increasing); drop the reversed one.
                let stored = y.indices.count - 1
                let certificate = BoundCertificate(indices: y.indices[..<stored].map { others[$0] },
                                                   values: Array(y.values[..<stored])).scaled(by: .one / last)
                precondition(CertificateCheck.verifyUpperBound(h.offset, of: h.normal, plus: .zero, over: p, certificate: certificate),
                             "irredundantForm: rescaled certificate failed (bug)")
                kept[i] = false
                removals.append(.init(index: i, certificate: certificate))
            }
        }
        return IrredundantForm(facets: facets, removals: removals)
    }

    /// A point just past hyperplane `row` on the ray from `centerT` (box
    /// coordinates) along the row's normal, if that ray crosses `row` before
    /// every halfspace in `others` and before leaving the box; checked exactly.
    private static func rayWitness(_ p: Polytope, rows s: SearchRows, row i: Int, others: [Int], from centerT: [Double]) -> [Rational]? {
        let d = p.dimension
        guard s.isUsable, s.norm[i] > 0 else { return nil }
        func value(_ r: Int, _ t: [Double]) -> Double {
            var v = 0.0
            for j in 0..<d { v += s.rows[r * d + j] * t[j] }
            return v
        }
        let direction = Array(s.rows[i * d ..< (i + 1) * d])
        let rate = value(i, direction)
        let gap = s.rhs[i] - value(i, centerT)
        guard rate > 0, gap > 0 else { return nil }
        let hit = gap / rate
        var limit = Double.infinity
        for j in 0..<d where direction[j] != 0 {
            let wall = direction[j] > 0 ? 1.0 : -1.0
            limit = min(limit, (wall - centerT[j]) / direction[j])
        }
        for r in others {
            let rr = value(r, direction)
            if rr > 0 { limit = min(limit, (s.rhs[r] - value(r, centerT)) / rr) }
        }
        guard hit < limit * (1 - 1e-9) else { return nil }
        let step = limit.isFinite ? 0.5 * (hit + limit) : 2 * hit
        let t = (0..<d).map { centerT[$0] + step * direction[$0] }
        let x = t.withUnsafeBufferPointer { s.point($0) }
        guard x.allSatisfy(\.isFinite) else { return nil }
        let exact = x.map { Rational(exactly: $0)! }
        guard (0..<d).allSatisfy({ p.lower[$0] <= exact[$0] && exact[$0] <= p.upper[$0] }),
              p.halfspaces[i].slack(at: exact).sign > 0,
              others.allSatisfy({ p.halfspaces[$0].slack(at: exact).sign < 0 })
        else { return nil }
        return exact
    }
}
