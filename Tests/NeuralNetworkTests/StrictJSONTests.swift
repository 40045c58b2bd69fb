import ExactArithmetic
import Foundation
@testable import NeuralNetwork
import Testing

@Suite struct StrictJSONTests {
    func problem(_ bytes: [UInt8]) -> String? {
        do {
            try StrictJSON.validate(Data(bytes), what: "certificate")
            return nil
        } catch {
            #expect(!error.message.contains("\n"))
            #expect(error.message.hasPrefix("certificate: "), "\(error.message)")
            return error.message
        }
    }
    func problem(_ text: String) -> String? { problem(Array(text.utf8)) }

    @Test(arguments: [
        #"{"a": 1, "b": [true, false, null, "x\n\u00e9\ud83d\ude00"], "c": {"d": -0.5e+3, "e": {}}, "f": []}"#,
        " 17 ", "\"text\"", "[[], {}, [[1]]]", "-0", "1E-7",
    ])
    func acceptsRFC8259(text: String) {
        #expect(problem(text) == nil)
    }

    @Test(arguments: [
        (#"{"a": 1, "a": 2}"#, #"duplicate key "a" at a (line 1)"#),
        (#"{"a": 1, "\u0061": 2}"#, #"duplicate key "a""#),  // equal after unescaping
        ("{\"x\": [{\"k\": 1},\n {\"k\": 1, \"k\": 2}]}", #"duplicate key "k" at x[1].k (line 2)"#),
        (#"{"a": 1} {"#, "trailing characters after the JSON value at top level"),
        (#"[1, 2] x"#, "trailing characters"),
        (#"{"a": NaN}"#, "'NaN' is not a JSON number at a"),
        (#"[Infinity]"#, "'Infinity' is not a JSON number at [0]"),
        (#"[-Infinity]"#, "is not a JSON number at [0]"),
        (#"[01]"#, "'01' is not a JSON number"),
        (#"[1.]"#, "is not a JSON number"),
        (#"[+1]"#, "is not a JSON number"),
        (#"[.5]"#, "is not a JSON number"),
        (#"[1, ]"#, "unexpected ']' at [1]"),
        (#"{"a": 1, }"#, "expected a key string"),
        (#"{'a': 1}"#, "expected a key string"),
        (#"{"a" 1}"#, "expected ':'"),
        (#"[1 2]"#, "expected ',' or ']'"),
        (#"["abc"#, "unterminated string"),
        (#"[tru]"#, "'tru' is not a JSON value"),
        (#"["\x"]"#, #"unknown escape \x"#),
        (#"["\ud800"]"#, "unpaired surrogate"),
        (#"["\udc00x"]"#, "unpaired surrogate"),
        ("[\"a\tb\"]", "raw control character"),
        ("", "empty"),
        ("   ", "empty"),
        ("[", "a value is missing"),
    ])
    func rejectsAndNamesThePlace(text: String, words: String) {
        let message = problem(text)
        #expect(message?.contains(words) == true, "\(message ?? "accepted"): expected \(words)")
    }

    @Test func rejectsInvalidUTF8AndAByteOrderMark() {
        #expect(problem(Array(#"{"a": ""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8))?.contains("invalid UTF-8 (byte 0xC3) at a") == true)
        #expect(problem(Array(#"[""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""]"#.utf8))?.contains("invalid UTF-8") == true)  // a UTF-8 surrogate
        #expect(problem(Array(#"[""#.utf8) + [0xC0, 0xAF] + Array(#""]"#.utf8))?.contains("invalid UTF-8") == true)  // overlong
        #expect(problem([0xFF]) != nil)
        #expect(problem([0xEF, 0xBB, 0xBF] + Array("[]".utf8))?.contains("byte order mark") == true)
    }

    @Test(.timeLimit(.minutes(1)))
    func nestingIsBoundedWithoutRecursion() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(problem(deep)?.contains("nesting depth 65 exceeds the supported 64") == true)
        let fine = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(problem(fine) == nil)
    }
}

@Suite struct JSONModelStrictnessTests {
    func load(_ text: String) throws(InputError) -> Network {
        try JSONModelFormat.network(from: Data(text.utf8), source: "m.json")
    }

    static let layer = #"{"weights": [["1", "2"]], "bias": ["0"], "activation": "relu"}"#

    @Test(arguments: [
        (#"{"format": "climep-model", "layers": [{"weights": [["1", "2"]], "weights": [["3", "4"]], "bias": ["0"], "activation": "relu"}]}"#,
         #"duplicate key "weights" at layers[0].weights"#),
        (#"{"format": "climep-model", "layers": [{"weights": [["1", "2"]], "bias": ["0"], "bias": ["5"], "activation": "relu"}]}"#,
         #"duplicate key "bias" at layers[0].bias"#),
        (#"{"format": "climep-model", "layers": [{"weights": [["1", "2"]], "bias": ["0"], "activation": "relu", "activation": "identity"}]}"#,
         #"duplicate key "activation" at layers[0].activation"#),
        (#"{"format": "climep-model", "layers": [\#(layer), {"weights": [["1"]], "bias": ["0"], "bias": ["1"], "activation": "identity"}]}"#,
         #"duplicate key "bias" at layers[1].bias"#),
        (#"{"format": "climep-model", "format": "climep-model", "layers": [\#(layer)]}"#, #"duplicate key "format" at format"#),
        (#"{"format": "climep-model", "layers": [\#(layer)], "comment": "x"}"#, #"comment: unknown key "comment""#),
        (#"{"format": "climep-model", "layers": [{"weights": [["1", "2"]], "bias": ["0"], "activation": "leaky-relu", "slop": "1/10"}]}"#,
         #"layers[0].slop: unknown key "slop""#),
        (#"{"format": "climep-model", "layers": [\#(layer)]} trailing"#, "trailing characters"),
        (#"{"format": "climep-model", "layers": [{"weights": [[NaN, 1]], "bias": ["0"], "activation": "relu"}]}"#,
         "'NaN' is not a JSON number at layers[0].weights[0][0]"),
        (#"{"format": "climep-model", "layers": [{"weights": [[1, Infinity]], "bias": ["0"], "activation": "relu"}]}"#,
         "'Infinity' is not a JSON number at layers[0].weights[0][1]"),
    ])
    func rejectsAnythingWithTwoMeanings(text: String, words: String) {
        expectInputError([words], sourcePrefix: "m.json: ") { () throws(InputError) in try load(text) }
    }

    @Test func rejectsInvalidUTF8() {
        let bytes = Array(#"{"format": "climep-model", "layers": [{"weights": [["1"]], "bias": ["0"], "activation": "re"#.utf8)
            + [0xFF] + Array(#"lu"}]}"#.utf8)
        expectInputError(["invalid UTF-8", "layers[0].activation"], sourcePrefix: "m.json: ") { () throws(InputError) in
            try JSONModelFormat.network(from: Data(bytes), source: "m.json")
        }
    }

    @Test func anEmbeddedNetworkRejectsUnknownKeysToo() throws {
        // Certificates decode their network with JSONDecoder: the same rule applies there.
        let network = try load(#"{"format": "climep-model", "layers": [\#(Self.layer)]}"#)
        let encoded = try JSONEncoder().encode(network)
        #expect(try JSONDecoder().decode(Network.self, from: encoded).layers == network.layers)
        let extra = #"{"format": "climep-model", "inputs": 2, "layers": [{"weights": [["1", "2"]], "bias": ["0"], "activation": "relu", "note": 1}]}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Network.self, from: Data(extra.utf8)) }
    }

    @Test func theEncodingKeepsTheOptionalInputs() throws {
        let network = try load(#"{"format": "climep-model", "layers": [\#(Self.layer)]}"#)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = String(decoding: try encoder.encode(network), as: UTF8.self)
        #expect(text == #"{"format":"climep-model","inputs":2,"layers":[{"activation":"relu","bias":["0"],"weights":[["1","2"]]}]}"#)
        let withoutInputs = #"{"format":"climep-model","layers":[{"activation":"relu","bias":["0"],"weights":[["1","2"]]}]}"#
        #expect(try JSONDecoder().decode(Network.self, from: Data(withoutInputs.utf8)).inputCount == 2)
    }

    @Test(arguments: ["0", "-0", "1", "+7", ".5", "5.", "-1.25e-3", "1e+5", "123456789012345678", "1234567890123456789",
                      "0.000000000000000001", "1e18", "1e19", "9.99e-19", "-3/2", "0.1e-40", "00012.50"])
    func fastNumbersAgreeWithRationalParsing(text: String) throws {
        #expect(try JSONModelFormat.ExactNumber.value(of: text) == Rational(parsing: text))
    }

    @Test(.timeLimit(.minutes(2)))
    func aThousandByThousandLayerLoads() throws {
        // 10⁶ weights as exact strings, and 3·10⁵ as JSON numbers (before: a minute per 10⁶ in a
        // debug build; a release build reads 10⁶ in a few seconds).
        let row = (0..<1000).map { k in "0.\(String(k * 7919 % 100_000))" }
        let asStrings = "[" + row.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        let asNumbers = "[" + row.joined(separator: ",") + "]"
        for (text, rows) in [(asStrings, 1000), (asNumbers, 300)] {
            let weights = "[" + Array(repeating: text, count: rows).joined(separator: ",") + "]"
            let bias = "[" + Array(repeating: "0", count: rows).joined(separator: ",") + "]"
            let network = try load(#"{"format": "climep-model", "layers": [{"weights": \#(weights), "bias": \#(bias), "activation": "relu"}]}"#)
            #expect(network.parameterCount == rows * 1001)
            #expect(network.layers[0].weights[rows - 1, 1] == Rational(row[1]))
        }
    }

    @Test func sizesBeyondTheLimitsAreRejectedNamingTheLimit() throws {
        // Every loader builds its network through Network.init, which checks the limits.
        func network(_ shapes: [(Int, Int)]) throws(InputError) -> Network {
            var layers: [DenseLayer] = []
            for (inputs, outputs) in shapes {
                layers.append(try DenseLayer(weights: RationalMatrix(rows: outputs, columns: inputs),
                                             bias: Array(repeating: .zero, count: outputs), activation: .relu))
            }
            return try Network(layers: layers)
        }
        expectInputError(["input width 1000001 exceeds the supported 1,000,000"], sourcePrefix: "") { () throws(InputError) in
            try network([(1_000_001, 1)])
        }
        expectInputError(["layer 2: width 1000001 exceeds the supported 1,000,000"], sourcePrefix: "") { () throws(InputError) in
            try network([(1, 1), (1, 1_000_001)])
        }
        expectInputError(["layer count 10001 exceeds the supported 10,000"], sourcePrefix: "") { () throws(InputError) in
            try network(Array(repeating: (1, 1), count: 10_001))
        }
        #expect(try network([(1_000_000, 1)]).inputCount == 1_000_000)
    }
}

@Suite struct VNNLIBBadInputTests {
    @Test(arguments: ["X_99999999999999999999", "X_9223372036854775807", "X_1000000"])
    func anInputIndexBeyondTheLimitIsAnError(name: String) {
        // Before: X_9223372036854775807 trapped on `i + 1`.
        let text = "(declare-const \(name) Real)\n(assert (<= \(name) 1))\n(assert (>= \(name) 0))\n"
        #expect {
            try InputBox(vnnlib: text, source: "p.vnnlib")
        } throws: { error in
            let message = (error as? InputError)?.message ?? ""
            return message.hasPrefix("p.vnnlib: input index") && message.contains("exceeds the supported 999,999")
        }
    }
}
