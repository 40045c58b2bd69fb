import ExactArithmetic

/// A VNN-LIB property read exactly: a list of cases, each an input box and a
/// conjunction of linear constraints on the outputs. The property is
/// *violated* when some case has an input in its box whose outputs satisfy
/// all of its constraints; it *holds* when no case has one.
///
/// Every assertion is multiplied out into this disjunctive form: `and`s of
/// `or`s become one case per combination (at most
/// `InputLimits.maximumPropertyCases`). Within a case, a comparison of one
/// input with a constant is a bound of the box (several intersect); a
/// comparison of linear expressions in the outputs `Y_j` (sums, differences,
/// constant multiples, `=` as two) is a constraint. Anything else — an input
/// compared with another variable, inputs and outputs mixed, `not`, other
/// symbols — is an error naming the expression.
public struct VNNLIBProperty: Hashable, Sendable {
    /// `Σ coefficients[k].1 · Y_{coefficients[k].0} ≤ bound` (`<` when `strict`).
    public struct OutputConstraint: Hashable, Sendable {
        /// Non-zero coefficients by strictly increasing output index.
        public let coefficients: [(output: Int, value: Rational)]
        public let bound: Rational
        public let strict: Bool

        /// The constraint; throws unless the indices increase strictly and every coefficient is non-zero.
        public init(coefficients: [(output: Int, value: Rational)], bound: Rational, strict: Bool) throws(InputError) {
            for k in coefficients.indices {
                guard coefficients[k].output >= 0, !coefficients[k].value.isZero,
                      k == 0 || coefficients[k - 1].output < coefficients[k].output else {
                    throw InputError("an output constraint's coefficients must be non-zero, by strictly increasing output index")
                }
            }
            self.coefficients = coefficients
            self.bound = bound
            self.strict = strict
        }

        /// `Σ a_j y_j − bound`: the constraint holds when this is ≤ 0 (< 0 if strict).
        public func slack(_ y: [Rational]) -> Rational {
            coefficients.reduce(-bound) { $0 + $1.value * y[$1.output] }
        }

        public static func == (a: Self, b: Self) -> Bool {
            a.bound == b.bound && a.strict == b.strict && a.coefficients.count == b.coefficients.count
                && zip(a.coefficients, b.coefficients).allSatisfy { $0.output == $1.output && $0.value == $1.value }
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(bound)
            for (j, a) in coefficients { hasher.combine(j); hasher.combine(a) }
        }
    }

    /// One way of violating the property.
    public struct Case: Hashable, Sendable {
        public let box: InputBox
        /// All must hold at once for a violation (none: every input of the box violates).
        public let constraints: [OutputConstraint]

        public init(box: InputBox, constraints: [OutputConstraint]) {
            self.box = box
            self.constraints = constraints
        }
    }

    /// Number of inputs declared (`X_0 … X_{n−1}`).
    public let inputCount: Int
    /// Number of outputs declared (`Y_0 … Y_{m−1}`).
    public let outputCount: Int
    /// The cases, in the order the assertions list them.
    public let cases: [Case]

    /// The property with these parts; throws when a case's box or constraint
    /// does not fit the declared counts.
    public init(inputCount: Int, outputCount: Int, cases: [Case]) throws(InputError) {
        for (k, c) in cases.enumerated() {
            guard c.box.dimension == inputCount else { throw InputError("case \(k + 1) of the property has a box of \(c.box.dimension) inputs, not \(inputCount)") }
            for constraint in c.constraints {
                if let j = constraint.coefficients.last?.output, j >= outputCount {
                    throw InputError("case \(k + 1) of the property constrains Y_\(j), but only \(outputCount) outputs are declared")
                }
            }
        }
        self.inputCount = inputCount
        self.outputCount = outputCount
        self.cases = cases
    }

    /// Reads a property. `source` names the text in errors.
    public init(vnnlib text: String, source: String = "VNN-LIB file") throws(InputError) {
        var reader = PropertyReader(source: source)
        var parser = SExpressionParser(text: text, source: source)
        for form in try parser.parseAll() { try reader.read(form) }
        self = try reader.property()
    }

    /// Reads the property of a VNN-LIB file.
    public init(vnnlibFile path: String) throws(InputError) {
        let text = try readTextFile(path, what: "VNN-LIB file", limit: InputLimits.maximumVNNLIBBytes)
        try self.init(vnnlib: text, source: path)
    }
}

/// A linear expression `Σ a_v v + c` over the inputs and outputs.
private struct LinearExpression {
    var inputs: [Int: Rational] = [:]
    var outputs: [Int: Rational] = [:]
    var constant = Rational.zero

