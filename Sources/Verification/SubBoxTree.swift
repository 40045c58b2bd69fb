import ExactArithmetic
import NeuralNetwork

/// How the error bound's box was cut: a bisection tree written in preorder.
///
/// Each entry is a node: `-1` a leaf, `j ≥ 0` a node halved at the midpoint of
/// coordinate `j`, followed by its lower half's subtree and then its upper
/// half's. The leaves' boxes cover the root box, whatever the entries are.
public struct SubBoxTree: Hashable, Sendable, Codable {
    /// The nodes in preorder.
    public let nodes: [Int]

    /// The tree with these nodes (validated when used).
    public init(nodes: [Int]) { self.nodes = nodes }

    /// The single-leaf tree: the box itself.
    public static let whole = SubBoxTree(nodes: [-1])

    /// Number of leaves (sub-boxes) of a well-formed tree.
    public var leafCount: Int { nodes.filter { $0 < 0 }.count }

    /// Why a tree does not describe a cover of the box.
    package struct Invalid: Error, CustomStringConvertible {
        package let description: String
    }

    /// The bound the tree proves: every node gets `min(evaluate(node box),
    /// parent's bound)` logit by logit — both hold on the node's box — and the
    /// result is the maximum over the leaves (proofs/error-bound.md,
    /// "Splitting"). Throws when the tree is malformed (an entry that is not a
    /// coordinate, a subtree cut short, entries left over) or `evaluate`
    /// returns nil; iterative, so deep trees cannot exhaust the stack.
    package func bound(over box: InputBox, _ evaluate: @Sendable (InputBox) -> [Rational]?) throws(Invalid) -> [Rational] {
        // Nodes are taken in preorder a batch at a time and evaluated on every
        // core; a parent comes before its children, so its bound is known when
        // theirs is combined. Only the pending boxes and the bounds of parents
        // with a child still to come are kept: memory grows with the depth.
        let batchSize = 64
        var result: [Rational]?
        var index = 0
        var pending: [(box: InputBox, parent: Int?)] = [(box, nil)]
        var open: [Int: (bound: [Rational], childrenLeft: Int)] = [:]
        while !pending.isEmpty {
            var batch: [(index: Int, box: InputBox, parent: Int?, leaf: Bool)] = []
            while batch.count < batchSize, let (node, parent) = pending.popLast() {
                guard index < nodes.count else { throw Invalid(description: "the sub-box tree ends early") }
                let entry = nodes[index]
                if entry < 0 {
                    guard entry == -1 else { throw Invalid(description: "sub-box tree entry \(index) is \(entry)") }
                } else {
                    guard let (low, high) = SubBoxTree.halves(of: node, across: entry) else {
                        throw Invalid(description: "sub-box tree entry \(index) cuts coordinate \(entry), which the box does not have or cannot halve")
                    }
                    pending.append((high, index))
                    pending.append((low, index))
                }
                batch.append((index, node, parent, entry < 0))
                index += 1
            }
            let own = batch.map(\.box).parallelMap(evaluate)
            for (node, value) in zip(batch, own) {
                guard let value else { throw Invalid(description: "sub-box \(node.index): no bound") }
                var bound = value
                if let parent = node.parent, let entry = open[parent] {
                    bound = zip(value, entry.bound).map { min($0, $1) }
                    open[parent] = entry.childrenLeft == 1 ? nil : (entry.bound, entry.childrenLeft - 1)
                }
                if node.leaf {
                    result = result.map { zip($0, bound).map { max($0, $1) } } ?? bound
                } else {
                    open[node.index] = (bound, 2)
                }
            }
        }
        guard index == nodes.count else { throw Invalid(description: "\(nodes.count - index) sub-box tree entries left over") }
        return result!
    }

    /// The lower and upper halves of `box` across coordinate `j`, split at
    /// the exact midpoint; nil when `j` is out of range or the side is a point.
    package static func halves(of box: InputBox, across j: Int) -> (InputBox, InputBox)? {
        guard j >= 0, j < box.lower.count, box.lower[j] < box.upper[j] else { return nil }
        let middle = (box.lower[j] + box.upper[j]).timesPowerOfTwo(-1)
        var upperOfLow = box.upper, lowerOfHigh = box.lower
        upperOfLow[j] = middle
        lowerOfHigh[j] = middle
        guard let low = try? InputBox(lower: box.lower, upper: upperOfLow),
              let high = try? InputBox(lower: lowerOfHigh, upper: box.upper) else { return nil }
        return (low, high)
    }
}
