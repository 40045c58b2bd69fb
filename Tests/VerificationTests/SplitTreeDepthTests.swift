import ExactArithmetic
import Foundation
import NeuralNetwork
import Polyhedra
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
}
