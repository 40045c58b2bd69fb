import Foundation
import NeuralNetwork

/// Locating where a JSON document departs from its canonical encoding, so
/// that a rejected certificate's error names the place.
package enum CanonicalJSON {
    /// The canonical encoding every climep document is written in: sorted
    /// keys, no whitespace, slashes unescaped (rationals stay `"p/q"`);
    /// `CanonicalJSONWriter` says exactly which bytes.
    package static func encode<Document: Encodable>(_ document: Document) throws -> Data {
        Data(try CanonicalJSONWriter.bytes(of: document))
    }

    /// Reads a document that has exactly one accepted spelling: `data` must be
    /// strictly valid JSON without repeated keys (`StrictJSON.validate`), must
    /// decode (`CanonicalJSONReader`), must pass `validate` (format name and version), and must equal
    /// the re-encoding `encode` gives of what was decoded (skipped when `encode`
    /// is nil: for bytes just written by the encoder, whose decoded value the
    /// caller compares with what it encoded). Throws `InputError` naming what
    /// is malformed, and where (proofs/certificate.md §1).
    static func decodeCanonical<Document: Decodable>(
        _ type: Document.Type, from data: Data, what: String,
        encode: ((Document) throws -> Data)?, validate: (Document) throws(InputError) -> Void
    ) throws(InputError) -> Document {
        // Strict syntax first, so a repeated key is named by its place, not only by a byte offset.
        try StrictJSON.validate(data, what: what)
        let document: Document
        do {
            document = try CanonicalJSONReader.decode(Document.self, from: data)
        } catch {
            throw InputError("malformed \(what) at \(path(at: min(error.offset, data.count), in: data)): \(error.reason)")
        }
        try validate(document)
        guard let encode else { return document }
        let canonical: Data
        do { canonical = try encode(document) } catch {
            throw InputError("malformed \(what): it cannot be re-encoded (\(error))")
        }
        if let offset = firstDifference(data, canonical) {
            throw InputError("\(what) is not the canonical encoding climep writes: it differs at byte \(offset), "
                             + "at \(path(at: offset, in: canonical)) (a changed spelling, an unknown, repeated or reordered key, or extra bytes)")
        }
        return document
    }

    /// The first byte offset at which `a` and `b` differ, or nil when they are equal.
    static func firstDifference(_ a: Data, _ b: Data) -> Int? {
        if a == b { return nil }
        return a.withUnsafeBytes { x in
            b.withUnsafeBytes { y in
                let n = min(x.count, y.count)
                var i = 0
                while i < n && x[i] == y[i] { i += 1 }
                return i
            }
        }
    }

    /// The place (`linearization.layers[1].range`) of the value being written
    /// at byte `offset` of `canonical`, a compact JSON document, found by one
    /// scan of the bytes before it.
    static func path(at offset: Int, in canonical: Data) -> String {
        enum Frame { case object(key: String?), array(index: Int) }
        var stack: [Frame] = []
        let bytes = [UInt8](canonical.prefix(offset))
        var i = 0
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "{"): stack.append(.object(key: nil))
            case UInt8(ascii: "["): stack.append(.array(index: 0))
            case UInt8(ascii: "}"), UInt8(ascii: "]"): _ = stack.popLast()
            case UInt8(ascii: ","):
                switch stack.last {
                case .array(let index): stack[stack.count - 1] = .array(index: index + 1)
                case .object: stack[stack.count - 1] = .object(key: nil)
                case nil: break
                }
            case UInt8(ascii: "\""):
                var j = i + 1
                while j < bytes.count && bytes[j] != UInt8(ascii: "\"") { j += bytes[j] == UInt8(ascii: "\\") ? 2 : 1 }
                // A string right after `{` or `,` in an object is a key; after `:` it is a value.
                if case .object(nil) = stack.last, j < bytes.count {
                    stack[stack.count - 1] = .object(key: String(decoding: bytes[(i + 1)..<j], as: UTF8.self))
                }
                i = j
            default: break
            }
            i += 1
        }
        // At a `,` or `}` the last member is complete: the place is its object.
        if offset < canonical.count, [UInt8(ascii: ","), UInt8(ascii: "}")].contains(canonical[canonical.startIndex + offset]),
           case .object = stack.last {
            stack[stack.count - 1] = .object(key: nil)
        }
        let place = stack.map { frame -> String in
            switch frame {
            case .object(let key): key.map { ".\($0)" } ?? ""
            case .array(let index): "[\(index)]"
            }
        }.joined()
        return place.isEmpty ? "the top level" : String(place.drop(while: { $0 == "." }))
    }
}
