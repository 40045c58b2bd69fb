import ExactArithmetic
import Foundation
import NeuralNetwork
import Polyhedra

/// The first claim of a certificate that does not hold, and why.
public struct CertificateCheckFailure: Error, Equatable, CustomStringConvertible, Sendable {
    /// The claim, by its place in the certificate (`linearization.errorBound[1]`, …).
    public let claim: String
    /// What is wrong, in one line.
    public let reason: String

    public var description: String { "\(claim): \(reason)" }
}

/// What a certificate proves, as the checker verified it: every field is
/// either recomputed by the checker or a claim the checker compared with its
/// own recomputation. Nothing here is copied from the certificate unchecked.
public struct CheckedCertificate: Sendable {
    /// SHA-256 of the model file the claims are about (it matched the file).
    public let modelSHA256: String
    public let inputs: Int
    public let classes: Int
    /// Weights and biases of the model's layers.
    public let modelParameters: Int
    /// The box `X` every claim is about.
    public let box: InputBox
    /// `g`, layer by layer: the model's activation and the pieces of `g`'s function for it.
    public let layers: [(activation: String, pieces: Int)]
    /// The bound on `|f_i − g_i|` per logit that the checker recomputed.
    public let errorBound: [Rational]
    /// The certificate's bound per logit; `errorBound[i] ≤ claimedErrorBound[i]`.
    public let claimedErrorBound: [Rational]
    /// What the agreement claims were proven against: the recomputed bounds
    /// per score and per pair of scores (proofs/agreement.md).
    package let scoreErrors: ScoreErrors
    /// Number of regions; they cover the box.
    public let regions: Int
    public let hyperplanes: Int
    public let tableEntries: Int
    /// Hyperplane coefficients plus table entries.
    public let decisionNetParameters: Int
    /// Regions on which `f`, `g` and the DecisionNet provably agree everywhere.
    public let agreedRegions: Int
    /// 2 inputs: the exact area where agreement is proven (recomputed), the
    /// certificate's dyadic lower bound on it (verified ≤ it), and the box's area.
    public let agreedArea: Rational?
    public let agreedAreaLowerBound: Rational?
    public let boxArea: Rational?
    /// The compact DecisionNet, when the certificate holds one.
    public let compact: CheckedCompactDecisionNet?
}

/// What the checker proved of a compact DecisionNet (proofs/compact-decision-net.md).
public struct CheckedCompactDecisionNet: Sendable {
    public let hyperplanes: Int
    public let tableEntries: Int
    /// Coefficients, table entries and the default label.
    public let parameters: Int
    /// 2 inputs: parts `(region, class)` of the agreement set where it is not proven to answer `f`'s label.
    public let uncoveredParts: Int?
    /// 2 inputs: the exact area where it provably answers `f`'s label
    /// (recomputed), and the certificate's lower bound on it (verified ≤ it).
    public let agreedArea: Rational?
    public let agreedAreaLowerBound: Rational?
    /// Other input counts: agreed regions on which it provably answers `f`'s label everywhere.
    public let coveredRegions: Int?
}

/// Re-verifies every claim of a `Certificate` from the model file, in exact
/// arithmetic, trusting nothing the certifier computed. One function per
/// section of proofs/certificate.md §2, called in the proof's order; each
/// takes what the earlier sections established (the model `f`, the box `X`,
/// `g`, the replayed regions). Depends on the exact core, Polyhedra's exact
/// checks and the model loader only.
public enum CertificateChecker {
    /// Checks `certificate` against the model file's bytes (`source` is its
    /// path: it names the file and picks its format). Throws the first
    /// claim that fails.
    public static func check(
        _ certificate: Certificate, modelData: Data, source: String
    ) throws(CertificateCheckFailure) -> CheckedCertificate {
        let file: ModelFile
        do { file = try ModelFile(bytes: modelData, source: source) } catch { throw fail("model", "\(error)") }
        return try check(certificate, model: file)
    }

