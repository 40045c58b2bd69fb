import ExactArithmetic
import NeuralNetwork
import Polyhedra

/// The paper's DecisionNet (Section V-D): one layer whose weights are the
/// decision-boundary hyperplanes of `g`, and a table from the exact sign
/// pattern of a point to a class.
///
/// Consistency (proofs/decision-net.md): if on every region of a complete
/// enumeration, for every pair of classes, either the tie hyperplane is one of
/// `hyperplanes` or the two never tie at the top there (what
/// `CertificateChecker` verifies), then two points of the box with the same
/// strict sign pattern get the same label from `g`. So a table entry verified
/// at one point holds on its whole cell, and a point whose pattern is not in
/// the table (or lies on a hyperplane) is answered by evaluating `g` exactly:
/// the DecisionNet answers like `g` everywhere in the box.
public struct DecisionNet: Sendable {
    /// The hyperplanes `normal·x + offset = 0` (primitive integer coefficients).
    public let hyperplanes: [Hyperplane]
    /// The class of each strict sign pattern seen.
    public let table: [SignPattern: Int]
    /// The network answered for patterns not in the table.
    public let fallback: LinearizedNetwork
    /// The hyperplanes' signs, filtered in binary64 for points of the certified box.
    public let signs: HyperplaneSigns

    /// `fallback` in binary64 with rounding bounds, tried before its exact evaluation.
    private let filteredFallback: FilteredForwardPass

    /// A DecisionNet from its parts (not checked here: `CertificateChecker`
    /// proves a certified one consistent with `g`); `box` is where it is
    /// certified, and only tunes the sign filter.
    public init(hyperplanes: [Hyperplane], table: [SignPattern: Int], fallback: LinearizedNetwork, box: InputBox) {
        self.hyperplanes = hyperplanes
        self.table = table
        self.fallback = fallback
        signs = HyperplaneSigns(hyperplanes, over: box)
        filteredFallback = FilteredForwardPass(fallback)
    }

    /// The sign of every hyperplane at `x`, or nil when `x` lies on one.
    public static func strictSigns(of x: [Rational], _ hyperplanes: [Hyperplane]) -> [Bool]? {
        var signs: [Bool] = []
        signs.reserveCapacity(hyperplanes.count)
        for h in hyperplanes {
            let s = (dot(h.normal, x) + h.offset).sign
            if s == 0 { return nil }
            signs.append(s > 0)
        }
        return signs
    }

    /// The DecisionNet's answer at `x`, and whether the table gave it (false:
    /// the pattern was unseen or `x` lies on a hyperplane, and `g` answered).
    public func predict(_ x: [Rational]) -> (label: Int, fromTable: Bool) {
        if let pattern = signs.pattern(of: x), let label = table[pattern] {
            return (label, true)
        }
        return (fallbackLabel(x), false)
    }

    /// `g`'s exact label at `x`: decided in binary64 with rigorous rounding
    /// bounds where they suffice (`FilteredForwardPass`), exactly otherwise.
    public func fallbackLabel(_ x: [Rational]) -> Int {
        filteredFallback.label(of: x, exactly: fallback)
    }

    /// Parameters counted honestly: hyperplane coefficients (d + 1 each) and
    /// table entries (one sign pattern and one label each) apart.
    public var hyperplaneCoefficients: Int { hyperplanes.count * (fallback.original.inputCount + 1) }
    public var tableEntries: Int { table.count }
    /// Coefficients plus table entries: what the DecisionNet stores besides the fallback.
    public var parameterCount: Int { hyperplaneCoefficients + tableEntries }

    /// A sign pattern as text: `+` for the positive side, `-` for the negative.
    public static func signText(_ signs: [Bool]) -> String {
        String(signs.map { $0 ? "+" : "-" })
    }

