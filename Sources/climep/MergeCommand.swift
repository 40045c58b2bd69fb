import ArgumentParser
import Certification
import Foundation
import NeuralNetwork
import Regions
import Verification

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the shard files of `certify --shard K/N` into the certificate an unsharded `certify` writes.",
        discussion: """
            Needs all N shards of one run, each once: a missing, duplicated or foreign shard (another model, box, \
            g, split count or shard count) exits 2 naming it. Walks the split tree's top again, takes every \
            subtree from its shard, then bounds the error, builds the DecisionNets and proves agreement as \
            certify does; prints the same summary. `climep check` verifies the result like any certificate.
            """)

    @Argument(help: ArgumentHelp("The shard files, in any order.", valueName: "SHARD.json"))
    var shards: [String]

    @Option(help: ArgumentHelp("The model file the shards are about.", valueName: "MODEL"))
    var model: String

    @Option(help: ArgumentHelp("Where to write the certificate (JSON).", valueName: "CERT.json"))
    var out: String

    @Option(help: ArgumentHelp("Training points (CSV) whose patterns also go into the DecisionNet's table.", valueName: "POINTS.csv"))
    var training: String?

    @OptionGroup var decisionNet: DecisionNetOptions

    @Flag(help: "Print one JSON summary, as certify --json does.")
    var json = false

    func validate() throws {
        guard !shards.isEmpty else { throw ValidationError("give the shard files to merge") }
    }

    func run() throws {
        try OutputFile.check(out, option: "--out")
        let file = try ModelFile.read(model)
        let network = try Network(file: file)
        let compact = try decisionNet.request(for: network)
        let training = try self.training.map { try PointSet(contentsOf: $0, dimension: network.inputCount).points } ?? []
        let documents = try shards.map { path throws(InputError) in try CertificateShard.read(path: path) }
        let start = ContinuousClock.now
        let result = try CertificateShard.merge(documents, model: file, trainingPoints: training, compact: compact,
                                                progress: { ProgressLine.shared.report($0) })
        let bytes: Data
        do { bytes = try result.certificate.encodedForReading() } catch {
            printError("climep: no certificate written: \(error)")
            throw ExitCode(1)
        }
        try OutputFile.writeDocument(bytes, to: out, option: "--out")
        let summary = CertificateSummary(result.certificate, path: out, seconds: (ContinuousClock.now - start).seconds,
                                         trainingEntries: result.decisionNet.trainingEntries)
        if json { try printJSON(summary) } else { summary.printReadable(modelPath: model) }
    }
}
