import ExactArithmetic
import Foundation

/// Reads a JSON document into a `Decodable` value straight from its bytes:
/// no tree of the document is built, and `Rational`s (strings `"p/q"`) and
/// integers are read from the bytes without intermediate strings.
///
/// Why not `JSONDecoder`: for a certificate of tens of megabytes it builds a
/// map of every value first and then a `String` per rational; that was most
/// of `check`'s reading time. Here an object's members are located by one
/// scan of the object (each value skipped by matching brackets), and each
/// value is read where it lies when its type asks for it.
///
/// The reader is meant for documents `StrictJSON.validate` accepted; on
/// other bytes it throws or reads some value, never reads outside the bytes.
/// It does not decide canonical form: `CanonicalJSON.decodeCanonical`
/// re-encodes what it read and compares bytes, so whatever this reader
/// makes of a document, only a document that is the canonical encoding of
/// the value read is accepted (proofs/certificate.md §1).
package enum CanonicalJSONReader {
    /// Why the value starting at byte `offset` could not be read.
    package struct Malformed: Error, CustomStringConvertible {
        package let offset: Int
        package let reason: String
        package var description: String { "at byte \(offset): \(reason)" }
    }

    /// The value of type `Value` that `data` holds.
    package static func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws(Malformed) -> Value {
        let result: Result<Value, Malformed> = data.withUnsafeBytes { raw in
            let text = Text(bytes: raw.bindMemory(to: UInt8.self))
            return Result { () throws(Malformed) -> Value in try text.decode(Value.self, at: text.skipSpace(0)) }
        }
        return try result.get()
    }

    /// The document's bytes and the routines that read one value at an offset.
    struct Text {
        let bytes: UnsafeBufferPointer<UInt8>

        func fail(_ offset: Int, _ reason: String) -> Malformed { Malformed(offset: offset, reason: reason) }

        /// The first offset at or after `i` that is not JSON whitespace.
        func skipSpace(_ i: Int) -> Int {
            var i = i
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
            return i
        }

        /// The byte at `i`, or a failure naming what was expected there.
        func byte(_ i: Int, expecting what: String) throws(Malformed) -> UInt8 {
            guard i < bytes.count else { throw fail(i, "the document ends where \(what) was expected") }
            return bytes[i]
        }

        /// The offset just past the value starting at `i`.
        func end(ofValueAt i: Int) throws(Malformed) -> Int {
            switch try byte(i, expecting: "a value") {
            case UInt8(ascii: "\""):
                return try end(ofStringAt: i)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                // Brackets balance outside strings; which kind closes is the validator's business.
                var depth = 0, j = i
                while j < bytes.count {
                    switch bytes[j] {
                    case UInt8(ascii: "\""): j = try end(ofStringAt: j) - 1
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 { return j + 1 }
                    default: break
                    }
                    j += 1
                }
                throw fail(i, "a container is not closed")
            default:
                // A number, true, false or null: up to the next delimiter.
                var j = i
                while j < bytes.count, !Text.delimiters.contains(bytes[j]) { j += 1 }
                guard j > i else { throw fail(i, "a value was expected") }
                return j
            }
        }

        private static let delimiters: Set<UInt8> = Set(",]}: \n\r\t".utf8)
        /// The one-letter escapes and the bytes they stand for (`\"` `\\` `\/` `\b` `\f` `\n` `\r` `\t`).
        private static let simpleEscapes: [UInt8: UInt8] = [0x22: 0x22, 0x5C: 0x5C, 0x2F: 0x2F, 0x62: 0x08, 0x66: 0x0C, 0x6E: 0x0A, 0x72: 0x0D, 0x74: 0x09]

        /// The offset just past the string whose opening quote is at `i`.
        func end(ofStringAt i: Int) throws(Malformed) -> Int {
            var j = i + 1
            while j < bytes.count {
                switch bytes[j] {
                case UInt8(ascii: "\""): return j + 1
                case UInt8(ascii: "\\"): j += 2
                default: j += 1
                }
            }
            throw fail(i, "a string is not closed")
        }

        /// The string whose opening quote is at `i`, unescaped, and the offset past it.
        func string(at i: Int) throws(Malformed) -> (String, Int) {
            guard try byte(i, expecting: "a string") == UInt8(ascii: "\"") else { throw fail(i, "expected a string") }
            let end = try end(ofStringAt: i)
            let body = UnsafeBufferPointer(rebasing: bytes[(i + 1)..<(end - 1)])
            guard body.contains(UInt8(ascii: "\\")) else { return (String(decoding: body, as: UTF8.self), end) }
            return (try unescaped(body, at: i + 1), end)
        }

        /// JSON's escapes resolved (`\uXXXX` with surrogate pairs).
        private func unescaped(_ body: UnsafeBufferPointer<UInt8>, at offset: Int) throws(Malformed) -> String {
            var out: [UInt8] = [], i = 0
            func hex4(_ k: Int) throws(Malformed) -> UInt32 {
                guard k + 4 <= body.count else { throw fail(offset + k, "a \\u escape needs four hexadecimal digits") }
                var v: UInt32 = 0
                for c in body[k..<(k + 4)] {
                    guard let d = Character(UnicodeScalar(c)).hexDigitValue else {
                        throw fail(offset + k, "a \\u escape needs four hexadecimal digits")
                    }
                    v = v * 16 + UInt32(d)
                }
                return v
            }
            while i < body.count {
                guard body[i] == UInt8(ascii: "\\") else { out.append(body[i]); i += 1; continue }
                guard i + 1 < body.count else { throw fail(offset + i, "a string ends in a backslash") }
                if let c = Text.simpleEscapes[body[i + 1]] {
                    out.append(c)
                    i += 2
                    continue
                }
                guard body[i + 1] == UInt8(ascii: "u") else { throw fail(offset + i, "unknown escape") }
                var scalar = try hex4(i + 2)
                i += 6
                if (0xD800..<0xDC00).contains(scalar), i + 1 < body.count, body[i] == UInt8(ascii: "\\"), body[i + 1] == UInt8(ascii: "u") {
                    let low = try hex4(i + 2)
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                }
                guard let u = Unicode.Scalar(scalar) else { throw fail(offset + i, "a \\u escape names no character") }
                out.append(contentsOf: String(Character(u)).utf8)
            }
            return String(decoding: out, as: UTF8.self)
        }

        /// The literal or number starting at `i` (not a string or container), and the offset past it.
        func atom(at i: Int) throws(Malformed) -> (UnsafeBufferPointer<UInt8>, Int) {
            let first = try byte(i, expecting: "a value")
            guard first != UInt8(ascii: "\""), first != UInt8(ascii: "{"), first != UInt8(ascii: "[") else {
                throw fail(i, "expected a number or a literal")
            }
            let end = try end(ofValueAt: i)
            return (UnsafeBufferPointer(rebasing: bytes[i..<end]), end)
        }

        /// The integer starting at `i`: JSON digits with an optional minus, in range.
        func integer<T: FixedWidthInteger>(_ type: T.Type, at i: Int) throws(Malformed) -> (T, Int) {
            let (atom, end) = try atom(at: i)
            var k = 0
            let negative = atom.first == UInt8(ascii: "-")
            if negative { k = 1 }
            guard k < atom.count else { throw fail(i, "expected an integer") }
            var value: T = 0
            while k < atom.count {
                let d = atom[k] &- 48
                guard d < 10 else { throw fail(i, "expected an integer, found '\(String(decoding: atom.prefix(24), as: UTF8.self))'") }
                let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
                let (next, o2) = negative ? shifted.subtractingReportingOverflow(T(d)) : shifted.addingReportingOverflow(T(d))
                guard !o1, !o2 else { throw fail(i, "\(String(decoding: atom.prefix(24), as: UTF8.self)) does not fit \(T.self)") }
                value = next
                k += 1
            }
            return (value, end)
        }

        /// The rational spelled by the string at `i` (`"p/q"`, `"p"` or a decimal).
        func rational(at i: Int) throws(Malformed) -> (Rational, Int) {
            guard try byte(i, expecting: "a number") == UInt8(ascii: "\"") else { throw fail(i, "expected an exact number as a string") }
            let end = try end(ofStringAt: i)
            let body = UnsafeBufferPointer(rebasing: bytes[(i + 1)..<(end - 1)])
            // An escaped spelling (`"1\/2"`) is read as the string it stands for.
            guard body.contains(UInt8(ascii: "\\")) else {
                do { return (try Rational(utf8: body), end) } catch { throw fail(i, error.description) }
            }
            let text = try string(at: i).0
            do { return (try Rational(parsing: text), end) } catch { throw fail(i, error.description) }
        }

        /// Whether the value at `i` is `null`.
        func isNull(at i: Int) -> Bool {
            i + 4 <= bytes.count && bytes[i] == UInt8(ascii: "n") && bytes[i + 1] == UInt8(ascii: "u")
                && bytes[i + 2] == UInt8(ascii: "l") && bytes[i + 3] == UInt8(ascii: "l")
        }

        /// The members of the object at `i`: each key and the offset of its value.
        func members(ofObjectAt i: Int) throws(Malformed) -> [(key: String, value: Int)] {
            guard try byte(i, expecting: "an object") == UInt8(ascii: "{") else { throw fail(i, "expected an object") }
            var members: [(key: String, value: Int)] = []
            var j = skipSpace(i + 1)
            if try byte(j, expecting: "a key or '}'") == UInt8(ascii: "}") { return members }
            while true {
                let (key, afterKey) = try string(at: j)
                j = skipSpace(afterKey)
                guard try byte(j, expecting: "':'") == UInt8(ascii: ":") else { throw fail(j, "expected ':'") }
                let value = skipSpace(j + 1)
                members.append((key, value))
                j = skipSpace(try end(ofValueAt: value))
                switch try byte(j, expecting: "',' or '}'") {
                case UInt8(ascii: ","): j = skipSpace(j + 1)
                case UInt8(ascii: "}"): return members
                default: throw fail(j, "expected ',' or '}'")
                }
            }
        }

        /// A value of type `T` read at `i`: rationals, strings, integers and
        /// booleans directly, anything else through its `init(from:)`.
        func decode<T: Decodable>(_ type: T.Type, at i: Int) throws(Malformed) -> T {
            if T.self == Rational.self { return try rational(at: i).0 as! T }
            if T.self == Int.self { return try integer(Int.self, at: i).0 as! T }
            if T.self == String.self { return try string(at: i).0 as! T }
            do {
                return try T(from: ValueReader(text: self, position: i))
            } catch let error as Malformed {
                throw error
            } catch let DecodingError.dataCorrupted(context) {
                throw fail(i, context.debugDescription)
            } catch {
                throw fail(i, "\(error)")
            }
        }
    }

    /// The `Decoder` for one value of the document.
    struct ValueReader: Decoder {
        let text: Text
        let position: Int
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            KeyedDecodingContainer(KeyedReader<Key>(text: text, object: position, members: try text.members(ofObjectAt: position)))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            try UnkeyedReader(text: text, start: position)
        }

        func singleValueContainer() throws -> any SingleValueDecodingContainer {
            SingleValueReader(text: text, position: position)
        }
    }

    struct KeyedReader<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let text: Text
        /// The offset of the object's `{`.
        let object: Int
        let members: [(key: String, value: Int)]
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { members.compactMap { Key(stringValue: $0.key) } }

        func contains(_ key: Key) -> Bool { members.contains { $0.key == key.stringValue } }

        private func value(_ key: Key) throws(Malformed) -> Int {
            guard let member = members.first(where: { $0.key == key.stringValue }) else {
                throw text.fail(object, "\(key.stringValue) is missing")
            }
            return member.value
        }

        func decodeNil(forKey key: Key) throws -> Bool { text.isNull(at: try value(key)) }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try SingleValueReader(text: text, position: try value(key)).decode(type) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try text.string(at: try value(key)).0 }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try SingleValueReader(text: text, position: try value(key)).decode(type) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try SingleValueReader(text: text, position: try value(key)).decode(type) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try text.integer(type, at: try value(key)).0 }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try text.integer(type, at: try value(key)).0 }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try text.integer(type, at: try value(key)).0 }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try text.integer(type, at: try value(key)).0 }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try text.integer(type, at: try value(key)).0 }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try text.integer(type, at: try value(key)).0 }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try text.integer(type, at: try value(key)).0 }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try text.integer(type, at: try value(key)).0 }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try text.integer(type, at: try value(key)).0 }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try text.integer(type, at: try value(key)).0 }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try text.decode(type, at: try value(key)) }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try ValueReader(text: text, position: try value(key)).container(keyedBy: type)
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try UnkeyedReader(text: text, start: try value(key))
        }
        func superDecoder() throws -> any Decoder { throw text.fail(object, "super decoders are not supported") }
        func superDecoder(forKey key: Key) throws -> any Decoder { throw text.fail(object, "super decoders are not supported") }
    }

    struct UnkeyedReader: UnkeyedDecodingContainer {
        let text: Text
        /// The offset of the next element, or of the closing `]`.
        private var position: Int
        var codingPath: [any CodingKey] { [] }
        var count: Int? { nil }
        private(set) var currentIndex = 0
        var isAtEnd: Bool { position >= text.bytes.count || text.bytes[position] == UInt8(ascii: "]") }

        init(text: Text, start: Int) throws(Malformed) {
            guard try text.byte(start, expecting: "an array") == UInt8(ascii: "[") else { throw text.fail(start, "expected an array") }
            self.text = text
            position = text.skipSpace(start + 1)
        }

        /// Moves past the element that ended at `end` and its comma.
        private mutating func advance(past end: Int) throws(Malformed) {
            let j = text.skipSpace(end)
            switch try text.byte(j, expecting: "',' or ']'") {
            case UInt8(ascii: ","): position = text.skipSpace(j + 1)
            case UInt8(ascii: "]"): position = j
            default: throw text.fail(j, "expected ',' or ']'")
            }
            currentIndex += 1
        }

        private func element() throws(Malformed) -> Int {
            guard !isAtEnd else { throw text.fail(position, "the array has no more elements") }
            return position
        }

        mutating func decodeNil() throws -> Bool {
            let i = try element()
            guard text.isNull(at: i) else { return false }
            try advance(past: i + 4)
            return true
        }

        mutating func decode(_ type: String.Type) throws -> String {
            let (value, end) = try text.string(at: try element())
            try advance(past: end)
            return value
        }

        mutating func decode(_ type: Int.Type) throws -> Int {
            let (value, end) = try text.integer(type, at: try element())
            try advance(past: end)
            return value
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            let i = try element()
            if T.self == Rational.self {
                let (value, end) = try text.rational(at: i)
                try advance(past: end)
                return value as! T
            }
            let value = try text.decode(type, at: i)
            try advance(past: try text.end(ofValueAt: i))
            return value
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            let i = try element()
            let container = try ValueReader(text: text, position: i).container(keyedBy: type)
            try advance(past: try text.end(ofValueAt: i))
            return container
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            let i = try element()
            let container = try UnkeyedReader(text: text, start: i)
            try advance(past: try text.end(ofValueAt: i))
            return container
        }

        mutating func superDecoder() throws -> any Decoder { throw text.fail(position, "super decoders are not supported") }
    }

    struct SingleValueReader: SingleValueDecodingContainer {
        let text: Text
        let position: Int
        var codingPath: [any CodingKey] { [] }

        func decodeNil() -> Bool { text.isNull(at: position) }

        func decode(_ type: Bool.Type) throws -> Bool {
            let (atom, _) = try text.atom(at: position)
            switch String(decoding: atom, as: UTF8.self) {
            case "true": return true
            case "false": return false
            default: throw text.fail(position, "expected true or false")
            }
        }

        func decode(_ type: String.Type) throws -> String { try text.string(at: position).0 }

        func decode(_ type: Double.Type) throws -> Double {
            let (atom, _) = try text.atom(at: position)
            guard let value = Double(String(decoding: atom, as: UTF8.self)), value.isFinite else {
                throw text.fail(position, "expected a finite number")
            }
            return value
        }

        func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }
        func decode(_ type: Int.Type) throws -> Int { try text.integer(type, at: position).0 }
        func decode(_ type: Int8.Type) throws -> Int8 { try text.integer(type, at: position).0 }
        func decode(_ type: Int16.Type) throws -> Int16 { try text.integer(type, at: position).0 }
        func decode(_ type: Int32.Type) throws -> Int32 { try text.integer(type, at: position).0 }
        func decode(_ type: Int64.Type) throws -> Int64 { try text.integer(type, at: position).0 }
        func decode(_ type: UInt.Type) throws -> UInt { try text.integer(type, at: position).0 }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try text.integer(type, at: position).0 }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try text.integer(type, at: position).0 }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try text.integer(type, at: position).0 }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try text.integer(type, at: position).0 }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try text.decode(type, at: position) }
    }
}
