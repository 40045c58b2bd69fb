import Foundation
import FixtureSupport
import Testing

/// The command line on models exported by torch and skl2onnx themselves
/// (Tests/Fixtures/exporters): `inspect` says what was folded, `predict`
/// gives onnxruntime's labels, and a BatchNormalization folded inexactly
/// certifies with its radius in the error bound.
@Suite struct ExporterCLITests {
    struct Summary: Decodable {
        struct Folded: Decodable, Equatable { let op: String, node: String, layer: Int, exact: Bool }
        struct Layer: Decodable { let exact: Bool }
        let foldedIntoFirstLayer: [String], foldedNormalisation: [Folded], foldedConstants: [String]
        let exact: Bool, layers: [Layer]
    }

    static func path(_ name: String) -> String { Fixtures.path("exporters/\(name).onnx") }

    static func inspect(_ path: String) throws -> Summary {
        let result = try Climep.run(["inspect", path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONDecoder().decode(Summary.self, from: Data(result.stdout.utf8))
    }

    @Test func inspectSaysWhatWasFolded() throws {
        let bn = try Self.inspect(Self.path("torch_legacy_batchnorm1d"))
        #expect(bn.foldedNormalisation == [.init(op: "BatchNormalization", node: "/bn/BatchNormalization", layer: 1, exact: false)])
        #expect(!bn.exact && !bn.layers[0].exact && bn.layers[1].exact)
        #expect(bn.foldedIntoFirstLayer.isEmpty)

        let scaler = try Self.inspect(Self.path("sk_pipeline_scaler_mlp"))
        #expect(scaler.foldedIntoFirstLayer == ["Scaler"])
        #expect(scaler.foldedNormalisation.map(\.op) == ["Scaler"] && scaler.exact)

        let view = try Self.inspect(Self.path("torch_legacy_view_dynamic_batch"))
        #expect(Set(view.foldedConstants).isSuperset(of: ["Shape", "Gather", "Unsqueeze", "Concat"]))
        #expect(view.foldedNormalisation.isEmpty && view.exact)

        let human = try Climep.run(["inspect", Self.path("torch_legacy_batchnorm1d")])
        #expect(human.stdout.contains("folded      BatchNormalization '/bn/BatchNormalization' into layer 1, as a nearby rational"))
    }

    /// torch's node-by-node tanh GELU (opset 17) loads with the file's float32
    /// constants, which `inspect` states; the same export with its cubic
    /// constant 0.044715f replaced by 0.5f (bytes patched here) is not that
    /// function and is refused: exit 2, one line naming the nodes.
    @Test func torchsTanhGELUChainShowsItsConstantsAndAWrongOneIsRefused() throws {
        let path = Self.path("torch_legacy_opset17_gelu_tanh")
        let human = try Climep.run(["inspect", path])
        #expect(human.status == 0, "\(human.stderr)")
        #expect(human.stdout.contains("gelu-tanh (c = "), "\(human.stdout)")
        #expect(human.stdout.contains("≈ 0.7978845834732056") && human.stdout.contains("≈ 0.044714998453855515"), "\(human.stdout)")
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let k = withUnsafeBytes(of: Float(0.044715).bitPattern.littleEndian, Array.init)
        let half = withUnsafeBytes(of: Float(0.5).bitPattern.littleEndian, Array.init)
        var patched = 0
        for i in 0...(bytes.count - 4) where Array(bytes[i..<(i + 4)]) == k {
            bytes.replaceSubrange(i..<(i + 4), with: half)
            patched += 1
        }
        #expect(patched == 2)  // one constant per layer
        let broken = try Climep.temporaryFile("", suffix: ".onnx")
        try Data(bytes).write(to: URL(fileURLWithPath: broken))
        let result = try Climep.run(["inspect", broken])
        #expect(result.status == 2 && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("/1/Mul_2") && result.stderr.contains("0.044715"), "\(result.stderr)")
    }

    @Test func aFirstLayersOwnBiasIsNotListedAsFolded() throws {
        // skl2onnx writes MatMul + Add: before the fix, "Add" was reported as folded input normalisation.
        #expect(try Self.inspect(Fixtures.path("models/sk_moons_relu_bin.onnx")).foldedIntoFirstLayer.isEmpty)
    }

    @Test func predictWorksOnAnInexactFold() throws {
        let result = try Climep.run(["predict", Self.path("torch_legacy_batchnorm1d"), "--input",
                                     Fixtures.path("exporters/torch_legacy_batchnorm1d.points.csv")])
        #expect(result.status == 0, "\(result.stderr)")
        let labels = result.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[0] }
        let expected = try Fixtures.csvRows(Fixtures.path("exporters/torch_legacy_batchnorm1d.expected.csv")).map { Substring($0[0]) }
        #expect(labels == expected)
    }

    /// A BatchNormalization folded within a radius certifies, and the
    /// certificate checks: the error bound carries the radius (it is positive
    /// although g keeps every ReLU), and the embedded model states it.
    @Test func anInexactFoldCertifiesAndChecks() throws {
        let model = Self.path("torch_dynamo_batchnorm1d_noopt")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("climep-bn-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let inputs = try Climep.run(["inspect", model, "--json"])
        let dimension = try #require(try JSONSerialization.jsonObject(with: Data(inputs.stdout.utf8)) as? [String: Any])["inputs"] as? Int
        let box = Array(repeating: "-1:1", count: try #require(dimension)).joined(separator: ",")
        let certified = try Climep.run(["certify", model, "--box", box, "--out", out, "--json"])
        #expect(certified.status == 0, "\(certified.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(certified.stdout.utf8)) as? [String: Any])
        let bounds = try #require(summary["errorBoundDecimal"] as? [Double])
        #expect(bounds.allSatisfy { $0 > 0 && $0 < 1 }, "\(bounds)")
        let checked = try Climep.run(["check", out, "--model", model])
        #expect(checked.status == 0, "\(checked.stderr)")
        #expect(try String(contentsOfFile: out, encoding: .utf8).contains("\"weightRadius\""))
    }

    /// torch dynamo's thresholded Softplus certifies and checks, its
    /// difference from softplus carried as a bias radius in the certificate.
    @Test func theSoftplusThresholdCertifiesAndChecks() throws {
        let model = Self.path("torch_dynamo_softplus")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("climep-sp-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let certified = try Climep.run(["certify", model, "--box=-0.5:0.5", "--pieces", "4", "--splits", "0", "--out", out, "--json"])
        #expect(certified.status == 0, "\(certified.stderr)")
        let checked = try Climep.run(["check", out, "--model", model])
        #expect(checked.status == 0, "\(checked.stderr)")
        #expect(try String(contentsOfFile: out, encoding: .utf8).contains("\"biasRadius\""))
        let summary = try Self.inspect(model)
        #expect(summary.foldedNormalisation.map(\.op) == ["Where", "Where"] && !summary.exact)
    }

    @Test func externalDataOutsideTheModelsFolderIsBadInput() throws {
        // The torch export beside a symbolic link to its data file one folder up.
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("climep-cli-\(UUID().uuidString)")
        let inner = outside.appendingPathComponent("model")
        try FileManager.default.createDirectory(at: inner, withIntermediateDirectories: true)
        let name = "torch_dynamo_external_data.onnx"
        try FileManager.default.copyItem(atPath: Fixtures.path("exporters/\(name)"), toPath: inner.appendingPathComponent(name).path)
        try FileManager.default.copyItem(atPath: Fixtures.path("exporters/\(name).data"), toPath: outside.appendingPathComponent(name + ".data").path)
        try FileManager.default.createSymbolicLink(atPath: inner.appendingPathComponent(name + ".data").path,
                                                   withDestinationPath: "../\(name).data")
        let model = inner.appendingPathComponent(name).path
        for command in [["inspect", model], ["predict", model, "--input", Fixtures.path("exporters/torch_dynamo_external_data.points.csv")]] {
            let result = try Climep.run(command)
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.contains("leads outside the model's folder"), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
        // The same files side by side load.
        #expect(try Climep.run(["inspect", Fixtures.path("exporters/\(name)")]).status == 0)
    }
}
