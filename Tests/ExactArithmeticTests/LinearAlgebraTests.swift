import Testing
import ExactArithmetic

@Suite struct LinearAlgebraTests {
    /// Plain left-to-right sum, the reference for the accumulated fast path.
    func naiveDot(_ a: [Rational], _ b: [Rational]) -> Rational {
        zip(a, b).reduce(.zero) { $0 + $1.0 * $1.1 }
    }

    @Test func dotMatchesNaiveSumOnFloat32Values() {
        var g = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let n = Int.random(in: 0...64, using: &g)
            let a = (0..<n).map { _ in Rational(exactly: Float.random(in: -2...2, using: &g))! }
            let b = (0..<n).map { _ in Rational(exactly: Float.random(in: -1e-3...1e3, using: &g))! }
            #expect(dot(a, b) == naiveDot(a, b))
        }
    }

    @Test func dotSurvivesAccumulatorOverflow() {
        // Extreme exponents force the fixed-point accumulator past 128 bits.
        let a = [Rational(exactly: Float.greatestFiniteMagnitude)!, Rational(exactly: Float.leastNonzeroMagnitude)!, Rational(1, 3)]
        let b = [Rational(exactly: Float.greatestFiniteMagnitude)!, Rational(exactly: Float.leastNonzeroMagnitude)!, Rational(3)]
        #expect(dot(a, b) == naiveDot(a, b))
        let c = [Rational(Int.max), Rational(Int.max), Rational(Int.max), Rational(Int.max)]
        #expect(dot(c, c) == naiveDot(c, c))
        #expect(dot(c, c) == Rational(Int.max) * Rational(Int.max) * 4)
    }

    @Test func matrixProducts() {
        let m = RationalMatrix(rows: [[1, 2, 3], [Rational(1, 2), 0, -1]], columns: 3)
        #expect(m * [1, 1, 1] == [6, Rational(-1, 2)])
        #expect(m.transposed.rows == 3)
        #expect(m.transposed[2, 1] == -1)
        let p = m * m.transposed
        #expect(p[0, 0] == 14)
        #expect(p[0, 1] == Rational(-5, 2))
        #expect(p[1, 0] == p[0, 1])
    }
}
