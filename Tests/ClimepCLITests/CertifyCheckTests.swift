import Foundation
import FixtureSupport
import NeuralNetwork
import Testing

/// `certify`, `check`, `dnet predict` and `demo` as users script them: the
/// CLI contract's keys and exit codes, certificates that check, tampered or
/// mismatched ones that do not, and bad input that exits 2.
@Suite struct CertifyCheckTests {
    struct Summary: Decodable {
        struct DNet: Decodable { let hyperplanes: Int, parameters: Int }
        struct Model: Decodable { let parameters: Int }
        let regions: Int
        let complete: Bool
        let errorBound: [String]
        let dnet: DNet
        let model: Model
    }

    let relu = Fixtures.path("models/sk_moons_relu_bin.onnx")
    let tanh = Fixtures.path("models/sk_moons_tanh_bin_nozipmap.onnx")

    func temporaryPath(_ suffix: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("climep-test-\(UUID().uuidString)\(suffix)").path
    }

    /// `--out FILE.gz` writes the certificate gzip-compressed, the same bytes
    /// inside; `check` and `dnet predict` read it; a broken one exits 2.
    @Test func aCompressedCertificateChecks() throws {
        let plain = temporaryPath(".json"), compressed = temporaryPath(".json.gz")
        #expect(try Climep.run(["certify", relu, "--box=-1:1", "--out", plain]).status == 0)
        let made = try Climep.run(["certify", relu, "--box=-1:1", "--out", compressed])
        #expect(made.status == 0, "\(made.stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: compressed))
        #expect(Array(bytes.prefix(2)) == [0x1F, 0x8B])
        let inside = try Gzip.decompress(bytes, limit: 1 << 30, what: "test")
        #expect(inside == (try Data(contentsOf: URL(fileURLWithPath: plain))))
        #expect(bytes.count * 2 < inside.count)
        let check = try Climep.run(["check", compressed, "--model", relu])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("verified"))
        let points = try Climep.temporaryFile("0.25,-0.5\n")
        let predicted = try Climep.run(["dnet", "predict", compressed, "--input", points])
        #expect(predicted.status == 0, "\(predicted.stderr)")

