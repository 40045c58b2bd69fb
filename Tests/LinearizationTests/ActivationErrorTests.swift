import ExactArithmetic
import Linearization
import Verification
import FixtureSupport
import Testing

/// `f(x) − p(x)` enclosed at 200 bits: the true error lies inside.
func enclosedError(_ f: SmoothActivation, _ p: PiecewiseLinearFunction, at x: Rational) -> RationalInterval {
    let v = f.enclosure(RationalInterval(point: x), bits: 200)
    let px = p(x)
    return RationalInterval(v.lower - px, v.upper - px)
}

/// The least `|e|` can be given its enclosure (a rigorous lower bound on `|f(x) − p(x)|`).
func leastMagnitude(_ e: RationalInterval) -> Rational {
    e.lower.sign > 0 ? e.lower : (e.upper.sign < 0 ? -e.upper : .zero)
}

let wideRange = RationalInterval(-20, 20)
let slack = Rational(1, 50)

@Suite struct ActivationErrorTests {
    /// Algorithm 1's n = 3 error is σ(−2) (sigmoid) and 1 − tanh(1) (tanh), at
    /// the breakpoints; the certified value brackets it within the slack.
    @Test func hardFunctionsHaveTheirKnownError() throws {
        for (f, corner) in [(SmoothActivation.sigmoid, Rational(-2)), (.tanh, Rational(-1))] {
            let p = try ActivationFit.fit(f, pieces: 3, method: .algorithm1)
            let exact = enclosedError(f, p, at: corner)  // σ(−2) − 0 or tanh(−1) + 1
            let bounds = certifiedErrorBounds(of: p, approximating: f, on: wideRange)
            #expect(bounds.upper >= exact.upper)
            #expect(bounds.lower <= exact.upper)
            #expect(bounds.upper <= exact.upper * (1 + slack) + Rational.one.timesPowerOfTwo(-50))
            #expect(certifiedError(of: p, approximating: f, on: wideRange) == bounds.upper)
        }
    }

    /// ε(n) over [−20, 20] for n = 3…32: never grows with n, drops strictly
    /// every two pieces (rigorously: upper(n + 2) < lower(n)), and the
    /// equal-error fit is below half of Algorithm 1's at every n in 3…64.
    ///
    /// Not strict at every step: by the symmetry of σ, Algorithm 1's arg-max
    /// ties between ±x, so each added tangent fixes only one side and the sup
    /// stays until the mirror tangent is added; and the equal-error fit with
    /// an even n is the (n − 1)-piece one.
    @Test(arguments: SmoothActivation.sigmoidal)
    func errorFallsWithMorePieces(f: SmoothActivation) throws {
        var bounds: [FitMethod: [Int: (lower: Rational, upper: Rational)]] = [:]
        for method in FitMethod.allCases {
            for n in 3...64 where n <= 34 || method == .equalError || n % 8 == 0 || n % 8 == 1 {
                let p = try ActivationFit.fit(f, pieces: n, method: method)
                bounds[method, default: [:]][n] = certifiedErrorBounds(of: p, approximating: f, on: wideRange)
            }
        }
        for method in FitMethod.allCases {
            let b = bounds[method]!
            for n in 3...32 {
                #expect(b[n + 1]!.upper <= b[n]!.upper * (1 + slack), "\(method) n = \(n)")
                #expect(b[n + 2]!.upper < b[n]!.lower, "\(method) n = \(n) → \(n + 2)")
            }
        }
        for n in 3...64 {
            guard let algorithm1 = bounds[.algorithm1]![n] else { continue }
            let equal = bounds[.equalError]![n]!
            #expect(equal.upper * 2 < algorithm1.lower, "n = \(n): \(equal.upper.nearestDouble) vs \(algorithm1.lower.nearestDouble)")
        }
        // The equal-error fit's ε keeps falling like 1/n².
        #expect(bounds[.equalError]![63]!.upper * 30 < bounds[.equalError]![9]!.lower)
    }

