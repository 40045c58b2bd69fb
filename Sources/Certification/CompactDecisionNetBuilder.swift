import ExactArithmetic
import NeuralNetwork
import Polyhedra
import Verification

/// One part of the agreement set of a planar certificate: on region
/// `region`, the polygon (exact, counter-clockwise) where `g`'s margin for
/// `label` reaches the error bound, so `f` answers `label` inside it.
public struct AgreementPart: Sendable {
    public let region: Int
    public let label: Int
    public let vertices: [[Rational]]
}

extension CompactDecisionNet {
    /// Chooses a compact DecisionNet for the agreement parts of a planar
    /// certificate (search, untrusted: the certificate's claims are
    /// recomputed with the checker's own `coverage`).
    ///
    /// Hyperplanes come from `candidates` (the tie hyperplanes of `g`, each
    /// a local piece of its decision boundary): greedily, the one whose cut
    /// leaves the least area-weighted Gini impurity of the cells (a decision
    /// tree's split rule, over areas), until no cell holds two classes (in binary64),
    /// or until the net would exceed `maximumParameters`; then every
    /// hyperplane that can go without mixing classes again is dropped. Each
    /// listed cell takes the class with the most area in it (exact pieces),
    /// the most common class becomes the default label, and each entry's
    /// witness is the centroid of its cell's largest piece.
    public static func build(
        parts: [AgreementPart], candidates: [Hyperplane], classes: Int, box: InputBox,
        maximumParameters: Int? = nil
    ) -> Certificate.CompactDecisionNetClaims {
        let lines = candidates.map(FloatLine.init)
        let fragments = parts.map { Fragment(vertices: $0.vertices.map { SIMD2($0[0].nearestDouble, $0[1].nearestDouble) }, label: $0.label, cell: 0) }
        let scale = (box.upper[0] - box.lower[0]).nearestDouble * (box.upper[1] - box.lower[1]).nearestDouble
        let negligible = scale * 1e-14
        var chosen = chooseGreedily(
            GreedyCells(fragments: fragments, lines: lines, classes: classes, negligible: negligible),
            maximumParameters: maximumParameters)
        var claims = build(parts, chosen.map { candidates[$0] }, classes: classes, box: box)
        // The exact table decides the budget (a piece the binary64 cut lost may add an entry).
        while let maximumParameters, claims.parameters > maximumParameters, !chosen.isEmpty {
            chosen.removeLast()
            claims = build(parts, chosen.map { candidates[$0] }, classes: classes, box: box)
        }
        return claims
    }

    /// The certificate's claims for these hyperplanes: cell labels from the
    /// exact pieces, the uncovered parts and the area from `coverage`.
    static func build(
        _ parts: [AgreementPart], _ hyperplanes: [Hyperplane], classes: Int, box: InputBox
    ) -> Certificate.CompactDecisionNetClaims {
        let pieces = parts.map { CompactDecisionNet.pieces(of: $0.vertices, hyperplanes) }
        // Area per cell and class; the largest piece of each cell names it.
        var areas: [[Bool]: [Rational]] = [:]
        var largest: [[Bool]: CompactDecisionNet.Piece] = [:]
        for (part, cut) in zip(parts, pieces) {
            for piece in cut {
                areas[piece.signs, default: Array(repeating: .zero, count: classes)][part.label] += piece.area
                if piece.area > (largest[piece.signs]?.area ?? .zero) { largest[piece.signs] = piece }
            }
        }
        // Listed cells: non-default labels with a witness strictly inside (a positive-area piece).
        let (table, defaultLabel) = labelledCells(areas, classes: classes) { cell in
            largest[cell].map { PlanarPolygon.centroid($0.vertices) }
        }
        var cellLabels: [[Bool]: Int] = [:]
        for entry in table { cellLabels[CompactDecisionNet.signs(of: entry.witness, hyperplanes)] = entry.label }
        let net = CompactDecisionNet(hyperplanes: hyperplanes, table: cellLabels, defaultLabel: defaultLabel)
        var uncovered: [[Int]] = [], area = Rational.zero
        for (part, cut) in zip(parts, pieces) {
            let (covered, correct) = net.coverage(of: cut, label: part.label)
            if !covered { uncovered.append([part.region, part.label]) }
            area += correct
        }
        let boxArea = (box.upper[0] - box.lower[0]) * (box.upper[1] - box.lower[1])
        return .init(hyperplanes: hyperplanes, table: table, defaultLabel: defaultLabel,
                     uncovered: uncovered.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) },
                     areaLowerBound: Certifier.shortLowerBound(of: area, scale: boxArea),
                     hyperplaneCoefficients: 3 * hyperplanes.count, tableEntries: table.count,
                     parameters: net.parameterCount)
    }
}

