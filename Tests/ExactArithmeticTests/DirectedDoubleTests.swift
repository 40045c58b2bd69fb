import ExactArithmetic
import FixtureSupport
import Testing

/// The directed operations against exact rationals, on normal, subnormal and
/// mixed-sign operands.
@Suite struct DirectedDoubleTests {
    static func samples() -> [Double] {
        var rng = SeededGenerator(state: 41)
        var values: [Double] = [0, 1, -1, 0.1, -1e-310, 5e-324, 1e300, -3.5e-200, .leastNormalMagnitude]
        for _ in 0..<200 {
            let exponent = Int.random(in: -1070...300, using: &rng)
            values.append(Double(sign: Bool.random(using: &rng) ? .minus : .plus, exponent: exponent,
                                 significand: Double.random(in: 1..<2, using: &rng)))
        }
        return values
    }

    @Test func upperBoundsHold() {
        let values = Self.samples()
        for (a, b) in zip(values, values.reversed()) {
            let ra = Rational(exactly: a)!, rb = Rational(exactly: b)!
            #expect(Rational(exactly: DirectedDouble.addUp(a, b))! >= ra + rb, "\(a) + \(b)")
            #expect(Rational(exactly: DirectedDouble.multiplyUp(a, b))! >= ra * rb, "\(a) · \(b)")
            #expect(Rational(exactly: DirectedDouble.distanceUp(a, b))! >= (ra - rb).magnitude, "|\(a) − \(b)|")
        }
    }

    @Test func doubleUpAndDownBracketRationals() {
        for x in [Rational(1, 3), Rational(-2, 7), Rational(10).timesPowerOfTwo(-1080), Rational(1) / Rational(10).timesPowerOfTwo(-1)] {
            #expect(Rational(exactly: x.doubleUp)! >= x)
            #expect(Rational(exactly: x.doubleDown)! <= x)
            #expect(x.doubleUp.nextDown <= x.doubleDown)
        }
        #expect(Rational(1, 2).doubleUp == 0.5 && Rational(1, 2).doubleDown == 0.5)
    }
}
