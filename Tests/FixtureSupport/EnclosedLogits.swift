import ExactArithmetic
import NeuralNetwork
import Verification

/// An independent high-precision enclosure of the model's logits `f(x)` at a
/// point: plain interval arithmetic, each smooth activation enclosed at 200
/// bits over the interval of its input, sharing nothing with climep's bounds
/// beyond the enclosures themselves. Piecewise-linear activations are
/// evaluated exactly at the interval's ends (they are monotone).
public func enclosedLogits(_ network: Network, at x: [Rational]) -> [RationalInterval] {
    var h = x.map { RationalInterval(point: $0) }
    for layer in network.layers {
        h = (0..<layer.outputCount).map { i in
            var z = RationalInterval(point: layer.bias[i])
            for j in 0..<layer.inputCount { z = z + layer.weights[i, j] * h[j] }
            if let smooth = SmoothActivation(layer.activation) { return smooth.enclosure(z, bits: 200) }
            let a = layer.activation
            return RationalInterval(a.exactly(z.lower)!, a.exactly(z.upper)!)
        }
    }
    return h
}
