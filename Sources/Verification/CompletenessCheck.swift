import ExactArithmetic
import NeuralNetwork
import Polyhedra

/// Replays a split-tree certificate with exact arithmetic only: recomputes
/// every cut from the network, verifies every emptiness certificate and every
/// leaf's interior point, and checks that the steps are used up exactly.
/// Proof that an accepted tree covers the box: proofs/split-tree.md.
public enum CompletenessCheck {
    /// Why a certificate was rejected: the first step that fails.
    public struct Failure: Error, Equatable, CustomStringConvertible, Sendable {
        public let step: Int
        public let reason: String
        public var description: String { "split tree step \(step): \(reason)" }
    }

    /// The number of regions the tree proves (its leaves), or the first failure.
    public static func verify(_ tree: RegionSplitTree, for g: LinearizedNetwork, over box: InputBox) throws(Failure) -> Int {
        try verify(tree, for: g, over: box) { _, _ in }
    }

    /// Replays the tree, handing every region (its polytope: the box and
    /// every recorded cut along its path; and the logits' affine map on it)
    /// to `region` in leaf order; returns the number of regions.
    package static func verify(
        _ tree: RegionSplitTree, for g: LinearizedNetwork, over box: InputBox,
        region: (Polytope, AffineMap) -> Void
    ) throws(Failure) -> Int {
        let walk = SplitTreeWalk(g, box: box)
        var index = 0
        var leaves = 0
        func next() throws(Failure) -> RegionSplitTree.Step {
            guard index < tree.steps.count else { throw Failure(step: index, reason: "the tree ends early") }
            defer { index += 1 }
            return tree.steps[index]
        }
        do {
            try walk.walk(
                decide: { region, c, d, _ in
                    guard case .decision(let below, let above) = try next() else {
                        throw Failure(step: index - 1, reason: "expected a cut, found a leaf")
                    }
                    func side(_ multipliers: BoundCertificate?, _ half: Halfspace, _ name: String) throws(Failure) -> SplitTreeWalk.Side {
                        guard let y = multipliers else { return .explored(witness: nil) }
                        guard CertificateCheck.verifyEmptyInterior(of: region, cut: half, certificate: y)
                        else { throw Failure(step: index - 1, reason: "the certificate that the \(name) side is empty does not hold") }
                        return .empty
                    }
                    let result = (try side(below, .nonpositive(c, plus: d), "lower"), try side(above, .nonnegative(c, plus: d), "upper"))
                    if case .empty = result.0, case .empty = result.1 {
                        throw Failure(step: index - 1, reason: "both sides are claimed empty")
                    }
                    return result
                },
                leaf: { _, polytope, _, logits in
                    guard case .leaf(let x) = try next() else { throw Failure(step: index - 1, reason: "expected a leaf, found a cut") }
                    guard CertificateCheck.verifyWitness(x, of: polytope) else {
                        throw Failure(step: index - 1, reason: "the leaf's point is not strictly inside its region")
                    }
                    region(polytope, logits)
                    leaves += 1
                })
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(step: index, reason: "\(error)")
        }
        guard index == tree.steps.count else { throw Failure(step: index, reason: "\(tree.steps.count - index) steps left over") }
        return leaves
    }
}
