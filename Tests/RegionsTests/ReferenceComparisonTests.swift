import ExactArithmetic
import Foundation
import FixtureSupport
import Linearization
import Verification
import NeuralNetwork
import Regions
import Testing

/// Complete enumeration equals an independent exact computation (Python
/// fractions, polygon splitting: Tests/Fixtures/reference_regions.py) region
/// for region, and the exact class areas are equal digit for digit.
@Suite struct ReferenceComparisonTests {
    struct Reference: Decodable { let model: String, box: [String], count: Int, classArea: [String] }

    @Test(arguments: ["sk_moons_relu_bin"])
    func countAndClassAreasMatchTheReference(name: String) throws {
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: URL(fileURLWithPath: Fixtures.path("regions/\(name).json"))))
        let network = try Network(contentsOf: Fixtures.path("models/\(name).onnx"))
        let lo = Rational(reference.box[0])!, hi = Rational(reference.box[1])!
        let box = try InputBox(lower: [lo, lo], upper: [hi, hi])
        let g = try LinearizedNetwork(network, pieces: 3, method: .defaultMethod)
        let result = try RegionEnumeration.complete(g, over: box)
        #expect(result.regions.count == reference.count)
        #expect(result.classAreas(classCount: network.classCount).map(\.description) == reference.classArea)
        #expect(try CompletenessCheck.verify(result.certificate!, for: g, over: box) == reference.count)
    }
}
