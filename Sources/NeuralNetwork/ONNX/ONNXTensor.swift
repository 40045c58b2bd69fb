import ExactArithmetic
import Foundation

/// A constant tensor of an ONNX graph (an initializer or a `Constant` node's
/// value), its values converted exactly to rationals.
struct ONNXTensor {
    let name: String
    let dims: [Int]
    let values: [Rational]

    /// The largest tensor read: far beyond any dense classifier climep can
    /// analyse, and a guard against dims that claim absurd sizes.
    static let maximumElements = 1 << 28

    var count: Int { values.count }

    /// Element types by ONNX's `TensorProto.DataType` number.
    private static let typeNames: [Int32: String] = [
        1: "float", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64", 8: "string",
        9: "bool", 10: "float16", 11: "double", 12: "uint32", 13: "uint64", 16: "bfloat16",
    ]

    static func typeName(_ type: Int32) -> String { typeNames[type] ?? "type \(type)" }

    init(_ proto: Onnx_TensorProto, name: String) throws(InputError) {
        self.name = name
        let what = "'\(name)'"
        if proto.dataLocation == .external || !proto.externalData.isEmpty {
            let file = proto.externalData.first(where: { $0.key == "location" })?.value ?? "?"
            throw InputError("\(what) keeps its data in an external file ('\(file)'); climep reads self-contained .onnx files only")
        }
        var count = 1
        for d in proto.dims {
            guard d >= 0 else { throw InputError("\(what) has a negative dimension \(d)") }
            let (product, overflow) = count.multipliedReportingOverflow(by: Int(d))
            guard !overflow, product <= ONNXTensor.maximumElements else {
                throw InputError("\(what) has dims \(proto.dims), more than \(ONNXTensor.maximumElements) elements")
            }
            count = product
        }
        dims = proto.dims.map(Int.init)

        values = try ONNXTensor.decodeValues(proto, count: count, dims: dims, what: what)
    }

    private static func decodeValues(
        _ proto: Onnx_TensorProto, count: Int, dims: [Int], what: String
    ) throws(InputError) -> [Rational] {
        let values: [Rational]
        func checkCount(_ found: Int, _ unit: String) throws(InputError) {
            guard found == count else {
                throw InputError("\(what) holds \(found) \(unit) but its dims \(dims) need \(count)")
            }
        }
        func finite<F: BinaryFloatingPoint>(_ x: F, _ i: Int) throws(InputError) -> F {
            guard x.isFinite else { throw InputError("\(what) holds \(x.isNaN ? "NaN" : "Inf") at index \(i)") }
            return x
        }
        let raw = proto.rawData
        switch proto.dataType {
        case 1:  // float
            if !raw.isEmpty {
                try checkCount(raw.count / 4, "floats")
                guard raw.count == count * 4 else { throw InputError("\(what) has \(raw.count) raw bytes, not a multiple of 4") }
                var out: [Rational] = []
                out.reserveCapacity(count)
                for i in 0..<count {
                    let bits = raw.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)) }
                    out.append(Rational(exactly: try finite(Float(bitPattern: bits), i))!)
                }
                values = out
            } else {
                try checkCount(proto.floatData.count, "floats")
                var out: [Rational] = []
                out.reserveCapacity(count)
                for (i, x) in proto.floatData.enumerated() { out.append(Rational(exactly: try finite(x, i))!) }
                values = out
            }
        case 11:  // double
            if !raw.isEmpty {
                guard raw.count == count * 8 else { throw InputError("\(what) has \(raw.count) raw bytes but its dims \(dims) need \(count * 8)") }
                var out: [Rational] = []
                out.reserveCapacity(count)
                for i in 0..<count {
                    let bits = raw.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) }
                    out.append(Rational(exactly: try finite(Double(bitPattern: bits), i))!)
                }
                values = out
            } else {
                try checkCount(proto.doubleData.count, "doubles")
                var out: [Rational] = []
                for (i, x) in proto.doubleData.enumerated() { out.append(Rational(exactly: try finite(x, i))!) }
                values = out
            }
        case 7:  // int64
            if !raw.isEmpty {
                guard raw.count == count * 8 else { throw InputError("\(what) has \(raw.count) raw bytes but its dims \(dims) need \(count * 8)") }
                values = (0..<count).map { i in
                    Rational(Int(raw.withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(fromByteOffset: i * 8, as: Int64.self)) }))
                }
            } else {
                try checkCount(proto.int64Data.count, "int64 values")
                values = proto.int64Data.map { Rational(Int($0)) }
            }
        case 6:  // int32
            if !raw.isEmpty {
                guard raw.count == count * 4 else { throw InputError("\(what) has \(raw.count) raw bytes but its dims \(dims) need \(count * 4)") }
                values = (0..<count).map { i in
                    Rational(Int(raw.withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(fromByteOffset: i * 4, as: Int32.self)) }))
                }
            } else {
                try checkCount(proto.int32Data.count, "int32 values")
                values = proto.int32Data.map { Rational(Int($0)) }
            }
        default:
            throw InputError("\(what) has element type \(ONNXTensor.typeName(proto.dataType)); climep reads float, double and integer tensors")
        }
        return values
    }


    init(name: String, dims: [Int], values: [Rational]) {
        self.name = name
        self.dims = dims
        self.values = values
    }
}
