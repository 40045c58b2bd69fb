import Foundation

/// A strict reader's first pass over JSON files whose meaning must be
/// unambiguous (certificates, JSON models).
///
/// Foundation's `JSONDecoder` keeps the first of two equal keys, while
/// Python's `json`, jq and JavaScript keep the last; it also accepts
/// `NaN`-like extensions in some configurations. A file that passes
/// `validate` reads the same in all of them: it is exactly one RFC 8259 value,
/// in valid UTF-8, and no object repeats a key (compared after unescaping,
/// so `"a"` and `"\u0061"` are the same key).
public enum StrictJSON {
    /// Throws an InputError naming the place (a JSON path like `layers[2].bias`, plus line) when `data` is not
    /// exactly one RFC 8259 JSON value in UTF-8, or an object has the same key twice. `what` names the file kind
    /// ("certificate", "JSON model") at the start of the message. Linear time, bounded nesting depth (an InputLimits constant), no recursion deep enough to overflow the stack.
    public static func validate(_ data: Data, what: String) throws(InputError) {
        var scanner = StrictJSONScanner(bytes: [UInt8](data), what: what)
        try scanner.scanDocument()
    }
}

/// The scanner behind `StrictJSON.validate`: one pass over the bytes with an
/// explicit stack of open containers (no recursion), each object remembering
/// its keys.
struct StrictJSONScanner {
    let bytes: [UInt8]
    let what: String
    var position = 0
    var line = 1

    /// An open array (with the index of its current element) or object (with
    /// its keys so far and the current one).
    enum Container {
        case array(index: Int)
        case object(keys: Set<String>, current: String)
    }
    var stack: [Container] = []

    init(bytes: [UInt8], what: String) {
        self.bytes = bytes
        self.what = what
    }

    // MARK: - Errors

    /// Where the scanner is, as a JSON path: `layers[2].bias`, or "top level".
    var path: String {
        var text = ""
        for container in stack {
            switch container {
            case .array(let index): text += "[\(index)]"
            case .object(_, let key): text += text.isEmpty ? key : ".\(key)"
            }
        }
        return text.isEmpty ? "top level" : text
    }

    func fail(_ problem: String) -> InputError {
        InputError("\(what): \(problem) at \(path) (line \(line))")
    }

    // MARK: - Document

    mutating func scanDocument() throws(InputError) {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { throw fail("a byte order mark (not allowed in JSON)") }
        skipWhitespace()
        guard position < bytes.count else { throw InputError("\(what): empty, not a JSON value") }
        var expectingValue = true
        while true {
            if expectingValue {
                expectingValue = try scanValue()
                if expectingValue { continue }
            }
            // A value has ended: continue its container, or finish.
            skipWhitespace()
            guard let container = stack.last else {
                guard position == bytes.count else { throw fail("trailing characters after the JSON value") }
                return
            }
            let c = peek
            switch container {
            case .array(let index):
                if c == UInt8(ascii: ",") {
                    position += 1
                    stack[stack.count - 1] = .array(index: index + 1)
                    expectingValue = true
                } else if c == UInt8(ascii: "]") {
                    position += 1
                    stack.removeLast()
                } else {
                    throw fail(c.map { "expected ',' or ']' but found \(shown($0))" } ?? "unterminated array")
                }
            case .object:
                if c == UInt8(ascii: ",") {
                    position += 1
                    try scanKey()
                    expectingValue = true
                } else if c == UInt8(ascii: "}") {
                    position += 1
                    stack.removeLast()
                } else {
                    throw fail(c.map { "expected ',' or '}' but found \(shown($0))" } ?? "unterminated object")
                }
            }
        }
    }

    /// Reads a scalar or an empty container whole and returns false; or
    /// opens a non-empty container (pushed on the stack, its first key read)
    /// and returns true: its first value comes next.
    mutating func scanValue() throws(InputError) -> Bool {
        skipWhitespace()
        guard let c = peek else { throw fail("a value is missing") }
        switch c {
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            let isArray = c == UInt8(ascii: "[")
            position += 1
            skipWhitespace()
            if peek == (isArray ? UInt8(ascii: "]") : UInt8(ascii: "}")) {
                position += 1
                return false
            }
            guard stack.count < InputLimits.maximumJSONDepth else {
                throw fail(InputLimits.exceeds("nesting depth", stack.count + 1, InputLimits.maximumJSONDepth))
            }
            if isArray {
                stack.append(.array(index: 0))
            } else {
                stack.append(.object(keys: [], current: ""))
                try scanKey()
            }
            return true
        case UInt8(ascii: "\""):
            _ = try scanString(decoding: false)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try scanNumber()
        case UInt8(ascii: "t"): try scanLiteral("true")
        case UInt8(ascii: "f"): try scanLiteral("false")
        case UInt8(ascii: "n"): try scanLiteral("null")
        default:
            if rest(startsWith: "NaN") || rest(startsWith: "Infinity") || c == UInt8(ascii: "+") || c == UInt8(ascii: ".") {
                throw fail("\(word()) is not a JSON number")
            }
            throw fail("unexpected \(shown(c))")
        }
        return false
    }

    /// Reads `"key"` and `:` inside an object, rejecting a key seen before.
    mutating func scanKey() throws(InputError) {
        skipWhitespace()
        guard peek == UInt8(ascii: "\"") else {
            throw fail(peek == nil ? "unterminated object" : "expected a key string but found \(shown(peek!))")
        }
        let key = try scanString(decoding: true) ?? ""
        guard case .object(var keys, _)? = stack.last else { return }
        // Take the set out of the stack first, so inserting does not copy it (a copy per key would
        // make an object with many keys quadratic).
        stack[stack.count - 1] = .object(keys: [], current: key)
        guard keys.insert(key).inserted else { throw fail("duplicate key \"\(key)\"") }
        stack[stack.count - 1] = .object(keys: keys, current: key)
        skipWhitespace()
        guard peek == UInt8(ascii: ":") else { throw fail("expected ':' after the key") }
        position += 1
    }

