import ExactArithmetic
import Foundation

/// climep's JSON model format, for hand-written networks:
///
/// ```json
/// { "format": "climep-model", "inputs": 2,
///   "layers": [
///     { "weights": [["1", "-1/2"], [0.25, 3]], "bias": ["0", "1"], "activation": "relu" },
///     { "weights": [["2", "-1"]], "bias": ["0"], "activation": "identity" } ] }
/// ```
///
/// `weights` has one row per output. Numbers are strings (`"-3/2"`,
/// `"1.25e-3"`) or JSON numbers, both read exactly; a JSON number with more
/// digits than can be read exactly is rejected. Activations: identity, relu,
/// leaky-relu (with `"slope"`), hard-tanh (optional `"lower"`, `"upper"`,
/// default −1 and 1), sigmoid, tanh, softplus, elu (optional `"alpha"`,
/// default 1; any sign, and `"alpha": 0` is read as relu), silu, gelu (the exact `x·Φ(x)`; with `"divisor"` c > 0,
/// `x·(1 + erf(x/c))/2`), gelu-tanh (optional `"scale"` c and `"cubic"` k,
/// both or neither: `x·(1 + tanh(c(x + kx³)))/2`, default √(2/π) and
/// 0.044715). `"inputs"` is optional and checked.
///
/// The file has one meaning: it must pass `StrictJSON.validate` (one JSON
/// value, UTF-8, no key twice), and a key the format does not define is an
/// error at every level (`rejectUnknownKeys`).
public enum JSONModelFormat {
    /// The value of the `"format"` key.
    public static let formatName = "climep-model"

