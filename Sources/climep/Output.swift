import ExactArithmetic
import Foundation
import Linearization

/// Writes a line to standard error (progress, warnings).
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Prints one JSON object on stdout: sorted keys, slashes unescaped so exact
/// rationals read as `"p/q"`.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// `text` padded with spaces to `width` characters (at least one space follows).
func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
}

/// The largest `|f − g|` the search found, as `linearize` and `certify`
/// report it beside the certified bound: a proven lower bound on the true
/// maximum, so the user sees how tight the certificate is.
struct AttainedSummary: Encodable {
    /// `|f_logit(point) − g_logit(point)| ≥ lowerBound`, proven by enclosing both.
    let lowerBound: Rational
    let lowerBoundDecimal: Double
    let logit: Int
    let point: [Rational]

    init(_ attained: AttainedError) {
        lowerBound = attained.lowerBound
        lowerBoundDecimal = attained.lowerBound.nearestDouble
        logit = attained.logit
        point = attained.point
    }

    /// `≥ 0.0398 attained at logit 1, x = (0.5, -1.25)` (the first six
    /// coordinates), with the certified bound's ratio to it.
    func text(certified: Rational) -> String {
        let shown = point.prefix(6).map { String(format: "%.4g", $0.nearestDouble) }.joined(separator: ", ")
        let more = point.count > 6 ? ", … (\(point.count) inputs)" : ""
        let ratio = lowerBound.sign > 0 ? String(format: "; certified / attained = %.3g", (certified / lowerBound).nearestDouble) : ""
        return "|f - g| >= \(String(format: "%.4g", lowerBoundDecimal)) attained at logit \(logit), x = (\(shown)\(more))\(ratio)"
    }
}
