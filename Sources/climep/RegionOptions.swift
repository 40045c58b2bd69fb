import ArgumentParser
import ExactArithmetic
import Foundation
import Linearization
import Verification
import NeuralNetwork
import Regions

/// `--complete | --samples F` and `--max-regions`, shared by `regions` and `boundary`.
struct EnumerationOptions: ParsableArguments {
    @Flag(help: "Enumerate every region meeting the box, with a completeness certificate that is replayed exactly.")
    var complete = false

    @Option(help: ArgumentHelp("Find the regions that the points of a CSV file land in (the paper's Algorithm 2).", valueName: "POINTS.csv"))
    var samples: String?

    @Option(name: .customLong("max-regions"), help: ArgumentHelp("Stop a complete enumeration after this many regions (exit 1).", valueName: "N"))
    var maxRegions = 1_000_000

    /// The regions of `g` over `box`, the certificate verified when complete.
    func enumerate(_ g: LinearizedNetwork, over box: InputBox) throws -> (RegionEnumeration, verified: Bool, onBoundaries: Int, points: [[Rational]]) {
        if let tooWide = RegionEnumeration.inputLimitError(inputs: g.original.inputCount) { throw InputError(tooWide) }
        guard box.lower.indices.allSatisfy({ box.lower[$0] < box.upper[$0] }) else {
            let j = box.lower.indices.first { box.lower[$0] >= box.upper[$0] }!
            throw InputError("regions need a box of positive width: interval \(j + 1) is the single point \(box.lower[j])")
        }
        switch (complete, samples) {
        case (true, nil):
            guard maxRegions > 0 else { throw InputError("--max-regions must be positive") }
            let enumeration: RegionEnumeration
            do {
                enumeration = try RegionEnumeration.complete(g, over: box, maximumRegions: maxRegions) { ProgressLine.shared.update($0.description) }
            } catch {
                printError("stopped: --max-regions \(error.limit) reached after \(error.regionsFound) regions; the enumeration is incomplete")
                throw ExitCode(1)
            }
            let count = try CompletenessCheck.verify(enumeration.certificate!, for: g, over: box)
            return (enumeration, count == enumeration.regions.count, 0, [])
        case (false, let path?):
            let points = try PointSet(contentsOf: path, dimension: g.original.inputCount).points
            let outside = points.filter { !box.contains($0) }.count
            if outside > 0 { printError("warning: \(outside) of \(points.count) points lie outside the box and are ignored") }
            let (enumeration, onBoundaries) = RegionEnumeration.sampled(g, over: box, points: points)
            return (enumeration, false, onBoundaries, points)
        default:
            throw InputError("give exactly one of --complete and --samples POINTS.csv")
        }
    }
}


/// Builds `g` for a model: its own PWL activations, or fits with `--pieces`.
func linearized(_ network: Network, _ options: LinearizationOptions) throws -> LinearizedNetwork {
    if let pieces = try options.pieceCount() {
        return try LinearizedNetwork(network, pieces: pieces, method: options.fit)
    }
    guard network.isPiecewiseLinear else {
        let k = network.layers.firstIndex { !$0.activation.isPiecewiseLinear }!
        throw InputError("layer \(k + 1) uses \(network.layers[k].activation.name): give --pieces N to linearize it")
    }
    return try LinearizedNetwork(network, pieces: 3, method: options.fit)
}
