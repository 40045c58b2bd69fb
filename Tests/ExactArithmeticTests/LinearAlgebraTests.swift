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

    /// Dyadics beyond 64 bits (products of float weights through several
    /// layers), signed, with zeros, cancelling to zero or to an integer, and
    /// mixed with a non-dyadic entry: the same value as the naive sum.
    @Test func dotMatchesNaiveSumOnLongDyadics() {
        var g = SystemRandomNumberGenerator()
        func long() -> Rational {
            // A product of 1 to 5 binary32 values: numerators up to 120 bits, scales up to 745.
            (0..<Int.random(in: 1...5, using: &g)).reduce(Rational.one) { product, _ in
                product * Rational(exactly: Float.random(in: -4...4, using: &g) * (Bool.random(using: &g) ? 1 : 1e-9))!
            }
        }
        for trial in 0..<300 {
            let n = Int.random(in: 0...40, using: &g)
            var a = (0..<n).map { _ in Int.random(in: 0..<8, using: &g) == 0 ? Rational.zero : long() }
            var b = (0..<n).map { _ in long() }
            if trial % 10 == 1, n >= 2 {
                // Cancels exactly: the second term is minus the first.
                a[1] = a[0]
                b[1] = -b[0]
                a.removeLast(n - 2)
                b.removeLast(n - 2)
            }
            if trial % 10 == 2, n >= 1 { a[0] = Rational(1, 3) }
            #expect(dot(a, b) == naiveDot(a, b), "trial \(trial)")
        }
        let big = Rational(exactly: Float.greatestFiniteMagnitude)! * Rational(exactly: Float.greatestFiniteMagnitude)!
        let tiny = Rational(exactly: Float.leastNonzeroMagnitude)! * Rational(exactly: Float.leastNonzeroMagnitude)!
        #expect(dot([big, tiny, 1], [tiny, big, Rational(-2)]) == naiveDot([big, tiny, 1], [tiny, big, Rational(-2)]))
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
