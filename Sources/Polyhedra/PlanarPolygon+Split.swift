import ExactArithmetic

extension PlanarPolygon {
    /// The parts of a convex polygon on either side of the line
    /// `normal·x + offset = 0`, exactly: `(P ∩ {≥ 0}, P ∩ {≤ 0})`, each as its
    /// vertices in `polygon`'s order (counter-clockwise stays
    /// counter-clockwise), empty when that side holds no point of `P`.
    ///
    /// `polygon` lists the vertices of a convex set in boundary order (one
    /// point, the two ends of a segment, or a convex polygon's vertices), as
    /// `vertices(of:)` returns them. A part keeps the vertices on its side
    /// and adds the crossing of every edge whose ends lie strictly on
    /// opposite sides; a convex set's intersection with a halfplane is the
    /// hull of exactly these points (proofs/compact-decision-net.md §2).
    public static func split(
        _ polygon: [[Rational]], normal: [Rational], offset: Rational
    ) -> (nonnegative: [[Rational]], nonpositive: [[Rational]]) {
        precondition(normal.count == 2, "PlanarPolygon.split: the line must be in the plane")
        let values = polygon.map { dot(normal, $0) + offset }
        if values.allSatisfy({ $0.sign >= 0 }) {
            return (polygon, values.allSatisfy({ $0.sign > 0 }) ? [] : polygon.indices.filter { values[$0].isZero }.map { polygon[$0] })
        }
        if values.allSatisfy({ $0.sign <= 0 }) {
            return (polygon.indices.filter { values[$0].isZero }.map { polygon[$0] }, polygon)
        }
        var above: [[Rational]] = [], below: [[Rational]] = []
        let n = polygon.count
        for k in 0..<n {
            let (a, b) = (values[k], values[(k + 1) % n])
            if a.sign >= 0 { above.append(polygon[k]) }
            if a.sign <= 0 { below.append(polygon[k]) }
            if a.sign * b.sign < 0 {
                // The crossing of the edge from vertex k to k + 1: t = a / (a − b) of the way.
                let t = a / (a - b), p = polygon[k], q = polygon[(k + 1) % n]
                let crossing = [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]
                above.append(crossing)
                below.append(crossing)
            }
        }
        return (withoutRepeats(above), withoutRepeats(below))
    }

    /// The mean of the vertices: a point of the relative interior of their hull.
    public static func centroid(_ polygon: [[Rational]]) -> [Rational] {
        let n = Rational(polygon.count)
        return [polygon.reduce(.zero) { $0 + $1[0] } / n, polygon.reduce(.zero) { $0 + $1[1] } / n]
    }

    /// `points` without repeats (a segment split at an end repeats it).
    private static func withoutRepeats(_ points: [[Rational]]) -> [[Rational]] {
        var kept: [[Rational]] = []
        for p in points where !kept.contains(p) { kept.append(p) }
        return kept
    }
}
