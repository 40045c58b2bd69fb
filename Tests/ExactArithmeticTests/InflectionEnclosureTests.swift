import ExactArithmetic
import Foundation
import Testing

/// The building blocks for SiLU and GELU: erf enclosures, and the inflection
/// points `±r` of SiLU and `±√2` of GELU enclosed by verified sign changes.
@Suite struct InflectionEnclosureTests {
    /// erf's enclosure holds the floating-point value (to its accuracy), is
    /// narrow, and keeps the order of an interval's ends; far arguments stay in [−1, 1].
    @Test func erfEnclosesTheValue() {
        for x in [-30.0, -2.5, -0.75, -1e-9, 0, 0.5, 1, 3.25, 40] {
            let e = Enclosure.erf(RationalInterval(point: Rational(exactly: x)!))
            #expect(e.lower <= e.upper && e.width <= Rational.one.timesPowerOfTwo(-78))
            #expect(Swift.abs(e.lower.nearestDouble - Foundation.erf(x)) <= 4e-16, "erf(\(x))")
            #expect(e.lower >= -1 && e.upper <= 1)
        }
        #expect(Enclosure.erf(RationalInterval(point: .zero)).contains(.zero))
        let wide = Enclosure.erf(RationalInterval(-1, 2))
        #expect(wide.lower.nearestDouble < -0.84 && wide.upper.nearestDouble > 0.995)
        let far = Enclosure.erf(RationalInterval(Rational(-1_000_000), Rational(1_000_000)))
        #expect(far.lower == -1 && far.upper == 1)
    }

    /// SiLU's positive inflection point: the enclosure holds the
    /// floating-point root of `2 − x·tanh(x/2)`, is `2^−39` wide, and
    /// `2 − x·tanh(x/2)` has opposite signs at its ends by 200-bit enclosures.
    @Test func siluInflectionIsAVerifiedSignChange() {
        let r = Enclosure.siluInflection
        #expect(r.width == Rational.one.timesPowerOfTwo(-39))
        #expect(r.contains(Rational(exactly: 2.3993572805154675)!))
        func g(_ c: Rational) -> RationalInterval {
            let t = Enclosure.tanh(RationalInterval(point: c.timesPowerOfTwo(-1)), bits: 200)
            return RationalInterval(2 - c * t.upper, 2 - c * t.lower)
        }
        #expect(g(r.lower).lower.sign > 0 && g(r.upper).upper.sign < 0)
    }

    /// `√2` for GELU: exact squares on either side.
    @Test func squareRootOfTwoIsBracketed() {
        let s = Enclosure.squareRootOfTwo
        #expect(s.lower * s.lower < 2 && s.upper * s.upper > 2)
        #expect(s.width == Rational.one.timesPowerOfTwo(-49))
    }
}
