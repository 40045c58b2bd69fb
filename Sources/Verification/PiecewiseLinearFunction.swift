import ExactArithmetic

/// A continuous piecewise-linear function ℝ → ℝ with rational breakpoints and
/// rational lines.
///
/// With `n = pieceCount` and breakpoints `b_0 < b_1 < … < b_{n−2}`, piece `i`
/// is the line `slopes[i]·x + intercepts[i]` on `[b_{i−1}, b_i]`, where
/// `b_{−1} = −∞` and `b_{n−1} = +∞`. Consecutive lines agree *exactly* at the
/// breakpoint between them; every initializer (and decoding) checks it, so a
/// value of this type is continuous by construction.
///
/// Equality and hashing compare the exact breakpoints, slopes and intercepts.
public struct PiecewiseLinearFunction: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The breakpoints, strictly increasing; `count == pieceCount − 1`.
    public let breakpoints: [Rational]
    /// Slope of each piece.
    public let slopes: [Rational]
    /// Intercept (value at 0 of the piece's line) of each piece.
    public let intercepts: [Rational]

    /// Nearest doubles of the above, for fast floating-point evaluation only.
    private let floatBreakpoints: [Double]
    private let floatSlopes: [Double]
    private let floatIntercepts: [Double]

    /// A line `slope·x + intercept`.
    public struct Line: Hashable, Sendable, Codable {
        /// The slope.
        public let slope: Rational
        /// The value at 0.
        public let intercept: Rational

        /// The line `slope·x + intercept`.
        public init(slope: Rational, intercept: Rational) {
            self.slope = slope
            self.intercept = intercept
        }

        /// The line's value at `x`, exactly.
        public func callAsFunction(_ x: Rational) -> Rational { slope * x + intercept }
    }

    /// Builds the function from its pieces. Throws unless there is at least
    /// one piece, `slopes` and `intercepts` have `breakpoints.count + 1`
    /// entries, the breakpoints strictly increase, and consecutive lines take
    /// exactly the same value at the breakpoint between them.
    public init(breakpoints: [Rational], slopes: [Rational], intercepts: [Rational]) throws(PiecewiseLinearFunctionError) {
        guard !slopes.isEmpty else { throw PiecewiseLinearFunctionError("a piecewise-linear function needs at least one piece") }
        guard slopes.count == intercepts.count, slopes.count == breakpoints.count + 1 else {
            throw PiecewiseLinearFunctionError(
                "\(breakpoints.count) breakpoints need \(breakpoints.count + 1) slopes and intercepts, got \(slopes.count) and \(intercepts.count)")
        }
        for i in breakpoints.indices.dropFirst() where !(breakpoints[i - 1] < breakpoints[i]) {
            throw PiecewiseLinearFunctionError(
                "breakpoints must strictly increase: breakpoint \(i - 1) is \(breakpoints[i - 1]), breakpoint \(i) is \(breakpoints[i])")
        }
        for (i, b) in breakpoints.enumerated() {
            let left = slopes[i] * b + intercepts[i], right = slopes[i + 1] * b + intercepts[i + 1]
            guard left == right else {
                throw PiecewiseLinearFunctionError(
                    "discontinuous at breakpoint \(i) (x = \(b)): piece \(i) gives \(left), piece \(i + 1) gives \(right)")
            }
        }
        self.breakpoints = breakpoints
        self.slopes = slopes
        self.intercepts = intercepts
        floatBreakpoints = breakpoints.map(\.nearestDouble)
        floatSlopes = slopes.map(\.nearestDouble)
        floatIntercepts = intercepts.map(\.nearestDouble)
    }

    /// The function whose pieces are `lines`, in order from left to right,
    /// with a breakpoint where each line crosses the next one (so the result
    /// is continuous by construction). Throws when two consecutive lines are
    /// parallel or the crossings do not strictly increase — for example when
    /// the lines are not the pieces of a convex or concave envelope in slope
    /// order.
    public init(lines: [Line]) throws(PiecewiseLinearFunctionError) {
        guard !lines.isEmpty else { throw PiecewiseLinearFunctionError("a piecewise-linear function needs at least one piece") }
        var crossings: [Rational] = []
        for i in lines.indices.dropFirst() {
            let a = lines[i - 1], b = lines[i]
            guard a.slope != b.slope else {
                throw PiecewiseLinearFunctionError("lines \(i - 1) and \(i) are parallel (slope \(a.slope)): they have no crossing")
            }
            crossings.append((b.intercept - a.intercept) / (a.slope - b.slope))
        }
        try self.init(breakpoints: crossings, slopes: lines.map(\.slope), intercepts: lines.map(\.intercept))
    }

    /// Number of pieces.
    public var pieceCount: Int { slopes.count }

    /// The pieces' lines, from left to right.
    public var lines: [Line] { zip(slopes, intercepts).map { Line(slope: $0, intercept: $1) } }

    /// The piece `i` with `b_{i−1} ≤ x ≤ b_i`; at a breakpoint, the lower of
    /// the two pieces (both give the same value there).
    public func piece(containing x: Rational) -> Int {
        // The number of breakpoints strictly below x.
        var low = 0, high = breakpoints.count
        while low < high {
            let mid = (low + high) / 2
            if breakpoints[mid] < x { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The number of breakpoints at or below `x`: the highest piece containing `x`.
    private func highestPiece(containing x: Rational) -> Int {
        var low = 0, high = breakpoints.count
        while low < high {
            let mid = (low + high) / 2
            if breakpoints[mid] <= x { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The value at `x`, exactly.
    public func callAsFunction(_ x: Rational) -> Rational {
        let i = piece(containing: x)
        return slopes[i] * x + intercepts[i]
    }

    /// The value at `x` in floating point (display and search only: the
    /// breakpoints and lines are rounded to the nearest doubles).
    public func callAsFunction(_ x: Double) -> Double {
        var low = 0, high = floatBreakpoints.count
        while low < high {
            let mid = (low + high) / 2
            if floatBreakpoints[mid] < x { low = mid + 1 } else { high = mid }
        }
        return floatSlopes[low] * x + floatIntercepts[low]
    }

    /// The slope of the piece holding `x`, in floating point (search only).
    public func slope(at x: Double) -> Double {
        var low = 0, high = floatBreakpoints.count
        while low < high {
            let mid = (low + high) / 2
            if floatBreakpoints[mid] < x { low = mid + 1 } else { high = mid }
        }
        return floatSlopes[low]
    }

    /// The pieces whose closed interval `[b_{i−1}, b_i]` meets `x` — including
    /// a piece that touches `x` only at one end.
    public func pieces(meeting x: RationalInterval) -> ClosedRange<Int> {
        piece(containing: x.lower)...highestPiece(containing: x.upper)
    }

    /// A Lipschitz constant of the function on `x`: the largest `|slope|` of
    /// the pieces that overlap `x` in more than one point (for a point
    /// interval, of the pieces containing it). Exact: no smaller constant
    /// holds on `x` unless `x` is a point.
    public func lipschitz(on x: RationalInterval) -> Rational {
        let range = x.lower < x.upper
            ? highestPiece(containing: x.lower)...piece(containing: x.upper)
            : pieces(meeting: x)
        return range.map { slopes[$0].magnitude }.max()!
    }

    /// The smallest and largest slope of the pieces that overlap `x` in more
    /// than one point (for a point interval, of the pieces containing it):
    /// every difference quotient `(p(u) − p(v)) / (u − v)` with `u ≠ v` in `x`
    /// is a weighted mean of these slopes, so it lies in this interval.
    public func slopeRange(on x: RationalInterval) -> RationalInterval {
        let range = x.lower < x.upper
            ? highestPiece(containing: x.lower)...piece(containing: x.upper)
            : pieces(meeting: x)
        let values = range.map { slopes[$0] }
        return RationalInterval(values.min()!, values.max()!)
    }

    /// The exact range of `p(z) − slope·z` over `x`: it is continuous and
    /// piecewise linear with `p`'s breakpoints, so its extremes lie at the
    /// ends of `x` or at breakpoints inside it.
    public func deviationRange(fromSlope slope: Rational, on x: RationalInterval) -> RationalInterval {
        var low = self(x.lower) - slope * x.lower
        var high = low
        let upperValue = self(x.upper) - slope * x.upper
        low = Swift.min(low, upperValue)
        high = Swift.max(high, upperValue)
        if x.lower < x.upper {
            for i in highestPiece(containing: x.lower)..<piece(containing: x.upper) {
                let v = (slopes[i] - slope) * breakpoints[i] + intercepts[i]
                low = Swift.min(low, v)
                high = Swift.max(high, v)
            }
        }
        return RationalInterval(low, high)
    }

    /// The exact range `{p(z) : z ∈ x}`: the extremes of a continuous
    /// piecewise-linear function on an interval are taken at its ends or at
    /// breakpoints inside it.
    public func image(of x: RationalInterval) -> RationalInterval {
        var low = self(x.lower), high = low
        let upperValue = self(x.upper)
        low = Swift.min(low, upperValue)
        high = Swift.max(high, upperValue)
        if x.lower < x.upper {
            for i in highestPiece(containing: x.lower)..<piece(containing: x.upper) {
                let v = slopes[i] * breakpoints[i] + intercepts[i]
                low = Swift.min(low, v)
                high = Swift.max(high, v)
            }
        }
        return RationalInterval(low, high)
    }

    /// A one-line summary with approximate numbers, for display.
    public var description: String {
        let pieces = (0..<pieceCount).map { i -> String in
            let from = i == 0 ? "-inf" : "\(floatBreakpoints[i - 1])"
            let to = i == pieceCount - 1 ? "inf" : "\(floatBreakpoints[i])"
            return "[\(from), \(to)]: \(floatSlopes[i])x + \(floatIntercepts[i])"
        }
        return "PiecewiseLinearFunction(\(pieces.joined(separator: "; ")))"
    }

    // MARK: Hashable and Codable on the exact values only

    public static func == (a: PiecewiseLinearFunction, b: PiecewiseLinearFunction) -> Bool {
        a.breakpoints == b.breakpoints && a.slopes == b.slopes && a.intercepts == b.intercepts
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(breakpoints)
        hasher.combine(slopes)
        hasher.combine(intercepts)
    }

    private enum CodingKeys: String, CodingKey { case breakpoints, slopes, intercepts }

    /// Decodes and re-checks order and exact continuity: a file cannot smuggle
    /// in a discontinuous function.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let breakpoints = try container.decode([Rational].self, forKey: .breakpoints)
        let slopes = try container.decode([Rational].self, forKey: .slopes)
        let intercepts = try container.decode([Rational].self, forKey: .intercepts)
        do {
            try self.init(breakpoints: breakpoints, slopes: slopes, intercepts: intercepts)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(breakpoints, forKey: .breakpoints)
        try container.encode(slopes, forKey: .slopes)
        try container.encode(intercepts, forKey: .intercepts)
    }
}

/// Why a piecewise-linear function could not be built.
public struct PiecewiseLinearFunctionError: Error, Equatable, CustomStringConvertible {
    /// What is wrong, in one line.
    public let description: String

    init(_ description: String) { self.description = description }
}
