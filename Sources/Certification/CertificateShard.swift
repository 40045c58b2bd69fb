import ExactArithmetic
import Foundation
import NeuralNetwork
import Regions
import Verification

/// What `climep certify --shard K/N` writes and `climep merge` joins: one
/// shard of a certificate's enumeration, with everything needed to check
/// that all shards belong to one run (the model, the box, `g`'s functions,
/// the error bound's splits). Search output: it claims nothing; the merged
/// certificate is what `check` verifies.
public struct CertificateShard: Codable, Sendable {
    public static let formatName = "climep-shard"
    public static let currentVersion = 1

    public var format: String
    public var version: Int
    public var model: Certificate.ModelClaims
    public var box: Certificate.BoxClaims
    /// `g`'s function per layer, so that every shard and the merge use the same `g`.
    public var layers: [PiecewiseLinearFunction]
    public var splits: Int
    public var shard: EnumerationShard

    public init(model: Certificate.ModelClaims, box: InputBox, g: LinearizedNetwork, splits: Int, shard: EnumerationShard) {
        format = Self.formatName
        version = Self.currentVersion
        self.model = model
        self.box = .init(lower: box.lower, upper: box.upper)
        layers = g.activations
        self.splits = splits
        self.shard = shard
    }

    public func encoded() throws -> Data { try CanonicalJSON.encode(self) }

    /// Reads a shard file (at most `InputLimits.maximumShardBytes`).
    public static func read(path: String) throws(InputError) -> CertificateShard {
        let data = try readDocumentFile(path, what: "shard", limit: InputLimits.maximumShardBytes)
        let shard: CertificateShard
        do {
            try StrictJSON.validate(data, what: "shard")
            shard = try CanonicalJSONReader.decode(CertificateShard.self, from: data)
        } catch {
            throw InputError("\(path): not a climep shard file (\(error))")
        }
        guard shard.format == formatName else { throw InputError("\(path): not a climep shard file (format '\(shard.format)')") }
        guard shard.version == currentVersion else {
            throw InputError("\(path): shard version \(shard.version) is not supported (this climep reads \(currentVersion))")
        }
        return shard
    }

    /// The certificate of the run the shards are parts of, for the model in
    /// `file`: every shard must be of that model (its hash), with one box, one
    /// `g` and one split count; the enumeration is joined by
    /// `RegionEnumeration.merging` and the rest certified as `certify` does.
    public static func merge(
        _ shards: [CertificateShard], model file: ModelFile, trainingPoints: [[Rational]] = [],
        compact: Certifier.CompactRequest? = nil, progress: @escaping @Sendable (String) -> Void = { _ in }
    ) throws(InputError) -> Certifier.Result {
        guard let first = shards.first else { throw InputError("merge needs at least one shard") }
        let network = try Network(file: file)
        let claims = Certificate.ModelClaims(network, file: file)
        for shard in shards {
            guard shard.model == claims else {
                throw InputError("shard \(shard.shard.index) of \(shard.shard.count) is of another model (SHA-256 \(shard.model.sha256), this one is \(claims.sha256))")
            }
            guard shard.box == first.box, shard.layers == first.layers, shard.splits == first.splits else {
                throw InputError("shard \(shard.shard.index) of \(shard.shard.count) is of another run than shard \(first.shard.index) (box, g or splits differ)")
            }
        }
        let box: InputBox, g: LinearizedNetwork
        do {
            box = try InputBox(lower: first.box.lower, upper: first.box.upper)
            g = try LinearizedNetwork(network, activations: first.layers)
        } catch { throw InputError("shard: \(error)") }
        let enumeration: RegionEnumeration
        do { enumeration = try RegionEnumeration.merging(g, over: box, shards: shards.map(\.shard)) } catch {
            throw InputError(error.description)
        }
        return Certifier.certify(g, model: file, over: box, splits: first.splits, enumeration: enumeration,
                                 trainingPoints: trainingPoints, compact: compact, progress: progress)
    }
}
