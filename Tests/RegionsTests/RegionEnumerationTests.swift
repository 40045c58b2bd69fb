import ExactArithmetic
import FixtureSupport
import Linearization
import Verification
import NeuralNetwork
import LPSearch
import Polyhedra
import Regions
import Synchronization
import Testing

func network(_ layers: [([[Rational]], [Rational], Activation)]) throws -> Network {
    try Network(layers: layers.map { w, b, a in try DenseLayer(weights: RationalMatrix(rows: w, columns: w[0].count), bias: b, activation: a) })
}

func relu(_ n: Network) throws -> LinearizedNetwork { try LinearizedNetwork(n, pieces: 3, method: .algorithm1) }

typealias Generator = SeededGenerator

func randomReLUNetwork(inputs: Int, hidden: [Int], outputs: Int, seed: UInt64) throws -> Network {
    var rng = Generator(state: seed)
    var layers: [([[Rational]], [Rational], Activation)] = []
    var width = inputs
    for (k, n) in (hidden + [outputs]).enumerated() {
        let w = (0..<n).map { _ in (0..<width).map { _ in Rational(exactly: Float.random(in: -1...1, using: &rng))! } }
        let b = (0..<n).map { _ in Rational(exactly: Float.random(in: -0.5...0.5, using: &rng))! }
        layers.append((w, b, k == hidden.count ? .identity : .relu))
        width = n
    }
    return try network(layers)
}

@Suite struct HandCheckedRegionTests {
    let square = try! InputBox(lower: [-1, -1], upper: [1, 1])

    @Test func oneNeuronCutsTheSquareInTwo() throws {
        let n = try network([([[1, 0]], [0], .relu), ([[1]], [Rational(-1, 2)], .identity)])
        let result = try RegionEnumeration.complete(try relu(n), over: square)
        #expect(result.regions.count == 2)
        #expect(try CompletenessCheck.verify(result.certificate!, for: try relu(n), over: square) == 2)
        // label 1 where relu(x0) − 1/2 > 0, i.e. x0 > 1/2: area 1/2 · 2 = 1 of the 4.
        #expect(result.classAreas(classCount: 2) == [3, 1])
        let boundary = DecisionBoundary(result)
        #expect(boundary.hyperplanes == [DecisionBoundary.Hyperplane([2, 0], plus: -1)!])
        #expect(boundary.hyperplanes[0].normal == [2, 0] && boundary.hyperplanes[0].offset == -1)
        #expect(boundary.pieces.count == 1)
        #expect(boundary.pieces[0].witness[0] == Rational(1, 2))
    }

    @Test func twoCrossingLinesGiveFourRegions() throws {
        let n = try network([([[1, 1], [1, -1]], [0, 0], .relu), ([[1, 1]], [-1], .identity)])
        let result = try RegionEnumeration.complete(try relu(n), over: square)
        #expect(result.regions.count == 4)
        #expect(Set(result.regions.map(\.pattern)) == [[[0, 0], [0]], [[0, 1], [0]], [[1, 0], [0]], [[1, 1], [0]]])
        let areas = result.classAreas(classCount: 2)
        #expect(areas.reduce(0, +) == 4)
    }

    /// 2 → 3 ReLU → 1 with hyperplanes x0 = 0, x1 = 0 and x0 + x1 = 1/2:
    /// inside the square the three lines make 7 regions (counted on paper).
    @Test func threeLinesInGeneralPosition() throws {
        let n = try network([([[1, 0], [0, 1], [1, 1]], [0, 0, Rational(-1, 2)], .relu), ([[1, 1, 1]], [0], .identity)])
        let result = try RegionEnumeration.complete(try relu(n), over: square)
        #expect(result.regions.count == 7)
    }

    @Test func regionsAreExactAndWitnessesLieInside() throws {
        let n = try randomReLUNetwork(inputs: 2, hidden: [8, 8], outputs: 3, seed: 1)
        let g = try relu(n)
        let result = try RegionEnumeration.complete(g, over: square)
        for region in result.regions {
            #expect(region.polytope.contains(region.witness))
            #expect(region.logits(at: region.witness) == n.exactLogits(region.witness)!)
        }
        #expect(result.classAreas(classCount: 3).reduce(0, +) == 4)
    }
}

@Suite struct CompleteEnumerationTests {
    /// Counts match a dense exact grid from below: every pattern hit on the
    /// grid is among the enumerated ones.
    @Test(arguments: [(2, [6, 6], UInt64(3)), (2, [10, 10, 10], 4), (3, [8, 8], 5), (4, [6, 6], 6)])
    func containsEveryPatternADenseGridHits(inputs: Int, hidden: [Int], seed: UInt64) throws {
        let n = try randomReLUNetwork(inputs: inputs, hidden: hidden, outputs: 2, seed: seed)
        let g = try relu(n)
        let box = try InputBox(lower: Array(repeating: -1, count: inputs), upper: Array(repeating: 1, count: inputs))
        let result = try RegionEnumeration.complete(g, over: box)
        let patterns = Set(result.regions.map(\.pattern))
        #expect(patterns.count == result.regions.count)
        var rng = Generator(state: seed)
        var hit: Set<[[Int]]> = []
        for _ in 0..<3000 {
            let x = (0..<inputs).map { _ in Rational(Int.random(in: -(1 << 20)...(1 << 20), using: &rng), 1 << 20) }
            hit.insert(g.pattern(at: x))
        }
        #expect(hit.isSubset(of: patterns))
        #expect(try CompletenessCheck.verify(result.certificate!, for: g, over: box) == result.regions.count)
    }