    /// Checks `certificate` against every byte of the model (its file and
    /// external data files, read once). Throws the first claim that fails.
    public static func check(
        _ certificate: Certificate, model file: ModelFile
    ) throws(CertificateCheckFailure) -> CheckedCertificate {
        let network = try checkModel(certificate.model, file: file)
        let box = try checkBox(certificate.box, network: network)
        let (g, bound, errors) = try checkLinearization(certificate.linearization, network: network, box: box)
        let regions = try checkRegions(certificate.regions, g: g, box: box)
        try checkDecisionNet(certificate.decisionNet, regions: regions, leafPoints: certificate.regions.leafPoints, g: g, box: box)
        let agreement = try checkAgreement(
            certificate.agreement, regions: regions, errors: errors, classes: network.classCount, box: box)
        let compact = try checkCompactDecisionNet(
            certificate.compactDecisionNet, parts: agreement.parts, agreedLabels: agreement.labels, regions: regions,
            classes: network.classCount, box: box, exactHyperplanes: certificate.decisionNet.hyperplanes.count)
        let dnet = certificate.decisionNet
        return CheckedCertificate(
            modelSHA256: certificate.model.sha256, inputs: network.inputCount, classes: network.classCount,
            modelParameters: network.parameterCount, box: box,
            layers: zip(network.layers, g.activations).map { ($0.activation.name, $1.pieceCount) },
            errorBound: bound, claimedErrorBound: certificate.linearization.errorBound, scoreErrors: errors,
            regions: regions.count, hyperplanes: dnet.hyperplanes.count, tableEntries: dnet.table.count,
            decisionNetParameters: dnet.parameters, agreedRegions: agreement.labels.count,
            agreedArea: agreement.area, agreedAreaLowerBound: certificate.agreement.areaLowerBound,
            boxArea: certificate.agreement.boxArea, compact: compact)
    }

    /// A region as the split-tree replay hands it over: its polytope and `g`'s class scores on it.
    typealias ReplayedRegion = (polytope: Polytope, scores: ClassScores)

    private static func fail(_ claim: String, _ reason: String) -> CertificateCheckFailure {
        CertificateCheckFailure(claim: claim, reason: reason)
    }

    // MARK: §2.1 model

    /// The file's hash, the model it loads to, the embedded layers and the counts.
    /// Proof: proofs/certificate.md §2.1.
    static func checkModel(
        _ claims: Certificate.ModelClaims, file: ModelFile
    ) throws(CertificateCheckFailure) -> Network {
        let digest = ModelFingerprint.sha256(file)
        guard digest == claims.sha256 else {
            throw fail("model.sha256", "the model file's SHA-256 is \(digest), the certificate is for \(claims.sha256)")
        }
        let files = file.externalFiles.map(\.location)
        guard claims.externalData == (files.isEmpty ? nil : files) else {
            throw fail("model.externalData", "the model depends on the external data files \(files), the certificate names \(claims.externalData ?? [])")
        }
        let network: Network
        do { network = try Network(file: file) } catch {
            throw fail("model", "\(error)")
        }
        guard claims.network.layers == network.layers else {
            throw fail("model.network", "the embedded layers differ from the model file's")
        }
        for (name, claimed, actual) in [("inputs", claims.inputs, network.inputCount),
                                        ("classes", claims.classes, network.classCount),
                                        ("parameters", claims.parameters, network.parameterCount)]
        where claimed != actual {
            throw fail("model.\(name)", "the certificate says \(claimed), the model has \(actual)")
        }
        return network
    }

    // MARK: §2.2 box

    /// `d` intervals of positive width. Proof: proofs/certificate.md §2.2.
    static func checkBox(_ claims: Certificate.BoxClaims, network: Network) throws(CertificateCheckFailure) -> InputBox {
        let box: InputBox
        do { box = try InputBox(lower: claims.lower, upper: claims.upper) } catch {
            throw fail("box", "\(error)")
        }
        guard box.dimension == network.inputCount else {
            throw fail("box", "\(box.dimension) intervals for \(network.inputCount) inputs")
        }
        guard zip(box.lower, box.upper).allSatisfy({ $0 < $1 }) else {
            throw fail("box", "every interval must have positive width")
        }
        return box
    }

