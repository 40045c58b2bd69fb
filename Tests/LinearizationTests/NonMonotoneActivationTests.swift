import ExactArithmetic
import Foundation
import Linearization
import NeuralNetwork
import Verification
import Testing

/// SiLU and GELU (both forms; the tanh form with the ONNX spec's constants
/// and with torch's float32 ones): not monotone, convex between two enclosed
/// inflection points. Enclosures over intervals must hold the minimum, derivative
/// enclosures the extreme slopes at `±r`; fits and certified errors must
/// hold against values recomputed here from σ and erf directly.
@Suite struct NonMonotoneActivationTests {
    /// torch's legacy GELU divides by float32(√2).
    static let float32Root2 = Rational(exactly: Float(2).squareRoot())!
    /// torch's node-by-node tanh GELU multiplies by float32(√(2/π)) and float32(0.044715).
    static let float32GeluTanh = GeluTanhConstants(scale: Rational(exactly: Float((2 / Double.pi).squareRoot()))!,
                                                   cubic: Rational(exactly: Float(0.044715))!)!
    static let functions: [SmoothActivation] = [
        .silu, .gelu(divisor: nil), .gelu(divisor: float32Root2), .geluTanh(constants: nil), .geluTanh(constants: float32GeluTanh),
    ]

    /// `f(z)` at a point, at 200 bits, recomputed from its definition with
    /// the monotone building blocks (not via the activation's own enclosure).
    static func value(_ f: SmoothActivation, _ z: Rational) -> RationalInterval {
        let point = RationalInterval(point: z)
        switch f {
        case .silu:
            return point * Enclosure.sigmoid(point, bits: 200)
        case .gelu(let divisor):
            // erf is increasing: erf(z/c) for c in [c⁻, c⁺] lies between erf(z/c⁺) and erf(z/c⁻).
            let c = divisor.map { RationalInterval(point: $0) } ?? Enclosure.narrowSquareRootOfTwo
            let ends = [Enclosure.erf(RationalInterval(point: z / c.lower), bits: 200), Enclosure.erf(RationalInterval(point: z / c.upper), bits: 200)]
            let e = RationalInterval(min(ends[0].lower, ends[1].lower), max(ends[0].upper, ends[1].upper))
            return point * RationalInterval((1 + e.lower) / 2, (1 + e.upper) / 2)
        case .geluTanh(let constants):
            // √(2/π) bracketed from binary64 (within 2^−52 relative) and 0.044715 exactly,
            // or the file's exact constants.
            let cd = Rational(exactly: (2 / Double.pi).squareRoot())!
            let c = constants.map { RationalInterval(point: $0.scale) }
                ?? RationalInterval(cd * (1 - Rational.one.timesPowerOfTwo(-50)), cd * (1 + Rational.one.timesPowerOfTwo(-50)))
            let k = constants?.cubic ?? Rational(44715, 1_000_000)
            let u = c * RationalInterval(point: z + k * z * z * z)
            let t = Enclosure.tanh(u, bits: 200)
            return point * RationalInterval((1 + t.lower) / 2, (1 + t.upper) / 2)
        default:
            preconditionFailure()
        }
    }

    /// Over intervals, every sampled value (floating point, to rounding)
    /// lies in the enclosure; an interval holding the minimum reaches down
    /// to it (within 1e-9 of the sampled minimum); at points the enclosure
    /// meets the 200-bit recomputation and is narrow.
    @Test(arguments: functions)
    func enclosuresHoldTheRange(f: SmoothActivation) {
        for z: Rational in [-20_001, -30, -3, Rational(-5, 4), Rational(-3, 4), 0, Rational(1, 7), 2, Rational(12, 5), 40, 20_001] {
            let mine = f.enclosure(RationalInterval(point: z)), check = Self.value(f, z)
            #expect(mine.lower <= check.upper && check.lower <= mine.upper, "\(f) at \(z)")
            #expect(mine.width <= Rational.one.timesPowerOfTwo(-60) * max(.one, z.magnitude), "\(f) at \(z)")
        }
        for (a, b) in [(-3.0, 0.0), (-1.5, -1.0), (-0.8, -0.7), (-6.0, 5.0), (0.5, 3.0), (-40.0, -2.0)] {
            let e = f.enclosure(RationalInterval(Rational(exactly: a)!, Rational(exactly: b)!))
            var least = Double.infinity
            for j in 0...4000 {
                let x = a + (b - a) * Double(j) / 4000
                let y = f(x)
                least = min(least, y)
                #expect(e.lower.nearestDouble <= y + 1e-12 && y - 1e-12 <= e.upper.nearestDouble, "\(f) on [\(a), \(b)] at \(x)")
            }
            // The grid's step (≤ 0.01) misses the true minimum by at most f''·step²/8 < 1e-5.
            #expect(e.lower.nearestDouble >= least - 1e-5, "\(f) on [\(a), \(b)]: \(e.lower.nearestDouble) vs \(least)")
        }
        // The minimum's value: SiLU −0.27846…, GELU −0.16997….
        let floor = f.enclosure(RationalInterval(-3, 0)).lower.nearestDouble
        let isTanh = if case .geluTanh = f { true } else { false }
        let minimum = f == .silu ? -0.2784645427610738 : (isTanh ? -0.17004075057121568 : -0.16997120747963)
        #expect(Swift.abs(floor - minimum) < 1e-6, "\(f): \(floor)")
    }

