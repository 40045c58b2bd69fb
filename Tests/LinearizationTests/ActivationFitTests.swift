import ExactArithmetic
import Foundation
import Linearization
import Verification
import NeuralNetwork
import FixtureSupport
import Testing

/// σ and σ' in floating point, written independently of the library.
func referenceValue(_ f: SmoothActivation, _ x: Double) -> Double {
    f == .sigmoid ? 1 / (1 + exp(-x)) : tanh(x)
}

func referenceSlope(_ f: SmoothActivation, _ x: Double) -> Double {
    let v = referenceValue(f, x)
    return f == .sigmoid ? v * (1 - v) : 1 - v * v
}

@Suite struct SmoothActivationTests {
    @Test func mapsActivationsAndConstants() {
        #expect(SmoothActivation(.sigmoid) == .sigmoid)
        #expect(SmoothActivation(.tanh) == .tanh)
        #expect(SmoothActivation(.relu) == nil && SmoothActivation(.identity) == nil)
        #expect(SmoothActivation(.hardTanh(lower: -1, upper: 1)) == nil)
        #expect(SmoothActivation.sigmoid.lipschitz == Rational(1, 4) && SmoothActivation.tanh.lipschitz == 1)
        #expect(SmoothActivation.sigmoidal.allSatisfy { $0.minimumPieces == 3 })
        for f in SmoothActivation.sigmoidal {
            for x in stride(from: -30.0, through: 30.0, by: 0.37) {
                #expect(abs(f(x) - referenceValue(f, x)) < 1e-15)
                #expect(abs(f.derivative(x) - referenceSlope(f, x)) < 1e-15)
                let e = f.enclosure(RationalInterval(point: Rational(exactly: x)!))
                #expect(e.width < Rational.one.timesPowerOfTwo(-70))
                #expect(abs(e.midpoint.nearestDouble - referenceValue(f, x)) < 1e-15)
                let d = f.derivativeEnclosure(RationalInterval(point: Rational(exactly: x)!))
                #expect(abs(d.midpoint.nearestDouble - referenceSlope(f, x)) < 1e-15)
            }
        }
    }
}

@Suite struct ActivationFitTests {
    typealias Line = PiecewiseLinearFunction.Line

    @Test func algorithm1StartsWithTheHardFunctions() throws {
        // n = 3: the tangent at 0 between the asymptotes.
        let sigmoid = try ActivationFit.fit(.sigmoid, pieces: 3, method: .algorithm1)
        #expect(sigmoid.breakpoints == [-2, 2])
        #expect(sigmoid.slopes == [0, Rational(1, 4), 0])
        #expect(sigmoid.intercepts == [0, Rational(1, 2), 1])
        let tanh = try ActivationFit.fit(.tanh, pieces: 3, method: .algorithm1)
        #expect(tanh.breakpoints == [-1, 1])
        #expect(tanh.slopes == [0, 1, 0])
        #expect(tanh.intercepts == [-1, 0, 1])
    }

    /// The error of p3 peaks (numerically) on x < 0 at the breakpoint −2
    /// (sigmoid) or −1 (tanh); n = 4 adds exactly the tangent there and leaves
    /// x ≥ 0 alone; n = 5 adds the mirror tangent.
    @Test(arguments: SmoothActivation.sigmoidal)
    func algorithm1AddsTangentsAtTheWorstPoint(f: SmoothActivation) throws {
        let p3 = try ActivationFit.fit(f, pieces: 3, method: .algorithm1)
        var worst = (x: 0.0, error: -1.0)
        for k in 0...400_000 {
            let x = -10 + Double(k) * 2.5e-5
            let error = abs(referenceValue(f, x) - p3(x))
            if error > worst.error { worst = (x, error) }
        }
        let corner = f == .sigmoid ? -2.0 : -1.0
        #expect(abs(worst.x - corner) < 1e-4)

        let p4 = try ActivationFit.fit(f, pieces: 4, method: .algorithm1)
        #expect(p4.pieceCount == 4)
        // The new piece is the tangent at the corner (its coefficients rounded to a fine dyadic grid).
        func isTangent(_ line: Line, at t: Double) -> Bool {
            abs(line.slope.nearestDouble - referenceSlope(f, t)) < 1e-7
                && abs(line.intercept.nearestDouble - (referenceValue(f, t) - referenceSlope(f, t) * t)) < 1e-7
                && line.slope.isDyadic && line.intercept.isDyadic
        }
        #expect(isTangent(p4.lines[1], at: corner))
        #expect(Array(p4.lines[2...]) == Array(p3.lines[1...]))  // x ≥ 0 unchanged
        #expect(p4.breakpoints[2] == p3.breakpoints[1])
        #expect(abs(p4(corner) - referenceValue(f, corner)) < 1e-7)

        let p5 = try ActivationFit.fit(f, pieces: 5, method: .algorithm1)
        #expect(isTangent(p5.lines[1], at: corner) && isTangent(p5.lines[3], at: -corner))
        #expect(p5.lines[2] == p3.lines[1])
    }

