import ExactArithmetic
import Foundation
import Linearization
import Verification
import NeuralNetwork

/// The certified error bound: time, and tightness against sampled errors.
enum BoundBenchmark {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func run() {
        let model = root.appendingPathComponent("Benchmarks/models/tanh-2x24x24.onnx").path
        let network = try! Network(contentsOf: model)
        let box = try! InputBox(parsing: "-3/2:3/2", dimension: 2)
        let g = try! LinearizedNetwork(network, pieces: 8, method: .defaultMethod)
        // Largest |f − g| over 10^5 random points (float64; display only).
        var rng = SplitMix64(state: 7)
        var observed = 0.0
        for _ in 0..<100_000 {
            let x = (0..<2).map { _ in Double.random(in: -1.5...1.5, using: &rng) }
            let f = network.logits(x), y = g.logits(x)
            observed = max(observed, zip(f, y).map { abs($0 - $1) }.max()!)
        }
        print("## Certified bound, 2→24×24 tanh (Benchmarks/models/tanh-2x24x24.onnx), n = 8, box [−1.5, 1.5]²")
        print("")
        print("Largest |f − g| over 10⁵ random points: \(format(observed * 1e3, digits: 3))e-3")
        print("")
        print("| splits | sub-boxes | certified bound | bound / observed | wall time (s) |")
        print("|---:|---:|---:|---:|---:|")
        for splits in [0, 16, 64, 256] {
            let clock = ContinuousClock()
            var bound: ErrorBound?
            let elapsed = clock.measure { bound = ErrorBound.certify(g, over: box, splits: splits) }
            let b = bound!.maximum.nearestDouble
            print("| \(splits)\(splits == 64 ? " (default)" : "") | \(bound!.subBoxes) | \(format(b * 1e3, digits: 3))e-3 | \(format(b / observed, digits: 2)) | \(seconds(elapsed)) |")
        }

        let eran = root.deletingLastPathComponent().appendingPathComponent("shared/benchmarks/vnncomp2021/eran")
        guard FileManager.default.fileExists(atPath: eran.path) else {
            print("\n../shared/benchmarks is absent: ERAN figures skipped")
            return
        }
        let sigmoid = try! Network(contentsOf: eran.appendingPathComponent("ffnnSIGMOID__Point_6x200.onnx").path)
        print("")
        print("## ERAN ffnnSIGMOID__Point_6x200 (784 inputs, 6×200 sigmoid) over its VNN-LIB boxes, no splitting")
        print("")
        print("| property | n | certified max bound over logits | wall time (s) | peak RSS (MiB) |")
        print("|---|---:|---:|---:|---:|")
        for property in ["mnist_spec_idx_1013_eps_0.01500", "mnist_spec_idx_1150_eps_0.01200"] {
            let box = try! InputBox(vnnlibFile: eran.appendingPathComponent(property + ".vnnlib").path)
            for n in [8, 32] {
                let g = try! LinearizedNetwork(sigmoid, pieces: n, method: .defaultMethod)
                let clock = ContinuousClock()
                var bound: ErrorBound?
                let elapsed = clock.measure { bound = ErrorBound.certify(g, over: box, splits: 0) }
                print("| \(property) | \(n) | \(String(bound!.maximum.nearestDouble)) | \(seconds(elapsed)) | \(peakMemoryMiB()) |")
            }
        }
    }

    static func seconds(_ d: Duration) -> String {
        format(Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18, digits: 2)
    }

    static func peakMemoryMiB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss / 1024)
    }
}