/// Cells of the hyperplanes chosen so far, in binary64 (search only): what
/// `CompactDecisionNet.chooseGreedily` needs of the planar parts' areas or of
/// the agreed regions' witnesses.
protocol GreedyCellSearch {
    /// Cells holding two classes.
    var mixedCells: Int { get }
    /// The candidate whose cut leaves the least impurity, among those not excluded that lower it.
    func bestCut(excluding: Set<Int>) -> Int?
    mutating func cut(by candidate: Int)
    /// Numbers the net of `m` hyperplanes would store, estimated from these cells.
    func parameters(hyperplanes m: Int) -> Int
    /// The same search before any cut.
    func restarted() -> Self
}

extension CompactDecisionNet {
    /// The greedy choice both builders make: the best cut while cells mix
    /// classes and the estimated size stays within `maximumParameters`; then,
    /// if no cell mixes classes, every chosen hyperplane the rest makes
    /// unnecessary is dropped, the last chosen first. Returns candidate indices.
    static func chooseGreedily<Cells: GreedyCellSearch>(_ start: Cells, maximumParameters: Int?) -> [Int] {
        var search = start
        var chosen: [Int] = []
        while search.mixedCells > 0, let next = search.bestCut(excluding: Set(chosen)) {
            var trial = search
            trial.cut(by: next)
            // Priced in binary64 per step; the caller prices the exact table once.
            if let maximumParameters, trial.parameters(hyperplanes: chosen.count + 1) > maximumParameters { break }
            search = trial
            chosen.append(next)
        }
        guard search.mixedCells == 0 else { return chosen }
        for index in chosen.indices.reversed() {
            var fewer = chosen
            fewer.remove(at: index)
            var trial = start.restarted()
            for k in fewer { trial.cut(by: k) }
            if trial.mixedCells == 0 { chosen = fewer }
        }
        return chosen
    }

    /// Each cell's label: the class of largest weight in it (area or count;
    /// ties to the smaller class); the default: the label of the most cells;
    /// the table: every other cell that has a witness, in sign-text order.
    static func labelledCells<Weight: Comparable>(
        _ weights: [[Bool]: [Weight]], classes: Int, witness: ([Bool]) -> [Rational]?
    ) -> (table: [Certificate.TableEntry], defaultLabel: Int) {
        var labels: [[Bool]: Int] = [:]
        for (cell, perClass) in weights {
            labels[cell] = perClass.indices.max { (perClass[$0], $1) < (perClass[$1], $0) }!
        }
        var counts = Array(repeating: 0, count: classes)
        for label in labels.values { counts[label] += 1 }
        let defaultLabel = counts.indices.max { (counts[$0], $1) < (counts[$1], $0) } ?? 0
        var table: [Certificate.TableEntry] = []
        for (cell, label) in labels.sorted(by: { DecisionNet.signText($0.key) < DecisionNet.signText($1.key) })
        where label != defaultLabel {
            guard let point = witness(cell) else { continue }
            table.append(.init(label: label, witness: point))
        }
        return (table, defaultLabel)
    }
}

