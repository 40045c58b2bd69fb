import ExactArithmetic

/// Exact vertices and area of a polytope in the plane (`d == 2`).
///
/// Computed, not searched: the box is clipped by each halfspace in turn
/// (Sutherland–Hodgman) in exact rational arithmetic. Each new vertex is the
/// intersection of the cutting line with the line of the edge it cuts, kept in
/// homogeneous form `(X, Y, D)` from Cramer's rule on the original data — no
/// division until the end — so every side test is one exact dot product of
/// dyadics when the data are dyadic (float weights).
public enum PlanarPolygon {
    /// The vertices of `p` in counter-clockwise order, starting from the one
    /// with the smallest `(y, x)`; no repeated or collinear points.
    ///
    /// Three or more vertices exactly when the closed polytope has positive
    /// area (`CertificateCheck.verifyPolygon` accepts them); two for a segment,
    /// one for a point, none when `p` is empty. Traps unless `p.dimension == 2`.
    public static func vertices(of p: Polytope) -> [[Rational]] {
        precondition(p.dimension == 2, "PlanarPolygon: the polytope must be 2-dimensional")
        let (l0, l1, u0, u1) = (p.lower[0], p.lower[1], p.upper[0], p.upper[1])
        var polygon: [Vertex] = [
            Vertex([l0, l1, .one], edge: Line(normal: [0, -1], offset: -l1)),
            Vertex([u0, l1, .one], edge: Line(normal: [1, 0], offset: u0)),
            Vertex([u0, u1, .one], edge: Line(normal: [0, 1], offset: u1)),
            Vertex([l0, u1, .one], edge: Line(normal: [-1, 0], offset: -l0)),
        ]
        for h in p.halfspaces {
            if polygon.isEmpty { break }
            if h.normal[0].isZero && h.normal[1].isZero {
                if h.offset.sign < 0 { polygon = [] }
                continue
            }
            polygon = clip(polygon, by: Line(normal: h.normal, offset: h.offset))
        }
        // Affine points, without duplicates.
        var points: [[Rational]] = []
        for v in polygon {
            let x = v.affine
            if !points.contains(x) { points.append(x) }
        }
        if points.count >= 3 {
            // Drop collinear points (degenerate clips can leave them).
            var changed = true
            while changed && points.count >= 3 {
                changed = false
                for k in 0..<points.count {
                    let a = points[(k + points.count - 1) % points.count], b = points[k], c = points[(k + 1) % points.count]
                    if CertificateCheck.cross(a, b, c).isZero {
                        points.remove(at: k)
                        changed = true
                        break
                    }
                }
            }
            if points.count == 2 { points = extremes(of: polygon.map(\.affine)) }
        }
        guard let start = points.indices.min(by: { (points[$0][1], points[$0][0]) < (points[$1][1], points[$1][0]) }) else {
            return []
        }
        return Array(points[start...] + points[..<start])
    }

    /// The exact area of `p` (shoelace formula on `vertices(of:)`; 0 when `p`
    /// has no positive area). Traps unless `p.dimension == 2`.
    public static func area(of p: Polytope) -> Rational {
        CertificateCheck.shoelaceArea(vertices(of: p))
    }

    /// The line `normal·x = offset`, stored as `(n0, n1, −offset)` for homogeneous tests.
    private struct Line {
        let normal: [Rational]
        let offset: Rational
        let homogeneous: [Rational]
        init(normal: [Rational], offset: Rational) {
            self.normal = normal
            self.offset = offset
            homogeneous = [normal[0], normal[1], -offset]
        }
    }

    /// A vertex `(X/D, Y/D)` in homogeneous coordinates with the line of the edge leaving it.
    private struct Vertex {
        let point: [Rational]  // X, Y, D with D ≠ 0
        let edge: Line
        init(_ point: [Rational], edge: Line) {
            self.point = point
            self.edge = edge
        }

        /// Sign of `normal·x − offset` at this vertex.
        func side(of line: Line) -> Int { dot(line.homogeneous, point).sign * point[2].sign }

        var affine: [Rational] {
            point[2] == .one ? [point[0], point[1]] : [point[0] / point[2], point[1] / point[2]]
        }
    }

    /// One Sutherland–Hodgman step: the part of the convex polygon with `h`.
    private static func clip(_ polygon: [Vertex], by h: Line) -> [Vertex] {
        let sides = polygon.map { $0.side(of: h) }
        if sides.allSatisfy({ $0 <= 0 }) { return polygon }
        if sides.allSatisfy({ $0 > 0 }) { return [] }
        var out: [Vertex] = []
        let n = polygon.count
        for k in 0..<n {
            let s = sides[k], t = sides[(k + 1) % n]
            let vertex = polygon[k]
            if s < 0 {
                out.append(vertex)
                if t > 0, let x = intersection(vertex.edge, h) { out.append(Vertex(x, edge: h)) }
            } else if s == 0 {
                out.append(Vertex(vertex.point, edge: t > 0 ? h : vertex.edge))
            } else if t < 0, let x = intersection(vertex.edge, h) {
                out.append(Vertex(x, edge: vertex.edge))
            }
        }
        return out
    }

    /// The homogeneous point on both lines (Cramer's rule), nil if they are
    /// parallel (impossible for an edge that `h` cuts strictly).
    private static func intersection(_ g: Line, _ h: Line) -> [Rational]? {
        let det = g.normal[0] * h.normal[1] - g.normal[1] * h.normal[0]
        guard !det.isZero else { return nil }
        let x = g.offset * h.normal[1] - g.normal[1] * h.offset
        let y = g.normal[0] * h.offset - g.offset * h.normal[0]
        return [x, y, det]
    }

    /// The two endpoints of a set of collinear points.
    private static func extremes(of points: [[Rational]]) -> [[Rational]] {
        let sorted = points.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) }
        return sorted.first! == sorted.last! ? [sorted.first!] : [sorted.first!, sorted.last!]
    }
}
