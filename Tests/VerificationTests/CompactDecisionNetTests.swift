import ExactArithmetic
import FixtureSupport
import Polyhedra
import Testing
@testable import Verification

/// `CompactDecisionNet.pieces` (proofs/compact-decision-net.md, Lemma 2),
/// recounted independently: every point of a polygon lies in a piece whose
/// signs are its own cell, recomputed point by point; the pieces' areas add
/// up to the polygon's exactly (they overlap only on lines); lines through
/// vertices and along edges, where half-open cells matter, are included.
@Suite struct CompactDecisionNetTests {
    /// A random convex polygon: `[-1, 1]²` cut by a few random halfplanes.
    static func polygon(_ rng: inout SeededGenerator) -> [[Rational]] {
        var p = Polytope(lower: [-1, -1], upper: [1, 1])
        for _ in 0..<3 {
            let c = [Rational(Int.random(in: -8...8, using: &rng), 8), Rational(Int.random(in: -8...8, using: &rng), 8)]
            p = p.adding(.nonnegative(c, plus: Rational(Int.random(in: 2...8, using: &rng), 8)))
        }
        return PlanarPolygon.vertices(of: p)
    }

    /// Lines: random ones, one through a vertex, one through two vertices (along an edge or a diagonal).
    static func lines(through polygon: [[Rational]], _ rng: inout SeededGenerator) -> [Hyperplane] {
        var lines: [Hyperplane] = []
        for _ in 0..<3 {
            let n = [Rational(Int.random(in: -9...9, using: &rng), 4), Rational(Int.random(in: 1...9, using: &rng), 4)]
            if let h = Hyperplane(n, plus: Rational(Int.random(in: -6...6, using: &rng), 8)) { lines.append(h) }
        }
        let a = polygon[0], b = polygon[polygon.count / 2], c = polygon[1]
        let through = [Rational(1), Rational(-3, 2)]
        if let h = Hyperplane(through, plus: -dot(through, a)) { lines.append(h) }
        for (p, q) in [(a, b), (a, c)] {
            let normal = [q[1] - p[1], p[0] - q[0]]
            if let h = Hyperplane(normal, plus: -dot(normal, p)) { lines.append(h) }
        }
        return Array(Set(lines))
    }

    /// Whether `x` lies in the convex hull of `piece` (boundary order): a polygon, a segment or a point.
    static func contains(_ piece: [[Rational]], _ x: [Rational]) -> Bool {
        switch piece.count {
        case 0: return false
        case 1: return piece[0] == x
        case 2:
            let (a, b) = (piece[0], piece[1])
            guard CertificateCheck.cross(a, b, x).isZero else { return false }
            return (0..<2).allSatisfy { min(a[$0], b[$0]) <= x[$0] && x[$0] <= max(a[$0], b[$0]) }
        default:
            let orientation = CertificateCheck.shoelaceArea(piece).sign
            return piece.indices.allSatisfy { k in
                CertificateCheck.cross(piece[k], piece[(k + 1) % piece.count], x).sign * orientation >= 0
            }
        }
    }

    @Test(arguments: 1...12)
    func everyPointLiesInAPieceOfItsOwnCell(seed: UInt64) throws {
        var rng = SeededGenerator(state: seed)
        let polygon = Self.polygon(&rng)
        try #require(polygon.count >= 3)
        let lines = Self.lines(through: polygon, &rng)
        let pieces = CompactDecisionNet.pieces(of: polygon, lines)
        #expect(pieces.reduce(Rational.zero) { $0 + $1.area } == CertificateCheck.shoelaceArea(polygon))

        // Vertices, edge midpoints, random inner points, and points where the lines meet the edges.
        var points = polygon
        for k in polygon.indices {
            let (p, q) = (polygon[k], polygon[(k + 1) % polygon.count])
            points.append([(p[0] + q[0]) / 2, (p[1] + q[1]) / 2])
            for h in lines {
                let (a, b) = (dot(h.normal, p) + h.offset, dot(h.normal, q) + h.offset)
                if a.sign * b.sign < 0 { let t = a / (a - b); points.append([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]) }
            }
        }
        for _ in 0..<200 {
            let weights = polygon.map { _ in Rational(Int.random(in: 0...16, using: &rng)) }
            let total = weights.reduce(.zero, +)
            guard !total.isZero else { continue }
            points.append([0, 1].map { j in zip(weights, polygon).reduce(.zero) { $0 + $1.0 * $1.1[j] } / total })
        }
        for x in points {
            // The cell recomputed here: h(x) ≥ 0 counts as positive.
            let cell = lines.map { (dot($0.normal, x) + $0.offset).sign >= 0 }
            #expect(pieces.contains { $0.signs == cell && Self.contains($0.vertices, x) }, "\(x) in no piece of its cell \(cell)")
        }
    }