    /// The DecisionNet a certificate describes, with `g` from the embedded
    /// model and the certified activations as its fallback. Reads, does not
    /// check: `CertificateChecker` proves it answers like `g`.
    public init(certificate: Certificate) throws(InputError) {
        let network = certificate.model.network
        let g = try LinearizedNetwork(network, activations: certificate.linearization.layers.map(\.function))
        for h in certificate.decisionNet.hyperplanes where h.normal.count != network.inputCount {
            throw InputError("certificate: a hyperplane has \(h.normal.count) coefficients for \(network.inputCount) inputs")
        }
        // Each entry's cell is its witness's strict sign pattern (the certificate stores no pattern).
        let box = try InputBox(lower: certificate.box.lower, upper: certificate.box.upper)
        guard box.dimension == network.inputCount else {
            throw InputError("certificate: the box has \(box.dimension) coordinates for \(network.inputCount) inputs")
        }
        let signs = HyperplaneSigns(certificate.decisionNet.hyperplanes, over: box)
        let entries = certificate.decisionNet.table, leafPoints = certificate.regions.leafPoints
        var points: [[Rational]] = []
        for (k, entry) in entries.enumerated() {
            let point: [Rational]
            do { point = try entry.point(leafPoints: leafPoints) } catch {
                throw InputError("certificate: decisionNet.table[\(k)] \(error.message)")
            }
            guard point.count == network.inputCount else {
                throw InputError("certificate: decisionNet.table[\(k)]'s witness has \(point.count) coordinates for \(network.inputCount) inputs")
            }
            points.append(point)
        }
        var table: [SignPattern: Int] = [:]
        for (k, pattern) in signs.patterns(of: points).enumerated() {
            guard let pattern else {
                throw InputError("certificate: decisionNet.table[\(k)]'s witness is not a point off every hyperplane")
            }
            table[pattern] = entries[k].label
        }
        self.init(hyperplanes: certificate.decisionNet.hyperplanes, table: table, fallback: g, box: box)
    }
}

/// A hyperplane `a·x + b` in binary64: the nearest doubles to its
/// coefficients and upper bounds on their conversion errors, so that the sign
/// at a point can be decided in floating point when it is far from zero.
struct FilteredHyperplane: Sendable {
    let normal: [Double]
    let offset: Double
    /// `|a_j − normal_j|` and `|b − offset|`, rounded up; nil when all are zero.
    let normalErrors: [Double]?
    let offsetError: Double
    /// `Σ |normal_j|`, rounded up.
    let normalMass: Double
    let usable: Bool
    /// `γ_{n+2}`, and the part of the bound that does not depend on the point:
    /// `(n + 1)η + (Σ|normal_j|)η + |b − offset|`, rounded up.
    private let gamma: Double
    private let constant: Double

    init(_ h: Hyperplane) {
        let (normal, errors) = nearestDoubles(h.normal)
        let (offsets, offsetErrors) = nearestDoubles([h.offset])
        self.normal = normal
        offset = offsets[0]
        normalErrors = errors.allSatisfy { $0 == 0 } ? nil : errors
        offsetError = offsetErrors[0]
        normalMass = normal.reduce(0.0) { DirectedDouble.addUp($0, Swift.abs($1)) }
        usable = normalMass.isFinite && offsetError.isFinite && errors.allSatisfy(\.isFinite)
        let n = normal.count
        gamma = DirectedDouble.gamma(n + 2)
        constant = DirectedDouble.addUp(
            DirectedDouble.addUp(DirectedDouble.multiplyUp(Double(n + 1), DirectedDouble.underflow),
                                 DirectedDouble.multiplyUp(normalMass, DirectedDouble.underflow)),
            offsetError)
    }

    /// The sign of `a·x + b` (true: positive) when the floating-point value
    /// at `point` (the nearest doubles to `x`) is farther from zero than its
    /// error bound; nil when it is not.
    func sign(at point: [Double]) -> Bool? {
        guard usable else { return nil }
        let n = normal.count
        var value = 0.0, mass = 0.0, conversion = constant
        for j in 0..<n {
            let a = normal[j], x = point[j]
            value += a * x
            mass = DirectedDouble.addUp(mass, DirectedDouble.multiplyUp(Swift.abs(a), Swift.abs(x)))
            if let errors = normalErrors, errors[j] != 0 {
                let reach = DirectedDouble.addUp(DirectedDouble.multiplyUp(2, Swift.abs(x)), DirectedDouble.underflow)
                conversion = DirectedDouble.addUp(conversion, DirectedDouble.multiplyUp(errors[j], reach))
            }
        }
        value += offset
        mass = DirectedDouble.addUp(mass, Swift.abs(offset))
        let bound = DirectedDouble.addUp(DirectedDouble.multiplyUp(gamma, mass), conversion)
        guard value.isFinite, bound.isFinite else { return nil }
        if value > bound { return true }
        if value < -bound { return false }
        return nil
    }
}

/// The nearest doubles to `values` and upper bounds on their distances to
/// them (`|v − d|` computed exactly and rounded up; `+∞` for a value beyond
/// binary64's finite range).
func nearestDoubles(_ values: [Rational]) -> (values: [Double], errors: [Double]) {
    let rounded = values.map(\.nearestDouble)
    let errors = zip(values, rounded).map { exact, d in
        Rational(exactly: d).map { (exact - $0).magnitude.doubleUp } ?? .infinity
    }
    return (rounded, errors)
}
