import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every byte a model depends on, read once: the model file itself and, for
/// an ONNX model whose initializers live in external data files (what
/// `torch.onnx.export` writes by default since torch 2.9), each of those
/// files.
///
/// The network is decoded from these bytes alone and the certificate's model
/// hash covers all of them (`ModelFingerprint`), so what is checked is what
/// was hashed, even if the files change on disk in between.
///
/// External files are read safely: a location must be a relative path of
/// plain names (no absolute path, no `.` or `..` component, no backslash),
/// it is resolved inside the model file's folder, and a symbolic link that
/// leads out of that folder is refused. Each file and their total are
/// bounded by `InputLimits.maximumModelBytes`.
public struct ModelFile: Sendable {
    /// The model file's path, as given (it names the file in errors and picks the format).
    public let path: String
    /// The model file's bytes.
    public let bytes: Data
    /// The external data files the model names, each read once, in ascending
    /// order of their location's UTF-8 bytes; empty for a self-contained model.
    public let externalFiles: [ExternalFile]

    /// One external data file: its location as the model writes it (relative
    /// to the model's folder) and its bytes.
    public struct ExternalFile: Sendable, Equatable {
        public let location: String
        public let bytes: Data
    }

    /// Reads the model file at `path` and every external data file it names.
    public static func read(_ path: String) throws(InputError) -> ModelFile {
        try ModelFile(bytes: readFile(path, what: "model", limit: InputLimits.maximumModelBytes), source: path)
    }

    /// A model from its file's bytes; `source` is the file's path. External
    /// data files named by an ONNX model are read from `source`'s folder.
    public init(bytes: Data, source: String) throws(InputError) {
        path = source
        self.bytes = bytes
        guard !source.lowercased().hasSuffix(".json") else {
            externalFiles = []
            return
        }
        var files: [ExternalFile] = []
        var total = 0
        for (location, tensor) in ONNXExternalData.locations(in: bytes) {
            try ModelFile.checkLocation(location, of: tensor, source: source)
            let file = try ModelFile.resolve(location, of: tensor, source: source)
            let data = try readFile(file, what: "\(source): external data file", limit: InputLimits.maximumModelBytes)
            total += data.count
            guard total <= InputLimits.maximumModelBytes else {
                throw InputError("\(source): external data files: " + InputLimits.exceeds("total size", "\(total) bytes", InputLimits.maximumModelBytes) + " bytes")
            }
            files.append(ExternalFile(location: location, bytes: data))
        }
        externalFiles = files
    }

    /// A self-contained model held in memory (no external files are read).
    public init(selfContained bytes: Data, source: String) {
        path = source
        self.bytes = bytes
        externalFiles = []
    }

    /// The bytes of the external file at `location`, if the model named it.
    func externalBytes(_ location: String) -> Data? {
        externalFiles.first(where: { $0.location == location })?.bytes
    }

    /// Refuses every location that could name a file outside the model's
    /// folder or mean different files on different systems.
    static func checkLocation(_ location: String, of tensor: String, source: String) throws(InputError) {
        func refuse(_ why: String) -> InputError {
            InputError("\(source): external data location '\(location)' of '\(tensor)' \(why); climep reads external data only from files inside the model's folder")
        }
        guard !location.isEmpty else { throw refuse("is empty") }
        guard !location.utf8.contains(0) else { throw refuse("contains a NUL byte") }
        guard !location.hasPrefix("/") else { throw refuse("is an absolute path") }
        guard !location.contains("\\") else { throw refuse("contains a backslash") }
        for component in location.split(separator: "/", omittingEmptySubsequences: false) {
            switch component {
            case "": throw refuse("has an empty path component")
            case ".": throw refuse("has a '.' component")
            case "..": throw refuse("has a '..' component")
            default: continue
            }
        }
    }

    /// The path of `location` inside the model's folder, after following
    /// symbolic links; refused when it leads outside that folder.
    static func resolve(_ location: String, of tensor: String, source: String) throws(InputError) -> String {
        let folder = URL(fileURLWithPath: source).deletingLastPathComponent().path
        let candidate = folder + "/" + location
        guard let realFolder = realPath(folder) else {
            throw InputError("\(source): the model's folder '\(folder)' cannot be resolved")
        }
        guard let realFile = realPath(candidate) else {
            throw InputError("\(source): external data file '\(location)' of '\(tensor)' does not exist")
        }
        let inside = realFolder == "/" ? "/" : realFolder + "/"
        guard realFile.hasPrefix(inside) else {
            throw InputError("\(source): external data location '\(location)' of '\(tensor)' leads outside the model's folder (to '\(realFile)'); climep reads external data only from files inside the model's folder")
        }
        return realFile
    }

    /// The canonical absolute path (symbolic links, `.` and `..` resolved), or nil.
    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

extension Network {
    /// Decodes a model from its bytes (and external data files) alone; no
    /// file is read. Every problem is an `InputError` naming the file.
    public init(file: ModelFile) throws(InputError) {
        if file.path.lowercased().hasSuffix(".json") {
            self = try JSONModelFormat.network(from: file.bytes, source: file.path)
        } else {
            var importer = ONNXImporter(source: file.path)
            self = try importer.network(from: file.bytes, externalFiles: file)
        }
    }
}
