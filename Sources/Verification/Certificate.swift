import ExactArithmetic
import Polyhedra
import Foundation
import NeuralNetwork

/// A climep certificate: everything `climep certify` claims about a model
/// over a box, with the data that lets `CertificateChecker` re-verify every
/// claim from the model file in exact arithmetic. Plain JSON: exact
/// rationals are strings `"p/q"`; `proofs/certificate.md` gives every
/// field's meaning and the argument that makes it a proof.
public struct Certificate: Codable, Sendable, Equatable {
    /// Always `"climep-certificate"`.
    public var format: String
    /// The format version, `Certificate.currentVersion`.
    public var version: Int
    public var model: ModelClaims
    /// The box `X`, one exact interval per input.
    public var box: BoxClaims
    public var linearization: LinearizationClaims
    public var regions: RegionClaims
    public var decisionNet: DecisionNetClaims
    public var agreement: AgreementClaims
    /// 2 inputs, optional: a DecisionNet of few hyperplanes proven to answer
    /// `f`'s label where the agreement claims prove it (§2.7).
    public var compactDecisionNet: CompactDecisionNetClaims?

    /// The format name in `format`.
    public static let formatName = "climep-certificate"
    /// The version this build writes and reads. Version 2 dropped the
    /// unchecked `pieces`/`fit` labels and states the agreed area as a
    /// verified dyadic lower bound; version 3 stores every set of LP
    /// multipliers sparsely (`BoundCertificate`: `[[index, "p/q"], …]`) and
    /// names each DecisionNet cell by its witness alone (the sign pattern is
    /// recomputed), so a certificate grows linearly with the regions;
    /// version 4 adds the optional compact DecisionNet (its `covered`
    /// regions, for other than 2 inputs, came within version 4: a reader
    /// without them refuses such a certificate rather than misreading it);
    /// version 5 lets a DecisionNet table entry name its point as a region's
    /// leaf point (`CellEntry.region`) instead of repeating it.
    public static let currentVersion = 5

    /// The model the certificate is about.
    public struct ModelClaims: Codable, Sendable, Equatable {
        /// SHA-256 of the model file's bytes, lowercase hex; for a model
        /// with external data files, the hash of it and of every one of them
        /// (`ModelFingerprint.sha256(_: ModelFile)`).
        public var sha256: String
        /// The external data files the model depends on, as the model names
        /// them (relative to its folder), in the order they are hashed; absent
        /// (nil) for a self-contained model file.
        public var externalData: [String]?
        public var inputs: Int
        public var classes: Int
        /// Weights and biases of the layers climep uses.
        public var parameters: Int
        /// Those layers, exactly: what the DecisionNet's fallback evaluates
        /// (`dnet predict` needs no model file). Must equal the file's.
        public var network: Network

        /// Equal claims: the same file hash, shape and layers (where the
        /// embedded network was read from does not matter).
        public static func == (a: ModelClaims, b: ModelClaims) -> Bool {
            a.sha256 == b.sha256 && a.externalData == b.externalData && a.inputs == b.inputs && a.classes == b.classes
                && a.parameters == b.parameters && a.network.layers == b.network.layers
        }

        /// The claims of `network` read from `file`: its fingerprint, data files, counts and layers.
        public init(_ network: Network, file: ModelFile) {
            self.init(sha256: ModelFingerprint.sha256(file),
                      externalData: file.externalFiles.isEmpty ? nil : file.externalFiles.map(\.location), inputs: network.inputCount,
                      classes: network.classCount, parameters: network.parameterCount, network: network)
        }

        /// The value with these fields (checked only by `CertificateChecker`).
        public init(sha256: String, externalData: [String]? = nil, inputs: Int, classes: Int, parameters: Int, network: Network) {
            self.sha256 = sha256
            self.externalData = externalData
            self.inputs = inputs
            self.classes = classes
            self.parameters = parameters
            self.network = network
        }
    }

    /// The box, as exact bounds.
    public struct BoxClaims: Codable, Sendable, Equatable {
        public var lower: [Rational]
        public var upper: [Rational]

        /// The value with these fields (checked only by `CertificateChecker`).
        public init(lower: [Rational], upper: [Rational]) {
            self.lower = lower
            self.upper = upper
        }
    }

    /// `g` and the bound on `|f − g|`.
    public struct LinearizationClaims: Codable, Sendable, Equatable {
        /// One per layer of the model. `g` is what these functions are; how
        /// they were fitted is not a claim and is not recorded.
        public var layers: [LayerClaims]
        /// How the box was bisected for the bound.
        public var subBoxes: SubBoxTree
        /// Per logit: `|f_i(x) − g_i(x)| ≤ errorBound[i]` for every `x` in the box.
        public var errorBound: [Rational]

