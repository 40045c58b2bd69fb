import ExactArithmetic

/// An axis-aligned box `[lower_i, upper_i]` of exact rational bounds with
/// `lower_i ≤ upper_i` for every coordinate.
public struct InputBox: Hashable, Sendable, Codable {
    /// Lower bounds, one per input.
    public let lower: [Rational]
    /// Upper bounds, one per input.
    public let upper: [Rational]

    /// A box; throws when the bounds differ in number, are empty, or some
    /// interval is inverted.
    public init(lower: [Rational], upper: [Rational]) throws(InputError) {
        guard !lower.isEmpty else { throw InputError("the box has no intervals") }
        guard lower.count == upper.count else {
            throw InputError("the box has \(lower.count) lower and \(upper.count) upper bounds")
        }
        for i in lower.indices where lower[i] > upper[i] {
            throw InputError("interval \(i + 1) of the box is empty: \(lower[i]) > \(upper[i])")
        }
        self.lower = lower
        self.upper = upper
    }

    /// Number of coordinates.
    public var dimension: Int { lower.count }

    /// Reads `LO:HI` (every input the same interval, `dimension` of them) or
    /// `LO1:HI1,LO2:HI2,…`. Bounds are decimals or fractions, read exactly.
    public init(parsing text: String, dimension: Int) throws(InputError) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        var lower: [Rational] = [], upper: [Rational] = []
        for (k, part) in parts.enumerated() {
            let bounds = part.split(separator: ":", omittingEmptySubsequences: false)
            let which = parts.count == 1 ? "" : " \(k + 1)"
            guard bounds.count == 2 else {
                throw InputError("box interval\(which) '\(part)' is not LO:HI")
            }
            do {
                lower.append(try Rational(parsing: bounds[0].trimmingSpaces))
                upper.append(try Rational(parsing: bounds[1].trimmingSpaces))
            } catch {
                throw InputError("box interval\(which): \(error)")
            }
        }
        if parts.count == 1 {
            lower = Array(repeating: lower[0], count: dimension)
            upper = Array(repeating: upper[0], count: dimension)
        } else if parts.count != dimension {
            throw InputError("the box has \(parts.count) intervals but the model has \(dimension) inputs")
        }
        try self.init(lower: lower, upper: upper)
    }

    /// True when `x` lies in the box (exactly).
    public func contains(_ x: [Rational]) -> Bool {
        x.count == dimension && x.indices.allSatisfy { lower[$0] <= x[$0] && x[$0] <= upper[$0] }
    }

    /// `LO:HI,…` text that `init(parsing:dimension:)` reads back to the same box.
    public var text: String {
        zip(lower, upper).map { "\($0):\($1)" }.joined(separator: ",")
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    var trimmingSpaces: SubSequence {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return self[endIndex...] }
        let end = lastIndex(where: { !isSpace($0) })!
        return self[start...end]
    }
}

extension InputBox {
    /// Decodes `{"lower": [...], "upper": [...]}`, rejecting unknown keys and
    /// checking the bounds as `init(lower:upper:)` does.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let lower = try container.decode([Rational].self, forKey: .lower)
        let upper = try container.decode([Rational].self, forKey: .upper)
        do {
            try self.init(lower: lower, upper: upper)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }
}