/// A line `a·x + b = 0` in binary64 (search only).
private struct FloatLine {
    let a: SIMD2<Double>
    let b: Double
    init(_ h: Hyperplane) {
        // Scaled to unit normal so that values are distances.
        let a = SIMD2(h.normal[0].nearestDouble, h.normal[1].nearestDouble), b = h.offset.nearestDouble
        let norm = (a * a).sum().squareRoot()
        self.a = a / norm
        self.b = b / norm
    }
    func value(_ p: SIMD2<Double>) -> Double { (a * p).sum() + b }
}

/// A piece of an agreement part in binary64, with its class and the cell it lies in (search only).
private struct Fragment {
    var vertices: [SIMD2<Double>]
    let label: Int
    var cell: Int

    var area: Double {
        var twice = 0.0
        for k in vertices.indices {
            let p = vertices[k], q = vertices[(k + 1) % vertices.count]
            twice += p.x * q.y - q.x * p.y
        }
        return Swift.abs(twice) / 2
    }

    /// The area of the part with `line ≥ 0`, clipped and summed in one pass (no arrays).
    func areaAbove(_ line: FloatLine) -> Double {
        var twice = 0.0, first = SIMD2<Double>(), previous = SIMD2<Double>(), started = false
        func emit(_ p: SIMD2<Double>) {
            if started { twice += previous.x * p.y - p.x * previous.y } else { first = p; started = true }
            previous = p
        }
        let n = vertices.count
        var s = line.value(vertices[0])
        for k in 0..<n {
            let next = vertices[(k + 1) % n], t = line.value(next)
            if s >= 0 { emit(vertices[k]) }
            if (s > 0 && t < 0) || (s < 0 && t > 0) { emit(vertices[k] + (s / (s - t)) * (next - vertices[k])) }
            s = t
        }
        guard started else { return 0 }
        twice += previous.x * first.y - first.x * previous.y
        return Swift.abs(twice) / 2
    }

    /// The parts with `line ≥ 0` and `≤ 0` (Sutherland–Hodgman, in floats).
    func split(by line: FloatLine) -> (above: [SIMD2<Double>], below: [SIMD2<Double>]) {
        let values = vertices.map(line.value)
        if values.allSatisfy({ $0 >= 0 }) { return (vertices, []) }
        if values.allSatisfy({ $0 <= 0 }) { return ([], vertices) }
        var above: [SIMD2<Double>] = [], below: [SIMD2<Double>] = []
        for k in vertices.indices {
            let l = (k + 1) % vertices.count
            let (s, t) = (values[k], values[l])
            if s >= 0 { above.append(vertices[k]) }
            if s <= 0 { below.append(vertices[k]) }
            if (s > 0 && t < 0) || (s < 0 && t > 0) {
                let x = vertices[k] + (s / (s - t)) * (vertices[l] - vertices[k])
                above.append(x)
                below.append(x)
            }
        }
        return (above, below)
    }
}

/// The agreement parts cut into the cells of the chosen lines, in floats (search only).
private struct GreedyCells: GreedyCellSearch {
    var fragments: [Fragment]
    /// The parts uncut, for `restarted`.
    let original: [Fragment]
    let lines: [FloatLine]
    let classes: Int
    /// Areas below this count as nothing (rounding noise).
    let negligible: Double
    var cellCount = 1

    init(fragments: [Fragment], lines: [FloatLine], classes: Int, negligible: Double) {
        self.fragments = fragments
        original = fragments
        self.lines = lines
        self.classes = classes
        self.negligible = negligible
    }

    func restarted() -> GreedyCells { GreedyCells(fragments: original, lines: lines, classes: classes, negligible: negligible) }

    /// Cells holding a non-negligible area of two classes.
    var mixedCells: Int { Self.mixed(areas(), classes: classes, negligible: negligible).cells }

