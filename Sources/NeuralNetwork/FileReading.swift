import Foundation

/// The bytes of a file, or an `InputError` naming it.
public func readFile(_ path: String, what: String, limit: Int) throws(InputError) -> Data {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw InputError("\(what) '\(path)' does not exist")
    }
    guard !isDirectory.boolValue else { throw InputError("\(what) '\(path)' is a directory") }
    if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > limit {
        throw InputError("\(what) '\(path)' is \(size) bytes, more than the limit of \(limit)")
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
