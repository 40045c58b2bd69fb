import ExactArithmetic
import Foundation
import NeuralNetwork
import Polyhedra

/// A certificate of `climep verify`: the answer to a VNN-LIB property about a
/// model, with the data that lets `PropertyChecker` re-verify it from the
/// model file in exact arithmetic. Same reading rules as `Certificate` (one
/// canonical encoding, rationals as `"p/q"` strings); proofs/property.md
/// gives every field's meaning and the argument that makes it a proof.
public struct PropertyCertificate: Codable, Sendable, Equatable {
    /// Always `"climep-property-certificate"`.
    public var format: String
    /// `PropertyCertificate.currentVersion`.
    public var version: Int
    public var model: Certificate.ModelClaims
    /// The property, exactly as read from the VNN-LIB file.
    public var property: PropertyClaims
    /// `"holds"` or `"violated"`.
    public var answer: String
    /// For `holds`: one proof per case, in the property's order.
    public var holds: [CaseProof]?
    /// For `violated`: the input that violates the property.
    public var violation: Counterexample?

    public static let formatName = "climep-property-certificate"
    public static let currentVersion = 2
    /// The answers a certificate can state (`unknown` is never certified).
    public static let answers = ["holds", "violated"]

    /// The property: its declared counts and its cases.
    public struct PropertyClaims: Codable, Sendable, Equatable {
        public var inputs: Int
        public var outputs: Int
        public var cases: [CaseClaims]

        public init(inputs: Int, outputs: Int, cases: [CaseClaims]) {
            self.inputs = inputs
            self.outputs = outputs
            self.cases = cases
        }

        /// The claims stating `property`.
        public init(_ property: VNNLIBProperty) {
            self.init(inputs: property.inputCount, outputs: property.outputCount, cases: property.cases.map { c in
                CaseClaims(box: Certificate.BoxClaims(lower: c.box.lower, upper: c.box.upper), constraints: c.constraints.map { constraint in
                    var dense = [Rational](repeating: .zero, count: property.outputCount)
                    for (j, a) in constraint.coefficients { dense[j] = a }
                    return ConstraintClaims(coefficients: dense, bound: constraint.bound, strict: constraint.strict)
                })
            })
        }
    }

    /// One case: inputs in `box` whose outputs meet every constraint violate the property.
    public struct CaseClaims: Codable, Sendable, Equatable {
        public var box: Certificate.BoxClaims
        public var constraints: [ConstraintClaims]

        public init(box: Certificate.BoxClaims, constraints: [ConstraintClaims]) {
            self.box = box
            self.constraints = constraints
        }
    }

    /// `Σ_j coefficients[j]·y_j ≤ bound` (`<` when `strict`), one coefficient per output.
    public struct ConstraintClaims: Codable, Sendable, Equatable {
        public var coefficients: [Rational]
        public var bound: Rational
        public var strict: Bool

        public init(coefficients: [Rational], bound: Rational, strict: Bool) {
            self.coefficients = coefficients
            self.bound = bound
            self.strict = strict
        }
    }

    /// No input of a case's box violates it: the box divided by `splitTree`
    /// (input halvings and neuron splits), and on leaf `k` (preorder) the
    /// proof `leaves[k]` that no input of the leaf meets all the constraints.
    public struct CaseProof: Codable, Sendable, Equatable {
        public var splitTree: PropertySplitTree
        public var leaves: [LeafProof]

        public init(splitTree: PropertySplitTree, leaves: [LeafProof]) {
            self.splitTree = splitTree
            self.leaves = leaves
        }
    }

    /// Multipliers over the case's constraints whose combination is proven
    /// positive on the leaf: through the outputs' affine forms
    /// (`OutputForms`) when `relaxation` is nil, otherwise by
    /// back-substitution (`BackwardBound`) with its slopes and multipliers.
    public struct LeafProof: Codable, Sendable, Equatable {
        public var multipliers: BoundCertificate
        public var relaxation: LeafRelaxation?

        public init(multipliers: BoundCertificate, relaxation: LeafRelaxation? = nil) {
            self.multipliers = multipliers
            self.relaxation = relaxation
        }
    }

    /// The choices of a back-substituted bound: lower-line slopes of neurons
    /// (global index) whose range crosses a breakpoint, and multipliers
    /// `β > 0` of neurons the leaf holds to a piece. Every value must be a
    /// binary64 number exactly (proofs/property.md §3.2).
    public struct LeafRelaxation: Codable, Sendable, Equatable {
        public var slopes: NeuronValues
        public var betas: NeuronValues

