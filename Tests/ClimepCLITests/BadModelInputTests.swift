import Foundation
import FixtureSupport
import Testing

/// Malformed models and properties that crashed or hung a command (issue 9):
/// each now exits 2 with one line naming the problem.
@Suite struct BadModelInputTests {
    func expectExit2(_ arguments: [String], mentioning words: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try Climep.run(arguments)
        #expect(result.status == 2, "\(arguments): status \(result.status), \(result.stderr)", sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)", sourceLocation: sourceLocation)
        for word in words {
            #expect(result.stderr.contains(word), "\(result.stderr) should mention \(word)", sourceLocation: sourceLocation)
        }
    }

    @Test(.timeLimit(.minutes(2)), arguments: [
        ("input_dims_overflow.onnx", "exceeds the supported 1,000,000"),  // was a trap
        ("cycle_relu_tanh.onnx", "/loop/Tanh"),                          // was a hang
        ("output_renames_input.onnx", "/rename/Identity"),               // was a hang
        ("zero_output_layer.onnx", "no outputs"),                         // was accepted, then crashed later
        ("head_concat_over_raw_logit.onnx", "/head/Sub"),                 // was stripped: labels [z > 0], onnxruntime [z > 1/2]
        ("head_argmax_select_last_index.onnx", "select_last_index"),
    ])
    func inspectRefusesBadModels(file: String, words: String) throws {
        try expectExit2(["inspect", Fixtures.path("bad/" + file)], mentioning: [words])
    }

    @Test func aJSONModelWithTwoMeaningsIsRefused() throws {
        let duplicate = try Climep.temporaryFile(
            #"{"format": "climep-model", "layers": [{"weights": [["1"]], "bias": ["0"], "activation": "relu", "activation": "identity"}]}"#,
            suffix: ".json")
        try expectExit2(["inspect", duplicate], mentioning: [#"duplicate key "activation" at layers[0].activation"#])
        let unknown = try Climep.temporaryFile(
            #"{"format": "climep-model", "layers": [{"weights": [["1"]], "bias": ["0"], "activation": "relu"}], "inputs ": 1}"#,
            suffix: ".json")
        try expectExit2(["inspect", unknown], mentioning: [#"unknown key "inputs ""#])
    }

    @Test func aVNNLIBIndexBeyondTheLimitIsRefused() throws {
        // Was a trap in every command that reads --vnnlib.
        let property = try Climep.temporaryFile(
            "(declare-const X_9223372036854775807 Real)\n(assert (<= X_9223372036854775807 1))\n", suffix: ".vnnlib")
        try expectExit2(["linearize", Fixtures.example("moons-tanh.onnx"), "--vnnlib", property, "--pieces", "2"],
                        mentioning: ["input index 9223372036854775807 exceeds the supported 999,999"])
    }
}
