import ExactArithmetic
import LPSearch
import Verification
import Linearization
import NeuralNetwork
import Polyhedra
import Dispatch
import Foundation
import Synchronization

/// The linear regions of a piecewise-linear network `g` over a box.
public struct RegionEnumeration: Sendable {
    /// The regions found, each with a verified interior point.
    public let regions: [LinearRegion]
    /// The completeness certificate, for a complete enumeration.
    public let certificate: RegionSplitTree?

    /// True when the regions provably cover the box (a certificate was built).
    public var isComplete: Bool { certificate != nil }

    /// Raised when an enumeration reaches its region limit; carries what was found.
    public struct LimitReached: Error, Sendable {
        public let regionsFound: Int
        public let limit: Int
    }

    /// Every region of `g` meeting `box`, with the split-tree certificate of
    /// completeness. The search is floating-point LP (Polyhedra), every answer
    /// checked exactly. The top of the tree is walked first and the subtrees
    /// below it are walked in parallel; their records are concatenated in
    /// depth-first order, so the certificate is the same as a sequential
    /// walk's. Throws `LimitReached` after `maximumRegions` regions.
    /// `progress` hears about once a second while regions are found, and
    /// whenever a top-level subtree is finished.
    public static func complete(
        _ g: LinearizedNetwork, over box: InputBox, maximumRegions: Int = .max,
        progress: @escaping @Sendable (EnumerationProgress) -> Void = { _ in }
    ) throws(LimitReached) -> RegionEnumeration {
        let counter = RegionCounter(limit: maximumRegions, progress: progress)
        let top = Top(g, over: box, counter: counter)
        let results = top.walkSubtrees(Array(top.pending.indices), counter: counter)
        if counter.limitReached {
            throw LimitReached(regionsFound: min(counter.regions, maximumRegions), limit: maximumRegions)
        }
        return top.joined { results.part($0) }
    }

    /// The top levels of the split tree, walked sequentially, and the up to
    /// 2^forkDepth subtrees they leave pending: what a whole run, every
    /// shard and the merge of shards share.
    struct Top {
        let walk: SplitTreeWalk
        let segments: [Segment]
        /// The indices of the pending segments, in order (a subtree's "position" is its index here).
        let pending: [Int]

        init(_ g: LinearizedNetwork, over box: InputBox, counter: RegionCounter) {
            let walk = SplitTreeWalk(g, box: box)
            let segments = expand(walk, walk.rootState, depth: forkDepth, counter: counter)
            self.walk = walk
            self.segments = segments
            pending = segments.indices.filter { if case .pending = segments[$0] { true } else { false } }
        }

        /// The pending subtrees at `positions` walked in parallel.
        func walkSubtrees(_ positions: [Int], counter: RegionCounter) -> SubtreeResults {
            let results = SubtreeResults(count: segments.count)
            counter.startSubtrees(positions.count)
            DispatchQueue.concurrentPerform(iterations: positions.count) { k in
                let index = pending[positions[k]]
                guard case .pending(let state) = segments[index] else { return }
                results.store(index, record(walk, from: state, fork: nil, counter: counter).part)
                counter.finishSubtree()
            }
            return results
        }

        /// The enumeration whose steps and regions are the segments' in order,
        /// each pending one's taken from `subtree` (by segment index).
        func joined(subtree: (Int) -> Part) -> RegionEnumeration {
            var steps: [RegionSplitTree.Step] = []
            var regions: [LinearRegion] = []
            for (index, segment) in segments.enumerated() {
                let part: Part
                switch segment {
                case .recorded(let recorded): part = recorded
                case .pending: part = subtree(index)
                }
                steps += part.steps
                regions += part.regions
            }
            return RegionEnumeration(regions: regions, certificate: RegionSplitTree(steps: steps))
        }
    }

    /// The most inputs `complete` and `sampled` accept. Their interior-point
    /// LP (`LinearProgramming.interiorPoint`, a Chebyshev centre kept off the
    /// box walls) holds each wall as a dense row, `2d(d + 1)` numbers: 134 MB
    /// of `Double`s at this limit, 6.4 GB at 20,000 inputs. Callers refuse
    /// wider models before any work (`inputLimitError`).
    public static let maximumInputCount = 4096

    /// The one-line reason a model with `d` inputs is too wide to enumerate, or nil.
    public static func inputLimitError(inputs d: Int) -> String? {
        guard d > maximumInputCount else { return nil }
        return "the model has \(d) inputs; region enumeration supports at most \(maximumInputCount) (its LPs hold 2·inputs² numbers)"
    }

    /// How many levels of both-sided cuts are walked before the rest is parallel.
    static let forkDepth = 6

    /// What one walk records: its steps in order and the regions at its leaves.
    struct Part: Sendable, Codable {
        var steps: [RegionSplitTree.Step] = []
        var regions: [LinearRegion] = []
    }

    enum Segment: Sendable {
        case recorded(Part)
        case pending(SplitTreeWalk.State)
    }

