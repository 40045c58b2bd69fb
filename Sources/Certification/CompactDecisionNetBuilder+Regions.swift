import ExactArithmetic
import Foundation
import LPSearch
import Polyhedra
import Verification

/// An agreed region of a certificate with other than 2 inputs, as the compact
/// net's search sees it: the region's index, polytope, a point strictly
/// inside it and the label `f` provably answers on it.
public struct AgreedRegionSample: Sendable {
    public let region: Int
    public let polytope: Polytope
    public let witness: [Rational]
    public let label: Int

    public init(region: Int, polytope: Polytope, witness: [Rational], label: Int) {
        self.region = region
        self.polytope = polytope
        self.witness = witness
        self.label = label
    }
}

extension CompactDecisionNet {
    /// Chooses a compact DecisionNet for a certificate with other than 2
    /// inputs (search, untrusted: the checker re-proves every covered region).
    ///
    /// Without areas, each agreed region counts once, at its witness: from
    /// `candidates` (`g`'s tie hyperplanes), greedily the one whose cut leaves
    /// the least count-weighted Gini impurity of the cells, until no cell holds
    /// witnesses of two labels or the net would exceed `maximumParameters`;
    /// then every hyperplane the rest makes unnecessary is dropped. Each cell
    /// takes its most common label, the most common cell label is the
    /// default. A region is listed as covered when linear programs prove on
    /// which side of each hyperplane it lies and every cell those sides leave
    /// possible has its label; regions that straddle a hyperplane between
    /// cells of different labels are not claimed.
    public static func build(
        agreed: [AgreedRegionSample], candidates: [Hyperplane], classes: Int, inputs d: Int,
        maximumParameters: Int? = nil
    ) -> Certificate.CompactDecisionNetClaims {
        let points = agreed.map { $0.witness.map(\.nearestDouble) }
        let planes = candidates.map { h in (normal: h.normal.map(\.nearestDouble), offset: h.offset.nearestDouble) }
        var chosen = chooseGreedily(
            PointCells(labels: agreed.map(\.label), classes: classes, candidates: candidates.count, inputs: d) { plane, point in
                var value = planes[plane].offset
                for (a, x) in zip(planes[plane].normal, points[point]) { value += a * x }
                return value >= 0
            },
            maximumParameters: maximumParameters)
        // The estimate counted cells in binary64; the exact table decides (a near-tie may differ).
        var exact = cells(agreed, chosen.map { candidates[$0] }, classes: classes)
        while let maximumParameters, !chosen.isEmpty, exact.parameters(inputs: d) > maximumParameters {
            chosen.removeLast()
            exact = cells(agreed, chosen.map { candidates[$0] }, classes: classes)
        }
        return claims(agreed, exact, inputs: d)
    }

    /// The exact cells of the witnesses under `hyperplanes`: the table entries
    /// (a non-default majority label and a witness off every hyperplane) and the default label.
    struct RegionCells {
        let hyperplanes: [Hyperplane]
        let table: [Certificate.TableEntry]
        let defaultLabel: Int

        func parameters(inputs d: Int) -> Int { hyperplanes.count * (d + 1) + table.count + 1 }
    }

    static func cells(_ agreed: [AgreedRegionSample], _ hyperplanes: [Hyperplane], classes: Int) -> RegionCells {
        var counts: [[Bool]: [Int]] = [:]
        var witness: [[Bool]: [Rational]] = [:]
        for region in agreed {
            let cell = signs(of: region.witness, hyperplanes)
            counts[cell, default: Array(repeating: 0, count: classes)][region.label] += 1
            // A table entry's witness must lie off every hyperplane.
            if witness[cell] == nil, DecisionNet.strictSigns(of: region.witness, hyperplanes) != nil {
                witness[cell] = region.witness
            }
        }
        let (table, defaultLabel) = labelledCells(counts, classes: classes) { witness[$0] }
        return RegionCells(hyperplanes: hyperplanes, table: table, defaultLabel: defaultLabel)
    }

    /// The certificate's claims for these exact cells (their hyperplanes,
    /// table and default label), and every region whose sides the linear
    /// programs prove and whose possible cells all carry its label.
    static func claims(
        _ agreed: [AgreedRegionSample], _ exact: RegionCells, inputs d: Int
    ) -> Certificate.CompactDecisionNetClaims {
        let hyperplanes = exact.hyperplanes, table = exact.table, defaultLabel = exact.defaultLabel
        var listed: [[Bool]: Int] = [:]
        for entry in table { listed[signs(of: entry.witness, hyperplanes)] = entry.label }
        let net = CompactDecisionNet(hyperplanes: hyperplanes, table: listed, defaultLabel: defaultLabel)
        let covered = agreed.parallelMap { coveredRegion($0, net: net) }.compactMap { $0 }
        let coefficients = hyperplanes.count * (d + 1)
        return .init(hyperplanes: hyperplanes, table: table, defaultLabel: defaultLabel, covered: covered,
                     hyperplaneCoefficients: coefficients, tableEntries: table.count,
                     parameters: coefficients + table.count + 1)
    }

