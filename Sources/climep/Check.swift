import ArgumentParser
import ExactArithmetic
import Foundation
import NeuralNetwork
import Verification

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-verify every claim of a certificate from the model file, in exact arithmetic.",
        discussion: """
            Trusts nothing the certifier computed: checks the model file's SHA-256, rebuilds g, recomputes the \
            error tables, ranges and the error bound, replays the split tree, verifies the DecisionNet's table \
            and separations and every agreement claim and area. Reads only the canonical bytes `certify` writes \
            (no repeated, unknown or reordered keys). Prints what it verified: the model's hash, the box, g layer \
            by layer, the recomputed bound, the regions, the DecisionNet and the agreement. Exit 0 when every claim \
            holds and every requirement (--box/--vnnlib, --max-error, --min-agreed-area, --min-agreed-regions) is \
            met; 1 naming the first claim that fails (another model file fails too) or the requirements not met; \
            2 when the certificate or model cannot be read. A certificate written by `verify` (told apart by its \
            format name) is checked the same way (the split tree, every leaf's multipliers or the counterexample) \
            and, with --vnnlib, must be about that property.
            """)

    @Argument(help: ArgumentHelp("The certificate written by `climep certify` or `climep verify`.", valueName: "CERT.json"))
    var certificatePath: String

    @Option(help: ArgumentHelp("The model file the certificate is about.", valueName: "MODEL"))
    var model: String

    @OptionGroup(title: "Required box (exit 1 unless the certificate's box contains it)")
    var boxOptions: BoxOptions

    @Option(name: .customLong("max-error"), parsing: .unconditional, help: ArgumentHelp("Exit 1 unless the recomputed bound on |f_i − g_i| is at most E for every logit.", valueName: "E"))
    var maxError: String?

    @OptionGroup var agreementThresholds: AgreementThresholdOptions

    @Flag(help: "Print one JSON object: verified, failure, unmet requirements, and what was verified (model, box, g, errorBound, regions, dnet, agreement).")
    var json = false

    func run() throws {
        let modelFile = try ModelFile.read(model)
        let certificate: Certificate
        switch try CertificateDocument.read(path: certificatePath) {
        case .regions(let read): certificate = read
        case .property(let read): return try checkProperty(read, modelFile)
        }
        // Requirements are bad input (exit 2) before any checking, like every other option.
        var requirements = try agreementThresholds.requirements(inputs: certificate.model.inputs)
        requirements.maxError = try maxError.map { text throws(InputError) in
            let value = try Rational(parsingOption: text, "--max-error")
            guard value.sign >= 0 else { throw InputError("--max-error must not be negative, got \(text)") }
            return value
        }
        requirements.box = try boxOptions.box(dimension: certificate.model.inputs)

        let start = ContinuousClock.now
        let checked: CheckedCertificate
        do {
            checked = try CertificateChecker.check(certificate, model: modelFile)
        } catch {
            if json {
                try printJSON(CheckReport(failure: error, seconds: (ContinuousClock.now - start).seconds))
            }
            printError("climep: check failed: \(error)")
            throw ExitCode(1)
        }
        let seconds = (ContinuousClock.now - start).seconds
        let unmet = requirements.unmet(by: checked.figures)
        if json {
            try printJSON(CheckReport(checked, unmet: unmet, seconds: seconds))
        } else {
            CheckReport.printReadable(checked, certificatePath: certificatePath, modelPath: model, seconds: seconds)
        }
        for line in unmet { printError("climep: requirement not met: \(line)") }
        if !unmet.isEmpty { throw ExitCode(1) }
    }
}

extension Check {
    /// A certificate of `verify`: the property must be the one `--vnnlib`
    /// states, when given; the region requirements do not apply.
    func checkProperty(_ certificate: PropertyCertificate, _ modelFile: ModelFile) throws {
        guard boxOptions.box == nil, maxError == nil, agreementThresholds.minAgreedArea == nil, agreementThresholds.minAgreedRegions == nil else {
            throw InputError("a property certificate (from verify) is checked against --vnnlib only; --box, --max-error and --min-agreed-* apply to certify's certificates")
        }
        let required = try boxOptions.vnnlib.map { path throws(InputError) in PropertyCertificate.PropertyClaims(try VNNLIBProperty(vnnlibFile: path)) }
        let start = ContinuousClock.now
        let checked: CheckedProperty
        do {
            checked = try PropertyChecker.check(certificate, model: modelFile)
        } catch {
            if json { try printJSON(PropertyCheckReport(failure: error, seconds: (ContinuousClock.now - start).seconds)) }
            printError("climep: check failed: \(error)")
            throw ExitCode(1)
        }
        let seconds = (ContinuousClock.now - start).seconds
        let unmet = required.map { $0 == certificate.property } == false ? ["the certificate is about another property than \(boxOptions.vnnlib!)"] : []
        if json {
            try printJSON(PropertyCheckReport(checked, unmet: unmet, seconds: seconds))
        } else {
            print("verified     the certificate's answer holds for \(model): the property \(checked.answer == "holds" ? "holds" : "is violated")")
            print("model        sha256 \(checked.modelSHA256)")
            print("property     \(checked.property.cases.count) case\(checked.property.cases.count == 1 ? "" : "s") on \(checked.property.inputCount) inputs and \(checked.property.outputCount) outputs")
            if let c = checked.counterexample {
                print("violation    case \(c.case) at " + c.input.map { VerifySummary.decimal($0) }.joined(separator: " "))
            } else {
                print("proof        \(checked.leaves) sub-boxes, each proven free of violations")
            }
            print("time         \(String(format: "%.2f", seconds)) s")
        }
        for line in unmet { printError("climep: requirement not met: \(line)") }
        if !unmet.isEmpty { throw ExitCode(1) }
    }
}