    /// The top `depth` levels of the tree below `state` as recorded parts,
    /// with the subtrees below them left pending, in depth-first order.
    static func expand(_ walk: SplitTreeWalk, _ state: SplitTreeWalk.State, depth: Int, counter: RegionCounter) -> [Segment] {
        if depth == 0 { return [.pending(state)] }
        var forked: (SplitTreeWalk.State, SplitTreeWalk.State)?
        let (part, _) = record(walk, from: state, fork: { forked = ($0, $1) }, counter: counter)
        guard let (lower, upper) = forked else { return [.recorded(part)] }
        return [.recorded(part)] + expand(walk, lower, depth: depth - 1, counter: counter)
            + expand(walk, upper, depth: depth - 1, counter: counter)
    }

    /// Walks from `state`, recording decisions and leaves; stops early once
    /// the region limit is reached anywhere.
    private static func record(
        _ walk: SplitTreeWalk, from state: SplitTreeWalk.State, fork: ((SplitTreeWalk.State, SplitTreeWalk.State) -> Void)?,
        counter: RegionCounter
    ) -> (part: Part, stopped: Bool) {
        var part = Part()
        // The region (its halfspaces) and the point the last split verified
        // strictly inside it. The walk hands that point back with the next cut,
        // mostly for the same region; `split` would verify it again, O(m·d)
        // exact work per cut, which made a path of n cuts cost O(n·m).
        // Recording it as the region's interior witness skips the repeat and
        // changes no answer: it is the point `split` would have verified.
        var lastVerified: (halfspaces: [Halfspace], witness: [Rational])?
        // The halfspaces of the last emptiness proof: along a path, the next
        // cut is usually decided by the same few (`split`'s hint).
        var lastProof: [Int] = []
        do {
            try walk.walk(
                from: state, fork: fork,
                decide: { region, c, d, witness in
                    var region = region
                    // Only where `split` would use `witness` (a region's own witness comes first).
                    if region.interiorWitness == nil, let w = witness, let known = lastVerified,
                       known.witness == w, known.halfspaces == region.halfspaces {
                        region = region.recordingVerifiedWitness(w)
                    }
                    let split = LinearProgramming.split(region, by: c, plus: d, witness: witness, hint: lastProof)
                    let proofs = [split.below.certificate, split.above.certificate].compactMap { $0?.indices }
                    if !proofs.isEmpty { lastProof = proofs.flatMap { $0 } }
                    part.steps.append(.decision(below: split.below.certificate, above: split.above.certificate))
                    switch (split.below, split.above) {
                    case (.witness(let x), .empty), (.empty, .witness(let x)):
                        lastVerified = (region.halfspaces, x)  // inside a side, so inside the region
                    case (.witness(let x), .witness):
                        lastVerified = split.belowPolytope.map { ($0.halfspaces, x) }  // the walk goes below first
                    case (.empty, .empty):
                        lastVerified = nil
                    }
                    return (side(split.below), side(split.above))
                },
                leaf: { pattern, region, witness, logits in
                    let point = interiorPoint(region, hint: witness)
                    part.steps.append(.leaf(point))
                    part.regions.append(LinearRegion(pattern: pattern, polytope: region, witness: point,
                                                     logitWeights: logits.weights, logitBias: logits.bias))
                    if !counter.add() { throw LimitReached(regionsFound: 0, limit: 0) }
                })
        } catch {
            return (part, true)
        }
        return (part, false)
    }

    /// The distinct regions that the given points land in (the paper's
    /// Algorithm 2): the pattern at each point, exactly, and its polytope.
    /// Points on a region's boundary whose pattern has no interior are counted
    /// in `pointsOnBoundaries` instead.
    public static func sampled(_ g: LinearizedNetwork, over box: InputBox, points: [[Rational]]) -> (regions: RegionEnumeration, pointsOnBoundaries: Int) {
        var seen: [[[Int]]: Bool] = [:]
        var regions: [LinearRegion] = []
        var onBoundaries = 0
        for x in points where box.contains(x) {
            let (pattern, polytope, logits) = region(of: g, at: x, box: box)
            if let known = seen[pattern] {
                if !known { onBoundaries += 1 }
                continue
            }
            guard let witness = LinearProgramming.interiorPoint(of: polytope).witness else {
                seen[pattern] = false
                onBoundaries += 1
                continue
            }
            seen[pattern] = true
            regions.append(LinearRegion(pattern: pattern, polytope: polytope, witness: witness,
                                        logitWeights: logits.weights, logitBias: logits.bias))
        }
        return (RegionEnumeration(regions: regions, certificate: nil), onBoundaries)
    }

