import ExactArithmetic
import Linearization
import NeuralNetwork
import Polyhedra
import Regions

/// The paper's DecisionNet (Section V-D): one layer whose weights are the
/// decision-boundary hyperplanes of `g`, and a table from the exact sign
/// pattern of a point to a class.
///
/// Consistency: when the hyperplanes hold every boundary piece of `g` in the
/// box (a complete enumeration), two points with the same strict sign pattern
/// get the same label from `g` — the segment between them crosses no
/// hyperplane, hence no boundary (proofs/decision-net.md). So a table entry
/// learned at one point holds on its whole cell, and a point whose pattern is
/// not in the table (or lies on a hyperplane) is answered by evaluating `g`
/// exactly: the DecisionNet answers like `g` everywhere in the box.
public struct DecisionNet: Sendable {
    /// The hyperplanes `normal·x + offset = 0` (primitive integer coefficients).
    public let hyperplanes: [DecisionBoundary.Hyperplane]
    /// The class of each strict sign pattern seen (`true` = positive side).
    public let table: [[Bool]: Int]
    /// The network answered for patterns not in the table.
    public let fallback: LinearizedNetwork

    /// Builds the DecisionNet of a complete (or sampled) enumeration: the
    /// boundary's hyperplanes, and for every region and every class it gives
    /// area to, the label of `g` at a point strictly inside that part.
    public init(_ enumeration: RegionEnumeration, boundary: DecisionBoundary, network g: LinearizedNetwork) {
        hyperplanes = boundary.hyperplanes
        fallback = g
        var table: [[Bool]: Int] = [:]
        var conflicting: Set<[Bool]> = []
        for region in enumeration.regions {
            for label in 0..<g.original.classCount {
                guard let part = region.classPart(label),
                      let x = LinearProgramming.interiorPoint(of: part).witness,
                      let signs = DecisionNet.strictSigns(of: x, hyperplanes) else { continue }
                let answer = Network.label(ofLogits: g.exactLogits(x))
                // With an incomplete boundary a cell can hold two labels: leave it to g.
                if let known = table[signs], known != answer { conflicting.insert(signs) }
                table[signs] = answer
            }
        }
        for signs in conflicting { table[signs] = nil }
        self.table = table
    }

    init(hyperplanes: [DecisionBoundary.Hyperplane], table: [[Bool]: Int], fallback: LinearizedNetwork) {
        self.hyperplanes = hyperplanes
        self.table = table
        self.fallback = fallback
    }

    /// The sign of every hyperplane at `x`, or nil when `x` lies on one.
    public static func strictSigns(of x: [Rational], _ hyperplanes: [DecisionBoundary.Hyperplane]) -> [Bool]? {
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
        if let signs = DecisionNet.strictSigns(of: x, hyperplanes), let label = table[signs] {
            return (label, true)
        }
        return (Network.label(ofLogits: fallback.exactLogits(x)), false)
    }

    /// Parameters counted honestly: hyperplane coefficients (d + 1 each) and
    /// table entries (one sign pattern and one label each) apart.
    public var hyperplaneCoefficients: Int { hyperplanes.count * (fallback.original.inputCount + 1) }
    public var tableEntries: Int { table.count }
    /// Coefficients plus table entries: what the DecisionNet stores besides the fallback.
    public var parameterCount: Int { hyperplaneCoefficients + tableEntries }
}
