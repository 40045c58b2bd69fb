import Foundation
import FixtureSupport
import NeuralNetwork
import Testing
import Verification

/// One reading: a certificate is accepted only as the canonical bytes
/// `certify` writes. An automatic campaign over the example certificates
/// repeats keys (the forged copy after the genuine one, as Python, jq and
/// JavaScript read it, and before it, as Foundation reads it), adds unknown
/// keys, swaps neighbouring keys, deletes optional keys, confuses types and
/// respells values. Every mutation must be refused: by `Certificate.decode`
/// (not the canonical bytes), or — when the mutated bytes are themselves a
/// canonical certificate with another meaning, like a split-tree step whose
/// emptiness proof was deleted — by `CertificateChecker.check`. So no reader
/// can see a claim other than one `check` verified.
@Suite struct CertificateReadingTests {
    static let examples = ["sk_moons_relu_bin", "moons-tanh", "sk_blobs4_logistic_3c"]
    static let models = [
        "sk_moons_relu_bin": "Tests/Fixtures/models/sk_moons_relu_bin.onnx",
        "moons-tanh": "Examples/moons-tanh.onnx",
        "sk_blobs4_logistic_3c": "Tests/Fixtures/models/sk_blobs4_logistic_3c.onnx",
    ]

    static func example(_ name: String) throws -> Data {
        try Data(contentsOf: Fixtures.root.appendingPathComponent("proofs/examples/\(name).certificate.json"))
    }

    @Test(arguments: examples)
    func theCanonicalBytesAreRead(_ name: String) throws {
        let data = try Self.example(name)
        #expect(try Certificate.decode(data).encoded() == data)
    }

