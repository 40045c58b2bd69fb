import ExactArithmetic
import NeuralNetwork
import Polyhedra

/// A DecisionNet certified against the model `f` instead of being equal to
/// `g`: a few hyperplanes, a label for each cell of their arrangement that
/// the table lists, and one label for every other cell.
///
/// A point's cell is its sign pattern with the sign of `h(x) = 0` taken as
/// positive (`signs(of:_:)`), so every point has exactly one cell. What
/// `CertificateChecker.checkCompactDecisionNet` proves
/// (proofs/compact-decision-net.md): with 2 inputs, on every part of the box
/// where `g`'s margin exceeds the error bound, outside the listed uncovered
/// parts, this net answers `f`'s label, and the area where it provably does
/// is at least the stated one; with any other number of inputs, it answers
/// `f`'s label on every listed covered region. Elsewhere its answer is a
/// guess, and it says nothing about `g`.
public struct CompactDecisionNet: Sendable {
    /// The hyperplanes `normal·x + offset = 0` (primitive integer coefficients).
    public let hyperplanes: [Hyperplane]
    /// The label of each listed cell, by its pattern (`true`: `h(x) ≥ 0`).
    public let table: [[Bool]: Int]
    /// The label of every cell the table does not list.
    public let defaultLabel: Int
    /// The hyperplanes in binary64 for the sign filter.
    private let filter: [FilteredHyperplane]
    /// `table` keyed by the pattern's bits (bit `k`: `h_k(x) ≥ 0`), when there are at most 64 hyperplanes.
    private let bitTable: [UInt64: Int]?

    /// A compact net from its parts (not checked here: `CertificateChecker`
    /// proves what a certified one answers).
    public init(hyperplanes: [Hyperplane], table: [[Bool]: Int], defaultLabel: Int) {
        self.hyperplanes = hyperplanes
        self.table = table
        self.defaultLabel = defaultLabel
        filter = hyperplanes.map(FilteredHyperplane.init)
        bitTable = hyperplanes.count <= 64
            ? Dictionary(table.map { (Self.bits($0.key), $0.value) }, uniquingKeysWith: { first, _ in first }) : nil
    }

    /// The compact net a certificate holds, or nil when it holds none. Reads,
    /// does not check: `climep check` proves what it answers.
    public init?(certificate: Certificate) throws(InputError) {
        guard let claims = certificate.compactDecisionNet else { return nil }
        let d = certificate.model.inputs
        for h in claims.hyperplanes where h.normal.count != d {
            throw InputError("certificate: a compact DecisionNet hyperplane has \(h.normal.count) coefficients for \(d) inputs")
        }
        var table: [[Bool]: Int] = [:]
        for (k, entry) in claims.table.enumerated() {
            guard entry.witness.count == d else {
                throw InputError("certificate: compactDecisionNet.table[\(k)]'s witness has \(entry.witness.count) coordinates for \(d) inputs")
            }
            table[Self.signs(of: entry.witness, claims.hyperplanes)] = entry.label
        }
        self.init(hyperplanes: claims.hyperplanes, table: table, defaultLabel: claims.defaultLabel)
    }

    /// The cell of `x`: for each hyperplane, whether `h(x) ≥ 0`, exactly.
    public static func signs(of x: [Rational], _ hyperplanes: [Hyperplane]) -> [Bool] {
        hyperplanes.map { (dot($0.normal, x) + $0.offset).sign >= 0 }
    }

    /// The label of a cell: the table's, else the default.
    public func label(ofCell signs: [Bool]) -> Int { table[signs] ?? defaultLabel }

    /// The net's answer at `x`: `label(ofCell: signs(of: x, hyperplanes))`,
    /// each sign decided in binary64 with a rigorous error bound first and
    /// exactly only when the bound does not decide it (the filter of
    /// proofs/decision-net.md, "Filtered signs"). Same answer, faster.
    public func predict(_ x: [Rational]) -> Int {
        let point = x.map(\.nearestDouble)
        let filtered = point.allSatisfy(\.isFinite)
        return answer { k in
            if filtered, let positive = filter[k].sign(at: point) { return positive }
            return (dot(hyperplanes[k].normal, x) + hyperplanes[k].offset).sign >= 0
        }
    }

    /// `predict` at the point whose coordinates are exactly these doubles
    /// (all finite): no conversion, so a sign is exact arithmetic only on a near-tie.
    public func predict(doubles x: [Double]) -> Int {
        func exactSign(_ k: Int) -> Bool {
            (dot(hyperplanes[k].normal, x.map { Rational(exactly: $0)! }) + hyperplanes[k].offset).sign >= 0
        }
        // The common case without a closure per sign: at most 64 hyperplanes, one word of bits.
        if let bitTable {
            var key: UInt64 = 0
            for k in filter.indices where filter[k].sign(at: x) ?? exactSign(k) { key |= 1 << UInt64(k) }
            return bitTable[key] ?? defaultLabel
        }
        return answer { k in filter[k].sign(at: x) ?? exactSign(k) }
    }

