import Certification
import Foundation
import Linearization
import NeuralNetwork
import Verification

/// Reading and writing one large certificate, phase by phase: what `check`
/// spends before it checks anything (and `certify` after it has certified),
/// with Foundation's decoder and encoder as the baselines in the same run.
enum CertificateJSONBenchmark {
    static func run() {
        let root = BoundBenchmark.root
        let file = "Benchmarks/models/relu-30x16.onnx", boxText = "-1:1"
        let path = root.appendingPathComponent(file).path
        let data = try! Network.modelFileData(path)
        let network = try! Network(data: data, source: path)
        let box = try! InputBox(parsing: boxText, dimension: network.inputCount)
        let g = try! LinearizedNetwork(network, pieces: 3, method: .defaultMethod)
        // CLIMEP_BENCH_CERTIFICATE=FILE: time another (plain) certificate file instead, e.g. ACAS Xu's.
        let other = ProcessInfo.processInfo.environment["CLIMEP_BENCH_CERTIFICATE"]
        let certificate: Certificate
        if let other {
            certificate = try! Certificate.read(path: other)
        } else {
            certificate = try! Certifier.certify(g, modelData: data, over: box, splits: 0, trainingPoints: []).certificate
        }
        let json = try! certificate.encoded()
        let clock = ContinuousClock()
        /// The best of three runs, in seconds.
        func best(_ body: () -> Void) -> String {
            BoundBenchmark.seconds((0..<3).map { _ in clock.measure(body) }.min()!)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let strict = best { try! StrictJSON.validate(json, what: "certificate") }
        let foundationDecode = best { precondition(try! JSONDecoder().decode(Certificate.self, from: json) == certificate) }
        let readerDecode = best { precondition(try! CanonicalJSONReader.decode(Certificate.self, from: json) == certificate) }
        let foundationEncode = best { precondition(try! encoder.encode(certificate) == json) }
        let writerEncode = best { precondition(Data(try! CanonicalJSONWriter.bytes(of: certificate)) == json) }
        let whole = best { _ = try! Certificate.decode(json) }
        let subject = other ?? "\(file) over [\(boxText)]^\(network.inputCount)"
        print("## Reading and writing a certificate (\(subject), \(certificate.regions.count) regions, \(format(Double(json.count) / 1e6, digits: 1)) MB; best of 3, seconds)")
        print("")
        // gzip (`certify --out CERT.json.gz`): sizes and times at the fastest and the default level.
        var gzipRows: [String] = []
        for level: Int32 in [1, 6, 9] {
            var compressed = Data()
            let compress = best { compressed = Gzip.compress(json, level: level) }
            let decompress = best { precondition(try! Gzip.decompress(compressed, limit: json.count, what: "benchmark") == json) }
            gzipRows.append("| \(level) | \(format(Double(compressed.count) / 1e6, digits: 1)) | \(format(Double(json.count) / Double(compressed.count), digits: 1))× | \(compress) | \(decompress) |")
        }
        print("| strict syntax scan | decode: JSONDecoder | decode: CanonicalJSONReader | encode: JSONEncoder | encode: CanonicalJSONWriter | Certificate.decode (scan + read + re-encode + compare) |")
        print("|---:|---:|---:|---:|---:|---:|")
        print("| \(strict) | \(foundationDecode) | \(readerDecode) | \(foundationEncode) | \(writerEncode) | \(whole) |")
        print("")
        print("| gzip level | compressed (MB) | ratio | compress (s) | decompress (s) |")
        print("|---:|---:|---:|---:|---:|")
        gzipRows.forEach { print($0) }
        print("")
    }
}
