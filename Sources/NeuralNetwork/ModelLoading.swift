import Foundation

extension Network {
    /// Loads a model file: climep's JSON format (a `.json` file) or ONNX
    /// (anything else). Every problem is an `InputError` naming the file and,
    /// where there is one, the node or layer at fault.
    public init(contentsOf path: String) throws(InputError) {
        self = try Network(data: Network.modelFileData(path), source: path)
    }

    /// Reads a model file's bytes (with the size limit every loader applies).
    public static func modelFileData(_ path: String) throws(InputError) -> Data {
        try readFile(path, what: "model", limit: InputLimits.maximumModelBytes)
    }

    /// Decodes a model from its file's bytes; `source` is the file's path,
    /// which names it in errors and picks the format (`.json` or ONNX).
    public init(data: Data, source: String) throws(InputError) {
        if source.lowercased().hasSuffix(".json") {
            self = try JSONModelFormat.network(from: data, source: source)
        } else {
            var importer = ONNXImporter(source: source)
            self = try importer.network(from: data)
        }
    }
}
