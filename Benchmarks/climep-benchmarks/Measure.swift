import ExactArithmetic
import Linearization
#if canImport(Glibc)
import Glibc
#endif

/// Runs `body` `repetitions` times after one warm-up and returns the best
/// wall time per call in nanoseconds (the minimum is the least noisy figure).
func bestNanoseconds(repetitions: Int = 5, _ body: () -> Void) -> Double {
    body()
    var best = Double.infinity
    let clock = ContinuousClock()
    for _ in 0..<repetitions {
        let elapsed = clock.measure(body)
        let ns = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        best = min(best, ns)
    }
    return best
}

/// Where results go so the optimiser cannot drop the work that made them.
nonisolated(unsafe) var sink: UInt64 = 0

@inline(never)
func blackHole(_ value: Double) { sink &+= value.bitPattern }

@inline(never)
func blackHole(_ value: Rational) { sink &+= UInt64(bitPattern: Int64(value.sign)) &+ UInt64(value.isInteger ? 1 : 0) }

func exitWithStatus(_ code: Int32) -> Never { exit(code) }

/// A fixed-seed generator so every run measures the same inputs.
typealias SplitMix64 = SplitMix

func format(_ x: Double, digits: Int = 1) -> String {
    var text = String(Int((x * pow(10, Double(digits))).rounded()))
    while text.count <= digits { text = "0" + text }
    if digits > 0 { text.insert(".", at: text.index(text.endIndex, offsetBy: -digits)) }
    return text
}
