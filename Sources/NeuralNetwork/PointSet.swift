import ExactArithmetic

/// Input points read exactly from CSV text: one point per line,
/// comma-separated numbers; a first line holding no number is a header.
public struct PointSet: Sendable {
    /// The points, in file order.
    public let points: [[Rational]]

    /// Parses CSV text; every point must have `dimension` coordinates.
    public init(csv text: String, dimension: Int, source: String = "input") throws(InputError) {
        var points: [[Rational]] = []
        var lineNumber = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            let line = rawLine.trimmingSpaces
            if line.isEmpty { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces }
            var values: [Rational] = []
            values.reserveCapacity(fields.count)
            var failure: RationalParseError?
            for field in fields {
                do { values.append(try Rational(parsing: field)) } catch { failure = error; break }
            }
            if let failure {
                // A first line with no number in it is a header; one with some is bad data.
                if lineNumber == 1 && !fields.contains(where: { (try? Rational(parsing: $0)) != nil }) { continue }
                throw InputError("\(source), line \(lineNumber): \(failure)")
            }
            guard values.count == dimension else {
                throw InputError("\(source), line \(lineNumber) has \(values.count) values but the model takes \(dimension) inputs")
            }
            points.append(values)
        }
        guard !points.isEmpty else { throw InputError("\(source) holds no points") }
        self.points = points
    }

    /// Reads a CSV file.
    public init(contentsOf path: String, dimension: Int) throws(InputError) {
        let text = try readTextFile(path, what: "point file", limit: InputLimits.maximumPointFileBytes)
        try self.init(csv: text, dimension: dimension, source: path)
    }
}
