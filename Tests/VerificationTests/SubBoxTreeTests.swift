import ExactArithmetic
import FixtureSupport
import NeuralNetwork
import Testing
import Verification

/// `SubBoxTree.bound(over:)`, which evaluates nodes a batch at a time on every
/// core, against a plain recursive walk of the same tree.
@Suite struct SubBoxTreeTests {
    /// A made-up bound per box, different on every node: what the tree's
    /// arithmetic (min down the tree, max over the leaves) acts on.
    @Sendable static func ownBound(_ box: InputBox) -> [Rational]? {
        [box.upper[0] - box.lower[1] * 2, box.lower[2] + box.upper[1], (box.upper[2] - box.lower[0]) * box.lower[0]]
    }

    /// The reference: recursion over the preorder entries.
    static func reference(_ nodes: [Int], box: InputBox, parent: [Rational]?, at index: inout Int) -> [Rational] {
        let entry = nodes[index]
        index += 1
        let own = ownBound(box)!
        let bound = parent.map { zip(own, $0).map { min($0, $1) } } ?? own
        guard entry >= 0 else { return bound }
        let (low, high) = SubBoxTree.halves(of: box, across: entry)!
        let lowMax = reference(nodes, box: low, parent: bound, at: &index)
        let highMax = reference(nodes, box: high, parent: bound, at: &index)
        return zip(lowMax, highMax).map { max($0, $1) }
    }

    /// A random tree of `splits` bisections, in preorder.
    static func randomTree(splits: Int, using random: inout SeededGenerator) -> [Int] {
        // Grow by splitting a random leaf; then write the preorder.
        var children: [(Int, Int, Int)?] = [nil]
        var leaves = [0]
        for _ in 0..<splits {
            let k = Int.random(in: 0..<leaves.count, using: &random), leaf = leaves[k]
            children[leaf] = (Int.random(in: 0..<3, using: &random), children.count, children.count + 1)
            leaves.replaceSubrange(k...k, with: [children.count, children.count + 1])
            children += [nil, nil]
        }
        var nodes: [Int] = [], pending = [0]
        while let n = pending.popLast() {
            if let (coordinate, low, high) = children[n] {
                nodes.append(coordinate)
                pending += [high, low]
            } else {
                nodes.append(-1)
            }
        }
        return nodes
    }

    @Test(arguments: [0, 1, 7, 40, 150])
    func boundEqualsTheRecursiveWalk(splits: Int) throws {
        var random = SeededGenerator(state: UInt64(splits) + 3)
        let box = try InputBox(lower: [-1, Rational(-1, 3), 0], upper: [2, 1, Rational(5, 7)])
        let nodes = Self.randomTree(splits: splits, using: &random)
        #expect(nodes.count == 2 * splits + 1)
        var index = 0
        let expected = Self.reference(nodes, box: box, parent: nil, at: &index)
        #expect(try SubBoxTree(nodes: nodes).bound(over: box, Self.ownBound) == expected)
    }

    @Test func malformedTreesAreRefused() throws {
        let box = try InputBox(lower: [0, 0, 0], upper: [1, 1, 1])
        for nodes in [[], [0, -1], [0, -1, -1, -1], [3, -1, -1], [-2]] {
            #expect(throws: SubBoxTree.Invalid.self) { try SubBoxTree(nodes: nodes).bound(over: box, Self.ownBound) }
        }
        #expect(throws: SubBoxTree.Invalid.self) { try SubBoxTree(nodes: [0, -1, -1]).bound(over: box) { _ in nil } }
    }
}
