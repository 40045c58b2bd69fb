import Foundation
import FixtureSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Output options (`--svg`, `--out`, `--regions-out`, demo's `--out DIR`)
/// write only regular files or new paths, and refuse anything else in one
/// line with exit 2 before any work: a symbolic link or a device is never
/// replaced by a regular file, and a path that cannot be written does not
/// cost minutes of enumeration first.
@Suite struct OutputFileTests {
    let relu = Fixtures.path("models/sk_moons_relu_bin.onnx")

    func temporaryPath(_ suffix: String = "") -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("climep-test-\(UUID().uuidString)\(suffix)").path
    }

    /// A command of each output option, writing to `path`.
    func commands(writingTo path: String) -> [[String]] {
        [["boundary", relu, "--box=-1:1", "--complete", "--svg", path],
         ["regions", relu, "--box=-1:1", "--complete", "--json", "--regions-out", path],
         ["certify", relu, "--box=-1:1", "--json", "--out", path]]
    }

    /// Exit 2, nothing on stdout (no work was reported), one error line naming `expected`.
    func expectRefused(_ result: CommandResult, mentioning expected: String, _ arguments: [String]) {
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(result.stdout.isEmpty, "\(arguments) printed \(result.stdout)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(arguments): \(result.stderr)")
        #expect(lines.first?.hasPrefix("climep: error: ") == true && result.stderr.contains(expected),
                "\(arguments): \(result.stderr)")
    }

    @Test func aSymbolicLinkIsRefusedAndLeftAsItIs() throws {
        let target = try Climep.temporaryFile("keep me\n", suffix: ".txt")
        let link = temporaryPath(".svg")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        for arguments in commands(writingTo: link) {
            expectRefused(try Climep.run(arguments), mentioning: "symbolic link", arguments)
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
            #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep me\n")
        }
    }

    /// A character device that a regressed check may replace without harm: as
    /// root (who could replace /dev/null itself) a private copy of /dev/null's
    /// node, else /dev/null (its folder is not writable). Nil when root may
    /// not create device nodes here.
    func characterDevice() -> String? {
        if getuid() != 0 { return "/dev/null" }
        let path = temporaryPath(".null")
        return mknod(path, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0 ? path : nil
    }

    func fileType(_ path: String) -> UInt32? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : nil
    }

    @Test func aDeviceOrAFifoIsRefused() throws {
        if let device = characterDevice() {
            for arguments in commands(writingTo: device) {
                expectRefused(try Climep.run(arguments), mentioning: "is a device", arguments)
            }
            #expect(fileType(device) == S_IFCHR)
        }
        let fifo = temporaryPath(".fifo")
        #expect(mkfifo(fifo, 0o644) == 0)
        for arguments in commands(writingTo: fifo) {
            expectRefused(try Climep.run(arguments), mentioning: "is a fifo", arguments)
        }
        #expect(fileType(fifo) == S_IFIFO)
    }

    @Test func aFolderIsRefused() throws {
        let folder = temporaryPath()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        for arguments in commands(writingTo: folder) {
            expectRefused(try Climep.run(arguments), mentioning: "is a folder", arguments)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
        for arguments in commands(writingTo: folder + "/") {
            expectRefused(try Climep.run(arguments), mentioning: "names a folder", arguments)
        }
    }

    @Test func aMissingFolderIsRefusedBeforeAnyWork() throws {
        let missing = temporaryPath() + "/out.json"
        for arguments in commands(writingTo: missing) {
            expectRefused(try Climep.run(arguments), mentioning: "does not exist", arguments)
        }
        // Demo: a file where its folder should be.
        let file = try Climep.temporaryFile("not a folder\n", suffix: ".txt")
        let demo = ["demo", "--model", Fixtures.example("moons-tanh.onnx"), "--points", Fixtures.example("moons-train.csv"), "--out", file]
        expectRefused(try Climep.run(demo), mentioning: "is not a folder", demo)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "not a folder\n")
    }

    @Test func anEmptyPathIsRefused() throws {
        for arguments in commands(writingTo: "") {
            expectRefused(try Climep.run(arguments), mentioning: "the path is empty", arguments)
        }
    }

    @Test func aRegularFileIsReplaced() throws {
        let existing = try Climep.temporaryFile("old\n", suffix: ".svg")
        let result = try Climep.run(["boundary", relu, "--box=-1:1", "--complete", "--svg", existing])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOfFile: existing, encoding: .utf8).contains("<svg"))
        let folder = URL(fileURLWithPath: existing).deletingLastPathComponent().path
        let name = URL(fileURLWithPath: existing).lastPathComponent
        // No temporary file is left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(".\(name)") }.isEmpty)
    }
}
