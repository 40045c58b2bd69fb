import CGMP
#if canImport(Glibc)
import Glibc
#endif

/// Why a piece of text is not an exact number.
public struct RationalParseError: Error, Equatable, CustomStringConvertible {
    /// The rejected text (shortened when long).
    public let text: String
    /// What is wrong with it.
    public let reason: String

    public var description: String { "'\(text)' is not an exact number: \(reason)" }
}

extension Rational: LosslessStringConvertible, Codable {
    /// The largest decimal exponent and digit count accepted from text; far
    /// beyond any real weight or bound, small enough that no input can make
    /// the parser allocate without limit.
    public static let maximumTextExponent = 10_000
    public static let maximumTextDigits = 100_000

    /// `"p/q"` in lowest terms, or `"p"` for integers.
    public var description: String {
        switch storage {
        case .small(let n, let d): return d == 1 ? "\(n)" : "\(n)/\(d)"
        case .big(let b):
            guard let chars = __gmpq_get_str(nil, 10, b.q) else { return "?" }
            defer { free(chars) }
            return String(cString: chars)
        }
    }

    /// Appends `description`'s UTF-8 bytes to `out`, without building a
    /// string where the value is stored inline (writers of large documents).
    public func appendDescription(to out: inout [UInt8]) {
        guard case .small(let n, let d) = storage else {
            guard case .big(let b) = storage, let chars = __gmpq_get_str(nil, 10, b.q) else {
                out.append(contentsOf: description.utf8)
                return
            }
            defer { free(chars) }
            chars.withMemoryRebound(to: UInt8.self, capacity: strlen(chars)) {
                out.append(contentsOf: UnsafeBufferPointer(start: $0, count: strlen(chars)))
            }
            return
        }
        Rational.appendDecimal(n, to: &out)
        if d != 1 {
            out.append(UInt8(ascii: "/"))
            Rational.appendDecimal(d, to: &out)
        }
    }

