import ExactArithmetic
import Foundation
@testable import NeuralNetwork
import Testing

/// The multi-node activations (SiLU as Mul(x, Sigmoid(x)), torch's GELU Erf
/// chain and its node-by-node tanh GELU) and the single-node ones added with them (Gelu, HardSigmoid), on
/// small synthetic graphs: every spelling that means the activation loads as
/// it, every broken one is refused in one line naming the node.
@Suite struct ActivationPatternTests {
    typealias G = SyntheticONNX

    static func stringAttribute(_ node: Onnx_NodeProto, _ name: String, _ value: String) -> Onnx_NodeProto {
        var node = node
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .string
        a.s = Data(value.utf8)
        node.attribute.append(a)
        return node
    }

    static func floatAttribute(_ node: Onnx_NodeProto, _ name: String, _ value: Float) -> Onnx_NodeProto {
        var node = node
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .float
        a.f = value
        node.attribute.append(a)
        return node
    }

    /// `x → Gemm → z → (activation nodes) → a → Gemm → y`.
    static func model(_ activation: [Onnx_NodeProto], extra: [Onnx_TensorProto] = [], opset: Int64 = 17) -> Data {
        let (g1, t1) = G.gemm("x", "z", inputs: 2, outputs: 3, prefix: "fc1")
        let (g2, t2) = G.gemm("a", "y", inputs: 3, outputs: 2, prefix: "fc2")
        return G.model([g1] + activation + [g2], initializers: t1 + t2 + extra, opset: opset)
    }

    @Test func siluLoadsInEitherOperandOrder() throws {
        for inputs in [["z", "s"], ["s", "z"]] {
            let network = try G.load(Self.model([G.node("Sigmoid", ["z"], ["s"]), G.node("Mul", inputs, ["a"], name: "m")]))
            #expect(network.layers.map(\.activation) == [.silu, .identity])
        }
    }

    @Test func aMulBySomeOtherSigmoidIsRefused() {
        // Mul(z, Sigmoid(w)) with w = 2z: the Sigmoid reads another value.
        expectInputError(["'m'", "Sigmoid of 'w'", "Mul(x, Sigmoid(x))"]) { () throws(InputError) in
            try G.load(Self.model([G.node("Mul", ["z", "two"], ["w"]), G.node("Sigmoid", ["w"], ["s"]), G.node("Mul", ["z", "s"], ["a"], name: "m")],
                                  extra: [G.tensor("two", [], [2])]))
        }
        // The Sigmoid's output also feeds the next layer: not SiLU.
        expectInputError(["'sig'", "used by 2 nodes"]) { () throws(InputError) in
            try G.load(Self.model([G.node("Sigmoid", ["z"], ["s"], name: "sig"), G.node("Mul", ["z", "s"], ["m"]), G.node("Add", ["m", "s"], ["a"])]))
        }
    }

    static let root2: Float = Float(2).squareRoot()

    static func geluChain(divide: String = "Div", constant: Float = root2, one: Float = 1, order: Bool = true) -> [Onnx_NodeProto] {
        [G.node(divide, ["z", "c"], ["d"], name: "div"), G.node("Erf", ["d"], ["e"], name: "erf"),
         G.node("Add", order ? ["e", "one"] : ["one", "e"], ["p"], name: "add"),
         G.node("Mul", order ? ["z", "p"] : ["p", "z"], ["q"], name: "mul"), G.node("Mul", ["q", "half"], ["a"], name: "half")]
    }

    static func chainConstants(_ c: Float = root2, one: Float = 1) -> [Onnx_TensorProto] {
        [G.tensor("c", [], [c]), G.tensor("one", [], [one]), G.tensor("half", [], [0.5])]
    }

