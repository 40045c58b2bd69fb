import ExactArithmetic

/// The canonical JSON text of an `Encodable` value, written straight into
/// bytes: object keys sorted by their UTF-8 bytes, no whitespace, strings
/// escaped only where JSON requires it (`"`, `\`, and control characters:
/// `\b \f \n \r \t`, else `\u00xx`), `/` and non-ASCII text as they are,
/// integers and booleans in JSON's one spelling. These are the bytes of
/// Python's `json.dumps(value, sort_keys=True, separators=(",", ":"),
/// ensure_ascii=False)` and of Foundation's `JSONEncoder` with sorted keys and
/// unescaped slashes on climep's documents (tested byte for byte).
///
/// Why not `JSONEncoder`: it builds a tree of every value before writing, a
/// few times the document's size in memory, and for a certificate of tens of
/// megabytes most of `certify`'s and `check`'s encoding time. Here each
/// finished value is bytes at once; only the open containers on the current
/// path are held apart (an object's members until it closes, to sort them).
///
/// Floating-point values are refused (throw): climep's documents hold exact
/// numbers as strings, and a float's shortest spelling is not one JSON rule.
package enum CanonicalJSONWriter {
    /// The bytes of `value`.
    package static func bytes<Value: Encodable>(of value: Value) throws -> [UInt8] {
        let node = Node()
        try value.encode(to: NodeEncoder(node: node))
        var out: [UInt8] = []
        try node.render(into: &out)
        return out
    }

    /// Thrown for a value the canonical form has no spelling for.
    package struct Unsupported: Error, CustomStringConvertible {
        package let description: String
    }

    /// One value being encoded: nothing yet, finished bytes, an array or an object.
    /// An object member's value: finished bytes (a primitive), or a node.
    enum Member {
        case bytes([UInt8])
        case node(Node)
    }

    final class Node {
        enum Content {
            case empty
            case scalar([UInt8])
            /// Finished items, comma-joined, and the last item if it may still be filled.
            case array(done: [UInt8], count: Int, open: Node?)
            /// Members so far in key order (sorted as they arrive), each value its finished
            /// bytes or a node (a nested container, possibly still being filled).
            case object([(key: String, value: Member)])
            /// A value asked for two kinds of container: `render` throws.
            case misused(String)
        }
        var content: Content = .empty

        /// Appends this value's text to `out`.
        func render(into out: inout [UInt8]) throws {
            switch content {
            case .empty:
                throw Unsupported(description: "a value encoded nothing")
            case .misused(let reason):
                throw Unsupported(description: reason)
            case .scalar(let bytes):
                out.append(contentsOf: bytes)
            case .array(let done, let count, let open):
                out.append(UInt8(ascii: "["))
                out.append(contentsOf: done)
                if let open {
                    if count > 0 { out.append(UInt8(ascii: ",")) }
                    try open.render(into: &out)
                }
                out.append(UInt8(ascii: "]"))
            case .object(let members):
                out.append(UInt8(ascii: "{"))
                for (k, member) in members.enumerated() {
                    if k > 0 { out.append(UInt8(ascii: ",")) }
                    CanonicalJSONWriter.appendString(member.key, to: &out)
                    out.append(UInt8(ascii: ":"))
                    switch member.value {
                    case .bytes(let bytes): out.append(contentsOf: bytes)
                    case .node(let node): try node.render(into: &out)
                    }
                }
                out.append(UInt8(ascii: "}"))
            }
        }

        /// Becomes an array (or stays one); a value that already is something else is misused.
        func beginArray() {
            switch content {
            case .empty: content = .array(done: [], count: 0, open: nil)
            case .array, .misused: break
            default: content = .misused("a value encoded as an array and as something else")
            }
        }

        func beginObject() {
            switch content {
            case .empty: content = .object([])
            case .object, .misused: break
            default: content = .misused("a value encoded as an object and as something else")
            }
        }

        /// Appends a scalar array item written by `write`, rendering the previous open one first.
        func appendItem(writing write: (inout [UInt8]) -> Void) {
            append(keepingOpen: nil, writing: write)
        }

        /// Appends an array item, rendering the previous open one (finished by now, as
        /// `Encodable` fills containers depth first); `keepOpen` for a nested container.
        func appendItem(_ item: Node, keepOpen: Bool) {
            if keepOpen {
                append(keepingOpen: item) { _ in }
            } else {
                append(keepingOpen: nil) { try item.render(into: &$0) }
            }
        }

        /// Renders the open item, then keeps `item` open or appends what `write` writes.
        private func append(keepingOpen item: Node?, writing write: (inout [UInt8]) throws -> Void) {
            guard case .array(var done, var count, let open) = content else { return }
            content = .empty  // so that `done` is uniquely referenced while it grows
            do {
                if let open {
                    if count > 0 { done.append(UInt8(ascii: ",")) }
                    try open.render(into: &done)
                    count += 1
                }
                if let item {
                    content = .array(done: done, count: count, open: item)
                    return
                }
                if count > 0 { done.append(UInt8(ascii: ",")) }
                try write(&done)
                content = .array(done: done, count: count + 1, open: nil)
            } catch {
                content = .misused("\(error)")
            }
        }

        /// Inserts a member at its place in key order (by UTF-8 bytes); a key
        /// encoded twice makes the object misused.
        func appendMember(_ key: String, _ value: Member) {
            guard case .object(var members) = content else { return }
            content = .empty  // so that `members` is uniquely referenced while it grows
            var place = members.count
            while place > 0 && key.utf8.lexicographicallyPrecedes(members[place - 1].key.utf8) { place -= 1 }
            if place > 0 && members[place - 1].key == key {
                content = .misused("key '\(key)' encoded twice")
                return
            }
            members.insert((key, value), at: place)
            content = .object(members)
        }
    }

    /// JSON's string syntax for `text`.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                        hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// climep's exact number: the string its own `encode(to:)` writes
    /// (`"p/q"`, nothing to escape), without the detour through a `String`.
    static func appendRational(_ value: Rational, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        value.appendDescription(to: &out)
        out.append(UInt8(ascii: "\""))
    }

    static func scalar(_ text: String) -> Node {
        let node = Node()
        node.content = .scalar(Array(text.utf8))
        return node
    }

    /// A finished node for `value`: JSON's primitives directly, anything else through its `encode(to:)`.
    static func node<Value: Encodable>(for value: Value) throws -> Node {
        if let text = try primitive(value) {
            let node = Node()
            node.content = .scalar(text)
            return node
        }
        let node = Node()
        try value.encode(to: NodeEncoder(node: node))
        return node
    }

    /// The text of a string, boolean or integer, nil for any other type. Decided by type
    /// identity, not by casts, since it runs for every value; a primitive must not reach
    /// its own `encode(to:)`, which would hand it back here.
    static func primitive<Value>(_ value: Value) throws -> [UInt8]? {
        let type = Value.self
        if type == String.self {
            var bytes: [UInt8] = []
            appendString(value as! String, to: &bytes)
            return bytes
        }
        if type == Rational.self {
            var bytes: [UInt8] = []
            appendRational(value as! Rational, to: &bytes)
            return bytes
        }
        if type == Int.self { return Array(String(value as! Int).utf8) }
        if type == Bool.self { return Array((value as! Bool ? "true" : "false").utf8) }
        func integer<I: FixedWidthInteger>(_: I.Type) -> [UInt8]? { type == I.self ? Array(String(value as! I).utf8) : nil }
        if let text = integer(Int64.self) ?? integer(UInt64.self) ?? integer(UInt.self) ?? integer(Int32.self) ?? integer(UInt32.self)
            ?? integer(Int16.self) ?? integer(UInt16.self) ?? integer(Int8.self) ?? integer(UInt8.self) {
            return text
        }
        if type == Double.self || type == Float.self { throw floatRefused }
        return nil
    }

    static let floatRefused = Unsupported(description: "a floating-point value (climep writes exact numbers as strings)")

    struct NodeEncoder: Encoder {
        let node: Node
        /// Not tracked: the writer names no place in its errors.
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            node.beginObject()
            return KeyedEncodingContainer(KeyedWriter<Key>(node: node))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            node.beginArray()
            return UnkeyedWriter(node: node)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            SingleValueWriter(node: node)
        }
    }

    struct KeyedWriter<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        /// Not tracked: the writer names no place in its errors.
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil(forKey key: Key) throws { node.appendMember(key.stringValue, .bytes(Array("null".utf8))) }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            if let text = try primitive(value) {
                node.appendMember(key.stringValue, .bytes(text))
            } else {
                node.appendMember(key.stringValue, .node(try CanonicalJSONWriter.node(for: value)))
            }
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let child = Node()
            child.beginObject()
            node.appendMember(key.stringValue, .node(child))
            return KeyedEncodingContainer(KeyedWriter<NestedKey>(node: child))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let child = Node()
            child.beginArray()
            node.appendMember(key.stringValue, .node(child))
            return UnkeyedWriter(node: child)
        }

        mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            let child = Node()
            node.appendMember(key.stringValue, .node(child))
            return NodeEncoder(node: child)
        }
    }

    struct UnkeyedWriter: UnkeyedEncodingContainer {
        let node: Node
        /// Not tracked: the writer names no place in its errors.
        var codingPath: [any CodingKey] { [] }
        private(set) var count = 0

        init(node: Node) { self.node = node }

        mutating func encodeNil() throws {
            node.appendItem(scalar("null"), keepOpen: false)
            count += 1
        }

        mutating func encode<T: Encodable>(_ value: T) throws {
            if T.self == Rational.self {
                // Most items of a certificate: written in place, no array per item.
                node.appendItem { appendRational(value as! Rational, to: &$0) }
            } else if let text = try primitive(value) {
                node.appendItem { $0.append(contentsOf: text) }
            } else {
                node.appendItem(try CanonicalJSONWriter.node(for: value), keepOpen: false)
            }
            count += 1
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let child = Node()
            child.beginObject()
            node.appendItem(child, keepOpen: true)
            count += 1
            return KeyedEncodingContainer(KeyedWriter<NestedKey>(node: child))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let child = Node()
            child.beginArray()
            node.appendItem(child, keepOpen: true)
            count += 1
            return UnkeyedWriter(node: child)
        }

        mutating func superEncoder() -> any Encoder {
            let child = Node()
            node.appendItem(child, keepOpen: true)
            count += 1
            return NodeEncoder(node: child)
        }
    }

    struct SingleValueWriter: SingleValueEncodingContainer {
        let node: Node
        /// Not tracked: the writer names no place in its errors.
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil() throws { node.content = .scalar(Array("null".utf8)) }

        mutating func encode<T: Encodable>(_ value: T) throws {
            node.content = try CanonicalJSONWriter.node(for: value).content
        }
    }
}
