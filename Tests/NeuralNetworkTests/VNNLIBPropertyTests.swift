import ExactArithmetic
import NeuralNetwork
import Testing

@Suite struct VNNLIBPropertyTests {
    let header = "(declare-const X_0 Real)\n(declare-const Y_0 Real)\n(declare-const Y_1 Real)\n(declare-const Y_2 Real)\n(assert (>= X_0 -1))\n(assert (<= X_0 1))\n"

    @Test func topLevelAssertionsAreOneCase() throws {
        let p = try VNNLIBProperty(vnnlib: header + "(assert (<= Y_1 Y_0))\n(assert (>= Y_2 3.5))\n")
        #expect(p.inputCount == 1 && p.outputCount == 3 && p.cases.count == 1)
        let c = p.cases[0].constraints
        // Y_1 − Y_0 ≤ 0 and −Y_2 ≤ −3.5, coefficients by increasing output.
        #expect(c.count == 2)
        #expect(c[0].coefficients.map(\.output) == [0, 1] && c[0].coefficients.map(\.value) == [-1, 1] && c[0].bound == 0)
        #expect(c[1].coefficients.map(\.output) == [2] && c[1].coefficients.map(\.value) == [-1] && c[1].bound == Rational(-7, 2))
        #expect(!c[0].strict)
    }

    @Test func disjunctionsMultiplyOut() throws {
        let p = try VNNLIBProperty(vnnlib: header + "(assert (or (and (>= Y_0 Y_1)) (and (>= Y_0 Y_2))))\n(assert (or (<= Y_0 1) (and (< Y_1 2) (= Y_2 0))))\n")
        // 2 × 2 cases, in order; `=` is two constraints; `<` is strict.
        #expect(p.cases.map(\.constraints.count) == [2, 4, 2, 4])
        // Case 1 is Y_0 ≥ Y_1 with Y_1 < 2 and Y_2 = 0 (as Y_2 ≤ 0 and −Y_2 ≤ 0).
        let c = p.cases[1].constraints
        #expect(!c[0].strict && c[1].strict && !c[2].strict)
        #expect(c[1].bound == 2 && c[2].coefficients.map(\.value) == [1] && c[3].coefficients.map(\.value) == [-1] && c[3].bound == 0)
    }

    @Test func linearExpressionsAreReadExactly() throws {
        let p = try VNNLIBProperty(vnnlib: header + "(assert (<= (+ Y_0 (* 2 Y_1) (- Y_2) 1/3) (* 0.5 (- Y_0 1))))\n")
        // Y_0 + 2Y_1 − Y_2 + 1/3 − (Y_0/2 − 1/2) ≤ 0.
        let c = p.cases[0].constraints[0]
        #expect(c.coefficients.map(\.output) == [0, 1, 2])
        #expect(c.coefficients.map(\.value) == [Rational(1, 2), 2, -1])
        #expect(c.bound == Rational(-5, 6))
    }

    @Test func casesWithTheirOwnBoxes() throws {
        let p = try VNNLIBProperty(vnnlib: "(declare-const X_0 Real)\n(declare-const Y_0 Real)\n(assert (or (and (>= X_0 0) (<= X_0 1) (>= Y_0 1)) (and (>= X_0 2) (<= X_0 3) (<= Y_0 0))))\n")
        #expect(p.cases.map(\.box.lower) == [[0], [2]])
        #expect(throws: InputError.self) { try InputBox(vnnlib: "(declare-const X_0 Real)\n(declare-const Y_0 Real)\n(assert (or (and (>= X_0 0) (<= X_0 1) (>= Y_0 1)) (and (>= X_0 2) (<= X_0 3) (<= Y_0 0))))\n") }
    }

    @Test(arguments: [
        ("(assert (>= (* Y_0 Y_1) 1))", "not linear"),
        ("(assert (>= Y_0 X_0))", "mixes inputs and outputs"),
        ("(assert (>= Y_7 1))", "Y_7 is constrained but not declared"),
        ("(assert (=> (>= Y_0 1) (>= Y_1 1)))", "unsupported formula '=>'"),
        ("(assert (>= (exp Y_0) 1))", "unsupported operation 'exp'"),
        ("(assert (<= 1 2))", "compares constants"),
        ("(define-fun f () Real 1)", "unsupported command 'define-fun'"),
    ])
    func refuses(text: String, words: String) {
        #expect { try VNNLIBProperty(vnnlib: header + text, source: "p.vnnlib") } throws: { error in
            (error as? InputError)?.message.contains(words) == true
        }
    }

    @Test func anExplodingDisjunctionIsRefusedBeforeItIsBuilt() {
        // 20 assertions of 2 cases each would be 2^20 cases.
        let text = header + String(repeating: "(assert (or (>= Y_0 1) (<= Y_1 0)))\n", count: 20)
        #expect { try VNNLIBProperty(vnnlib: text, source: "p.vnnlib") } throws: { error in
            (error as? InputError)?.message.contains("exceeds the supported 100,000") == true
        }
    }
}