    // MARK: §2.3 linearization

    /// `g` from the functions; every layer's range, table and activation
    /// error; the error bound recomputed over the sub-box tree. Returns `g`,
    /// the recomputed per-logit bound and the score errors (with the margin
    /// bounds, recomputed over the same tree). Proof: proofs/certificate.md §2.3 and §3,
    /// proofs/error-bound.md, proofs/interval-propagation.md.
    static func checkLinearization(
        _ claims: Certificate.LinearizationClaims, network: Network, box: InputBox
    ) throws(CertificateCheckFailure) -> (LinearizedNetwork, [Rational], ScoreErrors) {
        guard claims.layers.count == network.layers.count else {
            throw fail("linearization.layers", "\(claims.layers.count) layers for a model with \(network.layers.count)")
        }
        let g: LinearizedNetwork
        do { g = try LinearizedNetwork(network, activations: claims.layers.map(\.function)) } catch {
            throw fail("linearization.layers", "\(error)")
        }
        let fRanges = IntervalPropagation.original(network, over: box).preActivation
        let gRanges = IntervalPropagation.linearized(g, over: box).preActivation
        var tables: [Int: ActivationErrorTable] = [:]
        for (k, (layer, claim)) in zip(network.layers, claims.layers).enumerated() {
            let name = "linearization.layers[\(k)]"
            guard claim.activation == layer.activation.name else {
                throw fail("\(name).activation", "the certificate says \(claim.activation), the model has \(layer.activation.name)")
            }
            guard let smooth = SmoothActivation(layer.activation) else {
                guard claim.range == nil, claim.activationError == nil, claim.errorTable == nil else {
                    throw fail(name, "a piecewise-linear layer has no range, activation error or error table")
                }
                continue
            }
            guard let range = claim.range, let epsilon = claim.activationError, let points = claim.errorTable else {
                throw fail(name, "a smooth layer needs its range, activation error and error table")
            }
            let table: ActivationErrorTable
            do { table = try ActivationErrorTable(p: claim.function, f: smooth, points: points) } catch {
                throw fail("\(name).errorTable", "\(error)")
            }
            for (j, r) in (fRanges[k] + gRanges[k]).enumerated() where !(range.lower <= r.lower && r.upper <= range.upper) {
                let which = j < fRanges[k].count ? "f's neuron \(j)" : "g's neuron \(j - fRanges[k].count)"
                throw fail("\(name).range", "\(range) does not hold \(which) range \(r)")
            }
            guard let proven = table.bound(on: range) else {
                throw fail("\(name).errorTable", "the table does not cover the range \(range)")
            }
            guard proven <= epsilon else {
                throw fail("\(name).activationError", "claimed \(epsilon), but the table proves only \(proven)")
            }
            tables[k] = table
        }
        let bound: [Rational], margins: [Rational]
        do {
            let recursion = ErrorRecursion(g), checkedTables = tables
            let all = try claims.subBoxes.bound(over: box) { sub in
                recursion.evaluate(over: sub) { k, range in checkedTables[k]?.bound(on: range) }?.claims
            }
            bound = Array(all.prefix(network.logitCount))
            margins = Array(all.dropFirst(network.logitCount))
        } catch {
            throw fail("linearization.subBoxes", "\(error)")
        }
        guard claims.errorBound.count == bound.count else {
            throw fail("linearization.errorBound", "\(claims.errorBound.count) bounds for \(bound.count) logits")
        }
        for i in bound.indices where !(bound[i] <= claims.errorBound[i]) {
            throw fail("linearization.errorBound[\(i)]", "claimed \(claims.errorBound[i]), but the recomputed bound is \(bound[i])")
        }
        return (g, bound, ScoreErrors(logitErrors: bound, marginBounds: margins))
    }

