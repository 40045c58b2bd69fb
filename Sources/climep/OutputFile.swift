import Foundation
import NeuralNetwork
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one way the CLI writes a file it was asked to produce (`--out`,
/// `--svg`, `--regions-out`, the files in demo's `--out DIR`).
///
/// A command calls `check` for each of its output paths before any work, so
/// a path that cannot be written fails in a second, not after minutes of
/// enumeration. Only a regular file or a new name in an existing folder is
/// accepted: a symbolic link, a device such as /dev/null, a fifo, a socket or
/// a directory is refused rather than replaced. `write` then writes a
/// temporary file beside the target and renames it over the target, so
/// readers never see half a file, after checking the target once more.
enum OutputFile {
    /// Throws a one-line error unless `path` is a regular file this process
    /// may replace, or a new name in an existing folder it may write to.
    /// `option` names the command-line option in the message.
    static func check(_ path: String, option: String) throws(InputError) {
        guard !path.isEmpty else { throw InputError("\(option): the path is empty") }
        guard !path.hasSuffix("/") else { throw InputError("\(option) '\(path)' names a folder; give a file name") }
        try checkTarget(path, option: option)
        let folder = parentFolder(of: path)
        var info = stat()
        guard stat(folder, &info) == 0 else {
            throw InputError("\(option) '\(path)': the folder '\(folder)' \(reason(errno))")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw InputError("\(option) '\(path)': '\(folder)' is not a folder")
        }
        guard access(folder, W_OK | X_OK) == 0 else {
            throw InputError("\(option) '\(path)': the folder '\(folder)' is not writable")
        }
    }

    /// `write` for a certificate or shard file: gzip-compressed (`Gzip`) when
    /// `path` ends in `.gz`, as it is otherwise; `check`, `merge` and
    /// `dnet predict` read both.
    static func writeDocument(_ data: Data, to path: String, option: String) throws(InputError) {
        // Level 1: on certificates 85–90 % of the default level's reduction at a fifth of its time
        // (BENCHMARKS.md, "Reading a certificate…").
        try write(path.hasSuffix(".gz") ? Gzip.compress(data, level: 1) : data, to: path, option: option)
    }

    /// Writes `data` to `path` (checked again first): a temporary file in the
    /// same folder, renamed over `path`. The file gets mode 0666 less the umask,
    /// as a plain create would.
    static func write(_ data: Data, to path: String, option: String) throws(InputError) {
        try check(path, option: option)
        let folder = parentFolder(of: path)
        let name = path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? path
        var template = Array("\(folder)/.\(name).climep-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw InputError("cannot write '\(path)': \(String(cString: strerror(errno)))") }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var failure: String?
        let mask = umask(0)
        umask(mask)
        if fchmod(descriptor, 0o666 & ~mask) != 0 { failure = String(cString: strerror(errno)) }
        if failure == nil { failure = writeAll(data, to: descriptor) }
        if close(descriptor) != 0 && failure == nil { failure = String(cString: strerror(errno)) }
        if failure == nil {
            do { try checkTarget(path, option: option) } catch {
                unlink(temporary)
                throw error
            }
            if rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        }
        if let failure {
            unlink(temporary)
            throw InputError("cannot write '\(path)': \(failure)")
        }
    }

    /// Refuses a path that exists and is not a regular file this process may
    /// write; a path that does not exist passes. `lstat`, so a symbolic link
    /// is seen as itself, not as what it points to.
    private static func checkTarget(_ path: String, option: String) throws(InputError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            // ENOTDIR and the like: the folder check names the problem better.
            if errno == ENOTDIR { throw InputError("\(option) '\(path)': '\(parentFolder(of: path))' is not a folder") }
            throw InputError("\(option) '\(path)' \(reason(errno))")
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            guard access(path, W_OK) == 0 else { throw InputError("\(option) '\(path)' is not writable") }
        case S_IFLNK: throw InputError("\(option) '\(path)' is a symbolic link; give a regular file or a new path")
        case S_IFDIR: throw InputError("\(option) '\(path)' is a folder; give a file name")
        case S_IFCHR, S_IFBLK: throw InputError("\(option) '\(path)' is a device; give a regular file or a new path")
        case S_IFIFO: throw InputError("\(option) '\(path)' is a fifo; give a regular file or a new path")
        default: throw InputError("\(option) '\(path)' is not a regular file; give a regular file or a new path")
        }
    }

    /// The folder a new file at `path` goes into ("." for a bare name).
    private static func parentFolder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    /// Why `stat` failed, for a message.
    private static func reason(_ code: Int32) -> String {
        switch code {
        case ENOENT: "does not exist"
        case ENOTDIR: "is not a folder"
        case EACCES: "cannot be reached (permission denied)"
        default: "cannot be read: \(String(cString: strerror(code)))"
        }
    }
}

/// Writes every byte of `data` to the open file `descriptor`; the error's
/// text when that fails.
private func writeAll(_ data: Data, to descriptor: Int32) -> String? {
    data.withUnsafeBytes { bytes -> String? in
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            offset += written
        }
        return nil
    }
}

/// The folder demo writes its files into (`--out DIR`), created if missing.
enum OutputFolder {
    /// Creates `path` (and missing parents) unless it exists; throws a one-line
    /// error when it exists and is not a folder, or cannot be created.
    static func prepare(_ path: String, option: String) throws(InputError) {
        guard !path.isEmpty else { throw InputError("\(option): the path is empty") }
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else { throw InputError("\(option) '\(path)' exists and is not a folder") }
            return
        }
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw InputError("\(option): cannot create the folder '\(path)'")
        }
    }
}
