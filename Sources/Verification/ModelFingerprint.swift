import Crypto
import Foundation
import NeuralNetwork

/// The SHA-256 of a model file's bytes: what ties a certificate to the exact
/// file it was made from (any other file, even one encoding the same network,
/// fails the check).
public enum ModelFingerprint {
    /// Lowercase hexadecimal SHA-256 of `data`.
    public static func sha256(_ data: Data) -> String {
        hex(SHA256.hash(data: data))
    }

    /// The hash of every byte the model depends on (proofs/certificate.md §2.1).
    ///
    /// A self-contained model (no external data) hashes to the SHA-256 of its
    /// file, as before external data was read. A model with external data
    /// files hashes to the SHA-256 of
    ///
    ///     "climep-model-files-v1\n" ‖ u64(|D|) ‖ D ‖ for each external file,
    ///     in ascending order of its location's UTF-8 bytes:
    ///     u64(|name|) ‖ name ‖ u64(|bytes|) ‖ bytes
    ///
    /// where `D` is the model file's bytes, `name` the location's UTF-8 bytes
    /// and `u64` an 8-byte big-endian length. Every field is length-prefixed,
    /// so two different sets of files never give the same byte string.
    public static func sha256(_ file: ModelFile) -> String {
        guard !file.externalFiles.isEmpty else { return sha256(file.bytes) }
        var hasher = SHA256()
        func field(_ bytes: Data) {
            withUnsafeBytes(of: UInt64(bytes.count).bigEndian) { hasher.update(bufferPointer: $0) }
            hasher.update(data: bytes)
        }
        hasher.update(data: Data("climep-model-files-v1\n".utf8))
        field(file.bytes)
        for external in file.externalFiles {
            field(Data(external.location.utf8))
            field(external.bytes)
        }
        return hex(hasher.finalize())
    }

    private static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
