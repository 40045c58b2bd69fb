import ExactArithmetic
import Foundation
import NeuralNetwork
import Testing

@Suite struct InputBoxTests {
    @Test func parsesUniformAndPerInputBoxes() throws {
        let uniform = try InputBox(parsing: "-3/2:3/2", dimension: 3)
        #expect(uniform.lower == Array(repeating: Rational(-3, 2), count: 3))
        #expect(uniform.upper == Array(repeating: Rational(3, 2), count: 3))
        let each = try InputBox(parsing: "-1.5:2e-3, 0:1", dimension: 2)
        #expect(each.upper == [Rational(1, 500), 1])
        #expect(try InputBox(parsing: each.text, dimension: 2) == each)
        #expect(try InputBox(parsing: "1:1", dimension: 1).lower == [1])  // a point is a valid (degenerate) box
    }

    @Test(arguments: [
        ("1:0", 2, "interval 1 of the box is empty: 1 > 0"),
        ("0:1,2:1", 2, "interval 2 of the box is empty"),
        ("0:1,0:1,0:1", 2, "3 intervals but the model has 2 inputs"),
        ("0:1", 0, "no intervals"),
        ("0-1", 2, "is not LO:HI"),
        ("0:inf", 2, "not finite"),
        ("nan:1", 2, "not finite"),
        ("", 2, "is not LO:HI"),
        ("0:1:2", 2, "is not LO:HI"),
    ])
    func rejects(text: String, dimension: Int, words: String) {
        #expect { try InputBox(parsing: text, dimension: dimension) } throws: { error in
            (error as? InputError)?.message.contains(words) == true
        }
    }
}

@Suite struct PointSetTests {
    @Test func readsExactlyWithOptionalHeader() throws {
        let withHeader = try PointSet(csv: "x0,x1\n0.1, -3/2\n\n2e-3,4\n", dimension: 2).points
        #expect(withHeader == [[Rational(1, 10), Rational(-3, 2)], [Rational(1, 500), 4]])
        #expect(try PointSet(csv: "1,2\r\n3,4", dimension: 2).points.count == 2)
    }

    @Test(arguments: [
        ("x,y\n1,2,3\n", "line 2 has 3 values but the model takes 2 inputs"),
        ("1,2\n1,nan\n", "line 2: 'nan' is not an exact number: not finite"),
        ("1,2\n1,Infinity\n", "not finite"),
        ("x,y\n", "holds no points"),
        ("", "holds no points"),
        ("1,2\n3,\n", "line 2: '' is not an exact number"),
    ])
    func rejects(text: String, words: String) {
        #expect { try PointSet(csv: text, dimension: 2, source: "p.csv") } throws: { error in
            (error as? InputError)?.message.contains(words) == true
        }
    }
}

@Suite struct VNNLIBTests {
    @Test func readsBoundsAtTopLevelAndInsideSingleCaseDisjunctions() throws {
        let text = """
            ; comment
            (declare-const X_0 Real)
            (declare-const X_1 Real)
            (declare-const Y_0 Real)
            (assert (<= X_0 0.5))
            (assert (>= X_0 -0.5))
            (assert (<= X_0 0.25)) ; tighter bound wins
            (assert (or (and (>= X_1 (- 1)) (<= 2 X_1) (<= X_1 3) (>= Y_0 100))))
            (assert (or (and (>= Y_0 1)) (and (<= Y_0 0))))
            """
        let box = try InputBox(vnnlib: text)
        #expect(box.lower == [Rational(-1, 2), 2])
        #expect(box.upper == [Rational(1, 4), 3])
    }

