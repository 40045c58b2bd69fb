import ExactArithmetic

/// Evaluates the nodes of an ONNX graph that read only constants, in exact
/// arithmetic, so that every exporter's spelling of a dense chain reduces to
/// the same layers: the shape arithmetic of `x.view(x.size(0), -1)` (`Shape`,
/// `Gather`, `Unsqueeze`, `Squeeze`, `Concat`, `Slice`, `Cast`), a `Reshape`
/// of constants, and a `Transpose` of a weight.
///
/// Every operator here only moves entries (and `Cast` converts them, refusing
/// any conversion that would round), so an entry that stands for the data's
/// batch size (`ONNXTensor.batchEntries`) is followed wherever it goes. Each
/// result is bounded by `InputLimits.maximumTensorElements` before it is
/// built. A refusal is a `Refusal` saying why, in words the importer puts
/// after the node's name.
enum ONNXConstantFolding {
    /// Why a node cannot be folded.
    struct Refusal: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// Operators that fold when every input is a constant.
    static let ops: Set<String> = [
        "Identity", "Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Slice", "Cast", "Transpose", "Reshape",
    ]

    /// The value of `node` over its constant inputs (`inputs[i]` is nil for
    /// an absent optional input), named `output`.
    static func evaluate(
        _ node: Onnx_NodeProto, inputs: [ONNXTensor?], opset: Int, output: String
    ) throws(Refusal) -> ONNXTensor {
        func input(_ i: Int) throws(Refusal) -> ONNXTensor {
            guard i < inputs.count, let t = inputs[i] else { throw Refusal("has no input \(i)") }
            return t
        }
        func attribute(_ name: String) -> Onnx_AttributeProto? { node.attribute.first(where: { $0.name == name }) }
        func intAttribute(_ name: String, default value: Int) -> Int { attribute(name).map { Int($0.i) } ?? value }
        /// Integer entries of a constant (indices, axes, shapes): the batch size is not one of them.
        func integers(_ t: ONNXTensor, _ role: String) throws(Refusal) -> [Int] {
            guard t.batchEntries.isEmpty else { throw Refusal("uses the batch size as \(role)") }
            var out: [Int] = []
            for v in t.values {
                guard let n = integer(v) else { throw Refusal("has \(role) \(v), not a 64-bit integer") }
                out.append(n)
            }
            return out
        }

        switch node.opType {
        case "Identity":
            return try input(0).renamed(output)

        case "Shape":
            return shape(of: try input(0).dims, batchAxis: nil, node: node, output: output)

        case "Cast":
            let t = try input(0)
            let to = intAttribute("to", default: 0)
            var values: [Rational] = []
            values.reserveCapacity(t.count)
            for (k, v) in t.values.enumerated() {
                switch to {
                case 1, 11:  // float, double: exact only where the value is representable
                    let rounded = to == 1 ? Rational(exactly: Float(v.nearestDouble)) : Rational(exactly: v.nearestDouble)
                    guard t.batchEntries.contains(k) || rounded == v else {
                        throw Refusal("casts \(v) to \(ONNXTensor.typeName(Int32(to))), which would round it")
                    }
                    values.append(v)
                case 6, 7, 12, 13:  // int32, int64, uint32, uint64: truncation toward zero
                    let truncated = v.sign < 0 ? v.ceiling : v.floor
                    guard let n = integer(truncated), to == 7 || to == 13 ? true : abs(n) < 1 << 31,
                          to == 12 || to == 13 ? n >= 0 : true else {
                        throw Refusal("casts \(v) to \(ONNXTensor.typeName(Int32(to))), which does not hold it")
                    }
                    values.append(truncated)
                default:
                    throw Refusal("casts to \(ONNXTensor.typeName(Int32(to))); climep folds casts to float, double and integer types")
                }
            }
            return ONNXTensor(name: output, dims: t.dims, values: values, batchEntries: t.batchEntries)

        case "Gather":
            let data = try input(0), indices = try input(1)
            let rank = data.dims.count
            guard rank >= 1 else { throw Refusal("gathers from a scalar") }
            let axis = try normalised(intAttribute("axis", default: 0), rank: rank)
            let size = data.dims[axis]
            var picked: [Int] = []
            for i in try integers(indices, "an index") {
                guard i >= -size && i < size else { throw Refusal("has index \(i) outside 0..<\(size) along axis \(axis)") }
                picked.append(i < 0 ? i + size : i)
            }
            let outer = data.dims[..<axis].reduce(1, *), inner = data.dims[(axis + 1)...].reduce(1, *)
            let dims = Array(data.dims[..<axis]) + indices.dims + Array(data.dims[(axis + 1)...])
            try checkCount(dims)
            var sources: [Int] = []
            for o in 0..<outer { for p in picked { for i in 0..<inner { sources.append((o * size + p) * inner + i) } } }
            return data.gathered(sources, dims: dims, name: output)

        case "Unsqueeze":
            let t = try input(0)
            let axes = opset >= 13 ? try integers(input(1), "an axis") : (attribute("axes")?.ints.map { Int($0) } ?? [])
            let rank = t.dims.count + axes.count
            var positions = Set<Int>()
            for a in axes {
                guard positions.insert(try normalised(a, rank: rank)).inserted else { throw Refusal("repeats axis \(a)") }
            }
            guard !positions.isEmpty else { throw Refusal("has no axes") }
            var dims: [Int] = [], rest = t.dims.makeIterator()
            for k in 0..<rank { dims.append(positions.contains(k) ? 1 : rest.next()!) }
            return t.reshaped(dims, name: output)

        case "Squeeze":
            let t = try input(0)
            let given: [Int]? = opset >= 13
                ? (inputs.count > 1 && inputs[1] != nil ? try integers(input(1), "an axis") : nil)
                : attribute("axes").map { $0.ints.map { Int($0) } }
            var drop = Set<Int>()
            if let given {
                for a in given {
                    let k = try normalised(a, rank: t.dims.count)
                    guard t.dims[k] == 1 else { throw Refusal("squeezes axis \(a) of size \(t.dims[k])") }
                    drop.insert(k)
                }
            } else {
                drop = Set(t.dims.indices.filter { t.dims[$0] == 1 })
            }
            return t.reshaped(t.dims.indices.filter { !drop.contains($0) }.map { t.dims[$0] }, name: output)

        case "Concat":
            let parts = inputs.compactMap { $0 }
            guard let first = parts.first, parts.count == inputs.count else { throw Refusal("has a missing input") }
            guard attribute("axis") != nil else { throw Refusal("has no axis") }
            let rank = first.dims.count
            let axis = try normalised(intAttribute("axis", default: 0), rank: rank)
            for p in parts where p.dims.count != rank || p.dims.indices.contains(where: { $0 != axis && p.dims[$0] != first.dims[$0] }) {
                throw Refusal("joins shapes \(first.dims) and \(p.dims) along axis \(axis)")
            }
            var dims = first.dims
            dims[axis] = parts.reduce(0) { $0 + $1.dims[axis] }
            try checkCount(dims)
            let outer = first.dims[..<axis].reduce(1, *), inner = first.dims[(axis + 1)...].reduce(1, *)
            var values: [Rational] = [], batch = Set<Int>()
            for o in 0..<outer {
                for p in parts {
                    let block = p.dims[axis] * inner
                    for k in 0..<block {
                        if p.batchEntries.contains(o * block + k) { batch.insert(values.count) }
                        values.append(p.values[o * block + k])
                    }
                }
            }
            return ONNXTensor(name: output, dims: dims, values: values, batchEntries: batch)

        case "Slice":
            let t = try input(0)
            let rank = t.dims.count
            let starts: [Int], ends: [Int], axes: [Int], steps: [Int]
            if opset >= 10 {
                starts = try integers(input(1), "a start")
                ends = try integers(input(2), "an end")
                axes = inputs.count > 3 && inputs[3] != nil ? try integers(input(3), "an axis") : Array(0..<starts.count)
                steps = inputs.count > 4 && inputs[4] != nil ? try integers(input(4), "a step") : Array(repeating: 1, count: starts.count)
            } else {
                starts = attribute("starts")?.ints.map { Int($0) } ?? []
                ends = attribute("ends")?.ints.map { Int($0) } ?? []
                axes = attribute("axes").map { $0.ints.map { Int($0) } } ?? Array(0..<starts.count)
                steps = Array(repeating: 1, count: starts.count)
            }
            guard starts.count == ends.count, axes.count == starts.count, steps.count == starts.count else {
                throw Refusal("has starts, ends, axes and steps of different lengths")
            }
            // Per axis, the indices kept (ONNX's clamping rules).
            var kept = t.dims.map { Array(0..<$0) }
            var seen = Set<Int>()
            for k in starts.indices {
                let axis = try normalised(axes[k], rank: rank)
                guard seen.insert(axis).inserted else { throw Refusal("slices axis \(axis) twice") }
                let size = t.dims[axis], step = steps[k]
                guard step != 0 else { throw Refusal("has step 0") }
                func clamp(_ v: Int, _ low: Int, _ high: Int) -> Int { min(max(v, low), high) }
                var start = starts[k] < 0 ? starts[k] &+ size : starts[k]
                var end = ends[k] < 0 ? ends[k] &+ size : ends[k]
                if step > 0 {
                    start = clamp(start, 0, size); end = clamp(end, 0, size)
                } else {
                    start = clamp(start, 0, size - 1); end = clamp(end, -1, size - 1)
                }
                kept[axis] = Array(stride(from: start, to: end, by: step))
            }
            let dims = kept.map(\.count)
            try checkCount(dims)
            let strides = strides(of: t.dims)
            var sources: [Int] = []
            func visit(_ axis: Int, _ offset: Int) {
                if axis == rank { sources.append(offset); return }
                for i in kept[axis] { visit(axis + 1, offset + i * strides[axis]) }
            }
            visit(0, 0)
            return t.gathered(sources, dims: dims, name: output)

        case "Transpose":
            let t = try input(0)
            let rank = t.dims.count
            let perm = attribute("perm").map { $0.ints.map { Int($0) } } ?? Array((0..<rank).reversed())
            guard perm.count == rank, Set(perm) == Set(0..<rank) else { throw Refusal("has perm \(perm) for rank \(rank)") }
            let dims = perm.map { t.dims[$0] }
            let from = strides(of: t.dims)
            var sources: [Int] = []
            sources.reserveCapacity(t.count)
            func visit(_ axis: Int, _ offset: Int) {
                if axis == rank { sources.append(offset); return }
                for i in 0..<dims[axis] { visit(axis + 1, offset + i * from[perm[axis]]) }
            }
            visit(0, 0)
            return t.gathered(sources, dims: dims, name: output)

        case "Reshape":
            let t = try input(0)
            let target = try integers(input(1), "a target dimension")
            let allowZero = intAttribute("allowzero", default: 0) != 0
            var dims: [Int] = [], inferred: Int?
            for (k, d) in target.enumerated() {
                switch d {
                case -1:
                    guard inferred == nil else { throw Refusal("has two -1 dimensions in \(target)") }
                    inferred = k
                    dims.append(1)
                case 0 where !allowZero:
                    guard k < t.dims.count else { throw Refusal("copies dimension \(k) of a rank-\(t.dims.count) tensor") }
                    dims.append(t.dims[k])
                case let d where d >= 0: dims.append(d)
                default: throw Refusal("has dimension \(d) in \(target)")
                }
            }
            let known = dims.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? .max : $0 * $1 }
            if let k = inferred {
                guard known > 0, t.count % known == 0 else { throw Refusal("cannot reshape \(t.dims) to \(target)") }
                dims[k] = t.count / known
            }
            guard dims.reduce(1, { $0 * $1 }) == t.count else { throw Refusal("cannot reshape \(t.dims) to \(target)") }
            return t.reshaped(dims, name: output)

        default:
            throw Refusal("is not an operator climep folds")
        }
    }

    /// `Shape` of a value with these dims (its `start`/`end` attributes
    /// applied); the entry of `batchAxis`, when given, stands for the batch size.
    static func shape(of dims: [Int], batchAxis: Int?, node: Onnx_NodeProto, output: String) -> ONNXTensor {
        let rank = dims.count
        func attribute(_ name: String, default value: Int) -> Int {
            node.attribute.first(where: { $0.name == name }).map { Int($0.i) } ?? value
        }
        var start = attribute("start", default: 0), end = attribute("end", default: rank)
        if start < 0 { start += rank }
        if end < 0 { end += rank }
        start = min(max(start, 0), rank)
        end = min(max(end, start), rank)
        let values = dims[start..<end].map { Rational($0) }
        let batch: Set<Int> = batchAxis.map { $0 >= start && $0 < end ? [$0 - start] : [] } ?? []
        return ONNXTensor(name: output, dims: [values.count], values: values, batchEntries: batch)
    }

    /// `axis` in `0..<rank` (negative counts from the end).
    private static func normalised(_ axis: Int, rank: Int) throws(Refusal) -> Int {
        guard axis >= -rank && axis < rank else { throw Refusal("has axis \(axis) for rank \(rank)") }
        return axis < 0 ? axis + rank : axis
    }

    private static func checkCount(_ dims: [Int]) throws(Refusal) {
        var count = 1
        for d in dims {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, product <= InputLimits.maximumTensorElements else {
                throw Refusal("makes a tensor of shape \(dims): " + InputLimits.exceeds("element count", overflow ? "beyond \(Int.max)" : "\(product)", InputLimits.maximumTensorElements))
            }
            count = product
        }
    }

    /// Row-major strides.
    private static func strides(of dims: [Int]) -> [Int] {
        var s = Array(repeating: 1, count: dims.count)
        for k in dims.indices.reversed().dropFirst() { s[k] = s[k + 1] * dims[k + 1] }
        return s
    }

    /// The value as an `Int` when it is an integer that fits.
    static func integer(_ v: Rational) -> Int? {
        v.isInteger ? Int(v.description) : nil
    }
}

extension ONNXTensor {
    /// The same entries under another shape (row-major order kept).
    func reshaped(_ dims: [Int], name: String) -> ONNXTensor {
        ONNXTensor(name: name, dims: dims, values: values, batchEntries: batchEntries)
    }

    func renamed(_ name: String) -> ONNXTensor { reshaped(dims, name: name) }

    /// The entries at flat indices `sources`, in that order, shaped `dims`.
    func gathered(_ sources: [Int], dims: [Int], name: String) -> ONNXTensor {
        var batch = Set<Int>()
        if !batchEntries.isEmpty {
            for (k, s) in sources.enumerated() where batchEntries.contains(s) { batch.insert(k) }
        }
        return ONNXTensor(name: name, dims: dims, values: sources.map { values[$0] }, batchEntries: batch)
    }
}
