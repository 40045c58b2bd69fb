import ExactArithmetic
import Foundation
import NeuralNetwork
import Verification

/// A short Markdown report of a certification and its independent check,
/// for people: what was certified, the figures, and how to re-check it.
public struct CertificationReport: Sendable {
    public let result: Certifier.Result
    public let checked: CheckedCertificate
    public let modelPath: String
    public let certificatePath: String
    public let picturePath: String?
    public let certifySeconds: Double
    public let checkSeconds: Double
    /// Points labelled by the DecisionNet, `g` exactly and `f` in floating
    /// point, to show the agreement on data.
    public let points: [[Rational]]
    /// Verified figures for other piece counts (the trade-off), and their picture.
    public let tradeoff: [Tradeoff.Row]
    public let tradeoffPath: String?

    public init(result: Certifier.Result, checked: CheckedCertificate, modelPath: String, certificatePath: String,
                picturePath: String?, certifySeconds: Double, checkSeconds: Double, points: [[Rational]],
                tradeoff: [Tradeoff.Row] = [], tradeoffPath: String? = nil) {
        self.tradeoff = tradeoff
        self.tradeoffPath = tradeoffPath
        self.result = result
        self.checked = checked
        self.modelPath = modelPath
        self.certificatePath = certificatePath
        self.picturePath = picturePath
        self.certifySeconds = certifySeconds
        self.checkSeconds = checkSeconds
        self.points = points
    }

    /// Labels of the points: how many the DecisionNet and `g` agree on (all,
    /// by the certificate), and how many `f` agrees on, inside and outside
    /// the area where agreement is proven.
    public var pointAgreement: (total: Int, dnetEqualsG: Int, fEqualsG: Int, proven: Int, fEqualsGWhereProven: Int) {
        let g = result.g, net = result.decisionNet.net()
        let errors = ScoreErrors(logitErrors: result.errorBound.perLogit, marginBounds: result.errorBound.marginBound)
        var counts = (total: 0, dnetEqualsG: 0, fEqualsG: 0, proven: 0, fEqualsGWhereProven: 0)
        for x in points {
            let logits = g.exactLogits(x)
            let label = Network.label(ofLogits: logits)
            let fLabel = Network.label(ofLogits: g.original.logits(x.map(\.nearestDouble)))
            let scores = ClassScores.scores(ofLogits: logits)
            let proven = scores.indices.allSatisfy { j in j == label || scores[label] - scores[j] > errors.threshold(label, j) }
            counts.total += 1
            if net.predict(x).label == label { counts.dnetEqualsG += 1 }
            if fLabel == label { counts.fEqualsG += 1 }
            if proven {
                counts.proven += 1
                if fLabel == label { counts.fEqualsGWhereProven += 1 }
            }
        }
        return counts
    }