/// What `check` prints for a property certificate.
struct PropertyCheckReport: Encodable {
    struct Counterexample: Encodable { let `case`: Int, input: [Rational] }
    let verified: Bool
    let failure: CheckReport.Failure?
    let unmet: [String]
    let kind = "property"
    let answer: String?
    let modelSHA256: String?
    let cases: Int?
    let leaves: Int?
    let counterexample: Counterexample?
    let seconds: Double

    init(failure: CertificateCheckFailure, seconds: Double) {
        verified = false
        self.failure = CheckReport.Failure(claim: failure.claim, reason: failure.reason)
        unmet = []
        (answer, modelSHA256, cases, leaves, counterexample) = (nil, nil, nil, nil, nil)
        self.seconds = seconds
    }

    init(_ c: CheckedProperty, unmet: [String], seconds: Double) {
        verified = true
        failure = nil
        self.unmet = unmet
        answer = c.answer
        modelSHA256 = c.modelSHA256
        cases = c.property.cases.count
        leaves = c.leaves
        counterexample = c.counterexample.map { Counterexample(case: $0.case, input: $0.input) }
        self.seconds = seconds
    }
}

/// `--min-agreed-area` and `--min-agreed-regions`, shared by `certify` and `check`.
struct AgreementThresholdOptions: ParsableArguments {
    @Option(name: .customLong("min-agreed-area"), parsing: .unconditional, help: ArgumentHelp("2 inputs: exit 1 unless agreement with the model is proven on at least this fraction of the box's area (0 to 1).", valueName: "F"))
    var minAgreedArea: String?

    @Option(name: .customLong("min-agreed-regions"), parsing: .unconditional, help: ArgumentHelp("Exit 1 unless agreement with the model is proven on all of at least this fraction of the regions (0 to 1).", valueName: "F"))
    var minAgreedRegions: String?

    /// The thresholds as requirements for a model with `inputs` inputs.
    /// Whether any threshold is given.
    var isSet: Bool { minAgreedArea != nil || minAgreedRegions != nil }

    func requirements(inputs: Int) throws(InputError) -> CertificateRequirements {
        let area = try fraction(minAgreedArea, "--min-agreed-area")
        if area != nil && inputs != 2 {
            throw InputError("--min-agreed-area needs a 2-input model; this one has \(inputs) inputs")
        }
        return CertificateRequirements(minAgreedArea: area, minAgreedRegions: try fraction(minAgreedRegions, "--min-agreed-regions"))
    }

    private func fraction(_ text: String?, _ flag: String) throws(InputError) -> Rational? {
        guard let text else { return nil }
        let value = try Rational(parsingOption: text, flag)
        guard value.sign >= 0 && value <= .one else { throw InputError("\(flag) must be between 0 and 1, got \(text)") }
        return value
    }
}

extension Rational {
    /// An option's value read exactly, or an `InputError` naming the option.
    init(parsingOption text: String, _ flag: String) throws(InputError) {
        do { self = try Rational(parsing: text) } catch { throw InputError("\(flag): \(error)") }
    }
}

/// What `check` prints: what it verified, or the claim that failed.
struct CheckReport: Encodable {
    struct Failure: Encodable { let claim: String, reason: String }
    struct Model: Encodable { let sha256: String, inputs: Int, classes: Int, parameters: Int }
    struct Layer: Encodable { let activation: String, pieces: Int }
    struct DNet: Encodable { let hyperplanes: Int, tableEntries: Int, parameters: Int }
    /// The compact DecisionNet, when the certificate holds one.
    struct CompactDNet: Encodable {
        let hyperplanes: Int, tableEntries: Int, parameters: Int
        /// 2 inputs: the parts it does not cover, and the certificate's lower bound on the area
        /// where it gives f's label, verified ≤ the exact area.
        let uncoveredParts: Int?
        let areaLowerBound: Rational?
        let areaDecimal: Double?
        let fraction: Double?
        /// Other input counts: agreed regions on which it gives f's label everywhere.
        let coveredRegions: Int?
    }
    struct Agreement: Encodable {
        let regions: Int
        let regionFraction: Rational
        /// The certificate's lower bound on the agreed area, verified ≤ the exact area.
        let areaLowerBound: Rational?
        let areaDecimal: Double?
        let boxArea: Rational?
        let fraction: Double?
    }
    let verified: Bool
    let failure: Failure?
    let unmet: [String]
    let model: Model?
    let box: InputBox?
    let g: [Layer]?
    let errorBound: [Rational]?
    let errorBoundDecimal: [Double]?
    let claimedErrorBound: [Rational]?
    let regions: Int?
    let dnet: DNet?
    let compactDNet: CompactDNet?
    let agreement: Agreement?
    let seconds: Double

