import ArgumentParser
import Certification
import ExactArithmetic
import Foundation
import Linearization
import NeuralNetwork
import Regions
import Verification

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The main job on the shipped example: certify, check independently, draw and report.",
        discussion: """
            Certifies the scikit-learn 2→8→8 tanh MLP in Examples/ (trained on two moons) over [-2, 2]² with an \
            8-piece fit, using the example points as the DecisionNet's training set, with a compact DecisionNet \
            certified against the model; re-checks the certificate with the independent checker; certifies and \
            checks 3 and 5 pieces too (the precision trade-off, the paper's Fig. 6(b)); and writes the certificate, \
            an SVG of the regions, g's boundary and the compact DecisionNet's hyperplanes (the paper's Fig. 6), an \
            SVG of the trade-off, and a Markdown report into the output folder. Run it from the repository root, or \
            give --model and --points.
            """)

    @Option(help: ArgumentHelp("The model to certify.", valueName: "MODEL"))
    var model = "Examples/moons-tanh.onnx"

    @Option(help: ArgumentHelp("Data points: the DecisionNet's training set and the picture's dots (CSV).", valueName: "POINTS.csv"))
    var points = "Examples/moons-train.csv"

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("The box.", valueName: "B"))
    var box = "-2:3,-1.5:2"

    @Option(help: ArgumentHelp("Pieces of the tanh fit.", valueName: "N"))
    var pieces = 8

    @Option(help: ArgumentHelp("Folder for certificate.json, dnet.svg and report.md (created if missing).", valueName: "DIR"))
    var out = "climep-demo"

    func run() throws {
        guard FileManager.default.fileExists(atPath: model) else {
            throw InputError("the demo model '\(model)' is not here: run the demo from the repository root, or give --model")
        }
        // The folder and its three files are checked before the (long) certification.
        try OutputFolder.prepare(out, option: "--out")
        let certificatePath = out + "/certificate.json", picturePath = out + "/dnet.svg", reportPath = out + "/report.md"
        let tradeoffPath = out + "/tradeoff.svg"
        for path in [certificatePath, picturePath, reportPath, tradeoffPath] { try OutputFile.check(path, option: "--out") }
        let modelFile = try ModelFile.read(model)
        let network = try Network(file: modelFile)
        // The error bound does not yet carry a layer's weight radius (an inexact BatchNormalization fold).
        guard network.inputCount == 2 else { throw InputError("the demo draws 2-input models; '\(model)' has \(network.inputCount) inputs") }
        let box = try InputBox(parsing: self.box, dimension: 2)
        guard box.lower[0] < box.upper[0] && box.lower[1] < box.upper[1] else { throw InputError("the box needs positive width") }
        guard pieces <= PieceLimit.maximum else { throw InputError("--pieces \(pieces) is more than the limit of \(PieceLimit.maximum)") }
        let data2D = try PointSet(contentsOf: points, dimension: 2).points

        printError("certifying \(model) over \(box.lower.indices.map { "[\(box.lower[$0]), \(box.upper[$0])]" }.joined(separator: "×")) with \(pieces) pieces…")
        let g = try LinearizedNetwork(network, pieces: pieces, method: .defaultMethod)
        let start = ContinuousClock.now
        let result: Certifier.Result
        do {
            // A compact DecisionNet where it means something: g differs from f (a smooth activation).
            let compact = network.isPiecewiseLinear ? nil : Certifier.CompactRequest()
            result = try Certifier.certify(g, model: modelFile, over: box, splits: 64, trainingPoints: data2D.filter { box.contains($0) },
                                           compact: compact, progress: { ProgressLine.shared.report($0) })
        } catch {
            printError("stopped after \(error.regionsFound) regions")
            throw ExitCode(1)
        }
        let certifySeconds = (ContinuousClock.now - start).seconds
        try write(result.certificate.encodedForReading(), to: certificatePath)

        printError("checking the certificate independently…")
        let checkStart = ContinuousClock.now
        let written = try Certificate.read(path: certificatePath)
        let checked: CheckedCertificate
        do { checked = try CertificateChecker.check(written, model: try ModelFile.read(model)) } catch {
            printError("climep: check failed: \(error)")
            throw ExitCode(1)
        }
        let checkSeconds = (ContinuousClock.now - checkStart).seconds

        var picture = RegionPicture(enumeration: result.enumeration, boundary: DecisionBoundary(result.enumeration), classCount: network.classCount)
        let drawn = result.certificate.compactDecisionNet.map { ("compact DecisionNet", $0.hyperplanes) }
            ?? ("DecisionNet", result.decisionNet.hyperplanes)
        picture.title = "\(model): g (pieces per layer " + checked.layers.map { "\($0.pieces)" }.joined(separator: ", ") + "), boundary (black), \(drawn.0) (dashed)"
        picture.hyperplanes = drawn.1
        picture.points = data2D.filter { box.contains($0) }.map { ($0, Network.label(ofLogits: g.exactLogits($0))) }
        try write(Data(picture.svg().utf8), to: picturePath)

        // The trade-off: fewer pieces, certified and checked the same way, beside this certificate's row.
        printError("the precision trade-off: 3 and 5 pieces…")
        let (smaller, _) = try Tradeoff.sweep(network, model: modelFile, over: box, pieces: [3, 5].filter { $0 < pieces }, splits: 64,
                                              maximumRegions: 200_000, compact: network.isPiecewiseLinear ? nil : Certifier.CompactRequest())
        let tradeoff = smaller + [Tradeoff.Row(pieces: pieces, checked: checked, seconds: certifySeconds + checkSeconds)]
        try write(Data(Tradeoff.svg(tradeoff, modelParameters: network.parameterCount, title: "\(model): the precision trade-off (verified figures)").utf8),
                  to: tradeoffPath)

        let report = CertificationReport(
            result: result, checked: checked, modelPath: model, certificatePath: certificatePath, picturePath: picturePath,
            certifySeconds: certifySeconds, checkSeconds: checkSeconds, points: data2D.filter { box.contains($0) },
            tradeoff: tradeoff, tradeoffPath: tradeoffPath)
        try write(Data(report.markdown.utf8), to: reportPath)

        CertificateSummary(result.certificate, path: certificatePath, seconds: certifySeconds,
                           trainingEntries: result.decisionNet.trainingEntries,
                           attained: AttainedError.search(result.g, over: box)).printReadable(modelPath: model)
        print("checked      every claim verified independently in \(String(format: "%.2f", checkSeconds)) s")
        print("picture      \(picturePath)  (regions, boundary, \(drawn.0) hyperplanes: the paper's Fig. 6)")
        for row in tradeoff {
            print("trade-off    n = \(row.pieces): bound \(String(format: "%.3g", row.errorBound.nearestDouble)), \(row.regions) regions, compact DecisionNet \(row.compactDNetParameters.map(String.init) ?? "—") numbers, f's label proven on \(String(format: "%.1f", 100 * row.agreedFraction.nearestDouble)) %, compact = f on \(row.compactAgreedFraction.map { String(format: "%.1f", 100 * $0.nearestDouble) } ?? "—") %")
        }
        print("             \(tradeoffPath)  (the paper's Fig. 6(b), certified)")
        print("report       \(reportPath)")
    }

    private func write(_ data: Data, to path: String) throws {
        try OutputFile.write(data, to: path, option: "--out")
    }
}
