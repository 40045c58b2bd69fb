import ExactArithmetic
import NeuralNetwork
import Verification

extension LinearizedNetwork {
    /// Linearizes `network`. Throws when `pieces` is below a smooth
    /// activation's minimum.
    public init(_ network: Network, pieces: Int, method: FitMethod) throws(InputError) {
        var fits: [SmoothActivation: PiecewiseLinearFunction] = [:]
        var activations: [PiecewiseLinearFunction] = []
        for layer in network.layers {
            if let smooth = SmoothActivation(layer.activation) {
                if fits[smooth] == nil {
                    guard pieces >= smooth.minimumPieces else {
                        throw InputError("\(smooth.description) needs at least \(smooth.minimumPieces) pieces, got \(pieces)")
                    }
                    do {
                        fits[smooth] = try ActivationFit.fit(smooth, pieces: pieces, method: method)
                    } catch {
                        throw InputError("cannot fit \(smooth.description) with \(pieces) pieces: \(error)")
                    }
                }
                activations.append(fits[smooth]!)
            } else {
                activations.append(PiecewiseLinearFunction(exactly: layer.activation)!)
            }
        }
        try self.init(network, activations: activations)
    }
}