    /// Every tangent of Algorithm 1 lies below σ on the convex side and above it
    /// on the concave side (up to rounding), and the fits are exactly continuous with n pieces.
    @Test(arguments: SmoothActivation.sigmoidal)
    func algorithm1IsAnEnvelopeOfTangents(f: SmoothActivation) throws {
        for n in [3, 4, 7, 10, 17, 32, 64] {
            let p = try ActivationFit.fit(f, pieces: n, method: .algorithm1)
            #expect(p.pieceCount == n)
            // (up to the rounding of the lines' coefficients: 1/4096 of the error)
            let gaps = stride(from: -25.0, through: 25.0, by: 0.01).map { ($0, referenceValue(f, $0) - p($0)) }
            let eps = gaps.map { abs($0.1) }.max()!
            for (x, gap) in gaps {
                if x < 0 { #expect(gap >= -eps / 1000) } else if x > 0 { #expect(gap <= eps / 1000) }
            }
            // Slopes rise to the tangent at 0 and fall after it.
            let middle = p.slopes.firstIndex(of: f.lipschitz)!
            #expect(zip(p.slopes[...middle], p.slopes[...middle].dropFirst()).allSatisfy { $0 < $1 })
            #expect(zip(p.slopes[middle...], p.slopes[middle...].dropFirst()).allSatisfy { $0 > $1 })
        }
    }

    /// The equal-error fit is exactly odd-symmetric about (0, σ(0)), has n
    /// pieces for odd n and n − 1 for even n, and its error swings between +ε
    /// and −ε on every piece.
    @Test(arguments: SmoothActivation.sigmoidal)
    func equalErrorIsSymmetricAndEquioscillates(f: SmoothActivation) throws {
        for n in [3, 4, 5, 9, 16, 31, 64] {
            let p = try ActivationFit.fit(f, pieces: n, method: .equalError)
            #expect(p.pieceCount == (n % 2 == 1 ? n : n - 1))
            #expect(p.breakpoints == p.breakpoints.reversed().map { -$0 })
            #expect(p.slopes == p.slopes.reversed())
            #expect(zip(p.intercepts, p.intercepts.reversed()).allSatisfy { $0 + $1 == 2 * f.valueAtZero })
            if n % 2 == 0 { #expect(try ActivationFit.fit(f, pieces: n - 1, method: .equalError) == p) }
            // On each piece (tails: up to ±30), the error's maximum and minimum are both near ±ε.
            let edges = [-30.0] + p.breakpoints.map(\.nearestDouble) + [30.0]
            var extremes: [(Double, Double)] = []
            for i in 0..<p.pieceCount {
                let errors = (0...2000).map { k -> Double in
                    let x = edges[i] + (edges[i + 1] - edges[i]) * Double(k) / 2000
                    return referenceValue(f, x) - p(x)
                }
                extremes.append((errors.min()!, errors.max()!))
            }
            let eps = extremes.map { max(-$0.0, $0.1) }.max()!
            for (i, (low, high)) in extremes.enumerated() {
                if i == 0 || i == p.pieceCount - 1 {
                    #expect(high > 0.999 * eps || low < -0.999 * eps, "tail \(i)")
                } else {
                    #expect(low < -0.999 * eps && high > 0.999 * eps, "piece \(i) of \(n): \(low) \(high) vs \(eps)")
                }
            }
        }
    }

    @Test func rejectsImpossiblePieceCounts() throws {
        for f in SmoothActivation.sigmoidal {
            for method in FitMethod.allCases {
                for n in [-1, 0, 1, 2] {
                    let error = #expect(throws: ActivationFitError.self) { try ActivationFit.fit(f, pieces: n, method: method) }
                    #expect(error?.description == "\(f.description) needs at least 3 pieces, got \(n)")
                }
                #expect(throws: ActivationFitError.self) { try ActivationFit.fit(f, pieces: ActivationFit.maximumPieces + 1, method: method) }
            }
        }
    }

    @Test func manyPiecesStillFit() throws {
        for f in SmoothActivation.sigmoidal {
            for method in FitMethod.allCases {
                let p = try ActivationFit.fit(f, pieces: 513, method: method)
                #expect(p.pieceCount == 513)
                // Rounded lines, exact crossings: still a close fit.
                for x in stride(from: -20.0, through: 20.0, by: 0.013) {
                    #expect(abs(referenceValue(f, x) - p(x)) < 2e-5)
                }
            }
        }
    }

    @Test func fitsAreDeterministicAndCodable() throws {
        let p = try ActivationFit.fit(.tanh, pieces: 12, method: .equalError)
        #expect(try ActivationFit.fit(.tanh, pieces: 12, method: .equalError) == p)
        let data = try JSONEncoder().encode(p)
        #expect(try JSONDecoder().decode(PiecewiseLinearFunction.self, from: data) == p)
        #expect(FitMethod.defaultMethod == .equalError)
        #expect(FitMethod(rawValue: "algorithm1") == .algorithm1 && FitMethod(rawValue: "equalError") == .equalError)
    }
}
