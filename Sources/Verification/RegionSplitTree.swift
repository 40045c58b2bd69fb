import ExactArithmetic
import Polyhedra

/// The completeness certificate of an enumeration: the split tree, as its
/// decisions in depth-first order.
///
/// Enumeration visits, along every path, each neuron of each layer and each
/// breakpoint `β` of its activation in order, and cuts the current region by
/// `z(x) = β` into the part below and the part above. A cut the box alone
/// decides (`z − β` keeps one sign on the whole box) is not recorded: the
/// checker recomputes it. Every other cut is one `Decision`, saying for each
/// side either that it is explored (its decisions follow, below first) or
/// that its interior is empty (with multipliers the checker verifies). Each
/// complete path ends in a `leaf` with a point strictly inside its region.
/// Proofs: proofs/split-tree.md.
public struct RegionSplitTree: Sendable, Codable, Hashable {
    /// One recorded step.
    public enum Step: Sendable, Codable, Hashable {
        /// A cut: `nil` for an explored side, else the multipliers proving its
        /// interior empty (indexing the region's halfspaces, then the cut's at
        /// the region's halfspace count).
        case decision(below: BoundCertificate?, above: BoundCertificate?)
        /// The end of a path: a point strictly inside the region.
        case leaf([Rational])
    }

    /// The steps, depth first, below before above.
    public var steps: [Step]

    public init(steps: [Step]) { self.steps = steps }

    private enum CodingKeys: String, CodingKey { case below, above, leaf }

    public init(from decoder: any Decoder) throws {
        var list = try decoder.unkeyedContainer()
        var steps: [Step] = []
        while !list.isAtEnd {
            let item = try list.nestedContainer(keyedBy: CodingKeys.self)
            if let witness = try item.decodeIfPresent([Rational].self, forKey: .leaf) {
                steps.append(.leaf(witness))
            } else {
                steps.append(.decision(below: try item.decodeIfPresent(BoundCertificate.self, forKey: .below),
                                       above: try item.decodeIfPresent(BoundCertificate.self, forKey: .above)))
            }
        }
        self.steps = steps
    }

    public func encode(to encoder: any Encoder) throws {
        var list = encoder.unkeyedContainer()
        for step in steps {
            var item = list.nestedContainer(keyedBy: CodingKeys.self)
            switch step {
            case .leaf(let x): try item.encode(x, forKey: .leaf)
            case .decision(let below, let above):
                try item.encodeIfPresent(below, forKey: .below)
                try item.encodeIfPresent(above, forKey: .above)
            }
        }
    }
}
