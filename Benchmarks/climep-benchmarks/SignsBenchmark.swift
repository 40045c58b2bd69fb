import ExactArithmetic
import NeuralNetwork
import Verification

/// `HyperplaneSigns.patterns(of:)`, the DecisionNet's table and checker cost on
/// high-dimensional models, with its two binary64 kernels in the same run
/// (`climep-benchmarks signs`): AVX2 with fused multiply-adds where the
/// processor has them, and portable C; and binary32 first (the default). Sized like a slice of relu-30x16's
/// DecisionNet: 30 inputs, integer normals of about 17 digits, witnesses with
/// large denominators.
enum SignsBenchmark {
    static func run() {
        print("")
        print("Sign patterns in 30 dimensions (\(HyperplaneSigns.nativeKernelName)):")
        print("")
        print("| points × hyperplanes | kernel | time (s) | signs/s | vs portable | patterns equal |")
        print("|---|---|---:|---:|---:|---|")
        // As many hyperplanes as fit in a core's cache, and as many as relu-30x16's DecisionNet has (15 MB of normals).
        for (pointCount, planeCount) in [(16_384, 4_096), (1_024, 65_536)] {
            measure(points: pointCount, planes: planeCount)
        }
    }

    static func measure(points pointCount: Int, planes planeCount: Int) {
        let n = 30
        var rng = SplitMix64(state: 5)
        let box = try! InputBox(lower: Array(repeating: Rational(-1), count: n), upper: Array(repeating: Rational(1), count: n))
        let planes = (0..<planeCount).compactMap { _ in
            Hyperplane((0..<n).map { _ in Rational(Int.random(in: -99_999_999_999_999_999...99_999_999_999_999_999, using: &rng)) },
                       plus: Rational(Int.random(in: -99_999_999_999_999_999...99_999_999_999_999_999, using: &rng)))
        }
        let points = (0..<pointCount).map { _ in
            (0..<n).map { _ in Rational(Int.random(in: -999_999_937...999_999_937, using: &rng), 999_999_937) }
        }
        let portable = HyperplaneSigns(planes, over: box, kernel: .portable)
        let binary64 = HyperplaneSigns(planes, over: box, kernel: .binary64)
        let binary32 = HyperplaneSigns(planes, over: box, kernel: .binary32)
        let portableTime = bestNanoseconds(repetitions: 3) { sink &+= UInt64(portable.patterns(of: points).count) }
        let binary64Time = bestNanoseconds(repetitions: 3) { sink &+= UInt64(binary64.patterns(of: points).count) }
        let binary32Time = bestNanoseconds(repetitions: 3) { sink &+= UInt64(binary32.patterns(of: points).count) }
        let reference = portable.patterns(of: points)
        let same = binary64.patterns(of: points) == reference && binary32.patterns(of: points) == reference
        let signs = Double(planes.count) * Double(points.count)
        for (name, ns) in [("binary64, portable C (baseline)", portableTime), ("binary64", binary64Time),
                           ("binary32, then binary64 where undecided", binary32Time)] {
            print("| \(points.count) × \(planes.count) | \(name) | \(format(ns / 1e9, digits: 2)) | \(format(signs / (ns / 1e9) / 1e6, digits: 0)) M | \(format(ns / portableTime, digits: 2))× | \(same) |")
        }
    }
}
