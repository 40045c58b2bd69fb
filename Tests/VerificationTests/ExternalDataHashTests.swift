@testable import Certification
import ExactArithmetic
import Foundation
import FixtureSupport
import Linearization
@testable import NeuralNetwork
import Testing
import Verification

/// The certificate's model hash covers an ONNX model's external data files
/// (proofs/certificate.md §2.1): changing one byte of the data file, or the
/// file the model names, makes `check` fail.
@Suite struct ExternalDataHashTests {
    /// A copy of a committed fixture in a fresh folder, every initializer
    /// moved into the external file `data`, as torch ≥ 2.9 writes it.
    static func externalCopy(of fixture: String, data: String = "m.onnx.data") throws -> (folder: URL, model: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("climep-hash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var model = try Onnx_ModelProto(serializedBytes: Data(contentsOf: URL(fileURLWithPath: Fixtures.path(fixture))))
        var blob = Data()
        for k in model.graph.initializer.indices {
            var tensor = model.graph.initializer[k]
            if tensor.dataType == 1 && !tensor.floatData.isEmpty {
                // skl2onnx writes float_data; external data is raw little-endian bytes.
                for f in tensor.floatData { withUnsafeBytes(of: f.bitPattern.littleEndian) { tensor.rawData.append(contentsOf: $0) } }
                tensor.floatData = []
            }
            guard !tensor.rawData.isEmpty else { continue }
            var entries: [Onnx_StringStringEntryProto] = []
            for (key, value) in [("location", data), ("offset", "\(blob.count)"), ("length", "\(tensor.rawData.count)")] {
                var entry = Onnx_StringStringEntryProto()
                (entry.key, entry.value) = (key, value)
                entries.append(entry)
            }
            blob.append(tensor.rawData)
            tensor.rawData = Data()
            tensor.dataLocation = .external
            tensor.externalData = entries
            model.graph.initializer[k] = tensor
        }
        try blob.write(to: folder.appendingPathComponent(data))
        let path = folder.appendingPathComponent("m.onnx").path
        try model.serializedData().write(to: URL(fileURLWithPath: path))
        return (folder, path)
    }

    @Test func aCertificateCoversTheExternalDataFile() throws {
        let (folder, path) = try Self.externalCopy(of: "models/sk_moons_relu_bin.onnx")
        let file = try ModelFile.read(path)
        try #require(file.externalFiles.count == 1)
        let network = try Network(file: file)
        #expect(network.layers == (try Network(contentsOf: Fixtures.path("models/sk_moons_relu_bin.onnx"))).layers)
        // Not the hash of the .onnx bytes alone.
        #expect(ModelFingerprint.sha256(file) != ModelFingerprint.sha256(file.bytes))

        let g = try LinearizedNetwork(network, pieces: 2, method: .defaultMethod)
        let box = try InputBox(lower: [-1, -1], upper: [-1 / 2, -1 / 2])
        let certificate = try Certifier.certify(g, model: file, over: box, splits: 0).certificate
        // The certificate names the data file, and the name survives its canonical JSON.
        #expect(certificate.model.externalData == ["m.onnx.data"])
        #expect(try Certificate.decode(certificate.encoded()) == certificate)
        _ = try CertificateChecker.check(certificate, model: try ModelFile.read(path))
        var unnamed = certificate
        unnamed.model.externalData = nil
        do {
            _ = try CertificateChecker.check(unnamed, model: try ModelFile.read(path))
            Issue.record("a certificate that does not name the data file checked")
        } catch let failure as CertificateCheckFailure {
            #expect(failure.claim == "model.externalData")
        }
        _ = try CertificateChecker.check(certificate, modelData: try Network.modelFileData(path), source: path)

        // One byte of the data file changed: the hash no longer matches.
        let dataURL = folder.appendingPathComponent("m.onnx.data")
        var bytes = try Data(contentsOf: dataURL)
        bytes[bytes.startIndex + 5] ^= 1
        try bytes.write(to: dataURL)
        do {
            _ = try CertificateChecker.check(certificate, model: try ModelFile.read(path))
            Issue.record("a changed data file still checked")
        } catch let failure as CertificateCheckFailure {
            #expect(failure.claim == "model.sha256")
        }
    }

    @Test func theHashNamesTheDataFile() throws {
        // The same bytes under another location name hash differently.
        let a = try ModelFile.read(Self.externalCopy(of: "models/torch_flatten_relu_3c.onnx", data: "a.data").model)
        let b = try ModelFile.read(Self.externalCopy(of: "models/torch_flatten_relu_3c.onnx", data: "b.data").model)
        #expect(a.externalFiles[0].bytes == b.externalFiles[0].bytes)
        #expect(ModelFingerprint.sha256(a) != ModelFingerprint.sha256(b))
    }

    @Test func aSelfContainedModelHashesToItsFilesSHA256() throws {
        let path = Fixtures.path("models/torch_flatten_relu_3c.onnx")
        let file = try ModelFile.read(path)
        #expect(file.externalFiles.isEmpty)
        #expect(ModelFingerprint.sha256(file) == ModelFingerprint.sha256(try Network.modelFileData(path)))
    }
}