    static func + (a: Self, b: Self) -> Self {
        var s = a
        for (i, v) in b.inputs { s.inputs[i, default: .zero] += v }
        for (j, v) in b.outputs { s.outputs[j, default: .zero] += v }
        s.constant += b.constant
        return s.droppingZeros()
    }

    func scaled(_ c: Rational) -> Self {
        LinearExpression(inputs: inputs.mapValues { $0 * c }, outputs: outputs.mapValues { $0 * c }, constant: constant * c).droppingZeros()
    }

    func droppingZeros() -> Self {
        LinearExpression(inputs: inputs.filter { !$0.value.isZero }, outputs: outputs.filter { !$0.value.isZero }, constant: constant)
    }

    var isConstant: Bool { inputs.isEmpty && outputs.isEmpty }
}

/// One comparison `expression ≤ 0` (`< 0` when strict), and the text it came from.
private struct Atom {
    var expression: LinearExpression
    var strict: Bool
    var text: SExpression
}

/// Reads the forms of a VNN-LIB file one by one into declarations and a
/// disjunctive normal form of the assertions.
private struct PropertyReader {
    let source: String
    var inputCount = 0
    var outputCount = 0
    /// The conjunction of all assertions so far, as a disjunction of cases.
    var cases: [[Atom]] = [[]]

    init(source: String) { self.source = source }

    func error(_ message: String) -> InputError { InputError("\(source): \(message)") }

    /// `X_i` or `Y_j` and its index; an index beyond `InputLimits.maximumInputs`
    /// (or too long for an integer) is an error, so nothing derived from it overflows.
    func variable(_ e: SExpression) throws(InputError) -> (isInput: Bool, index: Int)? {
        guard case .atom(let name) = e, name.hasPrefix("X_") || name.hasPrefix("Y_") else { return nil }
        let digits = name.dropFirst(2)
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        let isInput = name.hasPrefix("X_")
        let limit = isInput ? InputLimits.maximumInputs : InputLimits.maximumNeuronsPerLayer
        guard let i = Int(digits), i < limit else {
            throw error(InputLimits.exceeds(isInput ? "input index" : "output index", digits.prefix(40), limit - 1))
        }
        return (isInput, i)
    }

    mutating func read(_ form: SExpression) throws(InputError) {
        guard case .list(let items) = form, case .atom(let head)? = items.first else {
            throw error("expected a declaration or an assertion, found \(form)")
        }
        switch head {
        case "declare-const":
            guard items.count == 3, let (isInput, i) = try variable(items[1]) else {
                throw error("only inputs X_i and outputs Y_j can be declared: \(form)")
            }
            guard case .atom("Real") = items[2] else { throw error("\(items[1]) must be declared Real: \(form)") }
            if isInput { inputCount = max(inputCount, i + 1) } else { outputCount = max(outputCount, i + 1) }
        case "set-info", "set-logic", "set-option", "check-sat", "get-model", "exit":
            return // say nothing about the property
        case "assert":
            guard items.count == 2 else { throw error("an assertion takes one formula: \(form)") }
            cases = try conjunction(cases, try normalForm(items[1], depth: 0))
        default:
            throw error("unsupported command '\(head)'")
        }
    }

    /// Every combination of a case of `a` with a case of `b`.
    func conjunction(_ a: [[Atom]], _ b: [[Atom]]) throws(InputError) -> [[Atom]] {
        guard a.count.multipliedReportingOverflow(by: b.count).partialValue <= InputLimits.maximumPropertyCases,
              a.count <= InputLimits.maximumPropertyCases, b.count <= InputLimits.maximumPropertyCases else {
            throw error(InputLimits.exceeds("the number of cases (\(a.count) × \(b.count))", "", InputLimits.maximumPropertyCases))
        }
        var out: [[Atom]] = []
        out.reserveCapacity(a.count * b.count)
        for x in a { for y in b { out.append(x + y) } }
        return out
    }

    /// The formula as a disjunction of conjunctions of atoms.
    func normalForm(_ e: SExpression, depth: Int) throws(InputError) -> [[Atom]] {
        guard case .list(let items) = e, case .atom(let head)? = items.first else {
            throw error("cannot read the formula \(e)")
        }
        switch head {
        case "and":
            var out: [[Atom]] = [[]]
            for item in items.dropFirst() { out = try conjunction(out, try normalForm(item, depth: depth + 1)) }
            return out
        case "or":
            guard items.count > 1 else { throw error("an empty disjunction: \(e)") }
            var out: [[Atom]] = []
            for item in items.dropFirst() {
                out += try normalForm(item, depth: depth + 1)
                guard out.count <= InputLimits.maximumPropertyCases else {
                    throw error(InputLimits.exceeds("the number of cases", out.count, InputLimits.maximumPropertyCases))
                }
            }
            return out
        case "<=", ">=", "<", ">", "=":
            guard items.count == 3 else { throw error("comparison \(e) needs two operands") }
            let left = try expression(items[1]), right = try expression(items[2])
            let lessSide = head.hasPrefix("<") || head == "=" ? left + right.scaled(-1) : right + left.scaled(-1)
            var atoms = [Atom(expression: lessSide, strict: head.count == 1 && head != "=", text: e)]
            if head == "=" { atoms.append(Atom(expression: lessSide.scaled(-1), strict: false, text: e)) }
            return [atoms]
        default:
            throw error("unsupported formula '\(head)' in \(e)")
        }
    }

