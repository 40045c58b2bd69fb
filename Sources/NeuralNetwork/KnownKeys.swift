/// A coding key for any string: lists the keys an object really has.
struct AnyCodingKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension Decoder {
    /// Throws `DecodingError.dataCorrupted` at the first key (in sorted
    /// order) of the object being decoded that `Keys` does not define, its
    /// coding path naming the key's place. Every JSON object type of this
    /// module calls it first in `init(from:)`, so an unknown key — a typo, or
    /// a field another reader would honour — is an error, never ignored.
    func rejectUnknownKeys<Keys: CodingKey>(_ keys: Keys.Type) throws {
        let container = try self.container(keyedBy: AnyCodingKey.self)
        let unknown = container.allKeys.filter { Keys(stringValue: $0.stringValue) == nil }
        if let key = unknown.min(by: { $0.stringValue < $1.stringValue }) {
            throw DecodingError.dataCorrupted(.init(
                codingPath: codingPath + [key], debugDescription: "unknown key \"\(key.stringValue)\""))
        }
    }
}
