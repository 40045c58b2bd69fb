import FixtureSupport
import NeuralNetwork

extension Network {
    /// The layers as the fixture manifests describe them: sizes and activation names.
    var manifestLayers: [Fixtures.Model.Layer] {
        layers.map { Fixtures.Model.Layer(inputs: $0.inputCount, outputs: $0.outputCount, activation: $0.activation.name) }
    }
}