        /// The value with these fields (checked only by `CertificateChecker`).
        public init(layers: [LayerClaims], subBoxes: SubBoxTree, errorBound: [Rational]) {
            self.layers = layers
            self.subBoxes = subBoxes
            self.errorBound = errorBound
        }
    }

    /// One layer of `g`.
    public struct LayerClaims: Codable, Sendable, Equatable {
        /// The model's activation, by name.
        public var activation: String
        /// `g`'s activation: the fit of a smooth activation, or the
        /// piecewise-linear activation itself.
        public var function: PiecewiseLinearFunction
        /// Smooth layers only: an interval holding every pre-activation of
        /// `f` and of `g` in this layer over the box.
        public var range: RationalInterval?
        /// Smooth layers only: `sup over range of |σ − p| ≤ activationError`.
        public var activationError: Rational?
        /// Smooth layers only: the cut points of the error table (see
        /// `ActivationErrorTable`), covering `range`.
        public var errorTable: [Rational]?

        /// The value with these fields (checked only by `CertificateChecker`).
        public init(activation: String, function: PiecewiseLinearFunction, range: RationalInterval?, activationError: Rational?, errorTable: [Rational]?) {
            self.activation = activation
            self.function = function
            self.range = range
            self.activationError = activationError
            self.errorTable = errorTable
        }
    }

    /// The linear regions of `g` and the proof that they cover the box.
    public struct RegionClaims: Codable, Sendable, Equatable {
        /// Number of regions: the leaves of the split tree.
        public var count: Int
        public var splitTree: RegionSplitTree

        /// The value with these fields (checked only by `CertificateChecker`).
        public init(count: Int, splitTree: RegionSplitTree) {
            self.count = count
            self.splitTree = splitTree
        }

        /// The split tree's leaf points in order: leaf `r`'s is region `r`'s
        /// (the replay meets the leaves in this order).
        public var leafPoints: [[Rational]] {
            splitTree.steps.compactMap { step in
                if case .leaf(let x) = step { x } else { nil }
            }
        }
    }

    /// The DecisionNet and the proof that it answers like `g` on the box.
    public struct DecisionNetClaims: Codable, Sendable, Equatable {
        public var hyperplanes: [Hyperplane]
        public var table: [CellEntry]
        /// For every region and pair of classes whose tie hyperplane on that
        /// region is not among `hyperplanes`: proof that the two never tie at
        /// the top there.
        public var separations: [Separation]
        /// `hyperplanes.count × (inputs + 1)`.
        public var hyperplaneCoefficients: Int
        /// `table.count`.
        public var tableEntries: Int
        /// Coefficients plus table entries.
        public var parameters: Int

        /// The value with these fields (checked only by `CertificateChecker`).
        public init(hyperplanes: [Hyperplane], table: [CellEntry], separations: [Separation], hyperplaneCoefficients: Int, tableEntries: Int, parameters: Int) {
            self.hyperplanes = hyperplanes
            self.table = table
            self.separations = separations
            self.hyperplaneCoefficients = hyperplaneCoefficients
            self.tableEntries = tableEntries
            self.parameters = parameters
        }
    }

    /// One DecisionNet table entry: `g` answers `label` at a point, and so
    /// (decision-net.md) on the point's cell, its strict sign pattern. The
    /// point is `witness`, or, where it is a region's leaf point, named by
    /// that region (`region`): exactly one of the two is present. Naming a
    /// leaf halves a certificate's table, whose other entries repeat the
    /// split tree's points.
    public struct CellEntry: Codable, Sendable, Equatable {
        public var label: Int
        public var witness: [Rational]?
        public var region: Int?

        /// The value with these fields (checked only by `CertificateChecker`).
        public init(label: Int, witness: [Rational]? = nil, region: Int? = nil) {
            self.label = label
            self.witness = witness
            self.region = region
        }

        /// The entry's point, from `leafPoints` (`RegionClaims.leafPoints`)
        /// where it names a region. Throws, saying why, unless exactly one
        /// of `witness` and `region` is present and `region` names a leaf.
        public func point(leafPoints: [[Rational]]) throws(InputError) -> [Rational] {
            switch (witness, region) {
            case (let x?, nil): return x
            case (nil, let r?):
                guard leafPoints.indices.contains(r) else { throw InputError("names region \(r), but the split tree has \(leafPoints.count) regions") }
                return leafPoints[r]
            case (_?, _?): throw InputError("has both a witness and a region")
            case (nil, nil): throw InputError("has neither a witness nor a region")
            }
        }
    }

