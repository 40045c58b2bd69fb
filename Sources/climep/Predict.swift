import ArgumentParser
import ExactArithmetic
import Linearization
import Verification
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

    @OptionGroup(title: "Linearized network (with --box and --pieces: evaluate g, as linearize and certify do)")
    var boxOptions: BoxOptions

    @OptionGroup var linearization: LinearizationOptions

    func run() throws {
        let network = try model.load()
        let box = try boxOptions.box(dimension: network.inputCount)
        let pieces = try linearization.pieceCount()
        guard (box == nil) == (pieces == nil) else {
            throw InputError("evaluating the linearized network needs both --box (or --vnnlib) and --pieces")
        }
        let points = try PointSet(contentsOf: input, dimension: network.inputCount).points
        if let box, let pieces {
            let g = try LinearizedNetwork(network, pieces: pieces, method: linearization.fit)
            let outside = points.filter { !box.contains($0) }.count
            if outside > 0 { printError("warning: \(outside) of \(points.count) points lie outside the box, where no error bound was certified") }
            printRows(points, logitCount: network.logitCount) { x in
                exact ? row(g.exactLogits(x)) : row(g.logits(x.map(\.nearestDouble)))
            }
            return
        }
        if exact && !network.isPiecewiseLinear {
            let smooth = network.layers.firstIndex { !$0.activation.isPiecewiseLinear }!
            throw InputError("--exact needs piecewise-linear activations, but layer \(smooth + 1) uses \(network.layers[smooth].activation.name)")
        }
        if exact {
            printRows(points, logitCount: network.logitCount) { row(network.exactLogits($0)!) }
        } else {
            printRows(points, logitCount: network.logitCount) { row(network.logits($0.map(\.nearestDouble))) }
        }
    }

    /// The CSV header and one `label,logits…` line per point.
    private func printRows(_ points: [[Rational]], logitCount: Int, row: ([Rational]) -> String) {
        print((["label"] + (0..<logitCount).map { "logit\($0)" }).joined(separator: ","))
        for point in points { print(row(point)) }
    }

    /// `label,logit0,…` for exact or floating-point logits.
    private func row<T: Comparable & SignedNumeric & CustomStringConvertible>(_ logits: [T]) -> String {
        ([String(Network.label(ofLogits: logits))] + logits.map(\.description)).joined(separator: ",")
    }
}
