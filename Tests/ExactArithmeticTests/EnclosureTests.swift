import Testing
import PropertyBased
import ExactArithmetic

// MARK: - An independent reference: Taylor series in exact rationals

/// A rigorous enclosure of e^x computed without MPFR: e^y by its Taylor
/// series with the remainder bound |R_n| ≤ |y|^(n+1)/(n+1)! · e^|y| ≤
/// 2·|y|^(n+1)/(n+1)! for |y| ≤ 1/2, then squared k times for x = 2^k y
/// (outward rounded to 2^-600 in between to keep the integers small), and
/// inverted for x < 0. Relative width about 2^(k − 590).
func referenceExp(_ x: Rational) -> RationalInterval {
    if x.sign < 0 {
        let e = referenceExp(-x)  // e^x = 1 / e^(−x), decreasing in e^(−x)
        return RationalInterval(e.upper.reciprocal, e.lower.reciprocal)
    }
    var k = 0
    var y = x
    while y > Rational(1, 2) { y = y.timesPowerOfTwo(-1); k += 1 }
    var sum = Rational.one, term = Rational.one, n = 0
    let tolerance = Rational.one.timesPowerOfTwo(-600)
    var remainder: Rational
    repeat {
        n += 1
        term = term * y / Rational(n)
        sum += term
        remainder = 2 * term * y / Rational(n + 1)  // ≥ |R_n| since |y| ≤ 1/2
    } while remainder > tolerance
    var lower = sum - remainder, upper = sum + remainder
    func floorTo600(_ v: Rational) -> Rational { v.timesPowerOfTwo(600).floor.timesPowerOfTwo(-600) }
    func ceilTo600(_ v: Rational) -> Rational { v.timesPowerOfTwo(600).ceiling.timesPowerOfTwo(-600) }
    lower = floorTo600(lower); upper = ceilTo600(upper)
    for _ in 0..<k {  // e^(2y) = (e^y)², increasing for e^y > 0
        lower = floorTo600(lower * lower)
        upper = ceilTo600(upper * upper)
    }
    return RationalInterval(lower, upper)
}

/// σ(x) = 1/(1 + e^−x), decreasing in e^−x.
func referenceSigmoid(_ x: Rational) -> RationalInterval {
    let e = referenceExp(-x)
    return RationalInterval((1 + e.upper).reciprocal, (1 + e.lower).reciprocal)
}

/// tanh(x) = 1 − 2/(e^(2x) + 1), increasing in e^(2x) (a different formula
/// from the implementation's 2σ(2x) − 1).
func referenceTanh(_ x: Rational) -> RationalInterval {
    let e = referenceExp(2 * x)
    return RationalInterval(1 - 2 * (e.lower + 1).reciprocal, 1 - 2 * (e.upper + 1).reciprocal)
}

/// σ'(x) = s(1 − s) and tanh'(x) = 1 − t² by interval arithmetic on the references.
func referenceSigmoidDerivative(_ x: Rational) -> RationalInterval {
    let s = referenceSigmoid(x)
    return s * (RationalInterval(point: 1) - s)
}

func referenceTanhDerivative(_ x: Rational) -> RationalInterval {
    let t = referenceTanh(x)
    let square = t * t
    return RationalInterval(point: 1) - RationalInterval(max(square.lower, 0), square.upper)
}

/// `outer ⊇ inner`: then the true value, inside `inner`, is inside `outer`.
func encloses(_ outer: RationalInterval, _ inner: RationalInterval) -> Bool {
    outer.lower <= inner.lower && inner.upper <= outer.upper
}

private func twoTo(_ k: Int) -> Rational { Rational.one.timesPowerOfTwo(k) }
private let tenTo400 = Rational("1e400")!
private let moderate: [Rational] = [
    0, Rational("1e-30")!, Rational("-1e-30")!, Rational(1, 2), Rational(-1, 2), 1, -1,
    Rational(1, 3), Rational(-7, 3), 20, -20, Rational("3.14159")!, Rational("-0.001")!,
]
private let large: [Rational] = [800, -800, Rational("123.456")!, -60, 60]

