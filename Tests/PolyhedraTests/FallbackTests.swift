import Testing
import ExactArithmetic
@testable import LPSearch
@testable import Polyhedra

/// Problems where the floating-point search cannot be trusted: the exact LP
/// must take over and agree with the exact strategy.
@Suite struct FallbackTests {
    /// A sliver `1 − 2^-k ≤ x + y ≤ 1` of the unit square: positive area, far
    /// below the float tolerance.
    func sliver(_ k: Int) -> Polytope {
        unitSquare([hs([1, 1], 1), hs([-1, -1], Rational.one.timesPowerOfTwo(-k) - 1)])
    }

    @Test func thinSliverHasAWitnessFoundExactly() throws {
        let p = sliver(60)
        let before = LinearProgramming.exactFallbackCount
        let result = LinearProgramming.interiorPoint(of: p)
        let x = try #require(result.witness)
        #expect(CertificateCheck.verifyWitness(x, of: p))
        #expect(LinearProgramming.exactFallbackCount > before)
        #expect(PlanarPolygon.area(of: p) == Rational.one.timesPowerOfTwo(-60) - Rational.one.timesPowerOfTwo(-121))
        // Both strategies split it the same way.
        for strategy in [LinearProgramming.Strategy.automatic, .exact, .exactFromScratch] {
            let s = LinearProgramming.split(p, by: [1, -1], plus: 0, witness: x, strategy: strategy)
            #expect(CertificateCheck.verify(s, of: p, by: [1, -1], plus: 0))
            #expect(s.below.witness != nil && s.above.witness != nil)
        }
    }

    @Test func touchingHalfspacesHaveEmptyInteriorExactly() throws {
        // x + y ≤ 1 and x + y ≥ 1 + 2^-70 (empty) versus ≥ 1 (a segment).
        for k in [0, 70] {
            let offset = -(Rational.one + (k == 0 ? .zero : Rational.one.timesPowerOfTwo(-k)))
            let p = unitSquare([hs([1, 1], 1), hs([-1, -1], offset)])
            let result = LinearProgramming.interiorPoint(of: p)
            #expect(result.isEmpty)
            #expect(CertificateCheck.verify(result, of: p))
            #expect(LinearProgramming.interiorPoint(of: p, strategy: .exactFromScratch).isEmpty)
        }
    }

    @Test(arguments: [30, 40, 52])
    func nearlyParallelConstraintsGiveValidBounds(exponent k: Int) throws {
        // Two nearly parallel lines meeting at a sharp vertex (y = 1/2): within
        // the float feasibility tolerance the wedge looks like a whole strip, so a
        // float optimum can be far from the true one. Bounds stay valid always,
        // and tight whenever the float optimum is visibly infeasible.
        let e = Rational.one.timesPowerOfTwo(-k)
        let p = Polytope(lower: [-1, -1], upper: [1, 1], halfspaces: [
            hs([1, 1 + e], 1), hs([-1, -(1 - e)], -1 + e),
        ])
        for c: [Rational] in [[1, 0], [0, 1], [1, 1], [q(3, 7), -1]] {
            let auto = try #require(LinearProgramming.range(of: c, plus: 0, over: p))
            let exact = try #require(LinearProgramming.range(of: c, plus: 0, over: p, strategy: .exactFromScratch))
            #expect(CertificateCheck.verifyLowerBound(auto.lower.value, of: c, plus: 0, over: p, certificate: auto.lower.certificate))
            #expect(CertificateCheck.verifyUpperBound(auto.upper.value, of: c, plus: 0, over: p, certificate: auto.upper.certificate))
            #expect(auto.lower.value <= exact.lower.value && exact.upper.value <= auto.upper.value)
            if k <= 40 {
                #expect((exact.lower.value - auto.lower.value).nearestDouble < 1e-6)
                #expect((auto.upper.value - exact.upper.value).nearestDouble < 1e-6)
            }
            // The sign decision is exact regardless.
            #expect((LinearProgramming.proveNonnegative(c, plus: 0, over: p) != nil) == (exact.lower.value.sign >= 0))
        }
        #expect(CertificateCheck.verify(LinearProgramming.interiorPoint(of: p), of: p))
        #expect(LinearProgramming.interiorPoint(of: p).witness != nil)
    }

