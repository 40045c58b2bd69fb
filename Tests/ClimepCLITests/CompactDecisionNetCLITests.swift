import ExactArithmetic
import Foundation
import FixtureSupport
import NeuralNetwork
import Polyhedra
import Testing
import Verification

/// The compact DecisionNet as users script it (issue 12): `certify` makes it
/// by default for a 2-input smooth model, `check` verifies it, `dnet predict`
/// answers with it; where the certificate proves `f`'s label, the compact
/// net's answer equals `f`'s label computed independently at 200 bits.
@Suite struct CompactDecisionNetCLITests {
    struct Summary: Decodable {
        struct DNet: Decodable {
            let kind: String, hyperplanes: Int, parameters: Int, tableEntries: Int, exactParameters: Int
            let agreedArea: String?, uncoveredParts: Int?
        }
        struct Model: Decodable { let parameters: Int }
        struct Agreement: Decodable { let area: String? }
        let errorBound: [String]
        let dnet: DNet
        let model: Model
        let agreement: Agreement
    }

    let tanh = Fixtures.path("models/sk_moons_tanh_bin_nozipmap.onnx")

    func certify(_ extra: [String]) throws -> (summary: Summary, path: String) {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("climep-test-\(UUID().uuidString).json").path
        let result = try Climep.run(["certify", tanh, "--box=-2:2", "--pieces", "5", "--splits", "4", "--out", out, "--json"] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        return (try JSONDecoder().decode(Summary.self, from: Data(result.stdout.utf8)), out)
    }

    @Test func theCompactNetGivesFsLabelWhereTheCertificateProvesIt() throws {
        let (summary, path) = try certify([])
        #expect(summary.dnet.kind == "compact")
        #expect(summary.dnet.parameters < summary.model.parameters, "\(summary.dnet.parameters) numbers vs \(summary.model.parameters)")
        #expect(summary.dnet.parameters < summary.dnet.exactParameters)
        #expect(summary.dnet.uncoveredParts == 0)
        #expect(summary.dnet.agreedArea == summary.agreement.area, "it covers the whole agreed area")
        let check = try Climep.run(["check", path, "--model", tanh])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("compact net"))

        // Independently: f at 200 bits, g exactly from the certificate's functions.
        let network = try Network(file: ModelFile.read(tanh))
        let certificate = try Certificate.read(path: path)
        let g = try LinearizedNetwork(network, activations: certificate.linearization.layers.map(\.function))
        let e = try #require(certificate.linearization.errorBound.first)
        var lines = ["x0,x1"], points: [[Rational]] = []
        for i in 0...40 {
            for j in 0...40 {
                let x = [Rational(i - 20, 10) + Rational(1, 997), Rational(j - 20, 10) - Rational(1, 1009)]
                points.append(x)
                lines.append("\(x[0]),\(x[1])")
            }
        }
        let predicted = try Climep.run(["dnet", "predict", path, "--input", try Climep.temporaryFile(lines.joined(separator: "\n") + "\n")])
        #expect(predicted.status == 0, "\(predicted.stderr)")
        let labels = predicted.stdout.split(separator: "\n").dropFirst().map { Int($0)! }
        #expect(labels.count == points.count)
        var proven = 0
        for (x, label) in zip(points, labels) {
            // One logit: the certificate proves f's label where |g_0| > e_0 (the threshold checked is at most that).
            let g0 = g.exactLogits(x)[0]
            guard g0.magnitude > e else { continue }
            let f0 = enclosedLogits(network, at: x)[0]
            let fLabel = f0.lower.sign > 0 ? 1 : (f0.upper.sign <= 0 ? 0 : -1)
            #expect(fLabel == label, "at \(x): f answers \(fLabel), the compact net \(label)")
            proven += 1
        }
        #expect(proven > points.count / 2, "the claim is not vacuous: \(proven) of \(points.count) points proven")
    }

