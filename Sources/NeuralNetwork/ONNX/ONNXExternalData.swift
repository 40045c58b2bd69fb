import Foundation
import SwiftProtobuf

/// ONNX's external data: a tensor whose `data_location` is `EXTERNAL` keeps
/// its raw little-endian bytes in another file, named by the `external_data`
/// entries `location` (a path relative to the model's folder), `offset`
/// (default 0) and `length` (default: to the end of the file).
enum ONNXExternalData {
    /// The external locations an ONNX model's constant tensors name (each
    /// once, with the first tensor naming it), in ascending order of their
    /// UTF-8 bytes. Empty when the bytes are not a model: the importer then
    /// reports the decoding error.
    static func locations(in bytes: Data) -> [(location: String, tensor: String)] {
        guard let model = try? Onnx_ModelProto(serializedBytes: bytes) else { return [] }
        var first: [String: String] = [:]
        for (tensor, name) in constantTensors(of: model.graph) where isExternal(tensor) {
            for entry in tensor.externalData where entry.key == "location" && first[entry.value] == nil {
                first[entry.value] = name
            }
        }
        return first.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
            .map { (location: $0.key, tensor: $0.value) }
    }

    /// The graph's initializers and the tensors of its nodes' attributes (a
    /// `Constant` node's value), with the name each is known by.
    static func constantTensors(of graph: Onnx_GraphProto) -> [(Onnx_TensorProto, String)] {
        var tensors = graph.initializer.map { ($0, $0.name) }
        for node in graph.node {
            for attribute in node.attribute {
                let name = node.output.first ?? node.name
                if attribute.hasT { tensors.append((attribute.t, name)) }
                tensors += attribute.tensors.map { ($0, name) }
            }
        }
        return tensors
    }

    static func isExternal(_ tensor: Onnx_TensorProto) -> Bool {
        tensor.dataLocation == .external || !tensor.externalData.isEmpty
    }

    /// The bytes of an external tensor that holds `byteCount` bytes: the
    /// `length` bytes at `offset` of its file. Refuses a tensor with unknown
    /// or repeated keys, an offset or length past the file's end, or a length
    /// other than `byteCount`. `what` names the tensor.
    static func bytes(
        of tensor: Onnx_TensorProto, byteCount: Int, what: String, file: ModelFile
    ) throws(InputError) -> Data {
        guard tensor.dataLocation == .external else {
            throw InputError("\(what) lists external_data but its data_location is not EXTERNAL")
        }
        var entries: [String: String] = [:]
        for entry in tensor.externalData {
            // `checksum` (an optional SHA-1 of the data) is not needed: the model hash covers every byte.
            guard ["location", "offset", "length", "checksum"].contains(entry.key) else {
                throw InputError("\(what) has an unknown external_data key '\(entry.key)'")
            }
            guard entries.updateValue(entry.value, forKey: entry.key) == nil else {
                throw InputError("\(what) repeats the external_data key '\(entry.key)'")
            }
        }
        guard let location = entries["location"] else {
            throw InputError("\(what) has data_location EXTERNAL but no external_data location")
        }
        guard let data = file.externalBytes(location) else {
            throw InputError("\(what): external data file '\(location)' was not read")
        }
        func number(_ key: String) throws(InputError) -> Int? {
            guard let text = entries[key] else { return nil }
            guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let n = Int(text) else {
                throw InputError("\(what) has external_data \(key) '\(text)', not a non-negative integer")
            }
            return n
        }
        let offset = try number("offset") ?? 0
        guard offset <= data.count else {
            throw InputError("\(what) reads from offset \(offset) of '\(location)', which has only \(data.count) bytes")
        }
        let length = try number("length") ?? (data.count - offset)
        guard length <= data.count - offset else {
            throw InputError("\(what) reads \(length) bytes at offset \(offset) of '\(location)', which has only \(data.count) bytes (truncated?)")
        }
        guard length == byteCount else {
            throw InputError("\(what) reads \(length) bytes of '\(location)' but its dims need \(byteCount)")
        }
        let start = data.startIndex + offset
        return data.subdata(in: start..<(start + length))
    }
}