    /// The net's answer is its table's label for the point's cell, else the
    /// default; on a hyperplane the positive side's; the binary64 filter never
    /// changes it (points 2^-70 off the line, and on it).
    @Test func predictAnswersTheCellsLabel() throws {
        let h = try #require(Hyperplane([1, 1], plus: Rational(-1, 3)))
        let net = CompactDecisionNet(hyperplanes: [h], table: [[true]: 2], defaultLabel: 1)
        let tiny = Rational.one.timesPowerOfTwo(-70)
        #expect(net.predict([Rational(1, 3), 0]) == 2)  // on the line
        #expect(net.predict([Rational(1, 3) + tiny, 0]) == 2)
        #expect(net.predict([Rational(1, 3) - tiny, 0]) == 1)
        #expect(net.predict(doubles: [1, 0]) == 2 && net.predict(doubles: [0, 0]) == 1)
        #expect(net.parameterCount == 3 + 1 + 1)
    }

    /// `answersOnly` (proofs/compact-decision-net.md §4) against listing every
    /// cell the sides leave possible and looking each one up: random tables
    /// over 5 hyperplanes, random sides, every default label.
    @Test(arguments: 1...8)
    func answersOnlyEqualsListingThePossibleCells(seed: UInt64) throws {
        var rng = SeededGenerator(state: seed)
        let m = 5
        let planes = (0..<m).compactMap { k in Hyperplane([Rational(k + 1), 1, 0], plus: Rational(-k)) }
        #expect(planes.count == m)
        var decided = 0, answered = 0
        for _ in 0..<60 {
            var table: [[Bool]: Int] = [:]
            let defaultLabel = Int.random(in: 0..<3, using: &rng)
            // Dense tables sometimes, so that "every possible cell listed" happens.
            let entries = Int.random(in: 0...(1 << m), using: &rng)
            for _ in 0..<entries {
                let cell = (0..<m).map { _ in Bool.random(using: &rng) }
                let label = Int.random(in: 0..<3, using: &rng)
                if label != defaultLabel { table[cell] = Bool.random(using: &rng) ? label : (defaultLabel + 1) % 3 }
            }
            let net = CompactDecisionNet(hyperplanes: planes, table: table, defaultLabel: defaultLabel)
            for _ in 0..<10 {
                let sides = (0..<m).map { _ in Int.random(in: -1...1, using: &rng) }
                let free = sides.indices.filter { sides[$0] == 0 }
                var labels: Set<Int> = []
                for bits in 0..<(1 << free.count) {
                    var cell = sides.map { $0 > 0 }
                    for (b, k) in free.enumerated() { cell[k] = bits >> b & 1 == 1 }
                    labels.insert(table[cell] ?? defaultLabel)
                }
                for label in 0..<3 {
                    let expected = labels == [label]
                    #expect(net.answersOnly(label, sides: sides) == expected, "sides \(sides), label \(label)")
                    if expected { answered += 1 }
                    decided += 1
                }
            }
        }
        #expect(answered > 0 && answered < decided, "both answers occur: \(answered) of \(decided)")
    }
}
