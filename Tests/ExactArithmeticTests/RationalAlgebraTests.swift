import Testing
import PropertyBased
import ExactArithmetic

/// Builds small, medium and GMP-sized rationals from generated integers so
/// the laws are checked across both representations and their boundary.
func makeRational(_ n: Int64, _ d: Int64, _ size: Int) -> Rational {
    let base = Rational(Int(n), Int(max(d, 1)))
    switch size {
    case 0: return base
    case 1: return base.timesPowerOfTwo(Int(n % 80))
    case 2: return base * Rational(Int(d | 1)) * Rational(Int(n | 1)) / Rational(Int.max)
    default: return base + Rational.one.timesPowerOfTwo(90) / Rational(Int(d | 1))
    }
}

let integer = Gen.int64()
let positive = Gen.int64(in: 1...Int64.max)
let shape = Gen.int(in: 0...3)
let smallInteger = Gen.int64(in: -1000...1000)

@Suite struct RationalAlgebraTests {
    @Test func additionIsAssociativeAndCommutative() async {
        await propertyCheck(count: 300, input: integer, positive, shape, integer, positive, shape) { a, b, s, c, d, t in
            let x = makeRational(a, b, s), y = makeRational(c, d, t), z = makeRational(c ^ a, b ^ d | 1, (s + t) % 4)
            #expect((x + y) + z == x + (y + z))
            #expect(x + y == y + x)
            #expect(x + .zero == x)
            #expect(x - x == .zero)
            #expect((x + y).hashValue == (y + x).hashValue)
        }
    }

    @Test func multiplicationLaws() async {
        await propertyCheck(count: 300, input: integer, positive, shape, integer, positive, shape) { a, b, s, c, d, t in
            let x = makeRational(a, b, s), y = makeRational(c, d, t), z = makeRational(a &+ c, b, t)
            #expect((x * y) * z == x * (y * z))
            #expect(x * y == y * x)
            #expect(x * (y + z) == x * y + x * z)
            #expect(x * .one == x)
            if !y.isZero {
                #expect((x / y) * y == x)
                #expect(y * y.reciprocal == .one)
            }
        }
    }

    @Test func orderIsTotalAndCompatible() async {
        await propertyCheck(count: 300, input: integer, positive, shape, integer, positive, shape) { a, b, s, c, d, t in
            let x = makeRational(a, b, s), y = makeRational(c, d, t)
            #expect([x < y, x == y, x > y].filter { $0 }.count == 1)
            #expect((x < y) == ((x - y).sign < 0))
            #expect((x < y) == (-y < -x))
            if x < y { #expect(x + x < y + y) }
            #expect(x.magnitude >= .zero)
            #expect((x == y) == (x.description == y.description))
        }
    }

    @Test func agreesWithIntegerArithmetic() async {
        await propertyCheck(count: 300, input: smallInteger, smallInteger, smallInteger) { a, b, c in
            let x = Rational(Int(a)), y = Rational(Int(b)), z = Rational(Int(c))
            #expect(x * y + z == Rational(Int(a * b + c)))
            #expect((x < y) == (a < b))
            if c != 0 {
                #expect((x / z).floor == Rational(Int((Double(a) / Double(c)).rounded(.down))))
            }
        }
    }

    @Test func representationBoundaryIsCanonical() {
        let twoTo70 = Rational.one.timesPowerOfTwo(70)
        #expect((twoTo70 + 1) / (twoTo70 + 1) == .one)
        #expect(((twoTo70 + 5) - twoTo70) == 5)
        #expect(Set([(twoTo70 + 5) - twoTo70, Rational(5)]).count == 1)
        #expect(Rational(Int.min) == -Rational(Int.max) - 1)
        #expect(-Rational(Int.min) == Rational(Int.max) + 1)
        #expect(Rational(Int.min).description == "\(Int.min)")
        #expect(Rational(Int64.max, 1).reciprocal * Rational(Int(Int64.max)) == 1)
        #expect(Rational(exactly: UInt128.max)!.description == "\(UInt128.max)")
        #expect(Rational(exactly: Int128.min)!.description == "\(Int128.min)")
    }
}

extension Rational {
    init(_ n: Int64, _ d: Int) { self.init(Int(n), d) }
}