    // MARK: §2.4 regions

    /// Replays the split tree; returns every region with `g`'s scores on it.
    /// Proof: proofs/certificate.md §2.4, proofs/split-tree.md.
    static func checkRegions(
        _ claims: Certificate.RegionClaims, g: LinearizedNetwork, box: InputBox
    ) throws(CertificateCheckFailure) -> [ReplayedRegion] {
        var regions: [ReplayedRegion] = []
        let count: Int
        do {
            count = try CompletenessCheck.verify(claims.splitTree, for: g, over: box) { polytope, logits in
                regions.append((polytope, ClassScores(logitWeights: logits.weights, logitBias: logits.bias)))
            }
        } catch {
            throw fail("regions.splitTree", "\(error)")
        }
        guard count == claims.count else {
            throw fail("regions.count", "claimed \(claims.count), the split tree has \(count) regions")
        }
        return regions
    }

    // MARK: §2.5 decisionNet

    /// Hyperplanes in normal form, every table entry at its point (its
    /// witness, or the leaf point of the region it names: `leafPoints`, the
    /// split tree's), every separation, the consistency condition (C) on
    /// every region, the counts.
    /// Proof: proofs/certificate.md §2.5, proofs/decision-net.md.
    static func checkDecisionNet(
        _ dnet: Certificate.DecisionNetClaims, regions: [ReplayedRegion], leafPoints: [[Rational]], g: LinearizedNetwork, box: InputBox
    ) throws(CertificateCheckFailure) {
        let d = box.dimension, classes = g.original.classCount
        let planes = try checkHyperplanes(dnet.hyperplanes, inputs: d, field: "decisionNet.hyperplanes")
        var points: [[Rational]] = []
        points.reserveCapacity(dnet.table.count)
        for (k, entry) in dnet.table.enumerated() {
            let name = "decisionNet.table[\(k)]"
            guard (0..<classes).contains(entry.label) else { throw fail("\(name).label", "no class \(entry.label)") }
            let point: [Rational]
            do { point = try entry.point(leafPoints: leafPoints) } catch { throw fail(name, error.message) }
            guard point.count == d, box.contains(point) else {
                throw fail("\(name).witness", "not a point of the box")
            }
            points.append(point)
        }
        // Each entry's cell is the witness's strict sign pattern, recomputed (not stored): filtered in
        // binary64 against a bound valid over the box, exact where it cannot decide
        // (proofs/decision-net.md, "Signs over a box"), the same patterns as every sign exact.
        // Distinct cells: entries whose fingerprints (functions of the patterns) differ have
        // different patterns; where fingerprints coincide the patterns are compared.
        let signs = HyperplaneSigns(dnet.hyperplanes, over: box)
        var entriesByFingerprint: [PatternFingerprint: [Int]] = [:]
        for (k, found) in signs.fingerprints(of: points).enumerated() {
            let name = "decisionNet.table[\(k)]"
            guard let fingerprint = found else {
                throw fail("\(name).witness", "lies on a hyperplane (no strict sign pattern)")
            }
            let earlier = entriesByFingerprint[fingerprint, default: []]
            if !earlier.isEmpty {
                let pattern = signs.pattern(of: points[k])
                if let same = earlier.first(where: { signs.pattern(of: points[$0]) == pattern }) {
                    throw fail("\(name).witness", "has the sign pattern of table[\(same)]'s witness (a cell listed twice)")
                }
            }
            entriesByFingerprint[fingerprint, default: []].append(k)
        }
        // g's exact label at every witness, one entry per core at a time: in binary64 with
        // rigorous rounding bounds where they decide it (decision-net.md, "Filtered forward pass").
        let table = dnet.table, pass = FilteredForwardPass(g)
        _ = try checkInParallel(table.count) { [points] k throws(CertificateCheckFailure) in
            let answer = pass.label(of: points[k], exactly: g)
            guard answer == table[k].label else {
                throw fail("decisionNet.table[\(k)].label", "claimed \(table[k].label), but g answers \(answer) at the witness")
            }
        }
        var separated: Set<[Int]> = []
        for (k, s) in dnet.separations.enumerated() {
            let name = "decisionNet.separations[\(k)]"
            guard regions.indices.contains(s.region), s.classes.count == 2, s.classes[0] < s.classes[1],
                  s.classes.allSatisfy({ (0..<classes).contains($0) }), s.classes.contains(s.larger) else {
                throw fail(name, "names no region and pair of classes of this certificate")
            }
            separated.insert([s.region, s.classes[0], s.classes[1]])
        }
        let separations = dnet.separations
        _ = try checkInParallel(separations.count) { k throws(CertificateCheckFailure) in
            let s = separations[k]
            let (a, b) = (s.classes[0], s.classes[1])
            let region = regions[s.region]
            let ahead = region.scores.bothAhead(a, b, in: region.polytope)
            let (c, offset) = region.scores.difference(s.larger, s.larger == a ? b : a)
            guard let proven = CertificateCheck.certifiedLowerBound(
                of: c, plus: offset, over: ahead, certificate: s.multipliers),
                  proven.sign > 0 else {
                throw fail("decisionNet.separations[\(k)]", "the multipliers do not prove that class \(s.larger) is ahead on region \(s.region)")
            }
        }
        _ = try checkInParallel(regions.count) { [planes, separated] r throws(CertificateCheckFailure) in
            let region = regions[r]
            for a in 0..<classes {
                for b in (a + 1)..<classes {
                    let (c, offset) = region.scores.difference(a, b)
                    guard let plane = Hyperplane(c, plus: offset) else { continue }  // a constant difference
                    guard planes.contains(plane) || separated.contains([r, a, b]) else {
                        throw fail("decisionNet", "on region \(r) classes \(a) and \(b) may tie at the top, but their tie hyperplane is not a DecisionNet hyperplane and no separation is given")
                    }
                }
            }
        }
        let coefficients = dnet.hyperplanes.count * (d + 1)
        for (name, claimed, actual) in [("hyperplaneCoefficients", dnet.hyperplaneCoefficients, coefficients),
                                        ("tableEntries", dnet.tableEntries, dnet.table.count),
                                        ("parameters", dnet.parameters, coefficients + dnet.table.count)]
        where claimed != actual {
            throw fail("decisionNet.\(name)", "claimed \(claimed), counted \(actual)")
        }
    }

