import Foundation
import Testing
import ExactArithmetic
@testable import LPSearch
@testable import Polyhedra

/// `[0, 1]²` with the given halfspaces.
func unitSquare(_ halfspaces: [Halfspace] = []) -> Polytope {
    Polytope(lower: [0, 0], upper: [1, 1], halfspaces: halfspaces)
}

func q(_ n: Int, _ d: Int = 1) -> Rational { Rational(n, d) }

/// `a·x ≤ b` from integers / fractions.
func hs(_ a: [Rational], _ b: Rational) -> Halfspace { Halfspace(normal: a, offset: b) }

@Suite struct HandCheckedTests {
    let triangle = unitSquare([hs([1, 1], 1)])

    @Test func triangleVerticesAndArea() {
        let v = PlanarPolygon.vertices(of: triangle)
        #expect(v == [[0, 0], [1, 0], [0, 1]])
        #expect(PlanarPolygon.area(of: triangle) == q(1, 2))
        #expect(CertificateCheck.verifyPolygon(v, of: triangle))
        #expect(PlanarPolygon.area(of: unitSquare()) == 1)
    }

    @Test func triangleRangesAreExactAndCertified() throws {
        for strategy in [LinearProgramming.Strategy.automatic, .exact, .exactFromScratch] {
            let r = try #require(LinearProgramming.range(of: [1, 1], plus: 0, over: triangle, strategy: strategy))
            #expect(CertificateCheck.verifyLowerBound(r.lower.value, of: [1, 1], plus: 0, over: triangle, certificate: r.lower.certificate))
            #expect(CertificateCheck.verifyUpperBound(r.upper.value, of: [1, 1], plus: 0, over: triangle, certificate: r.upper.certificate))
            #expect(r.lower.value == 0)
            #expect(r.upper.value == 1)
            // x − 2y + 1/4 over the triangle: min at (0, 1) = −7/4, max at (1, 0) = 5/4.
            let s = try #require(LinearProgramming.range(of: [1, -2], plus: q(1, 4), over: triangle, strategy: strategy))
            #expect(s.lower.value == q(-7, 4))
            #expect(s.upper.value == q(5, 4))
            // 2x + 3y: max needs the cut (box alone gives 5); the answer is 3 at (0, 1).
            let t = try #require(LinearProgramming.maximum(of: [2, 3], plus: 0, over: triangle, strategy: strategy))
            #expect(t.value == 3)
            #expect(!t.certificate.isBoxBound)
            #expect(CertificateCheck.verifyUpperBound(3, of: [2, 3], plus: 0, over: triangle, certificate: t.certificate))
        }
    }

    @Test func witnessIsStrictlyInside() throws {
        let result = LinearProgramming.interiorPoint(of: triangle)
        let x = try #require(result.witness)
        #expect(CertificateCheck.verifyWitness(x, of: triangle))
        #expect(x.allSatisfy { $0.isDyadic && $0 > 0 && $0 < 1 })
        #expect(x[0] + x[1] < 1)
    }

    @Test func emptyIntersectionHasACertificate() throws {
        let empty = unitSquare([hs([1, 1], 1), hs([-1, -1], -3)])  // x + y ≤ 1 and x + y ≥ 3
        for strategy in [LinearProgramming.Strategy.automatic, .exact, .exactFromScratch] {
            let result = LinearProgramming.interiorPoint(of: empty, strategy: strategy)
            guard case .empty(let y) = result else { Issue.record("expected empty"); continue }
            #expect(CertificateCheck.verifyEmptyInterior(of: empty, certificate: y))
            #expect(LinearProgramming.minimum(of: [1, 0], plus: 0, over: empty, strategy: strategy) == nil)
        }
        // By hand: y = (1, 1) gives (x + y − 1) + (3 − x − y) = 2 ≥ 0.
        #expect(CertificateCheck.verifyEmptyInterior(of: empty, certificate: BoundCertificate(multipliers: [1, 1])))
        #expect(CertificateCheck.verifyEmpty(empty, certificate: BoundCertificate(multipliers: [1, 1])))
        #expect(PlanarPolygon.vertices(of: empty).isEmpty)
        #expect(PlanarPolygon.area(of: empty) == 0)
    }

