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

        // Exact core: rationals, vectors, matrices, intervals, rigorous
        // enclosures of exp, sigmoid and tanh.
        .target(name: "ExactArithmetic", dependencies: ["CGMP", "CMPFR"]),

        // Network model, evaluation and loaders (ONNX, JSON, VNN-LIB, CSV).
        .target(
            name: "NeuralNetwork",
            dependencies: [
                "ExactArithmetic",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),

        // PWL activations, certified activation error, interval ranges and
        // the Proposition 3 bound.
        .target(name: "Linearization", dependencies: ["ExactArithmetic", "NeuralNetwork"]),

        // H-polytopes over a box: float LP search, exact certificate checks,
        // exact LP fallback, interior points, facets, exact 2-D polygons.
        .target(name: "Polyhedra", dependencies: ["ExactArithmetic"]),

        // Linear regions of g, complete enumeration with a split-tree
        // certificate, decision boundary, class areas.
        .target(name: "Regions", dependencies: ["ExactArithmetic", "Polyhedra", "NeuralNetwork", "Linearization"]),

        // DecisionNet: boundary hyperplanes and a sign-pattern table.
        .target(name: "DecisionNet", dependencies: ["ExactArithmetic", "Polyhedra", "NeuralNetwork", "Linearization", "Regions"]),

        // The command-line tool: parse, call the library, print.
        .executableTarget(
            name: "climep",
            dependencies: [
                "NeuralNetwork",
                "Linearization",
                "Regions",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Benchmarks are executables, never timed tests (see BENCHMARKS.md).
        .executableTarget(
            name: "climep-benchmarks",
            dependencies: ["ExactArithmetic", "NeuralNetwork", "Linearization", "Polyhedra", "Regions"],
            path: "Benchmarks/climep-benchmarks"
        ),

        .testTarget(
            name: "ExactArithmeticTests",
            dependencies: [
                "ExactArithmetic",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .target(name: "FixtureSupport", path: "Tests/FixtureSupport"),
        .testTarget(name: "NeuralNetworkTests", dependencies: ["NeuralNetwork", "FixtureSupport"]),
        .testTarget(name: "LinearizationTests", dependencies: ["Linearization", "FixtureSupport"]),
        .testTarget(name: "PolyhedraTests", dependencies: ["Polyhedra", "FixtureSupport"]),
        .testTarget(name: "RegionsTests", dependencies: ["Regions", "FixtureSupport"]),
        .testTarget(name: "DecisionNetTests", dependencies: ["DecisionNet", "FixtureSupport"]),
        .testTarget(name: "ClimepCLITests", dependencies: ["climep", "FixtureSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
