import Foundation
import FixtureSupport

/// Runs the built `climep` executable and captures what a user would see.
struct CommandResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

enum Climep {
    /// The `climep` binary that `swift build`/`swift test` put beside the test bundle.
    static let executable: URL = {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleDirectory, bundleDirectory.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("climep")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return Fixtures.root.appendingPathComponent(".build/debug/climep")
    }()

    static func run(_ arguments: [String]) throws -> CommandResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read before waiting so a large output cannot fill the pipe and block.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(
            status: process.terminationStatus,
            stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A temporary file holding `text`.
    static func temporaryFile(_ text: String, suffix: String = ".csv") throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("climep-test-\(UUID().uuidString)\(suffix)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
