import ExactArithmetic
import Certification
import NeuralNetwork
import Verification
import Foundation

/// DecisionNet prediction throughput against the original network's float
/// forward pass, on the ReLU model (`climep-benchmarks dnet`).
enum DecisionNetBenchmark {
    static func run() {
        let root = BoundBenchmark.root
        let path = root.appendingPathComponent("Benchmarks/models/relu-2x32x32x32.onnx").path
        let data = try! Network.modelFileData(path)
        let network = try! Network(data: data, source: path)
        let box = try! InputBox(parsing: "-3/2:3/2", dimension: network.inputCount)
        let g = try! LinearizedNetwork(network, pieces: 3, method: .defaultMethod)
        let result = try! Certifier.certify(g, modelData: data, over: box, splits: 64)

        // DecisionNet throughput on the ReLU model: exact sign patterns (with the
        // exact fallback to g) against the original network's float forward pass.
        let net = result.decisionNet.net()
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
        let exactFallback = bestNanoseconds(repetitions: 3) {
            for x in exact {
                if let pattern = net.signs.pattern(of: x), let label = net.table[pattern] {
                    sink &+= UInt64(label)
                } else {
                    sink &+= UInt64(Network.label(ofLogits: result.g.exactLogits(x)))
                }
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
                           ("DecisionNet: table, else g exactly (baseline: no float filter for g)", exactFallback),
                           ("DecisionNet: filtered signs, table, else g filtered, exact near ties (`predict`)", dnet),
                           ("g evaluated exactly (rational forward pass)", gExact)] {
            let perPoint = ns / Double(count)
            print("| \(name) | \(format(1e9 / perPoint, digits: 0)) | \(format(perPoint / 1e3, digits: 2)) | \(format(perPoint / (float / Double(count)), digits: 1))× |")
        }
    }
}
