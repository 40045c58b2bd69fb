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
        print("| model | box | pieces | regions | certify (s) | write JSON (s) | read JSON (s) | check (s) | certificate (MB) |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
        let demoTraining = try! PointSet(contentsOf: root.appendingPathComponent("Examples/moons-train.csv").path, dimension: 2).points
        var relu: (Certifier.Result, InputBox)?
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
            print("| \(file) | \(boxText) | \(network.isPiecewiseLinear ? "—" : "\(pieces)") | \(result!.enumeration.regions.count) | \(BoundBenchmark.seconds(certify)) | \(BoundBenchmark.seconds(write)) | \(BoundBenchmark.seconds(read)) | \(BoundBenchmark.seconds(check)) | \(format(Double(json.count) / 1e6, digits: 2)) |")
            if network.isPiecewiseLinear { relu = (result!, box) }
        }
        guard let (result, box) = relu else { return }

        // DecisionNet throughput on the ReLU model: exact sign patterns (with the
        // exact fallback to g) against the original network's float forward pass.
        let net = result.decisionNet.net, network = result.g.original
        var rng = SplitMix64(state: 11)
        let count = 20_000
        let doubles = (0..<count).map { _ in (0..<2).map { j in
            box.lower[j].nearestDouble + Double.random(in: 0..<1, using: &rng) * (box.upper[j] - box.lower[j]).nearestDouble } }
        let exact = doubles.map { $0.map { Rational(exactly: $0)! } }
        var fromTable = 0
        let dnet = bestNanoseconds(repetitions: 3) {
            fromTable = 0
            for x in exact {
                let answer = net.predict(x)
                sink &+= UInt64(answer.label)
                if answer.fromTable { fromTable += 1 }
            }
        }
        let gExact = bestNanoseconds(repetitions: 3) { for x in exact { sink &+= UInt64(Network.label(ofLogits: result.g.exactLogits(x))) } }
        let float = bestNanoseconds(repetitions: 3) { for x in doubles { sink &+= UInt64(Network.label(ofLogits: network.logits(x))) } }
        print("")
        print("DecisionNet of relu-2x32x32x32 (\(net.hyperplanes.count) hyperplanes, \(net.table.count) table entries; \(format(100 * Double(fromTable) / Double(count), digits: 1)) % of \(count) random points answered by the table):")
        print("")
        print("| predictor | points/s | time per point (µs) | vs float forward pass |")
        print("|---|---:|---:|---:|")
        for (name, ns) in [("original network, float forward pass (Double)", float),
                           ("DecisionNet, exact sign patterns + exact fallback", dnet),
                           ("g evaluated exactly (rational forward pass)", gExact)] {
            let perPoint = ns / Double(count)
            print("| \(name) | \(format(1e9 / perPoint, digits: 0)) | \(format(perPoint / 1e3, digits: 2)) | \(format(perPoint / (float / Double(count)), digits: 1))× |")
        }
    }
}