    /// With 3 inputs the claim is per region: on every region the
    /// certificate lists as covered, `dnet predict` answers `f`'s label,
    /// computed independently at 200 bits, at every grid point of the region.
    @Test func aThreeInputCompactNetGivesFsLabelOnEveryCoveredRegion() throws {
        struct Summary: Decodable {
            struct DNet: Decodable { let kind: String, parameters: Int, coveredRegions: Int?, exactParameters: Int }
            struct Model: Decodable { let parameters: Int }
            struct Agreement: Decodable { let regions: Int }
            let dnet: DNet, model: Model, agreement: Agreement
        }
        let model = Fixtures.benchmarkModel("dnet/blobs3d-tanh-6x6.onnx")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("climep-test-\(UUID().uuidString).json").path
        let result = try Climep.run(["certify", model, "--box=-3/2:3/2", "--pieces", "3", "--splits", "4", "--out", out, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try JSONDecoder().decode(Summary.self, from: Data(result.stdout.utf8))
        #expect(summary.dnet.kind == "compact", "the default for a smooth model")
        #expect(summary.dnet.parameters < summary.model.parameters && summary.dnet.parameters < summary.dnet.exactParameters)
        let covered = try #require(summary.dnet.coveredRegions)
        #expect(covered * 10 >= summary.agreement.regions * 9, "\(covered) of \(summary.agreement.regions) agreed regions covered")
        let check = try Climep.run(["check", out, "--model", model])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("of \(summary.agreement.regions) agreed regions"))

        // Independently: the regions replayed from the split tree, f at 200 bits, `dnet predict`'s answers.
        let network = try Network(file: ModelFile.read(model))
        let certificate = try Certificate.read(path: out)
        let g = try LinearizedNetwork(network, activations: certificate.linearization.layers.map(\.function))
        let box = try InputBox(lower: certificate.box.lower, upper: certificate.box.upper)
        var polytopes: [Polytope] = []
        _ = try CompletenessCheck.verify(certificate.regions.splitTree, for: g, over: box) { polytope, _ in polytopes.append(polytope) }
        let coveredLabel = Dictionary(uniqueKeysWithValues: try #require(certificate.compactDecisionNet?.covered).map { entry in
            (entry.region, certificate.agreement.regions.first { $0.region == entry.region }!.label)
        })
        var points: [[Rational]] = [], expected: [Int] = []
        let steps = 11
        for i in 0..<steps {
            for j in 0..<steps {
                for k in 0..<steps {
                    let x = [i, j, k].map { Rational(3 * $0, steps - 1) - Rational(3, 2) + Rational(1, 1013) }
                    guard box.contains(x), let r = polytopes.firstIndex(where: { $0.contains(x) }),
                          let label = coveredLabel[r] else { continue }
                    let f = enclosedLogits(network, at: x)
                    // f's label at x, provable at 200 bits (a covered region is an agreed one).
                    let others = f.indices.filter { $0 != label }
                    #expect(others.allSatisfy { f[label].lower > f[$0].upper }, "f's label at \(x) is not \(label)")
                    points.append(x)
                    expected.append(label)
                }
            }
        }
        #expect(points.count > 200, "\(points.count) grid points in covered regions")
        let input = try Climep.temporaryFile("x0,x1,x2\n" + points.map { $0.map(\.description).joined(separator: ",") }.joined(separator: "\n") + "\n")
        let predicted = try Climep.run(["dnet", "predict", out, "--input", input])
        #expect(predicted.status == 0, "\(predicted.stderr)")
        #expect(predicted.stdout.split(separator: "\n").dropFirst().map { Int($0)! } == expected)

        // A budget is kept with 3 inputs too, and the smaller net still checks.
        let small = out + ".small.json"
        let budgeted = try Climep.run(["certify", model, "--box=-3/2:3/2", "--pieces", "3", "--splits", "4", "--out", small, "--json",
                                       "--max-dnet-parameters", "\(summary.dnet.parameters - 1)"])
        #expect(budgeted.status == 0, "\(budgeted.stderr)")
        let smaller = try JSONDecoder().decode(Summary.self, from: Data(budgeted.stdout.utf8))
        #expect(smaller.dnet.parameters < summary.dnet.parameters)
        #expect(try Climep.run(["check", small, "--model", model]).status == 0)
    }

