import ArgumentParser
import Certification
import ExactArithmetic
import Foundation
import Linearization
import NeuralNetwork
import Regions
import Verification

struct Certify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Certify a model over a box: error bound, complete regions, DecisionNet and agreement, in one certificate.",
        discussion: """
            Linearizes smooth activations (--pieces N, or the fewest pieces meeting --max-error E), bounds \
            |f - g| per logit, enumerates every linear region of g with a completeness certificate, builds the \
            DecisionNet from g's boundary hyperplanes, and proves where the model f gives g's label (the margin \
            of g exceeds the error bound). Everything goes into one JSON certificate that `climep check` \
            re-verifies from the model file. Exits 1 when a threshold (--max-error, --min-agreed-area, \
            --min-agreed-regions) is not met; the certificate is still written, its claims are still true.
            """)

    @OptionGroup var model: ModelArgument
    @OptionGroup var boxOptions: BoxOptions
    @OptionGroup var linearization: LinearizationOptions

    @OptionGroup var target: ErrorTargetOptions
    @OptionGroup var decisionNet: DecisionNetOptions

    @Option(help: ArgumentHelp("Where to write the certificate (JSON).", valueName: "CERT.json"))
    var out: String

    @Option(help: ArgumentHelp("Training points (CSV) whose patterns also go into the DecisionNet's table, as the paper does.", valueName: "POINTS.csv"))
    var training: String?

    @Option(name: .customLong("max-regions"), help: ArgumentHelp("Give up (exit 1, no certificate) after this many regions.", valueName: "N"))
    var maxRegions = 1_000_000

    @OptionGroup var agreementThresholds: AgreementThresholdOptions

    @Flag(help: "Print one JSON summary: regions, complete, errorBound, dnet, model, agreement, certificate.")
    var json = false

    @Option(help: ArgumentHelp("Enumerate only shard K of N (0 ≤ K < N) and write a shard file to --out instead of a certificate; `climep merge` joins all N shard files into the certificate an unsharded run writes. Run the shards anywhere: as local processes, or as a Slurm or Kubernetes job array.", valueName: "K/N"))
    var shard: String?

    /// `--shard K/N` as numbers, or nil.
    var shardNumbers: (index: Int, count: Int)? {
        get throws {
            guard let shard else { return nil }
            let parts = shard.split(separator: "/", omittingEmptySubsequences: false).map { Int($0) }
            guard parts.count == 2, let k = parts[0], let n = parts[1], n >= 1, n <= 4096, (0..<n).contains(k) else {
                throw InputError("--shard must be K/N with 1 ≤ N ≤ 4096 and 0 ≤ K < N, got '\(shard)'")
            }
            return (k, n)
        }
    }

    func run() throws {
        try OutputFile.check(out, option: "--out")
        // One read of the file: the network and the hash come from the same bytes.
        let modelFile = try ModelFile.read(model.path)
        let network = try Network(file: modelFile)
        // The error bound does not yet carry a layer's weight radius (an inexact BatchNormalization fold).
        if let tooWide = RegionEnumeration.inputLimitError(inputs: network.inputCount) { throw InputError(tooWide) }
        guard let box = try boxOptions.box(dimension: network.inputCount) else {
            throw InputError("certify needs an input box: --box B or --vnnlib PROP.vnnlib")
        }
        guard box.lower.indices.allSatisfy({ box.lower[$0] < box.upper[$0] }) else {
            throw InputError("certify needs a box of positive width in every input")
        }
        let requirements = try agreementThresholds.requirements(inputs: network.inputCount)
        let compact = try decisionNet.request(for: network)
        guard maxRegions > 0 else { throw InputError("--max-regions must be positive") }
        let training = try self.training.map { try PointSet(contentsOf: $0, dimension: network.inputCount).points } ?? []
        let splits = try linearization.splitCount(inputs: network.inputCount)

        let shardNumbers = try self.shardNumbers
        if shardNumbers != nil, training.count > 0 || agreementThresholds.isSet || decisionNet.isSet {
            throw InputError("--shard enumerates only; give --training, --dnet, --max-dnet-parameters and thresholds to `climep merge`")
        }
        let start = ContinuousClock.now
        var met = true
        let g: LinearizedNetwork
        if try linearization.pieceCount() != nil && target.maxError != nil {
            throw InputError("give at most one of --pieces N and --max-error E")
        }
        if let found = try target.fewestPieces(network, over: box, fit: linearization.fit, splits: splits) {
            g = found.network
            if !found.met {
                met = false
                printError("no piece count up to \(target.maxPieces) meets --max-error \(target.maxError!); certifying the best, \(found.pieces) pieces")
            }
        } else {
            g = try linearized(network, linearization)
        }

        if let (index, count) = shardNumbers {
            try writeShard(index: index, of: count, g: g, file: modelFile, box: box, splits: splits, start: start)
            if !met { throw ExitCode(1) }
            return
        }
        let result: Certifier.Result
        do {
            result = try Certifier.certify(g, model: modelFile, over: box, splits: splits, maximumRegions: maxRegions,
                                           trainingPoints: training, compact: compact, progress: { ProgressLine.shared.report($0) })
        } catch {
            printError("stopped: --max-regions \(error.limit) reached; no certificate without the complete enumeration")
            throw ExitCode(1)
        }
        let seconds = (ContinuousClock.now - start).seconds
        let bytes: Data
        do { bytes = try result.certificate.encodedForReading() } catch {
            printError("climep: no certificate written: \(error)")
            throw ExitCode(1)
        }
        try OutputFile.writeDocument(bytes, to: out, option: "--out")
        let summary = CertificateSummary(result.certificate, path: out, seconds: seconds,
                                         trainingEntries: result.decisionNet.trainingEntries,
                                         attained: AttainedError.search(g, over: box))
        if json { try printJSON(summary) } else { summary.printReadable(modelPath: model.path) }

        let unmet = requirements.unmet(by: .init(
            box: box, errorBound: result.certificate.linearization.errorBound, agreedAreaFraction: summary.agreement.fraction,
            agreedRegions: summary.agreement.regions, regions: summary.regions))
        for line in unmet { printError(line) }
        if !met || !unmet.isEmpty { throw ExitCode(1) }
    }
}

