import ExactArithmetic
import FixtureSupport
import Foundation
import NeuralNetwork
import Testing
import Verification

/// SiLU, GELU (the tanh form also from torch's node-by-node chains below
/// opset 20) and ELU (α = −0.5) models exported by torch, certified by `climep certify`:
/// the certificate checks, and at sampled points of the box the model's
/// logits `f` (enclosed at 200 bits, layer by layer, from σ and erf) and the
/// certificate's linearization `g` (exact) differ by no more than the
/// certified error bound — recounted here, not read from climep's output.
@Suite struct NonMonotoneCertifyTests {
    func temporaryPath(_ suffix: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("climep-test-\(UUID().uuidString)\(suffix)").path
    }

    @Test(arguments: ["torch_legacy_silu", "torch_dynamo_gelu", "torch_legacy_opset18_gelu", "torch_dynamo_gelu_tanh",
                      "torch_dynamo_elu_negative", "torch_legacy_opset17_gelu_tanh", "torch_dynamo_opset18_gelu_tanh"])
    func certifiesChecksAndBoundsTheSampledError(name: String) throws {
        let model = Fixtures.path("exporters/\(name).onnx")
        let out = temporaryPath(".json")
        let result = try Climep.run(["certify", model, "--box=-0.5:0.5", "--pieces", "4", "--splits", "0", "--out", out, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let check = try Climep.run(["check", out, "--model", model])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("verified"))

        let certificate = try Certificate.read(path: out)
        let network = try Network(contentsOf: model)
        let smooth = network.layers.compactMap { SmoothActivation($0.activation) }
        #expect(smooth.count == 2 && smooth.allSatisfy(\.isNonMonotone))
        let g = try LinearizedNetwork(network, activations: certificate.linearization.layers.map(\.function))
        let bound = certificate.linearization.errorBound
        #expect(bound.allSatisfy { $0.sign > 0 })
        var rng = SeededGenerator(state: 13)
        var largest = Rational.zero
        for k in 0..<60 {
            // Corners first (where ranges are widest), then random points.
            let x: [Rational] = (0..<network.inputCount).map { j in
                if k < 16 { return (k >> (j % 4)) & 1 == 0 ? Rational(-1, 2) : Rational(1, 2) }
                return Rational(Int.random(in: -1024...1024, using: &rng), 2048)
            }
            let f = enclosedLogits(network, at: x), gx = g.exactLogits(x)
            for i in f.indices {
                // The least |f − g| can be, given f's enclosure.
                let d = f[i] - RationalInterval(point: gx[i])
                let least = d.lower.sign > 0 ? d.lower : (d.upper.sign < 0 ? -d.upper : .zero)
                largest = max(largest, least / bound[i])
                #expect(least <= bound[i], "\(name) at \(x), logit \(i): |f − g| ≥ \(least.nearestDouble) > \(bound[i].nearestDouble)")
            }
        }
        // Not vacuous: the fits are coarse, so some sampled error is a visible part of the bound.
        #expect(largest.nearestDouble > 1e-4, "\(name): largest sampled |f − g| / bound = \(largest.nearestDouble)")
    }
}
