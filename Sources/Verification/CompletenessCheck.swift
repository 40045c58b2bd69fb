import ExactArithmetic
import NeuralNetwork
import Polyhedra
import Foundation
import Synchronization

/// Replays a split-tree certificate with exact arithmetic only: recomputes
/// every cut from the network, verifies every emptiness certificate and every
/// leaf's interior point, and checks that the steps are used up exactly.
/// Proof that an accepted tree covers the box: proofs/split-tree.md.
public enum CompletenessCheck {
    /// Why a certificate was rejected: the first step that fails.
    public struct Failure: Error, Equatable, CustomStringConvertible, Sendable {
        public let step: Int
        public let reason: String
        public var description: String { "split tree step \(step): \(reason)" }
    }

    /// The number of regions the tree proves (its leaves), or the first failure.
    public static func verify(_ tree: RegionSplitTree, for g: LinearizedNetwork, over box: InputBox) throws(Failure) -> Int {
        try verify(tree, for: g, over: box) { _, _ in }
    }

    /// Replays the tree, handing every region (its polytope: the box and
    /// every recorded cut along its path; and the logits' affine map on it)
    /// to `region` in leaf order; returns the number of regions.
    ///
    /// The top `forkDepth` levels of both-sided cuts are replayed first and
    /// the subtrees below them in parallel, each on its own range of steps
    /// (`subtreeEnds`, read from the steps' shape alone). Every step is
    /// checked exactly as in one sequential replay; only the order of the
    /// work changes. If anything fails, the sequential replay runs and
    /// reports the first failing step.
    package static func verify(
        _ tree: RegionSplitTree, for g: LinearizedNetwork, over box: InputBox,
        region: (Polytope, AffineMap) -> Void
    ) throws(Failure) -> Int {
        let walk = SplitTreeWalk(g, box: box)
        if let regions = replayInParallel(tree.steps, walk) {
            for r in regions { region(r.polytope, r.logits) }
            return regions.count
        }
        var leaves = 0
        let end = try replay(tree.steps, from: 0, to: tree.steps.count, state: walk.rootState, walk, fork: nil) { p, logits in
            region(p, logits)
            leaves += 1
        }
        guard end == tree.steps.count else { throw Failure(step: end, reason: "\(tree.steps.count - end) steps left over") }
        return leaves
    }

    /// How many levels of both-sided cuts are replayed before the rest is parallel.
    static let forkDepth = 6

    typealias Region = (polytope: Polytope, logits: AffineMap)

    /// Replays `steps[start..<limit]` from `state`; returns the index after the
    /// last step used. With `fork`, stops after the first both-sided cut and
    /// hands its two child states to `fork`.
    private static func replay(
        _ steps: [RegionSplitTree.Step], from start: Int, to limit: Int, state: SplitTreeWalk.State, _ walk: SplitTreeWalk,
        fork: ((SplitTreeWalk.State, SplitTreeWalk.State) -> Void)?, region: (Polytope, AffineMap) -> Void
    ) throws(Failure) -> Int {
        var index = start
        func next() throws(Failure) -> RegionSplitTree.Step {
            guard index < limit else { throw Failure(step: index, reason: "the tree ends early") }
            defer { index += 1 }
            return steps[index]
        }
        do {
            try walk.walk(
                from: state, fork: fork,
                decide: { region, c, d, _ in
                    guard case .decision(let below, let above) = try next() else {
                        throw Failure(step: index - 1, reason: "expected a cut, found a leaf")
                    }
                    func side(_ multipliers: BoundCertificate?, _ half: Halfspace, _ name: String) throws(Failure) -> SplitTreeWalk.Side {
                        guard let y = multipliers else { return .explored(witness: nil) }
                        guard CertificateCheck.verifyEmptyInterior(of: region, cut: half, certificate: y)
                        else { throw Failure(step: index - 1, reason: "the certificate that the \(name) side is empty does not hold") }
                        return .empty
                    }
                    let result = (try side(below, .nonpositive(c, plus: d), "lower"), try side(above, .nonnegative(c, plus: d), "upper"))
                    if case .empty = result.0, case .empty = result.1 {
                        throw Failure(step: index - 1, reason: "both sides are claimed empty")
                    }
                    return result
                },
                leaf: { _, polytope, _, logits in
                    guard case .leaf(let x) = try next() else { throw Failure(step: index - 1, reason: "expected a leaf, found a cut") }
                    guard CertificateCheck.verifyWitness(x, of: polytope) else {
                        throw Failure(step: index - 1, reason: "the leaf's point is not strictly inside its region")
                    }
                    region(polytope, logits)
                })
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(step: index, reason: "\(error)")
        }
        return index
    }

