import Foundation
import Testing
import PropertyBased
import ExactArithmetic

/// A rational of one of four kinds — small fraction, dyadic, huge GMP value,
/// tiny GMP value — from three generated integers.
private func sampleRational(_ n: Int64, _ d: Int64, _ kind: Int64) -> Rational {
    let base = Rational(Int(n), Int(d.magnitude % 1_000_003 + 1))
    switch kind.magnitude % 4 {
    case 0: return base
    case 1: return Rational(Int(n)).timesPowerOfTwo(Int(d % 90))
    case 2: return base * Rational.one.timesPowerOfTwo(100)
    default: return base / Rational(Int(d | 1)) / Rational(Int.max)
    }
}

/// The interval spanned by two rationals.
private func span(_ a: Rational, _ b: Rational) -> RationalInterval {
    RationalInterval(min(a, b), max(a, b))
}

/// The point `lower + t · width` for a fraction `t ∈ [0, 1]`.
private func point(in a: RationalInterval, _ t: Int64) -> Rational {
    a.lower + Rational(Int(t.magnitude % 1001), 1000) * a.width
}

private let words = Gen.int64().array(of: 14)

@Suite struct RationalIntervalTests {
    @Test func arithmeticContainsEveryResult() async {
        await propertyCheck(count: 300, input: words) { w in
            let a = span(sampleRational(w[0], w[1], w[2]), sampleRational(w[3], w[4], w[5]))
            let b = span(sampleRational(w[6], w[7], w[8] ^ w[2]), sampleRational(w[9], w[10], w[11]))
            let k = sampleRational(w[12], w[13], w[0] ^ w[13])
            for (s, t) in [(w[12], w[13]), (0, 0), (1000, 1000), (0, 1000), (w[3], w[9])] {
                let x = point(in: a, s), y = point(in: b, t)
                #expect(a.contains(x) && b.contains(y))
                #expect((a + b).contains(x + y))
                #expect((a - b).contains(x - y))
                #expect((-a).contains(-x))
                #expect((a * b).contains(x * y))
                #expect((k * a).contains(k * x))
                #expect(a.union(b).contains(x) && a.union(b).contains(y))
            }
        }
    }

    @Test func resultsAreTight() async {
        await propertyCheck(count: 300, input: words) { w in
            let a = span(sampleRational(w[0], w[1], w[2]), sampleRational(w[3], w[4], w[5]))
            let b = span(sampleRational(w[6], w[7], w[8]), sampleRational(w[9], w[10], w[11]))
            // Every end is attained by some pair of members (the corners).
            #expect(a + b == RationalInterval(a.lower + b.lower, a.upper + b.upper))
            #expect(a - b == RationalInterval(a.lower - b.upper, a.upper - b.lower))
            let corners = [a.lower * b.lower, a.lower * b.upper, a.upper * b.lower, a.upper * b.upper]
            #expect(corners.contains((a * b).lower) && corners.contains((a * b).upper))
            #expect(corners.allSatisfy { (a * b).contains($0) })
            #expect(a * b == b * a)
            let k = sampleRational(w[12], w[13], w[0])
            #expect(k * a == RationalInterval(point: k) * a)
            #expect(-(-a) == a)
            #expect(a - a == a + (-a))
        }
    }

    @Test func hullAndIntersection() async {
        await propertyCheck(count: 300, input: words) { w in
            let a = span(sampleRational(w[0], w[1], w[2]), sampleRational(w[3], w[4], w[5]))
            let b = span(sampleRational(w[6], w[7], w[2]), sampleRational(w[9], w[10], w[11]))
            let hull = a.union(b)
            #expect(hull == b.union(a))
            #expect(hull.lower == min(a.lower, b.lower) && hull.upper == max(a.upper, b.upper))
            let meet = a.intersection(b)
            #expect(meet == b.intersection(a))
            let probes = [a.lower, a.upper, b.lower, b.upper, a.midpoint, b.midpoint, point(in: hull, w[12])]
            for x in probes {
                #expect((meet?.contains(x) ?? false) == (a.contains(x) && b.contains(x)))
            }
            #expect((meet == nil) == (a.upper < b.lower || b.upper < a.lower))
            #expect(a.intersection(a) == a && a.union(a) == a)
        }
    }