    /// A linear expression: a number, `X_i`, `Y_j`, `(+ …)`, `(- …)`, or `(* …)` with at most one non-constant factor.
    func expression(_ e: SExpression) throws(InputError) -> LinearExpression {
        switch e {
        case .atom(let text):
            if let (isInput, i) = try variable(e) {
                return isInput ? LinearExpression(inputs: [i: 1]) : LinearExpression(outputs: [i: 1])
            }
            guard let first = text.first, first.isNumber || first == "-" || first == "+" || first == "." else {
                throw error("unknown symbol '\(text.prefix(40))'")
            }
            do { return LinearExpression(constant: try Rational(parsing: text)) } catch { throw self.error("\(error)") }
        case .list(let items):
            guard case .atom(let op)? = items.first, items.count >= 2 else { throw error("cannot read the expression \(e)") }
            let operands = try items.dropFirst().map { (item) throws(InputError) in try expression(item) }
            switch op {
            case "+":
                return operands.dropFirst().reduce(operands[0], +)
            case "-":
                if operands.count == 1 { return operands[0].scaled(-1) }
                return operands.dropFirst().reduce(operands[0]) { $0 + $1.scaled(-1) }
            case "*":
                var product = LinearExpression(constant: 1)
                for factor in operands {
                    if factor.isConstant { product = product.scaled(factor.constant) }
                    else if product.isConstant { product = factor.scaled(product.constant) }
                    else { throw error("\(e) is not linear") }
                }
                return product
            default:
                throw error("unsupported operation '\(op)' in \(e)")
            }
        }
    }

    /// The cases with their boxes and constraints, checked against the declarations.
    func property() throws(InputError) -> VNNLIBProperty {
        guard inputCount > 0 else { throw error("declares no inputs X_0, X_1, …") }
        var out: [VNNLIBProperty.Case] = []
        for atoms in cases {
            var lower: [Int: Rational] = [:], upper: [Int: Rational] = [:]
            var constraints: [VNNLIBProperty.OutputConstraint] = []
            for atom in atoms {
                let x = atom.expression
                if x.outputs.isEmpty {
                    guard x.inputs.count == 1, let (i, a) = x.inputs.first else {
                        throw error(x.inputs.isEmpty ? "\(atom.text) compares constants" : "\(atom.text) is not a bound of one input by a constant")
                    }
                    // a·x_i + c ≤ 0: an upper bound −c/a when a > 0, else a lower one. Strict bounds are read as their closure.
                    let value = -x.constant / a
                    if a.sign > 0 { upper[i] = upper[i].map { min($0, value) } ?? value }
                    else { lower[i] = lower[i].map { max($0, value) } ?? value }
                } else {
                    guard x.inputs.isEmpty else { throw error("\(atom.text) mixes inputs and outputs") }
                    let coefficients = x.outputs.sorted { $0.key < $1.key }.map { (output: $0.key, value: $0.value) }
                    constraints.append(try VNNLIBProperty.OutputConstraint(coefficients: coefficients, bound: -x.constant, strict: atom.strict))
                }
            }
            if let extra = (Array(lower.keys) + Array(upper.keys)).first(where: { $0 >= inputCount }) {
                throw error("X_\(extra) is bounded but not declared")
            }
            if let j = constraints.compactMap(\.coefficients.last?.output).max(), j >= outputCount {
                throw error("Y_\(j) is constrained but not declared")
            }
            var lows: [Rational] = [], highs: [Rational] = []
            for i in 0..<inputCount {
                guard let l = lower[i] else { throw error("X_\(i) has no lower bound") }
                guard let u = upper[i] else { throw error("X_\(i) has no upper bound") }
                lows.append(l)
                highs.append(u)
            }
            let box: InputBox
            do { box = try InputBox(lower: lows, upper: highs) } catch { throw self.error(error.message) }
            out.append(VNNLIBProperty.Case(box: box, constraints: constraints))
        }
        return try VNNLIBProperty(inputCount: inputCount, outputCount: outputCount, cases: out)
    }
}