extension Certify {
    /// `--shard K/N`: this shard's subtrees of the enumeration, as a shard file.
    func writeShard(index: Int, of count: Int, g: LinearizedNetwork, file: ModelFile, box: InputBox, splits: Int,
                    start: ContinuousClock.Instant) throws {
        let shard: EnumerationShard
        do {
            shard = try RegionEnumeration.shard(g, over: box, index: index, of: count, maximumRegions: maxRegions) {
                ProgressLine.shared.report($0.description)
            }
        } catch {
            printError("stopped: --max-regions \(error.limit) reached in this shard; no shard file written")
            throw ExitCode(1)
        }
        let document = CertificateShard(model: .init(g.original, file: file), box: box, g: g, splits: splits, shard: shard)
        try OutputFile.writeDocument(try document.encoded(), to: out, option: "--out")
        struct Summary: Encodable { let shard: Int, of: Int, subtrees: Int, pendingSubtrees: Int, regions: Int, out: String, seconds: Double }
        let summary = Summary(shard: index, of: count, subtrees: shard.subtrees.count, pendingSubtrees: shard.pendingSubtrees,
                              regions: shard.regionCount, out: out, seconds: (ContinuousClock.now - start).seconds)
        if json { try printJSON(summary) } else {
            print("shard        \(index) of \(count): \(summary.subtrees) of the \(summary.pendingSubtrees) subtrees below the split tree's top, \(summary.regions) regions")
            print("shard file   \(out)  (join all \(count): climep merge SHARD… --model \(model.path) --out CERT.json)")
        }
    }
}

/// What `certify` (and `demo`) print about a certificate.
struct CertificateSummary: Encodable {
    /// The certificate's default DecisionNet: the compact one when it holds one, else the exact one.
    struct DNet: Encodable {
        /// `compact` or `exact`.
        let kind: String
        let hyperplanes: Int, parameters: Int, hyperplaneCoefficients: Int, tableEntries: Int
        /// Exact net: table entries from training points.
        let trainingEntries: Int?
        /// Compact net, 2 inputs: a verified lower bound on the area where it answers f's label,
        /// its share of the box and of the agreed area, and the agreement parts it does not cover.
        let agreedArea: Rational?
        let fraction: Rational?
        let shareOfAgreedArea: Rational?
        let uncoveredParts: Int?
        /// Compact net, other input counts: the agreed regions on which it provably answers
        /// f's label everywhere, and their share of the agreed regions.
        let coveredRegions: Int?
        let shareOfAgreedRegions: Rational?
        /// The exact net's count, for comparison.
        let exactParameters: Int
    }
    struct Model: Encodable { let parameters: Int, sha256: String, inputs: Int, classes: Int }
    struct Agreement: Encodable {
        let regions: Int
        let regionFraction: Rational
        /// 2 inputs: a verified lower bound on the agreed area (exact value in the check).
        let area: Rational?
        let boxArea: Rational?
        /// `area / boxArea`: a lower bound on the share of the box where agreement is proven.
        let fraction: Rational?
    }
    let regions: Int
    let complete: Bool
    /// Pieces of g's activation in each layer, as the certificate's functions have them.
    let pieces: [Int]
    let errorBound: [Rational]
    let errorBoundDecimal: [Double]
    /// The largest |f − g| the search proved (a lower bound on the true maximum).
    let attained: AttainedSummary?
    let activations: [String]
    let dnet: DNet
    let model: Model
    let agreement: Agreement
    let certificate: String
    let seconds: Double