    @Test func torchsGeluChainLoadsWithItsExactDivisor() throws {
        for order in [true, false] {
            let network = try G.load(Self.model(Self.geluChain(order: order), extra: Self.chainConstants()))
            #expect(network.layers.map(\.activation) == [.gelu(divisor: Rational(exactly: Self.root2)!), .identity])
            // ×2 from the chain and the Mul(0.5) cancel: layer 2 has the file's weights.
            #expect(network.layers[1].weights.entries == G.tensor("fc2.w", [2, 3]).floatData.map { Rational(exactly: $0)! })
        }
        // Mul by 1/c is the same GELU with divisor c.
        let byProduct = try G.load(Self.model(Self.geluChain(divide: "Mul", constant: 0.5), extra: Self.chainConstants(0.5)))
        #expect(byProduct.layers[0].activation == .gelu(divisor: 2))
    }

    @Test func brokenGeluChainsAreRefused() {
        expectInputError(["'add'", "does not add 1"]) { () throws(InputError) in
            try G.load(Self.model(Self.geluChain(), extra: Self.chainConstants(one: 2)))
        }
        expectInputError(["'div'", "positive constant"]) { () throws(InputError) in
            try G.load(Self.model(Self.geluChain(), extra: Self.chainConstants(-1)))
        }
    }

    @Test func geluNodes() throws {
        let exact = try G.load(Self.model([Self.stringAttribute(G.node("Gelu", ["z"], ["a"]), "approximate", "none")], opset: 20))
        #expect(exact.layers[0].activation == .gelu(divisor: nil))
        #expect(try G.load(Self.model([G.node("Gelu", ["z"], ["a"])], opset: 20)).layers[0].activation == .gelu(divisor: nil))
        let approximate = try G.load(Self.model([Self.stringAttribute(G.node("Gelu", ["z"], ["a"]), "approximate", "tanh")], opset: 20))
        #expect(approximate.layers[0].activation == .geluTanh(constants: nil))
        expectInputError(["'g'", "approximate=\"fast\""]) { () throws(InputError) in
            try G.load(Self.model([Self.stringAttribute(G.node("Gelu", ["z"], ["a"], name: "g"), "approximate", "fast")], opset: 20))
        }
    }

    /// HardSigmoid = hard-tanh on [0, 1] after αz + β, recounted at points
    /// from the definition max(0, min(1, αz + β)) with the file's floats.
    @Test func hardSigmoidIsExact() throws {
        for (alpha, beta) in [(Float(0.2), Float(0.5)), (Float(1) / 6, 0.5), (-0.75, 0.125)] {
            var node = Self.floatAttribute(G.node("HardSigmoid", ["z"], ["a"]), "alpha", alpha)
            node = Self.floatAttribute(node, "beta", beta)
            let network = try G.load(Self.model([node]))
            #expect(network.isPiecewiseLinear)
            func values(_ name: String, _ dims: [Int]) -> [Rational] { G.tensor(name, dims).floatData.map { Rational(exactly: $0)! } }
            let (w1, b1, w2, b2) = (values("fc1.w", [3, 2]), values("fc1.b", [3]), values("fc2.w", [2, 3]), values("fc2.b", [2]))
            let (a, b) = (Rational(exactly: alpha)!, Rational(exactly: beta)!)
            for x in [[Rational(1, 3), -2], [5, Rational(7, 8)], [-9, 4], [0, 0]] {
                let hidden = (0..<3).map { i in min(max(a * (w1[2 * i] * x[0] + w1[2 * i + 1] * x[1] + b1[i]) + b, 0), 1) }
                let expected = (0..<2).map { k in (0..<3).reduce(b2[k]) { $0 + w2[3 * k + $1] * hidden[$1] } }
                #expect(network.exactLogits(x) == expected, "α \(alpha) β \(beta) at \(x)")
            }
        }
        // ONNX's defaults α = 0.2, β = 0.5 (as float32).
        let defaults = try G.load(Self.model([G.node("HardSigmoid", ["z"], ["a"])]))
        #expect(defaults.layers[0].bias.count == 3)
    }

