import Foundation
import FixtureSupport
import Testing

/// `climep verify` on the VNN-COMP 2021 instances small enough for the suite,
/// its certificates through `climep check`, and its refusals.
@Suite struct VerifyTests {
    static let bench = Fixtures.benchmarks + "/"

    func verify(_ model: String, _ property: String, _ extra: [String] = []) throws -> (CommandResult, cert: String, result: String) {
        let cert = try Climep.temporaryFile("", suffix: ".json"), result = try Climep.temporaryFile("", suffix: ".txt")
        try FileManager.default.removeItem(atPath: cert)
        let run = try Climep.run(["verify", model, "--vnnlib", property, "--out", cert, "--vnncomp-result", result, "--timeout", "120"] + extra)
        return (run, cert, result)
    }

    /// The answers VNN-COMP 2021 published for its test instances (the `sat`/`unsat` in their names),
    /// with exit codes, result files and certificates that `check` accepts.
    @Test(.enabled(if: Fixtures.haveBenchmarks), arguments: [
        ("test/test_sat.onnx", "test/test_prop.vnnlib", Int32(1), "sat"),
        ("test/test_unsat.onnx", "test/test_prop.vnnlib", Int32(0), "unsat"),
        ("acasxu/ACASXU_run2a_2_3_batch_2000.onnx", "acasxu/prop_2.vnnlib", Int32(1), "sat"),
    ])
    func answersAndCertificates(model: String, property: String, status: Int32, competition: String) throws {
        let (run, cert, result) = try verify(Self.bench + model, Self.bench + property)
        #expect(run.status == status, "\(run.stdout) \(run.stderr)")
        let written = try String(contentsOfFile: result, encoding: .utf8)
        #expect(written.split(separator: "\n").first.map(String.init) == competition)
        if competition == "sat" {
            // The assignment names every input and output once.
            #expect(written.contains("(X_0 ") && written.contains("(X_4 ") && written.contains("(Y_4 "))
        }
        let check = try Climep.run(["check", cert, "--model", Self.bench + model, "--vnnlib", Self.bench + property, "--json"])
        #expect(check.status == 0, "\(check.stdout) \(check.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any]
        #expect(report?["answer"] as? String == (status == 0 ? "holds" : "violated"))
        #expect(report?["verified"] as? Bool == true)

        // The certificate is about this property and this model only.
        let other = Self.bench + (property.contains("prop_2") ? "acasxu/prop_1.vnnlib" : "acasxu/prop_3.vnnlib")
        #expect(try Climep.run(["check", cert, "--model", Self.bench + model, "--vnnlib", other]).status == 1)
        let otherModel = Self.bench + (model.contains("sat") ? "acasxu/ACASXU_run2a_1_1_batch_2000.onnx" : "test/test_sat.onnx")
        #expect(try Climep.run(["check", cert, "--model", otherModel]).status == 1)
        // Region requirements do not apply to a property certificate.
        #expect(try Climep.run(["check", cert, "--model", Self.bench + model, "--max-error", "1"]).status == 2)
    }

    @Test(.enabled(if: Fixtures.haveBenchmarks))
    func aTamperedCertificateFails() throws {
        let model = Self.bench + "test/test_unsat.onnx", property = Self.bench + "test/test_prop.vnnlib"
        let (run, cert, _) = try verify(model, property)
        #expect(run.status == 0)
        let text = try String(contentsOfFile: cert, encoding: .utf8)
        // Claiming the opposite answer, or a different threshold, is caught.
        for (from, to) in [("\"answer\":\"holds\"", "\"answer\":\"violated\""), ("\"strict\":false", "\"strict\":true ")] {
            let forged = try Climep.temporaryFile(text.replacingOccurrences(of: from, with: to), suffix: ".json")
            #expect(try Climep.run(["check", forged, "--model", model]).status != 0)
        }
    }

