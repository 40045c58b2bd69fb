import ExactArithmetic
import NeuralNetwork

/// Interval bound propagation over a box, in exact rationals: for every
/// layer, an interval holding each neuron's pre-activation for every input in
/// the box. Smooth activations are enclosed with outward rounding
/// (`Enclosure`); piecewise-linear ones are mapped exactly. Endpoints are
/// rounded outward to multiples of 2^-`bits` after each layer, which only
/// widens the intervals and keeps denominators from growing layer by layer.
///
/// Proof: proofs/interval-propagation.md.
public struct IntervalPropagation: Sendable {
    /// Pre-activation ranges per layer (outer index) and neuron.
    public let preActivation: [[RationalInterval]]

    /// Resolution of the outward rounding.
    public static let bits = 64

    /// Ranges of the original network `f` (smooth activations enclosed).
    public static func original(_ network: Network, over box: InputBox) -> IntervalPropagation {
        propagate(network.layers, over: box) { k, range in
            let activation = network.layers[k].activation
            return SmoothActivation(activation)?.enclosure(range)
                ?? PiecewiseLinearFunction(exactly: activation)!.image(of: range)
        }
    }

    /// Ranges of the linearized network `g` (every activation exact).
    public static func linearized(_ network: LinearizedNetwork, over box: InputBox) -> IntervalPropagation {
        propagate(network.original.layers, over: box) { k, range in network.activations[k].image(of: range) }
    }

    private static func propagate(
        _ layers: [DenseLayer], over box: InputBox, activation: (Int, RationalInterval) -> RationalInterval
    ) -> IntervalPropagation {
        var input = zip(box.lower, box.upper).map { RationalInterval($0, $1) }
        var ranges: [[RationalInterval]] = []
        for (k, layer) in layers.enumerated() {
            let pre = affineImage(layer, input).map { $0.roundedOutward(toBits: bits) }
            ranges.append(pre)
            input = pre.map { activation(k, $0).roundedOutward(toBits: bits) }
        }
        return IntervalPropagation(preActivation: ranges)
    }

    /// The exact interval image of `W x + b` for `x` in a box: each bound
    /// pairs every weight with the input end that minimises (maximises) it.
    static func affineImage(_ layer: DenseLayer, _ x: [RationalInterval]) -> [RationalInterval] {
        let lower = x.map(\.lower), upper = x.map(\.upper)
        return (0..<layer.outputCount).map { i in
            let row = layer.weights.row(i)
            var low: [Rational] = [], high: [Rational] = []
            low.reserveCapacity(row.count)
            high.reserveCapacity(row.count)
            for j in row.indices {
                let positive = row[j].sign >= 0
                low.append(positive ? lower[j] : upper[j])
                high.append(positive ? upper[j] : lower[j])
            }
            return RationalInterval(dot(row, low) + layer.bias[i], dot(row, high) + layer.bias[i])
        }
    }
}

extension RationalInterval {
    /// The smallest interval with endpoints on the 2^-bits grid that contains this one.
    public func roundedOutward(toBits bits: Int) -> RationalInterval {
        RationalInterval(lower.roundedDown(toBits: bits), upper.roundedUp(toBits: bits))
    }
}
