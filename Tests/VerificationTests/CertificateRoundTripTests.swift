import Certification
import ExactArithmetic
import Foundation
import FixtureSupport
import Linearization
import NeuralNetwork
import Testing
import Verification

@Suite struct CertificateRoundTripTests {
    /// A fresh certificate for the shipped example survives JSON and checks.
    @Test func freshCertificateOfTheExampleChecks() throws {
        let path = Fixtures.example("moons-tanh.onnx")
        let data = try Network.modelFileData(path)
        let network = try Network(data: data, source: path)
        let g = try LinearizedNetwork(network, pieces: 4, method: .defaultMethod)
        let box = try InputBox(lower: [-1, -1], upper: [1, 1])
        let result = try Certifier.certify(g, modelData: data, over: box, splits: 4)
        let decoded = try Certificate.decode(try result.certificate.encoded())
        #expect(decoded == result.certificate)
        let checked = try CertificateChecker.check(decoded, modelData: data, source: path)
        #expect(checked.regions == result.enumeration.regions.count)
        #expect(checked.errorBound == result.errorBound.perLogit)
    }
}