    /// The report as Markdown.
    public var markdown: String {
        let c = result.certificate
        func decimal(_ x: Rational) -> String { String(format: "%.4g", x.nearestDouble) }
        func percent(_ x: Rational) -> String { String(format: "%.2f %%", 100 * x.nearestDouble) }
        let box = zip(c.box.lower, c.box.upper).map { "[\($0), \($1)]" }.joined(separator: " × ")
        var lines: [String] = []
        lines.append("# climep certificate report")
        lines.append("")
        let files = c.model.externalData.map { ", with external data " + $0.map { "`\($0)`" }.joined(separator: ", ") } ?? ""
        lines.append("Model `\(modelPath)`\(files) (SHA-256 `\(c.model.sha256)`): \(c.model.inputs) inputs, \(c.model.classes) classes, "
                     + "\(c.model.parameters) parameters; activations \(c.linearization.layers.map(\.activation).joined(separator: " → ")). Box \(box).")
        lines.append("")
        lines.append("| claim | value | checked by |")
        lines.append("|---|---|---|")
        let pieces = c.linearization.layers.map { "\($0.activation) \($0.function.pieceCount)" }.joined(separator: ", ")
        lines.append("| g: every smooth activation replaced by the certificate's piecewise-linear function; pieces per layer | \(pieces) | `LinearizedNetwork` |")
        for (i, e) in c.linearization.errorBound.enumerated() {
            lines.append("| max over the box of \\|f\(c.linearization.errorBound.count > 1 ? "_\(i)" : "") − g\(c.linearization.errorBound.count > 1 ? "_\(i)" : "")\\| ≤ | \(decimal(e)) (exact `\(e)`) | `ErrorRecursion`, `ActivationErrorTable` |")
        }
        lines.append("| linear regions of g, covering the box | \(c.regions.count) | `CompletenessCheck` |")
        lines.append("| DecisionNet = g on the whole box | \(c.decisionNet.hyperplanes.count) hyperplanes + \(c.decisionNet.tableEntries) table entries | `CertificateChecker` (proofs/decision-net.md) |")
        lines.append("| f = g = DecisionNet on whole regions | \(c.agreement.regions.count) of \(c.regions.count) | LP margins (proofs/agreement.md) |")
        if let area = c.agreement.areaLowerBound, let whole = c.agreement.boxArea {
            lines.append("| f = g = DecisionNet on an area of at least | \(decimal(area)) of \(decimal(whole)) = \(percent(area / whole)) | exact polygon areas |")
            if let compact = c.compactDecisionNet, let compactArea = compact.areaLowerBound {
                lines.append("| compact DecisionNet gives f's label on an area of at least | \(decimal(compactArea)) = \(percent(compactArea / whole)) (\(compact.uncovered?.count ?? 0) agreement parts not covered) | `CompactDecisionNet.coverage` (proofs/compact-decision-net.md) |")
            }
        }
        if let covered = c.compactDecisionNet?.covered {
            lines.append("| compact DecisionNet gives f's label on whole agreed regions | \(covered.count) of \(c.agreement.regions.count) | `CompactDecisionNet.answersOnly` (proofs/compact-decision-net.md) |")
        }
        lines.append("")
        let ratio = Double(c.model.parameters) / Double(max(1, c.decisionNet.parameters))
        lines.append("**Compression.** The DecisionNet stores \(c.decisionNet.hyperplaneCoefficients) hyperplane coefficients and "
                     + "\(c.decisionNet.tableEntries) table entries (\(c.decisionNet.parameters) numbers) against the model's "
                     + "\(c.model.parameters) weights and biases (\(String(format: "%.2f", ratio))×). It answers patterns it has not "
                     + "stored by evaluating g exactly, so it equals g everywhere in the box.")
        if let compact = c.compactDecisionNet {
            let compactRatio = Double(c.model.parameters) / Double(max(1, compact.parameters))
            lines.append("The compact DecisionNet stores \(compact.hyperplaneCoefficients) coefficients, \(compact.tableEntries) table entries and "
                         + "a default label (\(compact.parameters) numbers, \(String(format: "%.2f", compactRatio))× fewer than the model). "
                         + "It is not g: it is proven to give f's label wherever the certificate proves that label, and claims nothing elsewhere.")
        }
        lines.append("")
        if !tradeoff.isEmpty {
            lines.append("**The precision trade-off** (the paper's Fig. 6(b); every figure verified by the checker\(tradeoffPath.map { "; drawn in `\($0)`" } ?? "")):")
            lines.append("")
            lines.append("| pieces | certified bound | regions | exact DecisionNet | compact DecisionNet | f's label proven | compact net = f |")
            lines.append("|---:|---:|---:|---:|---:|---:|---:|")
            for r in tradeoff {
                lines.append("| \(r.pieces) | \(decimal(r.errorBound)) | \(r.regions) | \(r.exactDNetParameters) | \(r.compactDNetParameters.map(String.init) ?? "—") | \(percent(r.agreedFraction)) | \(r.compactAgreedFraction.map(percent) ?? "—") |")
            }
            lines.append("")
        }
        let p = pointAgreement
        if p.total > 0 {
            let whereProven = p.fEqualsGWhereProven == p.proven
                ? "f agrees on all of them, as the certificate says it must"
                : "f (in floating point) agrees on \(p.fEqualsGWhereProven) of them"
            lines.append("**On \(p.total) data points.** The DecisionNet gives g's exact label on \(p.dnetEqualsG) of \(p.total). "
                         + "The model f (floating point) gives it on \(p.fEqualsG) of \(p.total); \(p.proven) points lie where "
                         + "agreement is proven and \(whereProven).")
            lines.append("")
        }
        lines.append("**Times.** certify \(String(format: "%.2f", certifySeconds)) s; independent check \(String(format: "%.2f", checkSeconds)) s "
                     + "(exact arithmetic, model file and certificate only).")
        lines.append("")
        if let picturePath {
            lines.append("**Picture.** `\(picturePath)`: the regions of g filled by class, g's decision boundary in bold black, "
                         + "the DecisionNet's hyperplanes dashed red (the paper's Fig. 6), the data points on top.")
            lines.append("")
        }
        lines.append("Re-check the certificate at any time (exit 0 when every claim holds):")
        lines.append("")
        lines.append("```sh")
        lines.append("climep check \(certificatePath) --model \(modelPath)")
        lines.append("```")
        return lines.joined(separator: "\n") + "\n"
    }
}
