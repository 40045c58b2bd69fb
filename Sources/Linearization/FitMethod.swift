/// How a smooth activation is replaced by a piecewise-linear function.
public enum FitMethod: String, Sendable, Codable, CaseIterable, Hashable {
    /// The paper's Algorithm 1: the asymptotes plus tangent lines, each added
    /// where the current error is largest.
    case algorithm1
    /// Equal error: lines placed so the error reaches `+ε` and `−ε` on every
    /// piece, for the least `ε` the piece count allows (about 3–5 times
    /// smaller than Algorithm 1's at the same count).
    case equalError

    /// The method used when none is named: ``equalError``.
    public static let defaultMethod: FitMethod = .equalError
}
