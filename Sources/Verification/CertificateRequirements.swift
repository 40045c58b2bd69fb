import ExactArithmetic
import NeuralNetwork

/// What a CI job requires of a certificate beyond its claims being true:
/// the box it must cover and thresholds on the verified figures. `check`
/// evaluates them on what it verified, `certify` on what it proved.
public struct CertificateRequirements: Sendable {
    /// The certificate's box must contain this one.
    public var box: InputBox?
    /// Every logit's certified bound on `|f − g|` must be at most this.
    public var maxError: Rational?
    /// 2 inputs: agreement must be proven on at least this fraction of the box's area.
    public var minAgreedArea: Rational?
    /// Agreement must be proven on all of at least this fraction of the regions.
    public var minAgreedRegions: Rational?

    public init(box: InputBox? = nil, maxError: Rational? = nil, minAgreedArea: Rational? = nil, minAgreedRegions: Rational? = nil) {
        self.box = box
        self.maxError = maxError
        self.minAgreedArea = minAgreedArea
        self.minAgreedRegions = minAgreedRegions
    }

    /// The figures the requirements are about.
    public struct Figures: Sendable {
        public var box: InputBox
        public var errorBound: [Rational]
        /// A proven lower bound on the agreed share of the box's area (2 inputs), or nil.
        public var agreedAreaFraction: Rational?
        public var agreedRegions: Int
        public var regions: Int

        public init(box: InputBox, errorBound: [Rational], agreedAreaFraction: Rational?, agreedRegions: Int, regions: Int) {
            self.box = box
            self.errorBound = errorBound
            self.agreedAreaFraction = agreedAreaFraction
            self.agreedRegions = agreedRegions
            self.regions = regions
        }
    }

    /// One line per requirement that `figures` does not meet, in the order
    /// box, error, area, regions; empty when all are met.
    public func unmet(by figures: Figures) -> [String] {
        var failures: [String] = []
        if let box {
            let covered = box.dimension == figures.box.dimension
                && box.lower.indices.allSatisfy { figures.box.lower[$0] <= box.lower[$0] && box.upper[$0] <= figures.box.upper[$0] }
            if !covered {
                failures.append("the certificate's box \(Self.text(figures.box)) does not contain the requested box \(Self.text(box))")
            }
        }
        if let maxError, let worst = figures.errorBound.max(), worst > maxError {
            failures.append("the certified error bound \(worst.nearestDouble) exceeds --max-error \(maxError)")
        }
        if let minAgreedArea {
            let share = figures.agreedAreaFraction ?? .zero
            if share < minAgreedArea {
                failures.append("agreement is proven on \(share.nearestDouble) of the box's area, below --min-agreed-area \(minAgreedArea)")
            }
        }
        if let minAgreedRegions {
            let share = Rational(figures.agreedRegions, max(1, figures.regions))
            if share < minAgreedRegions {
                failures.append("agreement is proven on \(share.nearestDouble) of the regions, below --min-agreed-regions \(minAgreedRegions)")
            }
        }
        return failures
    }

    /// `[l_0, u_0] × [l_1, u_1] × …`, exactly.
    static func text(_ box: InputBox) -> String {
        zip(box.lower, box.upper).map { "[\($0), \($1)]" }.joined(separator: " × ")
    }
}

extension CheckedCertificate {
    /// The verified figures requirements are judged on: the recomputed error
    /// bound and the exact agreed area's share (the checker recomputed it).
    public var figures: CertificateRequirements.Figures {
        .init(box: box, errorBound: errorBound,
              agreedAreaFraction: agreedArea.flatMap { a in boxArea.map { a / $0 } },
              agreedRegions: agreedRegions, regions: regions)
    }
}
