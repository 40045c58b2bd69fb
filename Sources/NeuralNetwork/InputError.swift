/// A problem with something the user supplied — a model file, a box, a point
/// set — described in one line that names the file, node, line or value at
/// fault. The command line prints it and exits with status 2.
public struct InputError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The one-line description.
    public let message: String

    /// An error with the given one-line message.
    public init(_ message: String) {
        self.message = message.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    public var description: String { message }
}
