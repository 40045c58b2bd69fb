import ExactArithmetic
import NeuralNetwork

/// How a property proof divides a case's box: a tree in preorder whose
/// nodes halve an input or split a neuron.
///
/// Entry `-1` is a leaf; `j` with `0 ≤ j < d` halves input `j` at the exact
/// midpoint (lower half first); `d + n` splits neuron `n` — numbered through
/// the layers in order, `n = Σ_{k'<k} width_{k'} + j` for neuron `j` of layer
/// `k` — whose activation must be piecewise linear with two pieces: the
/// first child is where its pre-activation is at most the breakpoint (the
/// lower piece's line applies), the second where it is at least it. Every
/// input of a node lies in one of its children, so the leaves cover the box
/// (proofs/property.md §4.3).
public struct PropertySplitTree: Hashable, Sendable, Codable {
    public let nodes: [Int]

    public init(nodes: [Int]) { self.nodes = nodes }

    /// Which piece a split neuron is held to on a leaf: `false` the lower
    /// (pre-activation ≤ the breakpoint), `true` the upper.
    public typealias Pieces = [Int: Bool]

    /// Why a tree is not a cover of the box.
    package struct Invalid: Error, CustomStringConvertible {
        package let description: String
    }

    /// The neurons a tree may split: global index → (layer, neuron), for
    /// layers whose activation has exactly two pieces.
    package static func splittableNeurons(_ network: Network) -> [Int: (layer: Int, neuron: Int)] {
        neurons(network) { PiecewiseLinearFunction(exactly: $0)?.pieceCount == 2 }
    }

    /// The neurons (global index) of layers with a piecewise-linear activation, identity excluded.
    package static func piecewiseNeurons(_ network: Network) -> Set<Int> {
        Set(neurons(network) { $0 != .identity && SmoothActivation($0) == nil }.keys)
    }

    /// Global index → (layer, neuron) for the neurons of layers whose activation passes `test`.
    private static func neurons(_ network: Network, where test: (Activation) -> Bool) -> [Int: (layer: Int, neuron: Int)] {
        var out: [Int: (Int, Int)] = [:]
        var offset = 0
        for (k, layer) in network.layers.enumerated() {
            if test(layer.activation) {
                for j in 0..<layer.outputCount { out[offset + j] = (k, j) }
            }
            offset += layer.outputCount
        }
        return out
    }

    /// The leaves in preorder: each a sub-box and the pieces its path holds
    /// neurons to. Throws when the tree is malformed: an entry that is
    /// neither a leaf, a halvable input nor a splittable neuron, a neuron
    /// split twice on one path, a tree cut short or entries left over.
    /// Iterative, so deep trees cannot exhaust the stack.
    package func leaves(of box: InputBox, network: Network) throws(Invalid) -> [(box: InputBox, pieces: Pieces)] {
        let d = box.dimension
        let splittable = PropertySplitTree.splittableNeurons(network)
        var leaves: [(InputBox, Pieces)] = []
        var index = 0
        var pending: [(InputBox, Pieces)] = [(box, [:])]
        while let (node, pieces) = pending.popLast() {
            guard index < nodes.count else { throw Invalid(description: "the split tree ends early") }
            let entry = nodes[index]
            index += 1
            switch entry {
            case -1:
                leaves.append((node, pieces))
            case 0..<d:
                guard let (low, high) = SubBoxTree.halves(of: node, across: entry) else {
                    throw Invalid(description: "split tree entry \(index - 1) halves input \(entry), whose side is a point")
                }
                pending.append((high, pieces))
                pending.append((low, pieces))
            default:
                let n = entry - d
                guard entry >= d, splittable[n] != nil else {
                    throw Invalid(description: "split tree entry \(index - 1) is \(entry): neither a leaf, an input nor a neuron with a two-piece activation")
                }
                guard pieces[n] == nil else { throw Invalid(description: "split tree entry \(index - 1) splits neuron \(n) again on one path") }
                var upper = pieces, lower = pieces
                upper[n] = true
                lower[n] = false
                pending.append((node, upper))
                pending.append((node, lower))
            }
        }
        guard index == nodes.count else { throw Invalid(description: "\(nodes.count - index) split tree entries left over") }
        return leaves
    }
}
