import Foundation
import NeuralNetwork
import Polyhedra
import Verification

/// One shard of a complete enumeration: the subtrees below the split tree's
/// top that shard `index` of `count` walks. Every shard walks the same top
/// (deterministic), and takes the pending subtrees at positions
/// `index, index + count, index + 2·count, …`; `RegionEnumeration.merging`
/// joins all `count` shards into the enumeration an unsharded run finds.
/// Search output, not a claim: the merged certificate is what `check` verifies.
public struct EnumerationShard: Sendable, Codable {
    public let index: Int
    public let count: Int
    /// How many subtrees the top leaves pending, and the SHA-256 of the top's
    /// recorded steps: every shard of one run (and the merge) walks the same top.
    public let pendingSubtrees: Int
    public let topSHA256: String
    /// This shard's subtrees: their positions among the pending ones and what their walks recorded.
    public let subtrees: [Subtree]

    public struct Subtree: Sendable, Codable {
        public let position: Int
        let steps: [RegionSplitTree.Step]
        let regions: [LinearRegion]
    }

    /// The regions this shard found.
    public var regionCount: Int { subtrees.reduce(0) { $0 + $1.regions.count } }

    /// The positions shard `index` of `count` walks among `pending` subtrees.
    static func positions(index: Int, count: Int, pending: Int) -> [Int] {
        Array(stride(from: index, to: pending, by: count))
    }
}

/// Why shards do not join into one enumeration, in one line.
public struct ShardMergeError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

extension RegionEnumeration {
    /// Shard `index` of `count` of `complete(g, over: box)`: the top of the
    /// split tree, then only this shard's pending subtrees (in parallel).
    /// Throws `LimitReached` after `maximumRegions` regions in this shard.
    public static func shard(
        _ g: LinearizedNetwork, over box: InputBox, index: Int, of count: Int, maximumRegions: Int = .max,
        progress: @escaping @Sendable (EnumerationProgress) -> Void = { _ in }
    ) throws(LimitReached) -> EnumerationShard {
        precondition(count > 0 && (0..<count).contains(index), "shard index out of range")
        let counter = RegionCounter(limit: maximumRegions, progress: progress)
        let top = Top(g, over: box, counter: counter)
        let positions = EnumerationShard.positions(index: index, count: count, pending: top.pending.count)
        let results = top.walkSubtrees(positions, counter: counter)
        if counter.limitReached {
            throw LimitReached(regionsFound: min(counter.regions, maximumRegions), limit: maximumRegions)
        }
        let subtrees = positions.map { position in
            let part = results.part(top.pending[position])
            return EnumerationShard.Subtree(position: position, steps: part.steps, regions: part.regions)
        }
        return EnumerationShard(index: index, count: count, pendingSubtrees: top.pending.count,
                                topSHA256: topDigest(top), subtrees: subtrees)
    }

    /// SHA-256 of the top's recorded steps, with a marker per pending subtree.
    static func topDigest(_ top: Top) -> String {
        var steps: [[RegionSplitTree.Step]] = []
        for segment in top.segments {
            if case .recorded(let part) = segment { steps.append(part.steps) } else { steps.append([]) }
        }
        return ModelFingerprint.sha256((try? CanonicalJSON.encode(steps)) ?? Data())
    }

    /// The complete enumeration joined from every shard of one run: the top
    /// walked again here, each pending subtree taken from the shard that owns
    /// it. Throws when a shard is missing, listed twice, from another split
    /// (another shard count, or a top with another number of subtrees: a
    /// shard of another model, box or `g`), or holds subtrees it does not own.
    public static func merging(
        _ g: LinearizedNetwork, over box: InputBox, shards: [EnumerationShard]
    ) throws(ShardMergeError) -> RegionEnumeration {
        guard let count = shards.first?.count else { throw ShardMergeError(description: "no shards to merge") }
        var byIndex: [Int: EnumerationShard] = [:]
        for shard in shards {
            guard shard.count == count else {
                throw ShardMergeError(description: "shard \(shard.index) is one of \(shard.count), the others of \(count)")
            }
            guard (0..<count).contains(shard.index) else {
                throw ShardMergeError(description: "shard index \(shard.index) is not in 0..<\(count)")
            }
            guard byIndex.updateValue(shard, forKey: shard.index) == nil else {
                throw ShardMergeError(description: "shard \(shard.index) of \(count) is given twice")
            }
        }
        if let missing = (0..<count).first(where: { byIndex[$0] == nil }) {
            throw ShardMergeError(description: "shard \(missing) of \(count) is missing")
        }
        let top = Top(g, over: box, counter: RegionCounter(limit: .max, progress: { _ in }))
        let digest = topDigest(top)
        var subtree: [Int: EnumerationShard.Subtree] = [:]
        for shard in byIndex.values.sorted(by: { $0.index < $1.index }) {
            guard shard.pendingSubtrees == top.pending.count, shard.topSHA256 == digest else {
                throw ShardMergeError(description: "shard \(shard.index)'s split tree has another top than this model, box and g give here: a shard of another run (or of a machine whose floating point differs)")
            }
            let owned = EnumerationShard.positions(index: shard.index, count: count, pending: top.pending.count)
            guard shard.subtrees.map(\.position) == owned else {
                throw ShardMergeError(description: "shard \(shard.index) does not hold exactly its own subtrees \(owned)")
            }
            for s in shard.subtrees { subtree[top.pending[s.position]] = s }
        }
        return top.joined { index in
            let s = subtree[index]!
            return Part(steps: s.steps, regions: s.regions)
        }
    }
}
