import Foundation
import FixtureSupport
import Testing

/// The checker must not depend on search code: its sources import only the
/// exact core, Polyhedra's exact checks, the model loader and Crypto, and its
/// target in Package.swift lists nothing else.
@Suite struct TrustedKernelTests {
    static let allowed: Set<String> = ["ExactArithmetic", "Polyhedra", "NeuralNetwork", "Crypto", "Foundation", "Synchronization", "Glibc"]

    @Test func verificationSourcesImportNoSearchModule() throws {
        for folder in ["Verification", "Polyhedra", "ExactArithmetic"] {
            let directory = Fixtures.root.appendingPathComponent("Sources/\(folder)")
            let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".swift") }
            #expect(!files.isEmpty)
            for file in files {
                let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
                for line in text.split(separator: "\n") where line.hasPrefix("import ") {
                    let module = String(line.dropFirst("import ".count))
                    #expect(Self.allowed.contains(module) || module.hasPrefix("C"), "\(folder)/\(file) imports \(module)")
                }
            }
        }
    }

    /// Result types only the search produces stay out of the trusted targets.
    @Test func searchResultTypesLiveOutsideTheTrustedTargets() throws {
        for folder in ["Verification", "Polyhedra", "ExactArithmetic"] {
            let directory = Fixtures.root.appendingPathComponent("Sources/\(folder)")
            for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) where file.hasSuffix(".swift") {
                let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
                for name in ["InteriorResult", "SplitResult", "IrredundantForm", "LinearBound", "LinearRange", "SearchRows"] {
                    #expect(!text.contains(name), "\(folder)/\(file) mentions the search type \(name)")
                }
            }
        }
    }

    @Test func verificationTargetDependsOnTheKernelOnly() throws {
        let manifest = try String(contentsOf: Fixtures.root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let start = try #require(manifest.range(of: "name: \"Verification\""))
        let rest = manifest[start.upperBound...]
        let end = try #require(rest.range(of: "),"))
        let dependencies = rest[..<end.lowerBound]
        for search in ["LPSearch", "Linearization", "Regions", "Certification"] {
            #expect(!dependencies.contains("\"\(search)\""), "Verification depends on \(search)")
        }
    }
}
