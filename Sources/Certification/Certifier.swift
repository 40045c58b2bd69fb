import ExactArithmetic
import Foundation
import Linearization
import LPSearch
import NeuralNetwork
import Polyhedra
import Regions
import Verification

/// Makes a certificate: the search side of `climep certify`. Linearizes,
/// bounds `|f − g|`, enumerates every region with a split-tree certificate,
/// builds the DecisionNet and finds the agreement claims — all by search
/// whose every answer carries the data `CertificateChecker` verifies.
public enum Certifier {
    /// What `certify` found, with the certificate.
    public struct Result: Sendable {
        public let certificate: Certificate
        public let g: LinearizedNetwork
        public let errorBound: ErrorBound
        public let enumeration: RegionEnumeration
        public let decisionNet: DecisionNetConstruction
    }

    /// Whether the certificate also holds a compact DecisionNet, and the most numbers it may have (nil: as many as separating every
    /// class needs).
    public struct CompactRequest: Sendable {
        public let maximumParameters: Int?
        public init(maximumParameters: Int? = nil) { self.maximumParameters = maximumParameters }
    }

    /// Certifies `g` (the self-contained model in `modelData` linearized)
    /// over `box`; see `certify(_:model:over:splits:maximumRegions:trainingPoints:progress:)`.
    public static func certify(
        _ g: LinearizedNetwork, modelData: Data, over box: InputBox, splits: Int,
        maximumRegions: Int = .max, trainingPoints: [[Rational]] = [], compact: CompactRequest? = nil,
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) throws(RegionEnumeration.LimitReached) -> Result {
        try certify(g, model: ModelFile(selfContained: modelData, source: ""), over: box, splits: splits,
                    maximumRegions: maximumRegions, trainingPoints: trainingPoints, compact: compact, progress: progress)
    }

    /// Certifies `g` (the model in `file` linearized) over `box`; the
    /// certificate's model hash covers `file`'s bytes and external data files.
    /// Throws `RegionEnumeration.LimitReached` when the regions exceed
    /// `maximumRegions`: a certificate needs the complete enumeration. With
    /// `compact` the certificate also holds a compact DecisionNet chosen
    /// from `g`'s tie hyperplanes (certified by area with 2 inputs, by
    /// covered agreed regions otherwise).
    public static func certify(
        _ g: LinearizedNetwork, model file: ModelFile, over box: InputBox, splits: Int,
        maximumRegions: Int = .max, trainingPoints: [[Rational]] = [], compact: CompactRequest? = nil,
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) throws(RegionEnumeration.LimitReached) -> Result {
        let enumeration = try RegionEnumeration.complete(g, over: box, maximumRegions: maximumRegions) {
            progress($0.description)
        }
        return certify(g, model: file, over: box, splits: splits, enumeration: enumeration,
                       trainingPoints: trainingPoints, compact: compact, progress: progress)
    }

