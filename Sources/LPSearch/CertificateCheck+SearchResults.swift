import ExactArithmetic
import Polyhedra

/// Exact checks of the search's results (proofs/lp-certificates.md), built
/// from the trusted checks in `CertificateCheck`; the search verifies every
/// answer with them before it uses it.
extension CertificateCheck {
    /// Verifies a witness or an emptiness certificate.
    public static func verify(_ result: InteriorResult, of p: Polytope) -> Bool {
        switch result {
        case .witness(let x): return verifyWitness(x, of: p)
        case .empty(let y): return verifyEmptyInterior(of: p, certificate: y)
        }
    }

    /// Verifies both sides of a split of `p` by `c·x + d` (each against its
    /// child polytope, see `SplitResult`).
    public static func verify(_ split: SplitResult, of p: Polytope, by c: [Rational], plus d: Rational) -> Bool {
        verify(split.below, of: p.adding(.nonpositive(c, plus: d)))
            && verify(split.above, of: p.adding(.nonnegative(c, plus: d)))
    }

    /// True when `form` proves that exactly its facets' halfspaces are needed (§5):
    /// its indices partition `0..<p.halfspaces.count`; each removal's
    /// multipliers vanish at its own index and at earlier removals and prove
    /// `a_i·x ≤ b_i`; each facet's witness lies in the box, violates its own
    /// halfspace strictly and satisfies every other kept halfspace strictly.
    public static func verifyIrredundantForm(_ form: IrredundantForm, of p: Polytope) -> Bool {
        let m = p.halfspaces.count
        let kept = form.facets.map(\.index), dropped = form.removals.map(\.index)
        guard (kept + dropped).sorted() == Array(0..<m), kept == kept.sorted() else { return false }
        var removedSoFar: [Int] = []
        for removal in form.removals {
            let i = removal.index, y = removal.certificate
            guard y[i].isZero, removedSoFar.allSatisfy({ y[$0].isZero }),
                  verifyUpperBound(p.halfspaces[i].offset, of: p.halfspaces[i].normal, plus: .zero,
                                   over: p, certificate: removal.certificate)
            else { return false }
            removedSoFar.append(i)
        }
        for facet in form.facets {
            let x = facet.witness
            guard x.count == p.dimension,
                  (0..<p.dimension).allSatisfy({ p.lower[$0] <= x[$0] && x[$0] <= p.upper[$0] }),
                  p.halfspaces[facet.index].slack(at: x).sign > 0,
                  kept.allSatisfy({ $0 == facet.index || p.halfspaces[$0].slack(at: x).sign < 0 })
            else { return false }
        }
        return true
    }
}