    /// The derivative enclosure over intervals holds sampled slopes
    /// (difference quotients of the 200-bit values), including intervals
    /// that hold an inflection point, where f' peaks above 1.
    @Test(arguments: functions)
    func derivativeEnclosuresHoldTheSlopes(f: SmoothActivation) {
        let r = f.inflectionZones[1].lower
        for (a, b) in [(r - 1, r + 1), (-r - 1, -r + Rational(1, 3)), (Rational(-10), Rational(10)), (Rational(1, 2), Rational(3, 4)), (Rational(-30), Rational(-5))] {
            let slopes = f.derivativeEnclosure(RationalInterval(a, b))
            let h = Rational(1, 4096)
            for j in 0...200 {
                let x = a + (b - a - 2 * h) * Rational(j, 200) + h
                let left = Self.value(f, x - h), right = Self.value(f, x + h)
                let q = RationalInterval((right.lower - left.upper) / (2 * h), (right.upper - left.lower) / (2 * h))
                #expect(slopes.lower <= q.upper && q.lower <= slopes.upper, "\(f)' at \(x.nearestDouble)")
            }
        }
        // sup f' = f'(r) > 1, and the Lipschitz constant covers it.
        let peak = f.derivativeEnclosure(f.inflectionZones[1])
        #expect(peak.lower > 1 && f.lipschitz >= peak.upper && f.lipschitz.nearestDouble < 1.13)
    }

    /// The minimum points are verified sign changes of f': the derivative
    /// enclosure is negative left of them and positive right of them.
    @Test func minimaAreVerifiedSignChanges() {
        let m = Enclosure.siluMinimum
        #expect(m.width == Rational.one.timesPowerOfTwo(-39) && m.contains(Rational(exactly: -1.2784645427610738)!))
        #expect(Enclosure.siluDerivative(RationalInterval(point: m.lower), bits: 200).upper.sign < 0)
        #expect(Enclosure.siluDerivative(RationalInterval(point: m.upper), bits: 200).lower.sign > 0)
        let root2 = Enclosure.narrowSquareRootOfTwo
        let g = Enclosure.geluMinimum(divisor: root2)
        #expect(g.width == Rational.one.timesPowerOfTwo(-39) && Swift.abs(g.lower.nearestDouble + 0.75179) < 1e-5)
        #expect(Enclosure.geluDerivative(RationalInterval(point: g.lower), divisor: root2, bits: 200).upper.sign < 0)
        #expect(Enclosure.geluDerivative(RationalInterval(point: g.upper), divisor: root2, bits: 200).lower.sign > 0)
        let t = Enclosure.geluTanhMinimum
        #expect(t.width == Rational.one.timesPowerOfTwo(-39) && Swift.abs(t.lower.nearestDouble + 0.752461) < 1e-5)
        #expect(Enclosure.geluTanhDerivative(RationalInterval(point: t.lower), bits: 200).upper.sign < 0)
        #expect(Enclosure.geluTanhDerivative(RationalInterval(point: t.upper), bits: 200).lower.sign > 0)
        // torch's float32 constants: a different function, its own minimum and inflection point.
        let (c, k) = (RationalInterval(point: Self.float32GeluTanh.scale), Self.float32GeluTanh.cubic)
        let t32 = Enclosure.geluTanhMinimum(scale: c, cubic: k), r32 = Enclosure.geluTanhInflection(scale: c, cubic: k)
        #expect(t32.width == Rational.one.timesPowerOfTwo(-39) && Swift.abs(t32.lower.nearestDouble + 0.752461) < 1e-5)
        #expect(Enclosure.geluTanhDerivative(RationalInterval(point: t32.lower), scale: c, cubic: k, bits: 200).upper.sign < 0)
        #expect(Enclosure.geluTanhDerivative(RationalInterval(point: t32.upper), scale: c, cubic: k, bits: 200).lower.sign > 0)
        #expect(Swift.abs(r32.lower.nearestDouble - Enclosure.geluTanhInflection.lower.nearestDouble) < 1e-6)
        // Near the spec's constants or refused (a loader's one-line error, never a trap).
        #expect(GeluTanhConstants(scale: c.lower, cubic: 2 * k) == nil && GeluTanhConstants(scale: -c.lower, cubic: k) == nil)
    }

