import ArgumentParser
import Foundation
import NeuralNetwork
import Regions
import Verification

/// The `climep` command. Subcommands parse their arguments, call the
/// library and print; exit codes follow the CLI contract: 0 success, 1 a
/// claim failed or a threshold was not met, 2 bad usage or bad input.
struct Climep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "climep",
        abstract: "Exact linear regions, decision boundaries and certified bounds for fully-connected classifiers.",
        discussion: """
            MODEL is an .onnx file (torch.onnx.export, skl2onnx, VNN-COMP) or climep's JSON model \
            format (see README.md). Numbers on the command line and in CSV files are read exactly \
            as rationals: decimals (-1.5, 2e-3) or fractions (-3/2).

            Exit status: 0 success, 1 a claim failed or a threshold was not met, 2 bad usage or bad input.
            """,
        subcommands: [Inspect.self, Predict.self, Linearize.self, RegionsCommand.self, BoundaryCommand.self, Certify.self, Check.self, Verify.self, DNetCommand.self, TradeoffCommand.self, MergeCommand.self, Demo.self]
    )
}

@main
enum Main {
    static func main() {
        do {
            var command = try Climep.parseAsRoot()
            try command.run()
        } catch let error as InputError {
            fail(error.message)
        } catch let error as CompletenessCheck.Failure {
            // The search produced a certificate its own replay rejects: a bug, never a result.
            FileHandle.standardError.write(Data("climep: internal error: completeness certificate rejected: \(error)\n".utf8))
            exit(1)
        } catch let error as ExitCode {
            exit(error.rawValue)
        } catch {
            // Help and version requests are successes; every other parse error is bad usage.
            if Climep.exitCode(for: error) == .success {
                print(Climep.fullMessage(for: error))
                exit(0)
            }
            fail(Climep.message(for: error))
        }
        exit(0)
    }

    /// Prints a one-line error on stderr and exits with status 2.
    static func fail(_ message: String) -> Never {
        let line = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        FileHandle.standardError.write(Data("climep: error: \(line)\n".utf8))
        exit(2)
    }
}
