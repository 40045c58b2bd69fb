import ArgumentParser
import Certification
import ExactArithmetic
import Linearization
import Verification
import NeuralNetwork

/// How smooth activations are linearized: `--pieces`, `--fit`, `--splits`.
struct LinearizationOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Pieces of each smooth activation's piecewise-linear fit: at least 3, at most N (the equal-error fit is odd-symmetric and uses N−1 when N is even).", valueName: "N"))
    var pieces: Int?

    @Option(help: ArgumentHelp("Fit for smooth activations: equalError (default: equal two-sided error on every piece) or algorithm1 (the paper's tangent construction).", valueName: "METHOD"))
    var fit: FitMethod = .defaultMethod

    @Option(help: ArgumentHelp("Bisections of the box to tighten the error bound (default: 64 for up to 64 inputs, else 0).", valueName: "S"))
    var splits: Int?

    /// The bisection budget for a model with `inputs` inputs.
    func splitCount(inputs: Int) throws(InputError) -> Int {
        if let splits {
            guard (0...100_000).contains(splits) else { throw InputError("--splits must be between 0 and 100000, got \(splits)") }
            return splits
        }
        // 16 left the holdout's 13- and 30-input fits 3.04× and 3.07× above the
        // attained error, 64 brings them under 3 for a few seconds (BENCHMARKS.md).
        return inputs <= 64 ? 64 : 0
    }

    /// `pieces` checked against the sane range.
    func pieceCount() throws(InputError) -> Int? {
        guard let pieces else { return nil }
        guard pieces <= PieceLimit.maximum else { throw InputError("--pieces \(pieces) is more than the limit of \(PieceLimit.maximum)") }
        return pieces
    }
}

/// `--max-error E` and `--max-pieces N`: the fewest pieces whose certified
/// bound meets a target, shared by `linearize` and `certify`.
struct ErrorTargetOptions: ParsableArguments {
    @Option(name: .customLong("max-error"), parsing: .unconditional, help: ArgumentHelp("Use the fewest pieces whose certified bound is at most E on every logit (decimal or fraction; exit 1 when --max-pieces is reached first).", valueName: "E"))
    var maxError: String?

    @Option(name: .customLong("max-pieces"), help: ArgumentHelp("With --max-error: the most pieces to try.", valueName: "N"))
    var maxPieces = 64

    /// The fewest-pieces search for `--max-error` (progress on stderr), or nil without it.
    func fewestPieces(
        _ network: Network, over box: InputBox, fit: FitMethod, splits: Int
    ) throws(InputError) -> PieceCountSearch.Result? {
        guard let text = maxError else { return nil }
        let target: Rational
        do { target = try Rational(parsing: text) } catch { throw InputError("--max-error: \(error)") }
        guard target.sign > 0 else { throw InputError("--max-error must be positive, got \(text)") }
        guard maxPieces <= PieceLimit.maximum else { throw InputError("--max-pieces \(maxPieces) is more than the limit of \(PieceLimit.maximum)") }
        return try PieceCountSearch.fewestPieces(
            network, over: box, target: target, method: fit, splits: splits, maximumPieces: maxPieces
        ) { n, bound in printError("pieces \(n): certified bound \(bound.nearestDouble)") }
    }
}

enum PieceLimit {
    /// Far beyond any useful fit; keeps absurd requests from running for hours.
    static let maximum = 4096
}

extension FitMethod: ExpressibleByArgument {}

/// Which DecisionNet a certificate holds as its default: `--dnet exact|compact`
/// and `--max-dnet-parameters P`, shared by `certify` and `tradeoff`.
struct DecisionNetOptions: ParsableArguments {
    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case exact, compact
    }

    @Option(help: ArgumentHelp("The default DecisionNet: exact (equals g on the whole box) or compact (few hyperplanes, proven to give f's label where the certificate proves it: on an area with 2 inputs, on whole agreed regions otherwise). Default: compact for models with a smooth activation, else exact. The exact one is always in the certificate.", valueName: "KIND"))
    var dnet: Kind?

    @Option(name: .customLong("max-dnet-parameters"), help: ArgumentHelp("With the compact DecisionNet: at most P numbers (hyperplane coefficients, table entries, default label); it then agrees with f on less of the box.", valueName: "P"))
    var maxDNetParameters: Int?

    /// Whether either option is given.
    var isSet: Bool { dnet != nil || maxDNetParameters != nil }

    /// What to ask the certifier for: a compact net or none (the exact one only).
    func request(for network: Network) throws(InputError) -> Certifier.CompactRequest? {
        if let maxDNetParameters, maxDNetParameters < 1 {
            throw InputError("--max-dnet-parameters must be positive, got \(maxDNetParameters)")
        }
        let smooth = network.layers.contains { !$0.activation.isPiecewiseLinear }
        let kind = dnet ?? (smooth ? .compact : .exact)
        switch kind {
        case .exact:
            if maxDNetParameters != nil { throw InputError("--max-dnet-parameters applies to the compact DecisionNet (--dnet compact)") }
            return nil
        case .compact:
            return Certifier.CompactRequest(maximumParameters: maxDNetParameters)
        }
    }
}
