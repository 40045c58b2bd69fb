import Foundation
import FixtureSupport
import Testing

@Suite struct InspectTests {
    struct Summary: Decodable {
        struct Layer: Decodable, Equatable { let inputs: Int, outputs: Int, activation: String }
        let inputs: Int, classes: Int, parameters: Int
        let layers: [Layer]
    }

    @Test(arguments: Fixtures.models())
    func jsonReportsTrueShapes(model: Fixtures.Model) throws {
        let result = try Climep.run(["inspect", model.modelPath, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try JSONDecoder().decode(Summary.self, from: Data(result.stdout.utf8))
        #expect(summary.inputs == model.inputs)
        #expect(summary.classes == model.classes)
        #expect(summary.layers.map { Fixtures.Model.Layer(inputs: $0.inputs, outputs: $0.outputs, activation: $0.activation) } == model.layers)
        #expect(summary.parameters == model.layers.reduce(0) { $0 + $1.inputs * $1.outputs + $1.outputs })
    }

    @Test func humanSummaryNamesLayersAndHead() throws {
        let result = try Climep.run(["inspect", Fixtures.example("moons-tanh.onnx")])
        #expect(result.status == 0)
        #expect(result.stdout.contains("layer 1     2 -> 8, tanh"))
        #expect(result.stdout.contains("Sigmoid"))
        #expect(result.stdout.contains("one logit"))
    }
}

@Suite struct PredictTests {
    @Test(arguments: Fixtures.models())
    func labelsEqualOnnxruntime(model: Fixtures.Model) throws {
        let result = try Climep.run(["predict", model.modelPath, "--input", model.pointsPath("models")])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        let expected = try Fixtures.csvRows(model.expectedPath("models"))
        try #require(lines.count == expected.count + 1)
        #expect(lines[0] == (["label"] + (0..<(expected[0].count - 1)).map { "logit\($0)" }).joined(separator: ","))
        for (line, row) in zip(lines.dropFirst(), expected) {
            #expect(line.split(separator: ",").first.map(String.init) == row[0])
        }
    }

    @Test func exactLogitsArePrintedAsRationals() throws {
        let model = Fixtures.path("models/torch_flatten_relu_3c.onnx")
        let points = try Climep.temporaryFile("x0,x1,x2,x3\n0.5,-1/4,0,1\n")
        let exact = try Climep.run(["predict", model, "--input", points, "--exact"])
        let float = try Climep.run(["predict", model, "--input", points])
        #expect(exact.status == 0 && float.status == 0, "\(exact.stderr)")
        let e = exact.stdout.split(separator: "\n")[1].split(separator: ",")
        let f = float.stdout.split(separator: "\n")[1].split(separator: ",")
        #expect(e[0] == f[0])
        #expect(e.dropFirst().contains { $0.contains("/") })
    }

    @Test func exactRefusesSmoothModels() throws {
        let points = try Climep.temporaryFile("0,0\n")
        let result = try Climep.run(["predict", Fixtures.example("moons-tanh.onnx"), "--input", points, "--exact"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--exact needs piecewise-linear activations, but layer 1 uses tanh"))
    }
}

/// Every bad input exits 2 with one line on stderr that names the problem, and prints nothing on stdout.
@Suite struct BadInputTests {
    @Test(arguments: Fixtures.badModels())
    func badModelFiles(model: Fixtures.BadModel) throws {
        for command in [["inspect"], ["inspect", "--json"]] {
            let path = Fixtures.path("bad/" + model.file)
            let result = try Climep.run([command[0], path] + command.dropFirst())
            expectOneLineError(result, mentioning: [path] + model.mustMention)
        }
    }

    @Test func badPointsBoxesAndUsage() throws {
        let model = Fixtures.path("models/sk_moons_relu_bin.onnx")
        let cases: [([String], [String])] = [
            (["predict", model, "--input", try Climep.temporaryFile("x,y\n1,2,3\n")], ["line 2 has 3 values but the model takes 2 inputs"]),
            (["predict", model, "--input", try Climep.temporaryFile("1,nan\n")], ["not finite"]),
            (["predict", model, "--input", try Climep.temporaryFile("1,Inf\n")], ["not finite"]),
            (["predict", model, "--input", try Climep.temporaryFile("")], ["holds no points"]),
            (["predict", model, "--input", "/nonexistent.csv"], ["'/nonexistent.csv' does not exist"]),
            (["predict", model], ["--input"]),
            (["predict", "/nonexistent.onnx", "--input", "x.csv"], ["does not exist"]),
            (["inspect"], ["MODEL"]),
            (["frobnicate"], ["frobnicate"]),
            (["inspect", model, "--no-such-flag"], ["--no-such-flag"]),
            (["inspect", try Climep.temporaryFile("{not json", suffix: ".json")], ["expected a key string but found 'n' at top level (line 1)"]),
        ]
        for (arguments, words) in cases {
            expectOneLineError(try Climep.run(arguments), mentioning: words)
        }
    }

    func expectOneLineError(_ result: CommandResult, mentioning words: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 2, "status \(result.status): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, "stdout: \(result.stdout)", sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.hasPrefix("climep: error: "), sourceLocation: sourceLocation)
        for word in words {
            #expect(result.stderr.contains(word), "\(result.stderr) should mention \(word)", sourceLocation: sourceLocation)
        }
    }

    @Test func helpIsAvailableAndSucceeds() throws {
        for arguments in [["--help"], ["inspect", "--help"], ["predict", "--help"]] {
            let result = try Climep.run(arguments)
            #expect(result.status == 0)
            #expect(result.stdout.contains("USAGE"))
        }
    }
}
