import ExactArithmetic
import FixtureSupport
import Foundation
import NeuralNetwork
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

/// The floating-point pass of `g` that `DecisionNet.predict` tries before
/// evaluating `g` exactly: whenever it answers, it answers `g`'s exact label;
/// it answers most points; near a label change it leaves the point to exact
/// arithmetic rather than guess.
@Suite struct FilteredForwardPassTests {
    static let models: [(file: String, inputs: Int)] = [
        (Fixtures.example("moons-tanh.onnx"), 2),
        (Fixtures.path("models/sk_moons_relu_bin.onnx"), 2),
        (Fixtures.path("models/sk_blobs4_relu_3c_nozipmap.onnx"), 4),
    ]

    @Test(arguments: models.indices)
    func neverWrongAndDecidesMostPoints(model: Int) throws {
        let (file, d) = Self.models[model]
        let g = try LinearizedNetwork(try Network(contentsOf: file), pieces: 5, method: .defaultMethod)
        let pass = FilteredForwardPass(g)
        var rng = SeededGenerator(state: UInt64(97 + model))
        func exactLabel(_ x: [Rational]) -> Int { Network.label(ofLogits: g.exactLogits(x)) }
        func filtered(_ x: [Rational]) -> Int? {
            let point = x.map(\.nearestDouble)
            let radius = zip(x, point).map { (($0 - Rational(exactly: $1)!).magnitude).doubleUp }
            return pass.label(at: point, radius: radius)
        }
        var decided = 0, nearDecided = 0, near = 0
        let total = 300
        for k in 0..<total {
            // Thirds are not binary64 numbers: the input radius is exercised too.
            let x = (0..<d).map { _ in Rational(Int.random(in: -3_000...3_000, using: &rng), k % 2 == 0 ? 1000 : 3000) }
            let answer = exactLabel(x)
            if let label = filtered(x) {
                decided += 1
                #expect(label == answer, "point \(x)")
            }
            // Bisect towards a point with another label, to within 2^-60 of the change.
            let y = (0..<d).map { _ in Rational(Int.random(in: -3_000...3_000, using: &rng), 1000) }
            guard exactLabel(y) != answer else { continue }
            var (a, b) = (x, y)
            for _ in 0..<62 {
                let m = zip(a, b).map { ($0 + $1).timesPowerOfTwo(-1) }
                if exactLabel(m) == answer { a = m } else { b = m }
            }
            for z in [a, b] {
                near += 1
                if let label = filtered(z) {
                    nearDecided += 1
                    #expect(label == exactLabel(z), "near-boundary point \(z)")
                }
            }
        }
        #expect(decided > total * 9 / 10)
        // Within 2^-60 of a label change rounding cannot decide: exact arithmetic must.
        #expect(near == 0 || nearDecided < near)
    }
}

