import ExactArithmetic
import Foundation
import Linearization
import LPSearch
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
        print("| model | box | regions | enumerate (s) | replay certificate (s) | regions/s (both) | exact LP fallbacks | patterns hit by 10⁵ samples | all found | float-only walk (s) | its regions | enumerate / float-only |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|")
        var planar: (regions: Int, seconds: Double)?
        for (file, box) in [("relu-2x32x32x32.onnx", "-3/2:3/2"), ("relu-4x16x16.onnx", "-1:1"), ("relu-30x16.onnx", "-1:1")] {
            let network = try! Network(contentsOf: models.appendingPathComponent(file).path)
            let box = try! InputBox(parsing: box, dimension: network.inputCount)
            let measured = measure(file, network, box, samples: 100_000)
            if planar == nil { planar = measured }
        }
        referenceRun(models.appendingPathComponent("relu-2x32x32x32.onnx").path, climep: planar!)
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

    /// The independent exact Python reference (polygon splitting in fractions) on the
    /// same model and box, in the same run, when python3 with onnx and numpy is here.
    static func referenceRun(_ model: String, climep: (regions: Int, seconds: Double)) {
        let script = BoundBenchmark.root.appendingPathComponent("Tests/Fixtures/reference_regions.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, model, "-3/2", "3/2"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            do { try process.run(); process.waitUntilExit() } catch {}
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard process.terminationStatus == 0,
              let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let regions = json["count"] as? Int else {
            print("\nThe Python reference did not run here (python3 with onnx and numpy is needed): no ratio.")
            return
        }
        print("")
        print("Same run: the exact Python reference (Tests/Fixtures/reference_regions.py, polygon splitting in fractions) finds \(regions) regions of relu-2x32x32x32.onnx in \(BoundBenchmark.seconds(elapsed)) s; climep's search plus certificate replay found \(climep.regions) in \(format(climep.seconds, digits: 2)) s: \(format(seconds(elapsed) / climep.seconds, digits: 1))× faster.")
    }

    @discardableResult
    static func measure(_ name: String, _ network: Network, _ box: InputBox, samples: Int) -> (regions: Int, seconds: Double) {
        let g = try! LinearizedNetwork(network, pieces: 3, method: .defaultMethod)
        let fallbacksBefore = LinearProgramming.exactFallbackCount
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
        let fallbacks = LinearProgramming.exactFallbackCount - fallbacksBefore
        // The same walk with every exact part off (FloatOnlyEnumeration), on both cores too.
        var floatCount = 0
        let floatOnly = clock.measure { floatCount = FloatOnlyEnumeration(g, over: box).regionCount() }
        print("| \(name) | \(box.text.count > 30 ? "[−1, 1]^\(box.dimension)" : box.text) | \(count) | \(BoundBenchmark.seconds(search)) | \(BoundBenchmark.seconds(replay)) | \(format(Double(count) / total, digits: 0)) | \(fallbacks) | \(hit.count) | \(hit.isSubset(of: patterns) ? "yes" : "NO") | \(BoundBenchmark.seconds(floatOnly)) | \(floatCount) | \(format(seconds(search) / seconds(floatOnly), digits: 2))× |")
        return (count, total)
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