    /// Reads a model from JSON bytes: strict JSON (`StrictJSON.validate`),
    /// no unknown keys, every number exact, every size within `InputLimits`.
    public static func network(from data: Data, source: String = "model") throws(InputError) -> Network {
        try StrictJSON.validate(data, what: source)
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: data)
        } catch let error as DecodingError {
            throw InputError("\(source): \(describe(error))")
        } catch {
            throw InputError("\(source): not valid JSON")
        }
        return try network(from: document, source: source)
    }

    /// Builds the network a decoded document describes, checking it.
    static func network(from document: Document, source: String) throws(InputError) -> Network {
        guard document.format == formatName else {
            throw InputError("\(source): \"format\" is \"\(document.format)\", expected \"\(formatName)\"")
        }
        var layers: [DenseLayer] = []
        for (k, layer) in document.layers.enumerated() {
            let place = "\(source): layer \(k + 1)"
            guard let columns = layer.weights.first?.count, columns > 0 else { throw InputError("\(place) has no weights") }
            for (r, row) in layer.weights.enumerated() where row.count != columns {
                throw InputError("\(place): weight row \(r + 1) has \(row.count) entries, row 1 has \(columns)")
            }
            let activation: Activation
            switch layer.activation {
            case "identity": activation = .identity
            case "relu": activation = .relu
            case "sigmoid": activation = .sigmoid
            case "tanh": activation = .tanh
            case "softplus": activation = .softplus
            case "elu":
                let alpha = layer.alpha?.value ?? .one
                // α = 0 is max(0, x) exactly: ReLU.
                activation = alpha.isZero ? .relu : .elu(alpha: alpha)
            case "silu": activation = .silu
            case "gelu-tanh":
                switch (layer.scale?.value, layer.cubic?.value) {
                case (nil, nil): activation = .geluTanh(constants: nil)
                case (let c?, let k?):
                    guard let constants = GeluTanhConstants(scale: c, cubic: k) else {
                        throw InputError("\(place): gelu-tanh needs \"scale\" and \"cubic\" within 2^-10 (relative) of √(2/π) and 0.044715, got \(c) and \(k)")
                    }
                    activation = .geluTanh(constants: constants)
                default:
                    throw InputError("\(place): gelu-tanh needs both \"scale\" and \"cubic\", or neither (the spec's √(2/π) and 0.044715)")
                }
            case "gelu":
                let divisor = layer.divisor?.value
                if let divisor, divisor.sign <= 0 { throw InputError("\(place): gelu needs \"divisor\" > 0, got \(divisor)") }
                activation = .gelu(divisor: divisor)
            case "leaky-relu":
                guard let slope = layer.slope else { throw InputError("\(place): leaky-relu needs \"slope\"") }
                activation = .leakyReLU(slope: slope.value)
            case "hard-tanh":
                let lower = layer.lower?.value ?? -1, upper = layer.upper?.value ?? 1
                guard lower < upper else { throw InputError("\(place): hard-tanh needs lower < upper") }
                activation = .hardTanh(lower: lower, upper: upper)
            default:
                throw InputError("\(place): unknown activation '\(layer.activation)' (known: \(Activation.names.joined(separator: ", ")))")
            }
            if let radius = layer.weightRadius, radius.count != layer.weights.count || radius.contains(where: { $0.count != columns }) {
                throw InputError("\(place): \"weightRadius\" must have the shape of \"weights\"")
            }
            do {
                layers.append(try DenseLayer(
                    weights: RationalMatrix(rows: layer.weights.map { $0.map(\.value) }, columns: columns),
                    bias: layer.bias.map(\.value), activation: activation,
                    weightRadius: layer.weightRadius.map { $0.flatMap { $0.map(\.value) } },
                    biasRadius: layer.biasRadius.map { $0.map(\.value) }))
            } catch {
                throw InputError("\(place): \(error.message)")
            }
        }
        let network: Network
        do {
            network = try Network(layers: layers, provenance: .init(format: "json"))
        } catch {
            throw InputError("\(source): \(error.message)")
        }
        if let inputs = document.inputs, inputs != network.inputCount {
            throw InputError("\(source): \"inputs\" is \(inputs) but layer 1 takes \(network.inputCount)")
        }
        return network
    }

    /// Writes a network in this format (numbers as exact strings).
    public static func data(for network: Network) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return try encoder.encode(document(for: network))
    }

    /// The document describing `network`.
    static func document(for network: Network) -> Document {
        Document(
            format: formatName, inputs: network.inputCount,
            layers: network.layers.map { layer in
                var entry = Document.Layer(
                    weights: (0..<layer.outputCount).map { layer.weights.row($0).map(ExactNumber.init) },
                    bias: layer.bias.map(ExactNumber.init), activation: layer.activation.name)
                switch layer.activation {
                case .leakyReLU(let slope): entry.slope = ExactNumber(slope)
                case .hardTanh(let lower, let upper): entry.lower = ExactNumber(lower); entry.upper = ExactNumber(upper)
                case .elu(let alpha): entry.alpha = ExactNumber(alpha)
                case .gelu(let divisor?): entry.divisor = ExactNumber(divisor)
                case .geluTanh(let constants?): entry.scale = ExactNumber(constants.scale); entry.cubic = ExactNumber(constants.cubic)
                default: break
                }
                if let radius = layer.weightRadius {
                    let n = layer.inputCount
                    entry.weightRadius = (0..<layer.outputCount).map { i in radius[i * n ..< (i + 1) * n].map(ExactNumber.init) }
                }
                entry.biasRadius = layer.biasRadius?.map(ExactNumber.init)
                return entry
            })
    }

    struct Document: Codable {
        var format: String
        var inputs: Int?
        var layers: [Layer]

        struct Layer: Codable {
            var weights: [[ExactNumber]]
            var bias: [ExactNumber]
            var activation: String
            var slope: ExactNumber?
            var lower: ExactNumber?
            var upper: ExactNumber?
            /// ELU's `α` (default 1; 0 reads as relu).
            var alpha: ExactNumber?
            /// GELU's divisor `c` (absent: √2, the exact GELU).
            var divisor: ExactNumber?
            /// The tanh GELU's `c` and `k` (both absent: √(2/π) and 0.044715).
            var scale: ExactNumber?
            var cubic: ExactNumber?
            /// A layer whose weights are a rational within a rigorous radius of
            /// the model's (`DenseLayer.weightRadius`), row by row like `weights`.
            var weightRadius: [[ExactNumber]]?
            var biasRadius: [ExactNumber]?
        }
    }

    /// A number written as an exact string or as a JSON number.
    struct ExactNumber: Codable {
        let value: Rational
        init(_ value: Rational) { self.value = value }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                do { value = try ExactNumber.value(of: text) } catch {
                    throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(error)")
                }
                return
            }
            // Foundation reads JSON numbers into a 38-digit decimal; with fewer
            // significant digits the value is exact, with 38 it may be rounded.
            let decimal = try container.decode(Decimal.self)
            let text = decimal.description
            var significant = 0
            for c in text.utf8 where (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) && (significant > 0 || c != UInt8(ascii: "0")) {
                significant += 1
            }
            guard significant < 38, let exact = try? ExactNumber.value(of: text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "a JSON number with this many digits cannot be read exactly; write it as a string")
            }
            value = exact
        }

        /// The exact value of a number's text, as `Rational(parsing:)` reads
        /// it. Plain decimals of at most 18 significant digits (what float
        /// weights print as) take a fast path of one 64-bit division, so a
        /// model of millions of numbers loads in seconds.
        static func value(of text: String) throws(RationalParseError) -> Rational {
            var mantissa: Int64 = 0, digits = 0, fractionDigits = 0, exponent = 0
            var negative = false, sawPoint = false, sawDigit = false, plain = true
            var bytes = text.utf8.makeIterator()
            var next = bytes.next()
            if next == UInt8(ascii: "-") || next == UInt8(ascii: "+") { negative = next == UInt8(ascii: "-"); next = bytes.next() }
            while let c = next {
                if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) {
                    sawDigit = true
                    if sawPoint { fractionDigits += 1 }
                    if mantissa > 0 || c != UInt8(ascii: "0") {
                        digits += 1
                        if digits > 18 { plain = false; break }
                        mantissa = mantissa * 10 + Int64(c - UInt8(ascii: "0"))
                    }
                } else if c == UInt8(ascii: "."), !sawPoint {
                    sawPoint = true
                } else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                    // A short exponent only; anything else takes the general path.
                    guard sawDigit, let e = Int(String(decoding: Array(IteratorSequence(bytes)), as: UTF8.self)), abs(e) <= 36 else {
                        plain = false; break
                    }
                    exponent = e
                    next = nil
                    break
                } else {
                    plain = false; break
                }
                next = bytes.next()
            }
            let scale = exponent - fractionDigits
            if plain, sawDigit, abs(scale) <= 18 {
                var power: Int64 = 1
                for _ in 0..<abs(scale) { power *= 10 }
                let signed = negative ? -mantissa : mantissa
                if scale < 0 { return Rational(Int(signed), Int(power)) }
                let (product, overflow) = signed.multipliedReportingOverflow(by: power)
                if !overflow { return Rational(Int(product)) }
            }
            return try Rational(parsing: text)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(value.description)
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "top level" : text)
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing key \"\(key.stringValue)\" at \(path(context.codingPath))"
        case .typeMismatch(_, let context): return "\(path(context.codingPath)): wrong type (\(context.debugDescription))"
        case .valueNotFound(_, let context): return "\(path(context.codingPath)): missing value"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "not a climep JSON model"
        }
    }
}