    /// Random fits, random intervals (rational ends, some non-dyadic, some
    /// points, some beyond the breakpoints) and random points: the certified
    /// error is never below what a 200-bit enclosure proves at a point, and is
    /// within the slack of the largest error sampled on a dense grid.
    @Test(arguments: SmoothActivation.sigmoidal)
    func soundAndTightOnRandomIntervals(f: SmoothActivation) throws {
        var rng = SeededGenerator(state: f == .sigmoid ? 101 : 202)
        for trial in 0..<36 {
            let method = FitMethod.allCases[trial % 2]
            let n = [3, 4, 5, 8, 13, 24, 32, 64][trial % 8]
            let p = try ActivationFit.fit(f, pieces: n, method: method)
            let centre = Rational(Int.random(in: -30_000...30_000, using: &rng), 1000)
            let halfWidth = trial % 9 == 0 ? Rational.zero
                : Rational(Int.random(in: 1...20_000, using: &rng), Int.random(in: 1...3, using: &rng) * 997)
            let x = RationalInterval(centre - halfWidth, centre + halfWidth)
            let bounds = certifiedErrorBounds(of: p, approximating: f, on: x)
            #expect(certifiedError(of: p, approximating: f, on: x) == bounds.upper)
            #expect(bounds.lower <= bounds.upper)

            // Soundness at random points, the ends and the breakpoints inside.
            var points = (0..<40).map { _ in x.lower + x.width * Rational(Int.random(in: 0...1_000_000, using: &rng), 1_000_000) }
            points += [x.lower, x.upper] + p.breakpoints.filter { x.contains($0) }
            for z in points {
                #expect(leastMagnitude(enclosedError(f, p, at: z)) <= bounds.upper, "trial \(trial) at \(z)")
            }

            // Tightness against a dense grid (with the breakpoints, where Algorithm 1's error peaks).
            let sampled = grid(x, 3000, adding: p.breakpoints).map { leastMagnitude(enclosedError(f, p, at: $0)) }.max()!
            let tolerance = Rational.one.timesPowerOfTwo(-50)
            #expect(bounds.upper <= sampled * (1 + slack + Rational(1, 100)) + tolerance,
                    "trial \(trial) \(method) n=\(n) on \(x): \(bounds.upper.nearestDouble) vs sampled \(sampled.nearestDouble)")
            #expect(bounds.lower <= sampled + tolerance)
        }
    }

    /// A smaller slack tightens the bound; a point interval gives the point's
    /// error; intervals far beyond Enclosure's argument limit still work.
    @Test func slackPointsAndFarIntervals() throws {
        let p = try ActivationFit.fit(.sigmoid, pieces: 9, method: .equalError)
        let x = RationalInterval(Rational(-7, 3), Rational(11, 5))
        let fine = certifiedErrorBounds(of: p, approximating: .sigmoid, on: x, relativeSlack: Rational(1, 1000))
        let coarse = certifiedErrorBounds(of: p, approximating: .sigmoid, on: x, relativeSlack: Rational(1, 4))
        #expect(fine.upper <= fine.lower * (1 + Rational(1, 1000)) + Rational.one.timesPowerOfTwo(-55))
        #expect(coarse.upper <= coarse.lower * (1 + Rational(1, 4)) + Rational.one.timesPowerOfTwo(-55))
        #expect(fine.upper <= coarse.upper)

        let z = Rational(3, 7)
        let atPoint = certifiedError(of: p, approximating: .sigmoid, on: RationalInterval(point: z))
        let e = enclosedError(.sigmoid, p, at: z)
        #expect(atPoint >= e.magnitude && atPoint <= e.magnitude + Rational.one.timesPowerOfTwo(-58))

        let hard = try ActivationFit.fit(.tanh, pieces: 3, method: .algorithm1)
        let far = RationalInterval(Rational(9_000), Rational(1_000_000))
        #expect(certifiedError(of: hard, approximating: .tanh, on: far) <= Rational.one.timesPowerOfTwo(-58))
        let both = RationalInterval(Rational(-50_000), Rational(20_000))
        let whole = certifiedError(of: hard, approximating: .tanh, on: both)
        #expect(whole >= leastMagnitude(enclosedError(.tanh, hard, at: -1)))
        #expect(whole <= certifiedError(of: hard, approximating: .tanh, on: wideRange) * (1 + slack))
    }

    /// Memoised and fresh results agree, and a cut interval is never certified
    /// above the whole one by more than the slack.
    @Test func repeatedAndNestedCallsAgree() throws {
        let p = try ActivationFit.fit(.tanh, pieces: 21, method: .equalError)
        let whole = certifiedErrorBounds(of: p, approximating: .tanh, on: wideRange)
        #expect(certifiedErrorBounds(of: p, approximating: .tanh, on: wideRange) == whole)
        for k in 1..<20 {
            let cut = RationalInterval(Rational(-k, 3), Rational(k * k, 7))
            let part = certifiedErrorBounds(of: p, approximating: .tanh, on: cut)
            #expect(part.upper <= whole.upper * (1 + slack))
            #expect(part.lower <= whole.upper)
        }
    }
}
