import Foundation
import ExactArithmetic

/// Round-trips through Foundation's JSON coders.
enum JSONLikeCoding {
    static func encode(_ values: [Rational]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: try encoder.encode(values), as: UTF8.self)
    }
    static func decode(_ text: String) throws -> [Rational] {
        try JSONDecoder().decode([Rational].self, from: Data(text.utf8))
    }
}
