import ExactArithmetic
import LPSearch
import NeuralNetwork
import Polyhedra
import Regions
import Verification

/// A DecisionNet with what its certificate needs: a witness for every table
/// entry and the separations that make the missing tie hyperplanes
/// unnecessary.
public struct DecisionNetConstruction: Sendable {
    /// The net's hyperplanes.
    public let hyperplanes: [Hyperplane]
    /// The table with each entry's witness point, in the order entries were found.
    public let entries: [Entry]
    /// For every region and pair of classes whose tie hyperplane is not in
    /// the net: the proof that the two never tie at the top there.
    public let separations: [Certificate.Separation]
    /// Table entries that came from training points (not from regions).
    public let trainingEntries: Int
    /// `g` and the box, for `net()`.
    let fallback: LinearizedNetwork
    let box: InputBox

    /// The DecisionNet itself, its table keyed by the entries' sign patterns,
    /// computed on each call: the construction keeps no patterns (for a
    /// certificate's tens of thousands of entries over tens of thousands of
    /// hyperplanes they are gigabytes, and the certificate needs none).
    public func net() -> DecisionNet {
        let patterns = HyperplaneSigns(hyperplanes, over: box).patterns(of: entries.map(\.witness))
        var table: [SignPattern: Int] = [:]
        for (entry, pattern) in zip(entries, patterns) {
            // Every entry's witness was located off every hyperplane when the table was built.
            table[pattern!] = entry.label
        }
        return DecisionNet(hyperplanes: hyperplanes, table: table, fallback: fallback, box: box)
    }

    /// A table entry: `g` answers `label` at `witness`, which is region
    /// `region`'s own witness where `region` is not nil.
    public struct Entry: Sendable {
        public let label: Int
        public let witness: [Rational]
        public let region: Int?
    }
}

extension DecisionNet {
    /// Builds the DecisionNet of `g` from its regions (a complete or a sampled
    /// enumeration), and optionally from training points as the paper does.
    ///
    /// Hyperplanes: on every region and for every pair of classes `a < b`
    /// whose scores differ there, the tie hyperplane `score_a = score_b` —
    /// unless an LP proves that wherever both beat every other class one of
    /// them is strictly ahead (they never tie at the top; the proof is kept as
    /// a separation). This is exactly the condition `CertificateChecker`
    /// verifies, under which two points with one strict sign pattern get one
    /// label from `g` on a complete enumeration (proofs/decision-net.md).
    /// Table: `g`'s exact label at a point strictly inside every region's part
    /// of each class, then at every training point in the box; a pattern is
    /// kept with its first witness.
    public static func build(
        _ enumeration: RegionEnumeration, network g: LinearizedNetwork, over box: InputBox,
        trainingPoints: [[Rational]] = []
    ) -> DecisionNetConstruction {
        build(enumeration, network: g, over: box, trainingPoints: trainingPoints,
              margins: enumeration.regions.parallelMap(RegionMargins.init))
    }

