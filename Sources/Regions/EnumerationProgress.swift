import NeuralNetwork

/// How far a complete enumeration has come, for a person watching a long run.
///
/// The share of the split tree's top-level subtrees finished is the honest
/// measure of what is left: the enumeration walks the top of the tree first,
/// then the subtrees below it in parallel, and their sizes are unknown until
/// walked, so no time estimate is made up from it.
public struct EnumerationProgress: Sendable, Equatable {
    /// Regions found so far.
    public let regions: Int
    /// Seconds since the enumeration started.
    public let seconds: Double
    /// Top-level subtrees walked completely, and how many there are (0 while
    /// the top of the tree is still being walked).
    public let subtreesFinished: Int
    public let subtrees: Int

    public init(regions: Int, seconds: Double, subtreesFinished: Int, subtrees: Int) {
        self.regions = regions
        self.seconds = seconds
        self.subtreesFinished = subtreesFinished
        self.subtrees = subtrees
    }

    /// Regions per second so far (0 before the first tenth of a second).
    public var regionsPerSecond: Double { seconds >= 0.1 ? Double(regions) / seconds : 0 }

    /// How every progress line starts (a CLI redraws such lines in place).
    public static let linePrefix = "enumerating: "

    /// One line, e.g. `enumerating: 12,345 regions · 210/s · 58 s · 17 of 64 subtrees done (26 %)`.
    public var description: String {
        var line = Self.linePrefix + "\(InputLimits.grouped(regions)) regions · \(InputLimits.grouped(Int(regionsPerSecond.rounded())))/s · \(InputLimits.grouped(Int(seconds.rounded()))) s"
        if subtrees > 0 {
            line += " · \(subtreesFinished) of \(subtrees) subtrees done (\(100 * subtreesFinished / subtrees) %)"
        } else {
            line += " · walking the top of the split tree"
        }
        return line
    }
}