    /// Numbers the net would store (3 per line, an entry per cell whose
    /// largest class is not the most common cell label, the default label),
    /// estimated from the binary64 areas.
    func parameters(hyperplanes m: Int) -> Int {
        let areas = areas()
        var perLabel = [Int](repeating: 0, count: classes)
        for start in stride(from: 0, to: areas.count, by: classes) {
            let slice = Array(areas[start..<start + classes])
            guard slice.contains(where: { $0 > negligible }) else { continue }
            perLabel[slice.indices.max { (slice[$0], $1) < (slice[$1], $0) }!] += 1
        }
        return 3 * m + perLabel.reduce(0, +) - (perLabel.max() ?? 0) + 1
    }

    private func areas() -> [Double] {
        var areas = [Double](repeating: 0, count: cellCount * classes)
        for f in fragments { areas[f.cell * classes + f.label] += f.area }
        return areas
    }

    /// The area-weighted Gini impurity of the cells (`Σ_cells A − Σ_c A_c² / A`,
    /// zero exactly when no cell holds two classes, and lowered by every cut
    /// that separates classes in different proportions), and the cells that hold two classes.
    private static func mixed(_ areas: [Double], classes: Int, negligible: Double) -> (area: Double, cells: Int) {
        var impurity = 0.0, cells = 0
        for start in stride(from: 0, to: areas.count, by: classes) {
            let present = areas[start..<start + classes].filter { $0 > negligible }
            if present.count > 1 {
                cells += 1
                let total = present.reduce(0, +)
                impurity += total - present.reduce(0) { $0 + $1 * $1 } / total
            }
        }
        return (impurity, cells)
    }

    /// The line whose cut leaves the least impurity (then the fewest mixed
    /// cells). Only the fragments of mixed cells are cut: a pure cell stays
    /// pure whatever cuts it, so the others add nothing to either figure.
    func bestCut(excluding: Set<Int>) -> Int? {
        let areas = areas()
        let current = Self.mixed(areas, classes: classes, negligible: negligible)
        // The mixed cells, numbered 0..<m, and their fragments with their areas.
        var slot = [Int](repeating: -1, count: cellCount), m = 0
        for cell in 0..<cellCount where areas[cell * classes..<(cell + 1) * classes].filter({ $0 > negligible }).count > 1 {
            slot[cell] = m
            m += 1
        }
        let mixed = fragments.filter { slot[$0.cell] >= 0 }.map { ($0, $0.area) }
        var best: (index: Int, score: (Double, Int))? = nil
        var split = [Double](repeating: 0, count: 2 * m * classes)
        for (index, line) in lines.enumerated() where !excluding.contains(index) {
            for k in split.indices { split[k] = 0 }
            for (f, whole) in mixed {
                let base = 2 * slot[f.cell] * classes + f.label
                let up = min(whole, f.areaAbove(line))
                split[base] += up
                split[base + classes] += max(0, whole - up)
            }
            let score = Self.mixed(split, classes: classes, negligible: negligible)
            guard score.cells < current.cells || score.area < current.area * (1 - 1e-9) else { continue }
            if best == nil || (score.area, score.cells) < best!.score { best = (index, (score.area, score.cells)) }
        }
        return best?.index
    }

    /// Cuts every fragment by `line`; cells are renumbered to the ones that hold fragments.
    mutating func cut(by candidate: Int) {
        let line = lines[candidate]
        var next: [Fragment] = []
        for f in fragments {
            let (above, below) = f.split(by: line)
            if above.count >= 3 { next.append(Fragment(vertices: above, label: f.label, cell: 2 * f.cell)) }
            if below.count >= 3 { next.append(Fragment(vertices: below, label: f.label, cell: 2 * f.cell + 1)) }
        }
        var renumber: [Int: Int] = [:]
        for k in next.indices {
            let old = next[k].cell
            if let new = renumber[old] { next[k].cell = new } else {
                renumber[old] = renumber.count
                next[k].cell = renumber.count - 1
            }
        }
        fragments = next
        cellCount = max(1, renumber.count)
    }
}
