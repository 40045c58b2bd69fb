import Foundation
import FixtureSupport
import NeuralNetwork
import Testing
import Verification

/// The example certificates in proofs/examples/ are re-checked on every run,
/// so a change to the checker or the format that breaks them fails CI
/// (regenerate them with `climep certify`, as proofs/examples/README.md says).
@Suite struct ExampleCertificateTests {
    static let examples: [(certificate: String, model: String)] = [
        ("sk_moons_relu_bin.certificate.json", "Tests/Fixtures/models/sk_moons_relu_bin.onnx"),
        ("moons-tanh.certificate.json", "Examples/moons-tanh.onnx"),
        ("sk_blobs4_logistic_3c.certificate.json", "Tests/Fixtures/models/sk_blobs4_logistic_3c.onnx"),
    ]

    @Test(arguments: examples.map(\.certificate))
    func exampleCertificateChecks(name: String) throws {
        let model = try #require(Self.examples.first { $0.certificate == name }).model
        let path = Fixtures.root.appendingPathComponent("proofs/examples/\(name)").path
        let certificate = try Certificate.decode(try Data(contentsOf: URL(fileURLWithPath: path)))
        let modelPath = Fixtures.root.appendingPathComponent(model).path
        let checked = try CertificateChecker.check(certificate, modelData: try Network.modelFileData(modelPath), source: modelPath)
        #expect(checked.regions == certificate.regions.count)
        #expect(zip(checked.errorBound, certificate.linearization.errorBound).allSatisfy { $0 <= $1 })
    }
}
