import ExactArithmetic
import Foundation
import Linearization
import Verification
import FixtureSupport
import Testing


/// A random continuous piecewise-linear function: random breakpoints (some
/// non-dyadic) and random values at them, constant or sloped tails.
func randomPiecewiseLinear(pieces n: Int, using rng: inout some RandomNumberGenerator) throws -> PiecewiseLinearFunction {
    var breakpoints: [Rational] = []
    var x = Rational(Int.random(in: -40...(-10), using: &rng), Int.random(in: 1...7, using: &rng))
    for _ in 0..<(n - 1) {
        breakpoints.append(x)
        x += Rational(Int.random(in: 1...300, using: &rng), Int.random(in: 1...96, using: &rng))
    }
    let values = breakpoints.map { _ in Rational(Int.random(in: -1000...1000, using: &rng), Int.random(in: 1...50, using: &rng)) }
    var slopes: [Rational] = [Rational(Int.random(in: -3...3, using: &rng), 4)]
    var intercepts: [Rational] = [values.isEmpty ? 1 : values[0] - slopes[0] * breakpoints[0]]
    for i in 0..<max(0, n - 2) {
        let s = (values[i + 1] - values[i]) / (breakpoints[i + 1] - breakpoints[i])
        slopes.append(s)
        intercepts.append(values[i] - s * breakpoints[i])
    }
    if n > 1 {
        let s = Rational(Int.random(in: -3...3, using: &rng), 5)
        slopes.append(s)
        intercepts.append(values[n - 2] - s * breakpoints[n - 2])
    }
    return try PiecewiseLinearFunction(breakpoints: breakpoints, slopes: slopes, intercepts: intercepts)
}

/// A random rational interval around the breakpoints of `p`.
func randomInterval(around p: PiecewiseLinearFunction, using rng: inout some RandomNumberGenerator) -> RationalInterval {
    let first = p.breakpoints.first ?? 0, last = p.breakpoints.last ?? 0
    let span = last - first + 10
    func point() -> Rational {
        // Sometimes exactly a breakpoint.
        if !p.breakpoints.isEmpty && Int.random(in: 0..<5, using: &rng) == 0 { return p.breakpoints.randomElement(using: &rng)! }
        return first - 5 + span * Rational(Int.random(in: 0...10_000, using: &rng), 10_000)
    }
    let a = point(), b = Int.random(in: 0..<10, using: &rng) == 0 ? a : point()
    return RationalInterval(min(a, b), max(a, b))
}

/// `n + 1` equally spaced points of `x` together with the breakpoints inside it, sorted.
func grid(_ x: RationalInterval, _ n: Int, adding extra: [Rational] = []) -> [Rational] {
    var points = (0...n).map { x.lower + x.width * Rational($0, n) }
    points += extra.filter { x.contains($0) }
    return Array(Set(points)).sorted()
}

