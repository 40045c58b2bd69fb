import ExactArithmetic

/// Multiply-add throughput and exact dot products against Double.
enum RationalBenchmark {
    static func run() {
        var rng = SplitMix64(state: 42)
        let n = 100_000
        let integersA = (0..<n).map { _ in Rational(Int.random(in: -1000...1000, using: &rng)) }
        let integersB = (0..<n).map { _ in Rational(Int.random(in: -1000...1000, using: &rng)) }
        let smallA = (0..<n).map { _ in Rational(Int.random(in: -1000...1000, using: &rng), Int.random(in: 1...64, using: &rng)) }
        let smallB = (0..<n).map { _ in Rational(Int.random(in: -1000...1000, using: &rng), Int.random(in: 1...64, using: &rng)) }
        let floatsA = (0..<n).map { _ in Float.random(in: -1...1, using: &rng) }
        let floatsB = (0..<n).map { _ in Float.random(in: -1...1, using: &rng) }
        let float32A = floatsA.map { Rational(exactly: $0)! }
        let float32B = floatsB.map { Rational(exactly: $0)! }

        print("## Rational multiply-add (\(n) terms, acc += a·b, best of 5)")
        print("")
        print("| values | Rational ns/op | Double ns/op | ratio |")
        print("|---|---:|---:|---:|")
        for (name, a, b) in [("small integers (|p| ≤ 1000)", integersA, integersB), ("fractions p/q, |p| ≤ 1000, q ≤ 64 (sum outgrows 64 bits)", smallA, smallB), ("float32-derived", float32A, float32B)] {
            let exact = bestNanoseconds {
                var acc = Rational.zero
                for i in 0..<n { acc += a[i] * b[i] }
                blackHole(acc)
            } / Double(n)
            let da = a.map(\.nearestDouble), db = b.map(\.nearestDouble)
            let float = bestNanoseconds {
                var acc = 0.0
                for i in 0..<n { acc += da[i] * db[i] }
                blackHole(acc)
            } / Double(n)
            print("| \(name) | \(format(exact)) | \(format(float, digits: 2)) | \(format(exact / float, digits: 0))× |")
        }

        let length = 64, dots = 20_000
        let rowsA = (0..<dots).map { _ in (0..<length).map { _ in Rational(exactly: Float.random(in: -1...1, using: &rng))! } }
        let rowsB = (0..<dots).map { _ in (0..<length).map { _ in Rational(exactly: Float.random(in: -4...4, using: &rng))! } }
        let fast = bestNanoseconds(repetitions: 3) {
            for i in 0..<dots { blackHole(dot(rowsA[i], rowsB[i])) }
        } / Double(dots)
        let general = bestNanoseconds(repetitions: 3) {
            for i in 0..<dots {
                var acc = Rational.zero
                for j in 0..<length { acc += rowsA[i][j] * rowsB[i][j] }
                blackHole(acc)
            }
        } / Double(dots)
        let da = rowsA.map { $0.map(\.nearestDouble) }, db = rowsB.map { $0.map(\.nearestDouble) }
        let float = bestNanoseconds(repetitions: 3) {
            for i in 0..<dots {
                var acc = 0.0
                for j in 0..<length { acc += da[i][j] * db[i][j] }
                blackHole(acc)
            }
        } / Double(dots)
        print("")
        print("## Exact dot products, length \(length), float32-derived values (\(dots) dots, best of 3)")
        print("")
        print("| method | µs/dot | vs Double |")
        print("|---|---:|---:|")
        print("| `dot` (128-bit fixed-point accumulator) | \(format(fast / 1000, digits: 2)) | \(format(fast / float, digits: 0))× |")
        print("| `acc += a·b` with `Rational` | \(format(general / 1000, digits: 2)) | \(format(general / float, digits: 0))× |")
        print("| Double | \(format(float / 1000, digits: 3)) | 1× |")
        print("")
        print("fast path speed-up over the general path: \(format(general / fast))×")
    }
}
