import CZlib
import Foundation

/// gzip (RFC 1952) through zlib, for certificate and shard files: a file
/// whose name ends in `.gz` is written compressed, and a file that starts
/// with gzip's magic bytes is read decompressed.
///
/// A compressed certificate means its decompressed bytes, so it must have one
/// decompression: exactly one gzip member and nothing after it (`zcat` would
/// join further members; climep refuses them), and no more than the reader's
/// limit of decompressed bytes (a small file must not expand into gigabytes).
public enum Gzip {
    /// Whether `data` starts with gzip's magic bytes `1f 8b`.
    public static func isCompressed(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B
    }

    /// The bytes of the one gzip member `data` holds; throws `InputError`
    /// naming `what` when it is corrupt or truncated, when bytes follow the
    /// member, or when it decompresses to more than `limit` bytes (found
    /// while decompressing, before more than `limit` bytes are held).
    public static func decompress(_ data: Data, limit: Int, what: String) throws(InputError) -> Data {
        var stream = z_stream()
        guard climep_inflate_gzip_init(&stream) == Z_OK else { throw InputError("\(what): cannot start decompressing") }
        defer { inflateEnd(&stream) }
        enum Outcome { case whole, overLimit, truncated, trailing, corrupt(Int32) }
        var output = Data()
        let chunk = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunk)
        let outcome: Outcome = data.withUnsafeBytes { input in
            // zlib counts input in 32-bit units: it is fed in slices.
            var offset = 0
            while true {
                if stream.avail_in == 0 && offset < input.count {
                    let size = min(input.count - offset, Int(UInt32.max))
                    stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: UInt8.self) + offset)
                    stream.avail_in = UInt32(size)
                    offset += size
                }
                let status = buffer.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(chunk)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    output.append(out.baseAddress!, count: chunk - Int(stream.avail_out))
                    return status
                }
                if output.count > limit { return .overLimit }
                switch status {
                case Z_STREAM_END: return stream.avail_in == 0 && offset == input.count ? .whole : .trailing
                case Z_OK: continue
                // No progress: with fresh room for output, the input ended inside the member.
                case Z_BUF_ERROR where stream.avail_in == 0 && offset == input.count: return .truncated
                case Z_BUF_ERROR: continue
                default: return .corrupt(status)
                }
            }
        }
        switch outcome {
        case .whole: return output
        case .overLimit: throw InputError("\(what): decompresses to more than the supported \(InputLimits.grouped(limit)) bytes")
        case .truncated: throw InputError("\(what): the gzip data is truncated")
        case .trailing: throw InputError("\(what): bytes follow the gzip member (one member and nothing after it is read)")
        case .corrupt(let status):
            let reason = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
            throw InputError("\(what): the gzip data is corrupt (\(reason))")
        }
    }

    /// `data` as one gzip member at `level` (1 fastest … 9 smallest). The
    /// header has no file name and time 0, so equal bytes compress equally.
    public static func compress(_ data: Data, level: Int32 = 6) -> Data {
        var stream = z_stream()
        precondition(climep_deflate_gzip_init(&stream, level) == Z_OK, "zlib: cannot start compressing")
        defer { deflateEnd(&stream) }
        var output = Data()
        let chunk = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunk)
        data.withUnsafeBytes { input in
            var offset = 0
            var status = Z_OK
            while status != Z_STREAM_END {
                if stream.avail_in == 0 && offset < input.count {
                    let size = min(input.count - offset, Int(UInt32.max))
                    stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: UInt8.self) + offset)
                    stream.avail_in = UInt32(size)
                    offset += size
                }
                let flush = offset == input.count ? Z_FINISH : Z_NO_FLUSH
                status = buffer.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(chunk)
                    let status = deflate(&stream, flush)
                    output.append(out.baseAddress!, count: chunk - Int(stream.avail_out))
                    return status
                }
                precondition(status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR, "zlib: deflate failed (\(status))")
            }
        }
        return output
    }
}

/// `readFile`, and where the file is gzip-compressed its decompressed bytes,
/// within `limit` both ways (certificates and shards: `Gzip`).
public func readDocumentFile(_ path: String, what: String, limit: Int) throws(InputError) -> Data {
    let data = try readFile(path, what: what, limit: limit)
    guard Gzip.isCompressed(data) else { return data }
    return try Gzip.decompress(data, limit: limit, what: "\(what) '\(path)'")
}
