import ExactArithmetic
import LPSearch
import NeuralNetwork
import Polyhedra
import Regions
import Verification

/// On one region: `g`'s label `i` at the region's witness and, for the other
/// classes `j` in increasing order, a certified LP lower bound of
/// `score_i − score_j` over the region — up to the first that is not positive.
///
/// The DecisionNet's separations, its table witnesses and the agreement claims
/// all ask these LPs first; computing them once per region is what makes a
/// region that lies inside one class cost one LP per other class instead of
/// four or five (search only: every bound carries the multipliers the checker
/// verifies).
struct RegionMargins: Sendable {
    /// `g`'s label at the region's witness.
    let label: Int
    /// Whether at the witness that label's score is strictly above every other
    /// (then the witness lies strictly inside the label's part of the region).
    let witnessLeads: Bool
    /// Per other class, in increasing order: its lower bound over the region.
    let lowerBounds: [(other: Int, bound: LinearBound)]
    /// Whether `g` answers `label` on all of the region: a bound for every
    /// other class, each positive (a difference constant on the region counts by its value).
    let isPure: Bool

    init(_ region: LinearRegion) {
        let scores = ClassScores(logitWeights: region.logitWeights, logitBias: region.logitBias)
        let logits = region.logits(at: region.witness), atWitness = ClassScores.scores(ofLogits: logits)
        let i = Network.label(ofLogits: logits)
        var bounds: [(other: Int, bound: LinearBound)] = []
        var pure = true
        for j in 0..<scores.classCount where j != i {
            let (c, d) = scores.difference(i, j)
            guard let low = LinearProgramming.minimum(of: c, plus: d, over: region.polytope) else { pure = false; break }
            bounds.append((j, low))
            if low.value.sign <= 0 { pure = false; break }
        }
        label = i
        witnessLeads = atWitness.indices.allSatisfy { $0 == i || atWitness[i] > atWitness[$0] }
        lowerBounds = bounds
        isPure = pure
    }

    /// The lower bound of `score_label − score_j` over the region, if it was computed.
    func lowerBound(against j: Int) -> LinearBound? {
        lowerBounds.first { $0.other == j }?.bound
    }
}
