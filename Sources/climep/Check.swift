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
            and separations and every agreement claim and area. Exit 0 when every claim holds; 1 naming the \
            first claim that fails (another model file fails too); 2 when the certificate or model cannot be read.
            """)

    @Argument(help: ArgumentHelp("The certificate written by `climep certify`.", valueName: "CERT.json"))
    var certificatePath: String

    @Option(help: ArgumentHelp("The model file the certificate is about.", valueName: "MODEL"))
    var model: String

    @Flag(help: "Print one JSON object: verified, failure (claim, reason), and what was verified.")
    var json = false

    struct Summary: Encodable {
        struct Failure: Encodable { let claim: String, reason: String }
        let verified: Bool
        let failure: Failure?
        let regions: Int?
        let errorBound: [Rational]?
        let agreedRegions: Int?
        let agreedArea: Rational?
        let seconds: Double
    }

    func run() throws {
        let data = try Network.modelFileData(model)
        let certificate = try Certificate.decode(try readFile(certificatePath, what: "certificate", limit: InputLimits.maximumCertificateBytes))
        let start = ContinuousClock.now
        let checked: CheckedCertificate
        do {
            checked = try CertificateChecker.check(certificate, modelData: data, source: model)
        } catch {
            let seconds = (ContinuousClock.now - start).seconds
            if json {
                try printJSON(Summary(verified: false, failure: .init(claim: error.claim, reason: error.reason), regions: nil,
                                      errorBound: nil, agreedRegions: nil, agreedArea: nil, seconds: seconds))
            }
            printError("climep: check failed: \(error)")
            throw ExitCode(1)
        }
        let seconds = (ContinuousClock.now - start).seconds
        if json {
            try printJSON(Summary(verified: true, failure: nil, regions: checked.regions, errorBound: checked.errorBound,
                                  agreedRegions: checked.agreedRegions, agreedArea: checked.agreedArea, seconds: seconds))
            return
        }
        print("verified     every claim of \(certificatePath) holds for \(model)")
        print("             error bound (recomputed): \(checked.errorBound.map { String(format: "%.4g", $0.nearestDouble) }.joined(separator: ", "))")
        print("             \(checked.regions) regions cover the box; DecisionNet (\(checked.hyperplanes) hyperplanes, \(checked.tableEntries) table entries) answers like g on it")
        print("             agreement with the model proven on \(checked.agreedRegions) whole regions" + (checked.agreedArea.map { ", area \(String(format: "%.4g", $0.nearestDouble))" } ?? ""))
        print("time         \(String(format: "%.2f", seconds)) s")
    }
}
