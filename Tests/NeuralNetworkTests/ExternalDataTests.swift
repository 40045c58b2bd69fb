import ExactArithmetic
import Foundation
@testable import NeuralNetwork
import Testing

/// ONNX models whose initializers live in an external data file, as
/// `torch.onnx.export` writes them by default since torch 2.9: read from the
/// model's folder only, with offsets and lengths checked.
@Suite struct ExternalDataTests {
    /// A fresh folder for one test's files.
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("climep-external-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// `x [N, 2] → Gemm(w1 [3, 2], b1) → Relu → Gemm(w2 [2, 3], b2)`, every
    /// initializer inline.
    static let inline: (nodes: [Onnx_NodeProto], tensors: [Onnx_TensorProto]) = {
        let (g1, t1) = SyntheticONNX.gemm("x", "h", inputs: 2, outputs: 3, prefix: "fc1")
        let relu = SyntheticONNX.node("Relu", ["h"], ["r"])
        let (g2, t2) = SyntheticONNX.gemm("r", "y", inputs: 3, outputs: 2, prefix: "fc2")
        return ([g1, relu, g2], t1 + t2)
    }()

    /// The same model with every initializer's floats moved, in order, into
    /// one external file `location` (written into `folder` as `fileName` when given);
    /// `edit` may change each tensor's external_data entries.
    static func externalModel(
        in folder: URL, location: String = "m.onnx.data", fileName: String? = "m.onnx.data",
        edit: (inout [(String, String)], Int) -> Void = { _, _ in }
    ) throws -> String {
        var blob = Data()
        var tensors: [Onnx_TensorProto] = []
        for var tensor in inline.tensors {
            var raw = Data()
            for f in tensor.floatData { withUnsafeBytes(of: f.bitPattern.littleEndian) { raw.append(contentsOf: $0) } }
            var entries = [("location", location), ("offset", "\(blob.count)"), ("length", "\(raw.count)")]
            edit(&entries, tensors.count)
            blob.append(raw)
            tensor.floatData = []
            tensor.dataLocation = .external
            tensor.externalData = entries.map { key, value in
                var entry = Onnx_StringStringEntryProto()
                entry.key = key
                entry.value = value
                return entry
            }
            tensors.append(tensor)
        }
        if let fileName { try blob.write(to: folder.appendingPathComponent(fileName)) }
        let path = folder.appendingPathComponent("m.onnx").path
        try SyntheticONNX.model(inline.nodes, initializers: tensors).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func loadsTheSameNetworkAsTheInlineModel() throws {
        let folder = try Self.folder()
        let path = try Self.externalModel(in: folder)
        let external = try Network(contentsOf: path)
        let inline = try SyntheticONNX.load(SyntheticONNX.model(Self.inline.nodes, initializers: Self.inline.tensors))
        #expect(external.layers == inline.layers)
        let file = try ModelFile.read(path)
        #expect(file.externalFiles.map(\.location) == ["m.onnx.data"])
        #expect(file.externalFiles[0].bytes.count == 4 * (6 + 3 + 6 + 2))
        // The bytes alone decode the model: moving the data file away afterwards changes nothing.
        try FileManager.default.removeItem(at: folder.appendingPathComponent("m.onnx.data"))
        #expect(try Network(file: file).layers == inline.layers)
    }

    @Test func aSubfolderInsideTheModelsFolderIsRead() throws {
        let folder = try Self.folder()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("weights"), withIntermediateDirectories: true)
        let path = try Self.externalModel(in: folder, location: "weights/m.bin", fileName: "weights/m.bin")
        #expect(try Network(contentsOf: path).layers.count == 2)
    }

    @Test(arguments: [
        ("../m.onnx.data", "'..' component"),
        ("sub/../m.onnx.data", "'..' component"),
        ("/etc/passwd", "absolute path"),
        ("./m.onnx.data", "'.' component"),
        ("a//b", "empty path component"),
        ("..\\m.onnx.data", "backslash"),
        ("", "is empty"),
    ])
    func locationsThatCouldLeaveTheFolderAreRefused(location: String, why: String) throws {
        let folder = try Self.folder()
        // The data exists where the location points, so only the rule can refuse it.
        let inner = folder.appendingPathComponent("inner")
        try FileManager.default.createDirectory(at: inner, withIntermediateDirectories: true)
        let path = try Self.externalModel(in: inner, location: location, fileName: nil)
        try Data(count: 68).write(to: folder.appendingPathComponent("m.onnx.data"))
        expectInputError([why, "external data location", "inside the model's folder"], sourcePrefix: path) { () throws(InputError) in
            try Network(contentsOf: path)
        }
    }

    @Test func aSymbolicLinkLeadingOutOfTheFolderIsRefused() throws {
        let outside = try Self.folder()
        let folder = try Self.folder()
        let path = try Self.externalModel(in: outside)  // writes outside/m.onnx.data
        try FileManager.default.moveItem(atPath: path, toPath: folder.appendingPathComponent("m.onnx").path)
        try FileManager.default.createSymbolicLink(
            at: folder.appendingPathComponent("m.onnx.data"), withDestinationURL: outside.appendingPathComponent("m.onnx.data"))
        let model = folder.appendingPathComponent("m.onnx").path
        expectInputError(["leads outside the model's folder", "m.onnx.data"], sourcePrefix: model) { () throws(InputError) in try Network(contentsOf: model) }
    }

    @Test func aTruncatedDataFileIsRefused() throws {
        let folder = try Self.folder()
        let path = try Self.externalModel(in: folder)
        let data = folder.appendingPathComponent("m.onnx.data")
        let bytes = try Data(contentsOf: data)
        try bytes.prefix(bytes.count - 3).write(to: data)
        expectInputError(["'fc2.b'", "reads 8 bytes at offset 60", "has only 65 bytes", "truncated"], sourcePrefix: path) { () throws(InputError) in
            try Network(contentsOf: path)
        }
    }

    @Test func aLengthThatDisagreesWithTheDimsIsRefused() throws {
        let folder = try Self.folder()
        let path = try Self.externalModel(in: folder) { entries, k in if k == 0 { entries[2].1 = "20" } }
        expectInputError(["'fc1.w'", "reads 20 bytes", "dims need 24"], sourcePrefix: path) { () throws(InputError) in try Network(contentsOf: path) }
    }

    @Test func anOffsetPastTheEndIsRefused() throws {
        let folder = try Self.folder()
        let path = try Self.externalModel(in: folder) { entries, k in if k == 1 { entries[1].1 = "1000" } }
        expectInputError(["'fc1.b'", "offset 1000", "only 68 bytes"], sourcePrefix: path) { () throws(InputError) in try Network(contentsOf: path) }
    }

    @Test func badKeysAndNumbersAreRefused() throws {
        let folder = try Self.folder()
        var path = try Self.externalModel(in: folder) { entries, k in if k == 0 { entries.append(("offset", "0")) } }
        expectInputError(["repeats the external_data key 'offset'"], sourcePrefix: path) { () throws(InputError) in try Network(contentsOf: path) }
        path = try Self.externalModel(in: folder) { entries, k in if k == 0 { entries.append(("basepath", "/")) } }
        expectInputError(["unknown external_data key 'basepath'"], sourcePrefix: path) { () throws(InputError) in try Network(contentsOf: path) }
        path = try Self.externalModel(in: folder) { entries, k in if k == 0 { entries[1].1 = "-4" } }
        expectInputError(["offset '-4', not a non-negative integer"], sourcePrefix: path) { () throws(InputError) in try Network(contentsOf: path) }
    }

    @Test func aMissingDataFileIsNamed() throws {
        let folder = try Self.folder()
        let path = try Self.externalModel(in: folder, fileName: nil)
        expectInputError(["external data file 'm.onnx.data'", "'fc1.w'", "does not exist"], sourcePrefix: path) { () throws(InputError) in try Network(contentsOf: path) }
    }
}
