import ExactArithmetic
import LPSearch
import Verification
import Polyhedra

extension LinearRegion {
    /// The part of the region where `g` answers `label`: the region cut by
    /// `g_label ≥ g_k` for every other class (`g ≥ 0` / `≤ 0` for one logit).
    /// Nil when a difference is a constant that the class loses (ties go to
    /// the lower index; a one-logit model answers 1 only where it is > 0).
    /// Ties have no area, so the parts' areas add up to the region's.
    public func classPart(_ label: Int) -> Polytope? {
        var part = polytope
        for (h, winsTies) in classHalfspaces(label) {
            if h.normal.allSatisfy(\.isZero) {
                // A constant difference: the class must win it, ties by the label rule.
                let margin = h.offset  // g_label − g_k, as a constant
                if margin.sign < 0 || (margin.isZero && !winsTies) { return nil }
                continue
            }
            part = part.adding(h)
        }
        return part
    }

    /// The halfspaces `g_label − g_k ≥ 0`, each with whether `label` wins a
    /// tie against `k` (the lower index does; for one logit, class 0 does).
    func classHalfspaces(_ label: Int) -> [(Halfspace, winsTies: Bool)] {
        let w = logitWeights, b = logitBias
        if w.rows == 1 {
            return [label == 1 ? (.nonnegative(w.row(0), plus: b[0]), false) : (.nonpositive(w.row(0), plus: b[0]), true)]
        }
        return (0..<w.rows).filter { $0 != label }.map { k in
            (.nonnegative(zip(w.row(label), w.row(k)).map { $0 - $1 }, plus: b[label] - b[k]), label < k)
        }
    }
}

extension RegionEnumeration {
    /// For 2 inputs: the exact area of the box where `g` answers each class,
    /// summed over the regions (ties have no area).
    public func classAreas(classCount: Int) -> [Rational] {
        var areas = Array(repeating: Rational.zero, count: classCount)
        for region in regions {
            precondition(region.polytope.dimension == 2, "classAreas: 2 inputs only")
            for label in 0..<classCount {
                if let part = region.classPart(label) { areas[label] += PlanarPolygon.area(of: part) }
            }
        }
        return areas
    }
}