    @Test func lowerDimensionalPolytopeHasEmptyInterior() throws {
        // x ≤ 1/2 and x ≥ 1/2: a segment. Closed non-empty, interior empty.
        let segment = unitSquare([hs([1, 0], q(1, 2)), hs([-1, 0], q(-1, 2))])
        for strategy in [LinearProgramming.Strategy.automatic, .exact, .exactFromScratch] {
            let result = LinearProgramming.interiorPoint(of: segment, strategy: strategy)
            #expect(result.isEmpty)
            #expect(CertificateCheck.verify(result, of: segment))
            let r = try #require(LinearProgramming.range(of: [0, 1], plus: 0, over: segment, strategy: strategy))
            #expect(r.lower.value == 0 && r.upper.value == 1)
        }
        #expect(PlanarPolygon.vertices(of: segment) == [[q(1, 2), 0], [q(1, 2), 1]])
        #expect(PlanarPolygon.area(of: segment) == 0)
        // The corner point x + y ≤ 0.
        let corner = unitSquare([hs([1, 1], 0)])
        #expect(PlanarPolygon.vertices(of: corner) == [[0, 0]])
        #expect(LinearProgramming.interiorPoint(of: corner).isEmpty)
    }

    @Test func redundantConstraintsAreFoundAndCertified() throws {
        // Rows: x + y ≤ 1 (facet), x + y ≤ 3/2 (implied by row 0), x ≤ 2 (implied by
        // the box), x ≤ 3/4 (facet), and a duplicate of row 0.
        let p = unitSquare([hs([1, 1], 1), hs([1, 1], q(3, 2)), hs([1, 0], 2), hs([1, 0], q(3, 4)), hs([1, 1], 1)])
        for strategy in [LinearProgramming.Strategy.automatic, .exact, .exactFromScratch] {
            let form = try #require(LinearProgramming.irredundantForm(of: p, strategy: strategy))
            #expect(CertificateCheck.verifyIrredundantForm(form, of: p))
            #expect(form.keptIndices == [3, 4])  // row 0 is dropped for its duplicate, row 4
            #expect(form.removals.map(\.index) == [0, 1, 2])
            #expect(form.removals[2].certificate.isBoxBound)
        }
        // The reduced polytope has the same vertices.
        let form = try #require(LinearProgramming.irredundantForm(of: p))
        #expect(PlanarPolygon.vertices(of: p.selecting(form.keptIndices)) == PlanarPolygon.vertices(of: p))
        #expect(PlanarPolygon.vertices(of: p) == [[0, 0], [q(3, 4), 0], [q(3, 4), q(1, 4)], [0, 1]])
        #expect(PlanarPolygon.area(of: p) == q(1, 2) - q(1, 32))
    }

    @Test func splitUsesTheBoxTheWitnessAndTheLP() throws {
        let x = try #require(LinearProgramming.interiorPoint(of: triangle).witness)
        // z = x + 5 > 0 on the box: below is empty with the unit certificate.
        let boxDecided = LinearProgramming.split(triangle, by: [1, 0], plus: 5, witness: x)
        #expect(boxDecided.below == .empty(BoundCertificate(multipliers: [0, 1])))
        #expect(boxDecided.above == .witness(x))
        #expect(CertificateCheck.verify(boxDecided, of: triangle, by: [1, 0], plus: 5))
        // z = x − 1/4: both sides have interior points.
        let crossing = LinearProgramming.split(triangle, by: [1, 0], plus: q(-1, 4), witness: x)
        #expect(crossing.below.witness != nil && crossing.above.witness != nil)
        #expect(CertificateCheck.verify(crossing, of: triangle, by: [1, 0], plus: q(-1, 4)))
        // z = x + y − 1 ≤ 0 on the triangle, though not on the box: above is empty (LP).
        let lp = LinearProgramming.split(triangle, by: [1, 1], plus: -1, witness: x)
        #expect(lp.below.witness != nil && lp.above.isEmpty)
        #expect(CertificateCheck.verify(lp, of: triangle, by: [1, 1], plus: -1))
        // Without a witness.
        let blind = LinearProgramming.split(triangle, by: [1, -1], plus: 0)
        #expect(blind.below.witness != nil && blind.above.witness != nil)
        #expect(CertificateCheck.verify(blind, of: triangle, by: [1, -1], plus: 0))
    }

