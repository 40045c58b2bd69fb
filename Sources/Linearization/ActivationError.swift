import ExactArithmetic
import Verification
import Synchronization

/// A rigorous upper bound on `sup over z ∈ x of |f(z) − p(z)|`: an exact
/// rational that is never below the true supremum.
///
/// Branch and bound over cells of `x`, split at `p`'s breakpoints and at
/// `f`'s curvature change points: on each cell the error `e = f − (s·z + c)`
/// of one piece is convex or concave, so it is bounded on one side by its values
/// at the cell's ends and on the other by its tangent lines at the ends and
/// the midpoint — all from rigorous point enclosures (``Enclosure``). The cell
/// with the largest bound is halved until that bound is within
/// `relativeSlack` of a rigorous *lower* bound on the supremum (the largest
/// `|e|` enclosed at any point evaluated), plus `2^−56` absolute, or until a
/// budget of cells is spent; either way the bound is rigorous.
/// Proofs: proofs/activation-error.md.
///
/// Memoised: the bound on each piece of `p` lying wholly inside `x` is kept
/// per `(p, f, relativeSlack)`, so a call costs a lookup plus the branch and
/// bound of the (at most two) pieces that `x` cuts.
public func certifiedError(
    of p: PiecewiseLinearFunction, approximating f: SmoothActivation, on x: RationalInterval,
    relativeSlack: Rational = Rational(1, 50)
) -> Rational {
    ActivationErrorSearch(p: p, f: f, slack: max(relativeSlack, .zero)).bound(on: x).upper
}

/// Both ends of what ``certifiedError(of:approximating:on:relativeSlack:)``
/// knows: `lower ≤ sup |f − p| ≤ upper` over `x`, both rigorous.
public func certifiedErrorBounds(
    of p: PiecewiseLinearFunction, approximating f: SmoothActivation, on x: RationalInterval,
    relativeSlack: Rational = Rational(1, 50)
) -> (lower: Rational, upper: Rational) {
    let b = ActivationErrorSearch(p: p, f: f, slack: max(relativeSlack, .zero)).bound(on: x)
    return (b.lower, b.upper)
}

/// The branch and bound behind ``certifiedError(of:approximating:on:relativeSlack:)``.
struct ActivationErrorSearch {
    let p: PiecewiseLinearFunction
    let f: SmoothActivation
    let slack: Rational

    /// Cells split per call at most (each costs one point enclosure).
    static let cellBudget = 20_000
    /// The absolute part of the stopping tolerance, `2^−56`.
    static let absoluteTolerance = Rational.one.timesPowerOfTwo(-56)

    /// Stop refining once every cell's bound is at most this.
    func target(_ lower: Rational) -> Rational { lower + slack * lower + Self.absoluteTolerance }

    /// Rigorous `lower ≤ sup_{z ∈ x} |f(z) − p(z)| ≤ upper`.
    func bound(on x: RationalInterval) -> PieceErrorBound {
        let pieces = p.pieces(meeting: x)
        let last = p.pieceCount - 1
        var whole: [Int] = [], cut: [(piece: Int, from: Rational, to: Rational)] = []
        for i in pieces {
            let from = i == 0 ? x.lower : max(x.lower, p.breakpoints[i - 1])
            let to = i == last ? x.upper : min(x.upper, p.breakpoints[i])
            if i > 0 && i < last && from == p.breakpoints[i - 1] && to == p.breakpoints[i] && from < to {
                whole.append(i)
            } else {
                cut.append((i, from, to))
            }
        }
        var known = PieceErrorBound(lower: .zero, upper: .zero)
        for b in wholePieceBounds(whole) {
            known = PieceErrorBound(lower: max(known.lower, b.lower), upper: max(known.upper, b.upper))
        }
        if cut.isEmpty { return known }
        return refine(cut, known: known)
    }

    /// The bounds of whole interior pieces, from the memo or computed (and memoised).
    func wholePieceBounds(_ pieces: [Int]) -> [PieceErrorBound] {
        if pieces.isEmpty { return [] }
        let key = MemoKey(p: p, f: f, slack: slack)
        let stored = errorMemo.withLock { $0[key] } ?? [:]
        var computed: [Int: PieceErrorBound] = [:]
        let result = pieces.map { i -> PieceErrorBound in
            if let b = stored[i] { return b }
            let b = refine([(i, p.breakpoints[i - 1], p.breakpoints[i])], known: PieceErrorBound(lower: .zero, upper: .zero))
            computed[i] = b
            return b
        }
        if !computed.isEmpty {
            errorMemo.withLock { memo in
                if memo[key] == nil && memo.count >= 64 { memo.removeAll() }  // bounded: a few p's at a time
                memo[key, default: [:]].merge(computed) { old, _ in old }
            }
        }
        return result
    }

    /// Branch and bound over the given stretches of pieces, starting from
    /// already known bounds (of other parts of the interval).
    func refine(_ stretches: [(piece: Int, from: Rational, to: Rational)], known: PieceErrorBound) -> PieceErrorBound {
        var lower = known.lower
        var heap = CellHeap()
        let lines = p.lines
        func point(_ i: Int, _ z: Rational) -> ErrorAtPoint {
            let e = ErrorAtPoint(f, lines[i], at: z)
            lower = max(lower, e.magnitudeLowerBound)
            return e
        }
        for s in stretches {
            // Split where σ'' changes sign.
            let ends = [s.from] + f.curvatureChanges.filter { s.from < $0 && $0 < s.to } + [s.to]
            var left = point(s.piece, ends[0])
            for j in 1..<ends.count {
                let right = point(s.piece, ends[j])
                heap.push(ErrorCell(left, right, piece: s.piece, point: { point(s.piece, $0) }))
                left = right
            }
        }
        var budget = Self.cellBudget
        while let top = heap.top, top.upper > target(lower), budget > 0, let m = top.m {
            heap.pop()
            budget -= 1
            heap.push(ErrorCell(top.a, m, piece: top.piece, point: { point(top.piece, $0) }))
            heap.push(ErrorCell(m, top.b, piece: top.piece, point: { point(top.piece, $0) }))
        }
        return PieceErrorBound(lower: lower, upper: max(known.upper, heap.top?.upper ?? .zero))
    }
}

/// Rigorous bounds `lower ≤ sup |f − p| ≤ upper` over some set.
struct PieceErrorBound: Sendable {
    let lower: Rational
    let upper: Rational
}

private struct MemoKey: Hashable {
    let p: PiecewiseLinearFunction
    let f: SmoothActivation
    let slack: Rational
}

/// Bounds of whole interior pieces, per fit, function and slack.
private let errorMemo = Mutex<[MemoKey: [Int: PieceErrorBound]]>([:])

/// A binary max-heap of cells by their bound.
struct CellHeap {
    private var cells: [ErrorCell] = []

    var top: ErrorCell? { cells.first }

    mutating func push(_ cell: ErrorCell) {
        cells.append(cell)
        var i = cells.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard cells[parent].upper < cells[i].upper else { break }
            cells.swapAt(parent, i)
            i = parent
        }
    }

    mutating func pop() {
        guard !cells.isEmpty else { return }
        cells.swapAt(0, cells.count - 1)
        cells.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var largest = i
            if l < cells.count && cells[largest].upper < cells[l].upper { largest = l }
            if r < cells.count && cells[largest].upper < cells[r].upper { largest = r }
            if largest == i { return }
            cells.swapAt(i, largest)
            i = largest
        }
    }
}
