import Foundation
import FixtureSupport
import NeuralNetwork
import Testing

/// `certify --shard K/N` and `merge` (issue 11): shards of one run, merged in
/// any order, give the unsharded certificate byte for byte, which `check`
/// verifies; a missing, duplicated or foreign shard is refused.
@Suite struct ShardMergeCLITests {
    let tanh = Fixtures.path("models/sk_moons_tanh_bin_nozipmap.onnx")

    func temporary(_ suffix: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("climep-test-\(UUID().uuidString)\(suffix)").path
    }

    func shard(_ k: Int, of n: Int, box: String = "--box=-2:2", suffix: String = "") throws -> String {
        let out = temporary(".shard\(k).json" + suffix)
        let result = try Climep.run(["certify", tanh, box, "--pieces", "5", "--splits", "4", "--shard", "\(k)/\(n)", "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        return out
    }

    @Test(arguments: [1, 3])
    func mergedShardsAreTheUnshardedCertificate(count: Int) throws {
        let whole = temporary(".json")
        #expect(try Climep.run(["certify", tanh, "--box=-2:2", "--pieces", "5", "--splits", "4", "--out", whole]).status == 0)
        let shards = try (0..<count).map { try shard($0, of: count) }
        let merged = temporary(".merged.json")
        let result = try Climep.run(["merge"] + shards.reversed() + ["--model", tanh, "--out", merged])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: merged)) == Data(contentsOf: URL(fileURLWithPath: whole)))
        let check = try Climep.run(["check", merged, "--model", tanh])
        #expect(check.status == 0, "\(check.stderr)")
    }

    /// Shard files and the merged certificate gzip-compressed (`.gz`), next to
    /// a plain shard: the merge is the unsharded certificate, compressed.
    @Test func compressedShardsMerge() throws {
        let whole = temporary(".json")
        #expect(try Climep.run(["certify", tanh, "--box=-2:2", "--pieces", "5", "--splits", "4", "--out", whole]).status == 0)
        let shards = [try shard(0, of: 2, suffix: ".gz"), try shard(1, of: 2)]
        #expect(try Array(Data(contentsOf: URL(fileURLWithPath: shards[0])).prefix(2)) == [0x1F, 0x8B])
        let merged = temporary(".merged.json.gz")
        let result = try Climep.run(["merge"] + shards + ["--model", tanh, "--out", merged])
        #expect(result.status == 0, "\(result.stderr)")
        let inside = try Gzip.decompress(try Data(contentsOf: URL(fileURLWithPath: merged)), limit: 1 << 30, what: "test")
        #expect(inside == (try Data(contentsOf: URL(fileURLWithPath: whole))))
    }

    /// Scripts/shards/certify-local.sh (the local default: shards as parallel processes, then merge).
    @Test func theLocalShardScriptWritesTheUnshardedCertificate() throws {
        let whole = temporary(".json"), sharded = temporary(".sharded.json")
        #expect(try Climep.run(["certify", tanh, "--box=-2:2", "--pieces", "5", "--splits", "4", "--out", whole]).status == 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bash", Fixtures.root.appendingPathComponent("Scripts/shards/certify-local.sh").path,
                             "2", tanh, sharded, "--box=-2:2", "--pieces", "5", "--splits", "4"]
        process.environment = ProcessInfo.processInfo.environment.merging(["CLIMEP": Climep.executable.path]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: sharded)) == Data(contentsOf: URL(fileURLWithPath: whole)))
    }

    /// The shard file at `path` with another top's digest (as a shard walked on another machine would have).
    func retopped(_ path: String) throws -> String {
        var document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        var shard = try #require(document["shard"] as? [String: Any])
        shard["topSHA256"] = String(repeating: "0", count: 64)
        document["shard"] = shard
        let out = temporary(".retopped.json")
        try JSONSerialization.data(withJSONObject: document).write(to: URL(fileURLWithPath: out))
        return out
    }

    @Test func missingDuplicatedAndForeignShardsAreRefused() throws {
        let (s0, s1, s2) = (try shard(0, of: 3), try shard(1, of: 3), try shard(2, of: 3))
        let foreign = try shard(1, of: 3, box: "--box=-1:1")
        let other = try shard(0, of: 2)
        let cases: [([String], String)] = [
            ([s0, s2], "shard 1 of 3 is missing"),
            ([s0, s1, s1, s2], "given twice"),
            ([s0, foreign, s2], "another run"),
            ([s0, try retopped(s1), s2], "another top"),
            ([s0, s1, s2, other], "one of 2"),
            ([s0, s1, s2], "another model"),  // with another model file
        ]
        for (files, mentions) in cases {
            let out = temporary(".json")
            let model = mentions == "another model" ? Fixtures.path("models/sk_moons_relu_bin.onnx") : tanh
            let result = try Climep.run(["merge"] + files + ["--model", model, "--out", out])
            #expect(result.status == 2, "\(mentions): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains(mentions), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
    }

    /// Merge is search: a shard whose split tree was forged merges into a
    /// certificate, and `check` refuses it (it trusts no shard).
    @Test func aForgedShardMergesIntoACertificateCheckRefuses() throws {
        let (s0, s1) = (try shard(0, of: 2), try shard(1, of: 2))
        var document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: s1))) as? [String: Any])
        var shardObject = try #require(document["shard"] as? [String: Any])
        var subtrees = try #require(shardObject["subtrees"] as? [[String: Any]])
        // The first region's witness moved to the box's corner: not strictly inside its region.
        var forged = false
        for k in subtrees.indices where !forged {
            var steps = try #require(subtrees[k]["steps"] as? [[String: Any]])
            if let j = steps.firstIndex(where: { $0["leaf"] != nil }) {
                steps[j]["leaf"] = ["_0": ["-2", "-2"]]
                subtrees[k]["steps"] = steps
                forged = true
            }
        }
        #expect(forged)
        shardObject["subtrees"] = subtrees
        document["shard"] = shardObject
        let forgedPath = temporary(".forged.json"), merged = temporary(".merged.json")
        try JSONSerialization.data(withJSONObject: document).write(to: URL(fileURLWithPath: forgedPath))
        let merge = try Climep.run(["merge", s0, forgedPath, "--model", tanh, "--out", merged])
        #expect(merge.status == 0, "\(merge.stderr)")
        let check = try Climep.run(["check", merged, "--model", tanh])
        #expect(check.status == 1, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("regions.splitTree") || check.stderr.contains("regions.splitTree"), "\(check.stdout)\(check.stderr)")
    }

    /// Unreadable shard files: garbage, another JSON document, deep nesting.
    @Test(arguments: [
        ("not json at all", "not a climep shard file"),
        ("{\"format\": \"climep-certificate\"}", "not a climep shard file"),
        (String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000), "not a climep shard file"),
    ])
    func unreadableShardFilesExitTwo(text: String, mentions: String) throws {
        let file = try Climep.temporaryFile(text, suffix: ".json"), out = temporary(".json")
        let result = try Climep.run(["merge", file, "--model", tanh, "--out", out])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains(mentions), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test(arguments: [
        (["--shard", "3/3"], "--shard"), (["--shard", "a/b"], "--shard"), (["--shard", "0/0"], "--shard"),
        (["--shard", "0/2", "--dnet", "exact"], "merge"),
    ])
    func badShardRequestsExitTwo(extra: [String], mentions: String) throws {
        let out = temporary(".json")
        let result = try Climep.run(["certify", tanh, "--box=-2:2", "--pieces", "3", "--out", out] + extra)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains(mentions), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
