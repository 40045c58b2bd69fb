import ExactArithmetic
import NeuralNetwork
import Polyhedra

/// Affine forms holding the outputs of the model `f` for every input of a
/// box: the input box as forms, then per layer the rounded affine map and,
/// per neuron, a relaxation of its activation over the neuron's range (the
/// chord for a piecewise-linear activation, `Relaxation(smooth:on:)` for a
/// smooth one), each adding a fresh symbol for what it leaves over. Every
/// step is rigorous in binary64 (proofs/symbolic-error-bound.md §1–§3), and
/// a layer's weight radius is included, so the forms hold for the model
/// file's real weights (proofs/property.md §2). A neuron held to one piece
/// of a two-piece activation (`PropertySplitTree.Pieces`) gets that piece's
/// line: the forms then hold for the inputs where the neuron's pre-activation
/// lies on that side.
package struct OutputForms: Sendable {
    package let network: Network
    private let rounded: [RoundedLayer]

    /// The layers rounded once; every box reuses them.
    package init(_ network: Network) {
        self.network = network
        rounded = network.layers.map { RoundedLayer($0, includingRadius: true) }
    }

    /// The outputs' forms over `box`, with the neurons in `pieces` held to
    /// their piece, and the neuron (global index) that owns each fresh symbol
    /// after the `d` input symbols; nil when a bound is not finite.
    package func forms(over box: InputBox, pieces: PropertySplitTree.Pieces = [:]) -> (forms: AffineForms, freshNeurons: [Int])? {
        var forms = AffineForms.box(box)
        var freshNeurons: [Int] = []
        var offset = 0
        for (layer, map) in zip(network.layers, rounded) {
            defer { offset += layer.outputCount }
            forms = forms.affine(map)
            guard forms.isFinite else { return nil }
            if layer.activation == .identity { continue }
            var steps: [Relaxation] = []
            steps.reserveCapacity(forms.count)
            let smooth = SmoothActivation(layer.activation)
            let piecewise = smooth == nil ? PiecewiseLinearFunction(exactly: layer.activation) : nil
            for j in 0..<forms.count {
                if let upper = pieces[offset + j], let p = piecewise, p.pieceCount == 2 {
                    // The piece's line exactly: slope and intercept are points, |z| ≤ magnitude.
                    let piece = upper ? 1 : 0
                    steps.append(Relaxation(slopes: RationalInterval(point: p.slopes[piece]), offsets: RationalInterval(point: p.intercepts[piece]),
                                            reach: forms.magnitude(j)))
                    continue
                }
                guard let range = forms.range(j) else { return nil }
                steps.append(smooth.map { Relaxation(smooth: $0, on: range) } ?? Relaxation(piecewise!, on: range))
            }
            freshNeurons += steps.indices.filter { steps[$0].fresh > 0 }.map { offset + $0 }
            forms = forms.relaxed(steps)
            guard forms.isFinite else { return nil }
        }
        return (forms, freshNeurons)
    }

    /// A lower bound, proven for every input the forms hold for, on
    /// `Σ_i λ_i (a_i·y − b_i)` with `λ = multipliers` over `constraints`:
    /// the combination, computed exactly, is applied to the forms as a
    /// one-row rounded layer and its range's lower end returned. Nil when a
    /// multiplier is not positive, names no constraint, or the bound is not
    /// finite. A positive result proves that no input of the box meets all
    /// the constraints (proofs/property.md §3).
    package static func combinationLowerBound(
        _ forms: AffineForms, constraints: [VNNLIBProperty.OutputConstraint], multipliers: BoundCertificate
    ) -> Rational? {
        guard let row = combinationRow(constraints: constraints, multipliers: multipliers, outputs: forms.count) else { return nil }
        return forms.affine(row).range(0)?.lower
    }

    /// `Σ_i λ_i (a_i·y − b_i)` as a one-row rounded layer over the `outputs`
    /// outputs, the combination computed exactly; nil when a multiplier is
    /// not positive or names no constraint (indices must increase).
    package static func combinationRow(
        constraints: [VNNLIBProperty.OutputConstraint], multipliers: BoundCertificate, outputs: Int
    ) -> RoundedLayer? {
        var weights = [Rational](repeating: .zero, count: outputs), offset = Rational.zero
        var previous = -1
        for (i, lambda) in zip(multipliers.indices, multipliers.values) {
            guard i > previous, i < constraints.count, lambda.sign > 0 else { return nil }
            previous = i
            for (j, a) in constraints[i].coefficients {
                guard j < outputs else { return nil }
                weights[j] += lambda * a
            }
            offset -= lambda * constraints[i].bound
        }
        guard let row = try? DenseLayer(weights: RationalMatrix(rows: [weights], columns: outputs), bias: [offset], activation: .identity) else {
            return nil
        }
        return RoundedLayer(row)
    }
}
