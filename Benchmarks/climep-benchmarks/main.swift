// climep benchmarks: executables whose figures go into BENCHMARKS.md, never timed tests.
//
//   swift run -c release climep-benchmarks [rational] [fits] [bound] [polyhedra] [regions] [certify] [dnet] [compact] [signs] [json]
//
// Every figure is printed next to a baseline measured in the same run (Double
// arithmetic on the same values), so the ratio is what to compare across machines.

import ExactArithmetic

let suites: [String: () -> Void] = [
    "rational": RationalBenchmark.run,
    "fits": FitBenchmark.run,
    "bound": BoundBenchmark.run,
    "polyhedra": PolyhedraBenchmark.run,
    "regions": RegionsBenchmark.run,
    "certify": CertifyBenchmark.run,
    "dnet": DecisionNetBenchmark.run,
    "compact": CompactDecisionNetBenchmark.run,
    "signs": SignsBenchmark.run,
    "json": CertificateJSONBenchmark.run,
]

let requested = CommandLine.arguments.dropFirst()
for name in requested.isEmpty ? suites.keys.sorted() : Array(requested) {
    guard let suite = suites[name] else {
        print("unknown benchmark '\(name)'; known: \(suites.keys.sorted().joined(separator: ", "))")
        exitWithStatus(2)
    }
    suite()
}