    /// The pattern of `g` at `x` (lowest piece at a breakpoint), the region's
    /// polytope (every neuron's piece constraints not implied by the box) and the logits map.
    static func region(of g: LinearizedNetwork, at x: [Rational], box: InputBox) -> (pattern: [[Int]], polytope: Polytope, logits: AffineMap) {
        var map: AffineMap?  // nil before the first layer: x itself (no d×d identity)
        var polytope = Polytope(lower: box.lower, upper: box.upper)
        var pattern: [[Int]] = []
        for (layer, p) in zip(g.original.layers, g.activations) {
            let z = map?.composed(with: layer.weights, plus: layer.bias) ?? AffineMap(weights: layer.weights, bias: layer.bias)
            var pieces: [Int] = []
            var next = z
            for i in 0..<z.weights.rows {
                let c = z.weights.row(i), value = dot(c, x) + z.bias[i]
                let t = p.piece(containing: value)
                pieces.append(t)
                if t > 0 {
                    let h = Halfspace.nonnegative(c, plus: z.bias[i] - p.breakpoints[t - 1])
                    if !impliedByBox(h, box) { polytope = polytope.adding(h) }
                }
                if t < p.breakpoints.count {
                    let h = Halfspace.nonpositive(c, plus: z.bias[i] - p.breakpoints[t])
                    if !impliedByBox(h, box) { polytope = polytope.adding(h) }
                }
                for j in 0..<c.count { next.weights[i, j] = p.slopes[t] * c[j] }
                next.bias[i] = p.slopes[t] * z.bias[i] + p.intercepts[t]
            }
            pattern.append(pieces)
            map = next
        }
        return (pattern, polytope, map!)  // a network has at least one layer
    }

    private static func impliedByBox(_ h: Halfspace, _ box: InputBox) -> Bool {
        CertificateCheck.boxMaximum(of: h.normal, lower: box.lower, upper: box.upper) <= h.offset
    }

    private static func side(_ result: InteriorResult) -> SplitTreeWalk.Side {
        switch result {
        case .witness(let x): .explored(witness: x)
        case .empty: .empty
        }
    }

    private static func interiorPoint(_ region: Polytope, hint: [Rational]?) -> [Rational] {
        if let hint, CertificateCheck.verifyWitness(hint, of: region) { return hint }
        guard let point = LinearProgramming.interiorPoint(of: region).witness else {
            preconditionFailure("an explored region has no interior point (search bug)")
        }
        return point
    }
}

extension InteriorResult {
    /// The multipliers of an emptiness certificate, nil for a witness.
    var certificate: BoundCertificate? {
        if case .empty(let y) = self { return y }
        return nil
    }
}

/// Regions counted across parallel walks, with the limit and progress reports.
final class RegionCounter: Sendable {
    private let count = Atomic<Int>(0)
    private let stop = Atomic<Bool>(false)
    private let subtrees = Atomic<Int>(0)
    private let subtreesFinished = Atomic<Int>(0)
    private let start = ContinuousClock.now
    /// Milliseconds since `start` of the last report (reports are at least a second apart).
    private let lastReport = Atomic<Int>(0)
    let limit: Int
    let progress: @Sendable (EnumerationProgress) -> Void

    init(limit: Int, progress: @escaping @Sendable (EnumerationProgress) -> Void) {
        self.limit = limit
        self.progress = progress
    }

    private var milliseconds: Int {
        let elapsed = ContinuousClock.now - start
        return Int(elapsed.components.seconds) * 1000 + Int(elapsed.components.attoseconds / 1_000_000_000_000_000)
    }

    private func report(at ms: Int) {
        progress(EnumerationProgress(
            regions: count.load(ordering: .relaxed), seconds: Double(ms) / 1000,
            subtreesFinished: subtreesFinished.load(ordering: .relaxed), subtrees: subtrees.load(ordering: .relaxed)))
    }

    func startSubtrees(_ n: Int) { subtrees.store(n, ordering: .relaxed) }

    func finishSubtree() {
        subtreesFinished.add(1, ordering: .relaxed)
        let ms = milliseconds
        lastReport.store(ms, ordering: .relaxed)
        report(at: ms)
    }

    /// Counts one region; false once the limit is reached (by any walk).
    func add() -> Bool {
        if stop.load(ordering: .relaxed) { return false }
        let n = count.add(1, ordering: .relaxed).newValue
        // The clock is read every 64 regions only; one walk wins each second's report.
        if n % 64 == 0 {
            let ms = milliseconds, last = lastReport.load(ordering: .relaxed)
            if ms - last >= 1000,
               lastReport.compareExchange(expected: last, desired: ms, ordering: .relaxed).exchanged {
                report(at: ms)
            }
        }
        if n >= limit {
            stop.store(true, ordering: .relaxed)
            return false
        }
        return true
    }

    var limitReached: Bool { stop.load(ordering: .relaxed) }

    /// Regions counted so far.
    var regions: Int { count.load(ordering: .relaxed) }
}

/// The parts recorded by the parallel walks, by segment index.
final class SubtreeResults: @unchecked Sendable {
    private var parts: [RegionEnumeration.Part]
    private let lock = NSLock()

    init(count: Int) { parts = Array(repeating: RegionEnumeration.Part(), count: count) }

    func store(_ index: Int, _ part: RegionEnumeration.Part) {
        lock.lock()
        parts[index] = part
        lock.unlock()
    }

    func part(_ index: Int) -> RegionEnumeration.Part {
        lock.lock()
        defer { lock.unlock() }
        return parts[index]
    }
}