    /// Every hyperplane has `inputs` coefficients, equals its own normal form
    /// and is listed once (so membership is set membership of normal forms);
    /// returns the set. Shared by both DecisionNets (§2.5, §2.7).
    private static func checkHyperplanes(
        _ hyperplanes: [Hyperplane], inputs d: Int, field: String
    ) throws(CertificateCheckFailure) -> Set<Hyperplane> {
        var planes: Set<Hyperplane> = []
        for (k, h) in hyperplanes.enumerated() {
            guard h.normal.count == d, let normal = Hyperplane(h.normal, plus: h.offset), normal == h else {
                throw fail("\(field)[\(k)]", "not a hyperplane in primitive integer normal form over \(d) inputs")
            }
            guard planes.insert(h).inserted else { throw fail("\(field)[\(k)]", "listed twice") }
        }
        return planes
    }

    // MARK: §2.6 agreement

    /// Every agreed region's margins against the recomputed score errors (per
    /// pair, the smaller of `e_i + e_j` and the symbolic margin bound); for 2
    /// inputs the exact agreed area (returned) and its claimed lower bound.
    /// Returns each agreed region's label, by region.
    /// Proof: proofs/certificate.md §2.6, proofs/agreement.md.
    static func checkAgreement(
        _ claims: Certificate.AgreementClaims, regions: [ReplayedRegion], errors: ScoreErrors,
        classes: Int, box: InputBox
    ) throws(CertificateCheckFailure) -> (labels: [Int: Int], area: Rational?, parts: [[AgreementPart]]) {
        var agreed: [Int: Int] = [:]
        for (k, claim) in claims.regions.enumerated() {
            let name = "agreement.regions[\(k)]"
            guard regions.indices.contains(claim.region), (0..<classes).contains(claim.label),
                  claim.multipliers.count == classes - 1 else {
                throw fail(name, "names no region and class of this certificate")
            }
            guard agreed.updateValue(claim.label, forKey: claim.region) == nil else {
                throw fail(name, "region \(claim.region) listed twice")
            }
        }
        let agreedRegions = claims.regions
        _ = try checkInParallel(agreedRegions.count) { k throws(CertificateCheckFailure) in
            let claim = agreedRegions[k]
            let region = regions[claim.region], i = claim.label
            for (y, j) in zip(claim.multipliers, (0..<classes).filter { $0 != i }) {
                let (c, offset) = region.scores.difference(i, j)
                guard let proven = CertificateCheck.certifiedLowerBound(
                    of: c, plus: offset, over: region.polytope, certificate: y),
                      proven > errors.threshold(i, j) else {
                    throw fail("agreement.regions[\(k)]", "the margin of class \(i) over class \(j) on region \(claim.region) is not proven to exceed \(errors.threshold(i, j))")
                }
            }
        }
        guard box.dimension == 2 else {
            guard claims.areaLowerBound == nil, claims.boxArea == nil else {
                throw fail("agreement.areaLowerBound", "areas are certified for 2 inputs only")
            }
            return (agreed, nil, [])
        }
        guard let claimedArea = claims.areaLowerBound, let claimedBoxArea = claims.boxArea else {
            throw fail("agreement.areaLowerBound", "2 inputs: the agreed area's lower bound and the box's area are required")
        }
        let parts = try checkInParallel(regions.count) { r throws(CertificateCheckFailure) -> [AgreementPart] in
            let region = regions[r]
            var found: [AgreementPart] = []
            for i in 0..<classes {
                guard let part = region.scores.ahead(i, by: errors, in: region.polytope) else { continue }
                // The clipped vertices are verified to be exactly the polygon's before their area counts.
                let vertices = PlanarPolygon.vertices(of: part)
                guard vertices.count >= 3 else { continue }
                guard CertificateCheck.verifyPolygon(vertices, of: part) else {
                    throw fail("agreement.areaLowerBound", "the computed vertices of a region's agreement part do not verify (a bug)")
                }
                found.append(AgreementPart(label: i, vertices: vertices, area: CertificateCheck.shoelaceArea(vertices)))
            }
            return found
        }
        let total = parts.joined().reduce(Rational.zero) { $0 + $1.area }
        guard claimedArea <= total else {
            throw fail("agreement.areaLowerBound", "claimed \(claimedArea), but the exact agreed area is only \(total.nearestDouble)")
        }
        let whole = (box.upper[0] - box.lower[0]) * (box.upper[1] - box.lower[1])
        guard claimedBoxArea == whole else { throw fail("agreement.boxArea", "the box's area is \(whole)") }
        return (agreed, total, parts)
    }

