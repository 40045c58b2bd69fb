import ArgumentParser
import NeuralNetwork

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a model's inputs, classes, parameters and layers as climep reads them.",
        discussion: """
            Classifier heads (softmax, a final sigmoid, ArgMax, label post-processing) are stripped; input \
            normalisation, ai.onnx.ml.Scaler and BatchNormalization are folded into the adjacent layer; nodes that \
            read only constants (shape arithmetic, Transpose of a weight) are folded to constants first. The summary \
            says which, and whether a layer's weights are the file's exactly (a BatchNormalization whose \
            γ/√(var + ε) is irrational is folded as a nearby rational with a rigorous radius).
            """)

    @OptionGroup var model: ModelArgument

    @Flag(help: "Print one JSON object: inputs, classes, parameters, layers.")
    var json = false

    struct Summary: Encodable {
        struct Layer: Encodable { let inputs: Int, outputs: Int, activation: String, exact: Bool }
        struct Folded: Encodable { let op: String, node: String, layer: Int, exact: Bool }
        let inputs: Int, classes: Int, parameters: Int, logits: Int
        let layers: [Layer]
        let format: String, producer: String, strippedHead: [String], foldedIntoFirstLayer: [String]
        /// Normalisation nodes folded into a layer, and the nodes folded to constants (op types).
        let foldedNormalisation: [Folded], foldedConstants: [String]
        /// True when every layer's weights are the model file's exactly.
        let exact: Bool
    }

    func run() throws {
        let network = try model.load()
        let summary = Summary(
            inputs: network.inputCount, classes: network.classCount, parameters: network.parameterCount,
            logits: network.logitCount,
            layers: network.layers.map { .init(inputs: $0.inputCount, outputs: $0.outputCount, activation: $0.activation.name, exact: $0.isExact) },
            format: network.provenance.format, producer: network.provenance.producer,
            strippedHead: network.provenance.strippedHead, foldedIntoFirstLayer: network.provenance.foldedIntoFirstLayer,
            foldedNormalisation: network.provenance.foldedNormalisation.map { .init(op: $0.op, node: $0.node, layer: $0.layer, exact: $0.exact) },
            foldedConstants: network.provenance.foldedConstants, exact: network.isExact)
        if json { try printJSON(summary); return }

        print("model       \(model.path) (\(summary.format)\(summary.producer.isEmpty ? "" : ", \(summary.producer)"))")
        print("inputs      \(summary.inputs)")
        print("classes     \(summary.classes)\(summary.logits == 1 ? " (one logit: label 1 where it is > 0)" : "")")
        print("parameters  \(summary.parameters)")
        for (k, layer) in network.layers.enumerated() {
            var activation = layer.activation.name
            switch layer.activation {
            case .leakyReLU(let slope): activation += " (slope \(slope))"
            case .hardTanh(let lower, let upper): activation += " [\(lower), \(upper)]"
            case .elu(let alpha): activation += " (alpha \(alpha))"
            case .gelu(let divisor?): activation += " (divisor \(divisor) ≈ \(divisor.nearestDouble))"
            case .geluTanh(let constants?):
                // The file's own constants (torch's float32 ones), not √(2/π) and 0.044715.
                activation += " (c = \(constants.scale) ≈ \(constants.scale.nearestDouble), k = \(constants.cubic) ≈ \(constants.cubic.nearestDouble))"
            default: break
            }
            let radius = layer.isExact ? "" : ", weights within a rigorous radius of the file's (inexact fold)"
            print("layer \(k + 1)     \(layer.inputCount) -> \(layer.outputCount), \(activation)\(radius)")
        }
        if !summary.foldedIntoFirstLayer.isEmpty {
            print("folded      \(summary.foldedIntoFirstLayer.joined(separator: ", ")) (input normalisation, into layer 1)")
        }
        for f in summary.foldedNormalisation {
            let how = f.exact ? "exactly" : "as a nearby rational with a rigorous radius (γ/√(var + ε) is irrational)"
            print("folded      \(f.op) '\(f.node)' into layer \(f.layer), \(how)")
        }
        if !summary.foldedConstants.isEmpty {
            let counts = Dictionary(summary.foldedConstants.map { ($0, 1) }, uniquingKeysWith: +)
            let ops = counts.keys.sorted().map { counts[$0]! > 1 ? "\($0) ×\(counts[$0]!)" : $0 }
            print("constants   \(summary.foldedConstants.count) nodes folded to constants before import (\(ops.joined(separator: ", ")))")
        }
        if !summary.strippedHead.isEmpty {
            print("head        \(summary.strippedHead.joined(separator: ", ")) (stripped: labels come from the logits)")
        }
    }
}
