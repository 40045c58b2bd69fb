import Foundation

extension Network {
    /// Loads a model file: climep's JSON format (a `.json` file) or ONNX
    /// (anything else), with the ONNX model's external data files if it has
    /// any (see `ModelFile`). Every problem is an `InputError` naming the
    /// file and, where there is one, the node or layer at fault.
    public init(contentsOf path: String) throws(InputError) {
        self = try Network(file: ModelFile.read(path))
    }

    /// Reads a model file's bytes (with the size limit every loader applies).
    public static func modelFileData(_ path: String) throws(InputError) -> Data {
        try readFile(path, what: "model", limit: InputLimits.maximumModelBytes)
    }

    /// Decodes a model from its file's bytes; `source` is the file's path,
    /// which names it in errors, picks the format (`.json` or ONNX) and is
    /// the folder an ONNX model's external data files are read from.
    public init(data: Data, source: String) throws(InputError) {
        self = try Network(file: ModelFile(bytes: data, source: source))
    }
}