    /// Certifies `g` over `box` from a complete enumeration found elsewhere
    /// (`RegionEnumeration.merging` of shards): the error bound, the
    /// DecisionNets and the agreement claims, as `certify` does after enumerating.
    public static func certify(
        _ g: LinearizedNetwork, model file: ModelFile, over box: InputBox, splits: Int,
        enumeration: RegionEnumeration, trainingPoints: [[Rational]] = [], compact: CompactRequest? = nil,
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) -> Result {
        precondition(enumeration.isComplete, "a certificate needs the complete enumeration")
        let network = g.original
        progress("bounding |f - g| over \(splits) splits…")
        let bound = ErrorBound.certify(g, over: box, splits: splits)
        progress("bounding each region's margins…")
        let margins = enumeration.regions.parallelMap(RegionMargins.init)
        progress("building the DecisionNet…")
        let dnet = DecisionNet.build(enumeration, network: g, over: box, trainingPoints: trainingPoints, margins: margins)
        progress("proving agreement with the model…")
        let (agreement, parts) = agreementClaims(enumeration, margins: margins,
                                                 errors: ScoreErrors(logitErrors: bound.perLogit, marginBounds: bound.marginBound), box: box)
        var compactNet: Certificate.CompactDecisionNetClaims? = nil
        if let compact {
            progress("choosing the compact DecisionNet…")
            if box.dimension == 2 {
                compactNet = CompactDecisionNet.build(parts: parts, candidates: dnet.hyperplanes, classes: network.classCount,
                                                      box: box, maximumParameters: compact.maximumParameters)
            } else {
                let agreed = agreement.regions.map { claim in
                    let region = enumeration.regions[claim.region]
                    return AgreedRegionSample(region: claim.region, polytope: region.polytope, witness: region.witness, label: claim.label)
                }
                compactNet = CompactDecisionNet.build(agreed: agreed, candidates: dnet.hyperplanes, classes: network.classCount,
                                                      inputs: box.dimension, maximumParameters: compact.maximumParameters)
            }
        }

        let layers = zip(network.layers, g.activations).enumerated().map { k, pair in
            let (layer, p) = pair
            let table = bound.errorTables[k]
            let range = table.map { RationalInterval($0.points.first!, $0.points.last!) }
            return Certificate.LayerClaims(
                activation: layer.activation.name, function: p, range: range,
                activationError: range.flatMap { table!.bound(on: $0) }, errorTable: table?.points)
        }
        let coefficients = dnet.hyperplanes.count * (network.inputCount + 1)
        let regionClaims = Certificate.RegionClaims(count: enumeration.regions.count, splitTree: enumeration.certificate!)
        // An entry at a region's witness names the region instead of repeating its leaf point.
        let leafPoints = regionClaims.leafPoints
        let table = dnet.entries.map { entry in
            if let r = entry.region, leafPoints.indices.contains(r), leafPoints[r] == entry.witness {
                Certificate.CellEntry(label: entry.label, region: r)
            } else {
                Certificate.CellEntry(label: entry.label, witness: entry.witness)
            }
        }
        let certificate = Certificate(
            format: Certificate.formatName, version: Certificate.currentVersion,
            model: .init(network, file: file),
            box: .init(lower: box.lower, upper: box.upper),
            linearization: .init(layers: layers, subBoxes: bound.subBoxTree,
                                 errorBound: bound.perLogit),
            regions: regionClaims,
            decisionNet: .init(hyperplanes: dnet.hyperplanes, table: table, separations: dnet.separations,
                               hyperplaneCoefficients: coefficients, tableEntries: dnet.entries.count,
                               parameters: coefficients + dnet.entries.count),
            agreement: agreement, compactDecisionNet: compactNet)
        return Result(certificate: certificate, g: g, errorBound: bound, enumeration: enumeration, decisionNet: dnet)
    }

    /// The regions on which `g`'s label margin provably exceeds the error
    /// bound everywhere (one LP lower bound per other class), and for 2
    /// inputs the exact area where the margin exceeds it and the parts of
    /// positive area it is made of.
    static func agreementClaims(
        _ enumeration: RegionEnumeration, margins: [RegionMargins], errors: ScoreErrors, box: InputBox
    ) -> (claims: Certificate.AgreementClaims, parts: [AgreementPart]) {
        let planar = box.dimension == 2, regions = enumeration.regions
        // Per region, independently (LPs and exact polygons, every core); joined in region order.
        let perRegion = Array(regions.indices).parallelMap { r -> (agreed: Certificate.AgreedRegion?, parts: [AgreementPart]) in
            let region = regions[r]
            let scores = ClassScores(logitWeights: region.logitWeights, logitBias: region.logitBias)
            // The only candidate is g's label at the region's witness; its margins over the region
            // must exceed the error thresholds (they are ≥ 0, so a region that is not pure fails).
            let margin = margins[r], i = margin.label
            let agreed = margin.isPure && margin.lowerBounds.allSatisfy({ $0.bound.value > errors.threshold(i, $0.other) })
                ? Certificate.AgreedRegion(region: r, label: i, multipliers: margin.lowerBounds.map(\.bound.certificate)) : nil
            var parts: [AgreementPart] = []
            if planar {
                for k in 0..<scores.classCount {
                    guard let part = scores.ahead(k, by: errors, in: region.polytope) else { continue }
                    let vertices = PlanarPolygon.vertices(of: part)
                    guard vertices.count >= 3 else { continue }
                    parts.append(AgreementPart(region: r, label: k, vertices: vertices))
                }
            }
            return (agreed, parts)
        }
        let agreed = perRegion.compactMap(\.agreed), parts = perRegion.flatMap(\.parts)
        let area = parts.reduce(Rational.zero) { $0 + CertificateCheck.shoelaceArea($1.vertices) }
        guard planar else { return (.init(regions: agreed, areaLowerBound: nil, boxArea: nil), []) }
        let boxArea = (box.upper[0] - box.lower[0]) * (box.upper[1] - box.lower[1])
        return (.init(regions: agreed, areaLowerBound: shortLowerBound(of: area, scale: boxArea), boxArea: boxArea), parts)
    }

    /// The exact area rounded down to a multiple of `2^-b` with `2^-b` about
    /// `scale · 2^-62`: a short dyadic within 2⁻⁶² of the box's area below
    /// the exact value, which can have hundreds of thousands of digits.
    static func shortLowerBound(of area: Rational, scale: Rational) -> Rational {
        area.roundedDown(toBits: 62 - scale.nearestDouble.exponent)
    }
}