    @Test func proveNonnegativeIsExact() throws {
        // x + y − 1/2 ≥ 0 on the part of the square above x + y = 1/2.
        let p = unitSquare([hs([-1, -1], q(-1, 2))])
        let certificate = try #require(LinearProgramming.proveNonnegative([1, 1], plus: q(-1, 2), over: p))
        #expect(CertificateCheck.verifyLowerBound(0, of: [1, 1], plus: q(-1, 2), over: p, certificate: certificate))
        #expect(LinearProgramming.proveNonnegative([1, 1], plus: q(-3, 5), over: p) == nil)
        // Touching zero exactly at a vertex: x + y ≥ 0 on the square.
        #expect(LinearProgramming.proveNonnegative([1, 1], plus: 0, over: unitSquare()) != nil)
        // On the triangle, 1 − x − y ≥ 0 needs the halfspace (the box gives −1).
        let c2 = try #require(LinearProgramming.proveNonnegative([-1, -1], plus: 1, over: triangle))
        #expect(c2.dense(count: 1) == [1])
        // An empty polytope: everything is non-negative on it.
        let empty = unitSquare([hs([1, 1], 1), hs([-1, -1], -3)])
        let c3 = try #require(LinearProgramming.proveNonnegative([-7, 0], plus: 0, over: empty))
        #expect(CertificateCheck.verifyLowerBound(0, of: [-7, 0], plus: 0, over: empty, certificate: c3))
    }

