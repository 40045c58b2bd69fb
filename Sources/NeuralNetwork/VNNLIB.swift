import ExactArithmetic

extension InputBox {
    /// The input box of a VNN-LIB property: the bounds that its assertions
    /// put on the declared inputs `X_0 … X_{n−1}`, read exactly.
    ///
    /// Bounds may sit at top level or inside `and`, and inside an `or` with a
    /// single case (as in the VNN-COMP test properties). Several bounds on one
    /// side intersect. Strict comparisons are read as their closure. Output
    /// constraints (on `Y_j` only) are ignored: they state the property, not
    /// the box. Inputs constrained by a disjunction, by other variables, or
    /// left without a lower or upper bound are errors.
    public init(vnnlib text: String, source: String = "VNN-LIB file") throws(InputError) {
        var parser = SExpressionParser(text: text, source: source)
        let forms = try parser.parseAll()
        var inputCount = 0
        var lower: [Int: Rational] = [:], upper: [Int: Rational] = [:]

        /// The index of an input variable `X_i`; an index beyond
        /// `InputLimits.maximumInputs` (or too long for an integer) is an error,
        /// so no count derived from it can overflow or drive the work.
        func inputIndex(_ e: SExpression) throws(InputError) -> Int? {
            guard case .atom(let name) = e, name.hasPrefix("X_") else { return nil }
            let digits = name.dropFirst(2)
            guard !digits.isEmpty, digits.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
            guard let i = Int(digits), i < InputLimits.maximumInputs else {
                throw InputError("\(source): " + InputLimits.exceeds("input index", digits.prefix(40), InputLimits.maximumInputs - 1))
            }
            return i
        }
        func mentionsInput(_ e: SExpression) throws(InputError) -> Bool {
            switch e {
            case .atom: return try inputIndex(e) != nil
            case .list(let items):
                for item in items where try mentionsInput(item) { return true }
                return false
            }
        }
        func number(_ e: SExpression) throws(InputError) -> Rational? {
            switch e {
            case .atom(let text):
                guard let first = text.first, first.isNumber || first == "-" || first == "+" || first == "." else { return nil }
                do { return try Rational(parsing: text) } catch { throw InputError("\(source): \(error)") }
            case .list(let items):
                guard items.count == 2, case .atom("-") = items[0] else { return nil }
                return try number(items[1]).map { -$0 }
            }
        }
        func bound(_ index: Int, _ value: Rational, isUpper: Bool) {
            if isUpper { upper[index] = upper[index].map { min($0, value) } ?? value }
            else { lower[index] = lower[index].map { max($0, value) } ?? value }
        }
        func constrain(_ e: SExpression) throws(InputError) {
            guard case .list(let items) = e, case .atom(let head)? = items.first else {
                if try mentionsInput(e) { throw InputError("\(source): cannot read the input constraint \(e)") }
                return
            }
            switch head {
            case "and":
                for item in items.dropFirst() { try constrain(item) }
            case "or":
                let cases = Array(items.dropFirst())
                if cases.count == 1 { try constrain(cases[0]); return }
                if try mentionsInput(.list(cases)) {
                    throw InputError("\(source): the inputs are constrained by a disjunction of \(cases.count) cases, which is not a single box")
                }
            case "<=", ">=", "<", ">":
                guard try mentionsInput(e) else { return }
                guard items.count == 3 else { throw InputError("\(source): comparison \(e) needs two operands") }
                let isLess = head.hasPrefix("<")
                if let i = try inputIndex(items[1]), let c = try number(items[2]) {
                    bound(i, c, isUpper: isLess)
                } else if let c = try number(items[1]), let i = try inputIndex(items[2]) {
                    bound(i, c, isUpper: !isLess)
                } else {
                    throw InputError("\(source): \(e) is not a bound of one input by a constant")
                }
            case "declare-const":
                if items.count >= 2, let i = try inputIndex(items[1]) { inputCount = max(inputCount, i + 1) }
            case "assert":
                for item in items.dropFirst() { try constrain(item) }
            default:
                if try mentionsInput(e) { throw InputError("\(source): unsupported constraint on inputs: \(e)") }
            }
        }
        for form in forms { try constrain(form) }
        guard inputCount > 0 else { throw InputError("\(source) declares no inputs X_0, X_1, …") }
        var lows: [Rational] = [], highs: [Rational] = []
        for i in 0..<inputCount {
            guard let l = lower[i] else { throw InputError("\(source): X_\(i) has no lower bound") }
            guard let u = upper[i] else { throw InputError("\(source): X_\(i) has no upper bound") }
            lows.append(l)
            highs.append(u)
        }
        if let extra = (lower.keys.map { $0 } + upper.keys.map { $0 }).first(where: { $0 >= inputCount }) {
            throw InputError("\(source): X_\(extra) is bounded but not declared")
        }
        do { try self.init(lower: lows, upper: highs) } catch { throw InputError("\(source): \(error.message)") }
    }

