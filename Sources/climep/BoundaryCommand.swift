import ArgumentParser
import ExactArithmetic
import Foundation
import Linearization
import Verification
import NeuralNetwork
import Regions

struct BoundaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "boundary",
        abstract: "Compute the exact decision boundary of the (linearized) model over a box.",
        discussion: """
            In every region, the pieces of the hyperplanes where the two largest logits tie (where the one logit \
            is zero), normalised to primitive integer coefficients so that equal hyperplanes merge. For 2-input \
            models --svg draws the regions filled by class with the boundary in bold (open it in a browser).
            """)

    @OptionGroup var model: ModelArgument
    @OptionGroup var boxOptions: BoxOptions
    @OptionGroup var linearization: LinearizationOptions
    @OptionGroup var enumeration: EnumerationOptions

    @Option(help: ArgumentHelp("Write an SVG picture (2-input models).", valueName: "FILE"))
    var svg: String?

    @Option(help: ArgumentHelp("Points to draw on the picture, coloured by g's label (CSV).", valueName: "POINTS.csv"))
    var points: String?

    @Flag(help: "Print one JSON object: hyperplanes, pieces, regions, complete.")
    var json = false

    struct Summary: Encodable {
        struct Plane: Encodable { let normal: [Rational], offset: Rational }
        let regions: Int
        let complete: Bool
        let pieces: Int
        let hyperplanes: [Plane]
    }

    func run() throws {
        if let svg { try OutputFile.check(svg, option: "--svg") }
        let network = try model.load()
        guard let box = try boxOptions.box(dimension: network.inputCount) else { throw InputError("boundary needs an input box: --box B or --vnnlib PROP.vnnlib") }
        if svg != nil && network.inputCount != 2 { throw InputError("--svg draws 2-input models; this one has \(network.inputCount) inputs") }
        let g = try linearized(network, linearization)
        let overlay = try points.map { try PointSet(contentsOf: $0, dimension: network.inputCount).points } ?? []
        let (result, verified, _, samples) = try enumeration.enumerate(g, over: box)
        let boundary = DecisionBoundary(result)
        if let svg {
            var picture = RegionPicture(enumeration: result, boundary: boundary, classCount: network.classCount)
            picture.title = "\(model.path): \(verified ? "complete" : "sampled") regions of g" + (linearization.pieces.map { " (\($0) pieces)" } ?? "")
            picture.points = (samples + overlay).filter { box.contains($0) }.map { ($0, Network.label(ofLogits: g.exactLogits($0))) }
            try OutputFile.write(Data(picture.svg().utf8), to: svg, option: "--svg")
        }
        if json {
            try printJSON(Summary(regions: result.regions.count, complete: verified, pieces: boundary.pieces.count,
                                  hyperplanes: boundary.hyperplanes.map { .init(normal: $0.normal, offset: $0.offset) }))
            return
        }
        print("model       \(model.path)")
        print("regions     \(result.regions.count)\(verified ? " (complete)" : " (sampled)")")
        print("boundary    \(boundary.pieces.count) pieces on \(boundary.hyperplanes.count) distinct hyperplanes")
        for plane in boundary.hyperplanes.prefix(20) {
            // Display only: scaled so the largest coefficient is 1; --json has the exact integers.
            let scale = (plane.normal + [plane.offset]).map(\.magnitude).max()!
            let shown = (plane.normal + [plane.offset]).map { String(format: "%+.6f", ($0 / scale).nearestDouble) }
            let terms = shown.dropLast().enumerated().map { "\($1)·x\($0)" }.joined(separator: " ")
            print("            \(terms) \(shown.last!) = 0")
        }
        if boundary.hyperplanes.count > 20 { print("            … \(boundary.hyperplanes.count - 20) more") }
        print("            (coefficients scaled for display; --json prints the exact primitive integers)")
        if let svg { print("picture     \(svg)") }
    }
}