    /// The decimal digits of `v`, with a minus sign when negative.
    private static func appendDecimal(_ v: Int64, to out: inout [UInt8]) {
        if v < 0 { out.append(UInt8(ascii: "-")) }
        var m = v.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var k = 20
            repeat {
                k -= 1
                digits[k] = UInt8(truncatingIfNeeded: m % 10) + 48
                m /= 10
            } while m > 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[k...]))
        }
    }

    /// Parses text exactly; nil where `init(parsing:)` throws.
    public init?(_ description: String) {
        guard let value = try? Rational(parsing: description) else { return nil }
        self = value
    }

    /// Reads a decimal (`-1.25e-3`, `.5`, `+7`) or a fraction (`-3/2`)
    /// exactly. Surrounding whitespace is not accepted; infinities, NaN and
    /// hexadecimal are rejected with a reason.
    public init(parsing text: some StringProtocol) throws(RationalParseError) {
        let shown = text.count > 40 ? String(text.prefix(37)) + "..." : String(text)
        func fail(_ reason: String) -> RationalParseError { RationalParseError(text: shown, reason: reason) }
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw fail("empty") }
        guard bytes.count <= Rational.maximumTextDigits else { throw fail("more than \(Rational.maximumTextDigits) characters") }
        if let slash = bytes.firstIndex(of: UInt8(ascii: "/")) {
            let p = try Rational.parseDecimal(bytes[..<slash], fail)
            let q = try Rational.parseDecimal(bytes[(slash + 1)...], fail)
            guard p.isInteger, q.isInteger, !bytes[(slash + 1)...].contains(where: { !(48...57).contains($0) }) else {
                throw fail("a fraction is INTEGER/POSITIVE-INTEGER")
            }
            guard !q.isZero else { throw fail("zero denominator") }
            self = p / q
        } else {
            self = try Rational.parseDecimal(bytes[...], fail)
        }
    }

    /// `init(parsing:)` on UTF-8 bytes: the same values and the same errors,
    /// with the spellings certificates are made of — `p` and `p/q` of at most
    /// 18 digits each — read without building a string (a certificate holds
    /// millions of them).
    public init(utf8 text: UnsafeBufferPointer<UInt8>) throws(RationalParseError) {
        if let value = Rational.shortFraction(text) ?? Rational.longFraction(text) {
            self = value
        } else {
            self = try Rational(parsing: String(decoding: text, as: UTF8.self))
        }
    }

    /// `-?D(/D)?` with `D` digits (no more than `maximumTextDigits` in all)
    /// and a non-zero denominator, read by GMP and reduced; or nil.
    private static func longFraction(_ text: UnsafeBufferPointer<UInt8>) -> Rational? {
        guard text.count <= maximumTextDigits else { return nil }
        let start = text.first == UInt8(ascii: "-") ? 1 : 0
        let slash = text.firstIndex(of: UInt8(ascii: "/"))
        func digits(_ range: Range<Int>) -> Bool { !range.isEmpty && text[range].allSatisfy { $0 &- 48 < 10 } }
        guard digits(start..<(slash ?? text.count)), slash.map({ digits(($0 + 1)..<text.count) }) ?? true else { return nil }
        let value = BigRational()
        let read = withUnsafeTemporaryAllocation(of: CChar.self, capacity: text.count + 1) { buffer -> Bool in
            // GMP reads NUL-terminated text: the numerator, then (after the slash) the denominator.
            for (i, byte) in text.enumerated() { buffer[i] = CChar(bitPattern: byte == UInt8(ascii: "/") ? 0 : byte) }
            buffer[text.count] = 0
            guard __gmpz_set_str(value.num, buffer.baseAddress!, 10) == 0 else { return false }
            if let slash {
                guard __gmpz_set_str(value.den, buffer.baseAddress! + slash + 1, 10) == 0 else { return false }
            } else {
                __gmpz_set_ui(value.den, 1)
            }
            return climep_mpz_sgn(value.den) != 0
        }
        guard read else { return nil }
        __gmpq_canonicalize(value.q)
        return Rational(canonical: value)
    }

    /// `-?D(/D)?` with `D` 1 to 18 digits and a non-zero denominator, or nil.
    private static func shortFraction(_ text: UnsafeBufferPointer<UInt8>) -> Rational? {
        var i = 0
        let negative = i < text.count && text[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        func digits() -> Int64? {
            let start = i
            var n: Int64 = 0
            while i < text.count, i - start < 18, case let d = text[i] &- 48, d < 10 {
                n = n * 10 + Int64(d)
                i += 1
            }
            return i > start ? n : nil
        }
        guard let p = digits() else { return nil }
        var q: Int64 = 1
        if i < text.count && text[i] == UInt8(ascii: "/") {
            i += 1
            guard let d = digits(), d != 0 else { return nil }
            q = d
        }
        guard i == text.count else { return nil }
        return Rational(numerator: Int128(negative ? -p : p), denominator: Int128(q))
    }

    private static func parseDecimal(
        _ bytes: ArraySlice<UInt8>, _ fail: (String) -> RationalParseError
    ) throws(RationalParseError) -> Rational {
        var i = bytes.startIndex
        var negative = false
        if i < bytes.endIndex, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        var digits: [UInt8] = []
        var fractionDigits = 0
        var sawPoint = false
        var sawDigit = false
        while i < bytes.endIndex {
            let c = bytes[i]
            if (48...57).contains(c) {
                sawDigit = true
                if !(digits.isEmpty && c == 48) { digits.append(c) }  // drop leading zeros
                if sawPoint { fractionDigits += 1 }
            } else if c == UInt8(ascii: ".") && !sawPoint {
                sawPoint = true
            } else {
                break
            }
            i += 1
        }
        guard sawDigit else {
            let word = String(decoding: bytes, as: UTF8.self).lowercased()
            if word.contains("inf") || word.contains("nan") { throw fail("not finite") }
            throw fail("expected a decimal like -1.25e-3 or a fraction like -3/2")
        }
        var exponent = 0
        if i < bytes.endIndex, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            var exponentNegative = false
            if i < bytes.endIndex, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
                exponentNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            var sawExponentDigit = false
            while i < bytes.endIndex, (48...57).contains(bytes[i]) {
                sawExponentDigit = true
                exponent = exponent * 10 + Int(bytes[i] - 48)
                guard exponent <= maximumTextExponent * 2 else { throw fail("exponent too large") }
                i += 1
            }
            guard sawExponentDigit else { throw fail("missing exponent digits") }
            if exponentNegative { exponent = -exponent }
        }
        guard i == bytes.endIndex else {
            throw fail("unexpected '\(String(decoding: bytes[i...].prefix(8), as: UTF8.self))'")
        }
        exponent -= fractionDigits
        if digits.isEmpty { return .zero }
        guard abs(exponent) <= maximumTextExponent else { throw fail("exponent too large") }

        var value: Rational
        if digits.count <= 18 {
            var n: Int64 = 0
            for d in digits { n = n * 10 + Int64(d - 48) }
            value = Rational(storage: .small(negative ? -n : n, 1))
        } else {
            let big = BigRational()
            digits.append(0)
            _ = digits.withUnsafeBufferPointer { p in
                p.withMemoryRebound(to: CChar.self) { __gmpz_set_str(big.num, $0.baseAddress, 10) }
            }
            if negative { __gmpz_neg(big.num, big.num) }
            value = Rational(canonical: big)
        }
        if exponent != 0 {
            let power = BigRational()
            __gmpz_ui_pow_ui(power.num, 10, UInt(abs(exponent)))
            let scale = Rational(canonical: power)
            value = exponent > 0 ? value * scale : value / scale
        }
        return value
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try Rational(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