    @Test(arguments: [
        ("(declare-const X_0 Real)\n(assert (<= X_0 1))", "X_0 has no lower bound"),
        ("(declare-const X_0 Real)\n(assert (or (and (<= X_0 1) (>= X_0 0)) (and (<= X_0 3) (>= X_0 2))))", "disjunction of 2 cases"),
        ("(declare-const X_0 Real)\n(declare-const X_1 Real)\n(assert (<= X_0 X_1))", "not a bound of one input by a constant"),
        ("(declare-const Y_0 Real)", "declares no inputs"),
        ("(declare-const X_0 Real)\n(assert (<= X_0 1)", "never closed"),
        ("(declare-const X_0 Real))", "unexpected ')'"),
        ("(declare-const X_0 Real)\n(assert (<= X_0 1))\n(assert (>= X_0 2))", "empty"),
        ("(declare-const X_0 Real)\n(assert (<= X_0 1e))\n(assert (>= X_0 0))", "missing exponent"),
        (String(repeating: "(", count: 300), "nesting deeper"),
    ])
    func rejects(text: String, words: String) {
        #expect { try InputBox(vnnlib: text, source: "p.vnnlib") } throws: { error in
            (error as? InputError)?.message.contains(words) == true
        }
    }
}

@Suite struct NetworkTests {
    func network(_ activation: Activation) throws -> Network {
        let w1 = RationalMatrix(rows: [[1, -1], [Rational(1, 2), 2]], columns: 2)
        let w2 = RationalMatrix(rows: [[1, 1], [-1, 1], [0, 1]], columns: 2)
        return try Network(layers: [
            try DenseLayer(weights: w1, bias: [0, -1], activation: activation),
            try DenseLayer(weights: w2, bias: [0, 0, Rational(1, 3)], activation: .identity),
        ])
    }

    @Test func exactAndFloatEvaluationAgreeOnPiecewiseLinearActivations() throws {
        for activation in [Activation.relu, .leakyReLU(slope: Rational(1, 8)), .hardTanh(lower: -1, upper: 1), .identity] {
            let net = try network(activation)
            for x in [[Rational(3), Rational(-2)], [Rational(-1, 3), Rational(1, 7)], [0, 0]] {
                let exact = try #require(net.exactLogits(x))
                let float = net.logits(x.map(\.nearestDouble))
                for (e, f) in zip(exact, float) { #expect(abs(e.nearestDouble - f) < 1e-12) }
            }
        }
        #expect(try network(.tanh).exactLogits([0, 0]) == nil)
        // Hand-computed: x = (3, −2), relu: h = (5, 0) → logits (5, −5, 1/3).
        #expect(try network(.relu).exactLogits([3, -2]) == [5, -5, Rational(1, 3)])
    }

    @Test func labelsBreakTiesToTheLowestIndexAndOneLogitIsBinary() {
        #expect(Network.label(ofLogits: [Rational(1), 3, 3]) == 1)
        #expect(Network.label(ofLogits: [2.0, 2.0]) == 0)
        #expect(Network.label(ofLogits: [Rational.zero]) == 0)
        #expect(Network.label(ofLogits: [Rational(1, 1000)]) == 1)
        #expect(Network.label(ofLogits: [-0.5]) == 0)
    }

    @Test func rejectsLayersThatDoNotChain() throws {
        let a = try DenseLayer(weights: RationalMatrix(rows: 3, columns: 2), bias: [0, 0, 0], activation: .relu)
        #expect(throws: InputError("layer 2 takes 2 inputs but layer 1 has 3 outputs")) { try Network(layers: [a, a]) }
        #expect(throws: InputError("the network has no layers")) { try Network(layers: []) }
        #expect(throws: InputError("layer has 3 outputs but 2 biases")) {
            try DenseLayer(weights: RationalMatrix(rows: 3, columns: 2), bias: [0, 0], activation: .relu)
        }
    }
}

@Suite struct InputBoxCodingTests {
    @Test func decodingChecksKeysAndBounds() throws {
        let box = try InputBox(lower: [0, Rational(-1, 2)], upper: [1, 2])
        #expect(try JSONDecoder().decode(InputBox.self, from: JSONEncoder().encode(box)) == box)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(InputBox.self, from: Data(#"{"lower": ["0"], "upper": ["1"], "uper": ["2"]}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(InputBox.self, from: Data(#"{"lower": ["1"], "upper": ["0"]}"#.utf8))
        }
    }
}