    init(failure: CertificateCheckFailure, seconds: Double) {
        verified = false
        self.failure = Failure(claim: failure.claim, reason: failure.reason)
        unmet = []
        (model, box, g, errorBound, errorBoundDecimal, claimedErrorBound, regions, dnet, agreement) = (nil, nil, nil, nil, nil, nil, nil, nil, nil)
        compactDNet = nil
        self.seconds = seconds
    }

    init(_ c: CheckedCertificate, unmet: [String], seconds: Double) {
        verified = true
        failure = nil
        self.unmet = unmet
        model = Model(sha256: c.modelSHA256, inputs: c.inputs, classes: c.classes, parameters: c.modelParameters)
        box = c.box
        g = c.layers.map { Layer(activation: $0.activation, pieces: $0.pieces) }
        errorBound = c.errorBound
        errorBoundDecimal = c.errorBound.map(\.nearestDouble)
        claimedErrorBound = c.claimedErrorBound
        regions = c.regions
        dnet = DNet(hyperplanes: c.hyperplanes, tableEntries: c.tableEntries, parameters: c.decisionNetParameters)
        compactDNet = c.compact.map { n in
            CompactDNet(hyperplanes: n.hyperplanes, tableEntries: n.tableEntries, parameters: n.parameters,
                        uncoveredParts: n.uncoveredParts, areaLowerBound: n.agreedAreaLowerBound,
                        areaDecimal: n.agreedArea?.nearestDouble,
                        fraction: n.agreedArea.flatMap { a in c.boxArea.map { (a / $0).nearestDouble } },
                        coveredRegions: n.coveredRegions)
        }
        agreement = Agreement(
            regions: c.agreedRegions, regionFraction: Rational(c.agreedRegions, max(1, c.regions)),
            areaLowerBound: c.agreedAreaLowerBound, areaDecimal: c.agreedArea?.nearestDouble, boxArea: c.boxArea,
            fraction: c.agreedArea.flatMap { a in c.boxArea.map { (a / $0).nearestDouble } })
        self.seconds = seconds
    }

    static func printReadable(_ c: CheckedCertificate, certificatePath: String, modelPath: String, seconds: Double) {
        func short(_ x: Rational) -> String { String(format: "%.4g", x.nearestDouble) }
        print("verified     every claim of \(certificatePath) holds for \(modelPath)")
        print("model        sha256 \(c.modelSHA256): \(c.inputs) inputs, \(c.classes) classes, \(c.modelParameters) parameters")
        print("box          " + zip(c.box.lower, c.box.upper).map { "[\($0), \($1)]" }.joined(separator: " × "))
        print("g            pieces per layer: " + c.layers.map { "\($0.activation) \($0.pieces)" }.joined(separator: ", "))
        for (i, e) in c.errorBound.enumerated() {
            print("error bound  logit \(i): |f - g| <= \(short(e)) recomputed (exact \(e); the certificate claims \(short(c.claimedErrorBound[i])))")
        }
        print("regions      \(c.regions) regions cover the box")
        print("DecisionNet  \(c.hyperplanes) hyperplanes, \(c.tableEntries) table entries (\(c.decisionNetParameters) parameters); answers like g on the box")
        if let n = c.compact {
            let size = "compact net  \(n.hyperplanes) hyperplanes, \(n.tableEntries) table entries (\(n.parameters) parameters)"
            if let area = n.agreedArea {
                print(size + "; gives f's label on an area of \(short(area))"
                      + (c.boxArea.map { " = \(String(format: "%.2f", 100 * (area / $0).nearestDouble)) % of the box" } ?? "")
                      + ", \(n.uncoveredParts ?? 0) agreement parts not covered")
            }
            if let covered = n.coveredRegions {
                print(size + "; gives f's label on all of \(covered) of \(c.agreedRegions) agreed regions")
            }
        }
        print("agreement    f = g = DecisionNet on all of \(c.agreedRegions) of \(c.regions) regions"
              + (c.agreedArea.flatMap { a in c.boxArea.map { ", on an area of \(short(a)) = \(String(format: "%.2f", 100 * (a / $0).nearestDouble)) % of the box" } } ?? ""))
        print("time         \(String(format: "%.2f", seconds)) s")
    }
}
