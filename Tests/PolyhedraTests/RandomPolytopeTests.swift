import FixtureSupport
import Testing
import ExactArithmetic
@testable import LPSearch
@testable import Polyhedra

typealias SplitMix64 = SeededGenerator

/// The exact value of a random float32 in `range` (weights are float32 in practice).
func float32(in range: ClosedRange<Float>, _ rng: inout SplitMix64) -> Rational {
    Rational(exactly: Float.random(in: range, using: &rng))!
}

/// A random polytope in `d` dimensions: a box `[l_j, u_j]` with float32 ends
/// and `m` halfspaces with float32 coefficients, each through a random point
/// near a common centre (so most are non-empty, some are not).
func randomPolytope(dimension d: Int, halfspaces m: Int, _ rng: inout SplitMix64) -> Polytope {
    let lower = (0..<d).map { _ in float32(in: -2 ... -0.5, &rng) }
    let upper = (0..<d).map { _ in float32(in: 0.5 ... 2, &rng) }
    let center = (0..<d).map { _ in Double.random(in: -0.3 ... 0.3, using: &rng) }
    let spread = Double.random(in: 0.05 ... 1.2, using: &rng)
    var halfspaces: [Halfspace] = []
    for _ in 0..<m {
        let a = (0..<d).map { _ in float32(in: -1 ... 1, &rng) }
        let through = center.map { $0 + Double.random(in: -spread ... spread, using: &rng) }
        // a·x ≤ a·through + margin (as float32, so the offset is dyadic).
        var b = 0.0
        for j in 0..<d { b += a[j].nearestDouble * through[j] }
        b += Double.random(in: 0 ... 0.4, using: &rng)
        halfspaces.append(Halfspace(normal: a, offset: Rational(exactly: Float(b))!))
    }
    return Polytope(lower: lower, upper: upper, halfspaces: halfspaces)
}

/// Random points of `p` (exact): the box sampled uniformly, kept when inside.
func samplePoints(of p: Polytope, count: Int, _ rng: inout SplitMix64) -> [[Rational]] {
    var points: [[Rational]] = []
    for _ in 0..<(count * 20) where points.count < count {
        let x = (0..<p.dimension).map { j in
            p.lower[j] + (p.upper[j] - p.lower[j]) * Rational(Int.random(in: 0...1024, using: &rng), 1024)
        }
        if p.contains(x) { points.append(x) }
    }
    return points
}

@Suite struct RandomPolytopeTests {
    @Test(arguments: [2, 3, 4, 5, 6])
    func everyCertificateVerifies(dimension d: Int) throws {
        var rng = SplitMix64(state: UInt64(1000 + d))
        var nonEmpty = 0, empty = 0
        for trial in 0..<25 {
            let m = [1, 3, 8, 15][trial % 4] + d
            let p = randomPolytope(dimension: d, halfspaces: m, &rng)
            let interior = LinearProgramming.interiorPoint(of: p)
            #expect(CertificateCheck.verify(interior, of: p))
            for strategy in [LinearProgramming.Strategy.exact, .exactFromScratch] {
                let exactInterior = LinearProgramming.interiorPoint(of: p, strategy: strategy)
                #expect(CertificateCheck.verify(exactInterior, of: p))
                #expect(interior.isEmpty == exactInterior.isEmpty)
            }
            if interior.isEmpty { empty += 1 } else { nonEmpty += 1 }

            let c = (0..<d).map { _ in float32(in: -1 ... 1, &rng) }
            let offset = float32(in: -1 ... 1, &rng)
            let range = LinearProgramming.range(of: c, plus: offset, over: p)
            let exactRange = LinearProgramming.range(of: c, plus: offset, over: p, strategy: .exactFromScratch)
            let warmRange = LinearProgramming.range(of: c, plus: offset, over: p, strategy: .exact)
            #expect((range == nil) == (exactRange == nil))
            #expect((warmRange == nil) == (exactRange == nil))
            guard let range, let exactRange else { continue }
            // The exact optimum is unique, however the exact LP was started.
            #expect(warmRange?.lower.value == exactRange.lower.value && warmRange?.upper.value == exactRange.upper.value)
            #expect(CertificateCheck.verifyLowerBound(range.lower.value, of: c, plus: offset, over: p, certificate: range.lower.certificate))
            #expect(CertificateCheck.verifyUpperBound(range.upper.value, of: c, plus: offset, over: p, certificate: range.upper.certificate))
            #expect(CertificateCheck.verifyLowerBound(exactRange.lower.value, of: c, plus: offset, over: p, certificate: exactRange.lower.certificate))
            #expect(CertificateCheck.verifyUpperBound(exactRange.upper.value, of: c, plus: offset, over: p, certificate: exactRange.upper.certificate))
            // The exact LP gives the true optimum, so the float-found bounds lie outside it but close.
            #expect(range.lower.value <= exactRange.lower.value && exactRange.upper.value <= range.upper.value)
            #expect((exactRange.lower.value - range.lower.value).nearestDouble <= 1e-7)
            #expect((range.upper.value - exactRange.upper.value).nearestDouble <= 1e-7)
            // Values at points of p lie in the range; at the exact optimum the range is attained.
            var points = samplePoints(of: p, count: 30, &rng)
            if let w = interior.witness { points.append(w) }
            for x in points {
                let z = dot(c, x) + offset
                #expect(range.lower.value <= z && z <= range.upper.value)
            }
            // Split by the function: each side verifies and agrees with the exact strategy.
            let split = LinearProgramming.split(p, by: c, plus: offset, witness: interior.witness)
            #expect(CertificateCheck.verify(split, of: p, by: c, plus: offset))
            let exactSplit = LinearProgramming.split(p, by: c, plus: offset, strategy: .exact)
            #expect(CertificateCheck.verify(exactSplit, of: p, by: c, plus: offset))
            #expect(split.below.isEmpty == exactSplit.below.isEmpty)
            #expect(split.above.isEmpty == exactSplit.above.isEmpty)
            // proveNonnegative decides exactly.
            let certificate = LinearProgramming.proveNonnegative(c, plus: offset, over: p)
            #expect((certificate != nil) == (exactRange.lower.value.sign >= 0))
            if let certificate {
                #expect(CertificateCheck.verifyLowerBound(0, of: c, plus: offset, over: p, certificate: certificate))
            }
        }
        #expect(nonEmpty > 0 && empty > 0)
    }