    @Test func measures() {
        let a = RationalInterval(Rational(-3, 2), Rational(1, 3))
        #expect(a.width == Rational(11, 6))
        #expect(a.magnitude == Rational(3, 2))
        #expect(a.midpoint == Rational(-7, 12))
        #expect(a.contains(a.midpoint) && !a.contains(Rational(1, 2)))
        #expect(a.description == "[-3/2, 1/3]")
        let p = RationalInterval(point: Rational(5, 7))
        #expect(p.width == .zero && p.magnitude == Rational(5, 7) && p.midpoint == Rational(5, 7))
        #expect(RationalInterval(-2, 5).magnitude == 5 && RationalInterval(-7, 5).magnitude == 7)
        #expect(RationalInterval(2, 3).intersection(RationalInterval(4, 5)) == nil)
        #expect(RationalInterval(2, 3).intersection(RationalInterval(3, 5)) == RationalInterval(point: 3))
        #expect(RationalInterval(-1, 2) * RationalInterval(-3, 1) == RationalInterval(-6, 3))
        #expect(Rational(-2) * RationalInterval(-1, 3) == RationalInterval(-6, 2))
    }

    @Test func codableRoundTripAndValidation() throws {
        let a = RationalInterval(Rational(-1, 3), Rational.one.timesPowerOfTwo(80) + 1)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(a)
        #expect(try JSONDecoder().decode(RationalInterval.self, from: data) == a)
        #expect(String(decoding: data, as: UTF8.self) == #"{"lower":"-1/3","upper":"1208925819614629174706177"}"#)
        let bad = Data(#"{"lower": "2", "upper": "1"}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(RationalInterval.self, from: bad) }
    }
}

@Suite struct RationalRoundingTests {
    @Test func roundsToTheNearestMultipleBelowAndAbove() async {
        await propertyCheck(count: 500, input: Gen.int64(), Gen.int64(), Gen.int64(), Gen.int(in: -70...150)) { n, d, kind, bits in
            let x = sampleRational(n, d, kind)
            let step = Rational.one.timesPowerOfTwo(-bits)
            let down = x.roundedDown(toBits: bits), up = x.roundedUp(toBits: bits)
            #expect(down.timesPowerOfTwo(bits).isInteger && up.timesPowerOfTwo(bits).isInteger)
            #expect(x - step < down && down <= x)
            #expect(x <= up && up < x + step)
            if x.timesPowerOfTwo(bits).isInteger {
                #expect(down == x && up == x)
            } else {
                #expect(up - down == step)
            }
            #expect((-x).roundedDown(toBits: bits) == -up)
        }
    }

    @Test func examples() {
        #expect(Rational(1, 3).roundedDown(toBits: 2) == Rational(1, 4))
        #expect(Rational(1, 3).roundedUp(toBits: 2) == Rational(1, 2))
        #expect(Rational(-1, 3).roundedDown(toBits: 2) == Rational(-1, 2))
        #expect(Rational(-1, 3).roundedUp(toBits: 2) == Rational(-1, 4))
        #expect(Rational(13).roundedDown(toBits: -3) == 8)
        #expect(Rational(13).roundedUp(toBits: -3) == 16)
        #expect(Rational(-13).roundedDown(toBits: -3) == -16)
        #expect(Rational(16).roundedUp(toBits: -3) == 16)
        #expect(Rational(5, 8).roundedDown(toBits: 3) == Rational(5, 8))
        #expect(Rational(5, 8).roundedUp(toBits: 80) == Rational(5, 8))
        let third = Rational(1, 3)
        let down = third.roundedDown(toBits: 200)
        #expect(third - down > .zero && third - down < Rational.one.timesPowerOfTwo(-200))
        #expect(Rational.zero.roundedUp(toBits: 7) == .zero)
    }
}
