import Foundation

extension Network {
    /// Loads a model file: climep's JSON format (a `.json` file) or ONNX
    /// (anything else). Every problem is an `InputError` naming the file and,
    /// where there is one, the node or layer at fault.
    public init(contentsOf path: String) throws(InputError) {
        let data = try readFile(path, what: "model", limit: ONNXImporter.maximumBytes)
        if path.lowercased().hasSuffix(".json") {
            self = try JSONModelFormat.network(from: data, source: path)
        } else {
            var importer = ONNXImporter(source: path)
            self = try importer.network(from: data)
        }
    }
}