    @Test(arguments: [2, 3, 5])
    func irredundantFormsVerifyAndAgreeWithTheExactOnes(dimension d: Int) throws {
        var rng = SplitMix64(state: UInt64(77 + d))
        var checked = 0
        for trial in 0..<15 {
            let p = randomPolytope(dimension: d, halfspaces: 4 + 3 * trial % 20, &rng)
            guard let form = LinearProgramming.irredundantForm(of: p) else {
                #expect(LinearProgramming.interiorPoint(of: p).isEmpty)
                continue
            }
            #expect(CertificateCheck.verifyIrredundantForm(form, of: p))
            let exact = try #require(LinearProgramming.irredundantForm(of: p, strategy: .exact))
            #expect(CertificateCheck.verifyIrredundantForm(exact, of: p))
            #expect(form.keptIndices == exact.keptIndices)
            if d == 2 {
                // Facets of a polygon: one per edge not on the box.
                let reduced = p.selecting(form.keptIndices)
                #expect(PlanarPolygon.vertices(of: reduced) == PlanarPolygon.vertices(of: p))
            }
            checked += 1
        }
        #expect(checked > 5)
    }

    @Test func planarAreaMatchesShoelaceAndGrid() throws {
        var rng = SplitMix64(state: 4242)
        var nonDegenerate = 0
        for trial in 0..<30 {
            let p = randomPolytope(dimension: 2, halfspaces: 1 + trial % 12, &rng)
            let vertices = PlanarPolygon.vertices(of: p)
            let area = PlanarPolygon.area(of: p)
            #expect(area == CertificateCheck.shoelaceArea(vertices))
            #expect(area.sign >= 0)
            let interior = LinearProgramming.interiorPoint(of: p)
            #expect((vertices.count >= 3) == !interior.isEmpty)
            if vertices.count >= 3 {
                nonDegenerate += 1
                #expect(CertificateCheck.verifyPolygon(vertices, of: p))
                #expect(vertices.allSatisfy { p.contains($0) })
            }
            // Midpoint grid with n² cells: the error is at most the area of the cells
            // the boundary crosses, ≤ perimeter · cell diagonal.
            let n = 200
            let s = SearchRows(p)
            var inside = 0
            for i in 0..<n {
                for j in 0..<n {
                    let t = [(Double(i) + 0.5) / Double(n) * 2 - 1, (Double(j) + 0.5) / Double(n) * 2 - 1]
                    let x = t.withUnsafeBufferPointer { s.point($0) }.map { Rational(exactly: $0)! }
                    if p.contains(x) { inside += 1 }
                }
            }
            let boxArea = ((p.upper[0] - p.lower[0]) * (p.upper[1] - p.lower[1])).nearestDouble
            let estimate = Double(inside) / Double(n * n) * boxArea
            let w = (p.upper[0] - p.lower[0]).nearestDouble, h = (p.upper[1] - p.lower[1]).nearestDouble
            let perimeter = 2 * (w + h)  // a convex subset's perimeter is at most the box's
            let cellDiagonal = (w * w + h * h).squareRoot() / Double(n)
            #expect(abs(estimate - area.nearestDouble) <= perimeter * cellDiagonal)
        }
        #expect(nonDegenerate > 10)
    }

    @Test func exactPathAgreesWithBruteForceVertices() throws {
        // In 2-D the minimum of c·x over a polygon is attained at a vertex.
        var rng = SplitMix64(state: 99)
        for trial in 0..<30 {
            let p = randomPolytope(dimension: 2, halfspaces: 2 + trial % 9, &rng)
            let vertices = PlanarPolygon.vertices(of: p)
            let c = [float32(in: -1 ... 1, &rng), float32(in: -1 ... 1, &rng)]
            for strategy in [LinearProgramming.Strategy.exact, .exactFromScratch] {
                let exact = LinearProgramming.minimum(of: c, plus: 0, over: p, strategy: strategy)
                if vertices.isEmpty { #expect(exact == nil); continue }
                let best = vertices.map { dot(c, $0) }.min()!
                #expect(exact?.value == best)
            }
        }
    }
}
