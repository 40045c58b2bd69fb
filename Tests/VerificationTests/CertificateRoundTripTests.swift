@testable import Certification
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

    /// The agreed area is written as a short dyadic at most the exact value
    /// (which on large models has more digits than the reader takes), and
    /// close to it relative to the box.
    @Test(arguments: [Rational(1, 3), Rational(7, 1 << 20), Rational(123_456_789, 1_000)])
    func areaLowerBoundIsShortAndBelow(scale: Rational) throws {
        // An exact area with a huge denominator: a sum of many polygon areas.
        var exact = Rational.zero
        for k in 1...400 { exact += scale / Rational(k * k + 1) }
        let claim = Certifier.shortLowerBound(of: exact, scale: scale * 400)
        #expect(claim <= exact)
        #expect(exact - claim <= scale * 400 / Rational(1 << 61))
        #expect(claim.description.count < 50, "\(claim)")
        #expect(exact.description.count > 200)
    }

    /// `certify` never writes what `check` would refuse: a claim too long for
    /// the reader makes `encodedForReading` throw instead of writing.
    @Test func aCertificateTheReaderWouldRefuseIsNotWritten() throws {
        let path = Fixtures.example("moons-tanh.onnx")
        let data = try Network.modelFileData(path)
        let network = try Network(data: data, source: path)
        let g = try LinearizedNetwork(network, pieces: 3, method: .defaultMethod)
        let result = try Certifier.certify(g, modelData: data, over: try InputBox(lower: [0, 0], upper: [1, 1]), splits: 0)
        let written = try result.certificate.encodedForReading()
        #expect(try Certificate.decode(written) == result.certificate)
        var huge = result.certificate
        huge.agreement.areaLowerBound = Rational(1, 3).timesPowerOfTwo(-400_000)
        #expect(throws: InputError.self) { try huge.encodedForReading() }
    }
}