    /// One part `C_ri` of the agreement set (2 inputs): where on a region `g`'s
    /// margin for `label` reaches the error bound; its vertices (verified) and area.
    struct AgreementPart: Sendable {
        let label: Int
        let vertices: [[Rational]]
        let area: Rational
    }

    // MARK: §2.7 compactDecisionNet

    /// Hyperplanes in normal form, table entries off every hyperplane in
    /// distinct cells; then, with 2 inputs, every part of the agreement set
    /// cut into cells (`checkPlanarCoverage`), otherwise every covered
    /// region's sides (`checkCoveredRegions`); then the counts. Proof:
    /// proofs/certificate.md §2.7, proofs/compact-decision-net.md.
    static func checkCompactDecisionNet(
        _ claims: Certificate.CompactDecisionNetClaims?, parts: [[AgreementPart]], agreedLabels: [Int: Int],
        regions: [ReplayedRegion], classes: Int, box: InputBox, exactHyperplanes: Int
    ) throws(CertificateCheckFailure) -> CheckedCompactDecisionNet? {
        guard let claims else { return nil }
        let d = box.dimension
        // Its cells are examined on every part or region: a net larger than the exact one
        // (which separates everything) is refused before that work, not after.
        guard claims.hyperplanes.count <= max(1, exactHyperplanes) else {
            throw fail("compactDecisionNet.hyperplanes", "\(claims.hyperplanes.count) hyperplanes, more than the exact DecisionNet's \(exactHyperplanes)")
        }
        _ = try checkHyperplanes(claims.hyperplanes, inputs: d, field: "compactDecisionNet.hyperplanes")
        guard (0..<classes).contains(claims.defaultLabel) else {
            throw fail("compactDecisionNet.defaultLabel", "no class \(claims.defaultLabel)")
        }
        var table: [[Bool]: Int] = [:]
        for (k, entry) in claims.table.enumerated() {
            let name = "compactDecisionNet.table[\(k)]"
            guard (0..<classes).contains(entry.label), entry.label != claims.defaultLabel else {
                throw fail("\(name).label", "must be a class other than the default label")
            }
            guard entry.witness.count == d, box.contains(entry.witness),
                  DecisionNet.strictSigns(of: entry.witness, claims.hyperplanes) != nil else {
                throw fail("\(name).witness", "not a point of the box off every hyperplane")
            }
            let cell = CompactDecisionNet.signs(of: entry.witness, claims.hyperplanes)
            guard table.updateValue(entry.label, forKey: cell) == nil else {
                throw fail("\(name).witness", "lies in the cell of an earlier entry (a cell listed twice)")
            }
        }
        let net = CompactDecisionNet(hyperplanes: claims.hyperplanes, table: table, defaultLabel: claims.defaultLabel)
        var planar: (uncovered: Int, area: Rational, lowerBound: Rational)? = nil, covered: Int? = nil
        if d == 2 {
            guard claims.covered == nil, let uncovered = claims.uncovered, let lowerBound = claims.areaLowerBound else {
                throw fail("compactDecisionNet", "2 inputs: the uncovered parts and the area's lower bound are required, covered regions are not")
            }
            let area = try checkPlanarCoverage(net, uncovered: uncovered, areaLowerBound: lowerBound, parts: parts)
            planar = (uncovered.count, area, lowerBound)
        } else {
            guard claims.uncovered == nil, claims.areaLowerBound == nil, let regionsCovered = claims.covered else {
                throw fail("compactDecisionNet", "\(d) inputs: the covered regions are required, areas and uncovered parts are for 2 inputs")
            }
            try checkCoveredRegions(net, covered: regionsCovered, agreedLabels: agreedLabels, regions: regions)
            covered = regionsCovered.count
        }
        let coefficients = claims.hyperplanes.count * (d + 1)
        for (name, claimed, actual) in [("hyperplaneCoefficients", claims.hyperplaneCoefficients, coefficients),
                                        ("tableEntries", claims.tableEntries, claims.table.count),
                                        ("parameters", claims.parameters, coefficients + claims.table.count + 1)]
        where claimed != actual {
            throw fail("compactDecisionNet.\(name)", "claimed \(claimed), counted \(actual)")
        }
        return CheckedCompactDecisionNet(
            hyperplanes: claims.hyperplanes.count, tableEntries: claims.table.count, parameters: net.parameterCount,
            uncoveredParts: planar?.uncovered, agreedArea: planar?.area, agreedAreaLowerBound: planar?.lowerBound,
            coveredRegions: covered)
    }

