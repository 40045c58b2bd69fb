import Regions
import ExactArithmetic
import Foundation
import Linearization

/// Writes a line to standard error (progress, warnings).
func printError(_ text: String) {
    ProgressLine.shared.line(text)
}

/// Progress of a long run on standard error: on a terminal one line redrawn
/// in place, otherwise a plain line at most every 10 seconds (logs stay short).
/// Every other message goes through `line`, which ends a redrawn line first.
final class ProgressLine: @unchecked Sendable {
    static let shared = ProgressLine(terminal: isatty(STDERR_FILENO) == 1)

    private let terminal: Bool
    private let lock = NSLock()
    private var drawn = false
    private var lastPlain: ContinuousClock.Instant?

    init(terminal: Bool) { self.terminal = terminal }

    /// Shows `text` as the current progress.
    func update(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        if terminal {
            write("\r\u{1B}[K" + text)
            drawn = true
        } else if lastPlain.map({ ContinuousClock.now - $0 >= .seconds(10) }) ?? true {
            write(text + "\n")
            lastPlain = .now
        }
    }

    /// Writes `text` as a line of its own, below the progress line.
    func line(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        write((drawn ? "\n" : "") + text + "\n")
        drawn = false
    }

    /// For a progress callback that reports stages and enumeration progress alike.
    func report(_ text: String) {
        text.hasPrefix(EnumerationProgress.linePrefix) ? update(text) : line(text)
    }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
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