    @Test(arguments: examples)
    func everyMutationIsRefused(_ name: String) throws {
        let data = try Self.example(name)
        let text = [UInt8](data)
        let root = try JSONTree.parse(text)
        var rng = SeededGenerator(state: UInt64(name.utf8.count) &* 7919)
        let modelPath = Fixtures.root.appendingPathComponent(try #require(Self.models[name])).path
        let modelData = try Network.modelFileData(modelPath)
        let mutations = JSONTree.mutations(of: root, in: text, sampling: 300, using: &rng)
        #expect(mutations.count >= 300)
        var kinds: Set<String> = []
        var judgedByTheChecker = 0
        for mutation in mutations {
            kinds.insert(mutation.kind)
            #expect(mutation.bytes != text)
            let decoded: Certificate
            do {
                decoded = try Certificate.decode(Data(mutation.bytes))
            } catch {
                #expect(error.message.split(separator: "\n").count == 1)
                continue
            }
            // Canonical bytes of another certificate: one meaning, which must not check.
            #expect(try decoded.encoded() == Data(mutation.bytes))
            judgedByTheChecker += 1
            if (try? CertificateChecker.check(decoded, modelData: modelData, source: modelPath)) != nil {
                Issue.record("accepted: \(name) \(mutation.kind) at \(mutation.place)")
            }
        }
        #expect(judgedByTheChecker < mutations.count / 10, "almost every mutation is refused by the reading alone")
        #expect(kinds == Set(JSONTree.Mutation.kinds), "every kind of mutation was tried")
    }

    /// A table entry that names a region, forged in its text: the region retyped (a string,
    /// a fraction, a number beyond any integer), negative or beyond the split tree, repeated,
    /// given beside a witness or with neither. Each is refused, by the reading or the checker.
    @Test func aForgedRegionEntryIsRefused() throws {
        let name = "sk_moons_relu_bin"
        let text = String(decoding: try Self.example(name), as: UTF8.self)
        let entry = try #require(text.range(of: #"\{"label":[0-9]+,"region":[0-9]+\}"#, options: .regularExpression))
        let label = text[entry].split(separator: ",")[0] + ","
        let forgeries = [
            #""region":"0"}"#, #""region":0.5}"#, #""region":1e400}"#, #""region":99999999999999999999999}"#,
            #""region":-1}"#, #""region":100000}"#, #""region":0,"region":0}"#, #""region":0,"witness":["0","0"]}"#,
            #""region":null}"#, #""witness":null}"#,
        ].map { text.replacingCharacters(in: entry, with: label + $0) } + [text.replacingCharacters(in: entry, with: #"{"label":0}"#)]
        let modelPath = Fixtures.root.appendingPathComponent(try #require(Self.models[name])).path
        let modelData = try Network.modelFileData(modelPath)
        for forged in forgeries {
            #expect(forged != text)
            guard let decoded = try? Certificate.decode(Data(forged.utf8)) else { continue }
            #expect(throws: CertificateCheckFailure.self, "\(forged[entry.lowerBound...].prefix(60))") {
                try CertificateChecker.check(decoded, modelData: modelData, source: modelPath)
            }
        }
    }

    /// A repeated key is named in the error, with its place.
    @Test func aRepeatedKeyIsNamed() throws {
        var text = String(decoding: try Self.example("moons-tanh"), as: UTF8.self)
        let bound = try #require(text.range(of: #""errorBound":\[[^\]]*\]"#, options: .regularExpression))
        text.replaceSubrange(bound, with: text[bound] + #","errorBound":["1/1000"]"#)
        #expect(throws: InputError.self) { try Certificate.decode(Data(text.utf8)) }
        do { _ = try Certificate.decode(Data(text.utf8)) } catch {
            #expect(error.message.contains("linearization"), "\(error.message)")
        }
    }
}

/// A JSON document as byte ranges, enough to mutate it in place (test support:
/// the canonical certificates are compact, so no whitespace handling is needed
/// beyond skipping it).
indirect enum JSONTree {
    case object(members: [(key: String, keyStart: Int, value: JSONTree)], range: Range<Int>)
    case array(elements: [JSONTree], range: Range<Int>)
    case string(range: Range<Int>)
    case number(range: Range<Int>)
    case literal(range: Range<Int>)

    var range: Range<Int> {
        switch self {
        case .object(_, let r), .array(_, let r), .string(let r), .number(let r), .literal(let r): r
        }
    }

    struct ParseError: Error {}

    static func parse(_ bytes: [UInt8]) throws -> JSONTree {
        var i = 0
        let tree = try value(bytes, &i)
        guard i == bytes.count else { throw ParseError() }
        return tree
    }

    private static func value(_ b: [UInt8], _ i: inout Int) throws -> JSONTree {
        guard i < b.count else { throw ParseError() }
        let start = i
        switch b[i] {
        case UInt8(ascii: "{"):
            i += 1
            var members: [(String, Int, JSONTree)] = []
            while b[i] != UInt8(ascii: "}") {
                if !members.isEmpty { guard b[i] == UInt8(ascii: ",") else { throw ParseError() }; i += 1 }
                let keyStart = i
                guard case .string(let r) = try value(b, &i) else { throw ParseError() }
                guard b[i] == UInt8(ascii: ":") else { throw ParseError() }
                i += 1
                members.append((String(decoding: b[(r.lowerBound + 1)..<(r.upperBound - 1)], as: UTF8.self), keyStart, try value(b, &i)))
            }
            i += 1
            return .object(members: members.map { (key: $0.0, keyStart: $0.1, value: $0.2) }, range: start..<i)
        case UInt8(ascii: "["):
            i += 1
            var elements: [JSONTree] = []
            while b[i] != UInt8(ascii: "]") {
                if !elements.isEmpty { guard b[i] == UInt8(ascii: ",") else { throw ParseError() }; i += 1 }
                elements.append(try value(b, &i))
            }
            i += 1
            return .array(elements: elements, range: start..<i)
        case UInt8(ascii: "\""):
            i += 1
            while b[i] != UInt8(ascii: "\"") { i += b[i] == UInt8(ascii: "\\") ? 2 : 1 }
            i += 1
            return .string(range: start..<i)
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            while i < b.count, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b[i]) { i += 1 }
            return .literal(range: start..<i)
        default:
            while i < b.count, "-+.eE0123456789".utf8.contains(b[i]) { i += 1 }
            guard i > start else { throw ParseError() }
            return .number(range: start..<i)
        }
    }

    struct Mutation {
        static let kinds = ["repeated key after", "repeated key before", "unknown key", "swapped keys", "deleted key",
                            "string as number", "number as string", "respelled number", "whitespace", "escaped character"]
        let kind: String
        let place: String
        let bytes: [UInt8]
    }

    /// Every mutation the campaign knows, at every place it applies, then a
    /// seeded sample of `count` of them (all of them when there are fewer).
    static func mutations(of root: JSONTree, in text: [UInt8], sampling count: Int, using rng: inout SeededGenerator) -> [Mutation] {
        var all: [Mutation] = []
        func splice(_ range: Range<Int>, _ replacement: [UInt8]) -> [UInt8] {
            Array(text[..<range.lowerBound]) + replacement + Array(text[range.upperBound...])
        }
        func visit(_ node: JSONTree, _ place: String) {
            switch node {
            case .object(let members, let range):
                for (n, member) in members.enumerated() {
                    let here = place + "." + member.key
                    let forged = Array(#"["0"]"#.utf8)
                    let entry = Array("\"\(member.key)\":".utf8)
                    let close = range.upperBound - 1
                    all.append(Mutation(kind: "repeated key after", place: here, bytes: splice(close..<close, Array(",".utf8) + entry + forged)))
                    all.append(Mutation(kind: "repeated key after", place: here,
                                        bytes: splice(close..<close, Array(",".utf8) + entry + Array(text[member.value.range]))))
                    all.append(Mutation(kind: "repeated key before", place: here,
                                        bytes: splice(member.keyStart..<member.keyStart, entry + forged + Array(",".utf8))))
                    // Delete the member with its separating comma.
                    let end = member.value.range.upperBound
                    let cut = n + 1 < members.count ? member.keyStart..<(end + 1) : (n > 0 ? (member.keyStart - 1)..<end : member.keyStart..<end)
                    all.append(Mutation(kind: "deleted key", place: here, bytes: splice(cut, [])))
                    if n + 1 < members.count {
                        let next = members[n + 1]
                        let first = Array(text[member.keyStart..<member.value.range.upperBound])
                        let second = Array(text[next.keyStart..<next.value.range.upperBound])
                        all.append(Mutation(kind: "swapped keys", place: here,
                                            bytes: splice(member.keyStart..<next.value.range.upperBound, second + Array(",".utf8) + first)))
                    }
                    visit(member.value, here)
                }
                let open = range.lowerBound + 1
                all.append(Mutation(kind: "unknown key", place: place, bytes: splice(open..<open, Array(#""zz":1"#.utf8) + (members.isEmpty ? [] : Array(",".utf8)))))
                all.append(Mutation(kind: "unknown key", place: place, bytes: splice(open..<open, Array(#""pieces":3"#.utf8) + (members.isEmpty ? [] : Array(",".utf8)))))
                all.append(Mutation(kind: "whitespace", place: place, bytes: splice(open..<open, Array(" ".utf8))))
            case .array(let elements, _):
                for (n, element) in elements.enumerated() { visit(element, place + "[\(n)]") }
            case .string(let range):
                let inner = Array(text[(range.lowerBound + 1)..<(range.upperBound - 1)])
                if !inner.isEmpty, inner.allSatisfy({ "-0123456789".utf8.contains($0) }) {
                    all.append(Mutation(kind: "string as number", place: place, bytes: splice(range, inner)))
                }
                if let first = inner.first, first != UInt8(ascii: "\\") {
                    let escaped = Array(String(format: "\\u%04x", first).utf8)
                    all.append(Mutation(kind: "escaped character", place: place,
                                        bytes: splice((range.lowerBound + 1)..<(range.lowerBound + 2), escaped)))
                }
            case .number(let range):
                let digits = Array(text[range])
                all.append(Mutation(kind: "number as string", place: place, bytes: splice(range, Array("\"".utf8) + digits + Array("\"".utf8))))
                all.append(Mutation(kind: "respelled number", place: place, bytes: splice(range, digits + Array(".0".utf8))))
                all.append(Mutation(kind: "respelled number", place: place, bytes: splice(range, digits + Array("e0".utf8))))
            case .literal:
                break
            }
        }
        visit(root, "")
        guard all.count > count else { return all }
        // One of every kind first, so the sample cannot miss a kind; then a seeded sample.
        var chosen: [Mutation] = Mutation.kinds.compactMap { kind in all.first { $0.kind == kind } }
        for k in chosen.count..<count {
            _ = k
            chosen.append(all[Int(rng.next() % UInt64(all.count))])
        }
        return chosen
    }
}

/// A certificate whose parts disagree in shape — fewer functions than layers,
/// an embedded network with fewer layers than the file's — is a failed claim
/// for `check` and bad input for `dnet predict`, never a trap.
@Suite struct CertificateShapeTests {
    static func example() throws -> (Certificate, Data, String) {
        let data = try Data(contentsOf: Fixtures.root.appendingPathComponent("proofs/examples/sk_blobs4_logistic_3c.certificate.json"))
        let model = Fixtures.root.appendingPathComponent("Tests/Fixtures/models/sk_blobs4_logistic_3c.onnx").path
        return (try Certificate.decode(data), try Network.modelFileData(model), model)
    }

    @Test func fewerFunctionsThanLayersFails() throws {
        var (certificate, modelData, source) = try Self.example()
        certificate.linearization.layers.removeLast()
        #expect(throws: CertificateCheckFailure.self) { try CertificateChecker.check(certificate, modelData: modelData, source: source) }
        #expect(throws: InputError.self) { try DecisionNet(certificate: certificate) }
        let decoded = try Certificate.decode(try certificate.encoded())
        #expect(decoded == certificate)
    }

    @Test func anEmbeddedNetworkWithFewerLayersFails() throws {
        var (certificate, modelData, source) = try Self.example()
        let first = certificate.model.network.layers[0]
        certificate.model.network = try Network(layers: [first])
        do {
            _ = try CertificateChecker.check(certificate, modelData: modelData, source: source)
            Issue.record("accepted")
        } catch {
            #expect(error.claim == "model.network")
        }
        #expect(throws: InputError.self) { try DecisionNet(certificate: certificate) }
    }
}