extension JSONModelFormat.Document {
    /// Decodes a document, rejecting keys the format does not define.
    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        format = try container.decode(String.self, forKey: .format)
        inputs = try container.decodeIfPresent(Int.self, forKey: .inputs)
        layers = try container.decode([Layer].self, forKey: .layers)
    }
}

extension JSONModelFormat.Document.Layer {
    /// Decodes a layer, rejecting keys the format does not define.
    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        weights = try container.decode([[JSONModelFormat.ExactNumber]].self, forKey: .weights)
        bias = try container.decode([JSONModelFormat.ExactNumber].self, forKey: .bias)
        activation = try container.decode(String.self, forKey: .activation)
        slope = try container.decodeIfPresent(JSONModelFormat.ExactNumber.self, forKey: .slope)
        lower = try container.decodeIfPresent(JSONModelFormat.ExactNumber.self, forKey: .lower)
        upper = try container.decodeIfPresent(JSONModelFormat.ExactNumber.self, forKey: .upper)
        alpha = try container.decodeIfPresent(JSONModelFormat.ExactNumber.self, forKey: .alpha)
        divisor = try container.decodeIfPresent(JSONModelFormat.ExactNumber.self, forKey: .divisor)
        scale = try container.decodeIfPresent(JSONModelFormat.ExactNumber.self, forKey: .scale)
        cubic = try container.decodeIfPresent(JSONModelFormat.ExactNumber.self, forKey: .cubic)
        weightRadius = try container.decodeIfPresent([[JSONModelFormat.ExactNumber]].self, forKey: .weightRadius)
        biasRadius = try container.decodeIfPresent([JSONModelFormat.ExactNumber].self, forKey: .biasRadius)
    }
}

/// A network codes as a climep-model document (exact strings), so other
/// JSON formats — certificates — can embed one; decoding checks it as the
/// model loader does.
extension Network: Codable {
    public init(from decoder: any Decoder) throws {
        let document = try JSONModelFormat.Document(from: decoder)
        do {
            self = try JSONModelFormat.network(from: document, source: "embedded model")
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        try JSONModelFormat.document(for: self).encode(to: encoder)
    }
}