@Suite struct EnclosureTests {
    @Test func referenceIsTight() {
        let e = referenceExp(1)
        #expect(e.width < twoTo(-580))
        #expect(e.lower > Rational("2.71828182845904523536028747135266249775")!)
        #expect(e.upper < Rational("2.71828182845904523536028747135266249776")!)
        #expect(referenceExp(0) == RationalInterval(point: 1))
    }

    @Test(arguments: [80, 53, 200])
    func pointEnclosuresContainTheReference(bits: Int) {
        let tight = twoTo(-(bits - 4))
        for x in moderate + large {
            let p = RationalInterval(point: x)
            let s = Enclosure.sigmoid(p, bits: bits), t = Enclosure.tanh(p, bits: bits), e = Enclosure.exp(p, bits: bits)
            #expect(encloses(s, referenceSigmoid(x)), "σ(\(x)) at \(bits) bits")
            #expect(encloses(t, referenceTanh(x)), "tanh(\(x)) at \(bits) bits")
            #expect(encloses(e, referenceExp(x)), "exp(\(x)) at \(bits) bits")
            #expect(s.width < tight && t.width < tight, "σ/tanh(\(x)) width at \(bits) bits")
            #expect(e.width <= e.upper * tight, "exp(\(x)) relative width at \(bits) bits")
            // σ, tanh results are dyadic with at most `bits` fractional bits.
            for v in [s.lower, s.upper, t.lower, t.upper] { #expect(v.timesPowerOfTwo(bits).isInteger) }
            #expect(e.lower.isDyadic && e.upper.isDyadic)
        }
    }

    @Test(arguments: [2, 3, 8, 24, 64, 120, 400, 1500])
    func everyPrecisionIsSound(bits: Int) {
        for x in [Rational(1, 3), Rational(-5, 2), Rational("1e-30")!, 7, -40] {
            let p = RationalInterval(point: x)
            let pairs = [
                (Enclosure.sigmoid(p, bits: bits), referenceSigmoid(x)),
                (Enclosure.tanh(p, bits: bits), referenceTanh(x)),
                (Enclosure.exp(p, bits: bits), referenceExp(x)),
                (Enclosure.sigmoidDerivative(p, bits: bits), referenceSigmoidDerivative(x)),
                (Enclosure.tanhDerivative(p, bits: bits), referenceTanhDerivative(x)),
            ]
            for (enclosure, reference) in pairs {
                if bits <= 500 {
                    #expect(encloses(enclosure, reference), "\(x) at \(bits) bits")
                } else {
                    // Tighter than the reference: the two must still meet.
                    #expect(enclosure.intersection(reference) != nil, "\(x) at \(bits) bits")
                    #expect(enclosure.width < twoTo(-1400) * max(enclosure.upper, 1))
                }
            }
        }
    }

    @Test func widthsAt80BitsAreTiny() {
        for x in moderate {
            let p = RationalInterval(point: x)
            #expect(Enclosure.sigmoid(p).width < twoTo(-60))
            #expect(Enclosure.tanh(p).width < twoTo(-60))
            #expect(Enclosure.sigmoidDerivative(p).width < twoTo(-60))
            #expect(Enclosure.tanhDerivative(p).width < twoTo(-60))
            let e = Enclosure.exp(p)
            #expect(e.width < e.upper * twoTo(-70))
        }
        let half = RationalInterval(point: Rational(1, 2))
        #expect(Enclosure.sigmoid(half).width <= twoTo(-78))
        #expect(Enclosure.tanh(half).width <= twoTo(-78))
        #expect(Enclosure.exp(half).width <= twoTo(-78))
    }

    @Test func exactValuesAtZero() {
        let zero = RationalInterval(point: 0)
        #expect(Enclosure.exp(zero) == RationalInterval(point: 1))  // e^0 = 1 is exact in MPFR
        #expect(Enclosure.sigmoid(zero) == RationalInterval(point: Rational(1, 2)))
        #expect(Enclosure.tanh(zero) == RationalInterval(point: 0))
        #expect(Enclosure.sigmoidDerivative(zero) == RationalInterval(point: Rational(1, 4)))
        #expect(Enclosure.tanhDerivative(zero) == RationalInterval(point: 1))
    }

    @Test func symmetry() {
        // σ(−x) = 1 − σ(x), tanh(−x) = −tanh(x): the enclosures need not be
        // mirror images, but each must overlap the mirror of the other.
        for x in moderate + large {
            let s = Enclosure.sigmoid(RationalInterval(point: x))
            let m = RationalInterval(point: 1) - Enclosure.sigmoid(RationalInterval(point: -x))
            #expect(s.intersection(m) != nil)
            let t = Enclosure.tanh(RationalInterval(point: x))
            #expect(t.intersection(-Enclosure.tanh(RationalInterval(point: -x))) != nil)
        }
    }

    @Test func hugeArgumentsAreClampedSoundly() {
        let huge = RationalInterval(point: tenTo400)
        let negativeHuge = RationalInterval(point: -tenTo400)
        // For x ≥ 700: 0 < e^−x < 2^−1000, so 1 − 2^−1000 < σ(x) < 1 and
        // 1 − 2^−999 < tanh(x) < 1 (mirror for −x).
        let nearOne = RationalInterval(1 - twoTo(-999), 1)
        #expect(encloses(Enclosure.sigmoid(huge), nearOne))
        #expect(encloses(Enclosure.tanh(huge), nearOne))
        #expect(encloses(Enclosure.sigmoid(negativeHuge), RationalInterval(0, twoTo(-1000))))
        #expect(encloses(Enclosure.tanh(negativeHuge), -nearOne))
        #expect(Enclosure.sigmoid(huge).width <= twoTo(-80))
        #expect(Enclosure.tanh(negativeHuge).width <= twoTo(-79))
        // e^(−10^400) ∈ (0, 2^−20000): the enclosure is [0, tiny].
        let e = Enclosure.exp(negativeHuge)
        #expect(e.lower == 0 && e.upper >= twoTo(-20000) && e.upper < twoTo(-14000))
        // Wide intervals reaching huge values.
        let all = RationalInterval(-tenTo400, tenTo400)
        #expect(encloses(Enclosure.sigmoid(all), RationalInterval(twoTo(-1000), 1 - twoTo(-1000))))
        #expect(Enclosure.sigmoid(all).lower == 0 && Enclosure.sigmoid(all).upper == 1)
        #expect(Enclosure.tanh(all) == RationalInterval(-1, 1))
        #expect(Enclosure.sigmoidDerivative(all) == RationalInterval(0, Rational(1, 4)))
        #expect(Enclosure.tanhDerivative(all) == RationalInterval(0, 1))
        let d = Enclosure.sigmoidDerivative(huge)
        #expect(d.lower == 0 && d.upper > 0 && d.upper <= twoTo(-80))
        #expect(Enclosure.tanhDerivative(negativeHuge).lower == 0)
        // Just beyond the clamp.
        let beyond = RationalInterval(point: Enclosure.argumentLimit + Rational(1, 3))
        #expect(encloses(Enclosure.sigmoid(beyond), RationalInterval(1 - twoTo(-1000), 1 - twoTo(-1000))))
        #expect(Enclosure.exp(-beyond).lower == 0)
    }

    @Test func expOverflowTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = Enclosure.exp(RationalInterval(point: Rational("1e400")!))
        }
    }

    @Test func intervalEnclosuresContainEveryPoint() async {
        await propertyCheck(count: 60, input: Gen.int64(in: -40_000...40_000), Gen.int64(in: 0...20_000), Gen.int(in: 0...1000)) { a, w, t in
            let lower = Rational(Int(a), 1000), upper = lower + Rational(Int(w), 1000)
            let x = RationalInterval(lower, upper)
            let inside = lower + Rational(t, 1000) * x.width
            let s = Enclosure.sigmoid(x), th = Enclosure.tanh(x), e = Enclosure.exp(x)
            let ds = Enclosure.sigmoidDerivative(x), dt = Enclosure.tanhDerivative(x)
            var probes = [lower, upper, inside]
            if x.contains(0) { probes.append(0) }
            for p in probes {
                #expect(encloses(s, referenceSigmoid(p)))
                #expect(encloses(th, referenceTanh(p)))
                #expect(encloses(e, referenceExp(p)))
                #expect(encloses(ds, referenceSigmoidDerivative(p)))
                #expect(encloses(dt, referenceTanhDerivative(p)))
            }
            // Tight: the ends are near the function values at the ends.
            #expect(referenceSigmoid(lower).lower - s.lower < twoTo(-70))
            #expect(s.upper - referenceSigmoid(upper).upper < twoTo(-70))
            #expect(referenceTanh(lower).lower - th.lower < twoTo(-70))
            #expect(th.upper - referenceTanh(upper).upper < twoTo(-70))
            // Derivatives: maximum at the point of least |x|, minimum at the greatest.
            let near = x.contains(0) ? Rational.zero : min(lower.magnitude, upper.magnitude)
            #expect(ds.upper - referenceSigmoidDerivative(near).upper < twoTo(-70))
            #expect(referenceSigmoidDerivative(x.magnitude).lower - ds.lower < twoTo(-70))
            #expect(dt.upper - referenceTanhDerivative(near).upper < twoTo(-70))
            #expect(referenceTanhDerivative(x.magnitude).lower - dt.lower < twoTo(-70))
        }
    }

    @Test func derivativesAroundZero() {
        // Non-monotone case: [−1, 2] contains the maximum at 0 and the minimum at 2.
        let x = RationalInterval(-1, 2)
        let ds = Enclosure.sigmoidDerivative(x), dt = Enclosure.tanhDerivative(x)
        #expect(ds.upper == Rational(1, 4) && dt.upper == 1)
        #expect(encloses(ds, referenceSigmoidDerivative(2)) && encloses(dt, referenceTanhDerivative(2)))
        #expect(referenceSigmoidDerivative(2).lower - ds.lower < twoTo(-70))
        #expect(ds.contains(referenceSigmoidDerivative(-1).lower))
        // One-sided intervals do not reach the maxima.
        let right = RationalInterval(Rational(1, 10), 3), left = RationalInterval(-3, Rational(-1, 10))
        for y in [right, left] {
            let d = Enclosure.sigmoidDerivative(y), e = Enclosure.tanhDerivative(y)
            #expect(d.upper < Rational(1, 4) && e.upper < 1)
            #expect(encloses(d, referenceSigmoidDerivative(Rational(1, 10))))
            #expect(encloses(d, referenceSigmoidDerivative(3)))
            #expect(encloses(e, referenceTanhDerivative(Rational(-1, 10))))
            #expect(encloses(e, referenceTanhDerivative(-3)))
        }
        // Tiny intervals around zero keep the exact maxima.
        let tiny = RationalInterval(Rational("-1e-30")!, Rational("1e-30")!)
        #expect(Enclosure.sigmoidDerivative(tiny).upper == Rational(1, 4))
        #expect(Enclosure.tanhDerivative(tiny).upper == 1)
        #expect(Enclosure.tanhDerivative(tiny).lower >= 1 - twoTo(-79))
    }

    @Test func floatEvaluationIsNotABound() {
        // The Double 1/(1+exp(−0.5)) need not lie in a tight enclosure; the
        // enclosure must contain the reference instead (NOTES.md).
        let s = Enclosure.sigmoid(RationalInterval(point: Rational(1, 2)), bits: 64)
        #expect(encloses(s, referenceSigmoid(Rational(1, 2))))
        #expect(s.width < twoTo(-62))
    }

    @Test func concurrentCallsAgree() async {
        let x = RationalInterval(Rational(-3, 7), Rational(5, 11))
        let expected = Enclosure.sigmoid(x)
        let results = await withTaskGroup(of: RationalInterval.self) { group in
            for _ in 0..<16 { group.addTask { Enclosure.sigmoid(x) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 == expected })
    }
}