    /// One compact DecisionNet table entry: the class of the cell of a point
    /// of the box.
    public struct TableEntry: Codable, Sendable, Equatable {
        public var label: Int
        public var witness: [Rational]

        /// The value with these fields (checked only by `CertificateChecker`).
        public init(label: Int, witness: [Rational]) {
            self.label = label
            self.witness = witness
        }
    }

    /// On region `region`, wherever classes `classes[0] < classes[1]` both
    /// beat every other class, `larger` beats the other one by more than 0:
    /// multipliers for `CertificateCheck.certifiedLowerBound` over
    /// `ClassScores.bothAhead`.
    public struct Separation: Codable, Sendable, Equatable {
        public var region: Int
        public var classes: [Int]
        public var larger: Int
        public var multipliers: BoundCertificate

        /// The value with these fields (checked only by `CertificateChecker`).
        public init(region: Int, classes: [Int], larger: Int, multipliers: BoundCertificate) {
            self.region = region
            self.classes = classes
            self.larger = larger
            self.multipliers = multipliers
        }
    }

    /// Where `f` provably answers like `g` (and the DecisionNet).
    public struct AgreementClaims: Codable, Sendable, Equatable {
        /// Regions on which `g`'s label margin exceeds the error bound everywhere.
        public var regions: [AgreedRegion]
        /// 2 inputs only: a lower bound on the area of the box where the
        /// margin exceeds the error bound (a short dyadic: the exact area can
        /// have hundreds of thousands of digits), and the box's exact area.
        public var areaLowerBound: Rational?
        public var boxArea: Rational?

        /// The value with these fields (checked only by `CertificateChecker`).
        public init(regions: [AgreedRegion], areaLowerBound: Rational?, boxArea: Rational?) {
            self.regions = regions
            self.areaLowerBound = areaLowerBound
            self.boxArea = boxArea
        }
    }

    /// On region `region`, `score_label − score_j > e_label + e_j` for every
    /// `j ≠ label`: one set of lower-bound multipliers per `j`, increasing `j`.
    public struct AgreedRegion: Codable, Sendable, Equatable {
        public var region: Int
        public var label: Int
        public var multipliers: [BoundCertificate]

        /// The value with these fields (checked only by `CertificateChecker`).
        public init(region: Int, label: Int, multipliers: [BoundCertificate]) {
            self.region = region
            self.label = label
            self.multipliers = multipliers
        }
    }

    /// A DecisionNet certified against `f` (proofs/compact-decision-net.md):
    /// where `g`'s margin exceeds the error bound, it answers `f`'s label,
    /// except on the listed uncovered parts (2 inputs), or on the listed
    /// covered agreed regions (any other number of inputs).
    public struct CompactDecisionNetClaims: Codable, Sendable, Equatable {
        public var hyperplanes: [Hyperplane]
        /// The cells whose label is not `defaultLabel`, each named by a point
        /// of the box off every hyperplane.
        public var table: [TableEntry]
        /// The label of every cell the table does not list.
        public var defaultLabel: Int
        /// 2 inputs: the parts `[region, class]` of the agreement set on which
        /// the net is not proven to answer `class` everywhere, in increasing
        /// order: exactly those the checker finds.
        public var uncovered: [[Int]]?
        /// 2 inputs: a lower bound on the area of the box where the net
        /// provably answers `f`'s label (a short dyadic, like the agreed area).
        public var areaLowerBound: Rational?
        /// Other input counts: the agreed regions on which the net provably
        /// answers the region's agreed label everywhere, by increasing region.
        public var covered: [CoveredRegion]?
        /// `hyperplanes.count × (inputs + 1)`.
        public var hyperplaneCoefficients: Int
        /// `table.count`.
        public var tableEntries: Int
        /// Coefficients, table entries and the default label.
        public var parameters: Int

        /// The value with these fields (checked only by `CertificateChecker`).
        public init(hyperplanes: [Hyperplane], table: [TableEntry], defaultLabel: Int, uncovered: [[Int]]? = nil,
                    areaLowerBound: Rational? = nil, covered: [CoveredRegion]? = nil,
                    hyperplaneCoefficients: Int, tableEntries: Int, parameters: Int) {
            self.hyperplanes = hyperplanes
            self.table = table
            self.defaultLabel = defaultLabel
            self.uncovered = uncovered
            self.areaLowerBound = areaLowerBound
            self.covered = covered
            self.hyperplaneCoefficients = hyperplaneCoefficients
            self.tableEntries = tableEntries
            self.parameters = parameters
        }
    }

