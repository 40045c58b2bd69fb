import Foundation

/// The bytes of a file, or an `InputError` naming it; a file larger than
/// `limit` bytes (one of the `InputLimits`) is refused before it is read.
public func readFile(_ path: String, what: String, limit: Int) throws(InputError) -> Data {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw InputError("\(what) '\(path)' does not exist")
    }
    guard !isDirectory.boolValue else { throw InputError("\(what) '\(path)' is a directory") }
    if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > limit {
        throw InputError("\(what) '\(path)': " + InputLimits.exceeds("file size", "\(size) bytes", limit) + " bytes")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw InputError("\(what) '\(path)' cannot be read")
    }
    return data
}

/// The UTF-8 text of a file, or an `InputError` naming it.
func readTextFile(_ path: String, what: String, limit: Int) throws(InputError) -> String {
    let data = try readFile(path, what: what, limit: limit)
    guard let text = String(data: data, encoding: .utf8) else {
        throw InputError("\(what) '\(path)' is not UTF-8 text")
    }
    return text
}
