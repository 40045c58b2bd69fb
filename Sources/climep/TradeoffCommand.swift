import ArgumentParser
import Certification
import ExactArithmetic
import Foundation
import NeuralNetwork
import Regions
import Verification

struct TradeoffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tradeoff",
        abstract: "The precision trade-off (the paper's Fig. 6(b), certified): per piece count, bound, regions, DecisionNet size, agreed area.",
        discussion: """
            Certifies the model over the box once per piece count in --pieces and checks every certificate \
            independently; prints, per n, the certified error bound, the regions of g, the exact and the compact \
            DecisionNet's numbers, the share where f's label is proven, the share where the compact net provably \
            gives it, and the time. Shares are of the box's area for 2 inputs, of the regions otherwise. With --svg, draws them against n. Exits 1 when a piece count reaches \
            --max-regions (the rows before it are printed).
            """)

    @OptionGroup var model: ModelArgument
    @OptionGroup var boxOptions: BoxOptions

    @Option(help: ArgumentHelp("Piece counts, comma-separated (each at least 3).", valueName: "N,N,…"))
    var pieces = "3,5,8"

    @Option(help: ArgumentHelp("Bisections of the box for the error bound (default 64).", valueName: "S"))
    var splits = 64

    @Option(name: .customLong("max-regions"), help: ArgumentHelp("Stop at a piece count whose regions exceed N.", valueName: "N"))
    var maxRegions = 200_000

    @OptionGroup var decisionNet: DecisionNetOptions

    @Option(help: ArgumentHelp("Also draw the figures against n into this SVG file.", valueName: "FILE.svg"))
    var svg: String?

    @Flag(help: "Print one JSON object: rows (pieces, errorBound, regions, exactDNetParameters, compactDNetParameters, measure, agreedFraction, compactAgreedFraction, seconds), modelParameters.")
    var json = false

    func validate() throws {
        let counts = pieces.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !counts.isEmpty, counts.allSatisfy({ $0 != nil && $0! >= 3 && $0! <= PieceLimit.maximum }) else {
            throw ValidationError("--pieces must list piece counts from 3 to \(PieceLimit.maximum), comma-separated, got '\(pieces)'")
        }
        guard (0...100_000).contains(splits) else { throw ValidationError("--splits must be between 0 and 100000") }
        guard maxRegions > 0 else { throw ValidationError("--max-regions must be positive") }
    }

    func run() throws {
        if let svg { try OutputFile.check(svg, option: "--svg") }
        let file = try ModelFile.read(model.path)
        let network = try Network(file: file)
        guard let box = try boxOptions.box(dimension: network.inputCount) else { throw InputError("tradeoff needs an input box: --box B") }
        guard zip(box.lower, box.upper).allSatisfy({ $0 < $1 }) else {
            throw InputError("tradeoff needs a box of positive width in every input")
        }
        let compact = try decisionNet.request(for: network)
        let counts = pieces.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces))! }
        let (rows, stopped) = try Tradeoff.sweep(network, model: file, over: box, pieces: counts, splits: splits,
                                                 maximumRegions: maxRegions, compact: compact,
                                                 progress: { ProgressLine.shared.report($0) })
        if let svg {
            let title = "\(model.path): the precision trade-off over the box (every figure verified by climep check)"
            try OutputFile.write(Data(Tradeoff.svg(rows, modelParameters: network.parameterCount, title: title).utf8), to: svg, option: "--svg")
        }
        if json {
            struct Output: Encodable { let rows: [Tradeoff.Row], modelParameters: Int }
            try printJSON(Output(rows: rows, modelParameters: network.parameterCount))
        } else {
            func percent(_ x: Rational?) -> String { x.map { String(format: "%.2f %%", 100 * $0.nearestDouble) } ?? "—" }
            print("model \(model.path): \(network.parameterCount) parameters; every figure below was verified by the checker; shares are of the \(rows.first?.measure ?? "box area")")
            print("| pieces | certified bound | regions | exact DNet | compact DNet | f's label proven | compact = f proven | time (s) |")
            print("|---:|---:|---:|---:|---:|---:|---:|---:|")
            for r in rows {
                print("| \(r.pieces) | \(String(format: "%.4g", r.errorBound.nearestDouble)) | \(r.regions) | \(r.exactDNetParameters) | \(r.compactDNetParameters.map(String.init) ?? "—") | \(percent(r.agreedFraction)) | \(percent(r.compactAgreedFraction)) | \(String(format: "%.1f", r.seconds)) |")
            }
            if let svg { print("picture \(svg)") }
        }
        if let stopped {
            printError("stopped: \(stopped) pieces give more than --max-regions \(maxRegions) regions")
            throw ExitCode(1)
        }
    }
}
