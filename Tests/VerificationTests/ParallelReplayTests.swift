import ExactArithmetic
import FixtureSupport
import Linearization
import NeuralNetwork
import Polyhedra
import Regions
import Testing
import Verification

/// `CompletenessCheck.verify` replays the subtrees below its top cuts in
/// parallel; it must hand over the same regions, in the same order, as the
/// enumeration that wrote the tree, and report a bad step deep inside a
/// subtree as the sequential replay does.
@Suite struct ParallelReplayTests {
    static func moons() throws -> (LinearizedNetwork, InputBox, RegionEnumeration) {
        let network = try Network(contentsOf: Fixtures.path("models/sk_moons_relu_bin.onnx"))
        let g = try LinearizedNetwork(network, pieces: 3, method: .defaultMethod)
        let box = try InputBox(lower: [-2, -2], upper: [2, 2])
        return (g, box, try RegionEnumeration.complete(g, over: box))
    }

    @Test func regionsComeBackInLeafOrder() throws {
        let (g, box, result) = try Self.moons()
        let tree = try #require(result.certificate)
        var replayed: [(Polytope, AffineMap)] = []
        let count = try CompletenessCheck.verify(tree, for: g, over: box) { replayed.append(($0, $1)) }
        #expect(count == result.regions.count)
        // Enough both-sided cuts that the replay really forks into subtrees.
        #expect(result.regions.count > 64)
        for (region, (polytope, logits)) in zip(result.regions, replayed) {
            #expect(CertificateCheck.verifyWitness(region.witness, of: polytope))
            #expect(logits.weights == region.logitWeights && logits.bias == region.logitBias)
        }
    }

    @Test func subtreeEndsFollowTheStepsShape() {
        let empty = BoundCertificate(indices: [0], values: [1])
        let steps: [RegionSplitTree.Step] = [
            .decision(below: nil, above: nil),   // 0: two subtrees, 1..<2 and 2..<5
            .leaf([0]),                          // 1
            .decision(below: nil, above: empty), // 2: one subtree, 3..<5
            .decision(below: nil, above: nil),   // 3: two subtrees, 4..<5 and 5..<6
            .leaf([1]),                          // 4
            .leaf([2]),                          // 5
        ]
        #expect(CompletenessCheck.subtreeEnds(steps) == [6, 2, 6, 6, 5, 6])
        // A cut whose second subtree is missing, and a leaf left over.
        #expect(CompletenessCheck.subtreeEnds(Array(steps.dropLast())) == nil)
        #expect(CompletenessCheck.subtreeEnds(steps + [.leaf([3])]) == nil)
        #expect(CompletenessCheck.subtreeEnds([]) == nil)
    }

    @Test func aBadStepDeepInASubtreeIsReportedAtItsIndex() throws {
        let (g, box, result) = try Self.moons()
        var tree = try #require(result.certificate)
        let last = try #require(tree.steps.lastIndex { if case .leaf = $0 { true } else { false } })
        guard case .leaf(let x) = tree.steps[last] else { return }
        tree.steps[last] = .leaf([x[0] + 10, x[1]])
        let failure = #expect(throws: CompletenessCheck.Failure.self) { try CompletenessCheck.verify(tree, for: g, over: box) }
        #expect(failure?.step == last)
        #expect(failure?.reason == "the leaf's point is not strictly inside its region")
    }
}