    @Test func hugeAndTinyCoefficients() throws {
        // Rows whose coefficients do not fit a Double at all go straight to the exact LP.
        let huge = Rational.one.timesPowerOfTwo(3000), tiny = Rational.one.timesPowerOfTwo(-3000)
        let p = unitSquare([hs([huge, huge], huge), hs([tiny, -tiny], 0)])  // x + y ≤ 1, x ≤ y
        let before = LinearProgramming.exactFallbackCount
        let result = LinearProgramming.interiorPoint(of: p)
        #expect(CertificateCheck.verify(result, of: p))
        #expect(result.witness != nil)
        #expect(LinearProgramming.exactFallbackCount > before)
        let r = try #require(LinearProgramming.range(of: [1, 0], plus: 0, over: p))
        #expect(r.lower.value == 0 && r.upper.value == q(1, 2))
        #expect(PlanarPolygon.area(of: p) == q(1, 4))
        // Mixed scales that do fit: 2^±500.
        let big = Rational.one.timesPowerOfTwo(500), small = Rational.one.timesPowerOfTwo(-500)
        let mixed = unitSquare([hs([big, big], big), hs([small, -small], 0)])
        let m = try #require(LinearProgramming.range(of: [1, 0], plus: 0, over: mixed))
        #expect(CertificateCheck.verifyUpperBound(m.upper.value, of: [1, 0], plus: 0, over: mixed, certificate: m.upper.certificate))
        #expect(m.upper.value >= q(1, 2) && (m.upper.value - q(1, 2)).nearestDouble < 1e-9)
    }

    @Test func touchingCutsAreSettledByTheExactDualOfTheFloatBasis() throws {
        // z = c·x − c·v with c in the normal cone at a vertex v: z ≤ 0 on P and
        // z(v) = 0, so P ∩ {z ≥ 0} has empty interior with a bound of exactly 0,
        // which float multipliers miss by rounding; the exact dual of the float
        // basis (a small linear solve, no simplex) hits it.
        var rng = SplitMix64(state: 17)
        var tested = 0
        for _ in 0..<40 {
            let p = randomPolytope(dimension: 2, halfspaces: 8, &rng)
            for v in PlanarPolygon.vertices(of: p) {
                let active = p.halfspaces.filter { $0.slack(at: v).isZero }
                guard active.count == 2 else { continue }
                let c = [active[0].normal[0] + active[1].normal[0], active[0].normal[1] + active[1].normal[1]]
                let offset = -dot(c, v)
                // min of −z over p is exactly 0.
                let negated = c.map { -$0 }
                guard var float = LPProblems.floatMinimum(negated, over: p, rows: SearchRows(p))?.0, float.solve() == .optimal else { continue }
                if let y = LPProblems.exactMinimum(negated, over: p).exactDual(ofBasisOf: float) {
                    let bound = CertificateCheck.certifiedLowerBound(of: negated, plus: -offset, over: p, certificate: BoundCertificate(multipliers: y))
                    #expect(bound == 0)
                }
                let s = LinearProgramming.split(p, by: c, plus: offset)
                #expect(CertificateCheck.verify(s, of: p, by: c, plus: offset))
                #expect(s.above.isEmpty && !s.below.isEmpty)
                let certificate = try #require(LinearProgramming.proveNonnegative(negated, plus: -offset, over: p))
                #expect(CertificateCheck.verifyLowerBound(0, of: negated, plus: -offset, over: p, certificate: certificate))
                tested += 1
            }
        }
        #expect(tested > 10)
    }

    @Test func warmStartReachesTheFloatBasis() throws {
        var rng = SplitMix64(state: 5)
        for _ in 0..<20 {
            let p = randomPolytope(dimension: 4, halfspaces: 12, &rng)
            let c = (0..<4).map { _ in float32(in: -1 ... 1, &rng) }
            guard var float = LPProblems.floatMinimum(c, over: p, rows: SearchRows(p))?.0 else { continue }
            guard float.solve() == .optimal else { continue }
            var warm = LPProblems.exactMinimum(c, over: p)
            if warm.warmStart(from: float) {
                #expect(warm.solve() == .optimal)
                var cold = LPProblems.exactMinimum(c, over: p)
                #expect(cold.solve() == .optimal)
                #expect(warm.objectiveValue() == cold.objectiveValue())
                // A correct float optimum needs no further exact pivots.
                #expect(warm.iterations <= 1)
            }
        }
    }
}