    /// `build`, with each region's margins computed already (`Certifier` shares them with the agreement claims).
    static func build(
        _ enumeration: RegionEnumeration, network g: LinearizedNetwork, over box: InputBox,
        trainingPoints: [[Rational]], margins: [RegionMargins]
    ) -> DecisionNetConstruction {
        let regions = enumeration.regions, classes = g.original.classCount
        // Every region's tie hyperplanes with a separation where one is found: independent
        // LPs, on every core. Then, in region order, a hyperplane joins the net where it is
        // not separated, and is not looked at again (as a sequential walk would decide).
        let ties = Array(regions.indices).parallelMap { r in
            let region = regions[r], margin = margins[r]
            let scores = ClassScores(logitWeights: region.logitWeights, logitBias: region.logitBias)
            var found: [(plane: Hyperplane, separation: Certificate.Separation?)] = []
            for a in 0..<classes {
                for b in (a + 1)..<classes {
                    let (c, d) = scores.difference(a, b)
                    guard let plane = Hyperplane(c, plus: d) else { continue }
                    // Where g answers one label on the whole region, its margin over the other class
                    // separates the pair: a lower bound over the region is one over its part where
                    // both classes lead (the same halfspaces come first, the others get no multiplier).
                    if margin.isPure, a == margin.label || b == margin.label,
                       let low = margin.lowerBound(against: a == margin.label ? b : a) {
                        found.append((plane, .init(region: r, classes: [a, b], larger: margin.label, multipliers: low.certificate)))
                    } else {
                        // With two classes their part where both lead is the region, so a margin that is
                        // not positive there already says the label's class is not strictly ahead.
                        let notLarger = classes == 2 && margin.lowerBounds.count == 1 ? margin.label : nil
                        found.append((plane, separation(a, b, region: r, polytope: region.polytope, scores: scores, notLarger: notLarger)))
                    }
                }
            }
            return found
        }
        var planes: [Hyperplane] = []
        var known: Set<Hyperplane> = []
        var candidates: [(plane: Hyperplane, separation: Certificate.Separation)] = []
        for (plane, separation) in ties.joined() where !known.contains(plane) {
            if let separation {
                candidates.append((plane, separation))
            } else {
                known.insert(plane)
                planes.append(plane)
            }
        }
        // A separation is needed only where its hyperplane did not end up in the net.
        let separations = candidates.filter { !known.contains($0.plane) }.map(\.separation)

        // A point inside each class's part of each region (independent LPs, every core), then the
        // training points; each point's cell and its label from g computed on every core, and
        // learnt in order: a cell keeps its first witness.
        let signs = HyperplaneSigns(planes, over: box)
        // A region inside one class is that class's only part, and its witness is strictly inside it.
        // Elsewhere the witness serves its label's part when it is strictly ahead of every other class.
        let fromRegions = Array(Array(regions.indices).parallelMap { r -> [(witness: [Rational], region: Int?)] in
            let region = regions[r], margin = margins[r]
            if margin.isPure { return [(region.witness, r)] }
            return (0..<classes).compactMap { label in
                if label == margin.label && margin.witnessLeads { return (region.witness, r) }
                return region.classPart(label).flatMap { LinearProgramming.interiorPoint(of: $0).witness }.map { ($0, nil) }
            }
        }.joined())
        let points = fromRegions + trainingPoints.map { ($0, nil) }
        let inBox = points.parallelMap { box.contains($0.witness) }
        // Cells told apart by pattern fingerprints (16 bytes a point, not a pattern of a bit per
        // hyperplane); points whose fingerprints coincide have their patterns compared exactly.
        let fingerprints = signs.fingerprints(of: points.map(\.witness))
        var learntBy: [PatternFingerprint: [Int]] = [:]
        var learnt: [(witness: [Rational], region: Int?)] = []
        var fromTraining = 0
        for (k, point) in points.enumerated() {
            guard inBox[k], let fingerprint = fingerprints[k] else { continue }
            let earlier = learntBy[fingerprint, default: []]
            if !earlier.isEmpty {
                let patterns = signs.patterns(of: [point.witness] + earlier.map { learnt[$0].witness })
                guard !patterns.dropFirst().contains(patterns[0]) else { continue }
            }
            learntBy[fingerprint, default: []].append(learnt.count)
            learnt.append(point)
            if k >= fromRegions.count { fromTraining += 1 }
        }
        let labels = learnt.parallelMap { Network.label(ofLogits: g.exactLogits($0.witness)) }
        let entries = zip(learnt, labels).map { DecisionNetConstruction.Entry(label: $1, witness: $0.witness, region: $0.region) }
        return DecisionNetConstruction(
            hyperplanes: planes, entries: entries, separations: separations, trainingEntries: fromTraining,
            fallback: g, box: box)
    }

    /// An LP proof that on the region, wherever `a` and `b` both beat every
    /// other class, one of them is strictly ahead; nil when none is found.
    /// `notLarger`: a class already known not to be strictly ahead on the part (its LP is skipped).
    static func separation(
        _ a: Int, _ b: Int, region: Int, polytope: Polytope, scores: ClassScores, notLarger: Int? = nil
    ) -> Certificate.Separation? {
        let ahead = scores.bothAhead(a, b, in: polytope)
        let (c, d) = scores.difference(a, b)
        // Empty: a and b never both beat the others here; scaled Farkas multipliers prove a − b ≥ 1 on it.
        func empty() -> Certificate.Separation? {
            LinearProgramming.proveNonnegative(c, plus: d - 1, over: ahead).map {
                .init(region: region, classes: [a, b], larger: a, multipliers: $0)
            }
        }
        if notLarger != a {
            guard let low = LinearProgramming.minimum(of: c, plus: d, over: ahead) else { return empty() }
            if low.value.sign > 0 { return .init(region: region, classes: [a, b], larger: a, multipliers: low.certificate) }
        }
        if notLarger != b {
            guard let high = LinearProgramming.maximum(of: c, plus: d, over: ahead) else { return empty() }
            if high.value.sign < 0 { return .init(region: region, classes: [a, b], larger: b, multipliers: high.certificate) }
        }
        return nil
    }
}
