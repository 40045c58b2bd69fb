import ExactArithmetic
import Verification
import NeuralNetwork

/// The paper's Algorithm 2 loop made certified: the fewest pieces `n` — one
/// `n` for every smooth activation of the network — whose certified error
/// bound over the box is at most the target on every logit.
///
/// One `n` for all neurons keeps `g` a single small object (one fit per
/// activation type), which is what `predict --pieces` evaluates and what the
/// regions of `g` are built from; per-neuron counts would tighten the bound
/// for the same total but make `g` depend on the box.
public enum PieceCountSearch {
    /// The outcome: the first `n` that meets the target, or the best bound seen up to the cap.
    public struct Result: Sendable {
        /// The piece count `n` asked of every fit.
        public let pieces: Int
        public let network: LinearizedNetwork
        public let bound: ErrorBound
        /// True when `bound.maximum ≤ target`.
        public let met: Bool

        public init(pieces: Int, network: LinearizedNetwork, bound: ErrorBound, met: Bool) {
            self.pieces = pieces
            self.network = network
            self.bound = bound
            self.met = met
        }
    }

    /// Tries `n = minimum, minimum + 1, …, maximumPieces` in order and stops at
    /// the first whose certified bound is ≤ `target` on every logit.
    public static func fewestPieces(
        _ network: Network, over box: InputBox, target: Rational, method: FitMethod,
        splits: Int, maximumPieces: Int, progress: (Int, Rational) -> Void = { _, _ in }
    ) throws(InputError) -> Result {
        let minimum = network.layers.compactMap { SmoothActivation($0.activation)?.minimumPieces }.max() ?? SmoothActivation.sigmoid.minimumPieces
        guard maximumPieces >= minimum else {
            throw InputError("--max-pieces \(maximumPieces) is below the minimum of \(minimum) pieces")
        }
        var best: Result?
        for n in minimum...maximumPieces {
            let g = try LinearizedNetwork(network, pieces: n, method: method)
            let bound = ErrorBound.certify(g, over: box, splits: splits)
            progress(n, bound.maximum)
            let result = Result(pieces: n, network: g, bound: bound, met: bound.maximum <= target)
            if result.met { return result }
            if best == nil || bound.maximum < best!.bound.maximum { best = result }
            // A network without smooth activations has g = f: more pieces change nothing.
            if g.smoothNeuronCount == 0 { break }
        }
        return best!
    }
}