/// The patterns `predict`, the builder and the checker use (`HyperplaneSigns`:
/// one binary64 error bound per hyperplane, precomputed over the box) are the
/// exact strict sign patterns, bit for bit, in the box and out of it.
@Suite struct HyperplaneSignsTests {
    @Test func patternsAreTheExactSigns() throws {
        let text = try Data(contentsOf: URL(fileURLWithPath: Fixtures.root.appendingPathComponent("proofs/examples/moons-tanh.certificate.json").path))
        let net = try DecisionNet(certificate: try Certificate.decode(text))
        var rng = SeededGenerator(state: 5)
        var compared = 0
        // The box is [−2, 3] × [−1.5, 2]; a quarter of the points fall outside it.
        for _ in 0..<400 {
            let x = (0..<2).map { _ in Rational(Int.random(in: -4_000...4_000, using: &rng), 1000) }
            let exact = DecisionNet.strictSigns(of: x, net.hyperplanes)
            let pattern = net.signs.pattern(of: x)
            #expect(pattern == exact.map(SignPattern.init))
            if let signs = exact, let pattern {
                compared += 1
                // Recounted bit by bit.
                #expect(pattern.count == signs.count)
                for (k, positive) in signs.enumerated() { #expect((pattern.words[k / 64] >> UInt64(k % 64)) & 1 == (positive ? 1 : 0)) }
                #expect(pattern.signs == signs)
            }
        }
        #expect(compared > 300)
    }

    /// Many hyperplanes and points (patterns of ten words, 66 blocks of points on
    /// both cores, a last block of fewer than eight): the batched patterns are the
    /// exact ones.
    @Test func batchedPatternsOverManyWordsAndBlocks() throws {
        var rng = SeededGenerator(state: 17)
        let d = 7
        let box = try InputBox(lower: Array(repeating: Rational(-2), count: d), upper: Array(repeating: Rational(3), count: d))
        let planes = (0..<600).compactMap { _ in
            Hyperplane((0..<d).map { _ in FilteredSignTests.random(&rng, wide: false) }, plus: FilteredSignTests.random(&rng, wide: false))
        }
        let points = (0..<523).map { _ in (0..<d).map { _ in Rational(Int.random(in: -2_000...3_000, using: &rng), 1000) } }
        let signs = HyperplaneSigns(planes, over: box)
        let batched = signs.patterns(of: points)
        #expect(batched.count == points.count)
        for (x, pattern) in zip(points, batched) {
            #expect(pattern == DecisionNet.strictSigns(of: x, planes).map(SignPattern.init))
        }
        // The portable kernel (the native one is AVX2 with fused multiply-adds where the processor has them).
        #expect(HyperplaneSigns(planes, over: box, kernel: .portable).patterns(of: points) == batched)
        #expect(HyperplaneSigns(planes, over: box, kernel: .binary64).patterns(of: points) == batched)

        // Fingerprints: nil where the pattern is, and equal exactly where the patterns are
        // (some points repeated, one moved onto a hyperplane).
        var repeated = points + points.prefix(40)
        let h = planes[3]
        repeated[7][0] = -(dot(Array(h.normal.dropFirst()), Array(repeated[7].dropFirst())) + h.offset) / h.normal[0]
        let patterns = signs.patterns(of: repeated), fingerprints = signs.fingerprints(of: repeated)
        #expect(patterns[7] == nil)
        #expect(fingerprints.map { $0 == nil } == patterns.map { $0 == nil })
        var mismatches = 0
        for i in repeated.indices where patterns[i] != nil {
            for j in repeated.indices where patterns[j] != nil && (patterns[i] == patterns[j]) != (fingerprints[i] == fingerprints[j]) {
                mismatches += 1
            }
        }
        #expect(mismatches == 0)
    }

    /// Beyond binary64: a box whose bounds, a coefficient and a coordinate exceed the largest
    /// double (their nearest doubles are infinite). No sign may then be decided in floating
    /// point, and every pattern must still be the exact one.
    @Test func boxesAndCoefficientsBeyondBinary64AreExact() throws {
        let huge = Rational.one.timesPowerOfTwo(1100)
        let d = 3
        let box = try InputBox(lower: Array(repeating: -huge, count: d), upper: Array(repeating: huge, count: d))
        var rng = SeededGenerator(state: 29)
        var planes = (0..<20).compactMap { _ in
            Hyperplane((0..<d).map { _ in FilteredSignTests.random(&rng, wide: true) }, plus: FilteredSignTests.random(&rng, wide: false))
        }
        planes += [Hyperplane([huge, .one, .one], plus: .one)!]
        let signs = HyperplaneSigns(planes, over: box)
        let points = (0..<30).map { k in
            (0..<d).map { j in (k + j) % 5 == 0 ? huge.timesPowerOfTwo(-1) : Rational(Int.random(in: -1_000_000...1_000_000, using: &rng), 1 << 10) }
        }
        let exact = points.map { DecisionNet.strictSigns(of: $0, planes).map(SignPattern.init) }
        #expect(signs.patterns(of: points) == exact)
        #expect(points.map { signs.pattern(of: $0) } == exact)
        for x in points {
            for p in planes.indices { #expect(signs.filteredSign(p, at: x.map(\.nearestDouble)) == nil) }
        }
    }

    /// Coefficients beyond binary32's range but within binary64's: the binary32 filter cannot
    /// be used (its bound is +∞), binary64 decides, and the patterns are the exact ones.
    @Test func coefficientsBeyondBinary32AreDecidedInBinary64() throws {
        let d = 5
        let box = try InputBox(lower: Array(repeating: Rational(-1), count: d), upper: Array(repeating: Rational(1), count: d))
        var rng = SeededGenerator(state: 31)
        let scale = Rational.one.timesPowerOfTwo(200)
        let planes = (0..<40).compactMap { _ in
            Hyperplane((0..<d).map { _ in FilteredSignTests.random(&rng, wide: false) * scale }, plus: FilteredSignTests.random(&rng, wide: false))
        }
        let points = (0..<50).map { _ in (0..<d).map { _ in Rational(Int.random(in: -1_000...1_000, using: &rng), 1000) } }
        let exact = points.map { DecisionNet.strictSigns(of: $0, planes).map(SignPattern.init) }
        let signs = HyperplaneSigns(planes, over: box)
        #expect(signs.patterns(of: points) == exact)
        // Binary64 decides these: the filter is not silently exact everywhere.
        let decided = points.reduce(0) { count, x in count + planes.indices.filter { signs.filteredSign($0, at: x.map(\.nearestDouble)) != nil }.count }
        #expect(decided > points.count * planes.count / 2)
    }

    /// Random hyperplanes in 1 to 33 dimensions (a third with coefficients beyond 2^53),
    /// points of a random box on, a hair (2^−70) off and far from them: the filter never
    /// decides a sign wrongly, decides the far ones, and leaves points on a hyperplane exact.
    @Test func filterNeverWrongOverTheBox() throws {
        var rng = SeededGenerator(state: 71)
        var decided = 0, far = 0, onPlaneDecided = 0
        for trial in 0..<120 {
            let d = 1 + trial % 33
            let wide = trial % 3 == 0
            let lower = (0..<d).map { _ in Rational(Int.random(in: -3_000...0, using: &rng), 1000) }
            let upper = lower.map { $0 + Rational(Int.random(in: 1...3_000, using: &rng), 1000) }
            let box = try InputBox(lower: lower, upper: upper)
            let planes = (0..<4).compactMap { _ in
                Hyperplane((0..<d).map { _ in FilteredSignTests.random(&rng, wide: wide) }, plus: FilteredSignTests.random(&rng, wide: wide))
            }
            guard !planes.isEmpty else { continue }
            let signs = HyperplaneSigns(planes, over: box)
            var points: [[Rational]] = []
            defer {
                // Eight at a time on every core: the same patterns, in order (blocks of 8 and a remainder;
                // one point outside the box, whose signs are all exact).
                let outside = upper.map { $0 + 1 }
                let batch = points + [outside]
                #expect(signs.patterns(of: batch) == batch.map { signs.pattern(of: $0) })
                for kernel in [HyperplaneSigns.Kernel.portable, .binary64] {
                    #expect(HyperplaneSigns(planes, over: box, kernel: kernel).patterns(of: batch) == batch.map { signs.pattern(of: $0) })
                }
                #expect(signs.patterns(of: batch).last! == DecisionNet.strictSigns(of: outside, planes).map(SignPattern.init))
            }
            for k in 0..<24 {
                var x = (0..<d).map { j in lower[j] + (upper[j] - lower[j]) * Rational(Int.random(in: 0...(1 << 20), using: &rng), 1 << 20) }
                let h = planes[k % planes.count]
                let onPlane = k % 3 != 0
                if onPlane, let j = h.normal.firstIndex(where: { !$0.isZero }) {
                    let rest = (0..<d).filter { $0 != j }.reduce(h.offset) { $0 + h.normal[$1] * x[$1] }
                    x[j] = -rest / h.normal[j] + (k % 3 == 2 ? Rational.one.timesPowerOfTwo(-70) : .zero)
                    guard box.contains(x) else { continue }
                }
                #expect(signs.pattern(of: x) == DecisionNet.strictSigns(of: x, planes).map(SignPattern.init))
                points.append(x)
                let point = x.map(\.nearestDouble)
                for (p, plane) in planes.enumerated() {
                    let exact = (dot(plane.normal, x) + plane.offset).sign
                    guard let positive = signs.filteredSign(p, at: point) else { continue }
                    decided += 1
                    #expect(exact != 0 && (exact > 0) == positive, "trial \(trial) point \(k) plane \(p)")
                    if exact == 0 { onPlaneDecided += 1 }
                }
                if !onPlane { far += planes.count }
            }
        }
        #expect(onPlaneDecided == 0)
        #expect(decided > far / 2)
    }
}
