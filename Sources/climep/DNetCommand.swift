import ArgumentParser
import ExactArithmetic
import Foundation
import NeuralNetwork
import Verification

struct DNetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dnet",
        abstract: "Use the DecisionNet of a certificate.",
        subcommands: [DNetPredict.self])
}

struct DNetPredict: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Label points with a certificate's DecisionNet.",
        discussion: """
            Prints CSV: a header `label`, then the DecisionNet's label for each point, from the exact sign pattern \
            of the point against the hyperplanes. With the exact DecisionNet, a pattern the table does not hold, a \
            point on a hyperplane, and a point outside the certified box are answered by evaluating g exactly. With \
            the compact one (the default when the certificate holds one), a point on a hyperplane counts as on its \
            positive side and a cell the table does not list gets the default label; it is certified to give f's \
            label where the certificate's agreement claims prove that label, and nowhere else. This reads the \
            certificate without checking it: run `climep check` for that.
            """)

    @Argument(help: ArgumentHelp("The certificate written by `climep certify`.", valueName: "CERT.json"))
    var certificatePath: String

    @Option(help: ArgumentHelp("The points (CSV, one per line; a first line without numbers is a header).", valueName: "POINTS.csv"))
    var input: String

    @Flag(name: .customLong("show-source"), help: "Add a column `source`: table or g (the exact net's fallback), or compact.")
    var showSource = false

    @Option(help: ArgumentHelp("Which DecisionNet answers: exact or compact (default: compact when the certificate holds one).", valueName: "KIND"))
    var dnet: DecisionNetOptions.Kind?

    func run() throws {
        let certificate = try Certificate.read(path: certificatePath)
        let box = try InputBox(lower: certificate.box.lower, upper: certificate.box.upper)
        let points = try PointSet(contentsOf: input, dimension: certificate.model.inputs).points
        var out = showSource ? "label,source\n" : "label\n"
        var outside = 0
        let compact = try CompactDecisionNet(certificate: certificate)
        if dnet == .compact && compact == nil { throw InputError("--dnet compact: the certificate holds no compact DecisionNet") }
        if let compact, dnet != .exact {
            for x in points {
                if !box.contains(x) { outside += 1 }
                out += showSource ? "\(compact.predict(x)),compact\n" : "\(compact.predict(x))\n"
            }
            print(out, terminator: "")
            if outside > 0 { printError("note: \(outside) of \(points.count) points lie outside the certified box; the compact net's answers there are not certified") }
            return
        }
        let net = try DecisionNet(certificate: certificate)
        for x in points {
            let answer: (label: Int, fromTable: Bool)
            if box.contains(x) {
                answer = net.predict(x)
            } else {
                outside += 1
                answer = (Network.label(ofLogits: net.fallback.exactLogits(x)), false)
            }
            out += showSource ? "\(answer.label),\(answer.fromTable ? "table" : "g")\n" : "\(answer.label)\n"
        }
        print(out, terminator: "")
        if outside > 0 { printError("note: \(outside) of \(points.count) points lie outside the certified box; g answered them") }
    }
}
