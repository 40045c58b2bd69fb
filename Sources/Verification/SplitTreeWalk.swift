import ExactArithmetic
import NeuralNetwork
import Polyhedra

/// The traversal shared by enumeration and checking: the split tree of a
/// piecewise-linear network over a box, in a fixed depth-first order.
///
/// Along every path it takes each layer's neurons in order and, for each,
/// the breakpoints of the neuron's activation in increasing order, cutting
/// the current region at `z(x) = β`. Cuts that the box alone decides are
/// settled here, exactly. Every other cut is handed to `decide`, which says
/// whether each side is explored or has an empty interior; the enumerator
/// answers by LP search, the checker by reading and verifying a recorded
/// certificate. Exact arithmetic only: the walk itself searches nothing.
package struct SplitTreeWalk {
    package let layers: [(weights: RationalMatrix, bias: [Rational], activation: PiecewiseLinearFunction)]
    package let root: Polytope

    /// What `decide` says about one side of a cut.
    package enum Side {
        /// The side has interior points; a strictly interior point if known.
        case explored(witness: [Rational]?)
        /// The side's interior is empty (already verified by `decide`).
        case empty
    }

    package init(_ g: LinearizedNetwork, box: InputBox) {
        layers = zip(g.original.layers, g.activations).map { ($0.weights, $0.bias, $1) }
        root = Polytope(lower: box.lower, upper: box.upper)
    }

    /// Walks the whole tree; `leaf` receives each region with the witness the
    /// walk holds for it (nil when `decide` supplied none).
    package func walk(
        decide: (_ region: Polytope, _ c: [Rational], _ d: Rational, _ witness: [Rational]?) throws -> (below: Side, above: Side),
        leaf: (_ pattern: [[Int]], _ region: Polytope, _ witness: [Rational]?, _ logits: AffineMap) throws -> Void
    ) rethrows {
        try visit(rootState, fork: nil, decide: decide, leaf: leaf)
    }

    /// The state at the root: the whole box, about to cut the first neuron.
    package var rootState: State {
        let d = root.dimension
        let centre = (0..<d).map { (root.lower[$0] + root.upper[$0]).timesPowerOfTwo(-1) }
        // The first layer's own weights: composing with the d×d identity would
        // cost d² entries (9.6 GB of rationals for 20,000 inputs).
        let first = AffineMap(weights: layers[0].weights, bias: layers[0].bias)
        return State(region: root, witness: centre, layer: 0, neuron: 0, breakpoint: 0,
                     preActivation: first, pieces: [], pattern: [])
    }

    /// Walks the subtree below `state`. With `fork`, the first cut that
    /// explores both sides is not descended: `fork` receives the two child
    /// states (below first) and the walk stops there, so the caller can walk
    /// them separately — in parallel — and concatenate what they record.
    package func walk(
        from state: State, fork: ((State, State) -> Void)?,
        decide: (Polytope, [Rational], Rational, [Rational]?) throws -> (below: Side, above: Side),
        leaf: ([[Int]], Polytope, [Rational]?, AffineMap) throws -> Void
    ) rethrows {
        try visit(state, fork: fork, decide: decide, leaf: leaf)
    }

    package struct State: Sendable {
        package var region: Polytope
        package var witness: [Rational]?
        package var layer: Int
        package var neuron: Int
        package var breakpoint: Int
        /// This layer's pre-activations as affine maps of x on the current region.
        package var preActivation: AffineMap
        /// Pieces chosen so far in this layer, and in the layers before.
        package var pieces: [Int]
        package var pattern: [[Int]]
    }

    /// Walks the subtree below `start` depth first, below before above.
    ///
    /// Iterative: the above sides still to walk wait on an explicit stack, so
    /// a path of thousands of both-sided cuts (one per neuron of a wide
    /// layer) cannot exhaust the call stack.
    private func visit(
        _ start: State, fork: ((State, State) -> Void)?,
        decide: (Polytope, [Rational], Rational, [Rational]?) throws -> (below: Side, above: Side),
        leaf: ([[Int]], Polytope, [Rational]?, AffineMap) throws -> Void
    ) rethrows {
        var pendingAbove: [State] = []
        var next: State? = start
        while let state = next {
            guard let end = try descend(state, fork: fork, pendingAbove: &pendingAbove, decide: decide) else {
                return  // forked: the caller walks the two children
            }
            if end.layer == layers.count { try leaf(end.pattern, end.region, end.witness, end.preActivation) }
            next = pendingAbove.popLast()
        }
    }

    /// Follows the path from `state` to its end, taking the below side of every
    /// both-sided cut and pushing the above side onto `pendingAbove`. Returns
    /// the path's end state: past the last layer (a leaf), or with both sides
    /// of a cut empty (no leaf); nil when `fork` received the first
    /// both-sided cut's children instead.
    private func descend(
        _ state: State, fork: ((State, State) -> Void)?, pendingAbove: inout [State],
        decide: (Polytope, [Rational], Rational, [Rational]?) throws -> (below: Side, above: Side)
    ) rethrows -> State? {
        var s = state
        while s.layer < layers.count {
            let activation = layers[s.layer].activation
            let t = s.breakpoint
            if t == activation.breakpoints.count {
                finishNeuron(&s, piece: t)
                continue
            }
            let c = s.preActivation.weights.row(s.neuron)
            let d = s.preActivation.bias[s.neuron] - activation.breakpoints[t]
            if (CertificateCheck.boxMinimum(of: c, lower: root.lower, upper: root.upper) + d).sign >= 0 {
                s.breakpoint += 1  // above the breakpoint on the whole box
                continue
            }
            if (CertificateCheck.boxMaximum(of: c, lower: root.lower, upper: root.upper) + d).sign <= 0 {
                finishNeuron(&s, piece: t)  // below it on the whole box
                continue
            }
            switch try decide(s.region, c, d, s.witness) {
            case (.empty, .empty):
                return s  // no interior on either side: nothing left to cover
            case (.explored(let w), .empty):
                s.witness = w ?? s.witness
                finishNeuron(&s, piece: t)
            case (.empty, .explored(let w)):
                s.witness = w ?? s.witness
                s.breakpoint += 1
            case (.explored(let wb), .explored(let wa)):
                var upper = s
                upper.region = s.region.adding(.nonnegative(c, plus: d))
                upper.witness = wa
                upper.breakpoint += 1
                s.region = s.region.adding(.nonpositive(c, plus: d))
                s.witness = wb
                finishNeuron(&s, piece: t)
                if let fork {
                    fork(s, upper)
                    return nil
                }
                pendingAbove.append(upper)
            }
        }
        return s
    }

    /// Records the current neuron's piece and moves to the next neuron, and to
    /// the next layer (composing the affine maps) after a layer's last neuron.
    private func finishNeuron(_ s: inout State, piece: Int) {
        s.pieces.append(piece)
        s.neuron += 1
        s.breakpoint = 0
        guard s.neuron == layers[s.layer].weights.rows else { return }
        let output = outputs(of: s.preActivation, pieces: s.pieces, activation: layers[s.layer].activation)
        s.pattern.append(s.pieces)
        s.pieces = []
        s.neuron = 0
        s.layer += 1
        s.preActivation = s.layer < layers.count
            ? output.composed(with: layers[s.layer].weights, plus: layers[s.layer].bias)
            : output
    }

    /// The layer's outputs `p_t(z)` as affine maps, given each neuron's piece.
    private func outputs(of z: AffineMap, pieces: [Int], activation p: PiecewiseLinearFunction) -> AffineMap {
        var weights = z.weights
        var bias = z.bias
        for i in 0..<weights.rows {
            let slope = p.slopes[pieces[i]], intercept = p.intercepts[pieces[i]]
            for j in 0..<weights.columns { weights[i, j] = slope * weights[i, j] }
            bias[i] = slope * bias[i] + intercept
        }
        return AffineMap(weights: weights, bias: bias)
    }
}
