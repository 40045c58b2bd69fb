import ExactArithmetic
import LPSearch
import Polyhedra

/// LPs over polytopes: the float search with exact checks against the exact
/// fallback LP, per operation, and a small 2-D enumeration by `split`.
enum PolyhedraBenchmark {
    static func run() {
        var rng = SplitMix64(state: 2024)
        print("## Polyhedra: certified LP operations (random polytopes, float32 data, best of 3)")
        print("")
        print("| d | m | range µs | interiorPoint µs | split µs | check witness µs | check bound µs | float LP µs | exact LP (warm) µs | exact / float | exact LP (cold) µs | fallbacks |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for d in [2, 5, 30] {
            for m in [10, 50, 100] {
                let count = d == 30 ? 20 : 100
                let polytopes = (0..<count).map { _ in randomPolytope(dimension: d, halfspaces: m, &rng) }
                let objectives = (0..<count).map { _ in (0..<d).map { _ in float32(in: -1 ... 1, &rng) } }
                let offsets = (0..<count).map { _ in float32(in: -0.2 ... 0.2, &rng) }
                let fallbacksBefore = LinearProgramming.exactFallbackCount

                let interiors = polytopes.map { LinearProgramming.interiorPoint(of: $0) }
                let ranges = (0..<count).map { LinearProgramming.range(of: objectives[$0], plus: 0, over: polytopes[$0]) }
                let perRange = bestNanoseconds(repetitions: 3) {
                    for i in 0..<count {
                        let r = LinearProgramming.range(of: objectives[i], plus: 0, over: polytopes[i])
                        blackHole(r?.lower.value ?? .zero)
                    }
                } / Double(count) / 1000
                let perInterior = bestNanoseconds(repetitions: 3) {
                    for p in polytopes {
                        if case .witness(let x) = LinearProgramming.interiorPoint(of: p) { blackHole(x[0]) }
                    }
                } / Double(count) / 1000
                let perSplit = bestNanoseconds(repetitions: 3) {
                    for i in 0..<count {
                        let s = LinearProgramming.split(polytopes[i], by: objectives[i], plus: offsets[i], witness: interiors[i].witness)
                        blackHole(Double(s.below.isEmpty ? 1 : 0))
                    }
                } / Double(count) / 1000
                let witnesses = (0..<count).compactMap { i in interiors[i].witness.map { (polytopes[i], $0) } }
                let perWitnessCheck = witnesses.isEmpty ? 0 : bestNanoseconds(repetitions: 3) {
                    for (p, x) in witnesses { blackHole(Double(CertificateCheck.verifyWitness(x, of: p) ? 1 : 0)) }
                } / Double(witnesses.count) / 1000
                let bounds = (0..<count).compactMap { i in ranges[i].map { (i, $0.lower) } }
                let perBoundCheck = bounds.isEmpty ? 0 : bestNanoseconds(repetitions: 3) {
                    for (i, b) in bounds {
                        blackHole(CertificateCheck.certifiedLowerBound(of: objectives[i], plus: 0, over: polytopes[i], certificate: b.certificate) ?? .zero)
                    }
                } / Double(bounds.count) / 1000
                let fallbacks = LinearProgramming.exactFallbackCount - fallbacksBefore

                // Float LP with its checks vs the exact LP, same problems (minimum of c·x):
                // warm-started from the float basis (as in a fallback) and from scratch.
                let exactCount = d == 30 ? 3 : (m == 100 ? 10 : 20)
                let perFloat = bestNanoseconds(repetitions: 3) {
                    for i in 0..<exactCount {
                        blackHole(LinearProgramming.minimum(of: objectives[i], plus: 0, over: polytopes[i])?.value ?? .zero)
                    }
                } / Double(exactCount) / 1000
                let perExact = bestNanoseconds(repetitions: 1) {
                    for i in 0..<exactCount {
                        blackHole(LinearProgramming.minimum(of: objectives[i], plus: 0, over: polytopes[i], strategy: .exact)?.value ?? .zero)
                    }
                } / Double(exactCount) / 1000
                let coldCount = d == 30 ? (m == 10 ? 2 : 0) : exactCount
                let perCold = coldCount == 0 ? Double.nan : bestNanoseconds(repetitions: 1) {
                    for i in 0..<coldCount {
                        blackHole(LinearProgramming.minimum(of: objectives[i], plus: 0, over: polytopes[i], strategy: .exactFromScratch)?.value ?? .zero)
                    }
                } / Double(coldCount) / 1000
                print("| \(d) | \(m) | \(format(perRange)) | \(format(perInterior)) | \(format(perSplit)) | \(format(perWitnessCheck, digits: 2)) | \(format(perBoundCheck, digits: 2)) | \(format(perFloat)) | \(format(perExact)) | \(format(perExact / perFloat, digits: 0))× | \(perCold.isNaN ? "—" : format(perCold)) | \(fallbacks) |")
            }
        }
        print("")
        print("range = two certified LPs (min and max); split = one node's step with its witness;")
        print("float LP = `minimum` (float dual simplex + exact certificate check); exact LP = `minimum(strategy: .exact)`")
        print("(warm-started from the float basis, as a fallback runs) and `.exactFromScratch` (Bland from the slack basis);")
        print("fallbacks = exact LPs the float search needed over all the timed calls of that row (every polytope has interior).")
        enumeration()
    }