        public init(slopes: NeuronValues, betas: NeuronValues) {
            self.slopes = slopes
            self.betas = betas
        }
    }

    /// Values of some neurons: pairs `[neuron, value]`, neurons strictly increasing.
    public struct NeuronValues: Codable, Sendable, Equatable {
        public var neurons: [Int]
        public var values: [Rational]

        public init(neurons: [Int], values: [Rational]) {
            precondition(neurons.count == values.count, "NeuronValues: one value per neuron")
            self.neurons = neurons
            self.values = values
        }

        /// The values as binary64 numbers; nil when one is not exactly a double.
        public var doubles: [Int: Double]? {
            var out: [Int: Double] = [:]
            for (n, v) in zip(neurons, values) {
                let d = v.nearestDouble
                guard Rational(exactly: d) == v else { return nil }
                out[n] = d
            }
            return out
        }

        public init(from decoder: any Decoder) throws {
            let (neurons, values) = try IndexedPairs.decode(from: decoder, what: "neuron value")
            self.init(neurons: neurons, values: values)
        }

        public func encode(to encoder: any Encoder) throws {
            try IndexedPairs.encode(neurons, values, to: encoder)
        }
    }

    /// An input of case `case`'s box at which the model's outputs meet every constraint of the case.
    public struct Counterexample: Codable, Sendable, Equatable {
        public var `case`: Int
        public var input: [Rational]

        public init(case k: Int, input: [Rational]) {
            self.case = k
            self.input = input
        }
    }

    public init(model: Certificate.ModelClaims, property: PropertyClaims, answer: String, holds: [CaseProof]?, violation: Counterexample?) {
        format = PropertyCertificate.formatName
        version = PropertyCertificate.currentVersion
        self.model = model
        self.property = property
        self.answer = answer
        self.holds = holds
        self.violation = violation
    }

    /// The one canonical encoding (sorted keys, no whitespace).
    public func encoded() throws -> Data { try CanonicalJSON.encode(self) }

    /// The bytes `verify` writes: `encoded()`, verified to read back through
    /// `decode` unchanged and to be within `Certificate.maximumBytes`.
    public func encodedForReading() throws(InputError) -> Data {
        let data: Data
        do { data = try encoded() } catch { throw InputError("the certificate cannot be encoded: \(error)") }
        guard data.count <= Certificate.maximumBytes else {
            throw InputError("the certificate would be \(data.count) bytes, more than the \(Certificate.maximumBytes) that check reads")
        }
        guard try PropertyCertificate.decode(data) == self else {
            throw InputError("the certificate does not read back as written (a bug in climep)")
        }
        return data
    }

    /// Reads a property certificate; only its canonical bytes are accepted
    /// (`CanonicalJSON.decodeCanonical`, proofs/certificate.md §1).
    public static func decode(_ data: Data) throws(InputError) -> PropertyCertificate {
        try CanonicalJSON.decodeCanonical(PropertyCertificate.self, from: data, what: "certificate", encode: { try $0.encoded() }) { c throws(InputError) in
            guard c.format == formatName else { throw InputError("not a climep property certificate (format '\(c.format)')") }
            guard c.version == currentVersion else {
                throw InputError("property certificate version \(c.version) is not supported (this climep reads \(currentVersion))")
            }
        }
    }
}

/// A certificate file of either kind, told apart by its `format`.
public enum CertificateDocument: Sendable {
    case regions(Certificate)
    case property(PropertyCertificate)

    /// Reads the certificate file at `path` (at most `Certificate.maximumBytes`).
    public static func read(path: String) throws(InputError) -> CertificateDocument {
        let data = try readDocumentFile(path, what: "certificate", limit: Certificate.maximumBytes)
        struct Format: Decodable { let format: String }
        // Only the top level's keys are scanned. Bytes without a readable format name are
        // read as a regions certificate, whose reader names what is malformed (strict syntax
        // first), so the syntax is scanned once.
        let format = try? CanonicalJSONReader.decode(Format.self, from: data).format
        return format == PropertyCertificate.formatName ? .property(try PropertyCertificate.decode(data)) : .regions(try Certificate.decode(data))
    }
}
