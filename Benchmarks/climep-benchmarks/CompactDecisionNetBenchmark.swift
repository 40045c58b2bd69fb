import ExactArithmetic
import Certification
import Foundation
import NeuralNetwork
import Verification

/// The compact DecisionNet on 2-D synthetic models like the paper's (and on 3- and 4-input ones)
/// (`climep-benchmarks compact`; models from Benchmarks/models/dnet/make_dnet_models.py):
/// its numbers against the model's and the exact DecisionNet's, the share of
/// the box where it provably gives `f`'s label against the share where that
/// label is proven at all, and its answers per point against the model's own
/// float forward pass, measured in the same run.
enum CompactDecisionNetBenchmark {
    static let models: [(name: String, pieces: Int)] = [
        ("moons-sigmoid-8x8x8", 8), ("moons-tanh-8x8x8", 8), ("circles-tanh-10x10", 8), ("blobs-tanh-8x8", 8),
        ("moons-tanh-64x64", 4), ("moons-sigmoid-64x64", 4),
        ("blobs3d-tanh-6x6", 8), ("blobs3d-tanh-8x8", 8), ("blobs4d-sigmoid-8x8", 4),
    ]

    static func run() {
        let root = BoundBenchmark.root
        print("")
        print("Compact DecisionNet over [-3/2, 3/2]², 64 splits for the bound; certify and check include the exact DecisionNet:")
        print("")
        print("| model | pieces | regions | certify (s) | check (s) | model numbers | exact DNet | compact DNet | compact / model | f's label proven | compact net = f | uncovered parts |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        var speeds: [String] = [], regionRows: [String] = []
        // CLIMEP_COMPACT_MODELS=a,b runs only those models (for a quick look; BENCHMARKS.md has all).
        let only = ProcessInfo.processInfo.environment["CLIMEP_COMPACT_MODELS"].map { Set($0.split(separator: ",").map(String.init)) }
        for (name, pieces) in models where only?.contains(name) ?? true {
            let path = root.appendingPathComponent("Benchmarks/models/dnet/\(name).onnx").path
            let data = try! Network.modelFileData(path)
            let network = try! Network(data: data, source: path)
            let d = network.inputCount
            let box = try! InputBox(parsing: "-3/2:3/2", dimension: d)
            let g = try! LinearizedNetwork(network, pieces: pieces, method: .defaultMethod)
            var result: Certifier.Result? = nil
            let certifyNs = bestNanoseconds(repetitions: 1) {
                result = try! Certifier.certify(g, modelData: data, over: box, splits: 64, compact: .init())
            }
            var checked: CheckedCertificate? = nil
            let checkNs = bestNanoseconds(repetitions: 1) {
                checked = try! CertificateChecker.check(result!.certificate, modelData: data, source: path)
            }
            let c = checked!, compact = c.compact!
            if let covered = compact.coveredRegions {
                // 3 or more inputs: the claim is per region.
                regionRows.append("| \(name) | \(d) | \(pieces) | \(c.regions) | \(format(certifyNs / 1e9, digits: 1)) | \(format(checkNs / 1e9, digits: 1)) | \(c.modelParameters) | \(c.decisionNetParameters) | \(compact.parameters) | \(format(100 * Double(compact.parameters) / Double(c.modelParameters), digits: 1)) % | \(c.agreedRegions) (\(format(100 * Double(c.agreedRegions) / Double(c.regions), digits: 1)) %) | \(covered) (\(format(100 * Double(covered) / Double(max(1, c.agreedRegions)), digits: 2)) % of agreed) |")
            } else {
            let boxArea = c.boxArea!
            let agreed = c.agreedArea! / boxArea, provenCompact = compact.agreedArea! / boxArea
            print("| \(name) | \(pieces) | \(c.regions) | \(format(certifyNs / 1e9, digits: 1)) | \(format(checkNs / 1e9, digits: 1)) | \(c.modelParameters) | \(c.decisionNetParameters) | \(compact.parameters) | \(format(100 * Double(compact.parameters) / Double(c.modelParameters), digits: 1)) % | \(format(100 * agreed.nearestDouble, digits: 2)) % | \(format(100 * provenCompact.nearestDouble, digits: 2)) % | \(compact.uncoveredParts!) |")
            }

            // Answers per point, same points, same run: the model in Double against the compact net.
            let net = try! CompactDecisionNet(certificate: result!.certificate)!
            var rng = SplitMix64(state: 7)
            let count = 50_000
            let doubles = (0..<count).map { _ in (0..<d).map { _ in -1.5 + 3 * Double.random(in: 0..<1, using: &rng) } }
            let exact = doubles.map { $0.map { Rational(exactly: $0)! } }
            let float = bestNanoseconds(repetitions: 3) { for x in doubles { sink &+= UInt64(Network.label(ofLogits: network.logits(x))) } }
            let compactDoubles = bestNanoseconds(repetitions: 3) { for x in doubles { sink &+= UInt64(net.predict(doubles: x)) } }
            let compactRational = bestNanoseconds(repetitions: 3) { for x in exact { sink &+= UInt64(net.predict(x)) } }
            let per = { (ns: Double) in ns / Double(count) }
            speeds.append("| \(name) | \(net.hyperplanes.count) | \(format(per(float), digits: 0)) | \(format(per(compactDoubles), digits: 0)) (\(format(per(compactDoubles) / per(float), digits: 2))×) | \(format(per(compactRational), digits: 0)) (\(format(per(compactRational) / per(float), digits: 2))×) |")
        }
        if !regionRows.isEmpty {
            print("")
            print("3 and 4 inputs, box [-3/2, 3/2]^d: the compact net is certified per agreed region (it gives f's label on all of each covered region):")
            print("")
            print("| model | inputs | pieces | regions | certify (s) | check (s) | model numbers | exact DNet | compact DNet | compact / model | agreed regions | covered regions |")
            print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
            for line in regionRows { print(line) }
        }
        print("")
        print("Answers per point (\(50_000) random points of the box, best of 3; ratios against the float forward pass of the same run):")
        print("")
        print("| model | compact hyperplanes | model, float forward pass (ns) | compact net, points as doubles (ns) | compact net, points as exact rationals (ns) |")
        print("|---|---:|---:|---:|---:|")
        for line in speeds { print(line) }
    }
}
