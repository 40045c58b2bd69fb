import ArgumentParser
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

    @Option(help: ArgumentHelp("Bisections of the box to tighten the error bound (default: 64 for up to 8 inputs, 16 up to 64 inputs, else 0).", valueName: "S"))
    var splits: Int?

    /// The bisection budget for a model with `inputs` inputs.
    func splitCount(inputs: Int) throws(InputError) -> Int {
        if let splits {
            guard (0...100_000).contains(splits) else { throw InputError("--splits must be between 0 and 100000, got \(splits)") }
            return splits
        }
        return inputs <= 8 ? 64 : (inputs <= 64 ? 16 : 0)
    }

    /// `pieces` checked against the sane range.
    func pieceCount() throws(InputError) -> Int? {
        guard let pieces else { return nil }
        guard pieces <= PieceLimit.maximum else { throw InputError("--pieces \(pieces) is more than the limit of \(PieceLimit.maximum)") }
        return pieces
    }
}

enum PieceLimit {
    /// Far beyond any useful fit; keeps absurd requests from running for hours.
    static let maximum = 4096
}

extension FitMethod: ExpressibleByArgument {}
