import Foundation

/// Paths to the committed fixtures and to the shared benchmark networks,
/// and readers for the files the fixture script writes.
public enum Fixtures {
    /// The repository root (this file is Tests/FixtureSupport/Fixtures.swift).
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `Tests/Fixtures/<relative>`.
    public static func path(_ relative: String) -> String {
        root.appendingPathComponent("Tests/Fixtures").appendingPathComponent(relative).path
    }

    /// `Benchmarks/models/<relative>`: the benchmarks' committed models.
    public static func benchmarkModel(_ relative: String) -> String {
        root.appendingPathComponent("Benchmarks/models").appendingPathComponent(relative).path
    }

    /// `Examples/<relative>`.
    public static func example(_ relative: String) -> String {
        root.appendingPathComponent("Examples").appendingPathComponent(relative).path
    }

    /// The VNN-COMP networks, which live beside the repository in `../shared`.
    public static let benchmarks = root.deletingLastPathComponent()
        .appendingPathComponent("shared/benchmarks/vnncomp2021").path

    /// True when `../shared/benchmarks` is present (tests that need it skip, saying so, otherwise).
    public static var haveBenchmarks: Bool { FileManager.default.fileExists(atPath: benchmarks) }

    /// Decodes a manifest.
    public static func manifest<T: Decodable>(_ relative: String, as type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: URL(fileURLWithPath: path(relative))))
    }

    /// The rows of a CSV file without its header, as strings.
    public static func csvRows(_ path: String) throws -> [[String]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
    }

    /// An entry of `models/manifest.json` or `vnncomp/manifest.json`.
    public struct Model: Decodable, Sendable, CustomStringConvertible {
        public struct Layer: Decodable, Sendable, Equatable {
            public let inputs: Int, outputs: Int, activation: String
            public init(inputs: Int, outputs: Int, activation: String) {
                self.inputs = inputs
                self.outputs = outputs
                self.activation = activation
            }
        }
        public let name: String?
        public let file: String?
        public let network: String?
        public let vnnlib: String?
        public let points: String
        public let expected: String
        public let inputs: Int
        public let classes: Int
        public let layers: [Layer]
        public var description: String { name ?? network ?? "?" }

        /// Absolute path of the model file.
        public var modelPath: String { file.map { Fixtures.path("models/" + $0) } ?? Fixtures.benchmarks + "/" + network! }
        /// Absolute path of the model file in `Tests/Fixtures/<folder>`.
        public func modelPath(in folder: String) -> String { Fixtures.path(folder + "/" + file!) }
        /// Absolute paths of its points and expected outputs.
        public func pointsPath(_ folder: String) -> String { Fixtures.path(folder + "/" + points) }
        public func expectedPath(_ folder: String) -> String { Fixtures.path(folder + "/" + expected) }
    }

    /// An entry of `bad/manifest.json`.
    public struct BadModel: Decodable, Sendable, CustomStringConvertible {
        public let file: String
        public let problem: String
        public let mustMention: [String]
        public var description: String { file }
    }

    public static func models() -> [Model] { (try? manifest("models/manifest.json", as: [Model].self)) ?? [] }
    /// The models of `exporters/manifest.json`: graphs written by torch.onnx.export and skl2onnx
    /// themselves (make_exporter_fixtures.py).
    public static func exporterModels() -> [Model] { (try? manifest("exporters/manifest.json", as: [Model].self)) ?? [] }
    public static func vnncomp() -> [Model] { (try? manifest("vnncomp/manifest.json", as: [Model].self)) ?? [] }
    public static func badModels() -> [BadModel] { (try? manifest("bad/manifest.json", as: [BadModel].self)) ?? [] }
}