        let truncated = temporaryPath(".json.gz")
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
        let refused = try Climep.run(["check", truncated, "--model", relu])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("truncated"), "\(refused.stderr)")
    }

    @Test func certifyWritesACertificateThatChecks() throws {
        let out = temporaryPath(".json")
        let result = try Climep.run(["certify", relu, "--box=-1:1", "--out", out, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try JSONDecoder().decode(Summary.self, from: Data(result.stdout.utf8))
        #expect(summary.complete)
        #expect(summary.regions > 10)
        #expect(summary.errorBound == ["0"])  // a ReLU model is its own linearization
        #expect(summary.dnet.hyperplanes > 0 && summary.dnet.parameters > 0)
        #expect(summary.model.parameters > summary.dnet.hyperplanes)

        let check = try Climep.run(["check", out, "--model", relu])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("verified"))
    }

    /// Softplus and ELU (α = 0.5) models exported by torch certify, and the
    /// certificates check, with a finite, nonzero error bound.
    @Test(arguments: ["torch_legacy_softplus", "torch_dynamo_elu_half"])
    func convexSmoothModelsCertifyAndCheck(name: String) throws {
        let model = Fixtures.path("exporters/\(name).onnx")
        let out = temporaryPath(".json")
        let result = try Climep.run(["certify", model, "--box=-1:1", "--pieces", "6", "--out", out, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try JSONDecoder().decode(Summary.self, from: Data(result.stdout.utf8))
        #expect(summary.errorBound.allSatisfy { $0 != "0" })
        let check = try Climep.run(["check", out, "--model", model])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("verified"))
    }

    @Test func anotherModelFileOrATamperedClaimFailsWithExitOne() throws {
        let out = temporaryPath(".json")
        let made = try Climep.run(["certify", tanh, "--box=-1:1", "--pieces", "5", "--splits", "4", "--out", out])
        #expect(made.status == 0, "\(made.stderr)")

        let swapped = try Climep.run(["check", out, "--model", relu])
        #expect(swapped.status == 1)
        #expect(swapped.stderr.contains("model.sha256"))

        // Claim a zero error bound: the recomputed bound exceeds it.
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as! [String: Any]
        var linearization = json["linearization"] as! [String: Any]
        #expect((linearization["errorBound"] as! [String])[0] != "0")
        linearization["errorBound"] = ["0"]
        json["linearization"] = linearization
        let tampered = temporaryPath(".json")
        // Written canonically (sorted keys, compact), so the reader takes it and the checker judges the claim.
        try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys, .withoutEscapingSlashes])
            .write(to: URL(fileURLWithPath: tampered))
        let rejected = try Climep.run(["check", tampered, "--model", tanh, "--json"])
        #expect(rejected.status == 1)
        #expect(rejected.stdout.contains("\"verified\" : false"))
        #expect(rejected.stderr.contains("linearization.errorBound[0]"))
    }

    /// What `check --json` reports it verified (CLI.md: at least `regions` and `box`).
    struct CheckSummary: Decodable {
        struct Box: Decodable { let lower: [String], upper: [String] }
        struct Layer: Decodable { let activation: String, pieces: Int }
        struct Model: Decodable { let sha256: String, inputs: Int }
        let verified: Bool
        let regions: Int
        let box: Box
        let g: [Layer]
        let model: Model
        let errorBound: [String]
        let unmet: [String]
    }

    @Test func checkSaysWhatItVerifiedAndCanBePinned() throws {
        let out = temporaryPath(".json")
        #expect(try Climep.run(["certify", tanh, "--box=-1:1/2", "--pieces", "5", "--splits", "0", "--out", out]).status == 0)
        let checked = try Climep.run(["check", out, "--model", tanh, "--json"])
        #expect(checked.status == 0, "\(checked.stderr)")
        let summary = try JSONDecoder().decode(CheckSummary.self, from: Data(checked.stdout.utf8))
        #expect(summary.verified && summary.unmet.isEmpty)
        #expect(summary.box.lower == ["-1", "-1"] && summary.box.upper == ["1/2", "1/2"])
        #expect(summary.g.map(\.activation) == ["tanh", "tanh", "identity"])
        #expect(summary.g.map(\.pieces) == [5, 5, 1])  // the function's pieces, not a label
        #expect(summary.model.inputs == 2 && summary.model.sha256.count == 64)
        let text = try Climep.run(["check", out, "--model", tanh])
        #expect(text.stdout.contains("[-1, 1/2] × [-1, 1/2]"), "\(text.stdout)")
        #expect(text.stdout.contains("tanh 5"), "\(text.stdout)")

        // Pinned: a box inside passes, one reaching outside fails with exit 1, as does a threshold not met.
        #expect(try Climep.run(["check", out, "--model", tanh, "--box=-1/2:1/2"]).status == 0)
        #expect(try Climep.run(["check", out, "--model", tanh, "--box=-1:1/2,-1:1/2"]).status == 0)
        let wider = try Climep.run(["check", out, "--model", tanh, "--box=-1:1"])
        #expect(wider.status == 1)
        #expect(wider.stderr.contains("does not contain the requested box"), "\(wider.stderr)")
        let property = try Climep.temporaryFile("(declare-const X_0 Real)\n(declare-const X_1 Real)\n(assert (>= X_0 0))\n(assert (<= X_0 1))\n(assert (>= X_1 0))\n(assert (<= X_1 1/4))\n", suffix: ".vnnlib")
        #expect(try Climep.run(["check", out, "--model", tanh, "--vnnlib", property]).status == 1)
        #expect(summary.errorBound[0] != "0")
        #expect(try Climep.run(["check", out, "--model", tanh, "--max-error", summary.errorBound[0]]).status == 0)
        let tight = try Climep.run(["check", out, "--model", tanh, "--max-error", "0"])
        #expect(tight.status == 1)
        #expect(tight.stderr.contains("--max-error"))
        #expect(try Climep.run(["check", out, "--model", tanh, "--min-agreed-area", "0", "--min-agreed-regions", "0"]).status == 0)
        let all = try Climep.run(["check", out, "--model", tanh, "--min-agreed-area", "1"])
        #expect(all.status == 1)
        #expect(all.stderr.contains("--min-agreed-area"))
        // Bad requirements are bad input.
        #expect(try Climep.run(["check", out, "--model", tanh, "--min-agreed-regions", "2"]).status == 2)
        #expect(try Climep.run(["check", out, "--model", tanh, "--box=1:-1"]).status == 2)
    }

    /// The forgeries of issue 9, made on the bytes of a fresh certificate: a
    /// repeated key placed after the genuine one (what Python's json, jq and
    /// JavaScript read) and a relabelled piece count. `check` refuses each
    /// with exit 2 and one line naming the place.
    @Test func forgedCertificatesAreRefused() throws {
        let out = temporaryPath(".json")
        #expect(try Climep.run(["certify", tanh, "--box=-1:1", "--pieces", "5", "--splits", "0", "--out", out]).status == 0)
        let genuine = try String(contentsOfFile: out, encoding: .utf8)
        let bound = try #require(genuine.range(of: #""errorBound":\[[^\]]*\]"#, options: .regularExpression))
        let forgeries: [(String, String)] = [
            (genuine.replacingCharacters(in: bound, with: genuine[bound] + #","errorBound":["1/1000"]"#), "linearization"),
            (genuine.replacingOccurrences(of: #""linearization":{"#, with: #""linearization":{"fit":"algorithm1","pieces":3,"#), "linearization"),
            (genuine.replacingOccurrences(of: #""agreement":{"#, with: #""agreement":{"areaLowerBound":"4","#), "agreement"),
            (String(genuine.dropLast()) + #","box":{"lower":["0","0"],"upper":["1/1000","1/1000"]}}"#, "\"box\""),
        ]
        for (forged, place) in forgeries {
            #expect(forged != genuine)
            let path = try Climep.temporaryFile(forged, suffix: ".json")
            let result = try Climep.run(["check", path, "--model", tanh])
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(result.stderr.contains(place), "\(result.stderr)")
            let points = try Climep.temporaryFile("0,0\n")
            #expect(try Climep.run(["dnet", "predict", path, "--input", points]).status == 2)
        }
    }

    @Test func dnetPredictAnswersLikeGExactly() throws {
        let out = temporaryPath(".json")
        #expect(try Climep.run(["certify", tanh, "--box=-2:2", "--pieces", "5", "--splits", "0", "--out", out]).status == 0)
        var lines = ["x0,x1"]
        for i in 0...12 { for j in 0...12 { lines.append("\(Double(i - 6) / 3),\(Double(j - 6) / 3)") } }
        lines.append("5,5")  // outside the box: g answers
        let points = try Climep.temporaryFile(lines.joined(separator: "\n") + "\n")
        let dnet = try Climep.run(["dnet", "predict", out, "--input", points, "--dnet", "exact"])
        #expect(dnet.status == 0, "\(dnet.stderr)")
        #expect(dnet.stderr.contains("outside the certified box"))
        let g = try Climep.run(["predict", tanh, "--input", points, "--box=-2:2", "--pieces", "5", "--exact"])
        #expect(g.status == 0, "\(g.stderr)")
        let dnetLabels = dnet.stdout.split(separator: "\n").map(String.init)
        let gLabels = g.stdout.split(separator: "\n").map { String($0.split(separator: ",")[0]) }
        #expect(dnetLabels.first == "label")
        #expect(dnetLabels == gLabels)
        #expect(dnetLabels.count == lines.count)
    }

    @Test func thresholdsExitOneAndStillWriteTheCertificate() throws {
        let out = temporaryPath(".json")
        let strict = try Climep.run(["certify", tanh, "--box=-2:2", "--pieces", "3", "--splits", "0", "--out", out,
                                     "--min-agreed-area", "1"])
        #expect(strict.status == 1)
        #expect(strict.stderr.contains("--min-agreed-area"))
        #expect(try Climep.run(["check", out, "--model", tanh]).status == 0)
        let lenient = try Climep.run(["certify", tanh, "--box=-2:2", "--pieces", "3", "--splits", "0", "--out", out,
                                      "--min-agreed-regions", "0"])
        #expect(lenient.status == 0, "\(lenient.stderr)")
    }

    @Test(arguments: [
        (["certify", "MODEL", "--box=1:-1", "--out", "OUT"], "empty"),
        (["certify", "MODEL", "--box=-1:1", "--out", "OUT", "--min-agreed-area", "3/2"], "between 0 and 1"),
        (["certify", "MODEL", "--box=-1:1"], "--out"),
        (["certify", "MODEL", "--box=-1:1", "--out", "OUT", "--max-regions", "0"], "--max-regions"),
        (["check", "GARBAGE", "--model", "MODEL"], "certificate"),
        (["check", "GARBAGE", "--model", "/nonexistent/model.onnx"], "model.onnx"),
        (["dnet", "predict", "GARBAGE", "--input", "GARBAGE"], "certificate"),
    ])
    func badInputExitsTwoWithOneLine(arguments: [String], mentions: String) throws {
        let garbage = try Climep.temporaryFile("{\"format\": \"climep-certificate\", \"version\": 1}", suffix: ".json")
        let out = temporaryPath(".json")
        let resolved = arguments.map { $0 == "MODEL" ? relu : $0 == "OUT" ? out : $0 == "GARBAGE" ? garbage : $0 }
        let result = try Climep.run(resolved)
        #expect(result.status == 2, "\(result.stdout) \(result.stderr)")
        #expect(result.stderr.contains(mentions), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func demoWritesCertificatePictureAndReport() throws {
        let folder = temporaryPath("")
        let result = try Climep.run(["demo", "--model", Fixtures.example("moons-tanh.onnx"),
                                     "--points", Fixtures.example("moons-train.csv"), "--pieces", "4", "--out", folder])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("checked      every claim verified"))
        let report = try String(contentsOfFile: folder + "/report.md", encoding: .utf8)
        #expect(report.contains("DecisionNet = g on the whole box"))
        let svg = try String(contentsOfFile: folder + "/dnet.svg", encoding: .utf8)
        #expect(svg.contains("stroke-dasharray"))
        #expect(try Climep.run(["check", folder + "/certificate.json", "--model", Fixtures.example("moons-tanh.onnx")]).status == 0)
    }
}
