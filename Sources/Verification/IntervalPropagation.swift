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

    /// Ranges of the original network `f` (smooth activations enclosed). A
    /// layer with a weight radius (`DenseLayer.weightRadius`) gets ranges that
    /// hold for every weight and bias within it, so they hold for the model
    /// file's real weights.
    public static func original(_ network: Network, over box: InputBox) -> IntervalPropagation {
        propagate(network.layers, over: box, widenByRadius: true) { k, range in
            originalImage(network.layers[k].activation, of: range)
        }
    }

    /// An interval holding `σ(z)` for every `z` in `range`: the enclosure of
    /// a smooth activation, the exact image of a piecewise-linear one.
    package static func originalImage(_ activation: Activation, of range: RationalInterval) -> RationalInterval {
        SmoothActivation(activation)?.enclosure(range) ?? PiecewiseLinearFunction(exactly: activation)!.image(of: range)
    }

    /// Intervals holding each output of `f` (the last layer's activation
    /// applied) for every input in the box.
    package static func originalOutputs(_ network: Network, over box: InputBox) -> [RationalInterval] {
        let last = network.layers[network.layers.count - 1].activation
        return original(network, over: box).preActivation.last!.map { originalImage(last, of: $0) }
    }

    /// Ranges of the linearized network `g` (every activation exact).
    public static func linearized(_ network: LinearizedNetwork, over box: InputBox) -> IntervalPropagation {
        propagate(network.original.layers, over: box) { k, range in network.activations[k].image(of: range) }
    }

    private static func propagate(
        _ layers: [DenseLayer], over box: InputBox, widenByRadius: Bool = false,
        activation: (Int, RationalInterval) -> RationalInterval
    ) -> IntervalPropagation {
        var input = zip(box.lower, box.upper).map { RationalInterval($0, $1) }
        var ranges: [[RationalInterval]] = []
        for (k, layer) in layers.enumerated() {
            var image = affineImage(layer, input)
            if widenByRadius, let spread = radiusSpread(layer, input.map(\.magnitude)) {
                image = zip(image, spread).map { RationalInterval($0.lower - $1, $0.upper + $1) }
            }
            let pre = image.map { $0.roundedOutward(toBits: bits) }
            ranges.append(pre)
            input = pre.map { activation(k, $0).roundedOutward(toBits: bits) }
        }
        return IntervalPropagation(preActivation: ranges)
    }

    /// `R |x| + r_b` for a layer with weight radius `R` and bias radius `r_b`
    /// and inputs with `|x_l| ≤ magnitudes[l]`: how far `W* x + b*` can be
    /// from `W x + b` (proofs/batch-normalization.md); nil for an exact layer.
    package static func radiusSpread(_ layer: DenseLayer, _ magnitudes: [Rational]) -> [Rational]? {
        guard !layer.isExact else { return nil }
        let n = layer.inputCount
        let weightRadius = layer.weightRadius ?? [], biasRadius = layer.biasRadius ?? []
        return (0..<layer.outputCount).map { i in
            var spread = biasRadius.isEmpty ? Rational.zero : biasRadius[i]
            if !weightRadius.isEmpty {
                for l in 0..<n where !weightRadius[i * n + l].isZero { spread += weightRadius[i * n + l] * magnitudes[l] }
            }
            return spread
        }
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
