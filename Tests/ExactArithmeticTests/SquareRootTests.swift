import ExactArithmetic
import Testing

/// `Rational.exactSquareRoot` and `Enclosure.reciprocalSquareRoot`, checked
/// by squaring, which is exact.
@Suite struct SquareRootTests {
    @Test func exactSquareRootsOfRationalSquares() {
        #expect(Rational(8, 18).exactSquareRoot == Rational(2, 3))
        #expect(Rational(0).exactSquareRoot == .zero)
        #expect(Rational(1 << 40).exactSquareRoot == Rational(1 << 20))
        #expect(Rational(2).exactSquareRoot == nil)
        #expect(Rational(4, 3).exactSquareRoot == nil)
        #expect(Rational(-4).exactSquareRoot == nil)
        let big = Rational("123456789012345678901234567890")!
        #expect((big * big / Rational(49)).exactSquareRoot == big / Rational(7))
    }

    @Test(arguments: [Rational(2), Rational(1, 3), Rational(100_001, 100_000), Rational(exactly: Float(1e-5))! + Rational(exactly: Float(0.3))!])
    func reciprocalSquareRootEncloses(y: Rational) {
        let e = Enclosure.reciprocalSquareRoot(y)
        // lo ≤ 1/√y ≤ hi  ⟺  lo²·y ≤ 1 ≤ hi²·y for 0 < lo.
        #expect(e.lower.sign > 0)
        #expect(e.lower * e.lower * y <= .one)
        #expect(.one <= e.upper * e.upper * y)
        #expect(e.lower < e.upper)
        #expect(e.width <= e.upper.timesPowerOfTwo(-60))
    }

    @Test func aRationalSquareGivesAPoint() {
        #expect(Enclosure.reciprocalSquareRoot(Rational(9, 4)) == RationalInterval(point: Rational(2, 3)))
    }
}
