import ExactArithmetic
import Verification

extension ActivationErrorTable {
    /// A table over `domain` whose cells are refined where they matter: the
    /// breakpoints of `p` and the curvature change points of `f`, then each cell halved (at the point the check
    /// will use, `ErrorCell.splitPoint`) while its bound exceeds the largest
    /// error proven on its piece by more than `relativeSlack` (plus `2^−56`),
    /// within a budget of `cellBudget` halvings. Search: where to cut is a
    /// heuristic; the bounds are whatever the check computes for these cells.
    package static func refined(
        _ p: PiecewiseLinearFunction, approximating f: SmoothActivation, over domain: RationalInterval,
        relativeSlack: Rational = Rational(1, 50), cellBudget: Int = 20_000
    ) -> ActivationErrorTable {
        // A table needs an interval of positive width; a wider domain is still sound.
        let lo = domain.lower, hi = domain.lower < domain.upper ? domain.upper : domain.lower + 1
        let starts = Array(Set([lo] + (p.breakpoints + f.curvatureChanges).filter { lo < $0 && $0 < hi })).sorted()
        var points = Set(starts + [hi])
        let lines = p.lines
        var lower = Array(repeating: Rational.zero, count: p.pieceCount)
        func point(_ piece: Int, _ z: Rational) -> ErrorAtPoint {
            let e = ErrorAtPoint(f, lines[piece], at: z)
            lower[piece] = max(lower[piece], e.magnitudeLowerBound)
            return e
        }
        var heap = CellHeap()
        for (k, a) in starts.enumerated() {
            let b = k + 1 < starts.count ? starts[k + 1] : hi
            let piece = ActivationErrorTable.piece(of: p, from: a, to: b)
            heap.push(ErrorCell(point(piece, a), point(piece, b), piece: piece, point: { point(piece, $0) }))
        }
        let tolerance = Rational.one.timesPowerOfTwo(-56)
        func target(_ piece: Int) -> Rational { lower[piece] + relativeSlack * lower[piece] + tolerance }
        var budget = cellBudget
        while let top = heap.top, budget > 0 {
            heap.pop()
            guard top.upper > target(top.piece), let m = top.m else { continue }
            budget -= 1
            points.insert(m.z)
            heap.push(ErrorCell(top.a, m, piece: top.piece, point: { point(top.piece, $0) }))
            heap.push(ErrorCell(m, top.b, piece: top.piece, point: { point(top.piece, $0) }))
        }
        // Valid by construction: sorted distinct points holding every cut point.
        return try! ActivationErrorTable(p: p, f: f, points: points.sorted())
    }
}
