import ExactArithmetic
import Linearization
import NeuralNetwork
import Polyhedra

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
    /// checked exactly. Throws `LimitReached` after `maximumRegions` regions.
    public static func complete(
        _ g: LinearizedNetwork, over box: InputBox, maximumRegions: Int = .max,
        progress: (Int) -> Void = { _ in }
    ) throws(LimitReached) -> RegionEnumeration {
        let walk = SplitTreeWalk(g, box: box)
        var steps: [RegionSplitTree.Step] = []
        var regions: [LinearRegion] = []
        do {
            try walk.walk(
                decide: { region, c, d, witness in
                    let split = LinearProgramming.split(region, by: c, plus: d, witness: witness)
                    steps.append(.decision(below: split.below.certificate, above: split.above.certificate))
                    return (side(split.below), side(split.above))
                },
                leaf: { pattern, region, witness, logits in
                    let point = interiorPoint(region, hint: witness)
                    steps.append(.leaf(point))
                    regions.append(LinearRegion(pattern: pattern, polytope: region, witness: point,
                                                logitWeights: logits.weights, logitBias: logits.bias))
                    if regions.count % 1000 == 0 { progress(regions.count) }
                    if regions.count >= maximumRegions && maximumRegions != .max {
                        throw LimitReached(regionsFound: regions.count, limit: maximumRegions)
                    }
                })
        } catch let error as LimitReached {
            throw error
        } catch {
            preconditionFailure("unexpected error \(error)")
        }
        return RegionEnumeration(regions: regions, certificate: RegionSplitTree(steps: steps))
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
        var map = AffineMap.identity(x.count)
        var polytope = Polytope(lower: box.lower, upper: box.upper)
        var pattern: [[Int]] = []
        for (layer, p) in zip(g.original.layers, g.activations) {
            let z = map.composed(with: layer.weights, plus: layer.bias)
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
        return (pattern, polytope, map)
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
    var certificate: [Rational]? {
        if case .empty(let y) = self { return y.multipliers }
        return nil
    }
}