    /// 2 inputs: every part of the agreement set cut into the net's cells;
    /// the parts where some cell's label is not the part's class are exactly
    /// the listed uncovered ones, and the area of the correctly labelled
    /// pieces (returned) is at least the claimed one.
    private static func checkPlanarCoverage(
        _ net: CompactDecisionNet, uncovered claimed: [[Int]], areaLowerBound: Rational, parts: [[AgreementPart]]
    ) throws(CertificateCheckFailure) -> Rational {
        let coverage = try checkInParallel(parts.count) { r throws(CertificateCheckFailure) -> (uncovered: [[Int]], area: Rational) in
            var uncovered: [[Int]] = [], area = Rational.zero
            for part in parts[r] {
                let (covered, correct) = net.coverage(of: part.vertices, label: part.label)
                if !covered { uncovered.append([r, part.label]) }
                area += correct
            }
            return (uncovered, area)
        }
        let uncovered = coverage.flatMap(\.uncovered)
        guard claimed == uncovered else {
            let listed = Set(claimed), found = Set(uncovered)
            if let wrong = claimed.first(where: { !found.contains($0) }) {
                throw fail("compactDecisionNet.uncovered", "lists \(wrong), but the net answers that part's class on all of it")
            }
            if let missing = uncovered.first(where: { !listed.contains($0) }) {
                throw fail("compactDecisionNet.uncovered", "omits [region, class] \(missing), where some cell's label is not the class")
            }
            throw fail("compactDecisionNet.uncovered", "must list each uncovered part once, in increasing order")
        }
        let total = coverage.reduce(Rational.zero) { $0 + $1.area }
        guard areaLowerBound <= total else {
            throw fail("compactDecisionNet.areaLowerBound", "claimed \(areaLowerBound), but the exact area where the net provably answers f's label is only \(total.nearestDouble)")
        }
        return total
    }

