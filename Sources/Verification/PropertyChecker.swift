import ExactArithmetic
import Foundation
import NeuralNetwork
import Polyhedra

/// What a property certificate proves, as the checker verified it.
public struct CheckedProperty: Sendable {
    public let modelSHA256: String
    /// The property the answer is about (read back from the certificate and checked against the model).
    public let property: VNNLIBProperty
    /// `"holds"` or `"violated"`.
    public let answer: String
    /// `holds`: leaves of all cases' split trees, each proven free of violations.
    public let leaves: Int
    /// `violated`: the case and the input proven to violate it.
    public let counterexample: (case: Int, input: [Rational])?
}

/// Re-verifies a `PropertyCertificate` from the model file in exact
/// arithmetic (and binary64 with every rounding bounded, for the forms).
/// One function per section of proofs/property.md §4, in its order.
public enum PropertyChecker {
    /// Checks `certificate` against every byte of the model. Throws the first claim that fails.
    public static func check(_ certificate: PropertyCertificate, model file: ModelFile) throws(CertificateCheckFailure) -> CheckedProperty {
        let network = try checkModel(certificate.model, file: file)
        let property = try checkProperty(certificate.property, network: network)
        switch certificate.answer {
        case "holds":
            guard certificate.violation == nil else { throw fail("violation", "a certificate that the property holds names a violation") }
            guard let proofs = certificate.holds else { throw fail("holds", "missing") }
            let leaves = try checkHolds(proofs, property: property, network: network)
            return CheckedProperty(modelSHA256: certificate.model.sha256, property: property, answer: "holds", leaves: leaves, counterexample: nil)
        case "violated":
            guard certificate.holds == nil else { throw fail("holds", "a certificate of a violation has proofs that the property holds") }
            guard let violation = certificate.violation else { throw fail("violation", "missing") }
            try checkViolation(violation, property: property, network: network)
            return CheckedProperty(modelSHA256: certificate.model.sha256, property: property, answer: "violated", leaves: 0,
                                   counterexample: (violation.case, violation.input))
        default:
            throw fail("answer", "'\(certificate.answer)' is not one of \(PropertyCertificate.answers)")
        }
    }

    private static func fail(_ claim: String, _ reason: String) -> CertificateCheckFailure {
        CertificateCheckFailure(claim: claim, reason: reason)
    }

    // MARK: §4.1 model

    /// As for a region certificate (hash, layers, counts), and the graph's
    /// outputs must be the network's: a stripped head (ArgMax, Softmax, …)
    /// changes the values `Y_j` name. Proof: proofs/property.md §4.1.
    static func checkModel(_ claims: Certificate.ModelClaims, file: ModelFile) throws(CertificateCheckFailure) -> Network {
        let network = try CertificateChecker.checkModel(claims, file: file)
        guard network.provenance.strippedHead.isEmpty else {
            throw fail("model", "the graph ends in \(network.provenance.strippedHead.joined(separator: ", ")), which climep strips, so its outputs are not the network's")
        }
        return network
    }

    // MARK: §4.2 property

    /// The cases as a `VNNLIBProperty` of the model's shape. Proof: proofs/property.md §4.2.
    static func checkProperty(_ claims: PropertyCertificate.PropertyClaims, network: Network) throws(CertificateCheckFailure) -> VNNLIBProperty {
        guard claims.inputs == network.inputCount else { throw fail("property.inputs", "\(claims.inputs) for a model with \(network.inputCount) inputs") }
        guard claims.outputs == network.logitCount else { throw fail("property.outputs", "\(claims.outputs) for a model with \(network.logitCount) outputs") }
        var cases: [VNNLIBProperty.Case] = []
        for (k, c) in claims.cases.enumerated() {
            let box: InputBox
            do { box = try InputBox(lower: c.box.lower, upper: c.box.upper) } catch { throw fail("property.cases[\(k)].box", "\(error)") }
            var constraints: [VNNLIBProperty.OutputConstraint] = []
            for (i, constraint) in c.constraints.enumerated() {
                guard constraint.coefficients.count == claims.outputs else {
                    throw fail("property.cases[\(k)].constraints[\(i)]", "\(constraint.coefficients.count) coefficients for \(claims.outputs) outputs")
                }
                let used = constraint.coefficients.indices.filter { !constraint.coefficients[$0].isZero }
                do {
                    constraints.append(try VNNLIBProperty.OutputConstraint(
                        coefficients: used.map { ($0, constraint.coefficients[$0]) }, bound: constraint.bound, strict: constraint.strict))
                } catch { throw fail("property.cases[\(k)].constraints[\(i)]", "\(error)") }
            }
            cases.append(VNNLIBProperty.Case(box: box, constraints: constraints))
        }
        guard !cases.isEmpty else { throw fail("property.cases", "no cases") }
        do { return try VNNLIBProperty(inputCount: claims.inputs, outputCount: claims.outputs, cases: cases) } catch {
            throw fail("property", "\(error)")
        }
    }

