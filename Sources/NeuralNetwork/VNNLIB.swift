import ExactArithmetic

extension InputBox {
    /// The input box of a VNN-LIB property (`VNNLIBProperty`): the box its
    /// cases share. Output constraints state the property, not the box; cases
    /// with different boxes are an error, as the inputs then do not form one box.
    public init(vnnlib text: String, source: String = "VNN-LIB file") throws(InputError) {
        let property = try VNNLIBProperty(vnnlib: text, source: source)
        guard let first = property.cases.first else { throw InputError("\(source) has no cases") }
        guard property.cases.allSatisfy({ $0.box == first.box }) else {
            throw InputError("\(source): the inputs are constrained by a disjunction of \(property.cases.count) cases, which is not a single box")
        }
        self = first.box
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