    /// Other input counts: every listed region is an agreed one (increasing),
    /// every stated side is proven by its multipliers over the region, and
    /// every cell those sides leave possible has the region's agreed label.
    private static func checkCoveredRegions(
        _ net: CompactDecisionNet, covered: [Certificate.CoveredRegion], agreedLabels: [Int: Int],
        regions: [ReplayedRegion]
    ) throws(CertificateCheckFailure) {
        let hyperplanes = net.hyperplanes
        var previous = -1
        for (k, entry) in covered.enumerated() {
            let name = "compactDecisionNet.covered[\(k)]"
            guard entry.region > previous, agreedLabels[entry.region] != nil else {
                throw fail("\(name).region", "not an agreed region, or not listed in increasing order")
            }
            previous = entry.region
            guard entry.sides.count == hyperplanes.count, entry.sides.allSatisfy({ (-1...1).contains($0) }),
                  entry.proofs.count == entry.sides.filter({ $0 != 0 }).count else {
                throw fail("\(name).sides", "needs one side in {-1, 0, 1} per hyperplane and one proof per non-zero side")
            }
        }
        _ = try checkInParallel(covered.count) { k throws(CertificateCheckFailure) in
            let entry = covered[k], region = regions[entry.region]
            var proofs = entry.proofs.makeIterator()
            for (j, side) in entry.sides.enumerated() where side != 0 {
                // Side 1: h ≥ 0 on the region; side −1: −h > 0 on it.
                let h = hyperplanes[j], positive = side > 0
                guard let proven = CertificateCheck.certifiedLowerBound(
                    of: positive ? h.normal : h.normal.map { -$0 }, plus: positive ? h.offset : -h.offset,
                    over: region.polytope, certificate: proofs.next()!),
                      positive ? proven.sign >= 0 : proven.sign > 0 else {
                    throw fail("compactDecisionNet.covered[\(k)].proofs", "do not prove region \(entry.region) lies on side \(side) of hyperplane \(j)")
                }
            }
            guard net.answersOnly(agreedLabels[entry.region]!, sides: entry.sides) else {
                throw fail("compactDecisionNet.covered[\(k)]", "a cell these sides leave possible on region \(entry.region) has a label other than \(agreedLabels[entry.region]!)")
            }
        }
    }
}
