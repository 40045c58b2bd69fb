import ExactArithmetic
import Foundation
import NeuralNetwork
import Polyhedra
import Regions
import Testing
import Synchronization
import Verification

/// The split tree may be thousands of cuts deep (one per neuron of a wide
/// layer); walking it must not use stack in proportion to its depth.
@Suite struct SplitTreeDepthTests {
    /// One input, one ReLU layer of `width` neurons with breakpoints decreasing
    /// inside (−1, 1), so the lowest path crosses every one of them.
    static func descendingReLULayer(width: Int) throws -> LinearizedNetwork {
        let breakpoints = (1...width).map { Rational(width + 1 - 2 * $0, width + 1) }
        let hidden = try DenseLayer(weights: RationalMatrix(rows: breakpoints.map { _ in [.one] }, columns: 1),
                                    bias: breakpoints.map { -$0 }, activation: .relu)
        let output = try DenseLayer(weights: RationalMatrix(rows: [breakpoints.map { _ in .one }], columns: width),
                                    bias: [.zero], activation: .identity)
        return try LinearizedNetwork(try Network(layers: [hidden, output]), pieces: 3, method: .algorithm1)
    }

    /// Runs `body` on a thread with a small stack (256 KiB), where a walk that
    /// recursed once per cut would overflow long before a depth of 2,000.
    static func onSmallStack(_ body: @escaping @Sendable () -> Void) {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            body()
            done.signal()
        }
        thread.stackSize = 1 << 18
        thread.start()
        done.wait()
    }

    @Test func aPathOfTwoThousandBothSidedCutsIsWalkedWithoutRecursion() throws {
        let width = 2000
        let walk = SplitTreeWalk(try Self.descendingReLULayer(width: width), box: try InputBox(lower: [-1], upper: [1]))
        let counts = Mutex((decisions: 0, leaves: 0, deepest: 0))
        Self.onSmallStack {
            // An oracle instead of LPs: both sides of the first `width` cuts
            // (the lowest path) are explored; every later cut ends its path.
            walk.walk(
                decide: { region, _, _, _ in
                    counts.withLock { c -> (below: SplitTreeWalk.Side, above: SplitTreeWalk.Side) in
                        c.decisions += 1
                        c.deepest = max(c.deepest, region.halfspaces.count)
                        return c.decisions <= width ? (.explored(witness: nil), .explored(witness: nil)) : (.empty, .empty)
                    }
                },
                leaf: { _, _, _, _ in counts.withLock { $0.leaves += 1 } })
        }
        let result = counts.withLock { $0 }
        // The lowest path (width cuts), then each pending above side's next cut.
        #expect(result.decisions == 2 * width - 1)
        #expect(result.deepest == width - 1)
        // The bottom leaf, and the above side of the last neuron's cut.
        #expect(result.leaves == 2)
    }

    /// The sorted-breakpoint layer makes every path cut every neuron, so the
    /// tree has `n(n + 1)/2` cuts however the search decides them. Each
    /// emptiness proof must stay as small as the LP's basis (at most d + 1 = 2
    /// multipliers), not grow with the path: dense proofs made this tree cost
    /// `n³/6` numbers (issue 9's one-input ReLU hang).
    @Test func proofsAlongLongPathsStaySparse() throws {
        let width = 120
        let g = try Self.descendingReLULayer(width: width)
        let box = try InputBox(lower: [-1], upper: [1])
        let result = try RegionEnumeration.complete(g, over: box)
        let tree = try #require(result.certificate)
        var decisions = 0, stored = 0, largest = 0
        for case .decision(let below, let above) in tree.steps {
            decisions += 1
            for y in [below, above].compactMap({ $0 }) {
                stored += y.indices.count
                largest = max(largest, y.indices.count)
            }
        }
        // Counted independently: n + 1 intervals between the n breakpoints; the
        // walk cuts breakpoints in decreasing order, and the interval below
        // breakpoint k (the k-th both-sided cut) then cuts the n − k neurons
        // after it once each: n + Σ_k (n − k) = n(n + 1)/2 cuts, none decided by the box.
        #expect(result.regions.count == width + 1)
        #expect(decisions == width * (width + 1) / 2)
        #expect(largest <= 2)
        #expect(stored <= 2 * decisions)
        #expect(try CompletenessCheck.verify(tree, for: g, over: box) == width + 1)
    }
}
