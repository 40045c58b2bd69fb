import ExactArithmetic
import Foundation
import Linearization
import Verification
import NeuralNetwork
import Regions

/// Complete certified enumeration: regions/s, search vs exact replay, and
/// coverage of the patterns that random samples hit.
enum RegionsBenchmark {
    static func run() {
        let models = BoundBenchmark.root.appendingPathComponent("Benchmarks/models")
        print("## Complete certified enumeration")
        print("")
        print("| model | box | regions | enumerate (s) | replay certificate (s) | regions/s (both) | patterns hit by 10⁵ samples | all found |")
        print("|---|---|---:|---:|---:|---:|---:|---|")
        for (file, box) in [("relu-2x32x32x32.onnx", "-3/2:3/2"), ("relu-4x16x16.onnx", "-1:1"), ("relu-30x16.onnx", "-1:1")] {
            let network = try! Network(contentsOf: models.appendingPathComponent(file).path)
            let box = try! InputBox(parsing: box, dimension: network.inputCount)
            measure(file, network, box, samples: 100_000)
        }
        let acas = BoundBenchmark.root.deletingLastPathComponent().appendingPathComponent("shared/benchmarks/vnncomp2021/acasxu")
        guard FileManager.default.fileExists(atPath: acas.path) else { print("\n../shared/benchmarks is absent: ACAS Xu skipped"); return }
        let network = try! Network(contentsOf: acas.appendingPathComponent("ACASXU_run2a_1_1_batch_2000.onnx").path)
        let box = try! InputBox(vnnlibFile: acas.appendingPathComponent("prop_1.vnnlib").path)
        let g = try! LinearizedNetwork(network, pieces: 3, method: .defaultMethod)
        let limit = 2000
        let clock = ContinuousClock()
        var found = 0
        let elapsed = clock.measure {
            do { found = try RegionEnumeration.complete(g, over: box, maximumRegions: limit).regions.count }
            catch let error as RegionEnumeration.LimitReached { found = error.regionsFound } catch { fatalError("\(error)") }
        }
        print("")
        print("ACAS Xu run2a_1_1 (5 inputs, 6×50 ReLU) over prop_1's box: stopped cleanly by the region limit after \(found) regions in \(BoundBenchmark.seconds(elapsed)) s (\(format(Double(found) / seconds(elapsed), digits: 0)) regions/s).")
    }

    static func measure(_ name: String, _ network: Network, _ box: InputBox, samples: Int) {
        let g = try! LinearizedNetwork(network, pieces: 3, method: .defaultMethod)
        let clock = ContinuousClock()
        var result: RegionEnumeration?
        let search = clock.measure { result = try! RegionEnumeration.complete(g, over: box) }
        var count = 0
        let replay = clock.measure { count = try! CompletenessCheck.verify(result!.certificate!, for: g, over: box) }
        precondition(count == result!.regions.count)
        let patterns = Set(result!.regions.map(\.pattern))
        var rng = SplitMix64(state: 1)
        var hit: Set<[[Int]]> = []
        for _ in 0..<samples {
            let x = (0..<box.dimension).map { j in
                box.lower[j] + Rational(Int.random(in: 0...(1 << 30), using: &rng), 1 << 30) * (box.upper[j] - box.lower[j])
            }
            hit.insert(g.pattern(at: x))
        }
        let total = seconds(search) + seconds(replay)
        print("| \(name) | \(box.text.count > 30 ? "[−1, 1]^\(box.dimension)" : box.text) | \(count) | \(BoundBenchmark.seconds(search)) | \(BoundBenchmark.seconds(replay)) | \(format(Double(count) / total, digits: 0)) | \(hit.count) | \(hit.isSubset(of: patterns) ? "yes" : "NO") |")
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