    init(_ c: Certificate, path: String, seconds: Double, trainingEntries: Int, attained: AttainedError? = nil) {
        self.attained = attained.map(AttainedSummary.init)
        regions = c.regions.count
        complete = true
        pieces = c.linearization.layers.map(\.function.pieceCount)
        activations = c.linearization.layers.map(\.activation)
        errorBound = c.linearization.errorBound
        errorBoundDecimal = errorBound.map(\.nearestDouble)
        let exact = c.decisionNet
        if let compact = c.compactDecisionNet {
            let boxArea = c.agreement.boxArea ?? .one, agreed = c.agreement.areaLowerBound ?? .zero
            let area = compact.areaLowerBound, covered = compact.covered?.count, agreedRegions = c.agreement.regions.count
            dnet = DNet(kind: "compact", hyperplanes: compact.hyperplanes.count, parameters: compact.parameters,
                        hyperplaneCoefficients: compact.hyperplaneCoefficients, tableEntries: compact.tableEntries,
                        trainingEntries: nil, agreedArea: area, fraction: area.map { $0 / boxArea },
                        shareOfAgreedArea: agreed.isZero ? nil : area.map { $0 / agreed },
                        uncoveredParts: compact.uncovered?.count,
                        coveredRegions: covered, shareOfAgreedRegions: agreedRegions == 0 ? nil : covered.map { Rational($0, agreedRegions) },
                        exactParameters: exact.parameters)
        } else {
            dnet = DNet(kind: "exact", hyperplanes: exact.hyperplanes.count, parameters: exact.parameters,
                        hyperplaneCoefficients: exact.hyperplaneCoefficients, tableEntries: exact.tableEntries,
                        trainingEntries: trainingEntries, agreedArea: nil, fraction: nil, shareOfAgreedArea: nil,
                        uncoveredParts: nil, coveredRegions: nil, shareOfAgreedRegions: nil, exactParameters: exact.parameters)
        }
        model = Model(parameters: c.model.parameters, sha256: c.model.sha256, inputs: c.model.inputs, classes: c.model.classes)
        let area = c.agreement.areaLowerBound, boxArea = c.agreement.boxArea
        agreement = Agreement(
            regions: c.agreement.regions.count, regionFraction: Rational(c.agreement.regions.count, max(1, c.regions.count)),
            area: area, boxArea: boxArea, fraction: area.flatMap { a in boxArea.map { a / $0 } })
        certificate = path
        self.seconds = seconds
    }

    func printReadable(modelPath: String) {
        func short(_ x: Rational) -> String { String(format: "%.4g", x.nearestDouble) }
        print("model        \(modelPath)  (\(model.inputs) inputs, \(model.classes) classes, \(model.parameters) parameters, sha256 \(model.sha256.prefix(16))…)")
        print("g            pieces per layer: " + zip(activations, pieces).map { "\($0) \($1)" }.joined(separator: ", "))
        for (i, e) in errorBound.enumerated() { print("error bound  logit \(i): |f - g| <= \(short(e))   (exact: \(e))") }
        if let attained { print("attained     " + attained.text(certified: errorBound[attained.logit])) }
        print("regions      \(regions), complete (split-tree certificate)")
        let ratio = Double(model.parameters) / Double(max(1, dnet.parameters))
        if dnet.kind == "compact" {
            print("DecisionNet  compact: \(dnet.hyperplanes) hyperplanes (\(dnet.hyperplaneCoefficients) coefficients) + \(dnet.tableEntries) table entries + 1 default label = \(dnet.parameters) parameters, vs \(model.parameters) in the model (\(String(format: "%.2f", ratio))×)")
            if let fraction = dnet.fraction, let area = dnet.agreedArea {
                let share = dnet.shareOfAgreedArea.map { String(format: "%.2f", 100 * $0.nearestDouble) } ?? "—"
                print("             gives f's label on an area of at least \(short(area)) = \(String(format: "%.2f", 100 * fraction.nearestDouble)) % of the box (\(share) % of the agreed area; \(dnet.uncoveredParts ?? 0) agreement parts not covered)")
            }
            if let covered = dnet.coveredRegions {
                let share = dnet.shareOfAgreedRegions.map { String(format: "%.2f", 100 * $0.nearestDouble) } ?? "—"
                print("             gives f's label on all of \(covered) of \(agreement.regions) agreed regions (\(share) %)")
            }
            print("             the exact DecisionNet (= g on the box, \(dnet.exactParameters) parameters) is in the certificate too: dnet predict --dnet exact")
        } else {
            print("DecisionNet  \(dnet.hyperplanes) hyperplanes (\(dnet.hyperplaneCoefficients) coefficients) + \(dnet.tableEntries) table entries = \(dnet.parameters) parameters, vs \(model.parameters) in the model (\(String(format: "%.2f", ratio))×)")
            print("             answers like g on the whole box (unseen patterns fall back to g exactly)")
        }
        print("agreement    f = g = DecisionNet proven on all of \(agreement.regions) of \(regions) regions (\(String(format: "%.1f", 100 * agreement.regionFraction.nearestDouble)) %)")
        if let fraction = agreement.fraction, let area = agreement.area {
            print("             and on an area of at least \(short(area)) = \(String(format: "%.2f", 100 * fraction.nearestDouble)) % of the box")
        }
        print("certificate  \(certificate)  (check it: climep check \(certificate) --model \(modelPath))")
        print("time         \(String(format: "%.2f", seconds)) s")
    }
}

extension Duration {
    /// The duration in seconds, as a `Double` (display only).
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}
