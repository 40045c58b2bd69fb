import Testing
import ExactArithmetic

@Suite struct RationalFloatTests {
    static let edgeDoubles: [Double] = [
        0, -0.0, 1, -1, 0.1, -2.5, 1e-300, 1e300, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
        .leastNormalMagnitude, .leastNormalMagnitude.nextDown, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
        .ulpOfOne, 1 + .ulpOfOne, 4503599627370496.5, 9007199254740994, 0x1p62, 0x1p63, -0x1p63, 0x1p-62, 0x1p-63,
        Double(Float.leastNonzeroMagnitude), Double(Float.greatestFiniteMagnitude),
    ]

    @Test(arguments: edgeDoubles)
    func doubleConversionIsExactAndRoundTrips(value: Double) throws {
        let r = try #require(Rational(exactly: value))
        #expect(r.nearestDouble == value)
        #expect(r.isDyadic)
        #expect(r.sign == (value > 0 ? 1 : value < 0 ? -1 : 0))
    }

    @Test func knownExactValues() {
        #expect(Rational(exactly: 0.1)!.description == "3602879701896397/36028797018963968")
        #expect(Rational(exactly: Double.leastNonzeroMagnitude)! == Rational.one.timesPowerOfTwo(-1074))
        #expect(Rational(exactly: Float.leastNonzeroMagnitude)! == Rational.one.timesPowerOfTwo(-149))
        #expect(Rational(exactly: Float.greatestFiniteMagnitude)! == (Rational.one.timesPowerOfTwo(24) - 1).timesPowerOfTwo(104))
        #expect(Rational(exactly: -0.0 as Double)! == 0)
        #expect(Rational(exactly: Double.greatestFiniteMagnitude)!.description.count == 309)
    }

    @Test func nonFiniteIsRejected() {
        #expect(Rational(exactly: Double.nan) == nil)
        #expect(Rational(exactly: Double.infinity) == nil)
        #expect(Rational(exactly: -Float.infinity) == nil)
        #expect(Rational(exactly: Float.signalingNaN) == nil)
    }

    @Test func floatConversionIsExact() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let f = Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &generator))
            guard f.isFinite else { continue }
            let r = Rational(exactly: f)!
            #expect(r == Rational(exactly: Double(f))!)
            #expect(Float(r.nearestDouble) == f)
        }
    }

    /// The nearest double is no farther from the exact value than either neighbour.
    @Test func nearestDoubleIsNearest() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<1000 {
            let n = Rational(Int.random(in: -(1 << 62)...(1 << 62), using: &generator))
            let d = Rational(Int.random(in: 1...(1 << 62), using: &generator))
            let scale = Int.random(in: -1100...1000, using: &generator)
            let x = (n / d).timesPowerOfTwo(scale)
            let y = x.nearestDouble
            guard y.isFinite else {
                #expect(x.magnitude > Rational(exactly: Double.greatestFiniteMagnitude)!)
                continue
            }
            let error = (x - Rational(exactly: y)!).magnitude
            for neighbour in [y.nextUp, y.nextDown] where neighbour.isFinite {
                #expect(error <= (x - Rational(exactly: neighbour)!).magnitude, "\(x)")
            }
        }
    }

    @Test func tiesRoundToEven() {
        // 2^53 + 1 lies halfway between 2^53 and 2^53 + 2.
        let halfway = Rational.one.timesPowerOfTwo(53) + 1
        #expect(halfway.nearestDouble == 0x1p53)
        #expect((halfway + 2).nearestDouble == 0x1p53 + 4)
        #expect((Rational.one.timesPowerOfTwo(-1075)).nearestDouble == 0)  // half the least subnormal: even is 0
        #expect((Rational.one.timesPowerOfTwo(-1075) * 3).nearestDouble == 2 * .leastNonzeroMagnitude)
    }

    @Test func floorAndCeiling() {
        #expect(Rational(7, 2).floor == 3)
        #expect(Rational(7, 2).ceiling == 4)
        #expect(Rational(-7, 2).floor == -4)
        #expect(Rational(-7, 2).ceiling == -3)
        #expect(Rational(5).floor == 5)
        let big = Rational.one.timesPowerOfTwo(100) + Rational(1, 3)
        #expect(big.floor == Rational.one.timesPowerOfTwo(100))
        #expect(big.ceiling == Rational.one.timesPowerOfTwo(100) + 1)
        #expect((-big).floor == -Rational.one.timesPowerOfTwo(100) - 1)
    }
}