    /// Regions of an arrangement of `lines` random lines in `[−1, 1]²` found by
    /// splitting with witnesses, as the region enumerator will: every leaf is
    /// a certified full-dimensional cell, and their exact areas sum to 4.
    static func enumeration() {
        print("")
        print("## Polyhedra: 2-D split-tree enumeration (random lines through [−1, 1]², float32 coefficients)")
        print("")
        print("| lines | regions | splits | seconds | regions / s | splits / s | Σ area (exact) |")
        print("|---:|---:|---:|---:|---:|---:|---|")
        var rng = SplitMix64(state: 7)
        for lineCount in [25, 50, 100] {
            let lines = (0..<lineCount).map { _ -> ([Rational], Rational) in
                ([float32(in: -1 ... 1, &rng), float32(in: -1 ... 1, &rng)], float32(in: -0.7 ... 0.7, &rng))
            }
            let box = Polytope(lower: [-1, -1], upper: [1, 1])
            var leaves: [Polytope] = []
            var splits = 0
            let clock = ContinuousClock()
            let elapsed = clock.measure {
                var frontier = [box]
                for (c, d) in lines {
                    var next: [Polytope] = []
                    next.reserveCapacity(frontier.count * 2)
                    for p in frontier {
                        let s = LinearProgramming.split(p, by: c, plus: d)
                        splits += 1
                        if let child = s.belowPolytope { next.append(child) }
                        if let child = s.abovePolytope { next.append(child) }
                    }
                    frontier = next
                }
                leaves = frontier
            }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            var total = Rational.zero
            for p in leaves { total += PlanarPolygon.area(of: p) }
            print("| \(lineCount) | \(leaves.count) | \(splits) | \(format(seconds, digits: 2)) | \(format(Double(leaves.count) / seconds, digits: 0)) | \(format(Double(splits) / seconds, digits: 0)) | \(total == 4 ? "= 4 ✓" : "\(total) ✗") |")
        }
    }

    /// The exact value of a random float32 in `range`.
    static func float32(in range: ClosedRange<Float>, _ rng: inout SplitMix64) -> Rational {
        Rational(exactly: Float.random(in: range, using: &rng))!
    }

    /// A box with float32 ends and `m` halfspaces with float32 coefficients,
    /// each passing a random distance beyond a common centre (so the polytope
    /// has interior points).
    static func randomPolytope(dimension d: Int, halfspaces m: Int, _ rng: inout SplitMix64) -> Polytope {
        let lower = (0..<d).map { _ in float32(in: -2 ... -0.5, &rng) }
        let upper = (0..<d).map { _ in float32(in: 0.5 ... 2, &rng) }
        let center = (0..<d).map { _ in Double.random(in: -0.3 ... 0.3, using: &rng) }
        var halfspaces: [Halfspace] = []
        for _ in 0..<m {
            let a = (0..<d).map { _ in float32(in: -1 ... 1, &rng) }
            // Through the centre's neighbourhood: the centre satisfies every row strictly.
            var b = 0.0, norm = 0.0
            for j in 0..<d { b += a[j].nearestDouble * center[j]; norm += abs(a[j].nearestDouble) }
            b += Double.random(in: 0.02 ... 0.3, using: &rng) * norm
            halfspaces.append(Halfspace(normal: a, offset: Rational(exactly: Float(b))!))
        }
        return Polytope(lower: lower, upper: upper, halfspaces: halfspaces)
    }
}
