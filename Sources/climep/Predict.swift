import ArgumentParser
import ExactArithmetic
import NeuralNetwork

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the label and logits of the model on every point of a CSV file.",
        discussion: """
            Output: CSV with header label,logit0,logit1,... and one line per point. Logits are \
            floating-point decimals by default; with --exact they are exact rationals (piecewise-linear \
            models only). Arg-max ties go to the lowest class; a one-logit model answers 1 where the logit is > 0.
            """)

    @OptionGroup var model: ModelArgument

    @Option(name: .long, help: ArgumentHelp("CSV file of points, one per line; a non-numeric first line is a header.", valueName: "POINTS.csv"))
    var input: String

    @Flag(help: "Evaluate exactly in rational arithmetic and print exact logits.")
    var exact = false

    func run() throws {
        let network = try model.load()
        let points = try PointSet(contentsOf: input, dimension: network.inputCount).points
        if exact && !network.isPiecewiseLinear {
            let smooth = network.layers.firstIndex { !$0.activation.isPiecewiseLinear }!
            throw InputError("--exact needs piecewise-linear activations, but layer \(smooth + 1) uses \(network.layers[smooth].activation.name)")
        }
        print((["label"] + (0..<network.logitCount).map { "logit\($0)" }).joined(separator: ","))
        for point in points {
            if exact {
                let logits = network.exactLogits(point)!
                print(([String(Network.label(ofLogits: logits))] + logits.map(\.description)).joined(separator: ","))
            } else {
                let logits = network.logits(point.map(\.nearestDouble))
                print(([String(Network.label(ofLogits: logits))] + logits.map { "\($0)" }).joined(separator: ","))
            }
        }
    }
}