    /// The label of the cell whose sign `k` is `positive(k)`.
    private func answer(_ positive: (Int) -> Bool) -> Int {
        if let bitTable {
            var key: UInt64 = 0
            for k in hyperplanes.indices where positive(k) { key |= 1 << UInt64(k) }
            return bitTable[key] ?? defaultLabel
        }
        return label(ofCell: hyperplanes.indices.map(positive))
    }

    private static func bits(_ signs: [Bool]) -> UInt64 {
        var key: UInt64 = 0
        for (k, positive) in signs.enumerated() where positive { key |= 1 << UInt64(k) }
        return key
    }

    /// Hyperplane coefficients, table entries and the default label: every
    /// number the compact net stores.
    public var parameterCount: Int {
        hyperplanes.count * ((hyperplanes.first?.normal.count ?? 0) + 1) + table.count + 1
    }

    // MARK: Cells a region's proven sides leave (trusted: the checker's coverage test, any dimension)

    /// Whether every cell consistent with `sides` has label `label`: every
    /// cell whose sign `k` is positive where `sides[k] = 1` and negative where
    /// `sides[k] = -1` (`0`: either). A region proven to lie on those sides
    /// then gets `label` at every point (proofs/compact-decision-net.md §4).
    /// The `2^free` consistent cells are not enumerated: the table's
    /// consistent entries must all say `label`, and unless the default is
    /// `label` they must be all `2^free` of them.
    package func answersOnly(_ label: Int, sides: [Int]) -> Bool {
        precondition(sides.count == hyperplanes.count, "one side per hyperplane")
        let free = sides.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
        var consistent = 0
        for (cell, answer) in table
        where sides.indices.allSatisfy({ k in sides[k] == 0 || cell[k] == (sides[k] > 0) }) {
            guard answer == label else { return false }
            consistent += 1
        }
        return defaultLabel == label || (free < 62 && consistent == 1 << free)
    }

    // MARK: Cells of a planar part (trusted: the checker's coverage test)

    /// One piece of a planar convex polygon cut by every hyperplane: its
    /// vertices, area and cell, for a piece that holds a point of that cell.
    package struct Piece: Sendable {
        package let vertices: [[Rational]]
        package let area: Rational
        package let signs: [Bool]
    }

    /// The pieces of the convex polygon `polygon` (counter-clockwise
    /// vertices, `d = 2`) cut by `hyperplanes`: every point `x` of the polygon
    /// lies in a piece whose `signs` are `signs(of: x, hyperplanes)`, and
    /// pieces of positive area overlap only on hyperplanes
    /// (proofs/compact-decision-net.md §2). Exact.
    package static func pieces(of polygon: [[Rational]], _ hyperplanes: [Hyperplane]) -> [Piece] {
        var out: [Piece] = []
        // Depth-first with an explicit stack (a net may have many hyperplanes; checker threads have small stacks).
        var stack: [(part: [[Rational]], signs: [Bool])] = polygon.isEmpty ? [] : [(polygon, [])]
        while let (part, signs) = stack.popLast() {
            let k = signs.count
            guard k < hyperplanes.count else {
                // A piece whose negative sides all vanish on it holds no point of its cell
                // (its points lie on those hyperplanes, where the sign is positive).
                let centre = PlanarPolygon.centroid(part)
                let empty = signs.indices.contains { j in
                    !signs[j] && (dot(hyperplanes[j].normal, centre) + hyperplanes[j].offset).isZero
                }
                if !empty { out.append(Piece(vertices: part, area: CertificateCheck.shoelaceArea(part), signs: signs)) }
                continue
            }
            let h = hyperplanes[k]
            let (above, below) = PlanarPolygon.split(part, normal: h.normal, offset: h.offset)
            // Points with h < 0 exist exactly when `below` is more than the points on the line.
            if below.contains(where: { (dot(h.normal, $0) + h.offset).sign < 0 }) { stack.append((below, signs + [false])) }
            if !above.isEmpty { stack.append((above, signs + [true])) }
        }
        return out
    }

    /// Whether this net gives `label` at every point of the convex polygon
    /// `part`, and the total area of the pieces where it provably does.
    package func coverage(of part: [[Rational]], label: Int) -> (covered: Bool, area: Rational) {
        coverage(of: Self.pieces(of: part, hyperplanes), label: label)
    }

    /// `coverage(of:label:)` from the part's pieces, already cut by this net's hyperplanes.
    package func coverage(of pieces: [Piece], label: Int) -> (covered: Bool, area: Rational) {
        var covered = true, area = Rational.zero
        for piece in pieces {
            if self.label(ofCell: piece.signs) == label { area += piece.area } else { covered = false }
        }
        return (covered, area)
    }
}
