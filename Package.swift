// swift-tools-version: 6.1
//
// climep: exact linear regions, decision boundaries, DecisionNets and certified
// error bounds for fully-connected classifiers. One target per layer of the
// stack (see README.md): each depends only on the layers below it.

import PackageDescription

let package = Package(
    name: "climep",
    products: [
        .executable(name: "climep", targets: ["climep"]),
        .library(name: "ExactArithmetic", targets: ["ExactArithmetic"]),
        .library(name: "NeuralNetwork", targets: ["NeuralNetwork"]),
        .library(name: "Linearization", targets: ["Linearization"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", exact: "2.0.1"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
    ],
    targets: [
        // C bridges.
        .systemLibrary(
            name: "CGMP",
            pkgConfig: "gmp",
            providers: [.apt(["libgmp-dev"])]
        ),
        .systemLibrary(
            name: "CMPFR",
            pkgConfig: "mpfr",
            providers: [.apt(["libmpfr-dev"])]
        ),
        // gzip for certificate files (`--out FILE.gz`; `check` reads either).
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),

        // The binary64 sign filter's kernel (AVX2/FMA where the processor has
        // them): values only; every sign it decides is proven in Swift's terms
        // (proofs/decision-net.md, "Signs over a box").
        .target(name: "CSignFilter"),

        // Exact core: rationals, vectors, matrices, intervals, rigorous
        // enclosures of exp, sigmoid and tanh.
        .target(name: "ExactArithmetic", dependencies: ["CGMP", "CMPFR"]),

        // Network model, evaluation and loaders (ONNX, JSON, VNN-LIB, CSV).
        .target(
            name: "NeuralNetwork",
            dependencies: [
                "ExactArithmetic", "CZlib",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),

        // Exact polyhedra over a box: halfspaces, polytopes, LP certificates
        // and their exact checks, exact 2-D polygons. Nothing here searches.
        .target(name: "Polyhedra", dependencies: ["ExactArithmetic"]),

        // The trusted kernel of `climep check`: g's definition, interval
        // ranges, checkable activation errors and the Proposition 3 bound,
        // the split-tree replay, the DecisionNet, the certificate format and
        // the checker. Depends on the exact core, Polyhedra's exact checks and
        // the model loader only; the search targets below build on it.
        .target(
            name: "Verification",
            dependencies: [
                "ExactArithmetic", "Polyhedra", "NeuralNetwork", "CSignFilter",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["README.md"]
        ),

        // Search: floating-point LP with exact checks and exact fallback.
        .target(name: "LPSearch", dependencies: ["ExactArithmetic", "Polyhedra"]),

        // Search: PWL fits, certified activation error by branch and bound,
        // the split search of the error bound.
        .target(name: "Linearization", dependencies: ["ExactArithmetic", "NeuralNetwork", "Verification"]),

        // Search: linear regions of g (complete enumeration with a split-tree
        // certificate, sample-driven), decision boundary, class areas.
        .target(
            name: "Regions",
            dependencies: ["ExactArithmetic", "Polyhedra", "LPSearch", "NeuralNetwork", "Verification", "Linearization"]
        ),

        // Search: builds the DecisionNet, the agreement claims and the certificate.
        .target(
            name: "Certification",
            dependencies: ["ExactArithmetic", "Polyhedra", "LPSearch", "NeuralNetwork", "Verification", "Linearization", "Regions"]
        ),

        // The command-line tool: parse, call the library, print.
        .executableTarget(
            name: "climep",
            dependencies: [
                "NeuralNetwork",
                "Verification",
                "Linearization",
                "Regions",
                "Certification",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Benchmarks are executables, never timed tests (see BENCHMARKS.md).
        .executableTarget(
            name: "climep-benchmarks",
            dependencies: ["ExactArithmetic", "NeuralNetwork", "Verification", "Linearization", "Polyhedra", "LPSearch", "Regions", "Certification"],
            path: "Benchmarks/climep-benchmarks"
        ),

        .testTarget(
            name: "ExactArithmeticTests",
            dependencies: [
                "ExactArithmetic", "FixtureSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .target(name: "FixtureSupport", dependencies: ["ExactArithmetic", "NeuralNetwork", "Verification"], path: "Tests/FixtureSupport"),
        .testTarget(name: "NeuralNetworkTests", dependencies: ["NeuralNetwork", "FixtureSupport"]),
        .testTarget(name: "LinearizationTests", dependencies: ["Linearization", "Verification", "FixtureSupport"]),
        .testTarget(name: "PolyhedraTests", dependencies: ["Polyhedra", "LPSearch", "FixtureSupport"]),
        .testTarget(name: "RegionsTests", dependencies: ["Regions", "Verification", "Linearization", "FixtureSupport"]),
        .testTarget(name: "VerificationTests", dependencies: ["Verification", "Certification", "Regions", "Linearization", "FixtureSupport"]),
        .testTarget(name: "CertificationTests", dependencies: ["Certification", "Verification", "Regions", "Linearization", "LPSearch", "FixtureSupport"]),
        .testTarget(name: "ClimepCLITests", dependencies: ["climep", "FixtureSupport", "Verification", "NeuralNetwork", "ExactArithmetic", "Polyhedra"]),
    ],
    swiftLanguageModes: [.v6]
)