    /// For each step, the index after the subtree it roots, from the steps'
    /// shape alone: a leaf has no children, a cut one child per explored side
    /// (depth first, below before above). Nil unless step 0 roots exactly all
    /// the steps. Only tells the parallel replay where each subtree's steps
    /// are; the replay itself checks that each subtree uses exactly them.
    package static func subtreeEnds(_ steps: [RegionSplitTree.Step]) -> [Int]? {
        let n = steps.count
        guard n > 0 else { return nil }
        var ends = [Int](repeating: -1, count: n)  // -1: the subtree runs past the last step
        for i in stride(from: n - 1, through: 0, by: -1) {
            var children = 0
            if case .decision(let below, let above) = steps[i] { children = (below == nil ? 1 : 0) + (above == nil ? 1 : 0) }
            var end = i + 1
            for _ in 0..<children {
                guard end < n, ends[end] >= 0 else { end = -1; break }
                end = ends[end]
            }
            ends[i] = end
        }
        return ends[0] == n ? ends : nil
    }

    private enum Segment {
        case replayed([Region])
        case pending(SplitTreeWalk.State, Range<Int>)
    }

    /// The regions in leaf order, or nil when any step fails (or the steps do
    /// not have the shape of one tree).
    private static func replayInParallel(_ steps: [RegionSplitTree.Step], _ walk: SplitTreeWalk) -> [Region]? {
        guard let ends = subtreeEnds(steps) else { return nil }
        func expand(_ state: SplitTreeWalk.State, _ range: Range<Int>, depth: Int) throws(Failure) -> [Segment] {
            if depth == 0 { return [.pending(state, range)] }
            var forked: (SplitTreeWalk.State, SplitTreeWalk.State)?
            var regions: [Region] = []
            let used = try replay(steps, from: range.lowerBound, to: range.upperBound, state: state, walk,
                                  fork: { forked = ($0, $1) }, region: { regions.append(($0, $1)) })
            guard let (below, above) = forked else {
                guard used == range.upperBound else { throw Failure(step: used, reason: "steps left over") }
                return [.replayed(regions)]
            }
            // `used − 1` is the both-sided cut: its below subtree starts next, its above one after that.
            let middle = ends[used]
            guard used < range.upperBound, middle > used, middle <= range.upperBound else {
                throw Failure(step: used, reason: "subtree out of range")
            }
            return [.replayed(regions)] + (try expand(below, used..<middle, depth: depth - 1))
                + (try expand(above, middle..<range.upperBound, depth: depth - 1))
        }
        guard let segments = try? expand(walk.rootState, 0..<steps.count, depth: forkDepth) else { return nil }
        let pending = segments.indices.filter { if case .pending = segments[$0] { true } else { false } }
        let results = Mutex([Int: [Region]]())
        let failed = Atomic<Bool>(false)
        DispatchQueue.concurrentPerform(iterations: pending.count) { k in
            guard !failed.load(ordering: .relaxed), case .pending(let state, let range) = segments[pending[k]] else { return }
            var regions: [Region] = []
            let used = try? replay(steps, from: range.lowerBound, to: range.upperBound, state: state, walk, fork: nil) {
                regions.append(($0, $1))
            }
            guard used == range.upperBound else {
                failed.store(true, ordering: .relaxed)
                return
            }
            results.withLock { $0[pending[k]] = regions }
        }
        guard !failed.load(ordering: .relaxed) else { return nil }
        var all: [Region] = []
        for (k, segment) in segments.enumerated() {
            switch segment {
            case .replayed(let regions): all += regions
            case .pending: all += results.withLock { $0[k] ?? [] }
            }
        }
        return all
    }
}
