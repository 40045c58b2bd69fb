import ExactArithmetic
import Foundation

/// A constant tensor of an ONNX graph (an initializer or a `Constant` node's
/// value), its values converted exactly to rationals.
struct ONNXTensor {
    let name: String
    let dims: [Int]
    let values: [Rational]
    /// The flat indices of entries that stand for the data's batch size,
    /// which the graph leaves symbolic (a shape computed by `Shape` of the
    /// data, as `x.view(x.size(0), -1)` exports); their `values` entry is 0
    /// and means nothing. Empty for every tensor the file stores.
    var batchEntries: Set<Int> = []

    var count: Int { values.count }

    /// Element types by ONNX's `TensorProto.DataType` number.
    private static let typeNames: [Int32: String] = [
        1: "float", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64", 8: "string",
        9: "bool", 10: "float16", 11: "double", 12: "uint32", 13: "uint64", 16: "bfloat16",
    ]

    static func typeName(_ type: Int32) -> String { typeNames[type] ?? "type \(type)" }

    /// Element widths in bytes of the types climep decodes.
    private static let elementBytes: [Int32: Int] = [1: 4, 6: 4, 7: 8, 11: 8]

    /// The tensor's values, exactly. A tensor kept in external data is read
    /// from `file`'s external files (see `ONNXExternalData`).
    init(_ proto: Onnx_TensorProto, name: String, file: ModelFile? = nil) throws(InputError) {
        self.name = name
        let what = "'\(name)'"
        var count = 1
        for d in proto.dims {
            guard d >= 0 else { throw InputError("\(what) has a negative dimension \(d)") }
            let (product, overflow) = count.multipliedReportingOverflow(by: Int(d))
            guard !overflow, product <= InputLimits.maximumTensorElements else {
                throw InputError("\(what) has dims \(proto.dims): " + InputLimits.exceeds(
                    "element count", overflow ? "beyond \(Int.max)" : "\(product)", InputLimits.maximumTensorElements))
            }
            count = product
        }
        dims = proto.dims.map(Int.init)

        var proto = proto
        if ONNXExternalData.isExternal(proto) {
            guard let width = ONNXTensor.elementBytes[proto.dataType] else {
                throw InputError("\(what) has element type \(ONNXTensor.typeName(proto.dataType)); climep reads float, double and integer tensors")
            }
            guard let file else {
                throw InputError("\(what) keeps its data in an external file, which is not available here")
            }
            // count ≤ maximumTensorElements, so the product cannot overflow.
            proto.rawData = try ONNXExternalData.bytes(of: proto, byteCount: count * width, what: what, file: file)
        }
        values = try ONNXTensor.decodeValues(proto, count: count, dims: dims, what: what)
    }

    private static func decodeValues(
        _ proto: Onnx_TensorProto, count: Int, dims: [Int], what: String
    ) throws(InputError) -> [Rational] {
        // Values sit either in raw_data (little-endian) or in the typed field.
        func words<W: FixedWidthInteger>(_ type: W.Type, typed: [W], unit: String) throws(InputError) -> [W] {
            let raw = proto.rawData
            if raw.isEmpty {
                guard typed.count == count else {
                    throw InputError("\(what) holds \(typed.count) \(unit) but its dims \(dims) need \(count)")
                }
                return typed
            }
            let width = MemoryLayout<W>.size
            guard raw.count == count * width else {
                throw InputError("\(what) has \(raw.count) raw bytes but its dims \(dims) need \(count * width)")
            }
            return raw.withUnsafeBytes { bytes in
                (0..<count).map { W(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * width, as: W.self)) }
            }
        }
        /// Floats converted exactly; NaN and Inf rejected with their index.
        func exact<F: BinaryFloatingPoint>(_ values: [F], _ convert: (F) -> Rational?) throws(InputError) -> [Rational] {
            var out: [Rational] = []
            out.reserveCapacity(values.count)
            for (i, x) in values.enumerated() {
                guard let r = convert(x) else { throw InputError("\(what) holds \(x.isNaN ? "NaN" : "Inf") at index \(i)") }
                out.append(r)
            }
            return out
        }
        switch proto.dataType {
        case 1:  // float
            let bits = try words(UInt32.self, typed: proto.floatData.map(\.bitPattern), unit: "floats")
            return try exact(bits.map(Float.init(bitPattern:))) { Rational(exactly: $0) }
        case 11:  // double
            let bits = try words(UInt64.self, typed: proto.doubleData.map(\.bitPattern), unit: "doubles")
            return try exact(bits.map(Double.init(bitPattern:))) { Rational(exactly: $0) }
        case 7:  // int64
            return try words(Int64.self, typed: proto.int64Data, unit: "int64 values").map { Rational(Int($0)) }
        case 6:  // int32
            return try words(Int32.self, typed: proto.int32Data, unit: "int32 values").map { Rational(Int($0)) }
        default:
            throw InputError("\(what) has element type \(ONNXTensor.typeName(proto.dataType)); climep reads float, double and integer tensors")
        }
    }


    init(name: String, dims: [Int], values: [Rational], batchEntries: Set<Int> = []) {
        self.name = name
        self.dims = dims
        self.values = values
        self.batchEntries = batchEntries
    }
}