    // MARK: §4.3 holds

    /// Per case, the split tree covers the case's box, and on every leaf
    /// (a sub-box, with some neurons held to a piece) the multipliers'
    /// combination of the constraints is proven positive: through the
    /// forms (`OutputForms.combinationLowerBound`) or, for a leaf with a
    /// relaxation, by back-substitution (`BackwardBound.combinationLowerBound`
    /// with the leaf's checked choices). Leaves are checked on every
    /// core. Returns the number of leaves. Proof: proofs/property.md §4.3.
    static func checkHolds(_ proofs: [PropertyCertificate.CaseProof], property: VNNLIBProperty, network: Network) throws(CertificateCheckFailure) -> Int {
        guard proofs.count == property.cases.count else { throw fail("holds", "\(proofs.count) proofs for \(property.cases.count) cases") }
        var leaves: [(caseIndex: Int, leaf: Int, box: InputBox, pieces: PropertySplitTree.Pieces)] = []
        for (k, proof) in proofs.enumerated() {
            let cover: [(box: InputBox, pieces: PropertySplitTree.Pieces)]
            do { cover = try proof.splitTree.leaves(of: property.cases[k].box, network: network) } catch {
                throw fail("holds[\(k)].splitTree", error.description)
            }
            guard cover.count == proof.leaves.count else {
                throw fail("holds[\(k)].leaves", "\(proof.leaves.count) multiplier sets for \(cover.count) leaves")
            }
            leaves += cover.enumerated().map { (k, $0.offset, $0.element.box, $0.element.pieces) }
        }
        let forms = OutputForms(network), backward = BackwardBound(network)
        let piecewise = PropertySplitTree.piecewiseNeurons(network)
        let all = leaves
        _ = try checkInParallel(all.count) { (n: Int) throws(CertificateCheckFailure) in
            let (k, leaf, box, pieces) = all[n]
            let claim = "holds[\(k)].leaves[\(leaf)]"
            let proof = proofs[k].leaves[leaf], constraints = property.cases[k].constraints
            if let relaxation = proof.relaxation {
                let (slopes, betas) = try checkRelaxation(relaxation, pieces: pieces, piecewise: piecewise, claim: claim)
                guard let prepared = backward.leaf(box, pieces: pieces) else { throw fail(claim, "the neurons' ranges on this leaf are not finite") }
                guard let result = backward.combinationLowerBound(prepared, constraints: constraints, multipliers: proof.multipliers, slopes: slopes, betas: betas) else {
                    throw fail(claim, "the multipliers are not positive, increasing indices of the case's \(constraints.count) constraints, or the bound is not finite")
                }
                guard result.bound > 0 else { throw fail(claim, "the combination is only proven ≥ \(result.bound) on this leaf, not > 0") }
            } else {
                guard let leafForms = forms.forms(over: box, pieces: pieces)?.forms else { throw fail(claim, "the output bounds on this leaf are not finite") }
                guard let lower = OutputForms.combinationLowerBound(leafForms, constraints: constraints, multipliers: proof.multipliers) else {
                    throw fail(claim, "the multipliers are not positive, increasing indices of the case's \(constraints.count) constraints")
                }
                guard lower.sign > 0 else { throw fail(claim, "the combination is only proven ≥ \(lower.nearestDouble) on this leaf, not > 0") }
            }
        }
        return all.count
    }