    @Test func aBudgetOfNumbersIsKept() throws {
        let (full, _) = try certify([])
        let budget = max(1, full.dnet.parameters - 4)
        let (small, path) = try certify(["--max-dnet-parameters", "\(budget)"])
        #expect(small.dnet.parameters <= budget)
        let area = { (s: Summary) in try Rational(parsing: s.dnet.agreedArea ?? "0") }
        #expect(try area(small) <= area(full))
        #expect(try Climep.run(["check", path, "--model", tanh]).status == 0)
        let exact = try certify(["--dnet", "exact"]).summary
        #expect(exact.dnet.kind == "exact" && exact.dnet.parameters == full.dnet.exactParameters)
    }

    /// `tradeoff` reports, per piece count, the figures a separate `certify` of that count states.
    @Test func tradeoffRowsEqualSeparateCertificates() throws {
        struct Sweep: Decodable {
            struct Row: Decodable {
                let pieces: Int, regions: Int, exactDNetParameters: Int, compactDNetParameters: Int?
                let errorBound: String, agreedFraction: String, compactAgreedFraction: String?
            }
            let rows: [Row]
            let modelParameters: Int
        }
        let svg = FileManager.default.temporaryDirectory.appendingPathComponent("climep-test-\(UUID().uuidString).svg").path
        let result = try Climep.run(["tradeoff", tanh, "--box=-2:2", "--pieces", "3,5", "--splits", "4", "--json", "--svg", svg])
        #expect(result.status == 0, "\(result.stderr)")
        let sweep = try JSONDecoder().decode(Sweep.self, from: Data(result.stdout.utf8))
        #expect(sweep.rows.map(\.pieces) == [3, 5])
        #expect(try String(contentsOfFile: svg, encoding: .utf8).hasPrefix("<svg"))
        let (five, _) = try certify([])  // 5 pieces, 4 splits: the second row
        let row = sweep.rows[1]
        #expect(row.regions > 0 && row.exactDNetParameters == five.dnet.exactParameters)
        #expect(row.compactDNetParameters == five.dnet.parameters)
        #expect(row.errorBound == five.errorBound[0])
        for r in sweep.rows {
            let (all, compact) = (try Rational(parsing: r.agreedFraction), try Rational(parsing: r.compactAgreedFraction ?? "2"))
            #expect(compact <= all && compact.sign >= 0)
        }
    }

    @Test(arguments: [
        (["tradeoff", "TANH", "--box=-1:1", "--pieces", "2,5"], "--pieces"),
        (["tradeoff", "TANH", "--pieces", "3"], "--box"),
        (["certify", "TANH", "--box=-1:1", "--pieces", "3", "--max-dnet-parameters", "0", "--out", "OUT"], "--max-dnet-parameters"),
        (["certify", "TANH", "--box=-1:1", "--pieces", "3", "--dnet", "exact", "--max-dnet-parameters", "9", "--out", "OUT"], "--max-dnet-parameters"),
        (["certify", "TANH", "--box=-1:1", "--pieces", "3", "--dnet", "small", "--out", "OUT"], "--dnet"),
        (["dnet", "predict", "EXACTCERT", "--input", "POINTS", "--dnet", "compact"], "no compact"),
    ])
    func badRequestsExitTwoWithOneLine(arguments: [String], mentions: String) throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("climep-test-\(UUID().uuidString).json").path
        var exactCertificate = ""
        if arguments.contains("EXACTCERT") {
            exactCertificate = out + ".exact.json"
            #expect(try Climep.run(["certify", tanh, "--box=-1:1", "--pieces", "3", "--splits", "0", "--dnet", "exact", "--out", exactCertificate]).status == 0)
        }
        let points = try Climep.temporaryFile("0,0\n")
        let resolved = arguments.map { argument in
            switch argument {
            case "4INPUTS": Fixtures.path("models/sk_blobs4_logistic_3c.onnx")
            case "TANH": tanh
            case "OUT": out
            case "EXACTCERT": exactCertificate
            case "POINTS": points
            default: argument
            }
        }
        let result = try Climep.run(resolved)
        #expect(result.status == 2, "\(resolved): \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains(mentions), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
