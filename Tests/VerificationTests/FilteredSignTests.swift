import ExactArithmetic
import FixtureSupport
import Testing
@testable import Verification

/// The floating-point filter of `DecisionNet.predict` against exact signs:
/// it never decides a sign wrongly, it decides the easy ones, and it leaves
/// points on (or within rounding of) a hyperplane to exact arithmetic.
@Suite struct FilteredSignTests {
    /// A coefficient; `wide` ones exceed 2^53, so binary64 cannot hold them exactly.
    static func random(_ rng: inout SeededGenerator, wide: Bool) -> Rational {
        let small = Rational(Int.random(in: -1_000_000...1_000_000, using: &rng))
        return wide ? small * Rational(1 << 40) + Rational(Int.random(in: 1...999, using: &rng)) : small
    }

    @Test func neverWrongAndUndecidedOnlyNearZero() {
        var rng = SeededGenerator(state: 43)
        var decided = 0, total = 0
        for trial in 0..<200 {
            let d = 1 + trial % 4
            // Every third trial has coefficients binary64 cannot hold exactly.
            let wide = trial % 3 == 0
            guard let plane = Hyperplane((0..<d).map { _ in Self.random(&rng, wide: wide) }, plus: Self.random(&rng, wide: wide)) else { continue }
            let normal = plane.normal, offset = plane.offset
            let h = FilteredHyperplane(plane)
            for k in 0..<20 {
                var x = (0..<d).map { _ in Rational(Int.random(in: -1_000_000...1_000_000, using: &rng), 1 << 20) }
                if k % 4 == 0, let j = normal.firstIndex(where: { !$0.isZero }) {
                    // Onto the hyperplane, then (k % 8 == 4) a hair off it.
                    let rest = (0..<d).filter { $0 != j }.reduce(offset) { $0 + normal[$1] * x[$1] }
                    x[j] = -rest / normal[j] + (k % 8 == 4 ? Rational.one.timesPowerOfTwo(-70) : .zero)
                }
                let exact = (dot(normal, x) + offset).sign
                total += 1
                if let positive = h.sign(at: x.map(\.nearestDouble)) {
                    decided += 1
                    #expect(exact != 0 && (exact > 0) == positive, "trial \(trial) point \(k)")
                }
            }
        }
        #expect(decided > total / 2)
    }
}
