import ExactArithmetic
import FixtureSupport
import Foundation
import Testing
@testable import Verification

/// `CanonicalJSONWriter` against two independent writers of the same rule:
/// Foundation's `JSONEncoder` (sorted keys, unescaped slashes) and the bytes
/// of the committed example certificates (written by earlier builds).
@Suite struct CanonicalJSONWriterTests {
    static func foundation<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return [UInt8](try encoder.encode(value))
    }

    @Test(arguments: ["sk_moons_relu_bin", "moons-tanh", "sk_blobs4_logistic_3c"])
    func exampleCertificatesAreWrittenByteForByte(name: String) throws {
        let file = try Data(contentsOf: Fixtures.root.appendingPathComponent("proofs/examples/\(name).certificate.json"))
        let certificate = try JSONDecoder().decode(Certificate.self, from: file)
        let written = try CanonicalJSONWriter.bytes(of: certificate)
        #expect(written == [UInt8](file))
        #expect(written == (try Self.foundation(certificate)))
    }

    struct Inner: Codable, Equatable {
        var z: [Int?]
        var a: String
        var empty: [String]
        var nothing: Int?
    }

    struct Document: Codable, Equatable {
        var text: String
        var numbers: [Int64]
        var unsigned: UInt64
        var flags: [Bool]
        var inner: Inner
        var inners: [Inner]
        var nested: [[String]]
        var rational: Rational
        var maybe: String?
        var dictionary: [String: Int]
    }

    /// Every control character, quotes, backslashes, slashes and non-ASCII text;
    /// nested and empty containers, nulls in arrays, omitted optionals, extreme integers,
    /// keys whose byte order differs from a case-insensitive or numeric one.
    @Test func agreesWithFoundationOnEveryKindOfValue() throws {
        let controls = String(decoding: (0..<0x20).map { UInt8($0) }, as: UTF8.self)
        let document = Document(
            text: controls + "\"quoted\" back\\slash /slash/ é 漢字 🙂 \u{7F}",
            numbers: [Int64.min, -1, 0, 1, Int64.max], unsigned: UInt64.max, flags: [true, false],
            inner: Inner(z: [1, nil, 3], a: "", empty: [], nothing: nil),
            inners: [], nested: [[], ["a/b"], ["c", "d"]], rational: Rational(-22, 7), maybe: "x",
            dictionary: ["b": 1, "a": 2, "aa": 3, "a0": 4, "": 5, "é": 6, "z": 7, "Z": 8, "a10": 9, "a9": 10])
        let written = try CanonicalJSONWriter.bytes(of: document)
        #expect(try JSONDecoder().decode(Document.self, from: Data(written)) == document)
        #expect(written == (try Self.foundation(document)))
        // Keys in byte order (as Python's sort_keys): not case-insensitive, not numeric.
        let text = String(decoding: written, as: UTF8.self)
        #expect(text.contains(#""dictionary":{"":5,"Z":8,"a":2,"a0":4,"a10":9,"a9":10,"aa":3,"b":1,"z":7,"é":6}"#))
        #expect(text.contains(#"\u0000\u0001"#) && text.contains(#"\b\t\n\u000b\f\r"#) && text.contains(#"\u001f"#))
        #expect(!text.contains("nothing") && text.contains(#""z":[1,null,3]"#))
    }

    struct Measurement: Codable { var value: Double }

    /// A float has no one spelling in the canonical form: refused, not guessed.
    @Test func floatsAreRefused() {
        #expect(throws: CanonicalJSONWriter.Unsupported.self) { try CanonicalJSONWriter.bytes(of: Measurement(value: 0.5)) }
        #expect(throws: CanonicalJSONWriter.Unsupported.self) { try CanonicalJSONWriter.bytes(of: [Float(1)]) }
    }


    /// A value that asks for two kinds of container, or encodes nothing, is refused.
    struct TwoKinds: Encodable {
        func encode(to encoder: any Encoder) throws {
            var list = encoder.unkeyedContainer()
            try list.encode(1)
            var object = encoder.container(keyedBy: CodingKeys.self)
            try object.encode(2, forKey: .key)
        }
        enum CodingKeys: String, CodingKey { case key }
    }

    struct Nothing: Encodable {
        func encode(to encoder: any Encoder) throws {}
    }

    struct Twice: Encodable {
        func encode(to encoder: any Encoder) throws {
            var object = encoder.container(keyedBy: TwoKinds.CodingKeys.self)
            try object.encode(1, forKey: .key)
            try object.encode(2, forKey: .key)
        }
    }

    @Test func misusedContainersAreRefused() {
        #expect(throws: CanonicalJSONWriter.Unsupported.self) { try CanonicalJSONWriter.bytes(of: TwoKinds()) }
        #expect(throws: CanonicalJSONWriter.Unsupported.self) { try CanonicalJSONWriter.bytes(of: Nothing()) }
        #expect(throws: CanonicalJSONWriter.Unsupported.self) { try CanonicalJSONWriter.bytes(of: Twice()) }
    }
}