    /// A leaf's relaxation choices: every value a binary64 number; slopes
    /// only for neurons of piecewise-linear layers that the leaf does not
    /// hold (`piecewise`: `PropertySplitTree.piecewiseNeurons`, computed once
    /// per certificate); multipliers only for neurons it holds. Proof:
    /// proofs/property.md §4.3.
    static func checkRelaxation(
        _ relaxation: PropertyCertificate.LeafRelaxation, pieces: PropertySplitTree.Pieces, piecewise: Set<Int>, claim: String
    ) throws(CertificateCheckFailure) -> (slopes: [Int: Double], betas: [Int: Double]) {
        guard let slopes = relaxation.slopes.doubles else { throw fail("\(claim).relaxation.slopes", "a slope is not a binary64 number") }
        guard let betas = relaxation.betas.doubles else { throw fail("\(claim).relaxation.betas", "a multiplier is not a binary64 number") }
        for (n, s) in slopes where !piecewise.contains(n) || pieces[n] != nil || !s.isFinite {
            throw fail("\(claim).relaxation.slopes", "neuron \(n) is not a free neuron of a piecewise-linear layer")
        }
        for (n, b) in betas where pieces[n] == nil || !(b > 0) || !b.isFinite {
            throw fail("\(claim).relaxation.betas", "neuron \(n) is not held on this leaf, or its multiplier is not positive")
        }
        return (slopes, betas)
    }

    // MARK: §4.4 violated

    /// The input lies in the case's box and the model's outputs there meet
    /// every constraint of the case (strictly where it is strict): exactly
    /// for an exact piecewise-linear model, otherwise with every output
    /// enclosed (`IntervalPropagation.original` over the point) and each
    /// constraint's upper end proven. Proof: proofs/property.md §4.4.
    static func checkViolation(_ violation: PropertyCertificate.Counterexample, property: VNNLIBProperty, network: Network) throws(CertificateCheckFailure) {
        let k = violation.case
        guard k >= 0, k < property.cases.count else { throw fail("violation.case", "\(k) is not a case of the property") }
        let box = property.cases[k].box
        guard violation.input.count == box.dimension else { throw fail("violation.input", "\(violation.input.count) values for \(box.dimension) inputs") }
        for i in 0..<box.dimension where !(box.lower[i] <= violation.input[i] && violation.input[i] <= box.upper[i]) {
            throw fail("violation.input[\(i)]", "\(violation.input[i]) is outside the case's box")
        }
        let outputs = outputEnclosure(network, at: violation.input)
        for (i, constraint) in property.cases[k].constraints.enumerated() {
            let (met, upper) = provenMet(constraint, outputs)
            guard met else {
                throw fail("violation", "constraint \(i) of case \(k) is not proven to hold at the input (its slack is at most \(upper.nearestDouble))")
            }
        }
    }

    /// Whether the model's outputs at `x` provably meet every constraint of
    /// `c` (the test of `checkViolation`, for the search to ask first).
    package static func violates(_ network: Network, case c: VNNLIBProperty.Case, at x: [Rational]) -> Bool {
        let outputs = outputEnclosure(network, at: x)
        return c.constraints.allSatisfy { provenMet($0, outputs).met }
    }

    /// Whether the constraint holds for all outputs in the intervals (strictly
    /// where strict), and its largest slack `Σ a_j y_j − b` there.
    private static func provenMet(_ constraint: VNNLIBProperty.OutputConstraint, _ outputs: [RationalInterval]) -> (met: Bool, upper: Rational) {
        let upper = constraint.coefficients.reduce(-constraint.bound) {
            $0 + ($1.value.sign > 0 ? $1.value * outputs[$1.output].upper : $1.value * outputs[$1.output].lower)
        }
        return (constraint.strict ? upper.sign < 0 : upper.sign <= 0, upper)
    }

    /// An interval around each output of `f` at `x`: a point for an exact
    /// piecewise-linear model, otherwise rigorous enclosures.
    package static func outputEnclosure(_ network: Network, at x: [Rational]) -> [RationalInterval] {
        if network.isExact, let exact = network.exactLogits(x) { return exact.map { RationalInterval(point: $0) } }
        return IntervalPropagation.originalOutputs(network, over: try! InputBox(lower: x, upper: x))
    }
}