    /// An agreed region on which the compact DecisionNet answers the
    /// region's agreed label everywhere: on which side of each hyperplane the
    /// region lies, where that is proven, and the proofs. The net's answer
    /// there is then the label of every cell these sides leave possible
    /// (`CompactDecisionNet.answersOnly`).
    public struct CoveredRegion: Codable, Sendable, Equatable {
        public var region: Int
        /// Per hyperplane `h`: `1` when `h ≥ 0` on the region, `-1` when
        /// `h < 0` on it, `0` when not stated.
        public var sides: [Int]
        /// One per non-zero side, in hyperplane order: multipliers for
        /// `CertificateCheck.certifiedLowerBound` proving `h ≥ 0` (side 1)
        /// or `−h > 0` (side −1) over the region.
        public var proofs: [BoundCertificate]

        /// The value with these fields (checked only by `CertificateChecker`).
        public init(region: Int, sides: [Int], proofs: [BoundCertificate]) {
            self.region = region
            self.sides = sides
            self.proofs = proofs
        }
    }

    /// The certificate as JSON: its one canonical encoding (sorted keys, no
    /// whitespace, rationals as `"p/q"` strings), so equal certificates are equal bytes.
    public func encoded() throws -> Data { try CanonicalJSON.encode(self) }

    /// The largest certificate file the reader takes. `certify` refuses to
    /// write a larger one, so that whatever it writes, `check` reads.
    public static let maximumBytes = InputLimits.maximumCertificateBytes

    /// The bytes `certify` writes: `encoded()`, verified to read back through
    /// `decode` unchanged and to be within `maximumBytes`. Throws otherwise,
    /// naming why: a certificate that `check` could not read is never written.
    public func encodedForReading() throws(InputError) -> Data {
        let data: Data
        do { data = try encoded() } catch { throw InputError("the certificate cannot be encoded: \(error)") }
        guard data.count <= Certificate.maximumBytes else {
            throw InputError("the certificate would be \(data.count) bytes, more than the \(Certificate.maximumBytes) that check reads")
        }
        // The reader's canonical comparison would re-encode the decoded value; when it equals
        // `self` that encoding is `data` itself, so it is skipped (a third pass over up to a GiB).
        guard try Certificate.decode(data, reEncoding: false) == self else {
            throw InputError("the certificate does not read back as written (a bug in climep)")
        }
        return data
    }

    /// Reads the certificate file at `path` (at most `maximumBytes`).
    public static func read(path: String) throws(InputError) -> Certificate {
        try decode(try readDocumentFile(path, what: "certificate", limit: maximumBytes))
    }

    /// Reads a certificate; throws `InputError` naming what is malformed.
    ///
    /// Accepts only the canonical bytes `encoded()` writes
    /// (`CanonicalJSON.decodeCanonical`): every key is known, appears once
    /// and in order, every value has its one spelling, and every JSON reader
    /// sees the claims `check` verified (proofs/certificate.md §1).
    public static func decode(_ data: Data) throws(InputError) -> Certificate {
        try decode(data, reEncoding: true)
    }

    private static func decode(_ data: Data, reEncoding: Bool) throws(InputError) -> Certificate {
        try CanonicalJSON.decodeCanonical(Certificate.self, from: data, what: "certificate",
                                          encode: reEncoding ? { try $0.encoded() } : nil) { certificate throws(InputError) in
            guard certificate.format == formatName else {
                throw InputError("not a climep certificate (format '\(certificate.format)')")
            }
            guard certificate.version == currentVersion else {
                throw InputError("certificate version \(certificate.version) is not supported (this climep reads \(currentVersion))")
            }
        }
    }

    /// The value with these fields (checked only by `CertificateChecker`).
    public init(format: String, version: Int, model: ModelClaims, box: BoxClaims, linearization: LinearizationClaims, regions: RegionClaims, decisionNet: DecisionNetClaims, agreement: AgreementClaims, compactDecisionNet: CompactDecisionNetClaims? = nil) {
        self.format = format
        self.version = version
        self.model = model
        self.box = box
        self.linearization = linearization
        self.regions = regions
        self.decisionNet = decisionNet
        self.agreement = agreement
        self.compactDecisionNet = compactDecisionNet
    }
}
