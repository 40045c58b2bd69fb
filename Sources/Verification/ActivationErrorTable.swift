import ExactArithmetic

/// Checkable activation errors: a partition of an interval into cells on
/// which `|σ − p|` is bounded, so that `ε(R) ≥ sup over R of |σ − p|` can be
/// read off for any range `R` inside it without searching.
///
/// The cut points `t_0 < t_1 < … < t_m` must contain every breakpoint of `p`
/// and every curvature change point of `σ` (``SmoothActivation/curvatureChanges``:
/// 0 for sigmoid, tanh and ELU, none for softplus) where they lie strictly
/// inside `[t_0, t_m]`, so each cell `[t_i, t_{i+1}]` lies on one piece of `p`
/// and where `σ` is convex or concave. Each cell's
/// bound is computed here by `ErrorCell` (proofs/activation-error.md,
/// Lemmas 2–4); the points only say where to look, so any points give a
/// rigorous ε — good points (from `ActivationErrorTable.refined` in
/// Linearization) give a tight one. `bound(on:)` takes the cells meeting `R`,
/// uses a cell's bound when the cell lies inside `R` and bounds its part
/// inside `R` afresh otherwise (proofs/certificate.md §3).
package struct ActivationErrorTable: Sendable {
    package let p: PiecewiseLinearFunction
    package let f: SmoothActivation
    /// The cut points, strictly increasing.
    package let points: [Rational]
    /// The bound of each cell `[points[i], points[i+1]]`.
    package let cellBounds: [Rational]
    /// `maxima[k][i]`: the largest bound of cells `i ..< i + 2^k`.
    private let maxima: [[Rational]]

    /// Why a list of cut points is not a valid table.
    package struct Invalid: Error, CustomStringConvertible {
        package let description: String
    }

    /// Checks the cut points and bounds every cell. Throws when there are
    /// fewer than two points, they do not strictly increase, or a breakpoint
    /// of `p` or a curvature change point of `f` lies strictly inside
    /// `[t_0, t_m]` but is not a point.
    package init(p: PiecewiseLinearFunction, f: SmoothActivation, points: [Rational]) throws(Invalid) {
        guard points.count >= 2 else { throw Invalid(description: "an error table needs at least two points") }
        for i in 1..<points.count where !(points[i - 1] < points[i]) {
            throw Invalid(description: "error table points must strictly increase (point \(i))")
        }
        let first = points.first!, last = points.last!
        let required = (p.breakpoints + f.curvatureChanges).filter { first < $0 && $0 < last }
        let present = Set(points)
        if let missing = required.first(where: { !present.contains($0) }) {
            throw Invalid(description: "error table lacks the cut point \(missing)")
        }
        self.p = p
        self.f = f
        self.points = points
        let lines = p.lines
        var bounds: [Rational] = []
        bounds.reserveCapacity(points.count - 1)
        var left: (point: ErrorAtPoint, piece: Int)?
        for i in 1..<points.count {
            let piece = ActivationErrorTable.piece(of: p, from: points[i - 1], to: points[i])
            // An end point's enclosure depends on the piece's line; reuse it only on the same piece.
            let a = left.flatMap { $0.piece == piece ? $0.point : nil } ?? ErrorAtPoint(f, lines[piece], at: points[i - 1])
            let b = ErrorAtPoint(f, lines[piece], at: points[i])
            bounds.append(ErrorCell(a, b, piece: piece, point: { ErrorAtPoint(f, lines[piece], at: $0) }).upper)
            left = (b, piece)
        }
        cellBounds = bounds
        var levels = [bounds]
        var width = 1
        while 2 * width <= bounds.count {
            let previous = levels.last!
            levels.append((0...(bounds.count - 2 * width)).map { max(previous[$0], previous[$0 + width]) })
            width *= 2
        }
        maxima = levels
    }

    /// A rigorous upper bound on `sup over r of |σ − p|`, or nil when `r` is
    /// not inside `[t_0, t_m]`.
    package func bound(on r: RationalInterval) -> Rational? {
        guard points.first! <= r.lower, r.upper <= points.last! else { return nil }
        // First cell whose right end reaches r.lower, last whose left end is ≤ r.upper.
        let first = max(0, firstIndex(reaching: r.lower) - 1)
        var last = first
        while last + 1 < cellBounds.count && points[last + 1] < r.upper { last += 1 }
        var result = Rational.zero
        var inner = (first, last)
        if points[first] < r.lower || (first == last && r.upper < points[first + 1]) {
            result = max(result, clipped(first, r))
            inner.0 += 1
        }
        if inner.0 <= last && r.upper < points[last + 1] {
            result = max(result, clipped(last, r))
            inner.1 -= 1
        }
        if inner.0 <= inner.1 { result = max(result, largest(inner.0, inner.1)) }
        return result
    }

    /// The smallest `i` with `points[i] ≥ x`.
    private func firstIndex(reaching x: Rational) -> Int {
        var low = 0, high = points.count - 1
        while low < high {
            let mid = (low + high) / 2
            if points[mid] < x { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The bound over the part of cell `i` inside `r`, computed afresh.
    private func clipped(_ i: Int, _ r: RationalInterval) -> Rational {
        let a = max(points[i], r.lower), b = min(points[i + 1], r.upper)
        let piece = ActivationErrorTable.piece(of: p, from: points[i], to: points[i + 1])
        let line = p.lines[piece]
        return ErrorCell(ErrorAtPoint(f, line, at: a), ErrorAtPoint(f, line, at: b), piece: piece,
                         point: { ErrorAtPoint(f, line, at: $0) }).upper
    }

    /// The largest cell bound of cells `i...j` (sparse table, O(1)).
    private func largest(_ i: Int, _ j: Int) -> Rational {
        var k = 0
        while (2 << k) <= j - i + 1 { k += 1 }
        return max(maxima[k][i], maxima[k][j - (1 << k) + 1])
    }

    /// The piece of `p` that the cell `[a, b]` (no breakpoint inside) lies on.
    package static func piece(of p: PiecewiseLinearFunction, from a: Rational, to b: Rational) -> Int {
        p.piece(containing: (a + b).timesPowerOfTwo(-1))
    }
}