    // MARK: - Scalars

    var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    func rest(startsWith text: String) -> Bool {
        bytes[position...].starts(with: text.utf8)
    }

    /// The bare word at the current position (for messages), at most 20 bytes.
    func word() -> String {
        var end = position
        while end < bytes.count, end - position < 20, !Self.isDelimiter(bytes[end]) { end += 1 }
        return "'" + String(decoding: bytes[position..<end], as: UTF8.self) + "'"
    }

    static func isDelimiter(_ c: UInt8) -> Bool {
        c == UInt8(ascii: ",") || c == UInt8(ascii: "]") || c == UInt8(ascii: "}") || c == UInt8(ascii: " ")
            || c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") || c == UInt8(ascii: "\t")
    }

    func shown(_ c: UInt8) -> String {
        (0x21...0x7E).contains(c) ? "'\(Character(Unicode.Scalar(c)))'" : "byte 0x\(String(c, radix: 16, uppercase: true))"
    }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): position += 1
            case UInt8(ascii: "\n"): position += 1; line += 1
            default: return
            }
        }
    }

    mutating func scanLiteral(_ literal: String) throws(InputError) {
        guard rest(startsWith: literal) else { throw fail("\(word()) is not a JSON value") }
        position += literal.utf8.count
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, RFC 8259's number.
    mutating func scanNumber() throws(InputError) {
        let start = position
        func digits() -> Int {
            let from = position
            while let c = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) { position += 1 }
            return position - from
        }
        func bad() -> InputError {
            position = start
            return fail("\(word()) is not a JSON number")
        }
        if peek == UInt8(ascii: "-") { position += 1 }
        if rest(startsWith: "Infinity") { throw bad() }
        if peek == UInt8(ascii: "0") {
            position += 1
            if let c = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) { throw bad() }  // no leading zeros
        } else if digits() == 0 {
            throw bad()
        }
        if peek == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw bad() }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            position += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw bad() }
        }
        if let c = peek, !Self.isDelimiter(c) { throw bad() }
    }

    /// Reads a string from its opening quote; returns its decoded text when
    /// `decoding` (for keys). Rejects raw control characters, unknown
    /// escapes, unpaired surrogates and invalid UTF-8.
    mutating func scanString(decoding: Bool) throws(InputError) -> String? {
        let openLine = line
        position += 1
        var text: [UInt8] = []
        while true {
            guard let c = peek else { line = openLine; throw fail("unterminated string") }
            switch c {
            case UInt8(ascii: "\""):
                position += 1
                return decoding ? String(decoding: text, as: UTF8.self) : nil
            case UInt8(ascii: "\\"):
                position += 1
                guard let e = peek else { throw fail("unterminated string") }
                position += 1
                if let byte = Self.escapes[e] {
                    if decoding { text.append(byte) }
                } else if e == UInt8(ascii: "u") {
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard rest(startsWith: "\\u") else { throw fail("unpaired surrogate \\u\(String(scalar, radix: 16)) in a string") }
                        position += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired surrogate \\u\(String(scalar, radix: 16)) in a string") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw fail("unpaired surrogate \\u\(String(scalar, radix: 16)) in a string")
                    }
                    if decoding { text.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8) }
                } else {
                    throw fail("unknown escape \\\(Character(Unicode.Scalar(e))) in a string")
                }
            case 0..<0x20:
                throw fail("a raw control character (byte 0x\(String(c, radix: 16, uppercase: true))) in a string")
            case 0x80...:
                let length = try utf8SequenceLength()
                if decoding { text.append(contentsOf: bytes[position..<position + length]) }
                position += length
            default:
                if decoding { text.append(c) }
                position += 1
            }
        }
    }

    /// The one-character escapes and the bytes they stand for.
    static let escapes: [UInt8: UInt8] = [
        UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "/"): 0x2F, UInt8(ascii: "b"): 0x08,
        UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
    ]

    mutating func hex4() throws(InputError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw fail("a \\u escape needs four hex digits") }
        var value: UInt32 = 0
        for c in bytes[position..<position + 4] {
            let digit: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw fail("a \\u escape needs four hex digits")
            }
            value = value << 4 | digit
        }
        position += 4
        return value
    }

    /// The length of the well-formed UTF-8 sequence at `position` (Unicode
    /// table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF).
    func utf8SequenceLength() throws(InputError) -> Int {
        let lead = bytes[position]
        let length: Int, secondRange: ClosedRange<UInt8>
        switch lead {
        case 0xC2...0xDF: (length, secondRange) = (2, 0x80...0xBF)
        case 0xE0: (length, secondRange) = (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (length, secondRange) = (3, 0x80...0xBF)
        case 0xED: (length, secondRange) = (3, 0x80...0x9F)
        case 0xF0: (length, secondRange) = (4, 0x90...0xBF)
        case 0xF1...0xF3: (length, secondRange) = (4, 0x80...0xBF)
        case 0xF4: (length, secondRange) = (4, 0x80...0x8F)
        default: throw fail("invalid UTF-8 (byte 0x\(String(lead, radix: 16, uppercase: true)))")
        }
        guard position + length <= bytes.count, secondRange.contains(bytes[position + 1]),
              bytes[(position + 2)..<(position + length)].allSatisfy({ (0x80...0xBF).contains($0) }) else {
            throw fail("invalid UTF-8 (byte 0x\(String(lead, radix: 16, uppercase: true)))")
        }
        return length
    }
}