    /// The curvature: convex between the zones, concave outside, unknown
    /// inside a zone; the zone ends are required cut points of a table.
    @Test(arguments: functions)
    func curvatureAndTables(f: SmoothActivation) throws {
        let z = f.inflectionZones[1]
        #expect(f.curvature(from: -1, to: 1) == .convex)
        #expect(f.curvature(from: 3, to: 5) == .concave && f.curvature(from: -9, to: -3) == .concave)
        #expect(f.curvature(from: 0, to: 5) == nil)
        if z.lower < z.upper { #expect(f.curvature(from: z.lower, to: z.upper) == nil) }
        let p = try ActivationFit.fit(f, pieces: 6, method: .algorithm1)
        let inside = p.breakpoints.filter { -4 < $0 && $0 < 4 }
        #expect(throws: ActivationErrorTable.Invalid.self) { try ActivationErrorTable(p: p, f: f, points: [-4] + inside + [4]) }
        let table = try ActivationErrorTable(p: p, f: f, points: ([-4, 4] + inside + f.curvatureChanges).sorted())
        let range = RationalInterval(Rational(-7, 2), Rational(7, 2))
        let sampled = grid(range, 700, adding: p.breakpoints.filter { range.contains($0) } + f.curvatureChanges)
            .map { leastMagnitude(Self.value(f, $0) - RationalInterval(point: p($0))) }.max()!
        #expect(try #require(table.bound(on: range)) >= sampled)
    }

    /// Fits: exactly n pieces, a constant tail on the left and slope 1 on
    /// the right; the certified error over [−60, 60] is at least every
    /// recomputed point error and within the slack of the largest; over
    /// [−2000, 2000] it is no larger; more pieces give a smaller error.
    @Test(arguments: functions)
    func fitsAreCertified(f: SmoothActivation) throws {
        var previous: Rational?
        for n in [2, 3, 4, 6, 9, 17] {
            let p = try ActivationFit.fit(f, pieces: n, method: .algorithm1)
            #expect(p == (try ActivationFit.fit(f, pieces: n, method: .equalError)))
            #expect(p.pieceCount == n && p.slopes.first == .zero && p.slopes.last == .one, "\(f) n = \(n)")
            let range = RationalInterval(-60, 60)
            let bound = certifiedError(of: p, approximating: f, on: range)
            let sampled = grid(range, 800, adding: p.breakpoints.filter { range.contains($0) } + [Enclosure.siluMinimum.lower])
                .map { leastMagnitude(Self.value(f, $0) - RationalInterval(point: p($0))) }.max()!
            #expect(sampled <= bound, "\(f) n = \(n)")
            #expect(bound <= sampled * (1 + slack + Rational(1, 20)) + Rational.one.timesPowerOfTwo(-40),
                    "\(f) n = \(n): \(bound.nearestDouble) vs sampled \(sampled.nearestDouble)")
            let wide = certifiedError(of: p, approximating: f, on: RationalInterval(-2000, 2000))
            #expect(wide <= bound * (1 + slack) + Rational.one.timesPowerOfTwo(-50), "\(f) n = \(n)")
            if let previous, n >= 4 { #expect(bound < previous, "\(f) n = \(n)") }
            previous = bound
        }
    }
}