    /// Reads the input box of a VNN-LIB file.
    public init(vnnlibFile path: String) throws(InputError) {
        let text = try readTextFile(path, what: "VNN-LIB file", limit: InputLimits.maximumVNNLIBBytes)
        try self.init(vnnlib: text, source: path)
    }
}

/// An S-expression: an atom or a parenthesised list.
enum SExpression: CustomStringConvertible {
    case atom(String)
    case list([SExpression])

    var description: String {
        switch self {
        case .atom(let s): s
        case .list(let items): "(" + items.map(\.description).joined(separator: " ") + ")"
        }
    }
}

/// A small SMT-LIB reader: comments from `;` to the end of the line, atoms
/// separated by white space and parentheses, nesting bounded.
struct SExpressionParser {
    let bytes: [UInt8]
    let source: String
    var position = 0
    var line = 1

    init(text: String, source: String) {
        bytes = Array(text.utf8)
        self.source = source
    }

    mutating func parseAll() throws(InputError) -> [SExpression] {
        var forms: [SExpression] = []
        while let form = try parse(depth: 0) { forms.append(form) }
        return forms
    }

    private mutating func skipSpaceAndComments() {
        while position < bytes.count {
            let c = bytes[position]
            if c == UInt8(ascii: ";") {
                while position < bytes.count && bytes[position] != UInt8(ascii: "\n") { position += 1 }
            } else if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") || c == UInt8(ascii: "\n") {
                if c == UInt8(ascii: "\n") { line += 1 }
                position += 1
            } else {
                return
            }
        }
    }

    private mutating func parse(depth: Int) throws(InputError) -> SExpression? {
        skipSpaceAndComments()
        guard position < bytes.count else { return nil }
        guard depth < InputLimits.maximumVNNLIBDepth else { throw InputError("\(source), line \(line): nesting deeper than \(InputLimits.maximumVNNLIBDepth)") }
        switch bytes[position] {
        case UInt8(ascii: "("):
            let openLine = line
            position += 1
            var items: [SExpression] = []
            while true {
                skipSpaceAndComments()
                guard position < bytes.count else { throw InputError("\(source): '(' on line \(openLine) is never closed") }
                if bytes[position] == UInt8(ascii: ")") { position += 1; return .list(items) }
                guard let item = try parse(depth: depth + 1) else { throw InputError("\(source): '(' on line \(openLine) is never closed") }
                items.append(item)
            }
        case UInt8(ascii: ")"):
            throw InputError("\(source), line \(line): unexpected ')'")
        default:
            let start = position
            while position < bytes.count {
                let c = bytes[position]
                if c == UInt8(ascii: "(") || c == UInt8(ascii: ")") || c == UInt8(ascii: " ") || c == UInt8(ascii: "\t")
                    || c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") || c == UInt8(ascii: ";") { break }
                position += 1
            }
            return .atom(String(decoding: bytes[start..<position], as: UTF8.self))
        }
    }
}
