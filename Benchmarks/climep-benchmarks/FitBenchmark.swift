import ExactArithmetic
import Foundation
import Linearization
import Verification

/// Certified sup error of the piecewise-linear fits over [−20, 20], the size
/// of their exact breakpoints, and the cost of `certifiedError`: the first call for a fit (which fills the
/// per-piece memo) and later calls on random ranges like a network's
/// pre-activation ranges (|x| ≤ 30, widths from 0.01 to 30).
enum FitBenchmark {
    static func run() {
        let wide = RationalInterval(-20, 20)
        var rng = SplitMix64(state: 7)
        let ranges: [RationalInterval] = (0..<400).map { _ in
            let width = Double.random(in: -2...log10(30.0), using: &rng)
            let w = Rational(exactly: Float(pow(10, width)))!
            let centre = Rational(exactly: Float.random(in: -15...15, using: &rng))!
            return RationalInterval(centre - w.timesPowerOfTwo(-1), centre + w.timesPowerOfTwo(-1))
        }
        print("## Certified activation error over [−20, 20] (relative slack 1/50)")
        print("")
        print("| n | function | method | pieces | certified ε | lower bound | breakpoint bits | fit ms | first call ms | call µs (random ranges) |")
        print("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|")
        for n in [3, 4, 5, 6, 8, 12, 16, 24, 32, 64] {
            for f in SmoothActivation.examples {
                for method in FitMethod.allCases {
                    let clock = ContinuousClock()
                    var p: PiecewiseLinearFunction?
                    let fitTime = clock.measure { p = try! ActivationFit.fit(f, pieces: n, method: method) }
                    var bounds: (lower: Rational, upper: Rational) = (.zero, .zero)
                    let firstTime = clock.measure { bounds = certifiedErrorBounds(of: p!, approximating: f, on: wide) }
                    let perCall = bestNanoseconds(repetitions: 3) {
                        for r in ranges { blackHole(certifiedError(of: p!, approximating: f, on: r)) }
                    } / Double(ranges.count)
                    print("| \(n) | \(f.description) | \(method.rawValue) | \(p!.pieceCount) | \(significant(bounds.upper.nearestDouble)) | \(significant(bounds.lower.nearestDouble)) | \(breakpointBits(p!)) | \(format(milliseconds(fitTime), digits: 1)) | \(format(milliseconds(firstTime), digits: 1)) | \(format(perCall / 1000, digits: 0)) |")
                }
            }
        }
    }

    /// The most bits in a breakpoint's numerator or denominator (lowest terms).
    static func breakpointBits(_ p: PiecewiseLinearFunction) -> Int {
        p.breakpoints.map { b in
            max(b.numerator.magnitude.nearestDouble.exponent, b.denominator.nearestDouble.exponent) + 1
        }.max() ?? 0
    }

    static func milliseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) / 1e15
    }

    /// `x` with 3 significant digits, in scientific notation when small.
    static func significant(_ x: Double) -> String {
        guard x > 0 else { return "0" }
        let exponent = Int(floor(log10(x)))
        if exponent >= -3 { return format(x, digits: max(0, 2 - exponent)) }
        let mantissa = x / pow(10, Double(exponent))
        return "\(format(mantissa, digits: 2))e\(exponent)"
    }
}
