import ArgumentParser
import Certification
import ExactArithmetic
import Foundation
import NeuralNetwork
import Verification

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decide a VNN-LIB property exactly: holds, violated (with a counterexample), or unknown.",
        discussion: """
            The property's output constraints describe a violation. Branch and bound divides the box — by input \
            bisections bounded with rigorous affine forms on up to 8 inputs, by ReLU-neuron splits bounded by \
            back-substitution on more — and closes a part when a combination of a case's constraints is proven \
            positive on it. A counterexample counts only when \
            the outputs there are proven (exactly, or with rigorous enclosures for smooth activations) to meet \
            every constraint. Exit 0 holds, 1 violated, 3 unknown (timeout or bounds too loose), 2 bad input. \
            With --out the answer's certificate is written; `climep check CERT --model MODEL --vnnlib PROP` \
            re-verifies it.
            """)

    @OptionGroup var model: ModelArgument

    @Option(help: ArgumentHelp("The VNN-LIB property.", valueName: "PROP.vnnlib"))
    var vnnlib: String

    @Option(parsing: .unconditional, help: ArgumentHelp("Answer unknown (exit 3) after this many seconds.", valueName: "S"))
    var timeout: Double?

    @Option(help: ArgumentHelp("Where to write the certificate of a holds or violated answer (JSON).", valueName: "CERT.json"))
    var out: String?

    @Option(name: .customLong("vnncomp-result"), help: ArgumentHelp("Also write the VNN-COMP result file: sat (with the counterexample), unsat, timeout or unknown.", valueName: "FILE"))
    var vnncompResult: String?

    @Flag(help: "Print one JSON object: answer, reason, cases, subBoxes, leaves, counterexample, certificate, seconds.")
    var json = false

    func validate() throws {
        if let timeout, !(timeout > 0 && timeout.isFinite) { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    func run() throws {
        if let out { try OutputFile.check(out, option: "--out") }
        if let vnncompResult { try OutputFile.check(vnncompResult, option: "--vnncomp-result") }
        let modelFile = try ModelFile.read(model.path)
        let network = try Network(file: modelFile)
        let property = try VNNLIBProperty(vnnlibFile: vnnlib)

        let start = ContinuousClock.now
        let result = try PropertyVerifier.verify(network, file: modelFile, property: property, options: .init(timeout: timeout),
                                                 progress: { ProgressLine.shared.update($0) })
        let seconds = (ContinuousClock.now - start).seconds
        var written: String?
        if let out, let certificate = result.certificate {
            let bytes: Data
            do { bytes = try certificate.encodedForReading() } catch {
                printError("climep: no certificate written: \(error)")
                throw ExitCode(3)
            }
            try OutputFile.writeDocument(bytes, to: out, option: "--out")
            written = out
        }
        if let vnncompResult {
            try OutputFile.write(Data(VerifySummary.competitionResult(result).utf8), to: vnncompResult, option: "--vnncomp-result")
        }
        let summary = VerifySummary(result, cases: property.cases.count, certificate: written, seconds: seconds)
        if json { try printJSON(summary) } else { summary.printReadable(modelPath: model.path, vnnlib: vnnlib) }
        switch result.answer {
        case "holds": return
        case "violated": throw ExitCode(1)
        default: throw ExitCode(3)
        }
    }
}

/// What `verify` prints.
struct VerifySummary: Encodable {
    struct Counterexample: Encodable {
        let `case`: Int
        let input: [Rational]
        let inputDecimal: [Double]
        /// The outputs there in floating point (display; the proof is in the certificate).
        let outputs: [Double]
    }
    let answer: String
    let reason: String?
    let cases: Int
    let subBoxes: Int
    let leaves: Int
    /// Per case, the best lower bound of a combination of its constraints over the whole box (> 0 closes the case).
    let rootBounds: [Double?]
    let counterexample: Counterexample?
    let certificate: String?
    let seconds: Double

    init(_ r: PropertyVerifier.Result, cases: Int, certificate: String?, seconds: Double) {
        answer = r.answer
        reason = r.reason
        self.cases = cases
        subBoxes = r.subBoxes
        leaves = r.leaves
        rootBounds = r.rootBounds.map { $0.isFinite ? $0 : nil }
        counterexample = r.counterexample.map { Counterexample(case: $0.case, input: $0.input, inputDecimal: $0.input.map(\.nearestDouble), outputs: $0.outputs) }
        self.certificate = certificate
        self.seconds = seconds
    }

    func printReadable(modelPath: String, vnnlib: String) {
        switch answer {
        case "holds": print("holds        no input of the property's box violates it (\(leaves) sub-boxes proven, \(cases) case\(cases == 1 ? "" : "s"))")
        case "violated": print("violated     case \(counterexample!.case) is met at the input below, proven exactly")
        default:
            print("unknown      \(reason ?? "")  (\(subBoxes) sub-boxes searched)")
            if let worst = rootBounds.compactMap({ $0 }).min() {
                print("root bound   \(String(format: "%.4g", worst)) for the hardest case over the whole box (a case closes at > 0)")
            }
        }
        if let c = counterexample {
            print("input        " + c.input.map { VerifySummary.decimal($0) }.joined(separator: " "))
            print("outputs      " + c.outputs.map { String(format: "%.9g", $0) }.joined(separator: " "))
        }
        if let certificate { print("certificate  \(certificate)  (check it: climep check \(certificate) --model \(modelPath) --vnnlib \(vnnlib))") }
        print("time         \(String(format: "%.2f", seconds)) s")
    }

    /// The VNN-COMP result file: `unsat` (holds), `sat` and the assignment of
    /// every input and output, `timeout`, or `unknown`.
    static func competitionResult(_ r: PropertyVerifier.Result) -> String {
        switch r.answer {
        case "holds": return "unsat\n"
        case "violated":
            let c = r.counterexample!
            let inputs = c.input.enumerated().map { "(X_\($0.offset) \(decimal($0.element)))" }
            let outputs = c.outputs.enumerated().map { "(Y_\($0.offset) \(String(format: "%.17g", $0.element)))" }
            return "sat\n(" + (inputs + outputs).joined(separator: "\n ") + ")\n"
        default:
            return r.reason == "timeout" ? "timeout\n" : "unknown\n"
        }
    }

    /// `x` as an exact decimal when it has one of at most 60 places, else the nearest double's 17 digits.
    static func decimal(_ x: Rational) -> String {
        var scaled = x, places = 0
        while scaled.description.contains("/") {
            guard places < 60 else { return String(format: "%.17g", x.nearestDouble) }
            scaled = scaled * 10
            places += 1
        }
        var digits = scaled.description
        let negative = digits.hasPrefix("-")
        if negative { digits.removeFirst() }
        guard places > 0 else { return (negative ? "-" : "") + digits }
        if digits.count <= places { digits = String(repeating: "0", count: places - digits.count + 1) + digits }
        digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -places))
        return (negative ? "-" : "") + digits
    }
}
