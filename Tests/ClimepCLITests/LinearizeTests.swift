import Foundation
import FixtureSupport
import Testing

@Suite struct LinearizeTests {
    struct Summary: Decodable {
        let pieces: Int
        let errorBound: [String]
        let met: Bool
    }

    let model = Fixtures.example("moons-tanh.onnx")

    @Test func jsonHasPiecesAndExactBounds() throws {
        let result = try Climep.run(["linearize", model, "--box=-3/2:3/2", "--pieces", "8", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try JSONDecoder().decode(Summary.self, from: Data(result.stdout.utf8))
        #expect(summary.pieces == 8)
        #expect(summary.errorBound.count == 1)
        #expect(summary.errorBound.allSatisfy { $0.allSatisfy { "0123456789/-".contains($0) } })
    }

    @Test func boxWithSpaceSeparatedNegativeValueAndHumanSummary() throws {
        let result = try Climep.run(["linearize", model, "--box", "-3/2:3/2", "--pieces", "6"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("logit 0"))
        #expect(result.stdout.contains("tanh"))
    }

    @Test func maxErrorFindsFewestPiecesOrExitsOne() throws {
        let found = try Climep.run(["linearize", model, "--box=-1:1", "--max-error", "0.05", "--json"])
        #expect(found.status == 0, "\(found.stderr)")
        let summary = try JSONDecoder().decode(Summary.self, from: Data(found.stdout.utf8))
        #expect(summary.met)
        let capped = try Climep.run(["linearize", model, "--box=-1:1", "--max-error", "1e-12", "--max-pieces", "4", "--json"])
        #expect(capped.status == 1)
        #expect(capped.stderr.contains("best certified bound"))
    }

    @Test func predictEvaluatesTheLinearizedNetwork() throws {
        let points = try Climep.temporaryFile("x0,x1\n0.5,0.25\n-1,1\n")
        let g = try Climep.run(["predict", model, "--input", points, "--box=-3/2:3/2", "--pieces", "3", "--exact"])
        #expect(g.status == 0, "\(g.stderr)")
        #expect(g.stdout.split(separator: "\n").count == 3)
        let f = try Climep.run(["predict", model, "--input", points])
        #expect(f.stdout != g.stdout)
    }

    @Test func badLinearizeInput() throws {
        let cases: [([String], String)] = [
            (["linearize", model, "--box=1:0", "--pieces", "8"], "interval 1 of the box is empty"),
            (["linearize", model, "--box=0:1,0:1,0:1", "--pieces", "8"], "3 intervals but the model has 2 inputs"),
            (["linearize", model, "--box=0:1", "--pieces", "2"], "at least 3 pieces"),
            (["linearize", model, "--box=0:nan", "--pieces", "8"], "not finite"),
            (["linearize", model, "--box=0:1"], "exactly one of --pieces N and --max-error E"),
            (["linearize", model, "--box=0:1", "--pieces", "8", "--max-error", "0.1"], "exactly one of"),
            (["linearize", model, "--pieces", "8"], "needs an input box"),
            (["linearize", model, "--box=0:1", "--max-error", "-1"], "must be positive"),
            (["linearize", model, "--box=0:1", "--pieces", "100000000"], "more than the limit"),
            (["linearize", model, "--box=0:1", "--pieces", "8", "--splits", "-1"], "--splits"),
            (["predict", model, "--input", "x.csv", "--pieces", "4"], "needs both --box"),
        ]
        for (arguments, words) in cases {
            let result = try Climep.run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
            #expect(result.stderr.contains(words), "\(result.stderr) should say \(words)")
            #expect(result.stdout.isEmpty)
        }
    }
}
