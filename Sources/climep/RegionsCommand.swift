import ArgumentParser
import ExactArithmetic
import Foundation
import Linearization
import Verification
import NeuralNetwork
import Polyhedra
import Regions

struct RegionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regions",
        abstract: "Find the linear regions of the (linearized) model over a box.",
        discussion: """
            On each region the network is one exact affine map. With --complete every region meeting the box is \
            found and the split-tree certificate of completeness is replayed in exact arithmetic before "complete" \
            is reported true. For 2-input models the exact area of the box each class gets is reported.
            """)

    @OptionGroup var model: ModelArgument
    @OptionGroup var boxOptions: BoxOptions
    @OptionGroup var linearization: LinearizationOptions
    @OptionGroup var enumeration: EnumerationOptions

    @Option(name: .customLong("regions-out"), help: ArgumentHelp("Write every region (pattern, constraints, affine map, interior point) to a JSON file.", valueName: "FILE"))
    var regionsOut: String?

    @Flag(help: "Print one JSON object: count, complete, classArea (2 inputs).")
    var json = false

    struct Summary: Encodable {
        let count: Int
        let complete: Bool
        let classArea: [Rational]?
        let pointsOnBoundaries: Int?
        let certificateSteps: Int?
    }

    func run() throws {
        if let regionsOut { try OutputFile.check(regionsOut, option: "--regions-out") }
        let network = try model.load()
        guard let box = try boxOptions.box(dimension: network.inputCount) else { throw InputError("regions needs an input box: --box B or --vnnlib PROP.vnnlib") }
        let g = try linearized(network, linearization)
        let clock = ContinuousClock()
        let start = clock.now
        let (result, verified, onBoundaries, _) = try enumeration.enumerate(g, over: box)
        let elapsed = clock.now - start
        let areas = network.inputCount == 2 ? result.classAreas(classCount: network.classCount) : nil
        if let regionsOut { try RegionFile.write(result, to: regionsOut) }
        if json {
            try printJSON(Summary(count: result.regions.count, complete: verified, classArea: areas,
                                  pointsOnBoundaries: enumeration.samples == nil ? nil : onBoundaries,
                                  certificateSteps: result.certificate?.steps.count))
            return
        }
        print("model       \(model.path)")
        print("regions     \(result.regions.count)\(verified ? " (complete: certificate replayed exactly)" : " (found by samples; not a complete list)")")
        if enumeration.samples != nil && onBoundaries > 0 { print("            \(onBoundaries) points lie on region boundaries") }
        if let areas {
            for (label, area) in areas.enumerated() { print("class \(label)     area \(area.nearestDouble) (exact: \(area.description.count > 60 ? "\(area.description.count) characters" : area.description))") }
        }
        print("time        \(elapsed)")
    }
}

/// Every region as JSON, for users who analyse them.
enum RegionFile {
    struct Region: Encodable {
        let pattern: [[Int]]
        let constraints: [Halfspace]
        let logitWeights: [[Rational]]
        let logitBias: [Rational]
        let interiorPoint: [Rational]
    }
    struct Document: Encodable {
        let format = "climep-regions"
        let box: InputBox
        let complete: Bool
        let regions: [Region]
    }

    static func write(_ enumeration: RegionEnumeration, to path: String) throws {
        guard let first = enumeration.regions.first else { return }
        let document = Document(
            box: try InputBox(lower: first.polytope.lower, upper: first.polytope.upper), complete: enumeration.isComplete,
            regions: enumeration.regions.map { r in
                Region(pattern: r.pattern, constraints: r.polytope.halfspaces,
                       logitWeights: (0..<r.logitWeights.rows).map { r.logitWeights.row($0) }, logitBias: r.logitBias,
                       interiorPoint: r.witness)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try OutputFile.write(try encoder.encode(document), to: path, option: "--regions-out")
    }
}
