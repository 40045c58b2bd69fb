import Crypto
import Foundation

/// The SHA-256 of a model file's bytes: what ties a certificate to the exact
/// file it was made from (any other file, even one encoding the same network,
/// fails the check).
public enum ModelFingerprint {
    /// Lowercase hexadecimal SHA-256 of `data`.
    public static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
