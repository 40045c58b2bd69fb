import Certification
import ExactArithmetic
import Foundation
import Linearization
import NeuralNetwork
import Verification

/// certify and check times for the demo model and a 2→32×32×32 ReLU model,
/// and DecisionNet prediction throughput against the float forward pass.
enum CertifyBenchmark {
    static func run() {
        let root = BoundBenchmark.root
        print("## certify and check")
        print("")
        print("| model | box | pieces | regions | certify (s) | write JSON (s) | read JSON (s) | check (s) | certificate (MB) | encode: JSONEncoder (s) | encode: CanonicalJSONWriter (s) |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        let demoTraining = try! PointSet(contentsOf: root.appendingPathComponent("Examples/moons-train.csv").path, dimension: 2).points
        for (file, boxText, pieces, training) in [
            ("Examples/moons-tanh.onnx", "-2:3,-1.5:2", 8, demoTraining),
            ("Benchmarks/models/relu-2x32x32x32.onnx", "-3/2:3/2", 3, []),
            // Tens of thousands of regions: the round trip issue 9 asks for (whatever certify writes, check reads).
            ("Benchmarks/models/tanh-spirals-2x24x24.onnx", "-3/2:3/2", 8, []),
        ] {
            let path = root.appendingPathComponent(file).path
            let data = try! Network.modelFileData(path)
            let network = try! Network(data: data, source: path)
            let box = try! InputBox(parsing: boxText, dimension: network.inputCount)
            let g = try! LinearizedNetwork(network, pieces: pieces, method: .defaultMethod)
            let clock = ContinuousClock()
            var result: Certifier.Result?
            let certify = clock.measure {
                result = try! Certifier.certify(g, modelData: data, over: box, splits: 64, trainingPoints: training.filter { box.contains($0) })
            }
            var json = Data()
            let write = clock.measure { json = try! result!.certificate.encodedForReading() }
            var decoded: Certificate?
            let read = clock.measure { decoded = try! Certificate.decode(json) }
            let check = clock.measure { _ = try! CertificateChecker.check(decoded!, modelData: data, source: path) }
            // The canonical encoding both ways (the baseline: Foundation's encoder, which wrote certificates before).
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var foundationBytes = Data(), writerBytes: [UInt8] = []
            let foundationEncode = clock.measure { foundationBytes = try! encoder.encode(result!.certificate) }
            let writerEncode = clock.measure { writerBytes = try! CanonicalJSONWriter.bytes(of: result!.certificate) }
            precondition(foundationBytes == Data(writerBytes), "the two encodings differ")
            print("| \(file) | \(boxText) | \(network.isPiecewiseLinear ? "—" : "\(pieces)") | \(result!.enumeration.regions.count) | \(BoundBenchmark.seconds(certify)) | \(BoundBenchmark.seconds(write)) | \(BoundBenchmark.seconds(read)) | \(BoundBenchmark.seconds(check)) | \(format(Double(json.count) / 1e6, digits: 2)) | \(BoundBenchmark.seconds(foundationEncode)) | \(BoundBenchmark.seconds(writerEncode)) |")
        }
    }
}