    /// torch's thresholded Softplus loads as softplus with a bias radius on
    /// the next layer; swapped branches (softplus above the threshold) or a
    /// computed threshold are refused naming the node.
    @Test func softplusThresholdPattern() throws {
        func threshold(_ whereInputs: [String], name: String = "w") -> [Onnx_NodeProto] {
            [G.node("Softplus", ["z"], ["s"], name: "sp"), G.node("Greater", ["z", "t"], ["c"], name: "gt"),
             G.node("Where", whereInputs, ["a"], name: name)]
        }
        let network = try G.load(Self.model(threshold(["c", "z", "s"]), extra: [G.tensor("t", [], [20])]))
        #expect(network.layers.map(\.activation) == [.softplus, .identity])
        let radius = try #require(network.layers[1].biasRadius)
        let rows = G.tensor("fc2.w", [2, 3]).floatData.map { Double(abs($0)) }
        for i in 0..<2 {
            let expected = (rows[3 * i] + rows[3 * i + 1] + rows[3 * i + 2]) * Foundation.log1p(Foundation.exp(-20))
            #expect(radius[i].nearestDouble >= expected && radius[i].nearestDouble <= expected * (1 + 1e-12))
        }
        expectInputError(["'w'", "does not select 'z'"]) { () throws(InputError) in
            try G.load(Self.model(threshold(["c", "s", "z"]), extra: [G.tensor("t", [], [20])]))
        }
        // A threshold of −5 is still rigorous, only wider: log(1 + e^5) ≈ 5.0067.
        let low = try G.load(Self.model(threshold(["c", "z", "s"]), extra: [G.tensor("t", [], [-5])]))
        let w = G.tensor("fc2.w", [2, 3]).floatData.map { Double(abs($0)) }
        #expect(Swift.abs(try #require(low.layers[1].biasRadius)[0].nearestDouble - (w[0] + w[1] + w[2]) * Foundation.log1p(Foundation.exp(5))) < 1e-9)
    }

    /// torch's float32 constants of the tanh GELU.
    static let c32 = Float((2 / Double.pi).squareRoot()), k32 = Float(0.044715)

    /// torch's node-by-node tanh GELU, legacy spelling (`Mul(x, x)`, …,
    /// `Mul(x, 1 + tanh)` = 2f, then `Mul(0.5)`), with the binary operands in
    /// the order given; `overrides` replaces a node by name.
    static func legacyChain(swapped: Bool = false, overrides: [String: Onnx_NodeProto] = [:]) -> [Onnx_NodeProto] {
        func o(_ a: String, _ b: String) -> [String] { swapped ? [b, a] : [a, b] }
        let nodes = [G.node("Mul", ["z", "z"], ["sq"], name: "sq"), G.node("Mul", o("z", "sq"), ["cube"], name: "cube"),
                     G.node("Mul", o("k", "cube"), ["kc"], name: "kc"), G.node("Add", o("z", "kc"), ["s"], name: "s"),
                     G.node("Mul", o("c", "s"), ["u"], name: "u"), G.node("Tanh", ["u"], ["t"], name: "t"),
                     G.node("Add", o("one", "t"), ["p"], name: "p"), G.node("Mul", o("z", "p"), ["m"], name: "m"),
                     G.node("Mul", o("half", "m"), ["a"], name: "h")]
        return nodes.map { overrides[$0.name] ?? $0 }
    }

    /// The dynamo spelling: `Pow(x, 3)`, …, `Mul(0.5, 1 + tanh)`, `Mul(x, ·)` = f.
    static func dynamoChain(swapped: Bool = false, overrides: [String: Onnx_NodeProto] = [:]) -> [Onnx_NodeProto] {
        func o(_ a: String, _ b: String) -> [String] { swapped ? [b, a] : [a, b] }
        let nodes = [G.node("Pow", ["z", "three"], ["cube"], name: "pow"), G.node("Mul", o("k", "cube"), ["kc"], name: "kc"),
                     G.node("Add", o("z", "kc"), ["s"], name: "s"), G.node("Mul", o("c", "s"), ["u"], name: "u"),
                     G.node("Tanh", ["u"], ["t"], name: "t"), G.node("Add", o("t", "one"), ["p"], name: "p"),
                     G.node("Mul", o("half", "p"), ["h"], name: "h"), G.node("Mul", o("z", "h"), ["a"], name: "m")]
        return nodes.map { overrides[$0.name] ?? $0 }
    }

