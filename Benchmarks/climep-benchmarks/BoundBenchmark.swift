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
        let attained = AttainedError.search(g, over: box)
        let proven = attained.lowerBound.nearestDouble
        print("Largest |f − g| over 10⁵ random points: \(format(observed * 1e3, digits: 3))e-3; attained (search, proven): \(format(proven * 1e3, digits: 3))e-3")
        print("")
        print("| splits | sub-boxes | per-neuron bound | time (s) | forms only | time (s) | certified bound | time (s) | certified / attained |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for splits in [0, 16, 64, 256] {
            let (old, oldTime) = timed { ErrorBound.certify(g, over: box, splits: splits, symbolic: false) }
            let (forms, formsTime) = timed { ErrorBound.certify(g, over: box, splits: splits, symbolic: true, backSubstitution: false) }
            let (new, newTime) = timed { ErrorBound.certify(g, over: box, splits: splits, symbolic: true) }
            let b = new.maximum.nearestDouble
            print("| \(splits)\(splits == 64 ? " (default)" : "") | \(new.subBoxes) | \(format(old.maximum.nearestDouble * 1e3, digits: 3))e-3 | \(seconds(oldTime)) | \(format(forms.maximum.nearestDouble * 1e3, digits: 3))e-3 | \(seconds(formsTime)) | \(format(b * 1e3, digits: 3))e-3 | \(seconds(newTime)) | \(format(b / max(proven, observed), digits: 2)) |")
        }

        smoothMLPs()

        let eran = root.deletingLastPathComponent().appendingPathComponent("shared/benchmarks/vnncomp2021/eran")
        guard FileManager.default.fileExists(atPath: eran.path) else {
            print("\n../shared/benchmarks is absent: ERAN figures skipped")
            return
        }
        let sigmoid = try! Network(contentsOf: eran.appendingPathComponent("ffnnSIGMOID__Point_6x200.onnx").path)
        print("")
        print("## ERAN ffnnSIGMOID__Point_6x200 (784 inputs, 6×200 sigmoid) over its VNN-LIB boxes, no splitting")
        print("")
        print("| property | n | per-neuron bound | time (s) | forms only | time (s) | certified bound | time (s) | attained (proven) | certified / attained | peak RSS (MiB) |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for property in ["mnist_spec_idx_1013_eps_0.01500", "mnist_spec_idx_1150_eps_0.01200"] {
            let box = try! InputBox(vnnlibFile: eran.appendingPathComponent(property + ".vnnlib").path)
            for n in [8, 32] {
                let g = try! LinearizedNetwork(sigmoid, pieces: n, method: .defaultMethod)
                let (old, oldTime) = timed { ErrorBound.certify(g, over: box, splits: 0, symbolic: false) }
                let (forms, formsTime) = timed { ErrorBound.certify(g, over: box, splits: 0, symbolic: true, backSubstitution: false) }
                let (new, newTime) = timed { ErrorBound.certify(g, over: box, splits: 0, symbolic: true) }
                let attained = AttainedError.search(g, over: box, samples: 400, objectives: 10, starts: 16, ascentSteps: 200).lowerBound.nearestDouble
                let b = new.maximum.nearestDouble
                print("| \(property) | \(n) | \(format(old.maximum.nearestDouble, digits: 1)) | \(seconds(oldTime)) | \(format(forms.maximum.nearestDouble, digits: 3)) | \(seconds(formsTime)) | \(format(b, digits: 3)) | \(seconds(newTime)) | \(format(attained, digits: 4)) | \(format(b / attained, digits: 0)) | \(peakMemoryMiB()) |")
            }
        }
    }

    /// The scikit-learn MLPs of issue 10 (Benchmarks/models/make_models.py smooth): boxes
    /// are L∞ balls around the first test sample (digits clipped to [0, 1]).
    static func smoothMLPs() {
        let centres = try! String(contentsOf: root.appendingPathComponent("Benchmarks/models/smooth-centres.csv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",").map { Rational(exactly: Double($0)!)! } }
        print("")
        print("## scikit-learn MLPs: L∞ balls around a test sample, 16 pieces")
        print("")
        print("| model | radius | splits | per-neuron bound | time (s) | forms only | time (s) | certified bound | time (s) | attained (proven) | certified / attained |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        let cases: [(String, [Rational], Rational?, [Rational])] = [
            ("tanh-cancer-30x32x32x32.onnx", centres[0], nil, [Rational(1, 20), Rational(1, 5)]),
            ("sigmoid-digits-64x32x32x32.onnx", centres[1], Rational(1), [Rational(1, 50), Rational(1, 10)]),
        ]
        for (file, centre, clip, radii) in cases {
            let network = try! Network(contentsOf: root.appendingPathComponent("Benchmarks/models/" + file).path)
            let g = try! LinearizedNetwork(network, pieces: 16, method: .defaultMethod)
            for radius in radii {
                let lower = centre.map { clip == nil ? $0 - radius : max($0 - radius, .zero) }
                let upper = centre.map { c in clip.map { min(c + radius, $0) } ?? c + radius }
                let box = try! InputBox(lower: lower, upper: upper)
                for splits in [0, 64] {
                    let (old, oldTime) = timed { ErrorBound.certify(g, over: box, splits: splits, symbolic: false) }
                    let (forms, formsTime) = timed { ErrorBound.certify(g, over: box, splits: splits, symbolic: true, backSubstitution: false) }
                    let (new, newTime) = timed { ErrorBound.certify(g, over: box, splits: splits, symbolic: true) }
                    let attained = AttainedError.search(g, over: box).lowerBound.nearestDouble
                    let b = new.maximum.nearestDouble
                    print("| \(file) | \(radius) | \(splits) | \(format(old.maximum.nearestDouble, digits: 4)) | \(seconds(oldTime)) | \(format(forms.maximum.nearestDouble, digits: 4)) | \(seconds(formsTime)) | \(format(b, digits: 4)) | \(seconds(newTime)) | \(format(attained, digits: 5)) | \(format(b / attained, digits: 1)) |")
                }
            }
        }
    }

    static func timed<T>(_ body: () -> T) -> (T, Duration) {
        var result: T?
        let elapsed = ContinuousClock().measure { result = body() }
        return (result!, elapsed)
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