    @Test func tamperedCertificatesAreRejected() throws {
        let bound = try #require(LinearProgramming.maximum(of: [2, 3], plus: 0, over: triangle))
        // Any y ∈ [2, 3] proves max 3: 2x + 3y ≤ 2x + 3y + y(1 − x − y), maximised on the box.
        #expect(bound.certificate[0] >= 2 && bound.certificate[0] <= 3)
        #expect(CertificateCheck.verifyUpperBound(3, of: [2, 3], plus: 0, over: triangle, certificate: bound.certificate))
        // A tighter claim than proven.
        #expect(!CertificateCheck.verifyUpperBound(q(299, 100), of: [2, 3], plus: 0, over: triangle, certificate: bound.certificate))
        // A negative multiplier.
        #expect(!CertificateCheck.verifyUpperBound(100, of: [2, 3], plus: 0, over: triangle, certificate: BoundCertificate(multipliers: [-1])))
        #expect(CertificateCheck.certifiedUpperBound(of: [2, 3], plus: 0, over: triangle, certificate: BoundCertificate(multipliers: [-1])) == nil)
        // A perturbed multiplier proves less than the claim.
        #expect(!CertificateCheck.verifyUpperBound(3, of: [2, 3], plus: 0, over: triangle, certificate: BoundCertificate(multipliers: [q(301, 100)])))
        #expect(!CertificateCheck.verifyUpperBound(3, of: [2, 3], plus: 0, over: triangle, certificate: BoundCertificate(multipliers: [q(199, 100)])))
        // A multiplier for a halfspace the polytope does not have.
        #expect(!CertificateCheck.verifyUpperBound(3, of: [2, 3], plus: 0, over: triangle, certificate: BoundCertificate(indices: [1], values: [3])))  // index 1 names no halfspace
        // Witnesses: on the boundary, outside the halfspace, outside the box.
        #expect(CertificateCheck.verifyWitness([q(1, 4), q(1, 4)], of: triangle))
        #expect(!CertificateCheck.verifyWitness([q(1, 2), q(1, 2)], of: triangle))
        #expect(!CertificateCheck.verifyWitness([q(3, 4), q(1, 2)], of: triangle))
        #expect(!CertificateCheck.verifyWitness([q(-1, 4), q(1, 4)], of: triangle))
        #expect(!CertificateCheck.verifyWitness([q(1, 4)], of: triangle))
        // Emptiness: zero multipliers, negative ones, and a valid-looking one for a non-empty set.
        let empty = unitSquare([hs([1, 1], 1), hs([-1, -1], -3)])
        #expect(!CertificateCheck.verifyEmptyInterior(of: empty, certificate: .box))
        #expect(!CertificateCheck.verifyEmptyInterior(of: empty, certificate: BoundCertificate(multipliers: [1, -1])))
        #expect(!CertificateCheck.verifyEmptyInterior(of: empty, certificate: BoundCertificate(multipliers: [1, q(1, 4)])))
        #expect(CertificateCheck.verifyEmptyInterior(of: empty, certificate: BoundCertificate(multipliers: [1, q(1, 3)])))  // (2/3)(x + y) ≥ 0
        #expect(CertificateCheck.verifyEmptyInterior(of: empty, certificate: BoundCertificate(multipliers: [1, q(1, 2)])))
        // Sparse entries must name halfspaces of the polytope, in increasing order, with positive values.
        #expect(CertificateCheck.verifyEmptyInterior(of: empty, certificate: BoundCertificate(indices: [0, 1], values: [1, q(1, 2)])))
        #expect(!CertificateCheck.verifyEmptyInterior(of: empty, certificate: BoundCertificate(indices: [1, 0], values: [q(1, 2), 1])))
        #expect(!CertificateCheck.verifyEmptyInterior(of: empty, certificate: BoundCertificate(indices: [0, 2], values: [1, q(1, 2)])))
        #expect(!CertificateCheck.verifyEmptyInterior(of: empty, certificate: BoundCertificate(indices: [0, 1, 1], values: [1, q(1, 4), q(1, 4)])))
        #expect(!CertificateCheck.verifyEmptyInterior(of: empty, certificate: BoundCertificate(indices: [0, 1], values: [1, 0])))
        let notEmpty = unitSquare([hs([1, 1], 1), hs([-1, -1], q(-1, 2))])
        #expect(!CertificateCheck.verifyEmptyInterior(of: notEmpty, certificate: BoundCertificate(multipliers: [1, 1])))
        // A polygon with a vertex missing, or in clockwise order.
        let v = PlanarPolygon.vertices(of: triangle)
        #expect(!CertificateCheck.verifyPolygon([v[0], v[1], [q(1, 2), q(1, 2)]], of: triangle))
        #expect(!CertificateCheck.verifyPolygon(v.reversed(), of: triangle))
        #expect(!CertificateCheck.verifyPolygon(PlanarPolygon.vertices(of: unitSquare()), of: triangle))
    }

