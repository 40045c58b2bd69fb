import Testing
import ExactArithmetic
@testable import LPSearch
@testable import Polyhedra

/// The way the region enumerator uses this module: a split tree whose leaves
/// are certified cells.
@Suite struct EnumerationTests {
    /// Splits the box by every line in turn, keeping the children with interior.
    func arrangement(_ lines: [([Rational], Rational)], box: Polytope, strategy: LinearProgramming.Strategy = .automatic) -> [Polytope] {
        var frontier = [box]
        for (c, d) in lines {
            var next: [Polytope] = []
            for p in frontier {
                let s = LinearProgramming.split(p, by: c, plus: d, strategy: strategy)
                #expect(CertificateCheck.verify(s, of: p, by: c, plus: d))
                for child in [s.belowPolytope, s.abovePolytope].compactMap({ $0 }) {
                    #expect(child.interiorWitness.map { CertificateCheck.verifyWitness($0, of: child) } == true)
                    next.append(child)
                }
                #expect((s.belowPolytope == nil) == s.below.isEmpty && (s.abovePolytope == nil) == s.above.isEmpty)
            }
            frontier = next
        }
        return frontier
    }

    @Test func cellAreasSumToTheBoxExactly() {
        var rng = SplitMix64(state: 31)
        let box = Polytope(lower: [-1, q(-1, 2)], upper: [1, q(3, 2)])
        let lines = (0..<14).map { _ in ([float32(in: -1 ... 1, &rng), float32(in: -1 ... 1, &rng)], float32(in: -0.6 ... 0.6, &rng)) }
        let cells = arrangement(lines, box: box)
        var total = Rational.zero
        for cell in cells {
            let v = PlanarPolygon.vertices(of: cell)
            #expect(CertificateCheck.verifyPolygon(v, of: cell))
            total += PlanarPolygon.area(of: cell)
        }
        #expect(total == 4)
        // Lines in general position inside the box: at most 1 + n + C(n, 2) cells.
        #expect(cells.count > 14 && cells.count <= 1 + 14 + 14 * 13 / 2)
        #expect(arrangement(lines, box: box, strategy: .exactFromScratch).count == cells.count)
    }

    @Test func concurrentLinesThroughOnePoint() {
        // Every line passes through (1/4, 1/4): a degenerate arrangement (a vertex
        // where all meet) that tests ties in the LPs and the exact fallback.
        let lines: [([Rational], Rational)] = (1...7).map { k in
            let a = [Rational(k), Rational(k * k - 20)]
            return (a, -(a[0] + a[1]).timesPowerOfTwo(-2))
        }
        let box = Polytope(lower: [0, 0], upper: [1, 1])
        for strategy in [LinearProgramming.Strategy.automatic, .exactFromScratch] {
            let cells = arrangement(lines, box: box, strategy: strategy)
            #expect(cells.count == 14)
            var total = Rational.zero
            for cell in cells { total += PlanarPolygon.area(of: cell) }
            #expect(total == 1)
        }
    }

    @Test func degenerateLPsTerminateExactly() throws {
        // Many halfspaces through the origin, a vertex of the box: a highly
        // degenerate LP for Bland's rule.
        var rng = SplitMix64(state: 8)
        for d in [2, 3, 4] {
            var halfspaces: [Halfspace] = []
            for _ in 0..<(6 * d) {
                let a = (0..<d).map { _ in Rational(Int.random(in: -3...3, using: &rng)) }
                halfspaces.append(Halfspace(normal: a, offset: 0))
            }
            let p = Polytope(lower: Array(repeating: 0, count: d), upper: Array(repeating: 1, count: d), halfspaces: halfspaces)
            for strategy in [LinearProgramming.Strategy.automatic, .exact, .exactFromScratch] {
                #expect(CertificateCheck.verify(LinearProgramming.interiorPoint(of: p, strategy: strategy), of: p))
                for _ in 0..<4 {
                    let c = (0..<d).map { _ in Rational(Int.random(in: -2...2, using: &rng)) }
                    if let r = LinearProgramming.range(of: c, plus: 0, over: p, strategy: strategy) {
                        #expect(CertificateCheck.verifyLowerBound(r.lower.value, of: c, plus: 0, over: p, certificate: r.lower.certificate))
                        #expect(CertificateCheck.verifyUpperBound(r.upper.value, of: c, plus: 0, over: p, certificate: r.upper.certificate))
                        #expect(r.lower.value <= 0 && r.upper.value >= 0)  // the origin is in p
                    }
                }
            }
        }
    }

    @Test func witnessesAreCarriedAndRechecked() throws {
        let box = Polytope(lower: [0, 0], upper: [2, 2])
        #expect(box.interiorWitness == [1, 1])
        let kept = box.adding(hs([1, 0], q(3, 2)))
        #expect(kept.interiorWitness == [1, 1])
        let dropped = box.adding(hs([1, 0], 1))  // x ≤ 1: the centre is on the boundary
        #expect(dropped.interiorWitness == nil)
        #expect(dropped.withInteriorWitness([q(1, 2), 1])?.interiorWitness == [q(1, 2), 1])
        #expect(dropped.withInteriorWitness([1, 1]) == nil)
        #expect(Polytope(lower: [0], upper: [1], halfspaces: [hs([1], 1)]).interiorWitness == nil)
        // A wrong caller-supplied witness is not trusted.
        let s = LinearProgramming.split(dropped, by: [0, 1], plus: -1, witness: [5, 5])
        #expect(CertificateCheck.verify(s, of: dropped, by: [0, 1], plus: -1))
    }

    @Test func higherDimensionsStillVerify() {
        var rng = SplitMix64(state: 12)
        for d in [10, 20] {
            for _ in 0..<3 {
                let p = randomPolytope(dimension: d, halfspaces: 2 * d, &rng)
                let result = LinearProgramming.interiorPoint(of: p)
                #expect(CertificateCheck.verify(result, of: p))
                let c = (0..<d).map { _ in float32(in: -1 ... 1, &rng) }
                if let r = LinearProgramming.range(of: c, plus: 0, over: p) {
                    #expect(CertificateCheck.verifyLowerBound(r.lower.value, of: c, plus: 0, over: p, certificate: r.lower.certificate))
                    #expect(CertificateCheck.verifyUpperBound(r.upper.value, of: c, plus: 0, over: p, certificate: r.upper.certificate))
                    #expect(r.lower.value <= r.upper.value)
                }
                let s = LinearProgramming.split(p, by: c, plus: 0)
                #expect(CertificateCheck.verify(s, of: p, by: c, plus: 0))
            }
        }
    }
}
