// Stub: replaced by the certified activation-fit benchmark.
enum FitBenchmark {
    static func run() { print("fits: not built yet") }
}