    @Test func smoothModelsEnumerateTheirLinearization() throws {
        let n = try network([([[1, -1], [Rational(1, 2), 1]], [0, 0], .tanh), ([[1, 1]], [0], .identity)])
        let g = try LinearizedNetwork(n, pieces: 4, method: .algorithm1)
        let box = try InputBox(lower: [-2, -2], upper: [2, 2])
        let result = try RegionEnumeration.complete(g, over: box)
        #expect(result.regions.count >= 4)
        #expect(result.classAreas(classCount: 2).reduce(0, +) == 16)
        #expect(try CompletenessCheck.verify(result.certificate!, for: g, over: box) == result.regions.count)
    }

    @Test func limitStopsCleanly() throws {
        let n = try randomReLUNetwork(inputs: 2, hidden: [10, 10], outputs: 2, seed: 8)
        #expect(throws: RegionEnumeration.LimitReached.self) {
            try RegionEnumeration.complete(try relu(n), over: try InputBox(lower: [-1, -1], upper: [1, 1]), maximumRegions: 5)
        }
    }
}

@Suite struct CertificateTamperingTests {
    /// Dropping, reordering or altering steps makes the replay fail.
    @Test func everyTamperingIsRejected() throws {
        let n = try randomReLUNetwork(inputs: 2, hidden: [6, 6], outputs: 2, seed: 11)
        let g = try relu(n)
        let box = try InputBox(lower: [-1, -1], upper: [1, 1])
        let tree = try RegionEnumeration.complete(g, over: box).certificate!
        _ = try CompletenessCheck.verify(tree, for: g, over: box)
        var rejected = 0, tried = 0
        for (index, step) in tree.steps.enumerated() {
            var mutations: [RegionSplitTree] = []
            var dropped = tree
            dropped.steps.remove(at: index)
            mutations.append(dropped)
            switch step {
            case .leaf(let x):
                var moved = tree
                moved.steps[index] = .leaf([x[0] + 4, x[1]])
                mutations.append(moved)
            case .decision(let below, let above):
                if let y = below ?? above, !y.isBoxBound {
                    // The first stored multiplier left out.
                    let weaker = BoundCertificate(indices: Array(y.indices.dropFirst()), values: Array(y.values.dropFirst()))
                    var changed = tree
                    changed.steps[index] = below != nil ? .decision(below: weaker, above: above) : .decision(below: below, above: weaker)
                    mutations.append(changed)
                }
                if below == nil && above == nil {
                    // Claim an explored side empty with a made-up certificate.
                    var fake = tree
                    fake.steps[index] = .decision(below: BoundCertificate(indices: [0], values: [1]), above: nil)
                    mutations.append(fake)
                }
            }
            for mutation in mutations {
                tried += 1
                do {
                    let count = try CompletenessCheck.verify(mutation, for: g, over: box)
                    // A zeroed multiplier may still prove emptiness when others suffice; anything else must fail.
                    if count == tree.steps.filter({ if case .leaf = $0 { true } else { false } }).count { continue }
                    Issue.record("a tampered tree was accepted with \(count) regions")
                } catch {
                    rejected += 1
                }
            }
        }
        #expect(tried > 20)
        #expect(rejected >= tried * 3 / 4, "\(rejected) of \(tried) rejected")
    }

    @Test func anotherModelOrAWiderBoxIsRejected() throws {
        let n = try randomReLUNetwork(inputs: 2, hidden: [6, 6], outputs: 2, seed: 12)
        let box = try InputBox(lower: [-1, -1], upper: [1, 1])
        let tree = try RegionEnumeration.complete(try relu(n), over: box).certificate!
        let other = try randomReLUNetwork(inputs: 2, hidden: [6, 6], outputs: 2, seed: 13)
        #expect(throws: CompletenessCheck.Failure.self) { try CompletenessCheck.verify(tree, for: try relu(other), over: box) }
        let wider = try InputBox(lower: [-2, -1], upper: [1, 1])
        #expect(throws: CompletenessCheck.Failure.self) { try CompletenessCheck.verify(tree, for: try relu(n), over: wider) }
    }
}

/// Progress a person can read: the share of top-level subtrees finished
/// reaches all of them, and the line says so.
@Suite struct EnumerationProgressTests {
    @Test func everySubtreeIsReportedFinished() throws {
        let network = try Network(contentsOf: Fixtures.path("models/sk_moons_relu_bin.onnx"))
        let g = try LinearizedNetwork(network, pieces: 3, method: .defaultMethod)
        let box = try InputBox(lower: [-2, -2], upper: [2, 2])
        let reports = Mutex<[EnumerationProgress]>([])
        let result = try RegionEnumeration.complete(g, over: box) { p in reports.withLock { $0.append(p) } }
        let seen = reports.withLock { $0 }
        let last = try #require(seen.max { $0.subtreesFinished < $1.subtreesFinished })
        #expect(last.subtrees > 1 && last.subtreesFinished == last.subtrees)
        #expect(seen.allSatisfy { $0.regions <= result.regions.count && $0.subtreesFinished <= $0.subtrees })
    }

    @Test func theLineGroupsDigitsAndGivesTheShare() {
        let p = EnumerationProgress(regions: 12_345, seconds: 58.2, subtreesFinished: 17, subtrees: 64)
        #expect(p.description == "enumerating: 12,345 regions · 212/s · 58 s · 17 of 64 subtrees done (26 %)")
        let top = EnumerationProgress(regions: 3, seconds: 0.05, subtreesFinished: 0, subtrees: 0)
        #expect(top.description == "enumerating: 3 regions · 0/s · 0 s · walking the top of the split tree")
    }
}
