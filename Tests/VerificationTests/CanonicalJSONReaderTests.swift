import ExactArithmetic
import FixtureSupport
import Foundation
import Testing
@testable import Verification

/// `CanonicalJSONReader` against Foundation's `JSONDecoder` (an independent
/// reader of the same JSON): equal values on the example certificates and on
/// every kind of value, whitespace and escapes included; on broken bytes it
/// throws or reads something, and never reads outside the document.
@Suite struct CanonicalJSONReaderTests {
    typealias Document = CanonicalJSONWriterTests.Document
    typealias Inner = CanonicalJSONWriterTests.Inner

    static func example(_ name: String) throws -> Data {
        try Data(contentsOf: Fixtures.root.appendingPathComponent("proofs/examples/\(name).certificate.json"))
    }

    @Test(arguments: ["sk_moons_relu_bin", "moons-tanh", "sk_blobs4_logistic_3c"])
    func exampleCertificatesReadAsFoundationReadsThem(name: String) throws {
        let file = try Self.example(name)
        let read = try CanonicalJSONReader.decode(Certificate.self, from: file)
        #expect(read == (try JSONDecoder().decode(Certificate.self, from: file)))
        #expect(try CanonicalJSONWriter.bytes(of: read) == [UInt8](file))
    }

    static let document = Document(
        text: String(decoding: (0..<0x20).map { UInt8($0) }, as: UTF8.self) + "\"quoted\" back\\slash /slash/ é 漢字 🙂 \u{7F}",
        numbers: [Int64.min, -1, 0, 1, Int64.max], unsigned: UInt64.max, flags: [true, false],
        inner: Inner(z: [1, nil, 3], a: "", empty: [], nothing: nil),
        inners: [Inner(z: [], a: "b", empty: ["x"], nothing: 4)], nested: [[], ["a/b"], ["c", "d"]],
        rational: Rational(-22, 7), maybe: "x",
        dictionary: ["b": 1, "a": 2, "": 5, "é": 6])

    /// Pretty-printed (whitespace everywhere JSON allows it), slashes escaped,
    /// non-ASCII escaped by hand as `\uXXXX` with a surrogate pair: the same value.
    @Test func readsEveryKindOfValueAsFoundationDoes() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let pretty = try encoder.encode(Self.document)
        let escaped = String(decoding: pretty, as: UTF8.self)
            .replacingOccurrences(of: "é", with: #"\u00e9"#).replacingOccurrences(of: "🙂", with: #"\ud83d\ude42"#)
        for bytes in [pretty, Data(escaped.utf8), Data(try CanonicalJSONWriter.bytes(of: Self.document))] {
            #expect(try JSONDecoder().decode(Document.self, from: bytes) == Self.document)
            #expect(try CanonicalJSONReader.decode(Document.self, from: bytes) == Self.document)
        }
    }

    /// Values of the wrong kind, out of range or missing are errors naming the
    /// offset of the value (or of the object lacking a key).
    @Test func wrongValuesAreErrorsWithTheirPlace() throws {
        let good = String(decoding: try CanonicalJSONWriter.bytes(of: Self.document), as: UTF8.self)
        let cases: [(String, String)] = [
            (#""unsigned":18446744073709551615"#, #""unsigned":18446744073709551616"#),
            (#""unsigned":18446744073709551615"#, #""unsigned":-1"#),
            (#""unsigned":18446744073709551615"#, #""unsigned":1.5"#),
            (#""rational":"-22/7""#, #""rational":"-22/0""#),
            (#""rational":"-22/7""#, #""rational":-22"#),
            (#""flags":[true,false]"#, #""flags":[true,1]"#),
            (#""maybe":"x","#, #""maybe":7,"#),
            (#""text":"#, #""texts":"#),
        ]
        for (from, to) in cases {
            #expect(good.contains(from))
            let bad = Data(good.replacingOccurrences(of: from, with: to).utf8)
            #expect(throws: CanonicalJSONReader.Malformed.self, "\(to)") { try CanonicalJSONReader.decode(Document.self, from: bad) }
            #expect(throws: (any Error).self, "\(to)") { try JSONDecoder().decode(Document.self, from: bad) }
            do { _ = try CanonicalJSONReader.decode(Document.self, from: bad) } catch {
                #expect((0..<bad.count).contains(error.offset), "\(error)")
            }
        }
    }

    /// Every prefix of a certificate, and every single-byte change to a short
    /// stretch of one: an error or a value, never a crash or a read past the end.
    @Test func brokenBytesNeverCrash() throws {
        let file = [UInt8](try Self.example("sk_moons_relu_bin"))
        for end in stride(from: 0, to: file.count, by: max(1, file.count / 3000)) {
            _ = try? CanonicalJSONReader.decode(Certificate.self, from: Data(file[..<end]))
        }
        let replacements = Array("{}[]\",:\\0-/ ne".utf8)
        for i in 0..<min(file.count, 400) {
            for r in replacements where r != file[i] {
                var bytes = file
                bytes[i] = r
                _ = try? CanonicalJSONReader.decode(Certificate.self, from: Data(bytes))
            }
        }
    }

    /// `Rational(utf8:)`'s short and long paths give `init(parsing:)`'s value,
    /// and its other spellings fall through to it (values and errors alike).
    @Test(arguments: ["0", "-0", "7", "-7", "007/14", "3/-4", "1/0", "-22/7", "+5", "1.25", "1e3", "", "-", "/", "1/", "1//2",
                      "999999999999999999", "-999999999999999999/999999999999999998", "9999999999999999999",
                      "-9223372036854775808", "9223372036854775807/2", "1/9999999999999999999", "12a", "nan",
                      "-123456789012345678901234567890/1237940039285380274899124224", "0000000000000000000000000007/14",
                      "98765432109876543210/0", "-98765432109876543210/-3", "98765432109876543210/2/3", "1e40/98765432109876543210"])
    func rationalsFromBytesMatchTheParser(text: String) {
        let parsed = try? Rational(parsing: text)
        let bytes = Array(text.utf8)
        let read = bytes.withUnsafeBufferPointer { try? Rational(utf8: $0) }
        #expect(read == parsed, "\(text)")
    }
}