    @Test func aTimeoutIsUnknown() throws {
        // One ReLU, y = relu(x) on [−1, 1]: Y_0 ≥ 1 is met only at x = 1, a corner — found at once;
        // Y_0 ≥ 2 holds; a timeout too short for anything answers unknown (exit 3) and writes no certificate.
        let model = try Climep.temporaryFile(#"{"format": "climep-model", "layers": [{"weights": [["1"]], "bias": ["0"], "activation": "relu"}, {"weights": [["1"]], "bias": ["0"], "activation": "identity"}]}"#, suffix: ".json")
        func property(_ threshold: String) throws -> String {
            try Climep.temporaryFile("(declare-const X_0 Real)\n(declare-const Y_0 Real)\n(assert (>= X_0 -1))\n(assert (<= X_0 1))\n(assert (>= Y_0 \(threshold)))\n", suffix: ".vnnlib")
        }
        #expect(try verify(model, try property("1")).0.status == 1)
        #expect(try verify(model, try property("2")).0.status == 0)
        // Y_0 > 1 is never met (the maximum 1 is attained, at x = 1), but no bound can prove a strict
        // inequality at an attained maximum: unknown (exit 3), at the depth limit or the timeout, and no certificate.
        let strict = try Climep.temporaryFile("(declare-const X_0 Real)\n(declare-const Y_0 Real)\n(assert (>= X_0 -1))\n(assert (<= X_0 1))\n(assert (> Y_0 1))\n", suffix: ".vnnlib")
        let (unknown, cert, result) = try verify(model, strict)
        #expect(unknown.status == 3, "\(unknown.stdout) \(unknown.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cert))
        #expect(["timeout\n", "unknown\n"].contains(try String(contentsOfFile: result, encoding: .utf8)))
    }

    @Test func badInputIsRefusedWithExit2() throws {
        let relu = #"{"format": "climep-model", "layers": [{"weights": [["1", "1"]], "bias": ["0"], "activation": "relu"}, {"weights": [["1"]], "bias": ["0"], "activation": "identity"}]}"#
        let model = try Climep.temporaryFile(relu, suffix: ".json")
        let header = "(declare-const X_0 Real)\n(declare-const X_1 Real)\n(declare-const Y_0 Real)\n(assert (>= X_0 0))\n(assert (<= X_0 1))\n(assert (>= X_1 0))\n(assert (<= X_1 1))\n"
        let cases: [(String, String)] = [
            ("(declare-const X_0 Real)\n(declare-const Y_0 Real)\n(assert (>= X_0 0))\n(assert (<= X_0 1))\n(assert (>= Y_0 1))\n", "declares 1 inputs"),
            (header + "(declare-const Y_1 Real)\n(assert (>= Y_1 1))\n", "declares 2 outputs"),
            (header + "(assert (>= (* Y_0 Y_0) 1))\n", "not linear"),
            (header + "(assert (>= Y_0 X_0))\n", "mixes inputs and outputs"),
            (header + "(assert (>= Y_0 Z))\n", "unknown symbol"),
            (header + "(assert (not (>= Y_0 1)))\n", "unsupported formula 'not'"),
            (header + "(assert (>= Y_0 1)\n", "never closed"),
            (header + "(assert (>= X_0 2))\n(assert (>= Y_0 1))\n", "empty"),
        ]
        for (text, words) in cases {
            let property = try Climep.temporaryFile(text, suffix: ".vnnlib")
            let (run, cert, _) = try verify(model, property)
            #expect(run.status == 2, "\(words): \(run.stderr)")
            #expect(run.stderr.contains(words), "\(run.stderr) should mention \(words)")
            #expect(run.stderr.split(separator: "\n").count == 1)
            #expect(!FileManager.default.fileExists(atPath: cert))
        }
        let property = try Climep.temporaryFile(header + "(assert (>= Y_0 3))\n", suffix: ".vnnlib")
        #expect(try verify(model, property, ["--timeout", "-1"]).0.status == 2)
        // A model whose graph ends in a head: Y_j would not be its outputs.
        let headed = try Climep.temporaryFile("(declare-const X_0 Real)\n(declare-const X_1 Real)\n(declare-const Y_0 Real)\n(assert (>= X_0 0))\n(assert (<= X_0 1))\n(assert (>= X_1 0))\n(assert (<= X_1 1))\n(assert (>= Y_0 3))\n", suffix: ".vnnlib")
        let (run, _, _) = try verify(Fixtures.example("moons-tanh.onnx"), headed)
        #expect(run.status == 2 && run.stderr.contains("head"), "\(run.stderr)")
    }
}
