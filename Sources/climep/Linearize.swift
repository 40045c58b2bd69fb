import ArgumentParser
import ExactArithmetic
import Foundation
import Linearization
import Verification
import NeuralNetwork

struct Linearize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replace smooth activations by piecewise-linear fits and certify how far the logits can move.",
        discussion: """
            Prints, per logit, an exact rational upper bound on max over the box of |f_i(x) - g_i(x)|, where f is \
            the model and g its linearization (the paper's Proposition 3 per neuron, refined by a symbolic \
            difference of f and g over shared error symbols), and beside it the largest |f - g| a search found and \
            proved (a lower bound on the true maximum: how tight the certificate is). With --max-error E \
            it finds the fewest pieces whose bound is at most E on every logit, and exits 1 with the best bound \
            found when --max-pieces is reached first.
            """)

    @OptionGroup var model: ModelArgument
    @OptionGroup var boxOptions: BoxOptions
    @OptionGroup var linearization: LinearizationOptions

    @OptionGroup var target: ErrorTargetOptions

    @Flag(help: "Print one JSON object: pieces, errorBound, and per-layer figures.")
    var json = false

    func run() throws {
        let network = try model.load()
        // The error bound does not yet carry a layer's weight radius (an inexact BatchNormalization fold).
        guard let box = try boxOptions.box(dimension: network.inputCount) else {
            throw InputError("linearize needs an input box: --box B or --vnnlib PROP.vnnlib")
        }
        let splits = try linearization.splitCount(inputs: network.inputCount)
        let pieces = try linearization.pieceCount()
        guard (pieces == nil) != (target.maxError == nil) else {
            throw InputError("give exactly one of --pieces N and --max-error E")
        }
        let result: PieceCountSearch.Result
        if let n = pieces {
            let g = try LinearizedNetwork(network, pieces: n, method: linearization.fit)
            result = PieceCountSearch.Result(pieces: n, network: g, bound: ErrorBound.certify(g, over: box, splits: splits), met: true)
        } else {
            result = try target.fewestPieces(network, over: box, fit: linearization.fit, splits: splits)!
        }
        try report(result, box: box)
        if !result.met {
            printError("no piece count up to \(target.maxPieces) meets --max-error \(target.maxError!); the best certified bound is \(result.bound.maximum.nearestDouble) with \(result.pieces) pieces")
            throw ExitCode(1)
        }
    }

    struct Summary: Encodable {
        struct Layer: Encodable {
            let activation: String, neurons: Int, pieces: Int
            let originalRange: RationalInterval, linearizedRange: RationalInterval
            let maximumActivationError: Rational, maximumOutputError: Rational
        }
        struct Fit: Encodable { let breakpoints: [Rational], slopes: [Rational], intercepts: [Rational] }
        let pieces: Int
        let fit: String
        let errorBound: [Rational]
        let errorBoundDecimal: [Double]
        /// The largest |f − g| the search proved (a lower bound on the true maximum).
        let attained: AttainedSummary
        let met: Bool
        let subBoxes: Int
        let box: InputBox
        let layers: [Layer]
        let functions: [String: Fit]
    }

    func report(_ result: PieceCountSearch.Result, box: InputBox) throws {
        let bound = result.bound
        let attained = AttainedSummary(AttainedError.search(result.network, over: box))
        if json {
            try printJSON(Summary(
                pieces: result.pieces, fit: linearization.fit.rawValue, errorBound: bound.perLogit,
                errorBoundDecimal: bound.perLogit.map(\.nearestDouble), attained: attained, met: result.met, subBoxes: bound.subBoxes, box: box,
                layers: bound.layers.map {
                    .init(activation: $0.activation, neurons: $0.neurons, pieces: $0.pieces, originalRange: $0.originalRange,
                          linearizedRange: $0.linearizedRange, maximumActivationError: $0.maximumActivationError,
                          maximumOutputError: $0.maximumOutputError)
                },
                functions: Dictionary(uniqueKeysWithValues: result.network.fits.map {
                    ($0.key.description, Summary.Fit(breakpoints: $0.value.breakpoints, slopes: $0.value.slopes, intercepts: $0.value.intercepts))
                })))
            return
        }
        func short(_ x: Rational) -> String { String(format: "%.4g", x.nearestDouble) }
        print("model       \(model.path)")
        print("fit         \(result.pieces) pieces asked of every smooth activation (\(linearization.fit.rawValue)), \(result.network.smoothNeuronCount) smooth neurons")
        print("box         \(bound.subBoxes) sub-box\(bound.subBoxes == 1 ? "" : "es")")
        print(pad("layer", 7) + pad("activation", 12) + pad("neurons", 9) + pad("pieces", 8)
              + pad("pre-activation range (f)", 28) + pad("max ε", 12) + "max |f-g| after layer")
        for (k, layer) in bound.layers.enumerated() {
            let range = "[\(short(layer.originalRange.lower)), \(short(layer.originalRange.upper))]"
            print(pad("\(k + 1)", 7) + pad(layer.activation, 12) + pad("\(layer.neurons)", 9) + pad("\(layer.pieces)", 8)
                  + pad(range, 28) + pad(short(layer.maximumActivationError), 12) + short(layer.maximumOutputError))
        }
        for (i, e) in bound.perLogit.enumerated() {
            print("logit \(i)     |f - g| <= \(short(e))   (certified: \(e))")
        }
        print("attained    " + attained.text(certified: bound.perLogit[attained.logit]))
    }
}
