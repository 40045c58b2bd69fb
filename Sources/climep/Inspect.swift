import ArgumentParser
import NeuralNetwork

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a model's inputs, classes, parameters and layers as climep reads them.",
        discussion: "Classifier heads (softmax, a final sigmoid, ArgMax, label post-processing) are stripped and input normalisation is folded into the first layer; the summary says which.")

    @OptionGroup var model: ModelArgument

    @Flag(help: "Print one JSON object: inputs, classes, parameters, layers.")
    var json = false

    struct Summary: Encodable {
        struct Layer: Encodable { let inputs: Int, outputs: Int, activation: String }
        let inputs: Int, classes: Int, parameters: Int, logits: Int
        let layers: [Layer]
        let format: String, producer: String, strippedHead: [String], foldedIntoFirstLayer: [String]
    }

    func run() throws {
        let network = try model.load()
        let summary = Summary(
            inputs: network.inputCount, classes: network.classCount, parameters: network.parameterCount,
            logits: network.logitCount,
            layers: network.layers.map { .init(inputs: $0.inputCount, outputs: $0.outputCount, activation: $0.activation.name) },
            format: network.provenance.format, producer: network.provenance.producer,
            strippedHead: network.provenance.strippedHead, foldedIntoFirstLayer: network.provenance.foldedIntoFirstLayer)
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
            default: break
            }
            print("layer \(k + 1)     \(layer.inputCount) -> \(layer.outputCount), \(activation)")
        }
        if !summary.foldedIntoFirstLayer.isEmpty {
            print("folded      \(summary.foldedIntoFirstLayer.joined(separator: ", ")) (input normalisation, exactly into layer 1)")
        }
        if !summary.strippedHead.isEmpty {
            print("head        \(summary.strippedHead.joined(separator: ", ")) (stripped: labels come from the logits)")
        }
    }
}