    /// The region with its proven sides, when every cell they leave possible
    /// answers its label; nil otherwise. One linear program per hyperplane,
    /// on the side of the region's witness (both when the witness is on it).
    private static func coveredRegion(_ region: AgreedRegionSample, net: CompactDecisionNet) -> Certificate.CoveredRegion? {
        var sides: [Int] = [], proofs: [BoundCertificate] = []
        for h in net.hyperplanes {
            let atWitness = (dot(h.normal, region.witness) + h.offset).sign
            if atWitness >= 0, let low = LinearProgramming.minimum(of: h.normal, plus: h.offset, over: region.polytope),
               low.value.sign >= 0 {
                sides.append(1)
                proofs.append(low.certificate)
            } else if atWitness <= 0,
                      let low = LinearProgramming.minimum(of: h.normal.map { -$0 }, plus: -h.offset, over: region.polytope),
                      low.value.sign > 0 {
                sides.append(-1)
                proofs.append(low.certificate)
            } else {
                sides.append(0)
            }
        }
        guard net.answersOnly(region.label, sides: sides) else { return nil }
        return .init(region: region.region, sides: sides, proofs: proofs)
    }
}

/// Labelled points grouped into the cells of the chosen hyperplanes (search only).
private struct PointCells: GreedyCellSearch {
    let labels: [Int]
    let classes: Int
    let candidates: Int
    let inputs: Int
    /// Whether point `p` lies on the `≥ 0` side of candidate `k`: `above(k, p)`.
    let above: (Int, Int) -> Bool
    var cells: [Int]
    var cellCount = 1

    init(labels: [Int], classes: Int, candidates: Int, inputs: Int, above: @escaping (Int, Int) -> Bool) {
        self.labels = labels
        self.classes = classes
        self.candidates = candidates
        self.inputs = inputs
        self.above = above
        cells = Array(repeating: 0, count: labels.count)
    }

    func restarted() -> PointCells {
        PointCells(labels: labels, classes: classes, candidates: candidates, inputs: inputs, above: above)
    }

    private func counts() -> [Int] {
        var counts = [Int](repeating: 0, count: cellCount * classes)
        for (cell, label) in zip(cells, labels) { counts[cell * classes + label] += 1 }
        return counts
    }

    /// The count-weighted Gini impurity (`Σ_cells n − Σ_c n_c² / n`) and the cells holding two labels.
    private static func impurity(_ counts: [Int], classes: Int) -> (value: Double, mixed: Int) {
        var value = 0.0, mixed = 0
        for start in stride(from: 0, to: counts.count, by: classes) {
            let slice = counts[start..<start + classes]
            let total = slice.reduce(0, +)
            guard slice.filter({ $0 > 0 }).count > 1 else { continue }
            mixed += 1
            value += Double(total) - Double(slice.reduce(0) { $0 + $1 * $1 }) / Double(total)
        }
        return (value, mixed)
    }

    var mixedCells: Int { Self.impurity(counts(), classes: classes).mixed }

    /// Numbers the net would store: coefficients, an entry per cell whose
    /// majority label is not the most common one, and the default label.
    func parameters(hyperplanes m: Int) -> Int {
        let d = inputs
        let counts = counts()
        var perLabel = [Int](repeating: 0, count: classes)
        for start in stride(from: 0, to: counts.count, by: classes) where counts[start..<start + classes].contains(where: { $0 > 0 }) {
            let slice = Array(counts[start..<start + classes])
            perLabel[slice.indices.max { (slice[$0], $1) < (slice[$1], $0) }!] += 1
        }
        return m * (d + 1) + perLabel.reduce(0, +) - (perLabel.max() ?? 0) + 1
    }

    /// The candidate whose cut leaves the least impurity (then the fewest
    /// mixed cells), among those that lower either; only points of mixed cells are tested.
    func bestCut(excluding: Set<Int>) -> Int? {
        let counts = counts()
        let current = Self.impurity(counts, classes: classes)
        var slot = [Int](repeating: -1, count: cellCount), m = 0
        for cell in 0..<cellCount where counts[cell * classes..<(cell + 1) * classes].filter({ $0 > 0 }).count > 1 {
            slot[cell] = m
            m += 1
        }
        let mixed = cells.indices.filter { slot[cells[$0]] >= 0 }
        var best: (index: Int, score: (Double, Int))? = nil
        var split = [Int](repeating: 0, count: 2 * m * classes)
        for candidate in 0..<candidates where !excluding.contains(candidate) {
            for k in split.indices { split[k] = 0 }
            for point in mixed {
                split[2 * slot[cells[point]] * classes + (above(candidate, point) ? 0 : classes) + labels[point]] += 1
            }
            let score = Self.impurity(split, classes: classes)
            guard score.mixed < current.mixed || score.value < current.value * (1 - 1e-9) else { continue }
            if best == nil || (score.value, score.mixed) < best!.score { best = (candidate, (score.value, score.mixed)) }
        }
        return best?.index
    }

    /// Splits every cell by `above(point)`; cells are renumbered to the non-empty ones.
    mutating func cut(by candidate: Int) {
        var renumber: [Int: Int] = [:]
        for point in cells.indices {
            let old = 2 * cells[point] + (above(candidate, point) ? 0 : 1)
            if let new = renumber[old] { cells[point] = new } else {
                renumber[old] = renumber.count
                cells[point] = renumber.count - 1
            }
        }
        cellCount = max(1, renumber.count)
    }
}