    @Test func tamperedIrredundantFormsAreRejected() throws {
        let p = unitSquare([hs([1, 1], 1), hs([1, 1], q(3, 2)), hs([1, 0], q(3, 4))])
        let form = try #require(LinearProgramming.irredundantForm(of: p))
        #expect(CertificateCheck.verifyIrredundantForm(form, of: p))
        #expect(form.keptIndices == [0, 2])
        // Claiming a facet redundant with a made-up certificate.
        let wrongRemoval = IrredundantForm(
            facets: [form.facets[1]],
            removals: form.removals + [.init(index: 0, certificate: BoundCertificate(multipliers: [0, 1, 0]))])
        #expect(!CertificateCheck.verifyIrredundantForm(wrongRemoval, of: p))
        // A facet whose witness does not violate its halfspace.
        let wrongWitness = IrredundantForm(
            facets: [.init(index: 0, witness: [q(1, 8), q(1, 8)]), form.facets[1]], removals: form.removals)
        #expect(!CertificateCheck.verifyIrredundantForm(wrongWitness, of: p))
        // Dropping a halfspace with a certificate that uses an earlier removal.
        let circular = unitSquare([hs([1, 1], 1), hs([1, 1], 1)])
        let bad = IrredundantForm(facets: [], removals: [
            .init(index: 0, certificate: BoundCertificate(multipliers: [0, 1])),
            .init(index: 1, certificate: BoundCertificate(multipliers: [1, 0])),
        ])
        #expect(!CertificateCheck.verifyIrredundantForm(bad, of: circular))
        // Missing indices.
        #expect(!CertificateCheck.verifyIrredundantForm(IrredundantForm(facets: form.facets, removals: []), of: p))
    }

    @Test func certificatesRoundTripThroughJSON() throws {
        let p = unitSquare([hs([1, 1], 1), hs([q(1, 3), -1], q(1, 7))])
        let encoder = JSONEncoder(), decoder = JSONDecoder()
        #expect(try decoder.decode(Polytope.self, from: encoder.encode(p)) == p)
        let results: [InteriorResult] = [LinearProgramming.interiorPoint(of: p), .empty(BoundCertificate(multipliers: [1, q(2, 3)]))]
        for r in results {
            #expect(try decoder.decode(InteriorResult.self, from: encoder.encode(r)) == r)
        }
        let form = try #require(LinearProgramming.irredundantForm(of: p))
        #expect(try decoder.decode(IrredundantForm.self, from: encoder.encode(form)) == form)
        // Sparse: only the non-zero multipliers, as [index, value] pairs.
        let text = String(decoding: try encoder.encode(BoundCertificate(multipliers: [q(1, 3), 0, 2])), as: UTF8.self)
        #expect(text == #"[[0,"1\/3"],[2,"2"]]"#)
        #expect(try decoder.decode(BoundCertificate.self, from: Data(text.utf8)).dense(count: 3) == [q(1, 3), 0, 2])
        // One spelling: zeros, negatives, unsorted or repeated indices and malformed pairs are refused.
        for spelling in [#"[[0,"0"]]"#, #"[[0,"-1"]]"#, #"[[2,"1"],[0,"1"]]"#, #"[[1,"1"],[1,"2"]]"#,
                         #"[[-1,"1"]]"#, #"[[0,"1",3]]"#, #"[[0]]"#, #"[["0","1"]]"#] {
            #expect(throws: DecodingError.self, "\(spelling)") { try decoder.decode(BoundCertificate.self, from: Data(spelling.utf8)) }
        }
        // Invalid boxes are decoding errors, not traps.
        let bad = Data(#"{"lower":["1"],"upper":["0"],"halfspaces":[]}"#.utf8)
        #expect(throws: DecodingError.self) { try decoder.decode(Polytope.self, from: bad) }
    }

    @Test func zeroNormalHalfspaces() {
        let trivial = unitSquare([hs([0, 0], 1)])
        #expect(LinearProgramming.interiorPoint(of: trivial).witness != nil)
        let infeasible = unitSquare([hs([0, 0], -1)])
        #expect(CertificateCheck.verify(LinearProgramming.interiorPoint(of: infeasible), of: infeasible))
        #expect(LinearProgramming.interiorPoint(of: infeasible).isEmpty)
        let zero = unitSquare([hs([0, 0], 0)])  // 0 ≤ 0: closed set is the square, interior empty
        #expect(LinearProgramming.interiorPoint(of: zero).isEmpty)
        #expect(PlanarPolygon.area(of: zero) == 1)
    }
}