@Suite struct PiecewiseLinearFunctionTests {
    @Test func continuityIsCheckedExactly() throws {
        let tiny = Rational.one.timesPowerOfTwo(-200)
        // Continuous: ReLU.
        let relu = try PiecewiseLinearFunction(breakpoints: [0], slopes: [0, 1], intercepts: [0, 0])
        #expect(relu(Rational(-3)) == 0 && relu(Rational(5, 2)) == Rational(5, 2))
        // Off by 2^-200 at the breakpoint: rejected.
        #expect(throws: PiecewiseLinearFunctionError.self) {
            try PiecewiseLinearFunction(breakpoints: [0], slopes: [0, 1], intercepts: [0, tiny])
        }
        #expect(throws: PiecewiseLinearFunctionError.self) {
            try PiecewiseLinearFunction(breakpoints: [Rational(1, 3)], slopes: [0, 3], intercepts: [0, -1 + tiny])
        }
        // The exact crossing of 0 and 3x − 1 is 1/3: accepted.
        _ = try PiecewiseLinearFunction(breakpoints: [Rational(1, 3)], slopes: [0, 3], intercepts: [0, -1])
        // Order, counts and emptiness.
        #expect(throws: PiecewiseLinearFunctionError.self) {
            try PiecewiseLinearFunction(breakpoints: [1, 1], slopes: [0, 0, 0], intercepts: [0, 0, 0])
        }
        #expect(throws: PiecewiseLinearFunctionError.self) {
            try PiecewiseLinearFunction(breakpoints: [2, 1], slopes: [0, 0, 0], intercepts: [0, 0, 0])
        }
        #expect(throws: PiecewiseLinearFunctionError.self) {
            try PiecewiseLinearFunction(breakpoints: [0], slopes: [0, 1], intercepts: [0])
        }
        #expect(throws: PiecewiseLinearFunctionError.self) {
            try PiecewiseLinearFunction(breakpoints: [], slopes: [], intercepts: [])
        }
        let error = #expect(throws: PiecewiseLinearFunctionError.self) {
            try PiecewiseLinearFunction(breakpoints: [0], slopes: [0, 1], intercepts: [0, 1])
        }
        #expect(error?.description.contains("discontinuous at breakpoint 0") == true)
    }

    @Test func linesBuildTheirCrossings() throws {
        typealias Line = PiecewiseLinearFunction.Line
        let hardSigmoid = try PiecewiseLinearFunction(lines: [
            Line(slope: 0, intercept: 0), Line(slope: Rational(1, 4), intercept: Rational(1, 2)), Line(slope: 0, intercept: 1),
        ])
        #expect(hardSigmoid.breakpoints == [-2, 2])
        #expect(hardSigmoid.lines.map(\.slope) == [0, Rational(1, 4), 0])
        let third = try PiecewiseLinearFunction(lines: [Line(slope: 1, intercept: 0), Line(slope: 4, intercept: -1)])
        #expect(third.breakpoints == [Rational(1, 3)])
        #expect(throws: PiecewiseLinearFunctionError.self) {
            try PiecewiseLinearFunction(lines: [Line(slope: 1, intercept: 0), Line(slope: 1, intercept: 2)])
        }
        // Crossings out of order (a concave chain read as convex).
        #expect(throws: PiecewiseLinearFunctionError.self) {
            try PiecewiseLinearFunction(lines: [Line(slope: 0, intercept: 0), Line(slope: 1, intercept: 0), Line(slope: 2, intercept: 5)])
        }
        #expect(try PiecewiseLinearFunction(lines: [Line(slope: 2, intercept: 3)]).pieceCount == 1)
    }

    @Test func evaluationAndPieceLookupAtBreakpoints() throws {
        var rng = SeededGenerator(state: 21)
        for trial in 0..<40 {
            let p = try randomPiecewiseLinear(pieces: 1 + trial % 9, using: &rng)
            for (i, b) in p.breakpoints.enumerated() {
                // Both neighbouring lines give the value there, and the lower piece is chosen.
                #expect(p.slopes[i] * b + p.intercepts[i] == p(b))
                #expect(p.slopes[i + 1] * b + p.intercepts[i + 1] == p(b))
                #expect(p.piece(containing: b) == i)
                let tiny = Rational.one.timesPowerOfTwo(-300)
                #expect(p.piece(containing: b + tiny) == i + 1)
                #expect(p.piece(containing: b - tiny) == i)
            }
            for _ in 0..<30 {
                let x = Rational(Int.random(in: -100_000...100_000, using: &rng), Int.random(in: 1...1000, using: &rng))
                let i = p.piece(containing: x)
                // b_{i−1} ≤ x ≤ b_i, and x > b_{i−1} (lowest piece).
                if i > 0 { #expect(p.breakpoints[i - 1] < x) }
                if i < p.breakpoints.count { #expect(x <= p.breakpoints[i]) }
                #expect(p(x) == p.slopes[i] * x + p.intercepts[i])
                let d = x.nearestDouble
                #expect(abs(p(d) - p(x).nearestDouble) <= 1e-9 * max(1, abs(p(x).nearestDouble)))
            }
        }
    }

    @Test func piecesImageAndLipschitzMatchBruteForce() throws {
        var rng = SeededGenerator(state: 5)
        for trial in 0..<60 {
            let p = try randomPiecewiseLinear(pieces: 1 + trial % 12, using: &rng)
            for _ in 0..<8 {
                let x = randomInterval(around: p, using: &rng)
                // pieces(meeting:): every piece whose closed interval meets x.
                let meeting = (0..<p.pieceCount).filter { i in
                    (i == 0 || p.breakpoints[i - 1] <= x.upper) && (i == p.pieceCount - 1 || x.lower <= p.breakpoints[i])
                }
                #expect(Array(p.pieces(meeting: x)) == meeting)
                // A dense grid holding the breakpoints inside x: every grid cell lies in one piece.
                let points = grid(x, 400, adding: p.breakpoints)
                let values = points.map { p($0) }
                #expect(p.image(of: x) == RationalInterval(values.min()!, values.max()!))
                let lipschitz = p.lipschitz(on: x)
                if points.count > 1 {
                    let steepest = zip(zip(points, values), zip(points, values).dropFirst())
                        .map { a, b in ((b.1 - a.1) / (b.0 - a.0)).magnitude }.max()!
                    #expect(lipschitz == steepest)
                } else {
                    #expect(meeting.map { p.slopes[$0].magnitude }.contains(lipschitz))
                }
            }
        }
    }

    @Test func codableRoundTripRechecksContinuity() throws {
        var rng = SeededGenerator(state: 9)
        let p = try randomPiecewiseLinear(pieces: 6, using: &rng)
        let data = try JSONEncoder().encode(p)
        #expect(try JSONDecoder().decode(PiecewiseLinearFunction.self, from: data) == p)
        let bad = Data(#"{"breakpoints": ["0"], "slopes": ["0", "1"], "intercepts": ["0", "1/3"]}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(PiecewiseLinearFunction.self, from: bad) }
        let unsorted = Data(#"{"breakpoints": ["1", "0"], "slopes": ["0", "0", "0"], "intercepts": ["0", "0", "0"]}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(PiecewiseLinearFunction.self, from: unsorted) }
        #expect(Set([p, try JSONDecoder().decode(PiecewiseLinearFunction.self, from: data)]).count == 1)
    }
}