    static let chainConstants = [G.tensor("k", [], [k32]), G.tensor("c", [], [c32]), G.tensor("one", [], [1]),
                                 G.tensor("half", [], [0.5]), G.tensor("three", [], [3])]

    /// Both spellings, in either operand order, load as gelu-tanh with the
    /// file's float32 constants exactly and the same layers (the legacy
    /// chain's ×2 and its Mul(0.5) cancel; dynamo's Mul(0.5) comes before Mul(x)).
    @Test func torchsTanhGELUChainsLoadWithTheFilesConstants() throws {
        let constants = try #require(GeluTanhConstants(scale: Rational(exactly: Self.c32)!, cubic: Rational(exactly: Self.k32)!))
        let reference = try G.load(Self.model([Self.stringAttribute(G.node("Gelu", ["z"], ["a"]), "approximate", "tanh")], opset: 20))
        for swapped in [false, true] {
            for chain in [Self.legacyChain(swapped: swapped), Self.dynamoChain(swapped: swapped)] {
                let network = try G.load(Self.model(chain, extra: Self.chainConstants))
                #expect(network.layers.map(\.activation) == [.geluTanh(constants: constants), .identity])
                #expect(network.layers.map(\.weights) == reference.layers.map(\.weights) && network.layers.map(\.bias) == reference.layers.map(\.bias))
            }
        }
    }

    /// A chain that is not exactly the pattern is refused naming the node.
    @Test func brokenTanhGELUChainsAreRefusedByName() {
        let extra = Self.chainConstants + [G.tensor("two", [], [2]), G.tensor("big", [], [0.1])]
        let cases: [([Onnx_NodeProto], [String])] = [
            (Self.legacyChain(overrides: ["p": G.node("Add", ["two", "t"], ["p"], name: "p")]), ["'p'", "not 1"]),
            (Self.legacyChain(overrides: ["t": G.node("Sigmoid", ["u"], ["t"], name: "t")]), ["'t'", "not Tanh"]),
            (Self.legacyChain(overrides: ["cube": G.node("Mul", ["sq", "sq"], ["cube"], name: "cube")]), ["'cube'", "not by 'z'"]),
            (Self.legacyChain(overrides: ["s": G.node("Add", ["kc", "kc"], ["s"], name: "s")]), ["'s'"]),
            (Self.legacyChain(overrides: ["kc": G.node("Mul", ["big", "cube"], ["kc"], name: "kc")]), ["'u'", "'kc'", "0.044715"]),
            (Self.dynamoChain(overrides: ["pow": G.node("Pow", ["z", "two"], ["cube"], name: "pow")]), ["'pow'", "Pow('z', 3)"]),
            (Self.dynamoChain(overrides: ["m": G.node("Mul", ["h", "h"], ["a"], name: "m")]), ["'m'", "not 'z'"]),
            // z also feeds a node outside the chain.
            (Self.dynamoChain() + [G.node("Relu", ["z"], ["r"], name: "stray")], ["'stray'", "outside its tanh-GELU chain"]),
        ]
        for (chain, words) in cases {
            expectInputError(words) { () throws(InputError) in try G.load(Self.model(chain, extra: extra)) }
        }
    }

    @Test func hardSwishIsRefusedByName() {
        expectInputError(["'hs'", "HardSwish", "piecewise quadratic"]) { () throws(InputError) in
            try G.load(Self.model([G.node("HardSwish", ["z"], ["a"], name: "hs")]))
        }
    }
}
